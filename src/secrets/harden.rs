//! Process hardening that keeps keys in memory out of core dumps and debuggers.
//!
//! - Linux: `RLIMIT_CORE` is set to 0 and `prctl(PR_SET_DUMPABLE, 0)` marks the process
//!   non-dumpable, which also stops a process of the same user from attaching with `ptrace` or
//!   reading `/proc/<pid>/mem` (root still can).
//! - macOS and the other Unix systems: `RLIMIT_CORE` is set to 0.
//! - Windows: nothing is changed.

/// Hardens the running process; call it first thing in `main`, before any key is read.
///
/// Returns a message naming the step that failed; the steps before it stay in effect.
pub fn harden_process() -> Result<(), String> {
    #[cfg(unix)]
    disable_core_dumps()?;

    #[cfg(target_os = "linux")]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .map_err(|error| format!("failed to mark the process non-dumpable (prctl): {error}"))?;

    // NOTE: macOS has no safe equivalent of PR_SET_DUMPABLE. `ptrace(PT_DENY_ATTACH)` would
    // stop debuggers from attaching, but it needs `unsafe`, which this crate denies, so on macOS
    // only core dumps are disabled.
    Ok(())
}

#[cfg(unix)]
fn disable_core_dumps() -> Result<(), String> {
    use rustix::process::{setrlimit, Resource, Rlimit};

    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    setrlimit(Resource::Core, none)
        .map_err(|error| format!("failed to disable core dumps (RLIMIT_CORE 0): {error}"))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::process::Command;

    use super::*;

    const CHILD_VARIABLE: &str = "V360_HARDEN_CHILD";

    /// Runs in a child process only, so hardening does not change the test process itself.
    #[test]
    fn harden_child_reports_status() {
        if std::env::var_os(CHILD_VARIABLE).is_none() {
            return;
        }
        harden_process().expect("hardening succeeds");
        let dumpable = rustix::process::dumpable_behavior().expect("PR_GET_DUMPABLE");
        let core = rustix::process::getrlimit(rustix::process::Resource::Core);
        println!("dumpable={dumpable:?}");
        println!("core={:?}/{:?}", core.current, core.maximum);
    }

    #[test]
    fn harden_process_makes_child_non_dumpable() {
        let executable = std::env::current_exe().expect("test executable path");
        let output = Command::new(executable)
            .args([
                "--exact",
                "secrets::harden::tests::harden_child_reports_status",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_VARIABLE, "1")
            .output()
            .expect("run the test executable again");
        let stdout = String::from_utf8_lossy(&output.stdout);

        assert!(output.status.success(), "child failed: {stdout}");
        assert!(stdout.contains("dumpable=NotDumpable"), "{stdout}");
        assert!(stdout.contains("core=Some(0)/Some(0)"), "{stdout}");
    }
}
