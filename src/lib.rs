//! v360-setup: sets up ConnectWise Manage API access for Visionary 360's tools.
//!
//! Layers, each testable alone:
//! - [`cwm`]: the ConnectWise REST client;
//! - [`requirements`]: tool manifests and the permission checklist;
//! - [`provision`]: the provisioning engine behind both the wizard and `apply`;
//! - [`secrets`]: the secret type and the OS keyring;
//! - [`audit`]: the audit log of changes and decisions;
//! - [`tui`]: the interactive wizard;
//! - [`sandbox`]: a local ConnectWise Manage server for tests and `--demo`, written apart from
//!   the client and sharing none of its types.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod audit;
pub mod cli;
pub mod cwm;
pub mod handoff;
pub mod paths;
pub mod provision;
pub mod requirements;
pub mod sandbox;
pub mod secrets;
pub mod tui;
