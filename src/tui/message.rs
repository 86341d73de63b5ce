//! Everything that can happen to the wizard: terminal input, time, signals, and the replies of
//! engine calls.
//!
//! Each reply carries the id of its request, so [`super::update::update`] can drop a reply to a
//! request that is no longer awaited. Errors arrive as the engine's `Display` text, which is
//! worded for the user.

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use secrecy::SecretString;

use super::model::{ConnectionInfo, RequestId};
use crate::provision::{KeyStatus, MemberChoices, MemberStatus, RoleStatus};
use crate::secrets::KeyPair;

/// A signal that ends the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitSignal {
    Interrupt,
    Terminate,
    HangUp,
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
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
        result: Result<ConnectionInfo, String>,
    },
    /// The reply to finding or creating the role, and to re-reading it.
    RoleDone {
        request_id: RequestId,
        result: Result<RoleStatus, String>,
    },
    MemberChoicesDone {
        request_id: RequestId,
        result: Result<MemberChoices, String>,
    },
    MemberDone {
        request_id: RequestId,
        result: Result<MemberStatus, String>,
    },
    /// The verified status, with the pair in the order that ConnectWise accepted.
    KeyVerified {
        request_id: RequestId,
        result: Result<(KeyStatus, KeyPair), String>,
    },
    /// The keyring account on success.
    KeyStored {
        request_id: RequestId,
        result: Result<String, String>,
    },
    /// The number of role settings the sandbox changed.
    DemoRoleLevelsDone {
        request_id: RequestId,
        result: Result<usize, String>,
    },
    DemoKeyCreated {
        request_id: RequestId,
        result: Result<KeyPair, String>,
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
