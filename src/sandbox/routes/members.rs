//! Members (`/system/members`), API members (`/system/apiMembers`) and impersonation tokens.
//!
//! API members are members with license class `A`; they appear in both lists. Identifiers are
//! unique across all members, ignoring case.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{count_objects, info, json_response, list_objects, reference, ApiContext};
use crate::sandbox::clock;
use crate::sandbox::errors::{
    ApiError, FieldError, INVALID_REFERENCE, INVALID_VALUE, MAX_LENGTH, OBJECT_EXISTS, REQUIRED,
};
use crate::sandbox::query::{aliased, field, FieldKind, FieldSpec, Key};
use crate::sandbox::state::{Audit, LicenseClass, Member, SiteData};

pub(super) const MEMBER_RESOURCE: &str = "member";
const API_MEMBER_RESOURCE: &str = "apiMember";
const IDENTIFIER_MAX_LENGTH: usize = 15;
const NAME_MAX_LENGTH: usize = 30;
const EMAIL_MAX_LENGTH: usize = 250;

pub(super) const MEMBER_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("identifier", FieldKind::Text),
    field("firstName", FieldKind::Text),
    field("lastName", FieldKind::Text),
    field("licenseClass", FieldKind::Text),
    field("inactiveFlag", FieldKind::Bool),
    field("inactiveDate", FieldKind::Date),
    field("officeEmail", FieldKind::Text),
    field("hireDate", FieldKind::Date),
    field("securityRole/id", FieldKind::Number),
    field("securityRole/name", FieldKind::Text),
    field("structureLevel/id", FieldKind::Number),
    field("structureLevel/name", FieldKind::Text),
    field("securityLocation/id", FieldKind::Number),
    field("securityLocation/name", FieldKind::Text),
    field("defaultLocation/id", FieldKind::Number),
    field("defaultLocation/name", FieldKind::Text),
    field("defaultDepartment/id", FieldKind::Number),
    field("defaultDepartment/identifier", FieldKind::Text),
    field("defaultDepartment/name", FieldKind::Text),
    field("timeZone/id", FieldKind::Number),
    field("timeZone/name", FieldKind::Text),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

pub(super) const API_MEMBER_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("identifier", FieldKind::Text),
    field("name", FieldKind::Text),
    field("emailAddress", FieldKind::Text),
    field("inactiveFlag", FieldKind::Bool),
    field("inactiveDate", FieldKind::Date),
    field("securityRole/id", FieldKind::Number),
    field("securityRole/name", FieldKind::Text),
    field("structureLevel/id", FieldKind::Number),
    field("structureLevel/name", FieldKind::Text),
    field("securityLocation/id", FieldKind::Number),
    field("securityLocation/name", FieldKind::Text),
    field("defaultLocation/id", FieldKind::Number),
    field("defaultLocation/name", FieldKind::Text),
    field("defaultDepartment/id", FieldKind::Number),
    field("defaultDepartment/identifier", FieldKind::Text),
    field("defaultDepartment/name", FieldKind::Text),
    field("timeZone/id", FieldKind::Number),
    field("timeZone/name", FieldKind::Text),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

/// Adds the reference fields that full members and API members share.
fn add_references(
    object: &mut Map<String, Value>,
    data: &SiteData,
    member: &Member,
    api_base: &str,
) {
    let role_name = data
        .role(member.security_role)
        .map(|role| role.name.as_str())
        .unwrap_or_default();
    let href = format!("{api_base}/system/securityroles/{}", member.security_role);
    object.insert(
        "securityRole".into(),
        reference(member.security_role, role_name, "securityRole", href),
    );

    let level_name = data
        .structure_level(member.structure_level)
        .map(|level| level.name.as_str())
        .unwrap_or_default();
    let href = format!(
        "{api_base}/system/myCompany/corporateStructureLevels/{}",
        member.structure_level
    );
    object.insert(
        "structureLevel".into(),
        reference(member.structure_level, level_name, "structureLevel", href),
    );

    for (key, id) in [
        ("securityLocation", member.security_location),
        ("defaultLocation", member.default_location),
    ] {
        let name = data
            .location(id)
            .map(|location| location.name.as_str())
            .unwrap_or_default();
        let href = format!("{api_base}/system/locations/{id}");
        object.insert(key.into(), reference(id, name, "location", href));
    }

    let department = data.department(member.default_department);
    let href = format!(
        "{api_base}/system/departments/{}",
        member.default_department
    );
    let mut department_ref = reference(
        member.default_department,
        department
            .map(|department| department.name.as_str())
            .unwrap_or_default(),
        "department",
        href,
    );
    department_ref["identifier"] = json!(department
        .map(|department| department.identifier.as_str())
        .unwrap_or_default());
    object.insert("defaultDepartment".into(), department_ref);

    if let Some(zone_id) = member.time_zone {
        let name = data
            .time_zone(zone_id)
            .map(|zone| zone.name.as_str())
            .unwrap_or_default();
        let href = format!("{api_base}/system/timeZoneSetups/{zone_id}");
        object.insert(
            "timeZone".into(),
            reference(zone_id, name, "timeZoneSetup", href),
        );
    }
}

