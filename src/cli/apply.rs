//! `v360-setup apply`: the whole flow without questions, for scripts and RMM tools.
//!
//! The steps run for every target in order (all roles, then all members, then all keys), so one
//! run lists every unmet permission of every role at once.

use super::output::{KeyReport, MemberReport, Report, RoleReport, TargetReport, UnmetLine};
use super::settings::{self, tool_key_from_env};
use super::{env, ApplyArgs, ConnectionArgs, Exit, KeyRoute, OutputFormat};
use crate::cwm::site;
use crate::provision::{guidance, targets, Outcome, ProvisionError, Session, Target};
use crate::requirements::Manifest;
use crate::secrets::{keystore, KeyPair};

/// Runs `apply` and prints its report; returns the exit code.
pub async fn run(connection: &ConnectionArgs, args: &ApplyArgs) -> Exit {
    let report = build_report(connection, args).await;
    let exit = super::exit::from_code(report.exit_code);
    tracing::info!(
        status = report.status,
        exit_code = report.exit_code,
        error = report.error.as_deref().unwrap_or(""),
        "apply finished"
    );
    print_report(&report, args.target.output);
    exit
}

pub(super) fn print_report(report: &Report, output: OutputFormat) {
    match output {
        OutputFormat::Json => match serde_json::to_string_pretty(report) {
            Ok(json) => super::print_stdout(&json),
            Err(error) => eprintln!("error: cannot encode the report: {error}"),
        },
        OutputFormat::Text => {
            // The report is data for standard output; only the error is a message.
            let text = report.to_text();
            if !text.is_empty() {
                super::print_stdout(&text);
            }
            if let Some(error) = &report.error {
                eprintln!("error: {error}");
            }
        }
    }
}

pub(super) fn failed(exit: Exit, error: impl std::fmt::Display, partial: Report) -> Report {
    Report {
        error: Some(error.to_string()),
        ..partial
    }
    .finish(exit)
}

pub(super) fn engine_failed(error: ProvisionError, partial: Report) -> Report {
    tracing::warn!("stopped: {error}");
    let exit = Exit::for_error(&error);
    let message = match &error {
        ProvisionError::AdminRoleRefused { .. } => {
            format!("{error}. Name another role with --role-name")
        }
        _ => error.to_string(),
    };
    failed(exit, message, partial)
}

/// Selects the tools and splits them into targets; shared by `apply` and `plan`.
pub(super) fn prepare_targets(
    connection: &ConnectionArgs,
    args: &super::TargetArgs,
) -> Result<Vec<Target>, Box<Report>> {
    let invalid = |error: String| Box::new(failed(Exit::InvalidInput, error, Report::default()));
    let catalog = settings::tool_catalog(connection).map_err(invalid)?;
    let tools = settings::select_tools(&catalog, &args.tools).map_err(invalid)?;
    targets(args.layout.into(), &tools, &args.role_name, &args.member_id)
        .map_err(|error| invalid(error.to_string()))
}

/// Connects as the administrator, with the audit log attached. The targets' roles and members
/// are looked up in the same round of requests as the connection check.
pub(super) async fn connect(
    connection: &ConnectionArgs,
    targets: &[Target],
) -> Result<Session, Box<Report>> {
    let invalid = |error: String| Box::new(failed(Exit::InvalidInput, error, Report::default()));
    let (site, credentials) = settings::credentials(connection).map_err(invalid)?;
    let options = settings::client_options(connection).map_err(invalid)?;
    let session = Session::connect_for(&site, credentials, &options, targets)
        .await
        .map_err(|error| Box::new(engine_failed(error, Report::default())))?;
    Ok(match settings::open_audit() {
        Some(log) => session.with_audit(log),
        None => session,
    })
}

async fn build_report(connection: &ConnectionArgs, args: &ApplyArgs) -> Report {
    let targets = match prepare_targets(connection, &args.target) {
        Ok(targets) => targets,
        Err(report) => return *report,
    };
    let only_tool = targets
        .iter()
        .map(|target| target.tools.len())
        .sum::<usize>()
        == 1;
    let tool_ids: Vec<&str> = targets
        .iter()
        .flat_map(|target| target.tools.iter().map(|tool| tool.id.as_str()))
        .collect();
    let variables = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    if let Err(error) = settings::check_tool_key_variables(&tool_ids, variables) {
        return failed(Exit::InvalidInput, error, Report::default());
    }
    let mut keys_in = Vec::new();
    for target in &targets {
        for tool in &target.tools {
            match tool_key_from_env(&tool.id, only_tool) {
                Ok(key) => keys_in.push(key),
                Err(error) => return failed(Exit::InvalidInput, error, Report::default()),
            }
        }
    }

    let session = match connect(connection, &targets).await {
        Ok(session) => session,
        Err(report) => return *report,
    };
    let mut report = Report {
        company: Some(session.company.company_name.clone()),
        version: Some(session.system.version.clone()),
        ..Report::default()
    };
    let mut reports: Vec<TargetReport> = targets.iter().map(|_| TargetReport::default()).collect();

    let exit = run_steps(&session, connection, args, &targets, keys_in, &mut reports).await;
    let exit = match exit {
        Ok(exit) => exit,
        Err(error) => {
            report.targets = reports;
            lift_single_target(&mut report);
            return engine_failed(error, report);
        }
    };

    report.targets = reports;
    lift_single_target(&mut report);
    report.next_step = next_step(exit, &report);
    report.finish(exit)
}

