//! Round trips through real OS keyrings: store, read, replace and delete a tool's key pair.
//!
//! Which backend runs depends on the environment: with a D-Bus session bus that offers the
//! Secret Service (gnome-keyring under `dbus-run-session`) the public API uses it, and without
//! one it uses the kernel keyring. `.ci/keyring.sh` runs this file both ways.
//!
//! Environment:
//! - `V360_KEYRING_TESTS=required` turns a missing backend into a failure. Without it such a
//!   test prints "skipped: …" to stderr and passes, so `cargo test` needs no keyring.
//! - `V360_KEYRING_EXPECT=secret-service` or `kernel` names the backend the public API must
//!   choose.

#![cfg(target_os = "linux")]

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use v360_setup::secrets::keystore::{self, kernel, Backend, KeystoreError};
use v360_setup::secrets::{ExposeSecret, KeyPair};

const FIRST_PUBLIC: &str = "KeyringPub000001";
const FIRST_PRIVATE: &str = "KeyringPriv00001";
const SECOND_PUBLIC: &str = "KeyringPub000002";
const SECOND_PRIVATE: &str = "KeyringPriv00002";

/// Set in the child process that [`later_process_reads_stored_pair`] starts.
const CHILD_ACCOUNT_VARIABLE: &str = "V360_KEYRING_CHILD_ACCOUNT";

fn required() -> bool {
    std::env::var("V360_KEYRING_TESTS").as_deref() == Ok("required")
}

fn expected_backend() -> Option<Backend> {
    match std::env::var("V360_KEYRING_EXPECT").as_deref() {
        Ok("secret-service") => Some(Backend::SecretService),
        Ok("kernel") => Some(Backend::KernelKeyring),
        Ok(other) => panic!("V360_KEYRING_EXPECT={other:?}: use secret-service or kernel"),
        Err(_) => None,
    }
}

/// Fails the test when backends are required, else reports the skip on stderr.
fn skip(reason: &str) {
    assert!(
        !required(),
        "{reason}, and V360_KEYRING_TESTS=required makes a missing keyring a failure"
    );
    eprintln!("skipped: {reason}");
}

/// Returns an account name no other test or run uses.
fn unique_account(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    keystore::account_name(
        "keyring-test.invalid",
        &format!("{}-{nanos}", std::process::id()),
        test,
    )
}

#[test]
fn kernel_keyring_store_read_replace_delete() {
    let account = unique_account("kernel");
    let stored = match kernel::store(&account, "public1:private1") {
        Ok(stored) => stored,
        Err(KeystoreError::Unavailable { detail }) => {
            return skip(&format!("the kernel keyring is not available ({detail})"))
        }
        Err(error) => panic!("storing in the kernel keyring failed: {error}"),
    };
    assert_eq!(stored.backend, Backend::KernelKeyring);
    assert!(!stored.replaced, "a new account has no previous entry");

    let read = kernel::load(&account).expect("read").expect("entry exists");
    assert_eq!(read.as_str(), "public1:private1");

    let replaced = kernel::store(&account, "public2:private2").expect("replace");
    assert!(replaced.replaced, "the second store replaces the first");
    let read = kernel::load(&account).expect("read").expect("entry exists");
    assert_eq!(read.as_str(), "public2:private2");

    assert!(kernel::delete(&account).expect("delete"), "entry existed");
    assert!(kernel::load(&account).expect("read").is_none());
    assert!(!kernel::delete(&account).expect("second delete"));
}

