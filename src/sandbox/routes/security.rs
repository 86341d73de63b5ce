//! `/system/mySecurity`: the calling member's effective settings, from its security role.

use axum::response::Response;
use serde_json::{json, Value};

use super::roles::{setting_json, SETTING_FIELDS};
use super::{count_response, list_response, ApiContext};
use crate::sandbox::errors::ApiError;
use crate::sandbox::query::{field, FieldKind, FieldSpec};

const RESOURCE: &str = "mySecurity";

const MEMBER_FIELDS: &[FieldSpec] = &[
    field("member/id", FieldKind::Number),
    field("member/identifier", FieldKind::Text),
    field("member/name", FieldKind::Text),
];

fn fields() -> Vec<FieldSpec> {
    [SETTING_FIELDS, MEMBER_FIELDS].concat()
}

/// Returns one record per setting of the caller's role, each with a `member` reference. A role
/// with the admin flag reports `All` for every verb.
fn records(context: &ApiContext<'_>) -> Result<Vec<Value>, ApiError> {
    let data = context.site.data();
    let Some(member) = data.member(context.caller) else {
        return Err(ApiError::not_found("The calling member was not found."));
    };
    let Some(role) = data.role(member.security_role) else {
        return Ok(Vec::new());
    };

    let member_ref = json!({
        "id": member.id,
        "identifier": member.identifier,
        "name": member.name,
        "_info": { "member_href": format!("{}/system/members/{}", context.api_base, member.id) },
    });
    let records = role
        .settings
        .iter()
        .map(|setting| {
            let mut record = setting_json(setting, role.admin_flag, &context.api_base, role.id);
            record["member"] = member_ref.clone();
            record
        })
        .collect();
    Ok(records)
}

pub(super) fn list(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    list_response(context, RESOURCE, &fields(), records(context)?)
}

pub(super) fn count(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    count_response(context, RESOURCE, &fields(), &records(context)?)
}
