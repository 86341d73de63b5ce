//! The two layouts: Choice 1 shares one member and one role among all selected tools, Choice 2
//! gives each tool its own member and role.

use serde::Serialize;

use super::member::validate_identifier;
use super::role::validate_role_name;
use super::ProvisionError;
use crate::requirements::{Manifest, Requirements};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Choice 1: one member, one role with the merged requirements, one key per tool.
    Shared,
    /// Choice 2: one member and one role per tool.
    PerTool,
}

/// One role and member to set up, and the tools whose keys belong to that member.
#[derive(Debug, Clone)]
pub struct Target {
    pub role_name: String,
    pub member_identifier: String,
    pub tools: Vec<Manifest>,
    pub requirements: Requirements,
}

/// Splits the selected tools into targets for the layout. In Choice 2 the role name and member
/// identifier get the tool's suffix ("Visionary 360 API ERC", "V360APIERC").
pub fn targets(
    layout: Layout,
    tools: &[Manifest],
    role_name: &str,
    member_identifier: &str,
) -> Result<Vec<Target>, ProvisionError> {
    if tools.is_empty() {
        return Err(ProvisionError::InvalidInput {
            field: "tools",
            value: String::new(),
            fix: "select at least one tool".into(),
        });
    }
    let role_name = role_name.trim();
    let member_identifier = member_identifier.trim();
    let targets = match layout {
        Layout::Shared => vec![Target {
            role_name: role_name.to_owned(),
            member_identifier: member_identifier.to_owned(),
            tools: tools.to_vec(),
            requirements: Requirements::merge(tools),
        }],
        Layout::PerTool => tools
            .iter()
            .map(|tool| {
                let suffix = tool.suffix();
                Target {
                    role_name: format!("{role_name} {suffix}"),
                    member_identifier: format!("{member_identifier}{suffix}"),
                    tools: vec![tool.clone()],
                    requirements: Requirements::merge([tool]),
                }
            })
            .collect(),
    };
    for (target, tool) in targets.iter().zip(tools) {
        let suffix = (layout == Layout::PerTool).then(|| tool.suffix());
        let suffix = suffix.as_deref();
        validate_role_name(&target.role_name).map_err(|error| name_suffix(error, suffix))?;
        validate_identifier(&target.member_identifier)
            .map_err(|error| name_suffix(error, suffix))?;
    }
    Ok(targets)
}

/// Adds to an invalid-name error that the name ends with the tool's suffix, which the user did
/// not type, and how many characters were typed.
fn name_suffix(error: ProvisionError, suffix: Option<&str>) -> ProvisionError {
    let Some(suffix) = suffix else {
        return error;
    };
    match error {
        ProvisionError::InvalidInput { field, value, fix } => {
            let typed = value.strip_suffix(suffix).unwrap_or(&value).trim_end();
            let base = typed.chars().count();
            ProvisionError::InvalidInput {
                field,
                value: value.clone(),
                fix: format!(
                    "{fix} (Choice 2 adds the tool's suffix {suffix:?} to the {base} characters \
                     typed)"
                ),
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirements::manifest;

    fn tool(id: &str, suffix: &str, function: &str, level: &str) -> Manifest {
        let text = format!(
            "id = '{id}'\nname = '{id}'\nmember_suffix = '{suffix}'\n[[permission]]\n\
             module = 'Companies'\nfunction = '{function}'\ninquire = '{level}'\n"
        );
        Manifest::parse(&text, "test.toml").expect("test manifest")
    }

    #[test]
    fn shared_layout_merges_into_one_target() {
        let tools = [
            tool("a", "A", "Contacts", "My"),
            tool("b", "B", "Contacts", "All"),
        ];
        let targets = targets(Layout::Shared, &tools, "Visionary 360 API", "V360API").expect("ok");
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].member_identifier, "V360API");
        assert_eq!(targets[0].requirements.lines.len(), 1);
        assert_eq!(targets[0].requirements.lines[0].level.as_str(), "All");
    }

    #[test]
    fn per_tool_layout_suffixes_names() {
        let tools = [
            tool("a", "A", "Contacts", "My"),
            tool("b", "B", "Notes", "All"),
        ];
        let targets = targets(Layout::PerTool, &tools, "Visionary 360 API", "V360API").expect("ok");
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].role_name, "Visionary 360 API A");
        assert_eq!(targets[1].member_identifier, "V360APIB");
        assert_eq!(targets[1].requirements.lines[0].function, "Notes");
    }

    #[test]
    fn per_tool_identifier_too_long_rejected() {
        let tools = [tool("a", "LONGSUFFIX", "Contacts", "My")];
        let error = targets(Layout::PerTool, &tools, "Role", "V360API").expect_err("too long");
        assert!(error.to_string().contains("V360APILONGSUFFIX"), "{error}");
        assert!(error.to_string().contains("15"), "{error}");
        assert!(
            error.to_string().contains("suffix \"LONGSUFFIX\""),
            "{error}"
        );
    }

    #[test]
    fn builtin_tool_suffix_fits() {
        let tools = manifest::builtin();
        let targets = targets(Layout::PerTool, &tools, "Visionary 360 API", "V360API").expect("ok");
        assert_eq!(targets[0].member_identifier, "V360APIERC");
    }
}