async fn run_steps(
    session: &Session,
    connection: &ConnectionArgs,
    args: &ApplyArgs,
    targets: &[Target],
    mut keys_in: Vec<Option<KeyPair>>,
    reports: &mut [TargetReport],
) -> Result<Exit, ProvisionError> {
    let mut roles = Vec::with_capacity(targets.len());
    for (target, target_report) in targets.iter().zip(reports.iter_mut()) {
        let role = session
            .ensure_role(
                &target.role_name,
                &target.requirements,
                connection.allow_admin_role,
            )
            .await?;
        target_report.role = Some(RoleReport::new(&role.role, role.outcome));
        target_report.unmet = role
            .checklist
            .unmet()
            .map(|line| UnmetLine::new(line, Some(role.role.id)))
            .collect();
        roles.push(role);
    }
    if reports.iter().any(|target| !target.unmet.is_empty()) {
        return Ok(Exit::RoleUnmet);
    }

    let mut members = Vec::with_capacity(targets.len());
    for ((target, role), target_report) in targets.iter().zip(&roles).zip(reports.iter_mut()) {
        let member = session
            .ensure_member_with_defaults(&target.member_identifier, &role.role, args.yes)
            .await?;
        target_report.member = Some(MemberReport::from(&member));
        target_report.proposed_changes = member.pending_changes.clone();
        members.push(member);
    }
    if reports
        .iter()
        .any(|target| !target.proposed_changes.is_empty())
    {
        return Ok(Exit::DecisionNeeded);
    }

    let site_label = site::site_label(session.client().site());
    let company_id = session.client().credentials().company_id.clone();
    let mut waiting = false;
    let mut rejected = false;
    let mut lost = false;
    let mut keys_in = keys_in.drain(..);
    for ((target, member), target_report) in targets.iter().zip(&members).zip(reports.iter_mut()) {
        for tool in &target.tools {
            let key_in = keys_in.next().flatten();
            let account = keystore::account_name(&site_label, &company_id, &tool.id);
            let mut key = match args.key_route {
                KeyRoute::Api => {
                    match mint(session, &member.identifier, tool, target, &account).await? {
                        Ok(key) => key,
                        Err(key) => {
                            target_report.keys.push(key);
                            lost = true;
                            continue;
                        }
                    }
                }
                KeyRoute::Durable => match key_in {
                    None => KeyReport {
                        tool: tool.id.clone(),
                        member: member.identifier.clone(),
                        state: "waiting",
                        web_ui_path: Some(guidance::api_key_path(
                            &member.identifier,
                            tool.key_description(),
                        )),
                        ..KeyReport::default()
                    },
                    Some(pair) => verify(session, &member.identifier, tool, target, &pair).await?,
                },
            };
            // A minted key is temporary and replaces nothing, and a rejected key replaces
            // nothing yet, so only a verified durable key earns the reminder.
            let durable_verified = args.key_route == KeyRoute::Durable && key.state == "verified";
            if member.outcome != Outcome::Created && durable_verified {
                let stored = keystore::load_pair(&account)
                    .await
                    .ok()
                    .map(|loaded| loaded.pair);
                key.old_key = old_key_reminder(stored, &member.identifier, tool, &key);
            }
            waiting |= key.state == "waiting";
            rejected |= key.state == "rejected" || key.state == "unmet";
            target_report.keys.push(key);
        }
    }
    Ok(if lost {
        Exit::Failure
    } else if rejected {
        Exit::KeyRejected
    } else if waiting {
        Exit::WaitingForKey
    } else {
        Exit::Done
    })
}