#[tokio::test]
async fn os_keyring_store_read_replace_delete() {
    let account = unique_account("os");
    let first = KeyPair::new(FIRST_PUBLIC, FIRST_PRIVATE);
    let stored = match keystore::store_pair(&account, &first).await {
        Ok(stored) => stored,
        Err(KeystoreError::Unavailable { detail }) => {
            return skip(&format!("no OS keyring is available ({detail})"))
        }
        Err(error) => panic!("storing the pair failed: {error}"),
    };
    if let Some(expected) = expected_backend() {
        assert_eq!(
            stored.backend, expected,
            "backend chosen for this environment"
        );
    }
    assert!(!stored.replaced);

    let loaded = keystore::load_pair(&account).await.expect("read");
    assert_eq!(loaded.backend, stored.backend);
    assert_eq!(loaded.pair.public_key, FIRST_PUBLIC);
    assert_eq!(loaded.pair.private_key.expose_secret(), FIRST_PRIVATE);

    let second = KeyPair::new(SECOND_PUBLIC, SECOND_PRIVATE);
    let replaced = keystore::store_pair(&account, &second)
        .await
        .expect("replace");
    assert_eq!(replaced.backend, stored.backend);
    assert!(replaced.replaced, "the second store replaces the first");
    let loaded = keystore::load_pair(&account).await.expect("read again");
    assert_eq!(loaded.pair.public_key, SECOND_PUBLIC);
    assert_eq!(loaded.pair.private_key.expose_secret(), SECOND_PRIVATE);

    let deleted = keystore::delete_pair(&account).await.expect("delete");
    assert_eq!(deleted, vec![stored.backend]);
    let error = keystore::load_pair(&account).await.unwrap_err();
    assert!(
        matches!(error, KeystoreError::NotFound { .. }),
        "after delete: {error}"
    );
    let deleted_again = keystore::delete_pair(&account).await.expect("delete again");
    assert!(deleted_again.is_empty());
}

#[tokio::test]
async fn missing_entry_is_not_found() {
    let account = unique_account("missing");
    match keystore::load_pair(&account).await {
        Err(KeystoreError::NotFound { account: named }) => assert_eq!(named, account),
        Err(KeystoreError::Unavailable { detail }) => {
            skip(&format!("no OS keyring is available ({detail})"))
        }
        Err(error) => panic!("expected not found, got: {error}"),
        Ok(loaded) => panic!("found an entry in the {}", loaded.backend),
    }
}

/// Runs only in the child process: reads the pair and prints what it found, never the key.
#[tokio::test]
async fn child_reads_pair() {
    let Ok(account) = std::env::var(CHILD_ACCOUNT_VARIABLE) else {
        return;
    };
    let loaded = keystore::load_pair(&account).await.expect("child reads");
    let matches = loaded.pair.public_key == FIRST_PUBLIC
        && loaded.pair.private_key.expose_secret() == FIRST_PRIVATE;
    println!("child-backend={}", loaded.backend);
    println!("child-match={matches}");
}

/// A pair stored by one process is readable by a later process of the same user. The child
/// runs in a new anonymous session keyring when `keyctl` is installed, so it cannot rely on
/// the parent's session keyring.
#[tokio::test]
async fn later_process_reads_stored_pair() {
    if std::env::var_os(CHILD_ACCOUNT_VARIABLE).is_some() {
        return;
    }
    let account = unique_account("later-process");
    let pair = KeyPair::new(FIRST_PUBLIC, FIRST_PRIVATE);
    let stored = match keystore::store_pair(&account, &pair).await {
        Ok(stored) => stored,
        Err(KeystoreError::Unavailable { detail }) => {
            return skip(&format!("no OS keyring is available ({detail})"))
        }
        Err(error) => panic!("storing the pair failed: {error}"),
    };

    let executable = std::env::current_exe().expect("test executable path");
    let test_arguments = ["--exact", "child_reads_pair", "--nocapture"];
    let keyctl_available = Command::new("keyctl")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    let mut command = if keyctl_available {
        let mut command = Command::new("keyctl");
        command.args(["session", "-"]).arg(&executable);
        command
    } else {
        Command::new(&executable)
    };
    let output = command
        .args(test_arguments)
        .env(CHILD_ACCOUNT_VARIABLE, &account)
        .output()
        .expect("start the child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    let deleted = keystore::delete_pair(&account).await;
    assert!(
        output.status.success(),
        "child failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains(&format!("child-backend={}", stored.backend)),
        "{stdout}"
    );
    assert!(stdout.contains("child-match=true"), "{stdout}");
    assert!(!stdout.contains(FIRST_PRIVATE), "child printed the key");
    deleted.expect("delete after the child read");
}
