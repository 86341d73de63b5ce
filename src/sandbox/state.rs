//! The in-memory ConnectWise site: reference data, security roles and their settings, members,
//! API keys and impersonation tokens, plus the request log.
//!
//! All site data sits behind one `Mutex`, and every request locks it only while it reads or
//! changes data, never across an `.await`.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use rand::distr::{Alphanumeric, SampleString};
use serde::Serialize;

use super::catalog::{self, FUNCTIONS};
use super::clock;
use super::errors::{ApiError, FieldError, INVALID_VALUE, REQUIRED};
use super::faults::Faults;
use super::LevelChange;

/// Characters in a public or private key; ConnectWise's keys are 16 letters and digits.
pub const KEY_LENGTH: usize = 16;
/// Default lifetime of an impersonation token, in seconds.
// NOTE: four hours is an unverified claim of one secondary source; ConnectWise documents no
// lifetime.
pub const TOKEN_LIFETIME_SECONDS: i64 = 4 * 3600;
/// Requests kept in the log; older entries are dropped first.
const REQUEST_LOG_CAPACITY: usize = 10_000;

/// A permission level of a role setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    My,
    All,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::My => "My",
            Level::All => "All",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        [Level::None, Level::My, Level::All]
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Audit stamp of an object's last change, shown in its `_info`.
#[derive(Clone, Debug)]
pub struct Audit {
    /// Seconds since the Unix epoch.
    pub last_updated: i64,
    /// Member identifier of the caller that made the change.
    pub updated_by: String,
}

impl Audit {
    pub fn now(updated_by: &str) -> Audit {
        Audit {
            last_updated: clock::now(),
            updated_by: updated_by.to_owned(),
        }
    }
}

/// Levels of one catalog function within a role.
#[derive(Clone, Debug)]
pub struct RoleSetting {
    pub id: i64,
    /// Index into [`catalog::FUNCTIONS`].
    pub function: usize,
    pub add: Level,
    pub edit: Level,
    pub delete: Level,
    pub inquire: Level,
}

#[derive(Clone, Debug)]
pub struct SecurityRole {
    pub id: i64,
    pub name: String,
    pub role_type: String,
    pub admin_flag: bool,
    pub inactive_flag: bool,
    pub settings: Vec<RoleSetting>,
    pub audit: Audit,
}

/// A member's license class: `F` full member or `A` API member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseClass {
    Full,
    Api,
}

impl LicenseClass {
    pub fn code(self) -> &'static str {
        match self {
            LicenseClass::Full => "F",
            LicenseClass::Api => "A",
        }
    }
}

/// A full member or an API member; both share identifiers and appear in `/system/members`.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: i64,
    pub identifier: String,
    /// Member name of an API member (`name`), or "first last" of a full member.
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub license_class: LicenseClass,
    pub email: Option<String>,
    pub inactive_flag: bool,
    /// Seconds since the Unix epoch when the member was made inactive.
    pub inactive_date: Option<i64>,
    pub security_role: i64,
    pub structure_level: i64,
    pub security_location: i64,
    pub default_location: i64,
    pub default_department: i64,
    pub time_zone: Option<i64>,
    /// Seconds since the Unix epoch.
    pub hire_date: i64,
    pub audit: Audit,
}

