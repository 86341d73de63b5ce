//! `plan`: what a run would create or change, found by reading only.

use serde::Serialize;

use super::member::member_changes;
use super::{guidance, ProvisionError, Session, Target};
use crate::requirements::{compare, ChecklistLine, Level, Verb};

/// One step a run would take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedAction {
    /// `create`, `reuse`, `change`, `set_levels`, `create_key` or `blocked`.
    pub action: &'static str,
    /// `security_role`, `api_member` or `api_key`.
    pub object: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One merged requirement, as `{"role", "module", "function", "verb", "level"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRequirement {
    /// The security role that must grant it; with Choice 2 each tool has its own.
    pub role: String,
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub level: Level,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanReport {
    pub actions: Vec<PlannedAction>,
    pub requirements: Vec<PlannedRequirement>,
    /// Required levels that existing roles do not grant yet.
    pub unmet: Vec<ChecklistLine>,
}

impl Session {
    /// Reads the site and lists what a run would do for each target. Sends only GET requests.
    pub async fn plan(&self, targets: &[Target]) -> Result<PlanReport, ProvisionError> {
        let mut report = PlanReport::default();
        for target in targets {
            self.plan_target(target, &mut report).await?;
        }
        Ok(report)
    }

    async fn plan_target(
        &self,
        target: &Target,
        report: &mut PlanReport,
    ) -> Result<(), ProvisionError> {
        let action = |action, object, name: &str, detail: Option<String>| PlannedAction {
            action,
            object,
            name: name.to_owned(),
            detail,
        };
        for line in &target.requirements.lines {
            report.requirements.push(PlannedRequirement {
                role: target.role_name.clone(),
                module: line.module.clone(),
                function: line.function.clone(),
                verb: line.verb,
                level: line.level,
            });
        }

        let client = self.client();
        let role = client.find_security_role(&target.role_name).await?;
        let role_id = match &role {
            None => {
                report
                    .actions
                    .push(action("create", "security_role", &target.role_name, None));
                let required = target
                    .requirements
                    .lines
                    .iter()
                    .filter(|l| !l.optional)
                    .count();
                report.actions.push(action(
                    "set_levels",
                    "security_role",
                    &target.role_name,
                    Some(format!(
                        "set {required} required level(s) in {}",
                        guidance::role_path(&target.role_name)
                    )),
                ));
                None
            }
            Some(role) if role.admin_flag.unwrap_or(false) => {
                report.actions.push(action(
                    "blocked",
                    "security_role",
                    &role.name,
                    Some(
                        "the role has the admin flag; use another name or --allow-admin-role"
                            .into(),
                    ),
                ));
                Some(role.id)
            }
            Some(role) => {
                let settings = client.security_role_settings(role.id).await?;
                let checklist = compare(&target.requirements, &settings);
                let unmet: Vec<ChecklistLine> = checklist.unmet().cloned().collect();
                report
                    .actions
                    .push(action("reuse", "security_role", &role.name, None));
                if !unmet.is_empty() {
                    report.actions.push(action(
                        "set_levels",
                        "security_role",
                        &role.name,
                        Some(format!(
                            "set {} unmet level(s) in {}",
                            unmet.len(),
                            guidance::role_path(&role.name)
                        )),
                    ));
                }
                report.unmet.extend(unmet);
                Some(role.id)
            }
        };

        let identifier = &target.member_identifier;
        match client.find_api_member(identifier).await? {
            Some(member) => {
                let (changes, _) =
                    member_changes(&member, role_id.unwrap_or(-1), &target.role_name);
                if changes.is_empty() {
                    report
                        .actions
                        .push(action("reuse", "api_member", identifier, None));
                } else {
                    let detail = changes
                        .iter()
                        .map(|change| {
                            format!("{} from {} to {}", change.field, change.from, change.to)
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    report
                        .actions
                        .push(action("change", "api_member", identifier, Some(detail)));
                }
            }
            None => {
                if client.find_member(identifier).await?.is_some() {
                    report.actions.push(action(
                        "blocked",
                        "api_member",
                        identifier,
                        Some("the identifier belongs to a member who is not an API member".into()),
                    ));
                } else {
                    report
                        .actions
                        .push(action("create", "api_member", identifier, None));
                }
            }
        }

        for tool in &target.tools {
            report.actions.push(action(
                "create_key",
                "api_key",
                tool.key_description(),
                Some(guidance::api_key_path(identifier, tool.key_description())),
            ));
        }
        Ok(())
    }
}