async fn verify(
    session: &Session,
    member: &str,
    tool: &Manifest,
    target: &Target,
    pair: &KeyPair,
) -> Result<KeyReport, ProvisionError> {
    match session.verify_key(member, pair, &target.requirements).await {
        Ok((status, _)) => Ok(KeyReport::verified(&tool.id, &status)),
        Err(
            error @ (ProvisionError::KeyRejected { .. } | ProvisionError::KeyWrongMember { .. }),
        ) => Ok(KeyReport {
            tool: tool.id.clone(),
            member: member.to_owned(),
            state: "rejected",
            public_key: Some(pair.public_key.clone()),
            error: Some(error.to_string()),
            web_ui_path: Some(guidance::api_key_path(member, tool.key_description())),
            ..KeyReport::default()
        }),
        Err(error) => Err(error),
    }
}

/// Mints a temporary key and keeps its pair in the OS keyring, the only place a script's run
/// can leave a private key. The pair goes to its own entry (see [`minted_account`]) so that it
/// never replaces a durable key stored for the tool. `Ok(Err(report))` means the key was
/// minted but could not be stored, so it is lost and expires unused.
async fn mint(
    session: &Session,
    member: &str,
    tool: &Manifest,
    target: &Target,
    account: &str,
) -> Result<Result<KeyReport, KeyReport>, ProvisionError> {
    let minted = session.mint_token(member, &target.requirements).await?;
    let mut key = KeyReport::verified(&tool.id, &minted.status);
    key.expiration = minted.expiration.clone();
    let entry = keystore::minted_account(account);
    match keystore::store_pair(&entry, &minted.pair).await {
        Ok(stored) => {
            key.stored_in = Some(format!("{} entry {entry}", stored.backend));
            Ok(Ok(key))
        }
        Err(error) => {
            key.state = "lost";
            key.verified = false;
            key.error = Some(format!(
                "the minted key could not be stored in the OS keyring ({error}), so it is lost \
                 and expires unused. Run apply where a keyring is available, or use the \
                 wizard's tokens route, which shows the key"
            ));
            Ok(Err(key))
        }
    }
}

/// Names the key a new one replaces: the keyring's stored key for this tool when it differs,
/// else any older key with the tool's description.
fn old_key_reminder(
    stored: Option<KeyPair>,
    member: &str,
    tool: &Manifest,
    key: &KeyReport,
) -> Option<String> {
    let description = tool.key_description();
    match stored {
        Some(old) if Some(&old.public_key) != key.public_key.as_ref() => Some(format!(
            "delete the old key {} (description {description:?}) on {member}'s API Keys tab once \
             the tool accepts the new one",
            old.public_key
        )),
        Some(_) => None,
        None => Some(format!(
            "if this key replaces a lost one, delete the old key with description \
             {description:?} on {member}'s API Keys tab once the tool accepts the new one"
        )),
    }
}

/// Copies the only target's values to the top level, where scripts for one tool read them.
fn lift_single_target(report: &mut Report) {
    report.unmet = report
        .targets
        .iter()
        .flat_map(|target| target.unmet.iter().cloned())
        .collect();
    report.proposed_changes = report
        .targets
        .iter()
        .flat_map(|target| target.proposed_changes.iter().cloned())
        .collect();
    let [target] = report.targets.as_slice() else {
        return;
    };
    report.role = target.role.clone();
    report.member = target.member.clone();
    if let [key] = target.keys.as_slice() {
        report.key = Some(key.clone());
        report.web_ui_path = key.web_ui_path.clone();
    }
    if report.web_ui_path.is_none() && !target.unmet.is_empty() {
        report.web_ui_path = target
            .role
            .as_ref()
            .map(|role| guidance::role_path(&role.name));
    }
}

fn next_step(exit: Exit, report: &Report) -> Option<String> {
    match exit {
        Exit::RoleUnmet => Some(
            "set the levels marked [missing] (in JSON: \"unmet\") in System > Security Roles, \
             then run apply again"
                .into(),
        ),
        Exit::DecisionNeeded => Some(
            "an existing API member differs from what the tools need; run apply again with \
             --yes to make the proposed changes"
                .into(),
        ),
        Exit::WaitingForKey => {
            let several = report.targets.iter().map(|t| t.keys.len()).sum::<usize>() > 1;
            Some(if several {
                format!(
                    "create each waiting key in the web UI, then run apply again with \
                     {}_<TOOL> and {}_<TOOL> set for each tool (the tool id in capitals, \
                     '-' as '_')",
                    env::TOOL_PUBLIC_KEY,
                    env::TOOL_PRIVATE_KEY
                )
            } else {
                format!(
                    "create the API key in the web UI, then run apply again with {} and {} set",
                    env::TOOL_PUBLIC_KEY,
                    env::TOOL_PRIVATE_KEY
                )
            })
        }
        Exit::KeyRejected => Some(
            "copy both halves of the key again from the member's API Keys tab, or create a new \
             key, then run apply again"
                .into(),
        ),
        _ => None,
    }
}
