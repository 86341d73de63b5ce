//! Security roles (`/system/securityroles`, with the `/info` summaries) and their read-only
//! settings.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{
    count_objects, count_response, info, json_response, list_objects, list_response, ApiContext,
};
use crate::sandbox::catalog::FUNCTIONS;
use crate::sandbox::errors::{
    ApiError, FieldError, INVALID_VALUE, MAX_LENGTH, OBJECT_EXISTS, OBJECT_IN_USE, REQUIRED,
};
use crate::sandbox::query::{aliased, field, FieldKind, FieldSpec, Key};
use crate::sandbox::state::{Level, RoleSetting, SecurityRole, SiteData};

const RESOURCE: &str = "securityRole";
const SETTING_RESOURCE: &str = "securityRoleSetting";
/// Maximum length of a role name and of `roleType`.
const NAME_MAX_LENGTH: usize = 30;

pub(super) const ROLE_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("name", FieldKind::Text),
    field("roleType", FieldKind::Text),
    field("adminFlag", FieldKind::Bool),
    field("inactiveFlag", FieldKind::Bool),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

const ROLE_INFO_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("name", FieldKind::Text),
    field("roleType", FieldKind::Text),
    field("inactiveFlag", FieldKind::Bool),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

pub(super) const SETTING_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("moduleIdentifier", FieldKind::Text),
    field("moduleName", FieldKind::Text),
    field("moduleDescription", FieldKind::Text),
    field("moduleFunctionIdentifier", FieldKind::Text),
    field("moduleFunctionName", FieldKind::Text),
    field("moduleFunctionDescription", FieldKind::Text),
    field("addLevel", FieldKind::Text),
    field("editLevel", FieldKind::Text),
    field("deleteLevel", FieldKind::Text),
    field("inquireLevel", FieldKind::Text),
    field("myAllFlag", FieldKind::Bool),
    field("reportFlag", FieldKind::Bool),
    field("restrictFlag", FieldKind::Bool),
    field("customFlag", FieldKind::Bool),
    field("sortOrder", FieldKind::Number),
];

/// Returns a role as the API shows it.
pub(super) fn role_json(role: &SecurityRole) -> Value {
    json!({
        "id": role.id,
        "name": role.name,
        "roleType": role.role_type,
        "adminFlag": role.admin_flag,
        "inactiveFlag": role.inactive_flag,
        "_info": info(&role.audit),
    })
}

/// Returns a role setting; `admin` reports `All` for every verb, as an admin role grants it.
///
/// The four flags are undocumented: `myAllFlag` is true everywhere, `reportFlag` marks report
/// functions, `customFlag` marks functions with a "Customize" link, `restrictFlag` is false.
// NOTE: the flag values are guesses; no public source shows their meaning or real values.
pub(super) fn setting_json(
    setting: &RoleSetting,
    admin: bool,
    api_base: &str,
    role_id: i64,
) -> Value {
    let function = &FUNCTIONS[setting.function];
    let module = function.module();
    let level = |level: Level| {
        if admin {
            Level::All.as_str()
        } else {
            level.as_str()
        }
    };
    json!({
        "id": setting.id,
        "moduleIdentifier": module.identifier,
        "moduleName": module.name,
        "moduleDescription": module.name,
        "moduleFunctionIdentifier": function.identifier(),
        "moduleFunctionName": function.name,
        "moduleFunctionDescription": function.name,
        "addLevel": level(setting.add),
        "editLevel": level(setting.edit),
        "deleteLevel": level(setting.delete),
        "inquireLevel": level(setting.inquire),
        "myAllFlag": true,
        "reportFlag": function.is_report(),
        "restrictFlag": false,
        "customFlag": function.customizable,
        "sortOrder": setting.function + 1,
        "_info": {
            "securityRole_href": format!("{api_base}/system/securityroles/{role_id}"),
        },
    })
}

