//! Connection settings, tool selection and transport options, from flags and environment.

use std::path::PathBuf;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::{env, ConnectionArgs};
use crate::audit::AuditLog;
use crate::cwm::{ClientOptions, Credentials};
use crate::requirements::{manifest, Manifest};
use crate::secrets::paste::{check_key_format, clean_key, KeyHalf};
use crate::secrets::KeyPair;

/// Reads a secret from the environment; an empty value counts as missing.
pub fn read_secret_env(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .map(SecretString::from)
}

/// Reads a key half from the environment as it is, blanks and all, so that
/// [`clean_key_setting`] can report what it removes. A blank value counts as missing.
fn read_key_env(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .map(SecretString::from)
}

/// Cleans a key half given in a variable or flag the way the wizard cleans a pasted one:
/// removes the spaces, line breaks and invisible characters that copying adds, reports on
/// standard error what was removed, and checks ConnectWise's key format. `source` names where the value
/// came from; errors never contain the value.
pub fn clean_key_setting(
    source: &str,
    value: &SecretString,
    half: KeyHalf,
) -> Result<SecretString, String> {
    let cleaned = clean_key(value.expose_secret());
    if let Some(removed) = cleaned.removed.describe() {
        eprintln!("note: {source}: {removed} from the {half}");
    }
    check_key_format(cleaned.value.expose_secret(), half)
        .map_err(|error| format!("{source}: {error}"))?;
    Ok(cleaned.value)
}

/// Returns the site, company ID and client ID, naming each missing one.
pub fn site_settings(connection: &ConnectionArgs) -> Result<(String, String, String), String> {
    let mut missing = Vec::new();
    let mut take = |value: &Option<String>, flag: &str, variable: &str| match value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        Some(value) => value.to_owned(),
        None => {
            missing.push(format!("{flag} or {variable}"));
            String::new()
        }
    };
    let site = take(&connection.site, "--site", env::SITE);
    let company_id = take(&connection.company_id, "--company-id", env::COMPANY_ID);
    let client_id = take(&connection.client_id, "--client-id", env::CLIENT_ID);
    if missing.is_empty() {
        Ok((site, company_id, client_id))
    } else {
        Err(format!(
            "missing connection settings: {}",
            missing.join(", ")
        ))
    }
}

/// Builds the administrator's credentials from flags and environment, naming each missing one.
pub fn credentials(connection: &ConnectionArgs) -> Result<(String, Credentials), String> {
    let site_result = site_settings(connection);
    let public_key = connection
        .public_key
        .as_deref()
        .filter(|value| !value.trim().is_empty());
    let private_key = read_key_env(env::PRIVATE_KEY);

    let mut missing = Vec::new();
    if let Err(error) = &site_result {
        missing.push(
            error
                .trim_start_matches("missing connection settings: ")
                .to_owned(),
        );
    }
    if public_key.is_none() {
        missing.push(format!("--public-key or {}", env::PUBLIC_KEY));
    }
    if private_key.is_none() {
        missing.push(env::PRIVATE_KEY.to_owned());
    }
    let (Ok((site, company_id, client_id)), Some(public_key), Some(private_key)) =
        (site_result, public_key, private_key)
    else {
        return Err(format!(
            "missing connection settings: {}",
            missing.join(", ")
        ));
    };
    let public_source = format!("--public-key or {}", env::PUBLIC_KEY);
    let public_key = clean_key_setting(
        &public_source,
        &SecretString::from(public_key.to_owned()),
        KeyHalf::Public,
    )?;
    let private_key = clean_key_setting(env::PRIVATE_KEY, &private_key, KeyHalf::Private)?;
    let credentials = Credentials {
        company_id,
        key: KeyPair {
            public_key: public_key.expose_secret().to_owned(),
            private_key,
        },
        client_id,
    };
    Ok((site, credentials))
}

/// Returns the built-in tools plus those in the config directory's tools folder and
/// `--tools-dir`.
pub fn tool_catalog(connection: &ConnectionArgs) -> Result<Vec<Manifest>, String> {
    let mut folders: Vec<PathBuf> = crate::paths::tools_dir().into_iter().collect();
    if let Some(folder) = &connection.tools_dir {
        if !folder.is_dir() {
            return Err(format!(
                "tools folder {} does not exist or is not a folder",
                folder.display()
            ));
        }
        folders.push(folder.clone());
    }
    manifest::catalog_of_tools(&folders)
}

/// Picks the requested tools from the catalog, in the order given, naming any unknown id.
pub fn select_tools(catalog: &[Manifest], ids: &[String]) -> Result<Vec<Manifest>, String> {
    let mut selected: Vec<Manifest> = Vec::new();
    for id in ids.iter().flat_map(|id| id.split(',')) {
        let id = id.trim();
        let Some(tool) = catalog.iter().find(|tool| tool.id.eq_ignore_ascii_case(id)) else {
            let known: Vec<&str> = catalog.iter().map(|tool| tool.id.as_str()).collect();
            return Err(format!(
                "unknown tool {id:?}; known tools: {}",
                known.join(", ")
            ));
        };
        if !selected.iter().any(|other| other.id == tool.id) {
            selected.push(tool.clone());
        }
    }
    Ok(selected)
}

