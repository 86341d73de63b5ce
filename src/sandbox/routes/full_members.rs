//! Writes to full members: `POST /system/members`, `PATCH /system/members/{id}` and
//! `POST /system/members/{id}/deactivate`.
//!
//! A full member shares identifier, role, level, locations, department and time zone with an
//! API member, so those fields go through the API member's [`Draft`]; this file adds the
//! fields the `Member` schema requires on top: `firstName` and `lastName` (30 characters),
//! `licenseClass`, `hireDate`, `defaultEmail` and `defaultPhone`, plus `password` (at most 60).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::members::{body_object, member_json, Draft, MEMBER_RESOURCE};
use super::{json_response, ApiContext};
use crate::sandbox::clock;
use crate::sandbox::errors::{ApiError, FieldError, INVALID_VALUE, MAX_LENGTH, REQUIRED};
use crate::sandbox::state::{Audit, LicenseClass, Member};

const PERSON_NAME_MAX_LENGTH: usize = 30;
const PASSWORD_MAX_LENGTH: usize = 60;
/// Values of `defaultEmail` and `defaultPhone`.
const CONTACT_CHOICES: [&str; 3] = ["Office", "Mobile", "Home"];

/// Fields of a full member beyond the shared [`Draft`].
#[derive(Clone, Debug, Default)]
struct FullDraft {
    shared: Draft,
    first_name: Option<String>,
    last_name: Option<String>,
    license_class: Option<LicenseClass>,
    hire_date: Option<i64>,
}

fn problem(code: &str, field: &str, message: String) -> FieldError {
    FieldError::new(code, MEMBER_RESOURCE, field, message)
}

fn text_field(
    body: &Map<String, Value>,
    name: &str,
    problems: &mut Vec<FieldError>,
) -> Option<String> {
    match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
        Some(_) => {
            problems.push(problem(
                INVALID_VALUE,
                name,
                format!("{name} must be a string."),
            ));
            None
        }
    }
}

impl FullDraft {
    fn from_member(member: &Member) -> FullDraft {
        FullDraft {
            shared: Draft::from_member(member),
            first_name: Some(member.first_name.clone()),
            last_name: Some(member.last_name.clone()),
            license_class: Some(member.license_class),
            hire_date: Some(member.hire_date),
        }
    }

    /// Sets one field; returns false for a field the sandbox cannot write.
    fn set(&mut self, name: &str, value: &Value, problems: &mut Vec<FieldError>) -> bool {
        let body: Map<String, Value> = [(name.to_owned(), value.clone())].into_iter().collect();
        match name {
            "firstName" => self.first_name = text_field(&body, name, problems),
            "lastName" => self.last_name = text_field(&body, name, problems),
            "officeEmail" => self.shared.email = text_field(&body, name, problems),
            "licenseClass" => {
                self.license_class = match text_field(&body, name, problems).as_deref() {
                    None => None,
                    Some("F") => Some(LicenseClass::Full),
                    Some("A") => Some(LicenseClass::Api),
                    Some(other) => {
                        let message = format!(
                            "licenseClass '{other}' is not supported; the sandbox stores F (full) \
                             and A (API) members."
                        );
                        problems.push(problem(INVALID_VALUE, name, message));
                        None
                    }
                }
            }
            "hireDate" => {
                self.hire_date = text_field(&body, name, problems).and_then(|text| {
                    let parsed = clock::parse(&text);
                    if parsed.is_none() {
                        let message = format!("hireDate '{text}' is not an ISO 8601 date-time.");
                        problems.push(problem(INVALID_VALUE, name, message));
                    }
                    parsed
                })
            }
            "identifier" | "inactiveFlag" | "securityRole" | "structureLevel"
            | "securityLocation" | "defaultLocation" | "defaultDepartment" | "timeZone" => {
                self.shared.set(name, value, problems)
            }
            _ => return false,
        }
        true
    }

    fn validate(
        &mut self,
        data: &crate::sandbox::state::SiteData,
        existing: Option<i64>,
        problems: &mut Vec<FieldError>,
    ) {
        for (field, value) in [
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
        ] {
            match value {
                None => problems.push(problem(REQUIRED, field, format!("{field} is required."))),
                Some(text) if text.chars().count() > PERSON_NAME_MAX_LENGTH => {
                    let message =
                        format!("{field} must be at most {PERSON_NAME_MAX_LENGTH} characters.");
                    problems.push(problem(MAX_LENGTH, field, message));
                }
                Some(_) => {}
            }
        }
        if self.license_class.is_none() {
            problems.push(problem(
                REQUIRED,
                "licenseClass",
                "licenseClass is required.".to_owned(),
            ));
        }
        if self.hire_date.is_none() {
            problems.push(problem(
                REQUIRED,
                "hireDate",
                "hireDate is required.".to_owned(),
            ));
        }

        // The shared checks name API member fields; rename them to the member's.
        self.shared.name = Some(
            format!(
                "{} {}",
                self.first_name.as_deref().unwrap_or_default(),
                self.last_name.as_deref().unwrap_or_default()
            )
            .trim()
            .to_owned(),
        );
        let mut shared_problems = Vec::new();
        self.shared.validate(data, existing, &mut shared_problems);
        for mut item in shared_problems {
            if item.field == "name" {
                continue;
            }
            if item.field == "emailAddress" {
                item.field = "officeEmail".to_owned();
                item.message = item.message.replace("emailAddress", "officeEmail");
            }
            item.resource = MEMBER_RESOURCE.to_owned();
            problems.push(item);
        }
    }

