//! Company-info discovery (`/login/companyinfo/{company}`) and `/system/info`.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{json, Value};

use super::{json_response, ApiContext};
use crate::sandbox::errors::ApiError;
use crate::sandbox::state::Site;

/// Codebase path segment, spliced into URLs as `{site}/{Codebase}apis/3.0`.
const CODEBASE: &str = "v2026_4/";
const VERSION_CODE: &str = "v2026.4";
/// Build number shared by `VersionNumber` and `/system/info`'s `version`.
const BUILD: &str = "20119";

/// The login discovery document; ConnectWise spells its keys in PascalCase.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CompanyInfo<'a> {
    company_name: &'a str,
    codebase: &'a str,
    version_code: &'a str,
    version_number: String,
    #[serde(rename = "CompanyID")]
    company_id: &'a str,
    is_cloud: bool,
    site_url: &'a str,
}

/// Returns the discovery document for the site's company (matched ignoring case), or a 200
/// with body `null` for any other company, as ConnectWise does.
pub(super) fn company_info(
    site: &Site,
    method: &Method,
    company: &str,
) -> Result<Response, ApiError> {
    if method != Method::GET {
        return Err(ApiError::method_not_allowed(method.as_str(), "GET"));
    }
    if !company.eq_ignore_ascii_case(&site.company_id) {
        return Ok(json_response(StatusCode::OK, &Value::Null));
    }

    let host = site.url.trim_start_matches("http://");
    let info = CompanyInfo {
        company_name: &site.company_name,
        codebase: CODEBASE,
        version_code: VERSION_CODE,
        version_number: format!("v4.6.{BUILD}"),
        company_id: &site.company_id,
        is_cloud: false,
        site_url: host,
    };
    let body = serde_json::to_value(&info)
        .map_err(|error| ApiError::invalid_request(error.to_string()))?;
    Ok(json_response(StatusCode::OK, &body))
}

/// Returns `/system/info` for the site.
pub(super) fn system_info(_context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let license_bits: Vec<Value> = [
        "Service",
        "Project",
        "Sales",
        "Finance",
        "Procurement",
        "Marketing",
    ]
    .iter()
    .map(|name| json!({ "name": name, "activeFlag": true }))
    .collect();
    let body = json!({
        "version": format!("{VERSION_CODE}.{BUILD}"),
        "isCloud": false,
        "serverTimeZone": "Eastern Standard Time",
        "licenseBits": license_bits,
        "cloudRegion": "NA",
    });
    Ok(json_response(StatusCode::OK, &body))
}