/// Returns a member as `/system/members` shows it.
pub(super) fn member_json(data: &SiteData, member: &Member, api_base: &str) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(member.id));
    object.insert("identifier".into(), json!(member.identifier));
    object.insert("firstName".into(), json!(member.first_name));
    object.insert("lastName".into(), json!(member.last_name));
    object.insert("licenseClass".into(), json!(member.license_class.code()));
    object.insert("inactiveFlag".into(), json!(member.inactive_flag));
    if let Some(date) = member.inactive_date {
        object.insert("inactiveDate".into(), json!(clock::format(date)));
    }
    if let Some(email) = &member.email {
        object.insert("officeEmail".into(), json!(email));
    }
    object.insert("defaultEmail".into(), json!("Office"));
    object.insert("defaultPhone".into(), json!("Office"));
    // The schema marks these three invoicing preferences as required on every member, so
    // they are always present; the sandbox does not store them and returns the first value
    // of each enum.
    object.insert(
        "agreementInvoicingDisplayOptions".into(),
        json!("RemainOnInvoicingScreen"),
    );
    object.insert(
        "invoiceScreenDefaultTabFormat".into(),
        json!("ShowInvoicingTab"),
    );
    object.insert(
        "invoicingDisplayOptions".into(),
        json!("RemainOnInvoicingScreen"),
    );
    object.insert("hireDate".into(), json!(clock::format(member.hire_date)));
    add_references(&mut object, data, member, api_base);
    object.insert("_info".into(), info(&member.audit));
    Value::Object(object)
}

/// Returns an API member as `/system/apiMembers` shows it.
pub(super) fn api_member_json(data: &SiteData, member: &Member, api_base: &str) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(member.id));
    object.insert("identifier".into(), json!(member.identifier));
    object.insert("name".into(), json!(member.name));
    if let Some(email) = &member.email {
        object.insert("emailAddress".into(), json!(email));
    }
    object.insert("inactiveFlag".into(), json!(member.inactive_flag));
    if let Some(date) = member.inactive_date {
        object.insert("inactiveDate".into(), json!(clock::format(date)));
    }
    add_references(&mut object, data, member, api_base);
    object.insert("_info".into(), info(&member.audit));
    Value::Object(object)
}

/// Returns a member field that `conditions` may test before the member's JSON is built.
fn member_key<'a>(member: &'a &Member, path: &str) -> Option<Key<'a>> {
    match path {
        "id" => Some(Key::Number(member.id)),
        "identifier" => Some(Key::Text(&member.identifier)),
        "licenseClass" => Some(Key::Text(member.license_class.code())),
        "inactiveFlag" => Some(Key::Bool(member.inactive_flag)),
        "securityRole/id" => Some(Key::Number(member.security_role)),
        _ => None,
    }
}

/// Runs a list or count over all members (`api_only` false) or the API members.
fn with_members<R>(
    context: &ApiContext<'_>,
    api_only: bool,
    run: impl FnOnce(&SiteData, &[&Member]) -> R,
) -> R {
    let data = context.site.data();
    let members: Vec<&Member> = data
        .members
        .iter()
        .filter(|member| !api_only || member.license_class == LicenseClass::Api)
        .collect();
    run(&data, &members)
}

pub(super) fn list_members(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    with_members(context, false, |data, members| {
        list_objects(
            context,
            MEMBER_RESOURCE,
            MEMBER_FIELDS,
            members,
            member_key,
            |member| member_json(data, member, &context.api_base),
        )
    })
}

pub(super) fn count_members(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    with_members(context, false, |data, members| {
        count_objects(
            context,
            MEMBER_RESOURCE,
            MEMBER_FIELDS,
            members,
            member_key,
            |member| member_json(data, member, &context.api_base),
        )
    })
}