    fn apply(self, member: &mut Member, updated_by: &str) {
        let first_name = self.first_name.clone().unwrap_or_default();
        let last_name = self.last_name.clone().unwrap_or_default();
        self.shared.apply(member, updated_by);
        member.first_name = first_name;
        member.last_name = last_name;
        member.license_class = self.license_class.unwrap_or(LicenseClass::Full);
        member.hire_date = self.hire_date.unwrap_or_else(clock::now);
    }
}

/// Checks the fields that are only validated on create: `defaultEmail`, `defaultPhone` and
/// `password`.
fn validate_create_only(body: &Map<String, Value>, problems: &mut Vec<FieldError>) {
    for field in ["defaultEmail", "defaultPhone"] {
        match text_field(body, field, problems) {
            None => problems.push(problem(REQUIRED, field, format!("{field} is required."))),
            Some(choice) if !CONTACT_CHOICES.contains(&choice.as_str()) => {
                let message = format!("{field} '{choice}' is not Office, Mobile or Home.");
                problems.push(problem(INVALID_VALUE, field, message));
            }
            Some(_) => {}
        }
    }
    if let Some(password) = text_field(body, "password", problems) {
        if password.chars().count() > PASSWORD_MAX_LENGTH {
            let message = format!("password must be at most {PASSWORD_MAX_LENGTH} characters.");
            problems.push(problem(MAX_LENGTH, "password", message));
        }
    }
}

/// Creates a full member (or an API member, with license class `A`).
pub(super) fn create_member(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let body = body_object(context)?;
    let updated_by = context.caller_identifier();
    let mut problems = Vec::new();
    let mut draft = FullDraft::default();
    for (name, value) in &body {
        draft.set(name, value, &mut problems);
    }
    validate_create_only(&body, &mut problems);

    let mut data = context.site.data();
    draft.validate(&data, None, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::invalid_object(
            "The member is not valid.",
            problems,
        ));
    }

    data.next_member_id += 1;
    let mut member = Member::blank(data.next_member_id, &updated_by);
    draft.apply(&mut member, &updated_by);
    let response = member_json(&data, &member, &context.api_base);
    tracing::info!(member = member.id, identifier = %member.identifier, "member created");
    data.members.push(member);
    Ok(json_response(StatusCode::CREATED, &response))
}

/// Finds a member by numeric id or identifier, as the member routes accept both.
fn find_member(context: &ApiContext<'_>, key: &str) -> Result<Member, ApiError> {
    let data = context.site.data();
    let by_id = key.parse::<i64>().ok().and_then(|id| data.member(id));
    by_id
        .or_else(|| data.member_by_identifier(key))
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("Member '{key}' was not found.")))
}

/// Applies a JSON Patch array of `replace` operations to a member.
pub(super) fn patch_member(context: &ApiContext<'_>, key: &str) -> Result<Response, ApiError> {
    let member = find_member(context, key)?;
    let Value::Array(operations) = context.json_body()? else {
        return Err(ApiError::invalid_request(
            "The PATCH body must be a JSON array of operations.",
        ));
    };

    let mut draft = FullDraft::from_member(&member);
    let mut problems = Vec::new();
    for (index, operation) in operations.iter().enumerate() {
        let number = index + 1;
        let op = operation
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !op.eq_ignore_ascii_case("replace") {
            let message = format!("operation {number}: op '{op}' is not supported; use replace.");
            problems.push(problem(INVALID_VALUE, "op", message));
            continue;
        }
        let path = operation
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let field = path.strip_prefix('/').unwrap_or(path);
        let Some(value) = operation.get("value") else {
            let message = format!("operation {number}: value is required.");
            problems.push(problem(REQUIRED, field, message));
            continue;
        };
        if !draft.set(field, value, &mut problems) {
            let message = format!(
                "operation {number}: path '{path}' is not a field the sandbox can replace."
            );
            problems.push(problem(INVALID_VALUE, "path", message));
        }
    }

    let updated_by = context.caller_identifier();
    let mut data = context.site.data();
    draft.validate(&data, Some(member.id), &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::invalid_object(
            "The member is not valid.",
            problems,
        ));
    }
    let Some(index) = data
        .members
        .iter()
        .position(|stored| stored.id == member.id)
    else {
        return Err(ApiError::not_found(format!(
            "Member '{key}' was not found."
        )));
    };
    let mut updated = data.members[index].clone();
    draft.apply(&mut updated, &updated_by);
    let response = member_json(&data, &updated, &context.api_base);
    data.members[index] = updated;
    tracing::info!(member = member.id, "member updated");
    Ok(json_response(StatusCode::OK, &response))
}

/// Makes a member inactive and returns the `MemberDeactivation` request as applied. The
/// sandbox has no tickets, teams or schedules to hand over, so the reassignment fields of the
/// body are only echoed.
pub(super) fn deactivate_member(context: &ApiContext<'_>, key: &str) -> Result<Response, ApiError> {
    let member = find_member(context, key)?;
    let body = if context.body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        body_object(context)?
    };
    if member.id == context.caller {
        return Err(ApiError::invalid_field(
            INVALID_VALUE,
            MEMBER_RESOURCE,
            "id",
            "A member cannot deactivate itself.",
        ));
    }

    let updated_by = context.caller_identifier();
    let mut data = context.site.data();
    if let Some(stored) = data
        .members
        .iter_mut()
        .find(|stored| stored.id == member.id)
    {
        if !stored.inactive_flag {
            stored.inactive_flag = true;
            stored.inactive_date = Some(clock::now());
        }
        stored.audit = Audit::now(&updated_by);
    }
    tracing::info!(member = member.id, "member deactivated");
    let mut response = body;
    response
        .entry("deleteOpenTimeSheetsFlag")
        .or_insert(json!(false));
    Ok(json_response(StatusCode::OK, &Value::Object(response)))
}
