//! Everything that can happen to the wizard: terminal input, time, signals, and the replies of
//! engine calls.
//!
//! Each reply carries the id of its request, so [`super::update::update`] can drop a reply to a
//! request that is no longer awaited. Errors arrive as an [`ErrorReport`], worded for the user.

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use secrecy::SecretString;

use super::model::{ConnectionInfo, ErrorReport, RequestId, Step};
use crate::provision::{KeyStatus, MemberChoices, MemberSpec, MemberStatus, RoleStatus};
use crate::secrets::KeyPair;

/// A signal that ends the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitSignal {
    Interrupt,
    Terminate,
    HangUp,
}

/// The element a left click selects, as the view recorded it for the cell clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickTarget {
    /// A step in the header.
    Step(Step),
    /// A row of the current screen, by the index that its form selects.
    Row(usize),
    /// An entry of the open picker, by its position in the filtered list.
    PickerEntry(usize),
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A left click with `--mouse`.
    Click(ClickTarget),
    /// Text from a bracketed paste; it may be a private key, so it is kept secret.
    Paste(SecretString),
    Resize {
        width: u16,
        height: u16,
    },
    /// Animates the spinner while a request runs.
    Tick,
    Signal(ExitSignal),
    ConnectDone {
        request_id: RequestId,
        result: Result<ConnectionInfo, ErrorReport>,
    },
    /// The reply to finding or creating the role, and to re-reading it.
    RoleDone {
        request_id: RequestId,
        result: Result<RoleStatus, ErrorReport>,
    },
    /// The picker lists, with the existing API member's values when the member exists.
    MemberChoicesDone {
        request_id: RequestId,
        result: Result<(MemberChoices, Option<MemberSpec>), ErrorReport>,
    },
    MemberDone {
        request_id: RequestId,
        result: Result<MemberStatus, ErrorReport>,
    },
    /// The verified status, with the pair in the order that ConnectWise accepted.
    KeyVerified {
        request_id: RequestId,
        result: Result<(KeyStatus, KeyPair), ErrorReport>,
    },
    /// A minted key pair, verified, with its expiration.
    KeyMinted {
        request_id: RequestId,
        result: Result<(KeyStatus, KeyPair, Option<String>), ErrorReport>,
    },
    /// The keyring account on success.
    KeyStored {
        request_id: RequestId,
        result: Result<String, ErrorReport>,
    },
    /// The HTTP status and the start of the response of the registration endpoint.
    RegistrationSent {
        request_id: RequestId,
        result: Result<(u16, String), ErrorReport>,
    },
    /// The number of role settings the sandbox changed.
    DemoRoleLevelsDone {
        request_id: RequestId,
        result: Result<usize, ErrorReport>,
    },
    DemoKeyCreated {
        request_id: RequestId,
        result: Result<KeyPair, ErrorReport>,
    },
}

impl Msg {
    /// Maps a terminal event to a message, or returns `None` for events the wizard ignores.
    ///
    /// Key releases are ignored because some terminals report them as well as presses.
    pub fn from_event(event: Event) -> Option<Msg> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
            Event::Paste(text) => Some(Msg::Paste(SecretString::from(text))),
            Event::Resize(width, height) => Some(Msg::Resize { width, height }),
            _ => None,
        }
    }
}
