//! Request routing, the request log and JSON helpers shared by the route files.
//!
//! REST paths under `/{codebase}apis/3.0` (all need authentication):
//!
//! | Path | Methods |
//! |---|---|
//! | `/system/info` | GET |
//! | `/system/securityroles` (+`/count`) | GET, POST |
//! | `/system/securityroles/{id}` | GET, DELETE |
//! | `/system/securityRoles/{id}/settings` (+`/count`, `/{settingId}`) | GET |
//! | `/system/members` (+`/count`) | GET |
//! | `/system/members/{id or identifier}` | GET |
//! | `/system/members/{identifier}/tokens` | POST |
//! | `/system/apiMembers` (+`/count`) | GET, POST |
//! | `/system/apiMembers/{id}` | GET, PUT, PATCH |
//! | `/system/mySecurity` (+`/count`) | GET |
//! | `/system/locations`, `/system/departments`, `/system/timeZoneSetups`, `/system/myCompany/corporateStructureLevels` (+`/count`, `/{id}`) | GET |
//!
//! Control paths, without authentication:
//!
//! | Path | Effect |
//! |---|---|
//! | `POST /__sandbox/security-roles/{id}/settings` | sets levels from `[{"module","function","verb","level"}]`; 200 `{"updated": n}` |
//! | `POST /__sandbox/api-members/{identifier}/api-keys` | creates a durable key from `{"description"}`; 201 `{"publicKey","privateKey"}` |
//! | `GET /__sandbox/requests` | the request log: `[{"method","path","query","status","durationMs"}]` |
//! | `GET /__sandbox/state` | `{"securityRoles": [...], "apiMembers": [...]}`, each API member with `keys: [{"publicKey","description"}]` |

mod company;
mod control;
mod members;
mod reference;
mod roles;
mod security;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use super::auth;
use super::clock;
use super::errors::{ApiError, INVALID_VALUE};
use super::query::{link_header, FieldSpec, ListQuery, QueryError};
use super::state::{Audit, RequestRecord, Site};

/// Codebase path segments that lead to the REST API: the site's own codebase and the router.
const CODEBASES: [&str; 2] = ["v2026_4", "v4_6_release"];
/// The codebase used for links in `_info` outside a request.
const ROUTER_CODEBASE: &str = "v4_6_release";
/// Schema version reported in the `api-current-version` header.
const API_VERSION: &str = "2026.4";
/// Largest accepted request body.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Builds the router. Every request goes through [`handle`], which routes by hand, so path
/// case and the 404 and 405 bodies follow ConnectWise rather than axum's defaults.
pub(super) fn router(site: Arc<Site>) -> Router {
    Router::new().fallback(handle).with_state(site)
}

async fn handle(State(site): State<Arc<Site>>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);

    let response = match dispatch(&site, request).await {
        Ok(response) => response,
        Err(error) => reject(&method, &path, error),
    };

    let status = response.status().as_u16();
    let duration_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    if status >= 500 {
        tracing::warn!(%method, %path, status, duration_ms, "request failed");
    } else {
        tracing::info!(%method, %path, status, duration_ms, "request");
    }
    site.record_request(RequestRecord {
        method,
        path,
        query,
        status,
        duration_ms,
    });
    response
}

/// Logs a rejected request with its error code and message, then builds the error response.
/// Messages quote request values such as identifiers and conditions, never the Authorization
/// header, so they are safe to log.
fn reject(method: &str, path: &str, error: ApiError) -> Response {
    tracing::info!(%method, %path, status = error.status.as_u16(), code = error.code, message = %error.message, "request rejected");
    error.into_response()
}

/// Decodes `%XX` escapes; invalid escapes are kept as written.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = bytes.get(index + 1..index + 3).and_then(|hex| {
            std::str::from_utf8(hex)
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        });
        match (bytes[index], escaped) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Splits a path into lower-case, decoded segments, ignoring empty ones.
fn path_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| percent_decode(segment).to_lowercase())
        .collect()
}

