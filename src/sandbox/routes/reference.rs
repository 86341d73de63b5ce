//! Read-only reference lists: locations, departments (business units), corporate structure
//! levels and time zone setups.
//!
//! The real API can also create and change locations, departments and time zone setups; the
//! sandbox returns 501 for those methods. Structure levels are read-only in the real API too.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{count_response, info, json_response, list_response, reference, ApiContext};
use crate::sandbox::errors::ApiError;
use crate::sandbox::query::{aliased, field, FieldKind, FieldSpec};
use crate::sandbox::state::{Department, Location, SiteData, TimeZoneSetup};

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Location,
    Department,
    StructureLevel,
    TimeZone,
}

const LOCATION_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("name", FieldKind::Text),
    field("structureLevel/id", FieldKind::Number),
    field("structureLevel/name", FieldKind::Text),
    field("timeZoneSetup/id", FieldKind::Number),
    field("timeZoneSetup/name", FieldKind::Text),
    field("locationFlag", FieldKind::Bool),
    field("clientFlag", FieldKind::Bool),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

const DEPARTMENT_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("identifier", FieldKind::Text),
    field("name", FieldKind::Text),
    field("inactiveFlag", FieldKind::Bool),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

const LEVEL_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("name", FieldKind::Text),
];

/// `daylightSavingsFlag` is derived and not queryable in the real API, so it is left out.
const TIME_ZONE_FIELDS: &[FieldSpec] = &[
    field("id", FieldKind::Number),
    field("name", FieldKind::Text),
    field("offset", FieldKind::Number),
    field("defaultFlag", FieldKind::Bool),
    field("timeZone/id", FieldKind::Number),
    field("timeZone/name", FieldKind::Text),
    aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
];

impl Kind {
    fn resource(self) -> &'static str {
        match self {
            Kind::Location => "location",
            Kind::Department => "department",
            Kind::StructureLevel => "corporateStructureLevel",
            Kind::TimeZone => "timeZoneSetup",
        }
    }

    fn fields(self) -> &'static [FieldSpec] {
        match self {
            Kind::Location => LOCATION_FIELDS,
            Kind::Department => DEPARTMENT_FIELDS,
            Kind::StructureLevel => LEVEL_FIELDS,
            Kind::TimeZone => TIME_ZONE_FIELDS,
        }
    }

    /// Methods the real API offers on the list path and on an item path.
    fn allowed(self) -> (&'static str, &'static str) {
        match self {
            Kind::StructureLevel => ("GET", "GET"),
            _ => ("GET, POST", "GET, PUT, PATCH, DELETE"),
        }
    }

    /// Returns every record as (id, JSON).
    fn records(self, data: &SiteData, api_base: &str) -> Vec<(i64, Value)> {
        match self {
            Kind::Location => data
                .locations
                .iter()
                .map(|location| (location.id, location_json(data, location, api_base)))
                .collect(),
            Kind::Department => data
                .departments
                .iter()
                .map(|department| (department.id, department_json(department)))
                .collect(),
            Kind::StructureLevel => data
                .structure_levels
                .iter()
                .map(|level| (level.id, json!({ "id": level.id, "name": level.name })))
                .collect(),
            Kind::TimeZone => data
                .time_zones
                .iter()
                .map(|zone| (zone.id, time_zone_json(zone, api_base)))
                .collect(),
        }
    }
}

fn location_json(data: &SiteData, location: &Location, api_base: &str) -> Value {
    let level_id = location.structure_level;
    let level_name = data
        .structure_level(level_id)
        .map(|level| level.name.as_str());
    let level_href = format!("{api_base}/system/myCompany/corporateStructureLevels/{level_id}");
    let level = reference(
        level_id,
        level_name.unwrap_or_default(),
        "structureLevel",
        level_href,
    );

    let zone_id = location.time_zone;
    let zone_name = data.time_zone(zone_id).map(|zone| zone.name.as_str());
    let zone_href = format!("{api_base}/system/timeZoneSetups/{zone_id}");
    let zone = reference(
        zone_id,
        zone_name.unwrap_or_default(),
        "timeZoneSetup",
        zone_href,
    );

    let department_ids: Vec<i64> = data
        .departments
        .iter()
        .map(|department| department.id)
        .collect();
    json!({
        "id": location.id,
        "name": location.name,
        "structureLevel": level,
        "timeZoneSetup": zone,
        "locationFlag": true,
        "clientFlag": false,
        "departmentIds": department_ids,
        "_info": info(&location.audit),
    })
}

