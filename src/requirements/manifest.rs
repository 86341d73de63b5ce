//! Tool manifests: what each Visionary 360 tool needs from its ConnectWise security role.
//!
//! A manifest is a TOML file. Module and function names are checked against the catalog of
//! known names when the file is read. A typo is then reported with its file, line and the
//! nearest known name, instead of becoming a checklist line that no role can meet.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::catalog;
use super::level::{Level, Verb};

const EMAIL_RECONNECTOR: &str = include_str!("manifests/email-reconnector.toml");

/// One tool, as its TOML manifest describes it, with module and function names resolved to
/// the names the web UI shows.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub id: String,
    pub name: String,
    pub vendor: Option<String>,
    /// Description of the tool's API key in ConnectWise; defaults to the tool's name.
    pub key_description: Option<String>,
    /// Suffix of the API member identifier and role name when each tool gets its own member.
    pub member_suffix: Option<String>,
    /// HTTPS endpoint of the tool's registration, which receives the key by POST.
    pub registration_url: Option<String>,
    /// Fields the registration endpoint takes, by name: `site`, `company_id`, `public_key`,
    /// `private_key`, `client_id` and `member_identifier`.
    pub registration_fields: Vec<String>,
    pub permissions: Vec<Permission>,
    /// The file the manifest came from, or a label for a built-in one.
    pub origin: String,
}