/// Builds the client's transport options, reading `--ca-cert` when given.
pub fn client_options(connection: &ConnectionArgs) -> Result<ClientOptions, String> {
    let options = ClientOptions::default();
    match &connection.ca_cert {
        Some(path) => options
            .with_ca_certificate_file(path)
            .map_err(|error| error.to_string()),
        None => Ok(options),
    }
}

/// Opens the audit log in the state directory. A failure to open it is reported and the run
/// goes on, because the site itself is the authoritative state.
pub fn open_audit() -> Option<Arc<AuditLog>> {
    let path = crate::paths::audit_log()?;
    match AuditLog::open(&path) {
        Ok(log) => Some(Arc::new(log)),
        Err(error) => {
            eprintln!(
                "warning: cannot open the audit log {}: {error}; continuing without it",
                path.display()
            );
            None
        }
    }
}

/// Reads a tool's key from the environment: `V360_TOOL_PUBLIC_KEY_<ID>` and
/// `V360_TOOL_PRIVATE_KEY_<ID>` (the id in capitals with `-` as `_`), or the plain variables when
/// only one tool is selected. Both halves or neither.
pub fn tool_key_from_env(tool_id: &str, only_tool: bool) -> Result<Option<KeyPair>, String> {
    let suffix = tool_id.to_ascii_uppercase().replace('-', "_");
    let mut names = vec![(
        format!("{}_{suffix}", env::TOOL_PUBLIC_KEY),
        format!("{}_{suffix}", env::TOOL_PRIVATE_KEY),
    )];
    if only_tool {
        names.push((
            env::TOOL_PUBLIC_KEY.to_owned(),
            env::TOOL_PRIVATE_KEY.to_owned(),
        ));
    }
    for (public_name, private_name) in names {
        match (read_key_env(&public_name), read_key_env(&private_name)) {
            (Some(public_key), Some(private_key)) => {
                let public_key = clean_key_setting(&public_name, &public_key, KeyHalf::Public)?;
                let private_key = clean_key_setting(&private_name, &private_key, KeyHalf::Private)?;
                return Ok(Some(KeyPair {
                    public_key: public_key.expose_secret().to_owned(),
                    private_key,
                }));
            }
            (None, None) => continue,
            (Some(_), None) => {
                return Err(format!(
                    "{public_name} is set but {private_name} is missing; set both or neither"
                ))
            }
            (None, Some(_)) => {
                return Err(format!(
                    "{private_name} is set but {public_name} is missing; set both or neither"
                ))
            }
        }
    }
    Ok(None)
}

/// Rejects tool-key variables that no selected tool would read: the plain
/// `V360_TOOL_PUBLIC_KEY` pair with several tools, and a `_<TOOL>` suffix that names no selected
/// tool, such as a misspelled one. Ignoring them would leave the run waiting for a key that the
/// user believes they gave.
pub fn check_tool_key_variables(
    tool_ids: &[&str],
    variables: impl IntoIterator<Item = String>,
) -> Result<(), String> {
    let suffixes: Vec<String> = tool_ids
        .iter()
        .map(|id| id.to_ascii_uppercase().replace('-', "_"))
        .collect();
    for name in variables {
        for prefix in [env::TOOL_PUBLIC_KEY, env::TOOL_PRIVATE_KEY] {
            let Some(rest) = name.strip_prefix(prefix) else {
                continue;
            };
            let expected: Vec<String> = suffixes
                .iter()
                .map(|suffix| format!("{prefix}_{suffix}"))
                .collect();
            if rest.is_empty() && tool_ids.len() > 1 {
                return Err(format!(
                    "{name} is ambiguous with several tools; set {} instead",
                    expected.join(" and ")
                ));
            }
            let Some(suffix) = rest.strip_prefix('_') else {
                continue;
            };
            if !suffixes.iter().any(|known| known == suffix) {
                return Err(format!(
                    "{name} names no selected tool; the variables read are {}",
                    expected.join(", ")
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn plain_key_variables_fit_one_tool() {
        let variables = names(&["V360_TOOL_PUBLIC_KEY", "V360_TOOL_PRIVATE_KEY", "PATH"]);
        assert!(check_tool_key_variables(&["email-reconnector"], variables).is_ok());
    }

    #[test]
    fn plain_key_variable_ambiguous_with_two_tools() {
        let error = check_tool_key_variables(
            &["email-reconnector", "ticket-tracker"],
            names(&["V360_TOOL_PUBLIC_KEY"]),
        )
        .expect_err("ambiguous");
        assert!(
            error.contains("V360_TOOL_PUBLIC_KEY_TICKET_TRACKER"),
            "{error}"
        );
    }

    #[test]
    fn misspelled_tool_suffix_rejected() {
        let error = check_tool_key_variables(
            &["email-reconnector"],
            names(&["V360_TOOL_PRIVATE_KEY_EMAIL_RECONNECTR"]),
        )
        .expect_err("misspelled");
        assert!(
            error.contains("V360_TOOL_PRIVATE_KEY_EMAIL_RECONNECTOR"),
            "{error}"
        );
        let suffixed = names(&["V360_TOOL_PRIVATE_KEY_EMAIL_RECONNECTOR"]);
        assert!(check_tool_key_variables(&["email-reconnector"], suffixed).is_ok());
    }
}
