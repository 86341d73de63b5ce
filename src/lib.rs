//! v360-setup: sets up ConnectWise Manage API access for Visionary 360's tools.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod sandbox;
