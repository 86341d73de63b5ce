//! The Linux kernel keyring (keyutils), for machines with no Secret Service, such as a headless
//! SSH session.
//!
//! Entries are `user` keys named `v360-setup:{account}` in the user's persistent keyring
//! (persistent-keyring(7)). That keyring outlives the login session, so a later `check` or
//! rotation by the same user finds the pair, including after logging out and in again. It
//! expires when nobody asks for it for `/proc/sys/kernel/keys/persistent_keyring_expiry`
//! seconds (3 days by default); every call here asks for it and so restarts that timer. A
//! reboot clears it. Where the kernel has no persistent keyrings, the user keyring (`@u`) is
//! used instead, which lives until the user's last process exits.
//!
//! The keyring is linked into this process's own keyring before use. A key's default
//! permissions let only its possessor read it, and a process possesses what it can reach from
//! its own thread, process and session keyrings, so this link is what lets a later process of
//! the same user read the key. keyring 3.6's keyutils store instead remembers the id of the
//! session keyring before asking for the persistent keyring. In a process with no session
//! keyring of its own (a container, or SSH without pam_keyinit) that request makes the kernel
//! install a new session keyring. The remembered keyring is then no longer possessed, each key
//! added to it reads back as EACCES, and the crate reports that as "no matching entry".

use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};
use zeroize::Zeroizing;

use super::{Backend, KeystoreError, Stored, SERVICE};

/// Returns the key description for an account.
pub fn description(account: &str) -> String {
    format!("{SERVICE}:{account}")
}

/// Opens the persistent keyring, or the user keyring where the kernel has no persistent
/// keyrings, linked into this process's keyring.
fn open() -> Result<KeyRing, KeystoreError> {
    let persistent_error = match KeyRing::get_persistent(KeyRingIdentifier::Process) {
        Ok(keyring) => return Ok(keyring),
        Err(error) => error,
    };

    let user = KeyRing::from_special_id(KeyRingIdentifier::User, true);
    let process = KeyRing::from_special_id(KeyRingIdentifier::Process, true);
    match (user, process) {
        (Ok(user), Ok(process)) => match process.link_keyring(user) {
            Ok(()) => Ok(user),
            Err(error) => Err(unavailable(persistent_error, error)),
        },
        (Err(error), _) | (_, Err(error)) => Err(unavailable(persistent_error, error)),
    }
}

fn unavailable(persistent_error: KeyError, user_error: KeyError) -> KeystoreError {
    KeystoreError::Unavailable {
        detail: format!(
            "kernel keyring: the persistent keyring failed with {} and the user keyring with {}",
            describe(persistent_error),
            describe(user_error)
        ),
    }
}

fn failed(operation: &'static str, error: KeyError) -> KeystoreError {
    KeystoreError::Failed {
        backend: Backend::KernelKeyring,
        operation,
        detail: describe(error),
    }
}

/// Names a keyutils error with its errno, because the crate's names alone can mislead.
fn describe(error: KeyError) -> String {
    match error {
        KeyError::AccessDenied => "EACCES (permission denied)".into(),
        KeyError::PermissionDenied => "EPERM (operation not permitted)".into(),
        KeyError::KeyDoesNotExist => "ENOKEY (key not found)".into(),
        KeyError::KeyExpired => "EKEYEXPIRED (key expired)".into(),
        KeyError::KeyRevoked => "EKEYREVOKED (key revoked)".into(),
        KeyError::QuotaExceeded => "EDQUOT (key quota exceeded)".into(),
        KeyError::OperationNotSupported => "ENOTSUP (not supported by this kernel)".into(),
        KeyError::Unknown(38) => "ENOSYS (keyctl is not available, or blocked)".into(),
        KeyError::Unknown(errno) => format!("errno {errno}"),
        other => format!("{other:?}"),
    }
}

/// Adds the key, or updates it in place when the keyring already has one with this name.
pub fn store(account: &str, secret: &str) -> Result<Stored, KeystoreError> {
    let keyring = open()?;
    let name = description(account);
    let replaced = keyring.search(&name).is_ok();
    keyring
        .add_key(&name, secret.as_bytes())
        .map_err(|error| failed("storing the key pair", error))?;
    Ok(Stored {
        backend: Backend::KernelKeyring,
        replaced,
    })
}

/// Reads the key; `Ok(None)` when there is none.
pub fn load(account: &str) -> Result<Option<Zeroizing<String>>, KeystoreError> {
    let keyring = open()?;
    let key = match keyring.search(&description(account)) {
        Ok(key) => key,
        Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
            return Ok(None)
        }
        Err(error) => return Err(failed("reading the key pair", error)),
    };
    let bytes = Zeroizing::new(
        key.read_to_vec()
            .map_err(|error| failed("reading the key pair", error))?,
    );
    let text = std::str::from_utf8(&bytes).map_err(|_| KeystoreError::Malformed {
        account: account.to_owned(),
        backend: Backend::KernelKeyring,
    })?;
    Ok(Some(Zeroizing::new(text.to_owned())))
}

/// Invalidates the key, which removes it from every keyring at once; returns whether one
/// existed.
pub fn delete(account: &str) -> Result<bool, KeystoreError> {
    let keyring = open()?;
    let key = match keyring.search(&description(account)) {
        Ok(key) => key,
        Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
            return Ok(false)
        }
        Err(error) => return Err(failed("deleting the key pair", error)),
    };
    key.invalidate()
        .map_err(|error| failed("deleting the key pair", error))?;
    Ok(true)
}