pub(super) fn list_api_members(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    with_members(context, true, |data, members| {
        list_objects(
            context,
            API_MEMBER_RESOURCE,
            API_MEMBER_FIELDS,
            members,
            member_key,
            |member| api_member_json(data, member, &context.api_base),
        )
    })
}

pub(super) fn count_api_members(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    with_members(context, true, |data, members| {
        count_objects(
            context,
            API_MEMBER_RESOURCE,
            API_MEMBER_FIELDS,
            members,
            member_key,
            |member| api_member_json(data, member, &context.api_base),
        )
    })
}

/// Returns the values a new API member starts with (`/system/apiMembers/default`): the
/// highest structure level, the first location and department, and the default time zone.
/// The identifier, name and role are left for the caller.
pub(super) fn default_api_member(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let data = context.site.data();
    let mut object = Map::new();
    object.insert("id".into(), json!(0));
    // The schema requires an identifier on every API member, so the template carries an
    // empty one for the caller to fill in.
    object.insert("identifier".into(), json!(""));
    object.insert("inactiveFlag".into(), json!(false));
    if let Some(level) = data.structure_levels.first() {
        let href = format!(
            "{}/system/myCompany/corporateStructureLevels/{}",
            context.api_base, level.id
        );
        object.insert(
            "structureLevel".into(),
            reference(level.id, &level.name, "structureLevel", href),
        );
    }
    if let Some(location) = data.locations.first() {
        let href = format!("{}/system/locations/{}", context.api_base, location.id);
        for key in ["securityLocation", "defaultLocation"] {
            object.insert(
                key.into(),
                reference(location.id, &location.name, "location", href.clone()),
            );
        }
    }
    if let Some(department) = data.departments.first() {
        let href = format!("{}/system/departments/{}", context.api_base, department.id);
        let mut department_ref = reference(department.id, &department.name, "department", href);
        department_ref["identifier"] = json!(department.identifier);
        object.insert("defaultDepartment".into(), department_ref);
    }
    if let Some(zone) = data
        .time_zones
        .iter()
        .find(|zone| zone.default_flag)
        .or(data.time_zones.first())
    {
        let href = format!("{}/system/timeZoneSetups/{}", context.api_base, zone.id);
        object.insert(
            "timeZone".into(),
            reference(zone.id, &zone.name, "timeZoneSetup", href),
        );
    }
    Ok(json_response(StatusCode::OK, &Value::Object(object)))
}

/// Returns a member by numeric id or, failing that, by identifier; the schema has both routes.
pub(super) fn get_member(context: &ApiContext<'_>, key: &str) -> Result<Response, ApiError> {
    let data = context.site.data();
    let by_id = key.parse::<i64>().ok().and_then(|id| data.member(id));
    let Some(member) = by_id.or_else(|| data.member_by_identifier(key)) else {
        return Err(ApiError::not_found(format!(
            "Member '{key}' was not found."
        )));
    };
    Ok(json_response(
        StatusCode::OK,
        &member_json(&data, member, &context.api_base),
    ))
}

fn api_member_not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("API member with id {id} was not found."))
}

pub(super) fn get_api_member(context: &ApiContext<'_>, id: i64) -> Result<Response, ApiError> {
    let data = context.site.data();
    match data.member(id) {
        Some(member) if member.license_class == LicenseClass::Api => Ok(json_response(
            StatusCode::OK,
            &api_member_json(&data, member, &context.api_base),
        )),
        _ => Err(api_member_not_found(id)),
    }
}

/// Mints an impersonation token for a member; 200 `{"publicKey","privateKey","expiration"}`.
pub(super) fn create_token(
    context: &ApiContext<'_>,
    identifier: &str,
) -> Result<Response, ApiError> {
    let mut data = context.site.data();
    let Some(member) = data.member_by_identifier(identifier) else {
        return Err(ApiError::not_found(format!(
            "Member '{identifier}' was not found."
        )));
    };
    if member.inactive_flag {
        let message = format!("Member '{}' is inactive.", member.identifier);
        return Err(ApiError::invalid_field(
            INVALID_VALUE,
            MEMBER_RESOURCE,
            "inactiveFlag",
            message,
        ));
    }
    let member_id = member.id;

    let token = data.mint_token(member_id, context.site.token_lifetime_seconds);
    tracing::info!(member = member_id, "impersonation token minted");
    let body = json!({
        "publicKey": token.public_key,
        "privateKey": token.private_key,
        "expiration": token.expires_at.map(clock::format),
    });
    Ok(json_response(StatusCode::OK, &body))
}

