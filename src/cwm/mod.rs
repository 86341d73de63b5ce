//! The ConnectWise Manage REST client: codebase discovery, authentication, error parsing and
//! the calls the provisioning engine needs.
//!
//! Every request carries `Authorization: Basic base64("{company}+{public}:{private}")` and the
//! `clientId` header. Lists are filtered on the server with `conditions` and paged explicitly
//! with `pageSize=1000`, because ConnectWise returns 25 records by default and absence can
//! never be inferred from one short page.

pub mod conditions;
mod error;
pub mod models;
pub mod site;

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

pub use error::{ApiError, CwmError, ErrorBody, FieldError};
use models::*;

use crate::secrets::KeyPair;

/// ConnectWise's hard maximum for `pageSize`.
pub const MAX_PAGE_SIZE: usize = 1000;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const ACCEPT: &str = "application/vnd.connectwise.com+json; version=2025.8";

/// The caller's identity: company ID, API key pair and the integration's client ID.
#[derive(Clone)]
pub struct Credentials {
    pub company_id: String,
    pub key: KeyPair,
    pub client_id: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("company_id", &self.company_id)
            .field("key", &self.key)
            .field("client_id", &self.client_id)
            .finish()
    }
}

impl Credentials {
    fn authorization(&self) -> SecretString {
        let user = format!(
            "{}+{}:{}",
            self.company_id,
            self.key.public_key,
            self.key.private_key.expose_secret()
        );
        let user = zeroize::Zeroizing::new(user);
        let encoded = base64::engine::general_purpose::STANDARD.encode(user.as_bytes());
        SecretString::from(format!("Basic {encoded}"))
    }
}

/// Transport settings of a client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time allowed for one request, from sending to the end of the response.
    pub timeout: Duration,
    /// PEM certificate of a private certificate authority to trust besides the system roots.
    pub ca_certificate: Option<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: DEFAULT_TIMEOUT,
            ca_certificate: None,
        }
    }
}

impl ClientOptions {
    /// Reads the CA certificate file for `--ca-cert`.
    pub fn with_ca_certificate_file(mut self, path: &std::path::Path) -> Result<Self, CwmError> {
        let pem = std::fs::read(path).map_err(|error| CwmError::CaCertificate {
            path: path.display().to_string(),
            detail: error.to_string(),
        })?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|error| {
            CwmError::CaCertificate {
                path: path.display().to_string(),
                detail: format!("not a PEM certificate ({error})"),
            }
        })?;
        // A file without a certificate block parses as an empty bundle, and then the server's
        // certificate fails as untrusted, which would point back at this very flag.
        if certificates.is_empty() {
            return Err(CwmError::CaCertificate {
                path: path.display().to_string(),
                detail: "it contains no PEM certificate (a -----BEGIN CERTIFICATE----- block)"
                    .to_owned(),
            });
        }
        self.ca_certificate = Some(pem);
        Ok(self)
    }
}

