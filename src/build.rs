//! Build script: records the git commit the binary is built from, for `--version`, so that
//! support staff can tell which build a customer runs.
//!
//! The commit comes from `git` in a checkout, else from `.cargo_vcs_info.json` in a packaged
//! crate, else it is `unknown`.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Reads the commit cargo wrote into a packaged crate.
fn packaged_commit(manifest_dir: &Path) -> Option<String> {
    let info = std::fs::read_to_string(manifest_dir.join(".cargo_vcs_info.json")).ok()?;
    let start = info.find("\"sha1\"")?;
    let value = info[start + 6..].split('"').nth(1)?;
    Some(value.chars().take(12).collect())
}

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let manifest_dir = Path::new(&manifest_dir);

    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    if commit.is_some() {
        // A new commit or a checkout changes these files; nothing else changes the hash.
        for (flag, name) in [
            ("--git-dir", "HEAD"),
            ("--git-common-dir", "refs/heads"),
            ("--git-common-dir", "packed-refs"),
        ] {
            if let Some(folder) = git(&["rev-parse", flag]) {
                let path = manifest_dir.join(folder).join(name);
                if path.exists() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            }
        }
    } else {
        println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    }
    let commit = commit
        .or_else(|| packaged_commit(manifest_dir))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=BUILD_COMMIT={commit}");
    println!("cargo:rerun-if-changed=src/build.rs");
}
