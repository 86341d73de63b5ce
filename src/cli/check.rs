//! `v360-setup check`: verifies a tool's stored key, with output fit for a support request.

use serde::Serialize;

use super::settings::{self, tool_key_from_env};
use super::{CheckArgs, ConnectionArgs, Exit, OutputFormat};
use crate::cwm::site;
use crate::provision::{check_key, ProvisionError};
use crate::requirements::{Level, Requirements, Verb};
use crate::secrets::keystore;

/// The result of `check`. It names the public key but never the private key.
#[derive(Debug, Default, Serialize)]
struct CheckOutput {
    status: &'static str,
    exit_code: u8,
    tool: String,
    site: Option<String>,
    company_id: Option<String>,
    client_id: Option<String>,
    /// Source of the key: `environment` or `keyring`.
    key_source: Option<&'static str>,
    public_key: Option<String>,
    member: Option<String>,
    swapped: bool,
    permissions: Vec<PermissionLine>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct PermissionLine {
    module: String,
    function: String,
    verb: Verb,
    required: Level,
    actual: Option<Level>,
    met: bool,
    optional: bool,
}

/// Runs `check` and prints its result; returns the exit code.
pub async fn run(connection: &ConnectionArgs, args: &CheckArgs) -> Exit {
    let mut output = CheckOutput {
        tool: args.tool.clone(),
        ..CheckOutput::default()
    };
    let exit = match check(connection, args, &mut output).await {
        Ok(exit) => exit,
        Err((exit, error)) => {
            output.error = Some(error);
            exit
        }
    };
    tracing::info!(
        exit_code = exit.code(),
        error = output.error.as_deref().unwrap_or(""),
        "check finished"
    );
    output.status = match exit {
        Exit::Done => "done",
        Exit::KeyRejected => "key_rejected",
        Exit::InvalidInput => "invalid_input",
        Exit::ConnectionFailed => "connection_failed",
        _ => "failed",
    };
    output.exit_code = exit.code();

    match args.output {
        OutputFormat::Json => match serde_json::to_string_pretty(&output) {
            Ok(json) => super::print_stdout(&json),
            Err(error) => eprintln!("error: cannot encode the result: {error}"),
        },
        OutputFormat::Text => print_text(&output),
    }
    exit
}

async fn check(
    connection: &ConnectionArgs,
    args: &CheckArgs,
    output: &mut CheckOutput,
) -> Result<Exit, (Exit, String)> {
    let invalid = |error: String| (Exit::InvalidInput, error);
    crate::provision::validate_identifier(args.member_id.trim())
        .map_err(|error| invalid(error.to_string()))?;
    let catalog = settings::tool_catalog(connection).map_err(invalid)?;
    let tools =
        settings::select_tools(&catalog, std::slice::from_ref(&args.tool)).map_err(invalid)?;
    let tool_ids: Vec<&str> = tools.iter().map(|tool| tool.id.as_str()).collect();
    let variables = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    settings::check_tool_key_variables(&tool_ids, variables).map_err(invalid)?;
    let requirements = Requirements::merge(&tools);
    let tool_id = tools
        .first()
        .map(|tool| tool.id.clone())
        .unwrap_or_default();
    let (site_input, company_id, client_id) =
        settings::site_settings(connection).map_err(invalid)?;
    let options = settings::client_options(connection).map_err(invalid)?;
    output.company_id = Some(company_id.clone());
    output.client_id = Some(client_id.clone());

    let api_root = site::normalize(&site_input).map_err(|error| invalid(error.to_string()))?;
    let site_label = site::site_label(&api_root);
    output.site = Some(site_label.clone());

    let pair = match tool_key_from_env(&tool_id, true).map_err(invalid)? {
        Some(pair) => {
            output.key_source = Some("environment");
            pair
        }
        None => {
            let account = keystore::account_name(&site_label, &company_id, &tool_id);
            // A key minted by apply's tokens route has its own entry next to the durable one.
            let loaded = match keystore::load_pair(&account).await {
                Ok(loaded) => Ok(loaded),
                Err(first) => keystore::load_pair(&keystore::minted_account(&account))
                    .await
                    .map_err(|_| first),
            };
            let loaded = loaded.map_err(|error| {
                (
                    Exit::InvalidInput,
                    format!(
                        "no key to check: {error}. Set V360_TOOL_PUBLIC_KEY and \
                         V360_TOOL_PRIVATE_KEY, or store the key with the wizard's Registration \
                         step"
                    ),
                )
            })?;
            output.key_source = Some("keyring");
            loaded.pair
        }
    };
    output.public_key = Some(pair.public_key.clone());

    let check = |member: String| {
        let (site_input, company_id, client_id) = (&site_input, &company_id, &client_id);
        let (pair, requirements, options) = (&pair, &requirements, &options);
        async move {
            check_key(
                site_input,
                company_id,
                client_id,
                pair,
                &member,
                requirements,
                options,
            )
            .await
        }
    };
    // With Choice 2 the tool's member carries the tool's suffix, so a key of that member is the
    // right one too.
    let per_tool_member = format!(
        "{}{}",
        args.member_id.trim(),
        tools.first().map(|tool| tool.suffix()).unwrap_or_default()
    );
    let status = match check(args.member_id.trim().to_owned()).await {
        Err(ProvisionError::KeyWrongMember { actual, .. }) if actual == per_tool_member => {
            check(per_tool_member).await
        }
        other => other,
    }
    .map_err(|error: ProvisionError| {
        let mut message = error.to_string();
        if matches!(error, ProvisionError::KeyRejected { .. }) {
            // `check` signs in with the tool key only, so it cannot see the member's status.
            message.push_str(
                ". ConnectWise also rejects every key of an inactive member: if the member was \
                 deactivated, run the wizard or apply --yes to reactivate it",
            );
        }
        (Exit::for_error(&error), message)
    })?;

    output.public_key = Some(status.public_key.clone());
    output.member = Some(status.member_identifier.clone());
    output.swapped = status.swapped;
    output.permissions = status
        .checklist
        .lines
        .iter()
        .map(|line| PermissionLine {
            module: line.module.clone(),
            function: line.function.clone(),
            verb: line.verb,
            required: line.required,
            actual: line.actual,
            met: line.is_met(),
            optional: line.optional,
        })
        .collect();
    if status.is_accepted() {
        Ok(Exit::Done)
    } else {
        let unmet = status.checklist.unmet().count();
        Err((
            Exit::KeyRejected,
            format!("the key works but its role misses {unmet} required level(s)"),
        ))
    }
}

fn print_text(output: &CheckOutput) {
    let mut lines = vec![format!("Tool: {}", output.tool)];
    if let Some(site) = &output.site {
        lines.push(format!("Site: {site}"));
    }
    if let Some(company) = &output.company_id {
        lines.push(format!("Company ID: {company}"));
    }
    if let Some(client_id) = &output.client_id {
        lines.push(format!("Client ID: {client_id}"));
    }
    if let Some(public_key) = &output.public_key {
        let source = output.key_source.unwrap_or("unknown");
        lines.push(format!("Public key: {public_key} (from the {source})"));
    }
    if let Some(member) = &output.member {
        lines.push(format!("Member: {member}"));
    }
    for line in &output.permissions {
        let mark = match (line.met, line.optional) {
            (true, _) => "[ok]      ",
            (false, true) => "[optional]",
            (false, false) => "[missing] ",
        };
        let actual = line.actual.map(|level| level.as_str()).unwrap_or("missing");
        lines.push(format!(
            "  {mark} {} > {} {}: required {}, set {actual}",
            line.module, line.function, line.verb, line.required
        ));
    }
    if let Some(error) = &output.error {
        lines.push(format!("error: {error}"));
        eprintln!("{}", lines.join("\n"));
    } else {
        lines.push("Result: the key works and has every required permission".into());
        super::print_stdout(&lines.join("\n"));
    }
}
