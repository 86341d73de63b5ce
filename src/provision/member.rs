//! Step 2: the API member.

use futures::future::join_all;
use serde::Serialize;
use serde_json::json;

use super::{Outcome, ProvisionError, RoleSummary, Session, MAX_IDENTIFIER_LENGTH};
use crate::audit::Action;
use crate::cwm::models::{ApiMember, NamedItem, NewApiMember, PatchOperation, Reference};

/// The API member's name: first name "Visionary 360", last name "API".
pub const DEFAULT_MEMBER_NAME: &str = "Visionary 360 API";

/// ConnectWise's maximum length of an API member's name.
pub const MAX_MEMBER_NAME_LENGTH: usize = 30;

/// The lists the member pickers offer, and the defaults taken from the administrator's own
/// member record.
#[derive(Debug, Clone, Default)]
pub struct MemberChoices {
    pub levels: Vec<NamedItem>,
    pub locations: Vec<NamedItem>,
    pub departments: Vec<NamedItem>,
    pub time_zones: Vec<NamedItem>,
    pub default_level: Option<i64>,
    pub default_location: Option<i64>,
    pub default_department: Option<i64>,
    pub default_time_zone: Option<i64>,
}

impl MemberChoices {
    /// Builds a member spec from the defaults: the administrator's own values where set, else
    /// the first entry of each list (for levels, level 1, the highest).
    pub fn default_spec(&self, identifier: &str) -> Result<MemberSpec, ProvisionError> {
        let pick = |default: Option<i64>, items: &[NamedItem], field: &'static str| {
            default
                .filter(|id| items.iter().any(|item| item.id == *id))
                .or_else(|| items.iter().map(|item| item.id).min())
                .ok_or_else(|| ProvisionError::InvalidInput {
                    field,
                    value: String::new(),
                    fix: format!("the site lists no {field}; create one in the web UI first"),
                })
        };
        Ok(MemberSpec {
            identifier: identifier.to_owned(),
            name: DEFAULT_MEMBER_NAME.to_owned(),
            level_id: pick(self.default_level, &self.levels, "structure level")?,
            location_id: pick(self.default_location, &self.locations, "location")?,
            department_id: pick(self.default_department, &self.departments, "business unit")?,
            time_zone_id: self
                .default_time_zone
                .filter(|id| self.time_zones.iter().any(|item| item.id == *id)),
        })
    }
}

/// The API member's wanted identifier, name and references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSpec {
    pub identifier: String,
    pub name: String,
    pub level_id: i64,
    pub location_id: i64,
    pub department_id: i64,
    pub time_zone_id: Option<i64>,
}

/// One difference between an existing member and what the tools need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberStatus {
    pub id: i64,
    pub identifier: String,
    pub outcome: Outcome,
    /// Changes proposed for an existing member and not yet made, because they were not confirmed.
    pub pending_changes: Vec<MemberChange>,
}

pub fn validate_identifier(identifier: &str) -> Result<(), ProvisionError> {
    let invalid = |fix: String| ProvisionError::InvalidInput {
        field: "API member identifier",
        value: identifier.to_owned(),
        fix,
    };
    if identifier.is_empty() {
        return Err(invalid("enter an identifier such as V360API".into()));
    }
    if identifier.chars().count() > MAX_IDENTIFIER_LENGTH {
        return Err(invalid(format!(
            "ConnectWise allows at most {MAX_IDENTIFIER_LENGTH} characters; shorten it"
        )));
    }
    if !identifier
        .chars()
        .all(|character| character.is_ascii_alphanumeric() || character == '_' || character == '-')
    {
        return Err(invalid(
            "use only letters, digits, '-' and '_', with no spaces".into(),
        ));
    }
    Ok(())
}

