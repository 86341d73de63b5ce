//! Tool requirements on a security role, and their comparison with a role's settings.
//!
//! Manifests list, per module and function, the level each verb needs. Requirements from
//! several tools merge by taking the highest level per function and verb. The checklist
//! compares them with the levels a role (or a key's effective permissions) actually grants.

pub mod catalog;
mod checklist;
mod level;
pub mod manifest;

pub use checklist::{compare, Checklist, ChecklistLine, GrantedLevel};
pub use level::{Level, Verb};
pub use manifest::{Manifest, Permission};

use serde::Serialize;

/// One required level: module, function, verb and the minimum level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub module: String,
    pub function: String,
    pub verb: Verb,
    pub level: Level,
    pub optional: bool,
}

/// The merged requirements of one or more tools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirements {
    pub lines: Vec<Requirement>,
}

impl Requirements {
    /// Merges the permissions of the given tools, keeping the highest level per module,
    /// function and verb. A line is optional only if every tool that requires it marks it so.
    pub fn merge<'a>(manifests: impl IntoIterator<Item = &'a Manifest>) -> Requirements {
        let mut lines: Vec<Requirement> = Vec::new();
        for manifest in manifests {
            for permission in &manifest.permissions {
                for verb in Verb::ALL {
                    let Some(level) = permission.level(verb) else {
                        continue;
                    };
                    if level == Level::None {
                        continue;
                    }
                    let existing = lines.iter_mut().find(|line| {
                        line.verb == verb
                            && names_match(&line.module, &permission.module)
                            && names_match(&line.function, &permission.function)
                    });
                    match existing {
                        Some(line) => {
                            line.level = line.level.max(level);
                            line.optional = line.optional && permission.optional;
                        }
                        None => lines.push(Requirement {
                            module: permission.module.clone(),
                            function: permission.function.clone(),
                            verb,
                            level,
                            optional: permission.optional,
                        }),
                    }
                }
            }
        }
        Requirements { lines }
    }
}

/// Compares module or function names the way ConnectWise admins write them: ignoring case,
/// spaces and punctuation, with `&` read as `and`.
pub fn names_match(left: &str, right: &str) -> bool {
    normalize_name(left) == normalize_name(right)
}

pub fn normalize_name(name: &str) -> String {
    name.to_lowercase()
        .replace('&', "and")
        .chars()
        .filter(|character| character.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(text, "test.toml").expect("test manifest parses")
    }

    #[test]
    fn merge_takes_highest_level() {
        let first = manifest(
            "id='a'\nname='A'\n[[permission]]\nmodule='Companies'\nfunction='Contacts'\ninquire='My'\n",
        );
        let second = manifest(
            "id='b'\nname='B'\n[[permission]]\nmodule='companies'\nfunction='CONTACTS'\ninquire='All'\nadd='My'\n",
        );
        let merged = Requirements::merge([&first, &second]);
        assert_eq!(merged.lines.len(), 2, "{merged:?}");
        let inquire = merged
            .lines
            .iter()
            .find(|line| line.verb == Verb::Inquire)
            .expect("inquire line");
        assert_eq!(inquire.level, Level::All);
    }

    #[test]
    fn ampersand_matches_and() {
        assert!(names_match("Time & Expense", "time and expense"));
        assert!(!names_match("Time Entry", "Time Expense"));
    }

    #[test]
    fn email_reconnector_has_required_lines() {
        let tool = manifest::find_builtin("email-reconnector").expect("built in");
        let requirements = Requirements::merge([&tool]);
        let required = requirements
            .lines
            .iter()
            .filter(|line| !line.optional)
            .count();
        assert!(required >= 8, "{requirements:?}");
    }
}
