//! Errors of the provisioning engine, each worded with the value at fault and the next step.

use crate::cwm::CwmError;
use crate::requirements::ChecklistLine;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProvisionError {
    #[error(transparent)]
    ConnectWise(#[from] CwmError),

    #[error("invalid {field} {value:?}: {fix}")]
    InvalidInput {
        field: &'static str,
        value: String,
        fix: String,
    },

    #[error(
        "the security role {name:?} has the admin flag, which grants far more than the tools need. \
         Choose another role name, or pass --allow-admin-role to use it anyway"
    )]
    AdminRoleRefused { name: String },

    #[error(
        "the identifier {identifier:?} belongs to a member who is not an API member; it is never \
         overwritten. Choose another API member identifier"
    )]
    IdentifierConflict { identifier: String },

    #[error(
        "your own API key lacks permissions needed to set up access: {}. Use an administrator's \
         key, or ask one to grant these in System > Security Roles",
        describe_lines(.missing)
    )]
    AdminLacksPermissions { missing: Vec<ChecklistLine> },

    #[error(
        "the tool key with public key {public_key:?} was rejected (HTTP 401), also with the two \
         halves swapped. Copy both keys again from the API Keys tab of the member"
    )]
    KeyRejected { public_key: String },

    #[error(
        "the tool key belongs to member {actual:?}, not to {expected:?}. This is often your own \
         administrator key pasted by mistake: create the key on {expected}'s API Keys tab"
    )]
    KeyWrongMember { expected: String, actual: String },
}

fn describe_lines(lines: &[ChecklistLine]) -> String {
    lines
        .iter()
        .map(|line| {
            format!(
                "{} > {} {} {}",
                line.module,
                line.function,
                line.verb.column_title(),
                line.required
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
