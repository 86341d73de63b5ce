//! Failures as the wizard shows them: a headline in plain words, the engine's message with the
//! next step, and the details for the detail pane (`i`).

use std::error::Error;

use crate::cwm::CwmError;
use crate::provision::ProvisionError;

/// A failed request or input check, ready for the screen. It contains no private key: the
/// engine's messages name keys by their public half only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    /// A headline of a few words, e.g. "Cannot reach the site".
    pub title: String,
    /// The full message, which names the value at fault and the next step.
    pub message: String,
    /// The action that failed, the error chain and, for ConnectWise errors, the response.
    pub details: Vec<String>,
}

const INVALID_INPUT_TITLE: &str = "Invalid input";

impl ErrorReport {
    /// Builds a report for an input that failed a check before any request.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self {
            title: INVALID_INPUT_TITLE.into(),
            message: message.into(),
            details: vec!["Found before any request was sent to ConnectWise.".into()],
        }
    }

    /// Returns whether this report is for an input that failed a check before any request.
    pub fn is_invalid_input(&self) -> bool {
        self.title == INVALID_INPUT_TITLE
    }

    /// Builds a report for a failed action from any error, with its `source` chain.
    pub fn from_error(action: &str, title: &str, error: &(dyn Error + 'static)) -> Self {
        let mut details = vec![format!("While {action}.")];
        details.extend(chain(error));
        Self {
            title: title.into(),
            message: sentence(&error.to_string()),
            details,
        }
    }

    /// Builds a report for a failed engine call, with a headline chosen by the kind of error.
    pub fn from_provision(action: &str, error: &ProvisionError) -> Self {
        let mut report = Self::from_error(action, provision_title(error), error);
        if let ProvisionError::ConnectWise(CwmError::Api(api)) = error {
            report
                .details
                .push(format!("Request: {} {}", api.method, api.path));
            report.details.push(format!("HTTP status: {}", api.status));
            if let Some(code) = &api.body.code {
                report.details.push(format!("ConnectWise code: {code}"));
            }
            if let Some(message) = &api.body.message {
                report
                    .details
                    .push(format!("ConnectWise message: {message}"));
            }
            for field in &api.body.errors {
                report.details.push(format!(
                    "Field {}: {} {}",
                    field.field.as_deref().unwrap_or("?"),
                    field.code.as_deref().unwrap_or(""),
                    field.message.as_deref().unwrap_or("")
                ));
            }
        }
        report
    }

    /// Builds a report from a message with no error value behind it.
    pub fn from_message(action: &str, title: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            title: title.into(),
            details: vec![format!("While {action}."), message.clone()],
            message: sentence(&message),
        }
    }
}

/// Returns the error and each of its sources, one line each, skipping a source whose text
/// repeats the line before (transparent wrappers do that).
fn chain(error: &(dyn Error + 'static)) -> Vec<String> {
    let mut lines = vec![format!("Error: {error}")];
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if text != last {
            lines.push(format!("Caused by: {text}"));
        }
        last = text;
        source = cause.source();
    }
    lines
}

/// Capitalizes the first letter and ends the text with a full stop.
/// Returns `text` trimmed, with a capital first letter and a closing full stop.
pub(super) fn sentence(text: &str) -> String {
    let mut characters = text.trim().chars();
    let mut result: String = match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    };
    if !result.ends_with(['.', '!', '?']) {
        result.push('.');
    }
    result
}

fn provision_title(error: &ProvisionError) -> &'static str {
    match error {
        ProvisionError::ConnectWise(cwm) => cwm_title(cwm),
        ProvisionError::InvalidInput { .. } => "Invalid input",
        ProvisionError::AdminRoleRefused { .. } => "The role has the admin flag",
        ProvisionError::IdentifierConflict { .. } => "The identifier is taken",
        ProvisionError::AdminLacksPermissions { .. } => "Your API key lacks permissions",
        ProvisionError::KeyRejected { .. } => "ConnectWise rejected the tool key",
        ProvisionError::KeyWrongMember { .. } => "The key belongs to another member",
    }
}

fn cwm_title(error: &CwmError) -> &'static str {
    match error {
        CwmError::InvalidSite { .. } => "The site address is not valid",
        CwmError::Unreachable { .. } => "Cannot reach the site",
        CwmError::Timeout { .. } => "The site did not respond in time",
        CwmError::Certificate { .. } => "The site's certificate is not trusted",
        CwmError::CaCertificate { .. } => "The CA certificate file cannot be used",
        CwmError::UnknownCompany { .. } => "Unknown company ID",
        CwmError::NotConnectWise { .. } => "Not a ConnectWise Manage site",
        CwmError::ClientIdRejected { .. } => "ConnectWise rejected the client ID",
        CwmError::Unauthorized { .. } => "ConnectWise rejected the API key",
        CwmError::Api(_) => "ConnectWise returned an error",
        CwmError::Decode { .. } => "Unexpected response from ConnectWise",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cwm::{ApiError, ErrorBody};

    #[test]
    fn unreachable_site_gets_plain_title() {
        let error = ProvisionError::ConnectWise(CwmError::Unreachable {
            url: "https://api-na.myconnectwise.net".into(),
            detail: "connection refused".into(),
        });

        let report = ErrorReport::from_provision("connecting", &error);

        assert_eq!(report.title, "Cannot reach the site");
        assert!(report.message.starts_with("Could not reach"), "{report:?}");
        assert!(report.message.ends_with('.'), "{report:?}");
        assert_eq!(report.details[0], "While connecting.");
    }

    #[test]
    fn api_error_details_list_response() {
        let error = ProvisionError::ConnectWise(CwmError::Api(Box::new(ApiError {
            status: 400,
            method: "POST".into(),
            path: "/system/securityRoles".into(),
            body: ErrorBody {
                code: Some("InvalidObject".into()),
                message: Some("name is too long".into()),
                errors: Vec::new(),
            },
        })));

        let report = ErrorReport::from_provision("creating the role", &error);

        assert!(report
            .details
            .contains(&"Request: POST /system/securityRoles".to_owned()));
        assert!(report.details.contains(&"HTTP status: 400".to_owned()));
        assert!(report
            .details
            .contains(&"ConnectWise code: InvalidObject".to_owned()));
    }
}