impl Member {
    /// Returns a member with only an id and an audit stamp, for a create to fill in.
    pub fn blank(id: i64, updated_by: &str) -> Member {
        Member {
            id,
            identifier: String::new(),
            name: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            license_class: LicenseClass::Full,
            email: None,
            inactive_flag: false,
            inactive_date: None,
            security_role: 0,
            structure_level: 0,
            security_location: 0,
            default_location: 0,
            default_department: 0,
            time_zone: None,
            hire_date: clock::now(),
            audit: Audit::now(updated_by),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub structure_level: i64,
    pub time_zone: i64,
    pub audit: Audit,
}

#[derive(Clone, Debug)]
pub struct Department {
    pub id: i64,
    pub identifier: String,
    pub name: String,
    pub audit: Audit,
}

#[derive(Clone, Debug)]
pub struct StructureLevel {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct TimeZoneSetup {
    pub id: i64,
    pub name: String,
    /// Hours from UTC outside daylight saving time.
    pub offset: f64,
    pub default_flag: bool,
    pub daylight_savings_flag: bool,
    /// The ConnectWise time zone (`/system/cwTimeZones` entry) as (id, name).
    pub cw_time_zone: (i64, String),
    pub audit: Audit,
}

/// Key pair of a member: a durable key made in the web UI or a temporary token.
pub struct ApiKey {
    pub member: i64,
    pub public_key: String,
    /// Kept only to check requests; never serialized, logged or returned after creation.
    private_key: String,
    pub description: String,
    /// Seconds since the Unix epoch after which a token stops working; `None` for durable keys.
    pub expires_at: Option<i64>,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("member", &self.member)
            .field("public_key", &self.public_key)
            .field("private_key", &"<redacted>")
            .field("description", &self.description)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl ApiKey {
    /// Compares the private key in time that does not depend on where the first difference is.
    pub fn private_key_matches(&self, candidate: &str) -> bool {
        let stored = self.private_key.as_bytes();
        let candidate = candidate.as_bytes();
        let mut difference = stored.len() ^ candidate.len();
        for (index, byte) in candidate.iter().enumerate() {
            difference |= usize::from(stored.get(index).copied().unwrap_or(0) ^ byte);
        }
        difference == 0
    }
}

/// Everything the site stores.
#[derive(Debug, Default)]
pub struct SiteData {
    pub roles: Vec<SecurityRole>,
    pub members: Vec<Member>,
    pub locations: Vec<Location>,
    pub departments: Vec<Department>,
    pub structure_levels: Vec<StructureLevel>,
    pub time_zones: Vec<TimeZoneSetup>,
    pub keys: Vec<ApiKey>,
    pub next_role_id: i64,
    pub next_setting_id: i64,
    pub next_member_id: i64,
}

/// A new key pair, returned once to its creator.
pub struct NewKey {
    pub public_key: String,
    pub private_key: String,
    pub expires_at: Option<i64>,
}

fn random_key() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), KEY_LENGTH)
}

impl SiteData {
    pub fn role(&self, id: i64) -> Option<&SecurityRole> {
        self.roles.iter().find(|role| role.id == id)
    }

    pub fn member(&self, id: i64) -> Option<&Member> {
        self.members.iter().find(|member| member.id == id)
    }

    pub fn member_by_identifier(&self, identifier: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|member| member.identifier.eq_ignore_ascii_case(identifier))
    }

    pub fn location(&self, id: i64) -> Option<&Location> {
        self.locations.iter().find(|location| location.id == id)
    }

    pub fn department(&self, id: i64) -> Option<&Department> {
        self.departments
            .iter()
            .find(|department| department.id == id)
    }

    pub fn structure_level(&self, id: i64) -> Option<&StructureLevel> {
        self.structure_levels.iter().find(|level| level.id == id)
    }

    pub fn time_zone(&self, id: i64) -> Option<&TimeZoneSetup> {
        self.time_zones.iter().find(|zone| zone.id == id)
    }

    /// Adds a role with one setting per catalog function, every level `None`.
    pub fn add_role(
        &mut self,
        name: &str,
        admin_flag: bool,
        inactive_flag: bool,
        updated_by: &str,
    ) -> &SecurityRole {
        let settings = (0..FUNCTIONS.len())
            .map(|function| {
                self.next_setting_id += 1;
                RoleSetting {
                    id: self.next_setting_id,
                    function,
                    add: Level::None,
                    edit: Level::None,
                    delete: Level::None,
                    inquire: Level::None,
                }
            })
            .collect();
        self.next_role_id += 1;
        self.roles.push(SecurityRole {
            id: self.next_role_id,
            name: name.to_owned(),
            role_type: "Member".to_owned(),
            admin_flag,
            inactive_flag,
            settings,
            audit: Audit::now(updated_by),
        });
        let index = self.roles.len() - 1;
        &self.roles[index]
    }

