//! Role permissions that REST endpoints require, and the 403 for a caller that lacks them.
//!
//! | Endpoints | Function (module System) |
//! |---|---|
//! | `/system/securityroles/**` (roles, role settings, role info) | Security |
//! | `/system/members/**`, `/system/apiMembers/**` (tokens and deactivate too) | Member Maintenance |
//! | `/system/locations/**`, `/system/departments/**`, `/system/myCompany/**` | My Company |
//! | `/system/timeZoneSetups/**`, `/system/cwTimeZones/**` | Table Setup |
//! | `/system/info`, `/system/mySecurity/**` | none |
//!
//! GET needs inquire, POST add, PUT and PATCH edit, DELETE delete, except that minting a token
//! and deactivating a member are edits of the member. A level of `My` or `All` grants the verb
//! and a role with the admin flag has every permission.
// NOTE: the endpoint-to-function table is inferred from the functions' names in the web UI;
// no public source states which function ConnectWise checks for each endpoint.

use axum::http::StatusCode;

use super::catalog;
use super::errors::ApiError;
use super::state::{Level, SiteData};

/// A verb of a security-role setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Add,
    Edit,
    Delete,
    Inquire,
}

impl Verb {
    /// Returns the verb a method needs: GET inquire, POST add, PUT and PATCH edit, DELETE delete.
    pub fn for_method(method: &str) -> Verb {
        match method {
            "POST" => Verb::Add,
            "PUT" | "PATCH" => Verb::Edit,
            "DELETE" => Verb::Delete,
            _ => Verb::Inquire,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Verb::Add => "add",
            Verb::Edit => "edit",
            Verb::Delete => "delete",
            Verb::Inquire => "inquire",
        }
    }
}

/// A function of the System module and the verb a request needs on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Permission {
    /// Function name as the web UI shows it, e.g. `Member Maintenance`.
    pub function: &'static str,
    pub verb: Verb,
}

pub const SECURITY: &str = "Security";
pub const MEMBER_MAINTENANCE: &str = "Member Maintenance";
pub const MY_COMPANY: &str = "My Company";
pub const TABLE_SETUP: &str = "Table Setup";

/// Returns the permission a REST path needs, from its first segments (lower case, after
/// `/apis/3.0`), or `None` when it needs none.
pub fn required(segments: &[&str], verb: Verb) -> Option<Permission> {
    let function = match segments {
        ["system", "securityroles", ..] => SECURITY,
        ["system", "members" | "apimembers", ..] => MEMBER_MAINTENANCE,
        ["system", "locations" | "departments" | "mycompany", ..] => MY_COMPANY,
        ["system", "timezonesetups" | "cwtimezones", ..] => TABLE_SETUP,
        _ => return None,
    };
    Some(Permission { function, verb })
}

/// Checks that the calling member's role grants `permission`; a 403 names what is missing.
pub fn check(data: &SiteData, caller: i64, permission: Permission) -> Result<(), ApiError> {
    let role = data
        .member(caller)
        .and_then(|member| data.role(member.security_role));
    let Some(role) = role else {
        return Err(forbidden(permission, "the caller has no security role"));
    };
    if role.admin_flag {
        return Ok(());
    }

    let function = catalog::find_module("System")
        .and_then(|module| catalog::find_function(module, permission.function));
    let level = function
        .and_then(|function| {
            role.settings
                .iter()
                .find(|setting| setting.function == function)
        })
        .map(|setting| match permission.verb {
            Verb::Add => setting.add,
            Verb::Edit => setting.edit,
            Verb::Delete => setting.delete,
            Verb::Inquire => setting.inquire,
        })
        .unwrap_or(Level::None);
    if level == Level::None {
        let reason = format!("security role '{}' has level None", role.name);
        return Err(forbidden(permission, &reason));
    }
    Ok(())
}

fn forbidden(permission: Permission, reason: &str) -> ApiError {
    let message = format!(
        "You do not have permission to {} System > {}: {reason}. Ask an administrator to \
         set the {} level of this function to My or All.",
        permission.verb.as_str(),
        permission.function,
        permission.verb.as_str()
    );
    ApiError::with_status(StatusCode::FORBIDDEN, "Forbidden", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_functions() {
        let cases: [(&[&str], Option<&str>); 6] = [
            (
                &["system", "securityroles", "3", "settings"],
                Some(SECURITY),
            ),
            (&["system", "apimembers"], Some(MEMBER_MAINTENANCE)),
            (
                &["system", "mycompany", "corporatestructurelevels"],
                Some(MY_COMPANY),
            ),
            (&["system", "timezonesetups"], Some(TABLE_SETUP)),
            (&["system", "info"], None),
            (&["system", "mysecurity"], None),
        ];
        for (segments, function) in cases {
            assert_eq!(
                required(segments, Verb::Inquire).map(|permission| permission.function),
                function,
                "path {segments:?}"
            );
        }
    }

    #[test]
    fn every_mapped_function_is_in_the_catalog() {
        let system = catalog::find_module("System").expect("System module");
        for function in [SECURITY, MEMBER_MAINTENANCE, MY_COMPANY, TABLE_SETUP] {
            assert!(
                catalog::find_function(system, function).is_some(),
                "{function} in the catalog"
            );
        }
    }
}