fn department_json(department: &Department) -> Value {
    json!({
        "id": department.id,
        "identifier": department.identifier,
        "name": department.name,
        "inactiveFlag": false,
        "_info": info(&department.audit),
    })
}

fn time_zone_json(zone: &TimeZoneSetup, api_base: &str) -> Value {
    let (cw_id, cw_name) = &zone.cw_time_zone;
    let cw_href = format!("{api_base}/system/cwTimeZones/{cw_id}");
    json!({
        "id": zone.id,
        "name": zone.name,
        "offset": zone.offset,
        "defaultFlag": zone.default_flag,
        "daylightSavingsFlag": zone.daylight_savings_flag,
        "timeZone": reference(*cw_id, cw_name, "timeZone", cw_href),
        "_info": info(&zone.audit),
    })
}

/// Checks that `method` exists on `rest` (the path after the list path) before the caller's
/// permission is checked: 404 for an unknown path, 405 for a method the real API lacks.
pub(super) fn route(kind: Kind, method: &str, rest: &[&str]) -> Result<(), ApiError> {
    let (list_methods, item_methods) = kind.allowed();
    let allowed = match rest {
        [] => list_methods,
        ["count"] => "GET",
        [_] => item_methods,
        _ => {
            return Err(ApiError::not_found(format!(
                "No resource matches the path /{}.",
                rest.join("/")
            )))
        }
    };
    if allowed.split(", ").any(|allowed| allowed == method) {
        Ok(())
    } else {
        Err(ApiError::method_not_allowed(method, allowed))
    }
}

/// Routes `rest`, the path after the list path, for one kind of reference data.
pub(super) fn handle(
    context: &ApiContext<'_>,
    kind: Kind,
    rest: &[&str],
) -> Result<Response, ApiError> {
    let method = context.method.as_str();
    let (list_methods, item_methods) = kind.allowed();
    let records = || kind.records(&context.site.data(), &context.api_base);

    match rest {
        [] => match method {
            "GET" => list_response(
                context,
                kind.resource(),
                kind.fields(),
                records().into_iter().map(|(_, body)| body).collect(),
            ),
            _ if list_methods.split(", ").any(|allowed| allowed == method) => {
                Err(ApiError::not_implemented(method, context.page_url.as_str()))
            }
            _ => Err(ApiError::method_not_allowed(method, list_methods)),
        },
        ["count"] => match method {
            "GET" => {
                let bodies: Vec<Value> = records().into_iter().map(|(_, body)| body).collect();
                count_response(context, kind.resource(), kind.fields(), &bodies)
            }
            _ => Err(ApiError::method_not_allowed(method, "GET")),
        },
        [id] => match method {
            "GET" => {
                let requested_id: i64 = id
                    .parse()
                    .map_err(|_| ApiError::not_found(format!("'{id}' is not a valid id.")))?;
                match records()
                    .into_iter()
                    .find(|(record_id, _)| *record_id == requested_id)
                {
                    Some((_, body)) => Ok(json_response(StatusCode::OK, &body)),
                    None => Err(ApiError::not_found(format!(
                        "{} with id {requested_id} was not found.",
                        kind.resource()
                    ))),
                }
            }
            _ if item_methods.split(", ").any(|allowed| allowed == method) => {
                Err(ApiError::not_implemented(method, context.page_url.as_str()))
            }
            _ => Err(ApiError::method_not_allowed(method, item_methods)),
        },
        _ => Err(ApiError::not_found(format!(
            "No resource matches the path {}.",
            context.page_url
        ))),
    }
}