/// A client bound to one site, codebase and caller.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    site: Url,
    api_base: String,
    credentials: Credentials,
    authorization: SecretString,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.api_base)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Normalizes the site, reads `/login/companyinfo/{company}` to find the codebase, and
    /// returns a client for the REST API under that codebase.
    ///
    /// Discovery needs no authentication, so this step alone proves only that the site and the
    /// company ID exist. Call [`Client::system_info`] to check the key.
    pub async fn discover(
        site_input: &str,
        credentials: Credentials,
    ) -> Result<(Client, CompanyInfo), CwmError> {
        Self::discover_with(site_input, credentials, &ClientOptions::default()).await
    }

    /// Like [`Client::discover`], with transport settings.
    pub async fn discover_with(
        site_input: &str,
        credentials: Credentials,
        options: &ClientOptions,
    ) -> Result<(Client, CompanyInfo), CwmError> {
        let site = site::normalize(site_input)?;
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &options.ca_certificate {
            let certificate =
                reqwest::Certificate::from_pem(pem).map_err(|error| CwmError::CaCertificate {
                    path: "--ca-cert".into(),
                    detail: error.to_string(),
                })?;
            builder = builder.add_root_certificate(certificate);
        }
        let http = builder.build().map_err(|error| CwmError::Unreachable {
            url: site.to_string(),
            detail: error.to_string(),
        })?;

        let company = &credentials.company_id;
        if company.trim().is_empty() {
            return Err(CwmError::UnknownCompany {
                company_id: company.clone(),
                site: site.to_string(),
            });
        }
        let mut url = site.clone();
        url.path_segments_mut()
            .map_err(|()| CwmError::InvalidSite {
                site: site_input.to_owned(),
                reason: "the address cannot carry a path".into(),
            })?
            .extend(["login", "companyinfo", company.as_str()]);

        // The first request of a run meets a rate limit or a busy server like any other read,
        // so it is retried the same way instead of being taken for a wrong site.
        let mut attempt = 0;
        let response = loop {
            let request = http
                .get(url.clone())
                .header("clientId", &credentials.client_id);
            let response = send_with_context(request, &url, options.timeout).await?;
            if is_retryable(response.status())
                && pause_before_retry(&response, attempt, "company lookup").await
            {
                attempt += 1;
                continue;
            }
            break response;
        };
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| CwmError::Unreachable {
                url: url.to_string(),
                detail: error.to_string(),
            })?;
        if status == StatusCode::NOT_FOUND || (status.is_success() && text.trim() == "null") {
            return Err(CwmError::UnknownCompany {
                company_id: company.clone(),
                site: site.to_string(),
            });
        }
        if is_retryable(status) {
            return Err(CwmError::Api(Box::new(ApiError {
                status: status.as_u16(),
                method: Method::GET.to_string(),
                path: url.path().to_owned(),
                body: error_body(text.as_bytes()),
            })));
        }
        if !status.is_success() {
            return Err(CwmError::NotConnectWise {
                url: url.to_string(),
                detail: format!("company lookup returned HTTP {}", status.as_u16()),
            });
        }
        let info: CompanyInfo =
            serde_json::from_str(&text).map_err(|error| CwmError::NotConnectWise {
                url: url.to_string(),
                detail: format!("the company lookup did not return ConnectWise's JSON ({error})"),
            })?;

        let codebase = info.codebase.trim_matches('/');
        let root = site.as_str().trim_end_matches('/');
        let api_base = format!("{root}/{codebase}/apis/3.0");
        let authorization = credentials.authorization();
        let client = Client {
            http,
            site,
            api_base,
            credentials,
            authorization,
            timeout: options.timeout,
        };
        Ok((client, info))
    }

    /// Returns a client for the same site and codebase that authenticates as another key, for
    /// verifying a tool's key.
    pub fn with_key(&self, key: KeyPair) -> Client {
        let credentials = Credentials {
            key,
            ..self.credentials.clone()
        };
        Client {
            authorization: credentials.authorization(),
            credentials,
            ..self.clone()
        }
    }

    pub fn site(&self) -> &Url {
        &self.site
    }

    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub async fn system_info(&self) -> Result<SystemInfo, CwmError> {
        self.get("/system/info", &[]).await
    }

    pub async fn find_security_role(&self, name: &str) -> Result<Option<SecurityRole>, CwmError> {
        let roles: Vec<SecurityRole> = self
            .list(
                "/system/securityroles",
                Some(&conditions::equals("name", name)),
            )
            .await?;
        Ok(roles
            .into_iter()
            .find(|role| role.name.eq_ignore_ascii_case(name)))
    }

    pub async fn create_security_role(&self, name: &str) -> Result<SecurityRole, CwmError> {
        self.send_json(
            Method::POST,
            "/system/securityroles",
            &NewSecurityRole { name },
        )
        .await
    }

    pub async fn security_role_settings(&self, role_id: i64) -> Result<Vec<RoleSetting>, CwmError> {
        self.list(&format!("/system/securityRoles/{role_id}/settings"), None)
            .await
    }

    pub async fn my_security(&self) -> Result<Vec<RoleSetting>, CwmError> {
        self.list("/system/mySecurity", None).await
    }

    pub async fn member(&self, id: i64) -> Result<Member, CwmError> {
        self.get(&format!("/system/members/{id}"), &[]).await
    }

    pub async fn find_member(&self, identifier: &str) -> Result<Option<Member>, CwmError> {
        let members: Vec<Member> = self
            .list(
                "/system/members",
                Some(&conditions::equals("identifier", identifier)),
            )
            .await?;
        Ok(members
            .into_iter()
            .find(|member| member.identifier.eq_ignore_ascii_case(identifier)))
    }

    pub async fn find_api_member(&self, identifier: &str) -> Result<Option<ApiMember>, CwmError> {
        let members: Vec<ApiMember> = self
            .list(
                "/system/apiMembers",
                Some(&conditions::equals("identifier", identifier)),
            )
            .await?;
        Ok(members
            .into_iter()
            .find(|member| member.identifier.eq_ignore_ascii_case(identifier)))
    }

    pub async fn create_api_member(&self, member: &NewApiMember) -> Result<ApiMember, CwmError> {
        self.send_json(Method::POST, "/system/apiMembers", member)
            .await
    }

    pub async fn patch_api_member(
        &self,
        id: i64,
        operations: &[PatchOperation],
    ) -> Result<ApiMember, CwmError> {
        self.send_json(
            Method::PATCH,
            &format!("/system/apiMembers/{id}"),
            &operations,
        )
        .await
    }

    pub async fn locations(&self) -> Result<Vec<NamedItem>, CwmError> {
        self.list("/system/locations", None).await
    }

    pub async fn departments(&self) -> Result<Vec<NamedItem>, CwmError> {
        self.list("/system/departments", None).await
    }

    pub async fn structure_levels(&self) -> Result<Vec<NamedItem>, CwmError> {
        self.list("/system/myCompany/corporateStructureLevels", None)
            .await
    }

    /// Mints an impersonation token for a member: a temporary key pair with an expiration.
    pub async fn create_member_token(&self, identifier: &str) -> Result<Token, CwmError> {
        let path = format!("/system/members/{identifier}/tokens");
        let body = serde_json::json!({ "memberIdentifier": identifier });
        self.send_json(Method::POST, &path, &body).await
    }

    pub async fn time_zones(&self) -> Result<Vec<NamedItem>, CwmError> {
        self.list("/system/timeZoneSetups", None).await
    }

    /// Reads every page of a list, `MAX_PAGE_SIZE` records at a time.
    ///
    /// A page shorter than the page size ends the list, so a list of fewer than 1000 records
    /// takes one request.
    async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        condition: Option<&str>,
    ) -> Result<Vec<T>, CwmError> {
        let mut records = Vec::new();
        let page_size = MAX_PAGE_SIZE.to_string();
        for page in 1.. {
            let page_text = page.to_string();
            let mut query = vec![
                ("pageSize", page_size.as_str()),
                ("page", page_text.as_str()),
            ];
            if let Some(condition) = condition {
                query.push(("conditions", condition));
            }
            let batch: Vec<T> = self.get(path, &query).await?;
            let count = batch.len();
            records.extend(batch);
            if count < MAX_PAGE_SIZE {
                break;
            }
        }
        Ok(records)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, CwmError> {
        let url = self.url(path, query)?;
        let mut attempt = 0;
        loop {
            let response = self.execute(Method::GET, &url, None).await;
            match response {
                Err(error) if error.is_transport() && attempt < 2 => {
                    tracing::warn!(path, attempt, "GET failed, retrying: {error}");
                }
                Err(error) => return Err(error),
                Ok(response) => {
                    let retry = is_retryable(response.status())
                        && pause_before_retry(&response, attempt, &format!("GET {path}")).await;
                    if !retry {
                        return self.decode(Method::GET, path, response).await;
                    }
                }
            }
            attempt += 1;
        }
    }

    /// Sends a POST, PUT or PATCH. Only a 429 is sent again, because the server did not act on
    /// it. After any other failure the caller must look the object up to learn whether the write
    /// took effect.
    async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, CwmError> {
        let url = self.url(path, &[])?;
        let body = serde_json::to_vec(body).map_err(|error| CwmError::Decode {
            path: path.to_owned(),
            detail: error.to_string(),
        })?;
        let mut attempt = 0;
        loop {
            let response = self
                .execute(method.clone(), &url, Some(body.clone()))
                .await?;
            // A 429 means the server rejected the write without acting on it, so sending it again
            // cannot create a second object. Any other failure goes back to the caller, which
            // looks the object up before it writes again.
            let rate_limited = response.status() == StatusCode::TOO_MANY_REQUESTS;
            if rate_limited
                && pause_before_retry(&response, attempt, &format!("{method} {path}")).await
            {
                attempt += 1;
                continue;
            }
            return self.decode(method, path, response).await;
        }
    }

    async fn execute(
        &self,
        method: Method,
        url: &Url,
        body: Option<Vec<u8>>,
    ) -> Result<reqwest::Response, CwmError> {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(
                reqwest::header::AUTHORIZATION,
                self.authorization.expose_secret(),
            )
            .header("clientId", &self.credentials.client_id)
            .header(reqwest::header::ACCEPT, ACCEPT);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = send_with_context(request, url, self.timeout).await?;
        tracing::debug!(method = %method, path = url.path(), status = response.status().as_u16(), "ConnectWise request");
        Ok(response)
    }

    async fn decode<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        response: reqwest::Response,
    ) -> Result<T, CwmError> {
        let status = response.status();
        let bytes = response.bytes().await.map_err(|error| {
            if error.is_timeout() {
                CwmError::Timeout {
                    url: path.to_owned(),
                    seconds: self.timeout.as_secs_f64().ceil() as u64,
                }
            } else {
                CwmError::Unreachable {
                    url: path.to_owned(),
                    detail: format!(
                        "the response was cut off ({})",
                        describe_transport_error(&error)
                    ),
                }
            }
        })?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|error| CwmError::Decode {
                path: path.to_owned(),
                detail: error.to_string(),
            });
        }

        let body = error_body(&bytes);
        let error = ApiError {
            status: status.as_u16(),
            method: method.to_string(),
            path: path.to_owned(),
            body,
        };
        if error.is_client_id_problem() {
            return Err(CwmError::ClientIdRejected {
                client_id: self.credentials.client_id.clone(),
                // The message ends the sentence, and the error adds its own full stop.
                message: error
                    .body
                    .message
                    .as_deref()
                    .unwrap_or_default()
                    .trim_end_matches('.')
                    .to_owned(),
            });
        }
        if status == StatusCode::UNAUTHORIZED {
            return Err(CwmError::Unauthorized {
                company_id: self.credentials.company_id.clone(),
                public_key: self.credentials.key.public_key.clone(),
            });
        }
        Err(CwmError::Api(Box::new(error)))
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, CwmError> {
        let mut url = Url::parse(&format!("{}{path}", self.api_base)).map_err(|error| {
            CwmError::InvalidSite {
                site: self.api_base.clone(),
                reason: error.to_string(),
            }
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }
}

/// Parses ConnectWise's error JSON. Any other body, such as a proxy's HTML page, becomes a short
/// plain message, because its markup would bury the status in the user's message.
fn error_body(bytes: &[u8]) -> ErrorBody {
    if let Ok(body) = serde_json::from_slice(bytes) {
        return body;
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    let message = if text.starts_with('<') {
        "the server sent an HTML page instead of ConnectWise's error JSON".to_owned()
    } else {
        text.chars().take(200).collect()
    };
    ErrorBody {
        message: (!message.is_empty()).then_some(message),
        ..ErrorBody::default()
    }
}

/// Waits before retry `attempt` of `request`, which got a retryable status, and returns true.
/// Returns false at once when the retries for that status are used up.
async fn pause_before_retry(response: &reqwest::Response, attempt: u32, request: &str) -> bool {
    let status = response.status();
    if attempt >= retry_limit(status) {
        return false;
    }
    let wait = retry_wait(response, attempt);
    tracing::warn!(
        status = status.as_u16(),
        attempt,
        "{request} retried after {wait:?}"
    );
    tokio::time::sleep(wait).await;
    true
}

/// Returns how many times a request is retried after `status`. A rate limit gets more tries than
/// a busy server, because the reads that a step sends together all meet it at once.
fn retry_limit(status: StatusCode) -> u32 {
    if status == StatusCode::TOO_MANY_REQUESTS {
        5
    } else {
        2
    }
}

/// Returns the wait before retry `attempt`: `Retry-After` or a doubling delay, plus a random
/// part, so that reads rejected together do not all return in the same instant.
fn retry_wait(response: &reqwest::Response, attempt: u32) -> Duration {
    let base = retry_after(response).unwrap_or(Duration::from_millis(500 << attempt.min(4)));
    let spread = 250 * u64::from(attempt + 1);
    base + Duration::from_millis(rand::random_range(0..=spread))
}

fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::BAD_GATEWAY
        || status == StatusCode::SERVICE_UNAVAILABLE
        || status == StatusCode::GATEWAY_TIMEOUT
}

/// Reads `Retry-After` in seconds, capped at 30 s so a hostile value cannot stall the wizard.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds.min(30)))
}