/// One module/function row of a manifest with the levels it needs per verb.
#[derive(Debug, Clone)]
pub struct Permission {
    pub module: String,
    pub function: String,
    pub add: Option<Level>,
    pub edit: Option<Level>,
    pub delete: Option<Level>,
    pub inquire: Option<Level>,
    /// An optional row enables an extra feature; an unmet optional row does not block setup.
    pub optional: bool,
    pub reason: Option<String>,
    /// "Customize" items of the function that the web UI sets and the API does not report.
    pub customize: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: String,
    name: String,
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    key_description: Option<String>,
    #[serde(default)]
    member_suffix: Option<String>,
    #[serde(default)]
    registration_url: Option<String>,
    #[serde(default)]
    registration_fields: Vec<String>,
    #[serde(default, rename = "permission")]
    permissions: Vec<RawPermission>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermission {
    module: Spanned<String>,
    function: Spanned<String>,
    #[serde(default)]
    add: Option<Level>,
    #[serde(default)]
    edit: Option<Level>,
    #[serde(default)]
    delete: Option<Level>,
    #[serde(default)]
    inquire: Option<Level>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    customize: Vec<String>,
}

/// Registration field names a manifest may list.
pub const REGISTRATION_FIELDS: &[&str] = &[
    "site",
    "company_id",
    "public_key",
    "private_key",
    "client_id",
    "member_identifier",
];

impl Permission {
    pub fn level(&self, verb: Verb) -> Option<Level> {
        match verb {
            Verb::Add => self.add,
            Verb::Edit => self.edit,
            Verb::Delete => self.delete,
            Verb::Inquire => self.inquire,
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn unknown_name_error(
    origin: &str,
    line: usize,
    kind: &str,
    name: &str,
    nearest: Option<String>,
) -> String {
    let hint = match nearest {
        Some(nearest) => format!("did you mean {nearest:?}?"),
        None => "check the spelling against System > Security Roles in the web UI".to_owned(),
    };
    format!("{origin}:{line}: unknown {kind} {name:?}; {hint}")
}

impl Manifest {
    /// Parses a manifest; `origin` names the file in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Manifest, String> {
        let raw: RawManifest =
            toml::from_str(text).map_err(|error| format!("{origin}: {error}"))?;
        let id = raw.id.trim();
        if id.is_empty()
            || !id
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '-')
        {
            return Err(format!(
                "{origin}: invalid tool id {:?}: use letters, digits and '-', such as \
                 email-reconnector",
                raw.id
            ));
        }
        if let Some(url) = &raw.registration_url {
            if !url.starts_with("https://") {
                return Err(format!(
                    "{origin}: registration_url {url:?} must start with https://, because the \
                     private key is sent to it"
                ));
            }
        }
        for field in &raw.registration_fields {
            if !REGISTRATION_FIELDS.contains(&field.as_str()) {
                return Err(format!(
                    "{origin}: unknown registration field {field:?}; use {}",
                    REGISTRATION_FIELDS.join(", ")
                ));
            }
        }

        let mut permissions = Vec::with_capacity(raw.permissions.len());
        for permission in raw.permissions {
            let module_name = permission.module.get_ref();
            let module = catalog::resolve_module(module_name).map_err(|unknown| {
                let line = line_of(text, permission.module.span().start);
                unknown_name_error(origin, line, "module", module_name, unknown.nearest)
            })?;
            let function_name = permission.function.get_ref();
            let function = catalog::resolve_function(module, function_name).map_err(|unknown| {
                let line = line_of(text, permission.function.span().start);
                let kind = format!("function of module {module}");
                unknown_name_error(origin, line, &kind, function_name, unknown.nearest)
            })?;
            permissions.push(Permission {
                module: module.to_owned(),
                function: function.to_owned(),
                add: permission.add,
                edit: permission.edit,
                delete: permission.delete,
                inquire: permission.inquire,
                optional: permission.optional,
                reason: permission.reason,
                customize: permission.customize,
            });
        }

        Ok(Manifest {
            id: id.to_owned(),
            name: raw.name,
            vendor: raw.vendor,
            key_description: raw.key_description,
            member_suffix: raw.member_suffix,
            registration_url: raw.registration_url,
            registration_fields: raw.registration_fields,
            permissions,
            origin: origin.to_owned(),
        })
    }

    pub fn key_description(&self) -> &str {
        self.key_description.as_deref().unwrap_or(&self.name)
    }

    /// Returns the suffix for this tool's own member and role: the manifest's `member_suffix`,
    /// else the initials of the id's parts in capitals ("email-reconnector" gives "ER").
    pub fn suffix(&self) -> String {
        self.member_suffix.clone().unwrap_or_else(|| {
            self.id
                .split('-')
                .filter_map(|part| part.chars().next())
                .collect::<String>()
                .to_ascii_uppercase()
        })
    }
}

/// Returns the manifests built into the binary.
pub fn builtin() -> Vec<Manifest> {
    // The built-in manifest is checked by a unit test, so a parse failure here is a build bug.
    Manifest::parse(EMAIL_RECONNECTOR, "built-in email-reconnector.toml")
        .map(|manifest| vec![manifest])
        .unwrap_or_default()
}

/// Finds a built-in tool by id, ignoring case.
pub fn find_builtin(id: &str) -> Option<Manifest> {
    builtin()
        .into_iter()
        .find(|manifest| manifest.id.eq_ignore_ascii_case(id.trim()))
}

/// Reads every `*.toml` manifest in a folder, sorted by file name.
pub fn load_dir(folder: &Path) -> Result<Vec<Manifest>, String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| format!("cannot read tools folder {}: {error}", folder.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            Manifest::parse(&text, &path.display().to_string())
        })
        .collect()
}

