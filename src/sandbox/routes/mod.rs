//! Request routing, the request log and JSON helpers shared by the route files.
//!
//! REST paths under `/{codebase}apis/3.0` (all need authentication):
//!
//! | Path | Methods |
//! |---|---|
//! | `/system/info` | GET |
//! | `/system/securityroles` (+`/count`) | GET, POST |
//! | `/system/securityroles/{id}` | GET, DELETE |
//! | `/system/securityroles/info` (+`/count`), `/system/securityroles/{id}/info` | GET |
//! | `/system/securityRoles/{id}/settings` (+`/count`, `/{settingId}`) | GET |
//! | `/system/members` (+`/count`) | GET, POST |
//! | `/system/members/{id or identifier}` | GET, PATCH (PUT: 501) |
//! | `/system/members/{identifier}/tokens` | POST |
//! | `/system/members/{id}/deactivate` | POST |
//! | `/system/apiMembers` (+`/count`) | GET, POST |
//! | `/system/apiMembers/default` | GET |
//! | `/system/apiMembers/{id}` | GET, PUT, PATCH |
//! | `/system/mySecurity` (+`/count`) | GET |
//! | `/system/locations`, `/system/departments`, `/system/timeZoneSetups`, `/system/myCompany/corporateStructureLevels` (+`/count`, `/{id}`) | GET (writes the real API has: 501) |
//!
//! A method the real API lacks on a path gets 405 with `Allow`, for example any write to a
//! role's settings. Before a route runs, the caller's role is checked for the permission the
//! route needs (see `crate::sandbox::permissions`).
//!
//! Control paths, without authentication:
//!
//! | Path | Effect |
//! |---|---|
//! | `POST /__sandbox/security-roles/{id}/settings` | sets levels from `[{"module","function","verb","level"}]`; 200 `{"updated": n}` |
//! | `POST /__sandbox/api-members/{identifier}/api-keys` | creates a durable key from `{"description"}`; 201 `{"publicKey","privateKey"}` |
//! | `GET /__sandbox/requests` | the request log: `[{"method","path","query","status","durationMs","startedMs","endedMs"}]` |
//! | `GET /__sandbox/state` | `{"securityRoles": [...], "apiMembers": [...]}`, each API member with `keys: [{"publicKey","description"}]` |
//! | `GET`, `POST`, `DELETE /__sandbox/faults` | reads, adds to or clears the injected faults (see `crate::sandbox::faults`) |

mod company;
mod control;
mod full_members;
mod members;
mod reference;
mod roles;
mod security;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth;
use super::clock;
use super::errors::{ApiError, INVALID_VALUE};
use super::faults::{Action, ConnectionDropped, Plan};
use super::permissions::{self, Permission, Verb};
use super::query::{self, FieldSpec, Key, ListQuery, QueryError};
use super::state::{Audit, RequestRecord, Site};

/// Codebase path segments that lead to the REST API: the site's own codebase and the router.
const CODEBASES: [&str; 2] = ["v2026_4", "v4_6_release"];
/// The codebase used for links in `_info` outside a request.
const ROUTER_CODEBASE: &str = "v4_6_release";
/// Schema version reported in the `api-current-version` header.
const API_VERSION: &str = "2026.4";
/// Largest accepted request body.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The REST API's path prefix after the codebase segment.
const API_PREFIX: &str = "/apis/3.0";