fn validate_spec(spec: &MemberSpec) -> Result<(), ProvisionError> {
    validate_identifier(&spec.identifier)?;
    if spec.name.trim().is_empty() || spec.name.chars().count() > MAX_MEMBER_NAME_LENGTH {
        return Err(ProvisionError::InvalidInput {
            field: "API member name",
            value: spec.name.clone(),
            fix: format!("enter 1 to {MAX_MEMBER_NAME_LENGTH} characters"),
        });
    }
    Ok(())
}

impl Session {
    /// Reads the picker lists and the administrator's own member record, all at once. The
    /// result is kept for the session, because the lists change only in the web UI's setup
    /// tables.
    pub async fn member_choices(&self) -> Result<MemberChoices, ProvisionError> {
        if let Some(choices) = self.lookups.choices() {
            return Ok(choices);
        }
        let client = &self.client;
        let admin_record = async {
            match self.admin.id {
                Some(id) => client.member(id).await.map(Some),
                None => Ok(None),
            }
        };
        let (levels, locations, departments, time_zones, admin) = tokio::try_join!(
            client.structure_levels(),
            client.locations(),
            client.departments(),
            client.time_zones(),
            admin_record,
        )?;
        let id_of = |reference: Option<&Reference>| reference.map(|reference| reference.id);
        let choices = MemberChoices {
            default_level: admin
                .as_ref()
                .and_then(|m| id_of(m.structure_level.as_ref())),
            default_location: admin.as_ref().and_then(|m| {
                id_of(m.default_location.as_ref()).or(id_of(m.security_location.as_ref()))
            }),
            default_department: admin
                .as_ref()
                .and_then(|m| id_of(m.default_department.as_ref())),
            default_time_zone: admin.as_ref().and_then(|m| id_of(m.time_zone.as_ref())),
            levels,
            locations,
            departments,
            time_zones,
        };
        self.lookups.set_choices(choices.clone());
        Ok(choices)
    }

    /// Reads what creating an API member needs while the role step still runs: the picker
    /// lists and, for each identifier that no API member has, whether a non-API member has it.
    /// Skipped when a look-up found an API member, because a re-run with the member in place
    /// needs none of it. Errors are logged and left for the member step to meet again.
    pub(super) async fn prefetch_member(&self) {
        if self.lookups.any_api_member_exists() {
            return;
        }
        let choices = async {
            if let Err(error) = self.member_choices().await {
                tracing::warn!("reading the member choices ahead failed: {error}");
            }
        };
        let identifiers = self.lookups.absent_api_members();
        let members = join_all(identifiers.iter().map(|identifier| async move {
            match self.client.find_member(identifier).await {
                Ok(found) => self.lookups.set_member_exists(identifier, found.is_some()),
                Err(error) => {
                    tracing::warn!(identifier, "looking the member up ahead failed: {error}")
                }
            }
        }));
        tokio::join!(choices, members);
    }

    /// Finds the API member. A result that an earlier step read ahead is used once and then
    /// dropped, so the next step reads the site again.
    async fn take_api_member(&self, identifier: &str) -> Result<Option<ApiMember>, ProvisionError> {
        if let Some(found) = self.lookups.take_api_member(identifier) {
            return Ok(found);
        }
        Ok(self.client.find_api_member(identifier).await?)
    }

    /// Tells whether any member, API or not, has the identifier; a result read ahead is used once.
    async fn take_member_exists(&self, identifier: &str) -> Result<bool, ProvisionError> {
        if let Some(exists) = self.lookups.take_member_exists(identifier) {
            return Ok(exists);
        }
        Ok(self.client.find_member(identifier).await?.is_some())
    }

    /// Finds the API member by identifier or creates it with the role.
    ///
    /// An existing member with another role, or an inactive one, gets the change only when
    /// `apply_changes` is set; otherwise the change is returned as pending.
    pub async fn ensure_member(
        &self,
        spec: &MemberSpec,
        role: &RoleSummary,
        apply_changes: bool,
    ) -> Result<MemberStatus, ProvisionError> {
        validate_spec(spec)?;
        let existing = self.take_api_member(&spec.identifier).await?;
        self.find_or_create_member(existing, spec, role, apply_changes)
            .await
    }