/// Returns a role field that `conditions` may test before the role's JSON is built.
fn role_key<'a>(role: &'a SecurityRole, path: &str) -> Option<Key<'a>> {
    match path {
        "id" => Some(Key::Number(role.id)),
        "name" => Some(Key::Text(&role.name)),
        _ => None,
    }
}

pub(super) fn list(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let data = context.site.data();
    list_objects(
        context,
        RESOURCE,
        ROLE_FIELDS,
        &data.roles,
        role_key,
        role_json,
    )
}

pub(super) fn count(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let data = context.site.data();
    count_objects(
        context,
        RESOURCE,
        ROLE_FIELDS,
        &data.roles,
        role_key,
        role_json,
    )
}

/// Returns a role as `/system/securityroles/info` shows it (`SecurityRoleInfo`).
fn role_info_json(role: &SecurityRole) -> Value {
    json!({
        "id": role.id,
        "name": role.name,
        "roleType": role.role_type,
        "inactiveFlag": role.inactive_flag,
        "_info": info(&role.audit),
    })
}

pub(super) fn list_info(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let data = context.site.data();
    list_objects(
        context,
        RESOURCE,
        ROLE_INFO_FIELDS,
        &data.roles,
        role_key,
        role_info_json,
    )
}

pub(super) fn count_info(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let data = context.site.data();
    count_objects(
        context,
        RESOURCE,
        ROLE_INFO_FIELDS,
        &data.roles,
        role_key,
        role_info_json,
    )
}

pub(super) fn get_info(context: &ApiContext<'_>, id: i64) -> Result<Response, ApiError> {
    let data = context.site.data();
    let role = data.role(id).ok_or_else(|| role_not_found(id))?;
    Ok(json_response(StatusCode::OK, &role_info_json(role)))
}

fn role_not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("Security role with id {id} was not found."))
}

pub(super) fn get(context: &ApiContext<'_>, id: i64) -> Result<Response, ApiError> {
    let data = context.site.data();
    let role = data.role(id).ok_or_else(|| role_not_found(id))?;
    Ok(json_response(StatusCode::OK, &role_json(role)))
}

/// Reads an optional text field; records a problem when it has another type.
fn optional_text(
    body: &Map<String, Value>,
    name: &str,
    problems: &mut Vec<FieldError>,
) -> Option<String> {
    match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.trim().to_owned()),
        Some(_) => {
            problems.push(FieldError::new(
                INVALID_VALUE,
                RESOURCE,
                name,
                format!("{name} must be a string."),
            ));
            None
        }
    }
}

fn optional_flag(body: &Map<String, Value>, name: &str, problems: &mut Vec<FieldError>) -> bool {
    match body.get(name) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => {
            problems.push(FieldError::new(
                INVALID_VALUE,
                RESOURCE,
                name,
                format!("{name} must be true or false."),
            ));
            false
        }
    }
}

/// Creates a role from a body that needs only `name`; the role starts with every level `None`.
pub(super) fn create(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let body = context.json_body()?;
    let Value::Object(body) = body else {
        return Err(ApiError::invalid_request(
            "The request body must be a JSON object.",
        ));
    };
    let updated_by = context.caller_identifier();

    let mut problems = Vec::new();
    let name = optional_text(&body, "name", &mut problems);
    let role_type = optional_text(&body, "roleType", &mut problems);
    let admin_flag = optional_flag(&body, "adminFlag", &mut problems);
    let inactive_flag = optional_flag(&body, "inactiveFlag", &mut problems);

    let mut data = context.site.data();
    validate_name(&data, name.as_deref(), &mut problems);
    if let Some(role_type) = &role_type {
        if role_type.chars().count() > NAME_MAX_LENGTH {
            let message = format!("roleType must be at most {NAME_MAX_LENGTH} characters.");
            problems.push(FieldError::new(MAX_LENGTH, RESOURCE, "roleType", message));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_object(
            "The security role is not valid.",
            problems,
        ));
    }

    let name = name.unwrap_or_default();
    let role_id = data
        .add_role(&name, admin_flag, inactive_flag, &updated_by)
        .id;
    if let (Some(role_type), Some(role)) = (
        role_type,
        data.roles.iter_mut().find(|role| role.id == role_id),
    ) {
        role.role_type = role_type;
    }
    let role = data.role(role_id).ok_or_else(|| role_not_found(role_id))?;
    tracing::info!(role = role_id, "security role created");
    Ok(json_response(StatusCode::CREATED, &role_json(role)))
}