/// Returns the built-in tools plus those of each folder that exists, in order.
///
/// A manifest from a folder replaces a built-in one with the same id, so a vendor can ship
/// updated requirements. Two folder manifests with one id are an error.
pub fn catalog_of_tools(folders: &[PathBuf]) -> Result<Vec<Manifest>, String> {
    let mut tools = builtin();
    let mut from_folders: Vec<Manifest> = Vec::new();
    for folder in folders {
        if !folder.is_dir() {
            continue;
        }
        for manifest in load_dir(folder)? {
            if let Some(other) = from_folders
                .iter()
                .find(|other| other.id.eq_ignore_ascii_case(&manifest.id))
            {
                return Err(format!(
                    "tool id {:?} is defined twice: in {} and in {}; remove one",
                    manifest.id, other.origin, manifest.origin
                ));
            }
            tools.retain(|tool| !tool.id.eq_ignore_ascii_case(&manifest.id));
            from_folders.push(manifest.clone());
            tools.push(manifest);
        }
    }
    Ok(tools)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_email_reconnector_parses() {
        let manifest = Manifest::parse(EMAIL_RECONNECTOR, "email-reconnector.toml")
            .expect("built-in manifest parses");
        assert_eq!(manifest.id, "email-reconnector");
        assert_eq!(manifest.key_description(), "Email reConnector");
        assert_eq!(manifest.suffix(), "ERC");
        let tickets = manifest
            .permissions
            .iter()
            .find(|permission| permission.function == "Service Tickets")
            .expect("service tickets row");
        assert_eq!(tickets.level(Verb::Add), Some(Level::All));
        assert_eq!(tickets.level(Verb::Delete), None);
    }

    #[test]
    fn unknown_key_rejected_with_origin() {
        let error = Manifest::parse("id = \"x\"\nname = \"X\"\ncolour = 1\n", "x.toml")
            .expect_err("unknown key");
        assert!(error.starts_with("x.toml"), "{error}");
        assert!(error.contains("colour"), "{error}");
    }

    #[test]
    fn misspelled_function_names_line_and_nearest() {
        let text = "id = 'x'\nname = 'X'\n\n[[permission]]\nmodule = 'Service Desk'\n\
                    function = 'Service Tikets'\ninquire = 'All'\n";
        let error = Manifest::parse(text, "x.toml").expect_err("misspelled function");
        assert!(error.starts_with("x.toml:6:"), "{error}");
        assert!(error.contains("\"Service Tickets\""), "{error}");
    }

    #[test]
    fn misspelled_module_names_line_and_nearest() {
        let text =
            "id = 'x'\nname = 'X'\n[[permission]]\nmodule = 'Compnies'\nfunction = 'Contacts'\n";
        let error = Manifest::parse(text, "x.toml").expect_err("misspelled module");
        assert!(error.starts_with("x.toml:4:"), "{error}");
        assert!(error.contains("\"Companies\""), "{error}");
    }

    #[test]
    fn variants_resolve_to_web_ui_names() {
        let text = "id = 'x'\nname = 'X'\n[[permission]]\nmodule = 'time and expense'\n\
                    function = 'TIME ENTRY'\nadd = 'My'\n";
        let manifest = Manifest::parse(text, "x.toml").expect("variants accepted");
        assert_eq!(manifest.permissions[0].module, "Time & Expense");
        assert_eq!(manifest.permissions[0].function, "Time Entry");
    }

    #[test]
    fn http_registration_url_rejected() {
        let text = "id = 'x'\nname = 'X'\nregistration_url = 'http://example.test/register'\n";
        let error = Manifest::parse(text, "x.toml").expect_err("plain HTTP");
        assert!(error.contains("https://"), "{error}");
    }

    #[test]
    fn find_builtin_ignores_case() {
        assert!(find_builtin("Email-ReConnector").is_some());
        assert!(find_builtin("nope").is_none());
    }

    #[test]
    fn folder_manifest_replaces_builtin_and_duplicates_fail() {
        let folder = std::env::temp_dir().join(format!("v360-tools-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("temp folder");
        std::fs::write(
            folder.join("erc.toml"),
            "id = 'email-reconnector'\nname = 'Email reConnector 2'\n",
        )
        .expect("write manifest");
        let tools = catalog_of_tools(std::slice::from_ref(&folder)).expect("tools load");
        let erc: Vec<_> = tools
            .iter()
            .filter(|tool| tool.id == "email-reconnector")
            .collect();
        assert_eq!(erc.len(), 1);
        assert_eq!(erc[0].name, "Email reConnector 2");

        std::fs::write(
            folder.join("other.toml"),
            "id = 'EMAIL-RECONNECTOR'\nname = 'Y'\n",
        )
        .expect("write duplicate");
        let error = catalog_of_tools(std::slice::from_ref(&folder)).expect_err("duplicate id");
        assert!(error.contains("defined twice"), "{error}");
        std::fs::remove_dir_all(&folder).ok();
    }
}
