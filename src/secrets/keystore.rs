//! The OS keyring: macOS Keychain, Windows Credential Manager, and on Linux the Secret Service or
//! the kernel keyring.
//!
//! Entries live under the service `v360-setup` with an account that names the site, the company
//! and the tool, so a later rotation or `check` finds the pair again. The public and private
//! halves are stored as one entry whose secret is `public:private`.
//!
//! On Linux the Secret Service (GNOME Keyring, KWallet) is preferred when a D-Bus session bus
//! offers it; otherwise the pair goes to the kernel keyring (see [`kernel`] for how long it lives
//! there). With neither, every call fails with [`KeystoreError::Unavailable`]: the caller keeps
//! the key in memory only and tells the user. Nothing here ever writes a key to a file.
//!
//! Every call runs on a blocking thread under [`TIMEOUT`], because a Secret Service that waits
//! for an unlock prompt nobody can see would otherwise hang the program.

#[cfg(target_os = "linux")]
pub mod kernel;
mod platform;

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::KeyPair;

pub const SERVICE: &str = "v360-setup";

/// Maximum time for one keyring call.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The store that contains an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    MacosKeychain,
    WindowsCredentialManager,
    /// The freedesktop.org Secret Service on the D-Bus session bus.
    SecretService,
    /// The Linux kernel's persistent keyring, or the user keyring where persistent keyrings are
    /// not built into the kernel.
    KernelKeyring,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::MacosKeychain => "macOS Keychain",
            Backend::WindowsCredentialManager => "Windows Credential Manager",
            Backend::SecretService => "Secret Service",
            Backend::KernelKeyring => "kernel keyring",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    #[error("no key is stored for {account}")]
    NotFound { account: String },
    #[error("no OS keyring is available here ({detail}); the key stays in memory only")]
    Unavailable { detail: String },
    #[error("{backend} failed while {operation} ({detail})")]
    Failed {
        backend: Backend,
        operation: &'static str,
        detail: String,
    },
    #[error(
        "the OS keyring did not answer within {seconds} s while {operation}; it may be waiting \
         for an unlock prompt"
    )]
    TimedOut {
        operation: &'static str,
        seconds: u64,
    },
    #[error("the entry for {account} in the {backend} is not a v360-setup key pair")]
    Malformed { account: String, backend: Backend },
}

/// The result of [`store_pair`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub backend: Backend,
    /// Whether an entry for the account existed in that backend and was overwritten.
    pub replaced: bool,
}

/// The result of [`load_pair`].
#[derive(Debug)]
pub struct Loaded {
    pub pair: KeyPair,
    pub backend: Backend,
}

/// Builds the keyring account name for a tool's key on one site and company.
pub fn account_name(site_host: &str, company_id: &str, tool_id: &str) -> String {
    format!("{site_host}/{company_id}/{tool_id}")
}

/// Returns the entry for a key minted through the tokens route, next to the tool's durable key
/// entry `account`, so that storing a temporary key never replaces a durable one.
pub fn minted_account(account: &str) -> String {
    format!("{account}/minted")
}

/// Stores the pair under `account`, replacing any pair stored there before.
///
/// On Linux the pair goes to the Secret Service when one responds, else to the kernel keyring.
pub async fn store_pair(account: &str, pair: &KeyPair) -> Result<Stored, KeystoreError> {
    let account = account.to_owned();
    let pair = pair.clone();
    with_timeout("storing the key pair", TIMEOUT, move || {
        store_entry(&account, &pair)
    })
    .await
}

/// Reads the pair stored under `account`, from whichever backend contains it.
pub async fn load_pair(account: &str) -> Result<Loaded, KeystoreError> {
    let account = account.to_owned();
    with_timeout("reading the key pair", TIMEOUT, move || {
        load_entry(&account)
    })
    .await
}