fn validate_name(data: &SiteData, name: Option<&str>, problems: &mut Vec<FieldError>) {
    match name {
        None | Some("") => {
            problems.push(FieldError::new(
                REQUIRED,
                RESOURCE,
                "name",
                "name is required.",
            ));
        }
        Some(name) if name.chars().count() > NAME_MAX_LENGTH => {
            let message = format!("name must be at most {NAME_MAX_LENGTH} characters.");
            problems.push(FieldError::new(MAX_LENGTH, RESOURCE, "name", message));
        }
        Some(name)
            if data
                .roles
                .iter()
                .any(|role| role.name.eq_ignore_ascii_case(name)) =>
        {
            let message = format!("A security role named '{name}' already exists.");
            problems.push(FieldError::new(OBJECT_EXISTS, RESOURCE, "name", message));
        }
        Some(_) => {}
    }
}

/// Deletes a role unless a member uses it.
pub(super) fn delete(context: &ApiContext<'_>, id: i64) -> Result<Response, ApiError> {
    let mut data = context.site.data();
    if data.role(id).is_none() {
        return Err(role_not_found(id));
    }
    let users: Vec<&str> = data
        .members
        .iter()
        .filter(|member| member.security_role == id)
        .map(|member| member.identifier.as_str())
        .collect();
    if !users.is_empty() {
        let message = format!(
            "Security role {id} is assigned to members: {}.",
            users.join(", ")
        );
        return Err(ApiError::invalid_field(
            OBJECT_IN_USE,
            RESOURCE,
            "id",
            message,
        ));
    }

    data.roles.retain(|role| role.id != id);
    tracing::info!(role = id, "security role deleted");
    Ok(axum::response::IntoResponse::into_response(
        StatusCode::NO_CONTENT,
    ))
}

fn role_settings(context: &ApiContext<'_>, role_id: i64) -> Result<Vec<Value>, ApiError> {
    let data = context.site.data();
    let role = data.role(role_id).ok_or_else(|| role_not_found(role_id))?;
    Ok(role
        .settings
        .iter()
        .map(|setting| setting_json(setting, false, &context.api_base, role_id))
        .collect())
}

pub(super) fn list_settings(context: &ApiContext<'_>, role_id: i64) -> Result<Response, ApiError> {
    list_response(
        context,
        SETTING_RESOURCE,
        SETTING_FIELDS,
        role_settings(context, role_id)?,
    )
}

pub(super) fn count_settings(context: &ApiContext<'_>, role_id: i64) -> Result<Response, ApiError> {
    count_response(
        context,
        SETTING_RESOURCE,
        SETTING_FIELDS,
        &role_settings(context, role_id)?,
    )
}

pub(super) fn get_setting(
    context: &ApiContext<'_>,
    role_id: i64,
    setting_id: i64,
) -> Result<Response, ApiError> {
    let data = context.site.data();
    let role = data.role(role_id).ok_or_else(|| role_not_found(role_id))?;
    let Some(setting) = role
        .settings
        .iter()
        .find(|setting| setting.id == setting_id)
    else {
        return Err(ApiError::not_found(format!(
            "Setting {setting_id} of security role {role_id} was not found."
        )));
    };
    Ok(json_response(
        StatusCode::OK,
        &setting_json(setting, false, &context.api_base, role_id),
    ))
}
