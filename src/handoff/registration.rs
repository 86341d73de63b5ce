//! Sending the new key to a tool's registration endpoint, for tools whose manifest has a
//! `registration_url`.
//!
//! The fields the manifest lists go as one JSON object in an HTTPS POST. Plain HTTP is rejected
//! for every host, loopback included, because the body contains the private key. Redirects are
//! not followed, so the key reaches only the address the manifest names. Nothing here writes
//! the key to a file or a log.

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde::ser::{Serialize, SerializeMap, Serializer};
use url::Url;
use zeroize::Zeroizing;

use crate::secrets::KeyPair;

/// Maximum time for the whole request, from connecting to reading the response.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Maximum characters of the endpoint's message that a [`Receipt`] or error shows.
pub const MAX_MESSAGE_CHARS: usize = 300;

const PEM_CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----";

/// The field names a manifest may list, in the order they are sent.
pub const FIELD_NAMES: [&str; 6] = [
    "site",
    "company_id",
    "public_key",
    "private_key",
    "client_id",
    "member_identifier",
];

/// The values a registration can carry, and the names of those the endpoint takes.
pub struct RegistrationFields {
    pub site: String,
    pub company_id: String,
    pub key: KeyPair,
    pub client_id: String,
    pub member_identifier: String,
    /// Names from the manifest's `registration_fields`; an empty list sends every field.
    pub names: Vec<String>,
}

impl fmt::Debug for RegistrationFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistrationFields")
            .field("site", &self.site)
            .field("company_id", &self.company_id)
            .field("key", &self.key)
            .field("client_id", &self.client_id)
            .field("member_identifier", &self.member_identifier)
            .field("names", &self.names)
            .finish()
    }
}

impl RegistrationFields {
    fn value(&self, name: &str) -> Option<&str> {
        match name {
            "site" => Some(&self.site),
            "company_id" => Some(&self.company_id),
            "public_key" => Some(&self.key.public_key),
            "private_key" => Some(self.key.private_key.expose_secret()),
            "client_id" => Some(&self.client_id),
            "member_identifier" => Some(&self.member_identifier),
            _ => None,
        }
    }

    fn selected(&self) -> Result<Vec<&str>, HandoffError> {
        if self.names.is_empty() {
            return Ok(FIELD_NAMES.to_vec());
        }
        self.names
            .iter()
            .map(
                |name| match FIELD_NAMES.iter().find(|known| *known == name) {
                    Some(known) => Ok(*known),
                    None => Err(HandoffError::UnknownField { name: name.clone() }),
                },
            )
            .collect()
    }
}

/// Serializes the selected fields as one JSON object without copying the private key into an
/// intermediate `serde_json::Value`.
struct Body<'a> {
    fields: &'a RegistrationFields,
    names: Vec<&'a str>,
}

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.names.len()))?;
        for name in &self.names {
            if let Some(value) = self.fields.value(name) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

/// The endpoint's acceptance of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub status: u16,
    /// The `message` (or `detail`, or `error`) of a JSON response body, cut to
    /// [`MAX_MESSAGE_CHARS`].
    pub message: Option<String>,
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the registration endpoint accepted the key (HTTP {})",
            self.status
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandoffError {
    #[error("the registration address {url:?} is not a valid URL ({detail})")]
    InvalidUrl { url: String, detail: String },
    #[error(
        "the registration address {url} uses {scheme}, not HTTPS; the key is sent only over \
         HTTPS, so ask the tool's vendor for its https:// address"
    )]
    NotHttps { url: String, scheme: String },
    #[error(
        "the manifest lists the unknown registration field {name:?}; known fields are site, \
         company_id, public_key, private_key, client_id and member_identifier"
    )]
    UnknownField { name: String },
    #[error("the extra root certificate is not a valid PEM certificate ({detail})")]
    InvalidCertificate { detail: String },
    #[error("failed to set up the HTTPS client ({detail})")]
    Client { detail: String },
    #[error("the registration endpoint {url} did not answer within {} s", TIMEOUT.as_secs())]
    TimedOut { url: String },
    #[error("failed to reach the registration endpoint {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error(
        "the registration endpoint {url} redirected to {location} (HTTP {status}); the key was \
         not sent there, because redirects are not followed"
    )]
    Redirected {
        url: String,
        status: u16,
        location: String,
    },
    #[error("the registration endpoint {url} rejected the key with HTTP {status}{}",
        message.as_ref().map(|text| format!(": {text}")).unwrap_or_default())]
    Rejected {
        url: String,
        status: u16,
        message: Option<String>,
    },
}

/// Sends the fields that `fields.names` lists to `url` as a JSON POST and returns the
/// endpoint's response.
///
/// `extra_root_ca` is a PEM certificate trusted in addition to the system's roots, for an
/// endpoint with a private CA and for tests; certificate checks are never turned off.
///
/// NOTE: reqwest takes the request body as its own buffer and frees it without zeroizing, so one
/// copy of the private key stays in freed memory after the call; the copy made here is zeroized.
pub async fn send(
    url: &str,
    fields: &RegistrationFields,
    extra_root_ca: Option<&[u8]>,
) -> Result<Receipt, HandoffError> {
    let parsed = Url::parse(url).map_err(|error| HandoffError::InvalidUrl {
        url: url.to_owned(),
        detail: error.to_string(),
    })?;
    if parsed.scheme() != "https" {
        return Err(HandoffError::NotHttps {
            url: url.to_owned(),
            scheme: parsed.scheme().to_owned(),
        });
    }

    let body = Body {
        fields,
        names: fields.selected()?,
    };
    let json = Zeroizing::new(
        serde_json::to_vec(&body).map_err(|error| HandoffError::Client {
            detail: error.to_string(),
        })?,
    );

    let client = build_client(extra_root_ca)?;
    let response = client
        .post(parsed.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(json.to_vec())
        .send()
        .await
        .map_err(|error| request_error(url, &error))?;

    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("an address it did not give")
            .to_owned();
        return Err(HandoffError::Redirected {
            url: url.to_owned(),
            status: status.as_u16(),
            location,
        });
    }

    let text = response
        .text()
        .await
        .map_err(|error| request_error(url, &error))?;
    let message = response_message(&text);
    if status.is_success() {
        Ok(Receipt {
            status: status.as_u16(),
            message,
        })
    } else {
        Err(HandoffError::Rejected {
            url: url.to_owned(),
            status: status.as_u16(),
            message,
        })
    }
}