    /// Sets role levels as the web UI's security-role screen does; returns the number of
    /// changes applied.
    ///
    /// Every change is checked before any is applied, so a bad entry leaves the role unchanged.
    /// Module and function match the UI name, an alias or the identifier, ignoring case.
    pub fn set_role_levels(
        &mut self,
        role_id: i64,
        changes: &[LevelChange],
    ) -> Result<usize, ApiError> {
        let Some(role_index) = self.roles.iter().position(|role| role.id == role_id) else {
            return Err(ApiError::not_found(format!(
                "Security role {role_id} was not found."
            )));
        };

        let mut resolved = Vec::with_capacity(changes.len());
        let mut problems = Vec::new();
        for (index, change) in changes.iter().enumerate() {
            let problem = |field: &str, message: String| {
                FieldError::new(
                    INVALID_VALUE,
                    "securityRoleSetting",
                    field,
                    format!("change {}: {message}", index + 1),
                )
            };
            let function = match catalog::find_module(&change.module) {
                None => {
                    problems.push(problem(
                        "module",
                        format!("unknown module '{}'", change.module),
                    ));
                    None
                }
                Some(module) => match catalog::find_function(module, &change.function) {
                    None => {
                        let module_name = catalog::MODULES[module].name;
                        let message = format!(
                            "unknown function '{}' in module '{module_name}'",
                            change.function
                        );
                        problems.push(problem("function", message));
                        None
                    }
                    found => found,
                },
            };
            let verb = change.verb.trim().to_ascii_lowercase();
            if !["add", "edit", "delete", "inquire"].contains(&verb.as_str()) {
                let message = format!(
                    "unknown verb '{}'; expected add, edit, delete or inquire",
                    change.verb
                );
                problems.push(problem("verb", message));
            }
            let level = Level::parse(&change.level);
            if level.is_none() {
                problems.push(problem(
                    "level",
                    format!("unknown level '{}'; expected None, My or All", change.level),
                ));
            }
            if let (Some(function), Some(level)) = (function, level) {
                resolved.push((function, verb, level));
            }
        }
        if !problems.is_empty() {
            return Err(ApiError::invalid_object(
                "The level changes are not valid.",
                problems,
            ));
        }

        let role = &mut self.roles[role_index];
        for (function, verb, level) in &resolved {
            let Some(setting) = role
                .settings
                .iter_mut()
                .find(|setting| setting.function == *function)
            else {
                continue;
            };
            match verb.as_str() {
                "add" => setting.add = *level,
                "edit" => setting.edit = *level,
                "delete" => setting.delete = *level,
                _ => setting.inquire = *level,
            }
        }
        role.audit = Audit::now("sandbox");
        Ok(resolved.len())
    }

    /// Adds a key pair for a member, with a public key no other key uses.
    fn add_key(&mut self, member: i64, description: &str, expires_at: Option<i64>) -> NewKey {
        let mut public_key = random_key();
        while self.keys.iter().any(|key| key.public_key == public_key) {
            public_key = random_key();
        }
        let private_key = random_key();
        self.keys.push(ApiKey {
            member,
            public_key: public_key.clone(),
            private_key: private_key.clone(),
            description: description.to_owned(),
            expires_at,
        });
        NewKey {
            public_key,
            private_key,
            expires_at,
        }
    }

    /// Adds a durable key for an API member, as the member's API Keys tab in the web UI does.
    pub fn create_api_key(
        &mut self,
        identifier: &str,
        description: &str,
    ) -> Result<NewKey, ApiError> {
        let Some(member) = self.member_by_identifier(identifier) else {
            return Err(ApiError::not_found(format!(
                "API member '{identifier}' was not found."
            )));
        };
        if member.license_class != LicenseClass::Api {
            return Err(ApiError::not_found(format!(
                "'{identifier}' is not an API member."
            )));
        }
        let member_id = member.id;

        let description = description.trim();
        if description.is_empty() {
            return Err(ApiError::invalid_field(
                REQUIRED,
                "apiKey",
                "description",
                "description is required.",
            ));
        }
        // NOTE: the web UI's maximum description length is not documented; 100 is a guess.
        if description.chars().count() > 100 {
            return Err(ApiError::invalid_field(
                super::errors::MAX_LENGTH,
                "apiKey",
                "description",
                "description must be at most 100 characters.",
            ));
        }
        Ok(self.add_key(member_id, description, None))
    }

