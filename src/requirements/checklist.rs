//! The checklist: each required level next to the level a role grants.

use serde::Serialize;

use super::{names_match, Level, Requirements, Verb};
use crate::cwm::models::RoleSetting;

/// The level one role setting grants for a verb, with the names ConnectWise reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedLevel {
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub level: Level,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistLine {
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub required: Level,
    /// The level set; `None` in Rust terms when the role has no such function at all.
    pub actual: Option<Level>,
    pub optional: bool,
}

impl ChecklistLine {
    pub fn is_met(&self) -> bool {
        self.actual.is_some_and(|actual| actual >= self.required)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub lines: Vec<ChecklistLine>,
    /// Grants beyond what the tools need, shown as information.
    pub excess: Vec<ExcessGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcessGrant {
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub level: Level,
}

impl Checklist {
    /// Required lines that are not met; optional lines are left out.
    pub fn unmet(&self) -> impl Iterator<Item = &ChecklistLine> {
        self.lines
            .iter()
            .filter(|line| !line.optional && !line.is_met())
    }

    pub fn is_met(&self) -> bool {
        self.unmet().next().is_none()
    }
}

/// Flattens role settings (or `/system/mySecurity` entries) into one granted level per verb.
pub fn granted_levels(settings: &[RoleSetting]) -> Vec<GrantedLevel> {
    let mut granted = Vec::new();
    for setting in settings {
        let module = first_name(&[
            &setting.module_name,
            &setting.module_description,
            &setting.module_identifier,
        ]);
        let function = first_name(&[
            &setting.module_function_name,
            &setting.module_function_description,
            &setting.module_function_identifier,
        ]);
        let levels = [
            (Verb::Add, &setting.add_level),
            (Verb::Edit, &setting.edit_level),
            (Verb::Delete, &setting.delete_level),
            (Verb::Inquire, &setting.inquire_level),
        ];
        for (verb, level) in levels {
            let level = Level::from_api(level.as_deref()).unwrap_or(Level::None);
            granted.push(GrantedLevel {
                module: module.clone(),
                function: function.clone(),
                verb,
                level,
            });
        }
    }
    granted
}

fn first_name(candidates: &[&Option<String>]) -> String {
    candidates
        .iter()
        .find_map(|candidate| candidate.as_ref().filter(|name| !name.trim().is_empty()))
        .cloned()
        .unwrap_or_default()
}

fn setting_matches(setting: &RoleSetting, module: &str, function: &str) -> bool {
    let module_matches = [
        &setting.module_name,
        &setting.module_description,
        &setting.module_identifier,
    ]
    .iter()
    .any(|name| {
        name.as_deref()
            .is_some_and(|name| names_match(name, module))
    });
    let function_matches = [
        &setting.module_function_name,
        &setting.module_function_description,
        &setting.module_function_identifier,
    ]
    .iter()
    .any(|name| {
        name.as_deref()
            .is_some_and(|name| names_match(name, function))
    });
    module_matches && function_matches
}

/// Compares requirements with a role's settings.
pub fn compare(requirements: &Requirements, settings: &[RoleSetting]) -> Checklist {
    let mut lines = Vec::with_capacity(requirements.lines.len());
    for requirement in &requirements.lines {
        let actual = settings
            .iter()
            .find(|setting| setting_matches(setting, &requirement.module, &requirement.function))
            .map(|setting| {
                let level = match requirement.verb {
                    Verb::Add => &setting.add_level,
                    Verb::Edit => &setting.edit_level,
                    Verb::Delete => &setting.delete_level,
                    Verb::Inquire => &setting.inquire_level,
                };
                Level::from_api(level.as_deref()).unwrap_or(Level::None)
            });
        lines.push(ChecklistLine {
            module: requirement.module.clone(),
            function: requirement.function.clone(),
            verb: requirement.verb,
            required: requirement.level,
            actual,
            optional: requirement.optional,
        });
    }

    let mut excess = Vec::new();
    for grant in granted_levels(settings) {
        if grant.level == Level::None {
            continue;
        }
        let needed = requirements
            .lines
            .iter()
            .filter(|line| {
                line.verb == grant.verb
                    && names_match(&line.module, &grant.module)
                    && names_match(&line.function, &grant.function)
            })
            .map(|line| line.level)
            .max();
        if needed.is_none_or(|needed| grant.level > needed) {
            excess.push(ExcessGrant {
                module: grant.module,
                function: grant.function,
                verb: grant.verb,
                level: grant.level,
            });
        }
    }

    Checklist { lines, excess }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirements::Requirement;

    fn setting(module: &str, function: &str, inquire: &str, add: &str) -> RoleSetting {
        RoleSetting {
            module_description: Some(module.into()),
            module_function_name: Some(function.into()),
            inquire_level: Some(inquire.into()),
            add_level: Some(add.into()),
            ..RoleSetting::default()
        }
    }

    fn requirement(module: &str, function: &str, verb: Verb, level: Level) -> Requirement {
        Requirement {
            module: module.into(),
            function: function.into(),
            verb,
            level,
            optional: false,
        }
    }

    #[test]
    fn met_and_unmet_lines() {
        let requirements = Requirements {
            lines: vec![
                requirement("Companies", "Contacts", Verb::Inquire, Level::All),
                requirement("Service Desk", "Service Tickets", Verb::Add, Level::All),
            ],
        };
        let settings = vec![
            setting("Companies", "Contacts", "All", "None"),
            setting("Service Desk", "Service Tickets", "All", "My"),
        ];
        let checklist = compare(&requirements, &settings);
        assert!(checklist.lines[0].is_met());
        assert!(!checklist.lines[1].is_met());
        assert_eq!(checklist.lines[1].actual, Some(Level::My));
        assert_eq!(checklist.unmet().count(), 1);
    }

    #[test]
    fn missing_function_is_unmet() {
        let requirements = Requirements {
            lines: vec![requirement(
                "System",
                "API Reports",
                Verb::Inquire,
                Level::All,
            )],
        };
        let checklist = compare(&requirements, &[]);
        assert_eq!(checklist.lines[0].actual, None);
        assert!(!checklist.is_met());
    }

    #[test]
    fn grants_beyond_needs_are_excess() {
        let requirements = Requirements {
            lines: vec![requirement(
                "Companies",
                "Contacts",
                Verb::Inquire,
                Level::My,
            )],
        };
        let settings = vec![setting("Companies", "Contacts", "All", "All")];
        let checklist = compare(&requirements, &settings);
        assert_eq!(checklist.excess.len(), 2, "{:?}", checklist.excess);
    }
}