/// The writable fields of an API member, before validation. Full members use it for the
/// fields they share with API members.
#[derive(Clone, Debug, Default)]
pub(super) struct Draft {
    pub identifier: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub inactive: bool,
    pub security_role: Option<i64>,
    pub structure_level: Option<i64>,
    pub security_location: Option<i64>,
    pub default_location: Option<i64>,
    pub default_department: Option<i64>,
    pub time_zone: Option<i64>,
}

/// Fields that a body, a PUT or a PATCH `path` may set (compared ignoring case).
pub(super) const WRITABLE_FIELDS: &[&str] = &[
    "identifier",
    "name",
    "emailAddress",
    "inactiveFlag",
    "securityRole",
    "structureLevel",
    "securityLocation",
    "defaultLocation",
    "defaultDepartment",
    "timeZone",
];

/// References that an API member must carry.
const REQUIRED_REFERENCES: &[&str] = &[
    "securityRole",
    "structureLevel",
    "securityLocation",
    "defaultLocation",
    "defaultDepartment",
];

pub(super) fn invalid_value(field: &str, message: String) -> FieldError {
    FieldError::new(INVALID_VALUE, API_MEMBER_RESOURCE, field, message)
}

impl Draft {
    pub(super) fn from_member(member: &Member) -> Draft {
        Draft {
            identifier: Some(member.identifier.clone()),
            name: Some(member.name.clone()),
            email: member.email.clone(),
            inactive: member.inactive_flag,
            security_role: Some(member.security_role),
            structure_level: Some(member.structure_level),
            security_location: Some(member.security_location),
            default_location: Some(member.default_location),
            default_department: Some(member.default_department),
            time_zone: member.time_zone,
        }
    }

    fn from_body(body: &Map<String, Value>, problems: &mut Vec<FieldError>) -> Draft {
        let mut draft = Draft::default();
        for name in WRITABLE_FIELDS {
            if let Some(value) = body.get(*name) {
                draft.set(name, value, problems);
            }
        }
        draft
    }

    /// Sets one field from JSON; `name` is one of [`WRITABLE_FIELDS`].
    pub(super) fn set(&mut self, name: &str, value: &Value, problems: &mut Vec<FieldError>) {
        let text = |problems: &mut Vec<FieldError>| match value {
            Value::Null => None,
            Value::String(text) => Some(text.trim().to_owned()),
            _ => {
                problems.push(invalid_value(name, format!("{name} must be a string.")));
                None
            }
        };
        let reference = |problems: &mut Vec<FieldError>| match value {
            Value::Null => None,
            Value::Object(object) => match object.get("id") {
                None | Some(Value::Null) => None,
                Some(id) => match id.as_i64() {
                    Some(id) => Some(id),
                    None => {
                        problems.push(invalid_value(
                            name,
                            format!("{name}.id must be an integer."),
                        ));
                        None
                    }
                },
            },
            _ => {
                problems.push(invalid_value(
                    name,
                    format!("{name} must be an object such as {{\"id\": 1}}."),
                ));
                None
            }
        };

        match name {
            "identifier" => self.identifier = text(problems),
            "name" => self.name = text(problems),
            "emailAddress" => self.email = text(problems).filter(|email| !email.is_empty()),
            "inactiveFlag" => match value {
                Value::Null => self.inactive = false,
                Value::Bool(flag) => self.inactive = *flag,
                _ => problems.push(invalid_value(
                    name,
                    "inactiveFlag must be true or false.".to_owned(),
                )),
            },
            "securityRole" => self.security_role = reference(problems),
            "structureLevel" => self.structure_level = reference(problems),
            "securityLocation" => self.security_location = reference(problems),
            "defaultLocation" => self.default_location = reference(problems),
            "defaultDepartment" => self.default_department = reference(problems),
            _ => self.time_zone = reference(problems),
        }
    }

    fn reference_id(&self, name: &str) -> Option<i64> {
        match name {
            "securityRole" => self.security_role,
            "structureLevel" => self.structure_level,
            "securityLocation" => self.security_location,
            "defaultLocation" => self.default_location,
            "defaultDepartment" => self.default_department,
            _ => self.time_zone,
        }
    }