    /// Adds a durable key without checks, for the fixture's administrator.
    pub fn add_durable_key(&mut self, member: i64, description: &str) -> NewKey {
        self.add_key(member, description, None)
    }

    /// Mints an impersonation token for a member, valid for `lifetime_seconds`; expired
    /// tokens are dropped first.
    pub fn mint_token(&mut self, member: i64, lifetime_seconds: i64) -> NewKey {
        let now = clock::now();
        self.keys
            .retain(|key| key.expires_at.is_none_or(|expiry| expiry > now));
        self.add_key(member, "impersonation token", Some(now + lifetime_seconds))
    }

    pub fn key(&self, public_key: &str) -> Option<&ApiKey> {
        self.keys.iter().find(|key| key.public_key == public_key)
    }
}

/// Entry of the request log, without headers or body.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// HTTP status, or 0 when an injected fault dropped the connection before the request ran.
    pub status: u16,
    pub duration_ms: f64,
    /// When the request arrived and when its response was ready, in milliseconds since the site
    /// started, so a benchmark can tell which requests waited on each other.
    pub started_ms: f64,
    pub ended_ms: f64,
    /// The injected fault that applied: `status`, `rateLimit`, `resetBefore` or `resetAfter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<&'static str>,
}

/// The running site: fixed identity, data and request log.
#[derive(Debug)]
pub struct Site {
    pub company_id: String,
    pub company_name: String,
    /// The registered client ID, a GUID.
    pub client_id: String,
    /// e.g. `http://127.0.0.1:43121`
    pub url: String,
    /// Lifetime of impersonation tokens, in seconds.
    pub token_lifetime_seconds: i64,
    pub faults: Faults,
    /// The origin of the request log's `startedMs` and `endedMs`.
    pub started: Instant,
    data: Mutex<SiteData>,
    requests: Mutex<VecDeque<RequestRecord>>,
}

impl Site {
    pub fn new(
        company_id: &str,
        company_name: &str,
        client_id: String,
        url: String,
        data: SiteData,
        token_lifetime_seconds: i64,
        faults: Faults,
    ) -> Site {
        Site {
            company_id: company_id.to_owned(),
            company_name: company_name.to_owned(),
            client_id,
            url,
            token_lifetime_seconds,
            faults,
            started: Instant::now(),
            data: Mutex::new(data),
            requests: Mutex::new(VecDeque::new()),
        }
    }

    /// Locks the site data. A panic in another request cannot leave the data half-changed
    /// (changes are applied after validation), so a poisoned lock is taken over.
    pub fn data(&self) -> MutexGuard<'_, SiteData> {
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn record_request(&self, record: RequestRecord) {
        let mut requests = self
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if requests.len() == REQUEST_LOG_CAPACITY {
            requests.pop_front();
        }
        requests.push_back(record);
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        requests.iter().cloned().collect()
    }
}

/// Generates a random version 4 GUID in lower-case hexadecimal.
pub fn random_guid() -> String {
    let bits: u128 = rand::random();
    let bits = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_has_version_and_variant() {
        let guid = random_guid();
        assert_eq!(guid.len(), 36, "length of {guid}");
        assert_eq!(&guid[14..15], "4", "version nibble of {guid}");
        assert!("89ab".contains(&guid[19..20]), "variant nibble of {guid}");
    }

    #[test]
    fn private_key_comparison() {
        let mut data = SiteData::default();
        let key = data.add_durable_key(1, "test");
        let stored = data.key(&key.public_key).expect("stored key");
        assert!(
            stored.private_key_matches(&key.private_key),
            "same key matches"
        );
        assert!(
            !stored.private_key_matches(&key.private_key[..15]),
            "prefix does not match"
        );
        assert!(!stored.private_key_matches(""), "empty does not match");
        assert!(
            !format!("{stored:?}").contains(&key.private_key),
            "Debug hides the private key"
        );
    }
}
