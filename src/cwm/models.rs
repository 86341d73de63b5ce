//! Request and response bodies of the ConnectWise REST API, as the product reads them.
//!
//! Only the fields the product uses are declared; unknown fields are ignored so that a newer
//! server version does not break parsing.

use serde::{Deserialize, Serialize};

/// The login discovery document from `/login/companyinfo/{company}` (PascalCase keys).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompanyInfo {
    pub company_name: String,
    pub codebase: String,
    #[serde(default)]
    pub version_code: Option<String>,
    #[serde(rename = "CompanyID", default)]
    pub company_id: Option<String>,
    #[serde(default)]
    pub is_cloud: Option<bool>,
}

/// `/system/info`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub is_cloud: Option<bool>,
    #[serde(default)]
    pub cloud_region: Option<String>,
}

/// A reference to another object, as ConnectWise embeds it: `{"id": 3, "name": "..."}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Reference {
    pub id: i64,
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
    #[serde(default, skip_serializing)]
    pub identifier: Option<String>,
}

impl Reference {
    pub fn to(id: i64) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }

    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("#{}", self.id))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRole {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub admin_flag: Option<bool>,
    #[serde(default)]
    pub inactive_flag: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewSecurityRole<'a> {
    pub name: &'a str,
}

/// One line of a role's permission matrix (`SecurityRoleSetting`), also the shape of each
/// `/system/mySecurity` entry, which adds the calling member.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleSetting {
    pub id: Option<i64>,
    pub module_identifier: Option<String>,
    pub module_name: Option<String>,
    pub module_description: Option<String>,
    pub module_function_identifier: Option<String>,
    pub module_function_name: Option<String>,
    pub module_function_description: Option<String>,
    pub add_level: Option<String>,
    pub edit_level: Option<String>,
    pub delete_level: Option<String>,
    pub inquire_level: Option<String>,
    pub member: Option<MemberReference>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct MemberReference {
    pub id: Option<i64>,
    pub identifier: Option<String>,
    pub name: Option<String>,
}

/// A member (`/system/members`), full or API.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: i64,
    pub identifier: String,
    #[serde(default)]
    pub license_class: Option<String>,
    #[serde(default)]
    pub inactive_flag: Option<bool>,
    #[serde(default)]
    pub security_role: Option<Reference>,
    #[serde(default)]
    pub structure_level: Option<Reference>,
    #[serde(default)]
    pub security_location: Option<Reference>,
    #[serde(default)]
    pub default_location: Option<Reference>,
    #[serde(default)]
    pub default_department: Option<Reference>,
    #[serde(default)]
    pub time_zone: Option<Reference>,
}

/// An API member (`/system/apiMembers`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMember {
    pub id: i64,
    pub identifier: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub inactive_flag: Option<bool>,
    #[serde(default)]
    pub security_role: Option<Reference>,
    #[serde(default)]
    pub structure_level: Option<Reference>,
    #[serde(default)]
    pub security_location: Option<Reference>,
    #[serde(default)]
    pub default_location: Option<Reference>,
    #[serde(default)]
    pub default_department: Option<Reference>,
    #[serde(default)]
    pub time_zone: Option<Reference>,
}

/// The body of `POST /system/apiMembers`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApiMember {
    pub identifier: String,
    pub name: String,
    pub security_role: Reference,
    pub structure_level: Reference,
    pub security_location: Reference,
    pub default_location: Reference,
    pub default_department: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<Reference>,
}

/// One operation of a PATCH body: `{"op": "replace", "path": "securityRole", "value": {...}}`.
#[derive(Debug, Clone, Serialize)]
pub struct PatchOperation {
    pub op: &'static str,
    pub path: String,
    pub value: serde_json::Value,
}

impl PatchOperation {
    pub fn replace(path: &str, value: serde_json::Value) -> Self {
        Self {
            op: "replace",
            path: path.to_owned(),
            value,
        }
    }
}

/// An impersonation token from `POST /system/members/{identifier}/tokens`. The private half is
/// moved into a `KeyPair` at once, and the struct has no `Debug` so it cannot be logged.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub public_key: String,
    pub private_key: secrecy::SecretString,
    #[serde(default)]
    pub expiration: Option<String>,
}

/// An item of a picker list: a location, business unit, structure level or time zone.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct NamedItem {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub identifier: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_api_member_json_uses_connectwise_names() {
        let body = NewApiMember {
            identifier: "V360API".into(),
            name: "Visionary 360 API".into(),
            security_role: Reference::to(7),
            structure_level: Reference::to(1),
            security_location: Reference::to(2),
            default_location: Reference::to(2),
            default_department: Reference::to(3),
            time_zone: None,
        };
        let json = serde_json::to_value(&body).expect("serializes");
        assert_eq!(json["securityRole"], serde_json::json!({"id": 7}));
        assert_eq!(json["structureLevel"]["id"], 1);
        assert_eq!(json["defaultDepartment"]["id"], 3);
        assert!(json.get("timeZone").is_none(), "{json}");
    }

    #[test]
    fn company_info_parses_pascal_case() {
        let info: CompanyInfo = serde_json::from_str(
            r#"{"CompanyName":"Acme","Codebase":"v2017_3/","VersionCode":"v2017.3","CompanyID":"CW","IsCloud":true}"#,
        )
        .expect("parses");
        assert_eq!(info.codebase, "v2017_3/");
        assert_eq!(info.company_id.as_deref(), Some("CW"));
    }
}