async fn dispatch(site: &Site, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::invalid_request("The request body is larger than 1 MiB or could not be read.")
        })?;
    let segments = path_segments(parts.uri.path());
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();

    match segments.as_slice() {
        ["login", "companyinfo", company] => company::company_info(site, &parts.method, company),
        ["__sandbox", rest @ ..] => control::handle(site, &parts.method, rest, &body),
        [codebase, "apis", "3.0", rest @ ..] if CODEBASES.contains(codebase) => {
            let caller = auth::authenticate(site, &parts.headers)?;
            let query = parts
                .uri
                .query()
                .map(|text| {
                    url::form_urlencoded::parse(text.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default();
            let context = ApiContext {
                site,
                method: parts.method.clone(),
                api_base: format!("{}/{codebase}/apis/3.0", site.url),
                page_url: format!("{}{}", site.url, parts.uri.path()),
                query,
                body,
                caller,
            };
            let mut response = match api(&context, rest) {
                Ok(response) => response,
                Err(error) => reject(context.method.as_str(), parts.uri.path(), error),
            };
            response
                .headers_mut()
                .insert("api-current-version", HeaderValue::from_static(API_VERSION));
            Ok(response)
        }
        _ => Err(ApiError::not_found(format!(
            "No resource matches the path {}.",
            parts.uri.path()
        ))),
    }
}

/// An authenticated REST request.
pub(super) struct ApiContext<'a> {
    pub site: &'a Site,
    pub method: Method,
    /// e.g. `http://127.0.0.1:43121/v4_6_release/apis/3.0`, the prefix of `_info` links.
    pub api_base: String,
    /// Absolute URL of the request without its query, for the `Link` header.
    pub page_url: String,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
    /// Member id of the caller's key.
    pub caller: i64,
}

impl ApiContext<'_> {
    /// Returns the identifier of the calling member, for `_info.updatedBy`.
    pub fn caller_identifier(&self) -> String {
        let data = self.site.data();
        data.member(self.caller)
            .map(|member| member.identifier.clone())
            .unwrap_or_default()
    }

    /// Parses the body as JSON.
    pub fn json_body(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid_request(
                "A JSON request body is required.",
            ));
        }
        serde_json::from_slice(&self.body).map_err(|error| {
            ApiError::invalid_request(format!("The request body is not valid JSON: {error}."))
        })
    }
}

fn api(context: &ApiContext<'_>, rest: &[&str]) -> Result<Response, ApiError> {
    let method = context.method.as_str();
    let path = rest.join("/");
    let not_implemented = || Err(ApiError::not_implemented(method, &format!("/{path}")));
    let not_allowed = |allow: &'static str| Err(ApiError::method_not_allowed(method, allow));

    match rest {
        ["system", "info"] => match method {
            "GET" => company::system_info(context),
            _ => not_allowed("GET"),
        },

        ["system", "securityroles"] => match method {
            "GET" => roles::list(context),
            "POST" => roles::create(context),
            _ => not_allowed("GET, POST"),
        },
        ["system", "securityroles", "count"] => match method {
            "GET" => roles::count(context),
            _ => not_allowed("GET"),
        },
        ["system", "securityroles", "info"] => not_implemented(),
        ["system", "securityroles", id] => match method {
            "GET" => roles::get(context, parse_id(id)?),
            "DELETE" => roles::delete(context, parse_id(id)?),
            _ => not_allowed("GET, DELETE"),
        },
        ["system", "securityroles", id, "settings", rest @ ..] => {
            let role = parse_id(id)?;
            match (method, rest) {
                ("GET", []) => roles::list_settings(context, role),
                ("GET", ["count"]) => roles::count_settings(context, role),
                ("GET", [setting]) => roles::get_setting(context, role, parse_id(setting)?),
                (_, [] | ["count"] | [_]) => not_allowed("GET"),
                _ => Err(unknown_path(&path)),
            }
        }

        ["system", "members"] => match method {
            "GET" => members::list_members(context),
            "POST" => not_implemented(),
            _ => not_allowed("GET, POST"),
        },
        ["system", "members", "count"] => match method {
            "GET" => members::count_members(context),
            _ => not_allowed("GET"),
        },
        ["system", "members", member] => match method {
            "GET" => members::get_member(context, member),
            "PUT" | "PATCH" => not_implemented(),
            _ => not_allowed("GET, PUT, PATCH"),
        },
        ["system", "members", identifier, "tokens"] => match method {
            "POST" => members::create_token(context, identifier),
            _ => not_allowed("POST"),
        },
        ["system", "members", _, "deactivate"] => match method {
            "POST" => not_implemented(),
            _ => not_allowed("POST"),
        },

        ["system", "apimembers"] => match method {
            "GET" => members::list_api_members(context),
            "POST" => members::create_api_member(context),
            _ => not_allowed("GET, POST"),
        },
        ["system", "apimembers", "count"] => match method {
            "GET" => members::count_api_members(context),
            _ => not_allowed("GET"),
        },
        ["system", "apimembers", "default"] => match method {
            "GET" => not_implemented(),
            _ => not_allowed("GET"),
        },
        ["system", "apimembers", id] => match method {
            "GET" => members::get_api_member(context, parse_id(id)?),
            "PUT" => members::replace_api_member(context, parse_id(id)?),
            "PATCH" => members::patch_api_member(context, parse_id(id)?),
            _ => not_allowed("GET, PUT, PATCH"),
        },

        ["system", "mysecurity"] => match method {
            "GET" => security::list(context),
            _ => not_allowed("GET"),
        },
        ["system", "mysecurity", "count"] => match method {
            "GET" => security::count(context),
            _ => not_allowed("GET"),
        },

        ["system", "mycompany", "corporatestructurelevels", rest @ ..] => {
            reference::handle(context, reference::Kind::StructureLevel, rest)
        }
        ["system", "locations", rest @ ..] => {
            reference::handle(context, reference::Kind::Location, rest)
        }
        ["system", "departments", rest @ ..] => {
            reference::handle(context, reference::Kind::Department, rest)
        }
        ["system", "timezonesetups", rest @ ..] => {
            reference::handle(context, reference::Kind::TimeZone, rest)
        }

        _ => Err(unknown_path(&path)),
    }
}

