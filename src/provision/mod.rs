//! The provisioning engine: the steps of the flow, with no terminal UI and no printing.
//!
//! Both the wizard and `apply` drive a [`Session`]. Every step starts by reading, so a re-run
//! after any failure finishes the job without creating a second role or member. A POST is never
//! repeated after a transport error: the engine looks the object up again and decides from what
//! the site holds.

mod error;
pub mod guidance;
mod key;
mod layout;
mod lookups;
mod member;
mod plan;
mod role;

use std::sync::Arc;

use serde::Serialize;

pub use error::ProvisionError;
pub use key::{check_key, KeyStatus, MintedKey};
pub use layout::{targets, Layout, Target};
pub use member::{
    validate_identifier, MemberChange, MemberChoices, MemberSpec, MemberStatus,
    DEFAULT_MEMBER_NAME, MAX_MEMBER_NAME_LENGTH,
};
pub use plan::{PlanReport, PlannedAction};
pub use role::{validate_role_name, RoleStatus, RoleSummary};

use futures::future::join_all;

use self::lookups::Lookups;
use crate::audit::{self, Action, AuditLog};
use crate::cwm::models::{CompanyInfo, MemberReference, SystemInfo};
use crate::cwm::{Client, ClientOptions, Credentials};
use crate::requirements::{compare, Level, Requirement, Requirements, Verb};

/// The default API member identifier.
pub const DEFAULT_MEMBER_IDENTIFIER: &str = "V360API";

/// ConnectWise's maximum length of a member identifier.
pub const MAX_IDENTIFIER_LENGTH: usize = 15;

/// ConnectWise's maximum length of a security role name.
pub const MAX_ROLE_NAME_LENGTH: usize = 30;

/// The effect of a step on an object of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Created,
    Reused,
    Changed,
}

/// A connection checked end to end: codebase found, the key accepted, and the administrator's
/// permissions read.
#[derive(Debug, Clone)]
pub struct Session {
    client: Client,
    pub company: CompanyInfo,
    pub system: SystemInfo,
    /// The member the administrator's key belongs to.
    pub admin: MemberReference,
    audit: Option<Arc<AuditLog>>,
    lookups: Arc<Lookups>,
}

/// Permissions the administrator's own key needs to create the role and the member.
fn admin_requirements() -> Requirements {
    let line = |function: &str, verb| Requirement {
        module: "System".into(),
        function: function.into(),
        verb,
        level: Level::All,
        optional: false,
    };
    Requirements {
        lines: vec![
            line("Security", Verb::Add),
            line("Security", Verb::Inquire),
            line("Member Maintenance", Verb::Add),
            line("Member Maintenance", Verb::Edit),
            line("Member Maintenance", Verb::Inquire),
        ],
    }
}

impl Session {
    /// Discovers the codebase, checks the administrator's key with `/system/info`, and reads the
    /// administrator's own permissions before anything is changed.
    pub async fn connect(site: &str, credentials: Credentials) -> Result<Session, ProvisionError> {
        Self::connect_with(site, credentials, &ClientOptions::default()).await
    }

    /// Like [`Session::connect`], with transport settings such as a private CA certificate.
    pub async fn connect_with(
        site: &str,
        credentials: Credentials,
        options: &ClientOptions,
    ) -> Result<Session, ProvisionError> {
        Self::connect_for(site, credentials, options, &[]).await
    }

    /// Like [`Session::connect_with`], and finds the targets' security roles and API members
    /// in the same round of requests as the connection check, so the steps that follow start
    /// from those results instead of sending the look-ups one after another.
    pub async fn connect_for(
        site: &str,
        credentials: Credentials,
        options: &ClientOptions,
        targets: &[Target],
    ) -> Result<Session, ProvisionError> {
        validate_client_id(&credentials.client_id)?;
        let (client, company) = Client::discover_with(site, credentials, options).await?;

        let roles = join_all(targets.iter().map(|target| async {
            let found = client.find_security_role(&target.role_name).await;
            (target.role_name.as_str(), found)
        }));
        let members = join_all(targets.iter().map(|target| async {
            let found = client.find_api_member(&target.member_identifier).await;
            (target.member_identifier.as_str(), found)
        }));
        let checks = async { tokio::try_join!(client.system_info(), client.my_security()) };
        let (checks, roles, members) = tokio::join!(checks, roles, members);
        let (system, security) = checks?;

        let checklist = compare(&admin_requirements(), &security);
        let missing: Vec<_> = checklist.unmet().cloned().collect();
        if !missing.is_empty() {
            return Err(ProvisionError::AdminLacksPermissions { missing });
        }
        let admin = security
            .iter()
            .find_map(|entry| entry.member.clone())
            .unwrap_or_default();

        let lookups = Lookups::default();
        for (name, found) in roles {
            match found {
                Ok(role) => lookups.set_role(name, role),
                Err(error) => tracing::warn!(role = name, "look-up of the role failed: {error}"),
            }
        }
        for (identifier, found) in members {
            match found {
                Ok(member) => lookups.set_api_member(identifier, member),
                Err(error) => {
                    tracing::warn!(identifier, "look-up of the API member failed: {error}")
                }
            }
        }

        Ok(Session {
            client,
            company,
            system,
            admin,
            audit: None,
            lookups: Arc::new(lookups),
        })
    }

