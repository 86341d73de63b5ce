//! Chooses the keyring backend for this operating system and runs one blocking call on it.
//!
//! macOS and Windows have one OS keyring each, reached through the `keyring` crate. Linux tries
//! the Secret Service first when a D-Bus session bus is configured, then the kernel keyring.
//! Other systems have no supported keyring.

use zeroize::Zeroizing;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
use super::SERVICE;
use super::{Backend, KeystoreError, Stored};

/// Calls the `keyring` crate's store for one entry; the Secret Service on Linux, and the only OS
/// keyring on macOS and Windows.
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
mod entry {
    use zeroize::Zeroizing;

    use super::{Backend, KeystoreError, Stored, SERVICE};

    #[cfg(target_os = "linux")]
    pub const BACKEND: Backend = Backend::SecretService;
    #[cfg(target_os = "macos")]
    pub const BACKEND: Backend = Backend::MacosKeychain;
    #[cfg(target_os = "windows")]
    pub const BACKEND: Backend = Backend::WindowsCredentialManager;

    #[cfg(target_os = "linux")]
    fn open(account: &str) -> Result<keyring::Entry, keyring::Error> {
        let credential =
            keyring::secret_service::SsCredential::new_with_target(None, SERVICE, account)?;
        Ok(keyring::Entry::new_with_credential(Box::new(credential)))
    }

    #[cfg(not(target_os = "linux"))]
    fn open(account: &str) -> Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(SERVICE, account)
    }

    fn failed(operation: &'static str, error: keyring::Error) -> KeystoreError {
        KeystoreError::Failed {
            backend: BACKEND,
            operation,
            detail: error.to_string(),
        }
    }

    pub fn store(account: &str, secret: &str) -> Result<Stored, KeystoreError> {
        const OPERATION: &str = "storing the key pair";
        let entry = open(account).map_err(|error| failed(OPERATION, error))?;
        let replaced = match entry.get_password() {
            Ok(previous) => {
                drop(Zeroizing::new(previous));
                true
            }
            Err(keyring::Error::NoEntry) => false,
            Err(error) => return Err(failed(OPERATION, error)),
        };
        entry
            .set_password(secret)
            .map_err(|error| failed(OPERATION, error))?;
        Ok(Stored {
            backend: BACKEND,
            replaced,
        })
    }

    pub fn load(account: &str) -> Result<Option<Zeroizing<String>>, KeystoreError> {
        const OPERATION: &str = "reading the key pair";
        let entry = open(account).map_err(|error| failed(OPERATION, error))?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(failed(OPERATION, error)),
        }
    }

    pub fn delete(account: &str) -> Result<bool, KeystoreError> {
        const OPERATION: &str = "deleting the key pair";
        let entry = open(account).map_err(|error| failed(OPERATION, error))?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(error) => Err(failed(OPERATION, error)),
        }
    }
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
pub fn store(account: &str, secret: &str) -> Result<Stored, KeystoreError> {
    entry::store(account, secret)
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
pub fn load(account: &str) -> Result<(Zeroizing<String>, Backend), KeystoreError> {
    match entry::load(account)? {
        Some(secret) => Ok((secret, entry::BACKEND)),
        None => Err(KeystoreError::NotFound {
            account: account.to_owned(),
        }),
    }
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
pub fn delete(account: &str) -> Result<Vec<Backend>, KeystoreError> {
    Ok(if entry::delete(account)? {
        vec![entry::BACKEND]
    } else {
        Vec::new()
    })
}

/// Returns why the Secret Service is not tried, or `None` when a session bus is configured.
///
/// zbus finds the session bus through `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`;
/// with neither there is nothing to connect to, so no D-Bus call is made.
#[cfg(target_os = "linux")]
fn secret_service_absent() -> Option<String> {
    let address = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").filter(|value| !value.is_empty());
    let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
        .map(|directory| std::path::Path::new(&directory).join("bus"))
        .filter(|path| path.exists());
    if address.is_some() || runtime_bus.is_some() {
        None
    } else {
        Some("Secret Service: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)".into())
    }
}

/// Joins the reasons why each backend was unusable into one `Unavailable` error.
#[cfg(target_os = "linux")]
fn unavailable(mut causes: Vec<String>, kernel_error: KeystoreError) -> KeystoreError {
    match kernel_error {
        KeystoreError::Unavailable { detail } => {
            causes.push(detail);
            KeystoreError::Unavailable {
                detail: causes.join("; "),
            }
        }
        other => other,
    }
}

#[cfg(target_os = "linux")]
pub fn store(account: &str, secret: &str) -> Result<Stored, KeystoreError> {
    let mut causes = Vec::new();
    match secret_service_absent() {
        Some(cause) => causes.push(cause),
        None => match entry::store(account, secret) {
            Ok(stored) => return Ok(stored),
            Err(error) => causes.push(error.to_string()),
        },
    }
    super::kernel::store(account, secret).map_err(|error| unavailable(causes, error))
}

#[cfg(target_os = "linux")]
pub fn load(account: &str) -> Result<(Zeroizing<String>, Backend), KeystoreError> {
    let mut secret_service_error = None;
    let mut causes = Vec::new();
    match secret_service_absent() {
        Some(cause) => causes.push(cause),
        None => match entry::load(account) {
            Ok(Some(secret)) => return Ok((secret, Backend::SecretService)),
            Ok(None) => {}
            Err(error) => {
                causes.push(error.to_string());
                secret_service_error = Some(error);
            }
        },
    }

    match super::kernel::load(account) {
        Ok(Some(secret)) => Ok((secret, Backend::KernelKeyring)),
        // The Secret Service failed, so the pair may be there: report that, not "not found".
        Ok(None) => Err(secret_service_error.unwrap_or(KeystoreError::NotFound {
            account: account.to_owned(),
        })),
        Err(error) => Err(unavailable(causes, error)),
    }
}

/// Deletes the pair from both backends. A failing Secret Service is an error even when the
/// kernel keyring's copy was deleted, because its copy may remain.
#[cfg(target_os = "linux")]
pub fn delete(account: &str) -> Result<Vec<Backend>, KeystoreError> {
    let mut deleted = Vec::new();
    let mut causes = Vec::new();
    match secret_service_absent() {
        Some(cause) => causes.push(cause),
        None => {
            if entry::delete(account)? {
                deleted.push(Backend::SecretService);
            }
        }
    }

    match super::kernel::delete(account) {
        Ok(true) => deleted.push(Backend::KernelKeyring),
        Ok(false) => {}
        // The Secret Service answered, so the pair had a keyring to be in, and it is gone.
        Err(KeystoreError::Unavailable { .. }) if causes.is_empty() => {}
        Err(error) => return Err(unavailable(causes, error)),
    }
    Ok(deleted)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn unsupported() -> KeystoreError {
    KeystoreError::Unavailable {
        detail: format!(
            "v360-setup supports the OS keyrings of Linux, macOS and Windows, not {}",
            std::env::consts::OS
        ),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub fn store(_account: &str, _secret: &str) -> Result<Stored, KeystoreError> {
    Err(unsupported())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub fn load(_account: &str) -> Result<(Zeroizing<String>, Backend), KeystoreError> {
    Err(unsupported())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub fn delete(_account: &str) -> Result<Vec<Backend>, KeystoreError> {
    Err(unsupported())
}
