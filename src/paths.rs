//! File locations: the config directory for tool manifests and defaults, and the state
//! directory for the audit log. Both follow the platform's conventions (the XDG base
//! directories on Linux), through the `directories` crate.

use std::path::PathBuf;

use directories::ProjectDirs;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("com", "Visionary 360", "v360-setup")
}

/// Returns the config directory, such as `~/.config/v360-setup` on Linux.
pub fn config_dir() -> Option<PathBuf> {
    project().map(|dirs| dirs.config_dir().to_path_buf())
}

/// Returns the folder of extra tool manifests inside the config directory.
pub fn tools_dir() -> Option<PathBuf> {
    config_dir().map(|dir| dir.join("tools"))
}

/// Returns the state directory, such as `~/.local/state/v360-setup` on Linux. Platforms without
/// a state directory use the local data directory.
pub fn state_dir() -> Option<PathBuf> {
    project().map(|dirs| {
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf()
    })
}

/// Returns the audit log's path inside the state directory.
pub fn audit_log() -> Option<PathBuf> {
    state_dir().map(|dir| dir.join("audit.jsonl"))
}
