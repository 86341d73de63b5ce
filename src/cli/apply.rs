//! `v360-setup apply`: the whole flow without questions, for scripts and RMM tools.

use super::output::{KeyReport, MemberReport, Report, RoleReport, UnmetLine};
use super::{
    credentials, env, find_tool, read_secret_env, ApplyArgs, ConnectionArgs, Exit, OutputFormat,
};
use crate::provision::{guidance, ProvisionError, Session};
use crate::requirements::Requirements;
use crate::secrets::KeyPair;

/// Runs `apply` and prints its report; returns the exit code.
pub async fn run(connection: &ConnectionArgs, args: &ApplyArgs) -> Exit {
    let report = build_report(connection, args).await;
    let exit = exit_of(&report);
    match args.output {
        OutputFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(error) => eprintln!("error: cannot encode the report: {error}"),
        },
        OutputFormat::Text => {
            let text = report.to_text();
            if exit == Exit::Done {
                println!("{text}");
            } else {
                eprintln!("{text}");
            }
        }
    }
    exit
}

fn exit_of(report: &Report) -> Exit {
    match report.exit_code {
        0 => Exit::Done,
        2 => Exit::InvalidInput,
        3 => Exit::ConnectionFailed,
        4 => Exit::RoleUnmet,
        5 => Exit::DecisionNeeded,
        6 => Exit::KeyRejected,
        10 => Exit::WaitingForKey,
        _ => Exit::Failure,
    }
}

fn failed(exit: Exit, error: impl std::fmt::Display, partial: Report) -> Report {
    Report {
        error: Some(error.to_string()),
        ..Report {
            status: Report::new(exit).status,
            exit_code: exit.code(),
            ..partial
        }
    }
}

fn engine_failed(error: ProvisionError, partial: Report) -> Report {
    tracing::warn!("apply stopped: {error}");
    failed(Exit::for_error(&error), error, partial)
}

async fn build_report(connection: &ConnectionArgs, args: &ApplyArgs) -> Report {
    let tool = match find_tool(&args.tool) {
        Ok(tool) => tool,
        Err(error) => return failed(Exit::InvalidInput, error, Report::default()),
    };
    let (site, credentials) = match credentials(connection) {
        Ok(pair) => pair,
        Err(error) => return failed(Exit::InvalidInput, error, Report::default()),
    };
    let tool_key = match tool_key_from_env() {
        Ok(key) => key,
        Err(error) => return failed(Exit::InvalidInput, error, Report::default()),
    };
    let requirements = Requirements::merge([&tool]);

    let session = match Session::connect(&site, credentials).await {
        Ok(session) => session,
        Err(error) => return engine_failed(error, Report::default()),
    };
    let mut report = Report {
        company: Some(session.company.company_name.clone()),
        version: Some(session.system.version.clone()),
        ..Report::default()
    };

    let role = match session
        .ensure_role(&args.role_name, &requirements, connection.allow_admin_role)
        .await
    {
        Ok(role) => role,
        Err(error) => return engine_failed(error, report),
    };
    report.role = Some(RoleReport::new(&role.role, role.outcome));
    if !role.checklist.is_met() {
        report.unmet = role.checklist.unmet().map(UnmetLine::from).collect();
        report.web_ui_path = Some(guidance::role_path(&role.role.name));
        report.next_step = Some(format!(
            "set the levels listed under \"unmet\" in {}, then run apply again",
            guidance::role_path(&role.role.name)
        ));
        return with_exit(report, Exit::RoleUnmet);
    }

    let member = match session
        .ensure_member_with_defaults(&args.member_id, &role.role, args.yes)
        .await
    {
        Ok(member) => member,
        Err(error) => return engine_failed(error, report),
    };
    report.member = Some(MemberReport::from(&member));
    if !member.pending_changes.is_empty() {
        report.proposed_changes = member.pending_changes.clone();
        report.next_step = Some(
            "the existing API member differs from what the tool needs; run apply again with \
             --yes to make the proposed changes"
                .into(),
        );
        return with_exit(report, Exit::DecisionNeeded);
    }

    let key_path = guidance::api_key_path(&member.identifier, tool.key_description());
    let Some(tool_key) = tool_key else {
        report.web_ui_path = Some(key_path);
        report.next_step = Some(format!(
            "create the API key in the web UI, then run apply again with {} and {} set",
            env::TOOL_PUBLIC_KEY,
            env::TOOL_PRIVATE_KEY
        ));
        return with_exit(report, Exit::WaitingForKey);
    };

    match session
        .verify_key(&member.identifier, &tool_key, &requirements)
        .await
    {
        Ok((key, _pair)) => {
            report.key = Some(KeyReport::from(&key));
            if key.is_accepted() {
                with_exit(report, Exit::Done)
            } else {
                report.unmet = key.checklist.unmet().map(UnmetLine::from).collect();
                report.error = Some(format!(
                    "the key works but its effective permissions miss {} required level(s)",
                    report.unmet.len()
                ));
                with_exit(report, Exit::KeyRejected)
            }
        }
        Err(error) => {
            report.web_ui_path = Some(key_path);
            engine_failed(error, report)
        }
    }
}

fn with_exit(report: Report, exit: Exit) -> Report {
    let template = Report::new(exit);
    Report {
        status: template.status,
        exit_code: template.exit_code,
        ..report
    }
}

/// Reads the tool key from the environment: both halves, or neither.
fn tool_key_from_env() -> Result<Option<KeyPair>, String> {
    let public = std::env::var(env::TOOL_PUBLIC_KEY)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty());
    let private = read_secret_env(env::TOOL_PRIVATE_KEY);
    match (public, private) {
        (Some(public_key), Some(private_key)) => Ok(Some(KeyPair {
            public_key,
            private_key: trim_secret(private_key),
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(format!(
            "{} is set but {} is missing; set both or neither",
            env::TOOL_PUBLIC_KEY,
            env::TOOL_PRIVATE_KEY
        )),
        (None, Some(_)) => Err(format!(
            "{} is set but {} is missing; set both or neither",
            env::TOOL_PRIVATE_KEY,
            env::TOOL_PUBLIC_KEY
        )),
    }
}

fn trim_secret(secret: secrecy::SecretString) -> secrecy::SecretString {
    use secrecy::ExposeSecret;
    let trimmed = secret.expose_secret().trim();
    if trimmed.len() == secret.expose_secret().len() {
        secret
    } else {
        secrecy::SecretString::from(trimmed.to_owned())
    }
}