    /// Checks required fields, lengths, uniqueness and references. `existing` is the id of the
    /// member being updated, which may keep its own identifier. On updates `name` is required,
    /// as the schema's field description states. On create it is optional.
    pub(super) fn validate(
        &self,
        data: &SiteData,
        existing: Option<i64>,
        problems: &mut Vec<FieldError>,
    ) {
        let mut problem = |code: &str, field: &str, message: String| {
            problems.push(FieldError::new(code, API_MEMBER_RESOURCE, field, message));
        };

        match self.identifier.as_deref() {
            None | Some("") => {
                problem(REQUIRED, "identifier", "identifier is required.".to_owned())
            }
            Some(identifier) if identifier.chars().count() > IDENTIFIER_MAX_LENGTH => {
                let message =
                    format!("identifier must be at most {IDENTIFIER_MAX_LENGTH} characters.");
                problem(MAX_LENGTH, "identifier", message);
            }
            Some(identifier) => {
                let taken = data.members.iter().any(|member| {
                    Some(member.id) != existing
                        && member.identifier.eq_ignore_ascii_case(identifier)
                });
                if taken {
                    problem(
                        OBJECT_EXISTS,
                        "identifier",
                        format!("A member with identifier '{identifier}' already exists."),
                    );
                }
            }
        }

        match self.name.as_deref() {
            Some(name) if name.chars().count() > NAME_MAX_LENGTH => {
                problem(
                    MAX_LENGTH,
                    "name",
                    format!("name must be at most {NAME_MAX_LENGTH} characters."),
                );
            }
            None | Some("") if existing.is_some() => {
                problem(
                    REQUIRED,
                    "name",
                    "name is required when updating an API member.".to_owned(),
                );
            }
            _ => {}
        }
        if self
            .email
            .as_deref()
            .is_some_and(|email| email.chars().count() > EMAIL_MAX_LENGTH)
        {
            problem(
                MAX_LENGTH,
                "emailAddress",
                format!("emailAddress must be at most {EMAIL_MAX_LENGTH} characters."),
            );
        }

        for name in REQUIRED_REFERENCES.iter().chain(&["timeZone"]) {
            let Some(id) = self.reference_id(name) else {
                if *name != "timeZone" {
                    problem(REQUIRED, name, format!("{name} is required."));
                }
                continue;
            };
            let exists = match *name {
                "securityRole" => data.role(id).is_some(),
                "structureLevel" => data.structure_level(id).is_some(),
                "securityLocation" | "defaultLocation" => data.location(id).is_some(),
                "defaultDepartment" => data.department(id).is_some(),
                _ => data.time_zone(id).is_some(),
            };
            if !exists {
                problem(
                    INVALID_REFERENCE,
                    name,
                    format!("{name} with id {id} does not exist."),
                );
            }
        }
    }

    /// Writes the validated draft into `member`.
    pub(super) fn apply(self, member: &mut Member, updated_by: &str) {
        let name = self.name.unwrap_or_default();
        let (first_name, last_name) = split_name(&name);
        if self.inactive && !member.inactive_flag {
            member.inactive_date = Some(clock::now());
        } else if !self.inactive {
            member.inactive_date = None;
        }
        member.identifier = self.identifier.unwrap_or_default();
        member.name = name;
        member.first_name = first_name;
        member.last_name = last_name;
        member.email = self.email;
        member.inactive_flag = self.inactive;
        member.security_role = self.security_role.unwrap_or_default();
        member.structure_level = self.structure_level.unwrap_or_default();
        member.security_location = self.security_location.unwrap_or_default();
        member.default_location = self.default_location.unwrap_or_default();
        member.default_department = self.default_department.unwrap_or_default();
        member.time_zone = self.time_zone;
        member.audit = Audit::now(updated_by);
    }
}

/// Splits an API member's name into first and last name at the last space, as the web UI
/// shows "Visionary 360 API" as first name "Visionary 360" and last name "API".
pub(super) fn split_name(name: &str) -> (String, String) {
    match name.trim().rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.to_owned()),
        None => (name.trim().to_owned(), String::new()),
    }
}

pub(super) fn body_object(context: &ApiContext<'_>) -> Result<Map<String, Value>, ApiError> {
    match context.json_body()? {
        Value::Object(object) => Ok(object),
        _ => Err(ApiError::invalid_request(
            "The request body must be a JSON object.",
        )),
    }
}

