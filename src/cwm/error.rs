//! Errors from the ConnectWise client, with ConnectWise's own error JSON parsed out.

use std::fmt;

use serde::Deserialize;

/// One entry of the `errors` array in ConnectWise's error JSON.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct FieldError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub resource: Option<String>,
    pub field: Option<String>,
}

/// ConnectWise's `ErrorResponseMessage`: `{"code", "message", "errors": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub errors: Vec<FieldError>,
}

/// A non-success response from the ConnectWise REST API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub method: String,
    pub path: String,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn code(&self) -> &str {
        self.body.code.as_deref().unwrap_or("")
    }

    /// Returns true when ConnectWise rejected the `clientId` header rather than the key. The
    /// server then returns 400 or 401 with a message that names the client ID.
    pub fn is_client_id_problem(&self) -> bool {
        let message = self
            .body
            .message
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        (self.status == 400 || self.status == 401)
            && (message.contains("clientid") || message.contains("client id"))
    }

    /// Returns true when an `errors[]` item reports that the object already exists.
    pub fn is_duplicate(&self) -> bool {
        self.body
            .errors
            .iter()
            .any(|error| error.code.as_deref() == Some("ObjectExists"))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} returned HTTP {}",
            self.method, self.path, self.status
        )?;
        if let Some(code) = &self.body.code {
            write!(f, " ({code})")?;
        }
        if let Some(message) = &self.body.message {
            write!(f, ": {message}")?;
        }
        for error in &self.body.errors {
            let field = error.field.as_deref().unwrap_or("?");
            let message = error.message.as_deref().unwrap_or("");
            let code = error.code.as_deref().unwrap_or("");
            write!(f, "; field {field}: {code} {message}")?;
        }
        match self.status {
            403 => write!(
                f,
                ". The security role of the API key in use does not allow this request: use an \
                 administrator's key, or grant the permission in System > Security Roles"
            )?,
            429 => write!(
                f,
                ". ConnectWise is limiting the request rate for this company: wait a minute, \
                 then run again. The rejected request changed nothing"
            )?,
            _ => {}
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CwmError {
    #[error("invalid site {site:?}: {reason}")]
    InvalidSite { site: String, reason: String },

    #[error("could not reach {url}: {detail}. Check the site address and your network")]
    Unreachable { url: String, detail: String },

    #[error(
        "the TLS certificate of {url} is not trusted ({detail}). If the server uses a private \
         certificate authority, pass its certificate with --ca-cert FILE"
    )]
    Certificate { url: String, detail: String },

    #[error("cannot read the CA certificate {path}: {detail}")]
    CaCertificate { path: String, detail: String },

    #[error(
        "request to {url} timed out after {seconds} s. Check the site address, your network and \
         any proxy, then try again"
    )]
    Timeout { url: String, seconds: u64 },

    #[error(
        "company ID {company_id:?} is not known on {site}. Use the company ID you type on the \
         ConnectWise login page"
    )]
    UnknownCompany { company_id: String, site: String },

    #[error("{url} does not look like a ConnectWise Manage site: {detail}")]
    NotConnectWise { url: String, detail: String },

    #[error(
        "ConnectWise rejected the client ID {client_id:?}: {message}. Use the client ID \
         registered for this integration at developer.connectwise.com/ClientID"
    )]
    ClientIdRejected { client_id: String, message: String },

    /// The message leaves the public key out: when the halves were swapped, the value in
    /// the public key's place is the private key.
    #[error(
        "ConnectWise rejected the API key for company {company_id:?} (HTTP 401). Check the \
         company ID, and that both halves were copied whole and not swapped"
    )]
    Unauthorized {
        company_id: String,
        public_key: String,
    },

    #[error("{0}")]
    Api(Box<ApiError>),

    #[error("unexpected answer from {path}: {detail}")]
    Decode { path: String, detail: String },
}

impl CwmError {
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            CwmError::Api(error) => Some(error.as_ref()),
            _ => None,
        }
    }

    /// Returns true when the request may never have reached the server or its response was
    /// lost, so the caller must look the object up before deciding to send a POST again.
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            CwmError::Unreachable { .. } | CwmError::Timeout { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(status: u16, json: &str) -> ApiError {
        ApiError {
            status,
            method: "GET".into(),
            path: "/system/info".into(),
            body: serde_json::from_str(json).expect("test JSON parses"),
        }
    }

    #[test]
    fn client_id_message_detected() {
        let error = api_error(
            400,
            r#"{"code":"InvalidRequest","message":"clientId header is required"}"#,
        );
        assert!(error.is_client_id_problem());
    }

    #[test]
    fn plain_unauthorized_is_not_client_id() {
        let error = api_error(
            401,
            r#"{"code":"Unauthorized","message":"Bad credentials"}"#,
        );
        assert!(!error.is_client_id_problem());
    }

    #[test]
    fn display_names_field_errors() {
        let error = api_error(
            400,
            r#"{"code":"InvalidObject","message":"invalid","errors":[{"code":"ObjectExists","field":"name","message":"exists"}]}"#,
        );
        assert!(error.is_duplicate());
        let text = error.to_string();
        assert!(text.contains("field name"), "{text}");
        assert!(text.contains("HTTP 400"), "{text}");
    }

    #[test]
    fn forbidden_and_rate_limit_hints() {
        let forbidden = api_error(403, r#"{"code":"Forbidden","message":"denied"}"#).to_string();
        assert!(forbidden.contains("System > Security Roles"), "{forbidden}");
        let limited = api_error(429, r#"{"code":"TooManyRequests"}"#).to_string();
        assert!(limited.contains("wait a minute"), "{limited}");
        let other = api_error(500, r#"{"code":"ServerError"}"#).to_string();
        assert!(
            !other.contains("Security Roles") && !other.contains("wait"),
            "{other}"
        );
    }
}