    /// Reconciles `existing`, the result of the API member look-up, or creates the member.
    async fn find_or_create_member(
        &self,
        existing: Option<ApiMember>,
        spec: &MemberSpec,
        role: &RoleSummary,
        apply_changes: bool,
    ) -> Result<MemberStatus, ProvisionError> {
        if let Some(existing) = existing {
            return self
                .reconcile_member(existing, role, Some(spec), apply_changes)
                .await;
        }
        if self.take_member_exists(&spec.identifier).await? {
            return Err(ProvisionError::IdentifierConflict {
                identifier: spec.identifier.clone(),
            });
        }

        let body = NewApiMember {
            identifier: spec.identifier.clone(),
            name: spec.name.trim().to_owned(),
            security_role: Reference::to(role.id),
            structure_level: Reference::to(spec.level_id),
            security_location: Reference::to(spec.location_id),
            default_location: Reference::to(spec.location_id),
            default_department: Reference::to(spec.department_id),
            time_zone: spec.time_zone_id.map(Reference::to),
        };
        let created = match self.client.create_api_member(&body).await {
            Ok(member) => member,
            Err(error)
                if error.is_transport() || error.api().is_some_and(|api| api.is_duplicate()) =>
            {
                tracing::warn!(
                    "creating API member failed ({error}); looking it up before deciding"
                );
                match self.client.find_api_member(&spec.identifier).await? {
                    Some(member) => member,
                    None => return Err(error.into()),
                }
            }
            Err(error) => return Err(error.into()),
        };
        self.audit(
            Action::Created,
            "api_member",
            Some(created.id),
            &created.identifier,
            None,
        );
        Ok(MemberStatus {
            id: created.id,
            identifier: created.identifier,
            outcome: Outcome::Created,
            pending_changes: Vec::new(),
        })
    }

    /// Returns the existing API member's values as a spec, so pickers can start from them;
    /// `None` when no API member has the identifier. The look-up is kept for the
    /// [`Session::ensure_member`] call that follows.
    pub async fn existing_member_spec(
        &self,
        identifier: &str,
    ) -> Result<Option<MemberSpec>, ProvisionError> {
        let found = match self.lookups.api_member(identifier) {
            Some(found) => found,
            None => {
                let found = self.client.find_api_member(identifier).await?;
                self.lookups.set_api_member(identifier, found.clone());
                found
            }
        };
        let Some(member) = found else {
            return Ok(None);
        };
        let id_of = |reference: &Option<Reference>| reference.as_ref().map(|r| r.id);
        Ok(Some(MemberSpec {
            identifier: member.identifier.clone(),
            name: member.name.clone().unwrap_or_default(),
            level_id: id_of(&member.structure_level).unwrap_or_default(),
            location_id: id_of(&member.default_location)
                .or(id_of(&member.security_location))
                .unwrap_or_default(),
            department_id: id_of(&member.default_department).unwrap_or_default(),
            time_zone_id: id_of(&member.time_zone),
        }))
    }

    /// Like [`Session::ensure_member`], but reads the picker lists and takes their defaults
    /// only when the member must be created, which saves five requests on a re-run.
    pub async fn ensure_member_with_defaults(
        &self,
        identifier: &str,
        role: &RoleSummary,
        apply_changes: bool,
    ) -> Result<MemberStatus, ProvisionError> {
        validate_identifier(identifier)?;
        if let Some(existing) = self.take_api_member(identifier).await? {
            return self
                .reconcile_member(existing, role, None, apply_changes)
                .await;
        }
        let spec = self.member_choices().await?.default_spec(identifier)?;
        validate_spec(&spec)?;
        self.find_or_create_member(None, &spec, role, apply_changes)
            .await
    }