async fn send_with_context(
    request: reqwest::RequestBuilder,
    url: &Url,
    timeout: Duration,
) -> Result<reqwest::Response, CwmError> {
    let mut shown = url.clone();
    shown.set_query(None);
    request.send().await.map_err(|error| {
        let detail = describe_transport_error(&error);
        if is_certificate_problem(&detail) {
            CwmError::Certificate {
                url: shown.to_string(),
                detail,
            }
        } else if error.is_timeout() {
            CwmError::Timeout {
                url: shown.to_string(),
                seconds: timeout.as_secs_f64().ceil() as u64,
            }
        } else {
            CwmError::Unreachable {
                url: shown.to_string(),
                detail,
            }
        }
    })
}

/// Recognises rustls's certificate verification failures in an error chain's text.
fn is_certificate_problem(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    lower.contains("certificate") || lower.contains("unknownissuer")
}

/// Walks the error's source chain, because reqwest's own text ("error sending request") hides
/// the cause an administrator can act on (refused connection, DNS, certificate).
fn describe_transport_error(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = source {
        let text = current.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = current.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::error_body;

    #[test]
    fn html_error_body_becomes_short_message() {
        let body = error_body(b"<html><head><title>429 Too Many Requests</title></head></html>");
        let message = body.message.expect("message");
        assert!(!message.contains('<'), "{message}");
        assert!(message.contains("HTML page"), "{message}");
    }

    #[test]
    fn json_error_body_is_parsed() {
        let body = error_body(br#"{"code":"NotFound","message":"Role not found"}"#);
        assert_eq!(body.code.as_deref(), Some("NotFound"));
        assert_eq!(body.message.as_deref(), Some("Role not found"));
    }
}
