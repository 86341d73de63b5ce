//! Handing a tool's new key to the user or to the tool: the clipboard through OSC 52, and the
//! tool's registration endpoint over HTTPS. The OS keyring is in [`crate::secrets::keystore`].

pub mod clipboard;
pub mod registration;