/// Creates an API member; it starts with no API keys.
pub(super) fn create_api_member(context: &ApiContext<'_>) -> Result<Response, ApiError> {
    let body = body_object(context)?;
    let updated_by = context.caller_identifier();
    let mut problems = Vec::new();
    let draft = Draft::from_body(&body, &mut problems);

    let mut data = context.site.data();
    draft.validate(&data, None, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::invalid_object(
            "The API member is not valid.",
            problems,
        ));
    }

    data.next_member_id += 1;
    let mut member = Member::blank(data.next_member_id, &updated_by);
    member.license_class = LicenseClass::Api;
    draft.apply(&mut member, &updated_by);
    let body = api_member_json(&data, &member, &context.api_base);
    tracing::info!(member = member.id, identifier = %member.identifier, "API member created");
    data.members.push(member);
    Ok(json_response(StatusCode::CREATED, &body))
}

/// Validates `draft` as the new state of API member `id` and stores it.
fn store_update(
    context: &ApiContext<'_>,
    id: i64,
    draft: Draft,
    mut problems: Vec<FieldError>,
) -> Result<Response, ApiError> {
    let updated_by = context.caller_identifier();
    let mut data = context.site.data();
    draft.validate(&data, Some(id), &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::invalid_object(
            "The API member is not valid.",
            problems,
        ));
    }

    let Some(index) = data.members.iter().position(|member| member.id == id) else {
        return Err(api_member_not_found(id));
    };
    let mut member = data.members[index].clone();
    draft.apply(&mut member, &updated_by);
    let body = api_member_json(&data, &member, &context.api_base);
    data.members[index] = member;
    tracing::info!(member = id, "API member updated");
    Ok(json_response(StatusCode::OK, &body))
}

fn existing_api_member(context: &ApiContext<'_>, id: i64) -> Result<Member, ApiError> {
    let data = context.site.data();
    match data.member(id) {
        Some(member) if member.license_class == LicenseClass::Api => Ok(member.clone()),
        _ => Err(api_member_not_found(id)),
    }
}

/// Replaces an API member's writable fields with the body (PUT).
pub(super) fn replace_api_member(context: &ApiContext<'_>, id: i64) -> Result<Response, ApiError> {
    existing_api_member(context, id)?;
    let body = body_object(context)?;
    let mut problems = Vec::new();
    let draft = Draft::from_body(&body, &mut problems);
    store_update(context, id, draft, problems)
}

/// Applies a JSON Patch array of `replace` operations (PATCH). `path` is a field name, with or
/// without a leading `/`; see [`WRITABLE_FIELDS`].
pub(super) fn patch_api_member(context: &ApiContext<'_>, id: i64) -> Result<Response, ApiError> {
    let member = existing_api_member(context, id)?;
    let Value::Array(operations) = context.json_body()? else {
        return Err(ApiError::invalid_request(
            "The PATCH body must be a JSON array of operations.",
        ));
    };

    let mut draft = Draft::from_member(&member);
    let mut problems = Vec::new();
    for (index, operation) in operations.iter().enumerate() {
        let number = index + 1;
        let op = operation
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !op.eq_ignore_ascii_case("replace") {
            problems.push(invalid_value(
                "op",
                format!("operation {number}: op '{op}' is not supported; use replace."),
            ));
            continue;
        }
        let path = operation
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let field = path.strip_prefix('/').unwrap_or(path);
        let Some(name) = WRITABLE_FIELDS
            .iter()
            .find(|name| name.eq_ignore_ascii_case(field))
        else {
            let message = format!(
                "operation {number}: path '{path}' is not a field the sandbox can replace."
            );
            problems.push(invalid_value("path", message));
            continue;
        };
        let Some(value) = operation.get("value") else {
            problems.push(FieldError::new(
                REQUIRED,
                API_MEMBER_RESOURCE,
                name,
                format!("operation {number}: value is required."),
            ));
            continue;
        };
        draft.set(name, value, &mut problems);
    }
    store_update(context, id, draft, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_name_at_last_space() {
        let cases = [
            ("Visionary 360 API", ("Visionary 360", "API")),
            ("Single", ("Single", "")),
            ("", ("", "")),
        ];
        for (name, (first, last)) in cases {
            assert_eq!(
                split_name(name),
                (first.to_owned(), last.to_owned()),
                "name {name:?}"
            );
        }
    }
}
