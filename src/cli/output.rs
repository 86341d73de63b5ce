//! The result of `apply`, as JSON on standard output or as plain lines.

use serde::Serialize;

use super::Exit;
use crate::provision::{KeyStatus, MemberChange, MemberStatus, Outcome, RoleSummary};
use crate::requirements::{ChecklistLine, Level, Verb};

/// The JSON document that `apply --output json` prints. It contains no private key.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub status: &'static str,
    pub exit_code: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<UnmetLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proposed_changes: Vec<MemberChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_ui_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RoleReport {
    pub id: i64,
    pub name: String,
    pub outcome: Outcome,
}

impl RoleReport {
    pub fn new(role: &RoleSummary, outcome: Outcome) -> Self {
        RoleReport {
            id: role.id,
            name: role.name.clone(),
            outcome,
        }
    }
}

/// One unmet permission, as `{"module", "function", "verb", "required", "actual"}`.
#[derive(Debug, Serialize)]
pub struct UnmetLine {
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub required: Level,
    pub actual: Option<Level>,
}

impl From<&ChecklistLine> for UnmetLine {
    fn from(line: &ChecklistLine) -> Self {
        UnmetLine {
            module: line.module.clone(),
            function: line.function.clone(),
            verb: line.verb,
            required: line.required,
            actual: line.actual,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MemberReport {
    pub id: i64,
    pub identifier: String,
    pub outcome: Outcome,
}

impl From<&MemberStatus> for MemberReport {
    fn from(member: &MemberStatus) -> Self {
        MemberReport {
            id: member.id,
            identifier: member.identifier.clone(),
            outcome: member.outcome,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct KeyReport {
    pub public_key: String,
    pub member: String,
    pub swapped: bool,
    pub verified: bool,
}

impl From<&KeyStatus> for KeyReport {
    fn from(key: &KeyStatus) -> Self {
        KeyReport {
            public_key: key.public_key.clone(),
            member: key.member_identifier.clone(),
            swapped: key.swapped,
            verified: key.is_accepted(),
        }
    }
}

impl Report {
    pub fn new(exit: Exit) -> Self {
        let status = match exit {
            Exit::Done => "done",
            Exit::Failure => "failed",
            Exit::InvalidInput => "invalid_input",
            Exit::ConnectionFailed => "connection_failed",
            Exit::RoleUnmet => "role_unmet",
            Exit::DecisionNeeded => "decision_needed",
            Exit::KeyRejected => "key_rejected",
            Exit::WaitingForKey => "waiting_for_api_key",
        };
        Report {
            status,
            exit_code: exit.code(),
            ..Report::default()
        }
    }

    /// Renders the report as plain lines for a person.
    pub fn to_text(&self) -> String {
        let mut lines = Vec::new();
        if let Some(company) = &self.company {
            let version = self.version.as_deref().unwrap_or("unknown version");
            lines.push(format!("Connected to {company} (ConnectWise {version})"));
        }
        if let Some(role) = &self.role {
            lines.push(format!(
                "Security role {:?} (id {}): {}",
                role.name,
                role.id,
                outcome_word(role.outcome)
            ));
        }
        for line in &self.unmet {
            let actual = line.actual.map(|level| level.as_str()).unwrap_or("missing");
            lines.push(format!(
                "  [missing] {} > {} {}: required {}, set {}",
                line.module, line.function, line.verb, line.required, actual
            ));
        }
        if let Some(member) = &self.member {
            lines.push(format!(
                "API member {} (id {}): {}",
                member.identifier,
                member.id,
                outcome_word(member.outcome)
            ));
        }
        for change in &self.proposed_changes {
            lines.push(format!(
                "  proposed: {} from {} to {}",
                change.field, change.from, change.to
            ));
        }
        if let Some(key) = &self.key {
            let swapped = if key.swapped {
                " (the halves were swapped)"
            } else {
                ""
            };
            lines.push(format!(
                "API key {} of {}: {}{swapped}",
                key.public_key,
                key.member,
                if key.verified {
                    "verified"
                } else {
                    "not verified"
                }
            ));
        }
        if let Some(path) = &self.web_ui_path {
            lines.push(format!("In the web UI: {path}"));
        }
        if let Some(error) = &self.error {
            lines.push(format!("error: {error}"));
        }
        if let Some(next) = &self.next_step {
            lines.push(format!("Next: {next}"));
        }
        lines.join("\n")
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Created => "created",
        Outcome::Reused => "found, reused",
        Outcome::Changed => "changed",
    }
}
