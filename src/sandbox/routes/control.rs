//! `/__sandbox/` control paths: what only the web UI can do on a real site (set role levels,
//! create a durable API key), plus the request log, a state dump and fault injection for tests.
//!
//! These paths need no authentication, which is acceptable only because the sandbox stores no
//! real data.

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::members::api_member_json;
use super::roles::role_json;
use super::{default_api_base, json_response};
use crate::sandbox::errors::ApiError;
use crate::sandbox::faults::FaultSettings;
use crate::sandbox::state::{LicenseClass, Site};
use crate::sandbox::LevelChange;

#[derive(Deserialize)]
struct NewKeyRequest {
    description: String,
}

pub(super) fn handle(
    site: &Site,
    method: &Method,
    rest: &[&str],
    body: &Bytes,
) -> Result<Response, ApiError> {
    let method = method.as_str();
    match rest {
        ["security-roles", role, "settings"] => match method {
            "POST" => set_role_levels(site, role, body),
            _ => Err(ApiError::method_not_allowed(method, "POST")),
        },
        ["api-members", identifier, "api-keys"] => match method {
            "POST" => create_api_key(site, identifier, body),
            _ => Err(ApiError::method_not_allowed(method, "POST")),
        },
        ["requests"] => match method {
            "GET" => request_log(site),
            _ => Err(ApiError::method_not_allowed(method, "GET")),
        },
        ["state"] => match method {
            "GET" => state(site),
            _ => Err(ApiError::method_not_allowed(method, "GET")),
        },
        ["faults"] => match method {
            "GET" => faults(site),
            "POST" => {
                let update: FaultSettings = parse_body(
                    body,
                    "a JSON object {\"latencyMs\", \"rateLimit\", \"rules\": [...]}",
                )?;
                site.faults.update(update)?;
                tracing::info!("faults changed through the control path");
                faults(site)
            }
            "DELETE" => {
                site.faults.clear();
                tracing::info!("faults cleared through the control path");
                faults(site)
            }
            _ => Err(ApiError::method_not_allowed(method, "GET, POST, DELETE")),
        },
        _ => Err(ApiError::not_found(format!(
            "No sandbox control path /__sandbox/{}.",
            rest.join("/")
        ))),
    }
}

fn parse_body<T: for<'de> Deserialize<'de>>(body: &Bytes, shape: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::invalid_request(format!("The request body must be {shape}: {error}."))
    })
}

fn set_role_levels(site: &Site, role: &str, body: &Bytes) -> Result<Response, ApiError> {
    let role_id: i64 = role
        .parse()
        .map_err(|_| ApiError::not_found(format!("'{role}' is not a valid role id.")))?;
    let changes: Vec<LevelChange> = parse_body(
        body,
        "a JSON array of {\"module\", \"function\", \"verb\", \"level\"}",
    )?;
    let updated = site.data().set_role_levels(role_id, &changes)?;
    tracing::info!(
        role = role_id,
        updated,
        "role levels set through the control path"
    );
    Ok(json_response(
        StatusCode::OK,
        &json!({ "updated": updated }),
    ))
}

fn create_api_key(site: &Site, identifier: &str, body: &Bytes) -> Result<Response, ApiError> {
    let request: NewKeyRequest = parse_body(body, "a JSON object {\"description\"}")?;
    let key = site
        .data()
        .create_api_key(identifier, &request.description)?;
    tracing::info!(%identifier, "durable API key created through the control path");
    let body = json!({ "publicKey": key.public_key, "privateKey": key.private_key });
    Ok(json_response(StatusCode::CREATED, &body))
}

/// Returns the fault settings in force; each rule's `times` is its remaining fires.
fn faults(site: &Site) -> Result<Response, ApiError> {
    let settings = serde_json::to_value(site.faults.settings()).map_err(|error| {
        ApiError::invalid_request(format!("The faults could not be encoded: {error}."))
    })?;
    Ok(json_response(StatusCode::OK, &settings))
}

fn request_log(site: &Site) -> Result<Response, ApiError> {
    let log = serde_json::to_value(site.requests()).map_err(|error| {
        ApiError::invalid_request(format!("The request log could not be encoded: {error}."))
    })?;
    Ok(json_response(StatusCode::OK, &log))
}

/// Returns every role and API member as the API shows them; each API member also lists its
/// durable keys by public key and description.
fn state(site: &Site) -> Result<Response, ApiError> {
    let api_base = default_api_base(site);
    let data = site.data();
    let roles: Vec<Value> = data.roles.iter().map(role_json).collect();
    let api_members: Vec<Value> = data
        .members
        .iter()
        .filter(|member| member.license_class == LicenseClass::Api)
        .map(|member| {
            let mut body = api_member_json(&data, member, &api_base);
            let keys: Vec<Value> = data
                .keys
                .iter()
                .filter(|key| key.member == member.id && key.expires_at.is_none())
                .map(|key| json!({ "publicKey": key.public_key, "description": key.description }))
                .collect();
            body["keys"] = Value::Array(keys);
            body
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "securityRoles": roles, "apiMembers": api_members }),
    ))
}