/// Deletes the pair stored under `account` from every backend that contains it, and returns those
/// backends; an empty list means nothing was stored.
pub async fn delete_pair(account: &str) -> Result<Vec<Backend>, KeystoreError> {
    let account = account.to_owned();
    with_timeout("deleting the key pair", TIMEOUT, move || {
        delete_entry(&account)
    })
    .await
}

async fn with_timeout<T, F>(
    operation: &'static str,
    limit: Duration,
    call: F,
) -> Result<T, KeystoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, KeystoreError> + Send + 'static,
{
    let task = tokio::task::spawn_blocking(call);
    match tokio::time::timeout(limit, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join_error)) => Err(KeystoreError::Unavailable {
            detail: format!("the keyring call stopped while {operation}: {join_error}"),
        }),
        // The blocking thread keeps waiting on the keyring; nothing more is sent to it.
        Err(_elapsed) => Err(KeystoreError::TimedOut {
            operation,
            seconds: limit.as_secs(),
        }),
    }
}

/// Stores the pair under `account` like [`store_pair`], but blocks the calling thread and has
/// no timeout.
pub fn store(account: &str, pair: &KeyPair) -> Result<(), KeystoreError> {
    store_entry(account, pair).map(|_stored| ())
}

/// Reads the pair under `account` like [`load_pair`], but blocks the calling thread and has no
/// timeout.
pub fn load(account: &str) -> Result<KeyPair, KeystoreError> {
    load_entry(account).map(|loaded| loaded.pair)
}

/// Deletes the pair under `account` like [`delete_pair`], but blocks the calling thread and has
/// no timeout; a missing entry is not an error.
pub fn delete(account: &str) -> Result<(), KeystoreError> {
    delete_entry(account).map(|_backends| ())
}

fn store_entry(account: &str, pair: &KeyPair) -> Result<Stored, KeystoreError> {
    let secret = encode(pair);
    platform::store(account, &secret)
}

fn load_entry(account: &str) -> Result<Loaded, KeystoreError> {
    let (secret, backend) = platform::load(account)?;
    let pair = decode(&secret).ok_or_else(|| KeystoreError::Malformed {
        account: account.to_owned(),
        backend,
    })?;
    Ok(Loaded { pair, backend })
}

fn delete_entry(account: &str) -> Result<Vec<Backend>, KeystoreError> {
    platform::delete(account)
}

fn encode(pair: &KeyPair) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "{}:{}",
        pair.public_key,
        pair.private_key.expose_secret()
    ))
}

fn decode(secret: &str) -> Option<KeyPair> {
    let (public_key, private_key) = secret.split_once(':')?;
    if public_key.is_empty() || private_key.is_empty() {
        return None;
    }
    Some(KeyPair::new(public_key, private_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let pair = KeyPair::new("PUBLIC1234567890", "PRIVATEabcdefghi");
        let decoded = decode(&encode(&pair)).expect("decodes");
        assert_eq!(decoded.public_key, "PUBLIC1234567890");
        assert_eq!(decoded.private_key.expose_secret(), "PRIVATEabcdefghi");
    }

    #[test]
    fn decode_rejects_other_entries() {
        assert!(decode("no separator").is_none());
        assert!(decode(":private").is_none());
        assert!(decode("public:").is_none());
    }

    #[tokio::test]
    async fn slow_keyring_times_out() {
        let result = with_timeout("reading the key pair", Duration::from_secs(1), || {
            std::thread::sleep(Duration::from_millis(1500));
            Ok(())
        })
        .await;
        let error = result.unwrap_err();
        assert!(matches!(error, KeystoreError::TimedOut { .. }), "{error}");
        assert!(
            error.to_string().contains("did not answer within 1 s"),
            "{error}"
        );
    }

    #[test]
    fn errors_never_show_the_key() {
        let error = KeystoreError::Malformed {
            account: "site/company/tool".into(),
            backend: Backend::KernelKeyring,
        };
        assert_eq!(
            error.to_string(),
            "the entry for site/company/tool in the kernel keyring is not a v360-setup key pair"
        );
    }
}
