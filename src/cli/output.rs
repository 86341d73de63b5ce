//! The results of `apply`, as JSON on standard output or as plain lines.

use serde::Serialize;

use super::Exit;
use crate::provision::{KeyStatus, MemberChange, MemberStatus, Outcome, RoleSummary};
use crate::requirements::{ChecklistLine, Level, Verb};

/// The JSON document that `apply --output json` prints. It contains no private key.
///
/// `targets` lists every role and member. With one target, the usual case, `role`, `member`,
/// `key` and `web_ui_path` repeat its values at the top level for scripts.
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
    pub key: Option<KeyReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_ui_path: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

/// One role and member with the keys of its tools.
#[derive(Debug, Default, Serialize)]
pub struct TargetReport {
    pub role: Option<RoleReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<UnmetLine>,
    pub member: Option<MemberReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proposed_changes: Vec<MemberChange>,
    pub keys: Vec<KeyReport>,
}

#[derive(Debug, Clone, Serialize)]
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

/// One unmet permission, as `{"module", "function", "verb", "required", "actual"}`, with the
/// role it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct UnmetLine {
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub required: Level,
    pub actual: Option<Level>,
    pub role_id: Option<i64>,
}

impl UnmetLine {
    pub fn new(line: &ChecklistLine, role_id: Option<i64>) -> Self {
        UnmetLine {
            module: line.module.clone(),
            function: line.function.clone(),
            verb: line.verb,
            required: line.required,
            actual: line.actual,
            role_id,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
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

/// The state of one tool's key.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeyReport {
    pub tool: String,
    pub member: String,
    /// `verified`, `waiting`, `rejected`, `unmet`, or `lost` for a minted key that could not
    /// be stored.
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    pub verified: bool,
    pub swapped: bool,
    /// Expiration of a key minted through the tokens endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_ui_path: Option<String>,
    /// Reminder to delete the key this one replaces, on a re-run for an existing member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_key: Option<String>,
    /// The keyring and the entry name under which a minted key's pair was stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl KeyReport {
    pub fn verified(tool: &str, key: &KeyStatus) -> Self {
        KeyReport {
            tool: tool.to_owned(),
            member: key.member_identifier.clone(),
            state: if key.is_accepted() {
                "verified"
            } else {
                "unmet"
            },
            public_key: Some(key.public_key.clone()),
            verified: key.is_accepted(),
            swapped: key.swapped,
            ..KeyReport::default()
        }
    }
}

impl Report {
    /// Sets the status and exit code.
    pub fn finish(mut self, exit: Exit) -> Self {
        self.status = status_of(exit);
        self.exit_code = exit.code();
        self
    }

    /// Renders the report as plain lines for a person, leaving out the error, which is a
    /// message for standard error.
    pub fn to_text(&self) -> String {
        let mut lines = Vec::new();
        if let Some(company) = &self.company {
            let version = self.version.as_deref().unwrap_or("unknown version");
            lines.push(format!("Connected to {company} (ConnectWise {version})"));
        }
        for target in &self.targets {
            target_lines(target, &mut lines);
        }
        if let Some(next) = &self.next_step {
            lines.push(format!("Next: {next}"));
        }
        lines.join("\n")
    }
}

fn target_lines(target: &TargetReport, lines: &mut Vec<String>) {
    if let Some(role) = &target.role {
        lines.push(format!(
            "Security role {:?} (id {}): {}",
            role.name,
            role.id,
            outcome_word(role.outcome)
        ));
    }
    for line in &target.unmet {
        let actual = line.actual.map(|level| level.as_str()).unwrap_or("missing");
        lines.push(format!(
            "  [missing] {} > {} {}: required {}, set {}",
            line.module, line.function, line.verb, line.required, actual
        ));
    }
    if let Some(member) = &target.member {
        lines.push(format!(
            "API member {} (id {}): {}",
            member.identifier,
            member.id,
            outcome_word(member.outcome)
        ));
    }
    for change in &target.proposed_changes {
        lines.push(format!(
            "  proposed: {} from {} to {}",
            change.field, change.from, change.to
        ));
    }
    for key in &target.keys {
        let mut line = format!("API key for {} on {}: {}", key.tool, key.member, key.state);
        if let Some(public_key) = &key.public_key {
            line.push_str(&format!(" (public key {public_key})"));
        }
        if key.swapped {
            line.push_str("; the two halves were swapped");
        }
        if let Some(expiration) = &key.expiration {
            line.push_str(&format!(
                "; expires {expiration}, and the tool stops working then"
            ));
        }
        lines.push(line);
        if let Some(error) = &key.error {
            lines.push(format!("  error: {error}"));
        }
        if let Some(path) = &key.web_ui_path {
            lines.push(format!("  In the web UI: {path}"));
        }
        if let Some(stored_in) = &key.stored_in {
            lines.push(format!("  Key pair stored in the {stored_in}"));
        }
        if let Some(old_key) = &key.old_key {
            lines.push(format!("  Then: {old_key}"));
        }
    }
}

fn status_of(exit: Exit) -> &'static str {
    match exit {
        Exit::Done => "done",
        Exit::Failure => "failed",
        Exit::InvalidInput => "invalid_input",
        Exit::ConnectionFailed => "connection_failed",
        Exit::RoleUnmet => "role_unmet",
        Exit::DecisionNeeded => "decision_needed",
        Exit::KeyRejected => "key_rejected",
        Exit::WaitingForKey => "waiting_for_api_key",
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Created => "created",
        Outcome::Reused => "found, reused",
        Outcome::Changed => "changed",
    }
}
