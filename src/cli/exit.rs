//! Exit codes, documented in the README; scripts depend on them.

use std::process::ExitCode;

use crate::cwm::CwmError;
use crate::provision::ProvisionError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything is set up and verified.
    Done = 0,
    /// An unexpected failure, such as an API error the program does not classify.
    Failure = 1,
    /// Invalid or missing input: a flag, an environment variable or a value.
    InvalidInput = 2,
    /// The site, company ID, administrator key or client ID did not work, or the site was
    /// unreachable.
    ConnectionFailed = 3,
    /// The security role does not grant every required permission yet.
    RoleUnmet = 4,
    /// A decision is needed: an existing member would change (confirm with --yes), the role has
    /// the admin flag, or the identifier belongs to a non-API member.
    DecisionNeeded = 5,
    /// The tool's API key was rejected, belongs to another member, or lacks permissions.
    KeyRejected = 6,
    /// The API member is ready and the durable API key must be created in the web UI.
    WaitingForKey = 10,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Maps an engine error to its exit code.
    pub fn for_error(error: &ProvisionError) -> Exit {
        match error {
            ProvisionError::InvalidInput { .. } => Exit::InvalidInput,
            ProvisionError::AdminRoleRefused { .. } | ProvisionError::IdentifierConflict { .. } => {
                Exit::DecisionNeeded
            }
            ProvisionError::AdminLacksPermissions { .. } => Exit::ConnectionFailed,
            ProvisionError::KeyRejected { .. } | ProvisionError::KeyWrongMember { .. } => {
                Exit::KeyRejected
            }
            ProvisionError::ConnectWise(cwm) => match cwm {
                CwmError::InvalidSite { .. } | CwmError::CaCertificate { .. } => Exit::InvalidInput,
                CwmError::Certificate { .. } => Exit::ConnectionFailed,
                CwmError::Unreachable { .. }
                | CwmError::Timeout { .. }
                | CwmError::UnknownCompany { .. }
                | CwmError::NotConnectWise { .. }
                | CwmError::ClientIdRejected { .. }
                | CwmError::Unauthorized { .. } => Exit::ConnectionFailed,
                CwmError::Api(_) | CwmError::Decode { .. } => Exit::Failure,
            },
        }
    }
}

/// Maps a numeric exit code back to its `Exit`.
pub fn from_code(code: u8) -> Exit {
    match code {
        0 => Exit::Done,
        2 => Exit::InvalidInput,
        3 => Exit::ConnectionFailed,
        4 => Exit::RoleUnmet,
        5 => Exit::DecisionNeeded,
        6 => Exit::KeyRejected,
        10 => Exit::WaitingForKey,
        _ => Exit::Failure,
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}
