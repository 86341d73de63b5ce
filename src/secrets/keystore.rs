//! The OS keyring: macOS Keychain, Windows Credential Manager, and Linux kernel keyutils.
//!
//! Entries live under the service `v360-setup` with an account that names the site, the company
//! and the tool, so a later rotation or `check` finds the pair again. The public and private
//! halves are stored as one entry whose secret is `public:private`.

use secrecy::ExposeSecret;

use super::KeyPair;

pub const SERVICE: &str = "v360-setup";

#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    #[error("no key is stored for {account}")]
    NotFound { account: String },
    #[error("the OS keyring is not available here ({detail}); the key stays in memory only")]
    Unavailable { detail: String },
    #[error("the stored entry for {account} is not a key pair")]
    Malformed { account: String },
}

/// Builds the keyring account name for a tool's key on one site and company.
pub fn account_name(site_host: &str, company_id: &str, tool_id: &str) -> String {
    format!("{site_host}/{company_id}/{tool_id}")
}

fn entry(account: &str) -> Result<keyring::Entry, KeystoreError> {
    keyring::Entry::new(SERVICE, account).map_err(|error| KeystoreError::Unavailable {
        detail: error.to_string(),
    })
}

/// Stores or replaces the pair under `account`.
pub fn store(account: &str, pair: &KeyPair) -> Result<(), KeystoreError> {
    let secret = zeroize::Zeroizing::new(format!(
        "{}:{}",
        pair.public_key,
        pair.private_key.expose_secret()
    ));
    entry(account)?
        .set_password(&secret)
        .map_err(|error| KeystoreError::Unavailable {
            detail: error.to_string(),
        })
}

/// Reads the pair stored under `account`.
pub fn load(account: &str) -> Result<KeyPair, KeystoreError> {
    let secret = match entry(account)?.get_password() {
        Ok(secret) => zeroize::Zeroizing::new(secret),
        Err(keyring::Error::NoEntry) => {
            return Err(KeystoreError::NotFound {
                account: account.to_owned(),
            })
        }
        Err(error) => {
            return Err(KeystoreError::Unavailable {
                detail: error.to_string(),
            })
        }
    };
    let (public_key, private_key) =
        secret
            .split_once(':')
            .ok_or_else(|| KeystoreError::Malformed {
                account: account.to_owned(),
            })?;
    Ok(KeyPair::new(public_key, private_key))
}

/// Deletes the entry under `account`; a missing entry is not an error.
pub fn delete(account: &str) -> Result<(), KeystoreError> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(error) => Err(KeystoreError::Unavailable {
            detail: error.to_string(),
        }),
    }
}
