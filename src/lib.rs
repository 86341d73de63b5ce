//! v360-setup: sets up ConnectWise Manage API access for Visionary 360's tools.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cwm;
pub mod provision;
pub mod requirements;
pub mod sandbox;
pub mod secrets;