fn build_client(extra_root_ca: Option<&[u8]>) -> Result<reqwest::Client, HandoffError> {
    let builder = reqwest::Client::builder()
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT);
    if let Some(pem) = extra_root_ca {
        let invalid = |detail: String| HandoffError::InvalidCertificate { detail };
        if !pem
            .windows(PEM_CERTIFICATE.len())
            .any(|window| window == PEM_CERTIFICATE)
        {
            return Err(invalid(format!(
                "no {} line",
                String::from_utf8_lossy(PEM_CERTIFICATE)
            )));
        }
        let certificate =
            reqwest::Certificate::from_pem(pem).map_err(|error| invalid(error_chain(&error)))?;
        // reqwest parses the certificate only here, so a build failure is the certificate's.
        return builder
            .add_root_certificate(certificate)
            .build()
            .map_err(|error| invalid(error_chain(&error)));
    }
    builder.build().map_err(|error| HandoffError::Client {
        detail: error_chain(&error),
    })
}

fn request_error(url: &str, error: &reqwest::Error) -> HandoffError {
    if error.is_timeout() {
        HandoffError::TimedOut {
            url: url.to_owned(),
        }
    } else {
        HandoffError::Unreachable {
            url: url.to_owned(),
            detail: error_chain(error),
        }
    }
}

/// Joins an error and its sources, because reqwest's own message leaves out the cause, such as
/// the certificate problem behind a failed TLS handshake.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Returns the message of a JSON response body, cut to [`MAX_MESSAGE_CHARS`].
fn response_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let message = match &value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Object(object) => ["message", "detail", "error"]
            .iter()
            .find_map(|key| object.get(*key).and_then(|field| field.as_str()))?
            .to_owned(),
        _ => return None,
    };
    let message = message.trim();
    if message.is_empty() {
        return None;
    }
    Some(truncate(message, MAX_MESSAGE_CHARS))
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> RegistrationFields {
        RegistrationFields {
            site: "https://na.myconnectwise.net".into(),
            company_id: "contoso".into(),
            key: KeyPair::new("PUBLIC1234567890", "PRIVATEabcdefghi"),
            client_id: "00000000-0000-4000-8000-000000000000".into(),
            member_identifier: "V360API".into(),
            names: names.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    fn body_json(fields: &RegistrationFields) -> serde_json::Value {
        let body = Body {
            fields,
            names: fields.selected().expect("known names"),
        };
        serde_json::to_value(&body).expect("serializes")
    }

    #[test]
    fn body_contains_listed_fields_only() {
        let json = body_json(&fields(&["public_key", "private_key", "company_id"]));
        let object = json.as_object().expect("object");
        assert_eq!(object.len(), 3);
        assert_eq!(object["public_key"], "PUBLIC1234567890");
        assert_eq!(object["private_key"], "PRIVATEabcdefghi");
        assert_eq!(object["company_id"], "contoso");
    }

    #[test]
    fn body_with_no_names_sends_all() {
        let json = body_json(&fields(&[]));
        let object = json.as_object().expect("object");
        assert_eq!(object.len(), FIELD_NAMES.len());
        assert_eq!(object["member_identifier"], "V360API");
    }

    #[test]
    fn unknown_field_rejected() {
        let error = fields(&["password"]).selected().unwrap_err();
        assert!(
            matches!(error, HandoffError::UnknownField { .. }),
            "{error}"
        );
    }

    #[test]
    fn debug_hides_private_key() {
        let text = format!("{:?}", fields(&[]));
        assert!(text.contains("PUBLIC1234567890"), "{text}");
        assert!(!text.contains("PRIVATEabcdefghi"), "{text}");
    }

    #[tokio::test]
    async fn http_rejected_before_connecting() {
        // Port 9 (discard) on loopback: nothing is sent, because the scheme is checked first.
        let error = send("http://127.0.0.1:9/register", &fields(&[]), None)
            .await
            .unwrap_err();
        assert!(matches!(error, HandoffError::NotHttps { .. }), "{error}");
        assert!(error.to_string().contains("not HTTPS"), "{error}");
    }

    #[test]
    fn response_message_from_json() {
        assert_eq!(
            response_message(r#"{"message":"registered"}"#).as_deref(),
            Some("registered")
        );
        assert_eq!(
            response_message(r#"{"error":"bad key"}"#).as_deref(),
            Some("bad key")
        );
        assert_eq!(response_message("<html>ok</html>"), None);
        assert_eq!(response_message(r#"{"message":"  "}"#), None);
    }

    #[test]
    fn response_message_truncated() {
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(MAX_MESSAGE_CHARS + 50));
        let message = response_message(&long).expect("message");
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
    }

    #[test]
    fn rejected_error_reads_plainly() {
        let error = HandoffError::Rejected {
            url: "https://tool.test/register".into(),
            status: 422,
            message: Some("company already registered".into()),
        };
        assert_eq!(
            error.to_string(),
            "the registration endpoint https://tool.test/register rejected the key with HTTP \
             422: company already registered"
        );
    }
}
