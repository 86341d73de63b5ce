//! `v360-setup plan`: what `apply` would create or change, found by reading only.

use serde::Serialize;

use super::apply::{connect, engine_failed, prepare_targets};
use super::{ConnectionArgs, Exit, OutputFormat, PlanArgs};
use crate::provision::PlanReport;

#[derive(Debug, Default, Serialize)]
struct PlanOutput {
    status: &'static str,
    exit_code: u8,
    #[serde(flatten)]
    plan: PlanReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs `plan` and prints the planned actions; returns the exit code.
pub async fn run(connection: &ConnectionArgs, args: &PlanArgs) -> Exit {
    let result = async {
        let targets = prepare_targets(connection, &args.target)?;
        // No look-ahead: `plan` reads each target itself.
        let session = connect(connection, &[]).await?;
        session
            .plan(&targets)
            .await
            .map_err(|error| Box::new(engine_failed(error, Default::default())))
    }
    .await;

    let (output, exit) = match result {
        Ok(plan) => (
            PlanOutput {
                status: "planned",
                exit_code: 0,
                plan,
                error: None,
            },
            Exit::Done,
        ),
        Err(report) => {
            let exit = super::exit::from_code(report.exit_code);
            (
                PlanOutput {
                    status: report.status,
                    exit_code: report.exit_code,
                    plan: PlanReport::default(),
                    error: report.error,
                },
                exit,
            )
        }
    };

    tracing::info!(
        status = output.status,
        exit_code = output.exit_code,
        error = output.error.as_deref().unwrap_or(""),
        "plan finished"
    );
    match args.target.output {
        OutputFormat::Json => match serde_json::to_string_pretty(&output) {
            Ok(json) => super::print_stdout(&json),
            Err(error) => eprintln!("error: cannot encode the plan: {error}"),
        },
        OutputFormat::Text => print_text(&output),
    }
    exit
}

fn print_text(output: &PlanOutput) {
    if let Some(error) = &output.error {
        eprintln!("error: {error}");
        return;
    }
    let mut lines = vec!["Planned actions (nothing has been changed):".to_owned()];
    for action in &output.plan.actions {
        let detail = action
            .detail
            .as_deref()
            .map(|detail| format!(": {detail}"))
            .unwrap_or_default();
        lines.push(format!(
            "  {} {} {}{detail}",
            action_words(action.action),
            object_words(action.object),
            action.name
        ));
    }
    let mut role = None;
    for line in &output.plan.requirements {
        if role != Some(&line.role) {
            lines.push(format!("Required permissions of the role {:?}:", line.role));
            role = Some(&line.role);
        }
        lines.push(format!(
            "  {} > {} {}: {}",
            line.module, line.function, line.verb, line.level
        ));
    }
    super::print_stdout(&lines.join("\n"));
}

/// Returns the words for an action name of the JSON output.
fn action_words(action: &str) -> &str {
    match action {
        "create" => "Create",
        "reuse" => "Reuse",
        "change" => "Change",
        "set_levels" => "Set levels on",
        "create_key" => "Create in the web UI",
        "blocked" => "Blocked:",
        other => other,
    }
}

/// Returns the words for an object name of the JSON output.
fn object_words(object: &str) -> &str {
    match object {
        "security_role" => "the security role",
        "api_member" => "the API member",
        "api_key" => "the API key",
        other => other,
    }
}