    async fn reconcile_member(
        &self,
        existing: ApiMember,
        role: &RoleSummary,
        spec: Option<&MemberSpec>,
        apply_changes: bool,
    ) -> Result<MemberStatus, ProvisionError> {
        let (mut changes, mut operations) = member_changes(&existing, role.id, &role.name);
        if let Some(spec) = spec {
            let (more_changes, more_operations) = spec_changes(&existing, spec);
            let more_changes = self.name_references(more_changes).await?;
            changes.extend(more_changes);
            operations.extend(more_operations);
        }
        if changes.is_empty() {
            self.audit(
                Action::Reused,
                "api_member",
                Some(existing.id),
                &existing.identifier,
                None,
            );
            return Ok(MemberStatus {
                id: existing.id,
                identifier: existing.identifier,
                outcome: Outcome::Reused,
                pending_changes: Vec::new(),
            });
        }
        if !apply_changes {
            return Ok(MemberStatus {
                id: existing.id,
                identifier: existing.identifier,
                outcome: Outcome::Reused,
                pending_changes: changes,
            });
        }
        let patched = self.patch_member(&existing, &operations).await?;
        let detail = describe_changes(&changes);
        tracing::info!(member = %patched.identifier, "API member changed: {detail}");
        let name = patched.identifier.clone();
        self.audit(
            Action::Changed,
            "api_member",
            Some(patched.id),
            &name,
            Some(detail),
        );
        Ok(MemberStatus {
            id: patched.id,
            identifier: patched.identifier,
            outcome: Outcome::Changed,
            pending_changes: Vec::new(),
        })
    }
}

/// Compares an existing member with what the tools need: the role, and an active status.
pub(super) fn member_changes(
    existing: &ApiMember,
    role_id: i64,
    role_name: &str,
) -> (Vec<MemberChange>, Vec<PatchOperation>) {
    let mut changes = Vec::new();
    let mut operations = Vec::new();
    let current_role = existing.security_role.as_ref();
    if current_role.map(|reference| reference.id) != Some(role_id) {
        changes.push(MemberChange {
            field: "security role".into(),
            from: current_role
                .map(Reference::label)
                .unwrap_or_else(|| "none".into()),
            to: role_name.to_owned(),
        });
        operations.push(PatchOperation::replace(
            "securityRole",
            json!({ "id": role_id }),
        ));
    }
    if existing.inactive_flag.unwrap_or(false) {
        changes.push(MemberChange {
            field: "status".into(),
            from: "inactive".into(),
            to: "active".into(),
        });
        operations.push(PatchOperation::replace("inactiveFlag", json!(false)));
    }
    (changes, operations)
}

impl Session {
    /// Replaces the `#id` of a proposed reference change with the object's name. Only the lists
    /// whose fields changed are read, and member edits are rare, so the extra GETs are few.
    async fn name_references(
        &self,
        mut changes: Vec<MemberChange>,
    ) -> Result<Vec<MemberChange>, ProvisionError> {
        for change in &mut changes {
            let Some(id) = change
                .to
                .strip_prefix('#')
                .and_then(|id| id.parse::<i64>().ok())
            else {
                continue;
            };
            let items = match change.field.as_str() {
                "level" => self.client.structure_levels().await?,
                "location" => self.client.locations().await?,
                "business unit" => self.client.departments().await?,
                "time zone" => self.client.time_zones().await?,
                _ => continue,
            };
            if let Some(item) = items.iter().find(|item| item.id == id) {
                change.to = item.name.clone();
            }
        }
        Ok(changes)
    }
}

