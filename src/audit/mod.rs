//! The audit log: one JSON line per change or decision, for the MSP's records.
//!
//! Each line records what was created, reused, changed, verified or overridden, when, on which site
//! and company, and by which administrator. It never contains a private key: events carry only
//! identifiers, names and public keys.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;

/// The kind of event that happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Reused,
    Changed,
    Verified,
    /// The administrator continued although a check failed.
    Overridden,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub time: String,
    pub site: String,
    pub company: String,
    pub administrator: String,
    pub action: Action,
    /// `security_role`, `api_member` or `api_key`.
    pub object: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An append-only JSON-lines file.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl AuditLog {
    /// Opens the log for appending, creating the file and its folder.
    pub fn open(path: &Path) -> std::io::Result<AuditLog> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        // The log names sites, companies and members, so only its owner may read it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event. A write failure is logged and otherwise ignored, because losing an
    /// audit line must not abort a half-finished setup.
    pub fn record(&self, event: &Event) {
        let line = match serde_json::to_string(event) {
            Ok(line) => line,
            Err(error) => {
                tracing::error!("cannot encode audit event: {error}");
                return;
            }
        };
        let Ok(mut file) = self.file.lock() else {
            tracing::error!("audit log lock poisoned; event not written");
            return;
        };
        if let Err(error) = writeln!(file, "{line}") {
            tracing::error!(path = %self.path.display(), "cannot write audit log: {error}");
        }
    }
}

/// Returns the current time as RFC 3339 in UTC, such as `2026-12-04T20:15:00Z`.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_appends_json_lines() {
        let path = std::env::temp_dir().join(format!("v360-audit-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let log = AuditLog::open(&path).expect("log opens");
        for action in [Action::Created, Action::Reused] {
            log.record(&Event {
                time: now(),
                site: "https://api-na.myconnectwise.net/".into(),
                company: "acme".into(),
                administrator: "admin1".into(),
                action,
                object: "security_role",
                id: Some(7),
                name: "Visionary 360 API".into(),
                detail: None,
            });
        }
        let text = std::fs::read_to_string(&path).expect("log readable");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let first: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON line");
        assert_eq!(first["action"], "created");
        assert_eq!(first["object"], "security_role");
        assert!(first["time"]
            .as_str()
            .is_some_and(|time| time.ends_with('Z')));
        std::fs::remove_file(&path).ok();
    }
}