    /// Records every change and decision of this session in the audit log.
    pub fn with_audit(mut self, log: Arc<AuditLog>) -> Session {
        self.audit = Some(log);
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Records that the administrator continued although a check failed, such as unmet role
    /// permissions.
    pub fn record_override(&self, object: &'static str, name: &str, detail: &str) {
        self.audit(
            Action::Overridden,
            object,
            None,
            name,
            Some(detail.to_owned()),
        );
    }

    fn audit(
        &self,
        action: Action,
        object: &'static str,
        id: Option<i64>,
        name: &str,
        detail: Option<String>,
    ) {
        let Some(log) = &self.audit else {
            return;
        };
        log.record(&audit::Event {
            time: audit::now(),
            site: self.client.site().to_string(),
            company: self.client.credentials().company_id.clone(),
            administrator: self.admin.identifier.clone().unwrap_or_default(),
            action,
            object,
            id,
            name: name.to_owned(),
            detail,
        });
    }
}

impl From<Outcome> for Action {
    fn from(outcome: Outcome) -> Action {
        match outcome {
            Outcome::Created => Action::Created,
            Outcome::Reused => Action::Reused,
            Outcome::Changed => Action::Changed,
        }
    }
}

/// Checks that a client ID looks like the GUID ConnectWise issues, before any request.
pub fn validate_client_id(client_id: &str) -> Result<(), ProvisionError> {
    let trimmed = client_id.trim();
    let groups: Vec<&str> = trimmed.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    let is_guid = groups.len() == lengths.len()
        && groups.iter().zip(lengths).all(|(group, length)| {
            group.len() == length && group.chars().all(|c| c.is_ascii_hexdigit())
        });
    let braced = trimmed.starts_with('{') && trimmed.ends_with('}');
    let like_key = trimmed.len() == crate::secrets::paste::KEY_LENGTH
        && trimmed.chars().all(|c| c.is_ascii_alphanumeric());
    if like_key {
        // A key half pasted into the wrong field may be a private key, so it is not repeated.
        return Err(ProvisionError::InvalidInput {
            field: "client ID",
            value: "(16 letters and digits, not shown)".to_owned(),
            fix: "that looks like an API key half, not a client ID; the client ID is a GUID \
                  such as 3f2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f from \
                  developer.connectwise.com/ClientID"
                .into(),
        });
    }
    if is_guid {
        Ok(())
    } else if braced {
        Err(ProvisionError::InvalidInput {
            field: "client ID",
            value: client_id.to_owned(),
            fix: "remove the braces { } around the GUID".into(),
        })
    } else {
        Err(ProvisionError::InvalidInput {
            field: "client ID",
            value: client_id.to_owned(),
            fix: "it must be a GUID such as 3f2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f; use the client \
                  ID registered for this integration at developer.connectwise.com/ClientID"
                .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_client_id_accepted() {
        assert!(validate_client_id("3f2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f").is_ok());
    }

    #[test]
    fn malformed_client_id_rejected() {
        for value in [
            "",
            "abc",
            "3f2c9a4e1b7d4c8e9f002a6b5c7d8e9f",
            "zf2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f",
        ] {
            let error = validate_client_id(value).expect_err("rejected");
            assert!(error.to_string().contains("GUID"), "{value}: {error}");
        }
    }

    #[test]
    fn braced_client_id_names_braces() {
        let error = validate_client_id("{3f2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f}")
            .expect_err("braces rejected");
        assert!(error.to_string().contains("remove the braces"), "{error}");
    }

    #[test]
    fn key_like_client_id_not_repeated() {
        let error = validate_client_id("TKcu7ilQ9nBPCGhI").expect_err("not a GUID");
        assert!(!error.to_string().contains("TKcu7ilQ9nBPCGhI"), "{error}");
        assert!(error.to_string().contains("API key half"), "{error}");
    }
}
