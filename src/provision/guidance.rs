//! Web UI paths for the steps that the REST API cannot perform.

use crate::requirements::ChecklistLine;

/// Returns the web UI path to a security role's permission matrix.
pub fn role_path(role_name: &str) -> String {
    format!("System > Security Roles > {role_name}")
}

/// Describes the change in the web UI that meets one unmet checklist line.
pub fn role_line_fix(role_name: &str, line: &ChecklistLine) -> String {
    format!(
        "{} > {} > {}: set {} to {}",
        role_path(role_name),
        line.module,
        line.function,
        line.verb.column_title(),
        line.required
    )
}

/// Returns the web UI path where a person creates the durable API key for a tool.
pub fn api_key_path(member_identifier: &str, key_description: &str) -> String {
    format!(
        "System > Members > API Members tab > {member_identifier} > API Keys tab > + \
         (Description: {key_description}), then Save, not Save & Close: the private key is shown \
         only once"
    )
}
