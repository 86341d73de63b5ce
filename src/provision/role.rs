//! Step 1: the security role.

use serde::Serialize;

use super::{Outcome, ProvisionError, Session, MAX_ROLE_NAME_LENGTH};
use crate::cwm::models::SecurityRole;
use crate::requirements::{compare, Checklist, Requirements};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSummary {
    pub id: i64,
    pub name: String,
    pub admin_flag: bool,
}

impl From<&SecurityRole> for RoleSummary {
    fn from(role: &SecurityRole) -> Self {
        RoleSummary {
            id: role.id,
            name: role.name.clone(),
            admin_flag: role.admin_flag.unwrap_or(false),
        }
    }
}

/// The role and how its settings compare with the tools' requirements.
#[derive(Debug, Clone, Serialize)]
pub struct RoleStatus {
    pub role: RoleSummary,
    pub outcome: Outcome,
    pub checklist: Checklist,
}

pub fn validate_role_name(name: &str) -> Result<(), ProvisionError> {
    let trimmed = name.trim();
    let invalid = |fix: &str| ProvisionError::InvalidInput {
        field: "security role name",
        value: name.to_owned(),
        fix: fix.to_owned(),
    };
    if trimmed.is_empty() {
        return Err(invalid("enter a name such as \"Visionary 360 API\""));
    }
    if trimmed.chars().count() > MAX_ROLE_NAME_LENGTH {
        return Err(invalid(&format!(
            "ConnectWise allows at most {MAX_ROLE_NAME_LENGTH} characters; shorten it"
        )));
    }
    Ok(())
}

impl Session {
    /// Finds the role by name or creates it, then compares its settings with the requirements.
    ///
    /// A role with the admin flag is refused unless `allow_admin` is set.
    pub async fn ensure_role(
        &self,
        name: &str,
        requirements: &Requirements,
        allow_admin: bool,
    ) -> Result<RoleStatus, ProvisionError> {
        validate_role_name(name)?;
        let name = name.trim();
        self.find_or_create_role(name, requirements, allow_admin)
            .await
    }

    async fn find_or_create_role(
        &self,
        name: &str,
        requirements: &Requirements,
        allow_admin: bool,
    ) -> Result<RoleStatus, ProvisionError> {
        // A look-up read ahead by `Session::connect_for` is used once.
        let found = match self.lookups.take_role(name) {
            Some(found) => found,
            None => self.client.find_security_role(name).await?,
        };
        let (role, outcome) = match found {
            Some(role) => (role, Outcome::Reused),
            None => {
                let (created, ()) = tokio::join!(self.create_role(name), self.prefetch_member());
                (created?, Outcome::Created)
            }
        };
        if role.admin_flag.unwrap_or(false) && !allow_admin {
            return Err(ProvisionError::AdminRoleRefused {
                name: role.name.clone(),
            });
        }
        let checklist = self.role_checklist(role.id, requirements).await?;
        let unmet = checklist.unmet().count();
        let detail = format!("{unmet} required permission(s) unmet");
        self.audit(
            outcome.into(),
            "security_role",
            Some(role.id),
            &role.name,
            Some(detail),
        );
        Ok(RoleStatus {
            role: RoleSummary::from(&role),
            outcome,
            checklist,
        })
    }

    /// Reads the role's settings again, after the administrator changed them in the web UI.
    pub async fn recheck_role(
        &self,
        role: &RoleSummary,
        requirements: &Requirements,
    ) -> Result<RoleStatus, ProvisionError> {
        let checklist = self.role_checklist(role.id, requirements).await?;
        Ok(RoleStatus {
            role: role.clone(),
            outcome: Outcome::Reused,
            checklist,
        })
    }

    async fn role_checklist(
        &self,
        role_id: i64,
        requirements: &Requirements,
    ) -> Result<Checklist, ProvisionError> {
        let settings = self.client.security_role_settings(role_id).await?;
        Ok(compare(requirements, &settings))
    }

    /// Creates the role once. After a transport error or a duplicate response the role is looked
    /// up again, because the POST may have taken effect.
    async fn create_role(&self, name: &str) -> Result<SecurityRole, ProvisionError> {
        match self.client.create_security_role(name).await {
            Ok(role) => Ok(role),
            Err(error)
                if error.is_transport() || error.api().is_some_and(|api| api.is_duplicate()) =>
            {
                tracing::warn!("creating role failed ({error}); looking it up before deciding");
                match self.client.find_security_role(name).await? {
                    Some(role) => Ok(role),
                    None => Err(error.into()),
                }
            }
            Err(error) => Err(error.into()),
        }
    }
}