/// Compares an existing member with the values a person chose in the wizard: name, level,
/// location, business unit and time zone.
fn spec_changes(
    existing: &ApiMember,
    spec: &MemberSpec,
) -> (Vec<MemberChange>, Vec<PatchOperation>) {
    let mut changes = Vec::new();
    let mut operations = Vec::new();
    let name = spec.name.trim();
    if existing.name.as_deref().map(str::trim) != Some(name) {
        changes.push(MemberChange {
            field: "name".into(),
            from: existing.name.clone().unwrap_or_else(|| "none".into()),
            to: name.to_owned(),
        });
        operations.push(PatchOperation::replace("name", json!(name)));
    }
    let references = [
        (
            "level",
            "structureLevel",
            existing.structure_level.as_ref(),
            Some(spec.level_id),
        ),
        (
            "location",
            "defaultLocation",
            existing.default_location.as_ref(),
            Some(spec.location_id),
        ),
        (
            "location",
            "securityLocation",
            existing.security_location.as_ref(),
            Some(spec.location_id),
        ),
        (
            "business unit",
            "defaultDepartment",
            existing.default_department.as_ref(),
            Some(spec.department_id),
        ),
        (
            "time zone",
            "timeZone",
            existing.time_zone.as_ref(),
            spec.time_zone_id,
        ),
    ];
    for (field, path, current, wanted) in references {
        let Some(wanted) = wanted else {
            continue;
        };
        if current.map(|reference| reference.id) == Some(wanted) {
            continue;
        }
        if !changes
            .iter()
            .any(|change: &MemberChange| change.field == field)
        {
            changes.push(MemberChange {
                field: field.into(),
                from: current
                    .map(Reference::label)
                    .unwrap_or_else(|| "none".into()),
                to: format!("#{wanted}"),
            });
        }
        operations.push(PatchOperation::replace(path, json!({ "id": wanted })));
    }
    (changes, operations)
}

fn describe_changes(changes: &[MemberChange]) -> String {
    changes
        .iter()
        .map(|change| format!("{} from {} to {}", change.field, change.from, change.to))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Session {
    /// Sends the PATCH once. After a transport error the member is read again, and the change
    /// counts as made only if the site shows it.
    async fn patch_member(
        &self,
        existing: &ApiMember,
        operations: &[PatchOperation],
    ) -> Result<ApiMember, ProvisionError> {
        match self.client.patch_api_member(existing.id, operations).await {
            Ok(member) => Ok(member),
            Err(error) if error.is_transport() => {
                tracing::warn!("changing API member failed ({error}); reading it again");
                let current = self.client.find_api_member(&existing.identifier).await?;
                let expected_role = operations
                    .iter()
                    .find(|operation| operation.path == "securityRole")
                    .and_then(|operation| operation.value["id"].as_i64());
                match current {
                    Some(member)
                        if expected_role.is_none_or(|id| {
                            member.security_role.as_ref().map(|role| role.id) == Some(id)
                        }) && !member.inactive_flag.unwrap_or(false) =>
                    {
                        Ok(member)
                    }
                    _ => Err(error.into()),
                }
            }
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_rules() {
        assert!(validate_identifier("V360API").is_ok());
        assert!(validate_identifier("V360API-ERC").is_ok());
        assert!(validate_identifier("").is_err());
        assert!(validate_identifier("V360APIEMAILRECONN").is_err());
        let error = validate_identifier("V360 API").expect_err("space rejected");
        assert!(error.to_string().contains("no spaces"), "{error}");
    }

    #[test]
    fn default_spec_prefers_admin_values() {
        let item = |id, name: &str| NamedItem {
            id,
            name: name.into(),
            identifier: None,
        };
        let choices = MemberChoices {
            levels: vec![item(2, "Region"), item(1, "Corporate")],
            locations: vec![item(5, "Main"), item(6, "Remote")],
            departments: vec![item(9, "Services")],
            time_zones: vec![],
            default_level: None,
            default_location: Some(6),
            default_department: Some(42),
            default_time_zone: Some(3),
        };
        let spec = choices.default_spec("V360API").expect("spec");
        assert_eq!(spec.level_id, 1, "level 1 is the highest");
        assert_eq!(spec.location_id, 6);
        assert_eq!(spec.department_id, 9, "unknown default falls back");
        assert_eq!(spec.time_zone_id, None);
    }
}