fn unknown_path(path: &str) -> ApiError {
    ApiError::not_found(format!("No resource matches the path /apis/3.0/{path}."))
}

/// Parses a numeric id path segment; anything else names no object.
fn parse_id(segment: &str) -> Result<i64, ApiError> {
    segment
        .parse()
        .map_err(|_| ApiError::not_found(format!("'{segment}' is not a valid id.")))
}

/// Returns a JSON response.
pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Turns a rejected query parameter into a 400 `InvalidObject`.
fn query_error(resource: &str, error: QueryError) -> ApiError {
    let message = format!("Invalid {}: {}.", error.parameter, error.message);
    ApiError::invalid_field(INVALID_VALUE, resource, error.parameter, message)
}

/// Builds the response to a list request. It filters, sorts and pages `records`, and adds a
/// `Link` header when there is more than one page.
pub(super) fn list_response(
    context: &ApiContext<'_>,
    resource: &str,
    fields: &[FieldSpec],
    records: Vec<Value>,
) -> Result<Response, ApiError> {
    let query =
        ListQuery::parse(&context.query, fields).map_err(|error| query_error(resource, error))?;
    let page = query.apply(records);
    let link = link_header(
        &context.page_url,
        &context.query,
        query.page,
        query.page_size,
        page.total,
    );

    let mut response = json_response(StatusCode::OK, &Value::Array(page.records));
    if let Some(link) = link.and_then(|link| HeaderValue::from_str(&link).ok()) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// Builds the response to a `/count` request, `{"count": n}`, honouring `conditions`.
pub(super) fn count_response(
    context: &ApiContext<'_>,
    resource: &str,
    fields: &[FieldSpec],
    records: &[Value],
) -> Result<Response, ApiError> {
    let query =
        ListQuery::parse(&context.query, fields).map_err(|error| query_error(resource, error))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "count": query.count(records) }),
    ))
}

/// Returns the `_info` object of an entity.
pub(super) fn info(audit: &Audit) -> Value {
    json!({ "lastUpdated": clock::format(audit.last_updated), "updatedBy": audit.updated_by })
}

/// Returns a reference object `{id, name, _info: {<kind>_href}}`.
pub(super) fn reference(id: i64, name: &str, kind: &str, href: String) -> Value {
    json!({ "id": id, "name": name, "_info": { format!("{kind}_href"): href } })
}

/// Returns the `_info` link prefix for JSON built outside a REST request.
pub(super) fn default_api_base(site: &Site) -> String {
    format!("{}/{ROUTER_CODEBASE}/apis/3.0", site.url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_ignore_case_and_decode() {
        assert_eq!(
            path_segments("/v4_6_release/apis/3.0/system/securityRoles/3/settings/"),
            [
                "v4_6_release",
                "apis",
                "3.0",
                "system",
                "securityroles",
                "3",
                "settings"
            ],
            "segments"
        );
        assert_eq!(
            path_segments("/login/companyinfo/My%20Co"),
            ["login", "companyinfo", "my co"],
            "decoding"
        );
        assert_eq!(percent_decode("100%"), "100%", "trailing percent kept");
    }
}