/// Serves one request: applies injected faults, routes it and records it in the request log.
/// An `Err` makes hyper close the connection without a response (a reset fault).
pub(super) async fn serve(
    site: Arc<Site>,
    request: Request,
) -> Result<Response, ConnectionDropped> {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);

    let plan = if is_control_path(&path) {
        Plan {
            delay: Duration::ZERO,
            action: Action::Serve,
        }
    } else {
        site.faults.plan(&method, fault_path(&path))
    };
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }

    let (response, status, fault) = match plan.action {
        Action::Serve => {
            let response = run(&site, request).await;
            let status = response.status().as_u16();
            (Some(response), status, None)
        }
        Action::Status {
            status,
            retry_after_seconds,
        } => (
            Some(fault_response(status, retry_after_seconds)),
            status,
            Some("status"),
        ),
        Action::RateLimited {
            retry_after_seconds,
        } => (
            Some(fault_response(429, Some(retry_after_seconds))),
            429,
            Some("rateLimit"),
        ),
        // Status 0 in the log: no response was sent and the request never ran.
        Action::ResetBefore => (None, 0, Some("resetBefore")),
        Action::ResetAfter => {
            let status = run(&site, request).await.status().as_u16();
            (None, status, Some("resetAfter"))
        }
    };

    let ended = Instant::now();
    let to_ms = |duration: Duration| (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let duration_ms = to_ms(ended - started);
    let started_ms = to_ms(started.saturating_duration_since(site.started));
    let ended_ms = to_ms(ended.saturating_duration_since(site.started));
    if status >= 500 || response.is_none() {
        tracing::warn!(%method, %path, status, ?fault, duration_ms, "request failed");
    } else {
        tracing::info!(%method, %path, status, ?fault, duration_ms, "request");
    }
    site.record_request(RequestRecord {
        method,
        path,
        query,
        status,
        duration_ms,
        started_ms,
        ended_ms,
        fault,
    });
    response.ok_or(ConnectionDropped(fault.unwrap_or("reset")))
}

fn is_control_path(path: &str) -> bool {
    path.trim_start_matches('/').starts_with("__sandbox")
}

/// Returns the part of a path that fault rules match: what follows `/apis/3.0` in a REST
/// path, or the whole path elsewhere.
fn fault_path(path: &str) -> &str {
    match path.to_ascii_lowercase().find(API_PREFIX) {
        Some(at) => &path[at + API_PREFIX.len()..],
        None => path,
    }
}

/// Builds the response of an injected status fault. Gateway statuses (429, 502, 503, 504) get a
/// short HTML page, as a proxy in front of the site would send; others get ConnectWise's JSON.
// NOTE: ConnectWise documents neither body; the HTML for gateway statuses follows the reports
// of Cloudflare-level throttling in front of ConnectWise cloud.
fn fault_response(status: u16, retry_after_seconds: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    let mut response = match status.as_u16() {
        429 | 502..=504 => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            format!(
                "<html><head><title>{} {reason}</title></head><body><h1>{reason}</h1></body></html>",
                status.as_u16()
            ),
        )
            .into_response(),
        _ => ApiError::with_status(
            status,
            "ServerError",
            format!("An injected {} {reason} fault.", status.as_u16()),
        )
        .into_response(),
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        let seconds = retry_after_seconds.unwrap_or(1);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Routes a request and turns a rejection into its error response.
async fn run(site: &Site, request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    match dispatch(site, request).await {
        Ok(response) => response,
        Err(error) => reject(&method, &path, error),
    }
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

/// Returns whether the request selects forward-only paging (`pagination-type: forward-only`).
fn wants_forward_only(headers: &HeaderMap) -> bool {
    headers
        .get("pagination-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("forward-only"))
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
                forward_only: wants_forward_only(&parts.headers),
                body,
                caller,
            };
            let mut response = match route(context.method.as_str(), rest).and_then(|route| {
                if let Some(permission) = route.permission {
                    permissions::check(&site.data(), caller, permission)?;
                }
                (route.action)(&context)
            }) {
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
    /// Whether the request sent `pagination-type: forward-only`.
    pub forward_only: bool,
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

    /// Parses the list query parameters against `fields`.
    pub fn list_query(&self, resource: &str, fields: &[FieldSpec]) -> Result<ListQuery, ApiError> {
        ListQuery::parse(&self.query, fields, self.forward_only)
            .map_err(|error| query_error(resource, error))
    }
}

/// Handler of a matched route.
type RouteAction<'a> = Box<dyn FnOnce(&ApiContext<'_>) -> Result<Response, ApiError> + 'a>;

/// A matched REST route: the permission it needs and what runs it.
struct Route<'a> {
    permission: Option<Permission>,
    action: RouteAction<'a>,
}

/// Matches a REST path (lower-case segments after `/apis/3.0`) and method to a route; an
/// unknown path is a 404 and a method the real API lacks on a known path a 405.
fn route<'a>(method: &str, rest: &'a [&'a str]) -> Result<Route<'a>, ApiError> {
    let path = rest.join("/");
    let permission = permissions::required(rest, Verb::for_method(method));
    let found = |action: RouteAction<'a>| Ok(Route { permission, action });
    let member_edit = |action: RouteAction<'a>| {
        Ok(Route {
            permission: Some(Permission {
                function: permissions::MEMBER_MAINTENANCE,
                verb: Verb::Edit,
            }),
            action,
        })
    };
    let not_implemented = || Err(ApiError::not_implemented(method, &format!("/{path}")));
    let not_allowed = |allow: &'static str| Err(ApiError::method_not_allowed(method, allow));

    match rest {
        ["system", "info"] => match method {
            "GET" => found(Box::new(company::system_info)),
            _ => not_allowed("GET"),
        },

        ["system", "securityroles"] => match method {
            "GET" => found(Box::new(roles::list)),
            "POST" => found(Box::new(roles::create)),
            _ => not_allowed("GET, POST"),
        },
        ["system", "securityroles", "count"] => match method {
            "GET" => found(Box::new(roles::count)),
            _ => not_allowed("GET"),
        },
        ["system", "securityroles", "info"] => match method {
            "GET" => found(Box::new(roles::list_info)),
            _ => not_allowed("GET"),
        },
        ["system", "securityroles", "info", "count"] => match method {
            "GET" => found(Box::new(roles::count_info)),
            _ => not_allowed("GET"),
        },
        ["system", "securityroles", id] => {
            let id = parse_id(id)?;
            match method {
                "GET" => found(Box::new(move |context| roles::get(context, id))),
                "DELETE" => found(Box::new(move |context| roles::delete(context, id))),
                _ => not_allowed("GET, DELETE"),
            }
        }
        ["system", "securityroles", id, "info"] => {
            let id = parse_id(id)?;
            match method {
                "GET" => found(Box::new(move |context| roles::get_info(context, id))),
                _ => not_allowed("GET"),
            }
        }
        ["system", "securityroles", id, "settings", rest @ ..] => {
            let role = parse_id(id)?;
            match (method, rest) {
                ("GET", []) => found(Box::new(move |context| roles::list_settings(context, role))),
                ("GET", ["count"]) => found(Box::new(move |context| {
                    roles::count_settings(context, role)
                })),
                ("GET", [setting]) => {
                    let setting = parse_id(setting)?;
                    found(Box::new(move |context| {
                        roles::get_setting(context, role, setting)
                    }))
                }
                (_, [] | ["count"] | [_]) => not_allowed("GET"),
                _ => Err(unknown_path(&path)),
            }
        }

        ["system", "members"] => match method {
            "GET" => found(Box::new(members::list_members)),
            "POST" => found(Box::new(full_members::create_member)),
            _ => not_allowed("GET, POST"),
        },
        ["system", "members", "count"] => match method {
            "GET" => found(Box::new(members::count_members)),
            _ => not_allowed("GET"),
        },
        ["system", "members", member] => match method {
            "GET" => found(Box::new(move |context| {
                members::get_member(context, member)
            })),
            "PATCH" => found(Box::new(move |context| {
                full_members::patch_member(context, member)
            })),
            "PUT" => not_implemented(),
            _ => not_allowed("GET, PUT, PATCH"),
        },
        ["system", "members", identifier, "tokens"] => match method {
            "POST" => member_edit(Box::new(move |context| {
                members::create_token(context, identifier)
            })),
            _ => not_allowed("POST"),
        },
        ["system", "members", member, "deactivate"] => match method {
            "POST" => member_edit(Box::new(move |context| {
                full_members::deactivate_member(context, member)
            })),
            _ => not_allowed("POST"),
        },

        ["system", "apimembers"] => match method {
            "GET" => found(Box::new(members::list_api_members)),
            "POST" => found(Box::new(members::create_api_member)),
            _ => not_allowed("GET, POST"),
        },
        ["system", "apimembers", "count"] => match method {
            "GET" => found(Box::new(members::count_api_members)),
            _ => not_allowed("GET"),
        },
        ["system", "apimembers", "default"] => match method {
            "GET" => found(Box::new(members::default_api_member)),
            _ => not_allowed("GET"),
        },
        ["system", "apimembers", id] => {
            let id = parse_id(id)?;
            match method {
                "GET" => found(Box::new(move |context| {
                    members::get_api_member(context, id)
                })),
                "PUT" => found(Box::new(move |context| {
                    members::replace_api_member(context, id)
                })),
                "PATCH" => found(Box::new(move |context| {
                    members::patch_api_member(context, id)
                })),
                _ => not_allowed("GET, PUT, PATCH"),
            }
        }

        ["system", "mysecurity"] => match method {
            "GET" => found(Box::new(security::list)),
            _ => not_allowed("GET"),
        },
        ["system", "mysecurity", "count"] => match method {
            "GET" => found(Box::new(security::count)),
            _ => not_allowed("GET"),
        },

        ["system", "mycompany", "corporatestructurelevels", rest @ ..] => {
            reference::route(reference::Kind::StructureLevel, method, rest)?;
            found(Box::new(move |context| {
                reference::handle(context, reference::Kind::StructureLevel, rest)
            }))
        }
        ["system", "locations", rest @ ..] => {
            reference::route(reference::Kind::Location, method, rest)?;
            found(Box::new(move |context| {
                reference::handle(context, reference::Kind::Location, rest)
            }))
        }
        ["system", "departments", rest @ ..] => {
            reference::route(reference::Kind::Department, method, rest)?;
            found(Box::new(move |context| {
                reference::handle(context, reference::Kind::Department, rest)
            }))
        }
        ["system", "timezonesetups", rest @ ..] => {
            reference::route(reference::Kind::TimeZone, method, rest)?;
            found(Box::new(move |context| {
                reference::handle(context, reference::Kind::TimeZone, rest)
            }))
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
    let query = context.list_query(resource, fields)?;
    Ok(page_response(context, &query, records))
}

/// Builds the response to a list request from stored objects. The query's required equalities
/// are tested on each object through `key` (which returns a field's value by JSON path, or
/// `None` for a field it cannot read cheaply) before `build` makes the object's JSON, so a
/// look-up by identifier or name builds one record, not every record of a large site.
/// The returned [`Key`] borrows from the object.
pub(super) fn list_objects<T>(
    context: &ApiContext<'_>,
    resource: &str,
    fields: &[FieldSpec],
    objects: &[T],
    key: impl for<'o> Fn(&'o T, &str) -> Option<Key<'o>>,
    build: impl Fn(&T) -> Value,
) -> Result<Response, ApiError> {
    let query = context.list_query(resource, fields)?;
    let records = prefilter(&query, objects, key, build);
    Ok(page_response(context, &query, records))
}

/// Builds `{"count": n}` for a `/count` request from stored objects, as [`list_objects`] does.
pub(super) fn count_objects<T>(
    context: &ApiContext<'_>,
    resource: &str,
    fields: &[FieldSpec],
    objects: &[T],
    key: impl for<'o> Fn(&'o T, &str) -> Option<Key<'o>>,
    build: impl Fn(&T) -> Value,
) -> Result<Response, ApiError> {
    let query = context.list_query(resource, fields)?;
    let records = prefilter(&query, objects, key, build);
    Ok(json_response(
        StatusCode::OK,
        &json!({ "count": query.count(&records) }),
    ))
}

fn prefilter<T>(
    query: &ListQuery,
    objects: &[T],
    key: impl for<'o> Fn(&'o T, &str) -> Option<Key<'o>>,
    build: impl Fn(&T) -> Value,
) -> Vec<Value> {
    let equalities = query.required_equalities();
    objects
        .iter()
        .filter(|object| {
            equalities.iter().all(|(path, literal)| {
                key(object, path).is_none_or(|actual| actual.equals(literal))
            })
        })
        .map(build)
        .collect()
}

/// Filters, sorts and pages `records` and adds the `Link` header: navigable links when there
/// is more than one page, or the next URL of a forward-only list while records remain.
fn page_response(context: &ApiContext<'_>, query: &ListQuery, records: Vec<Value>) -> Response {
    let page = query.apply(records);
    let link = if query.forward_only {
        page.next_page_id
            .map(|next| query::forward_link(&context.page_url, &context.query, next))
    } else {
        query::link_header(
            &context.page_url,
            &context.query,
            query.page,
            query.page_size,
            page.total,
        )
    };

    let mut response = json_response(StatusCode::OK, &Value::Array(page.records));
    if let Some(link) = link.and_then(|link| HeaderValue::from_str(&link).ok()) {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

/// Builds the response to a `/count` request, `{"count": n}`, honouring `conditions`.
pub(super) fn count_response(
    context: &ApiContext<'_>,
    resource: &str,
    fields: &[FieldSpec],
    records: &[Value],
) -> Result<Response, ApiError> {
    let query = context.list_query(resource, fields)?;
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
