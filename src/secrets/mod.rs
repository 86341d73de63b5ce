//! Secret values: the private keys of the administrator and of each tool.
//!
//! A private key lives in a [`SecretString`], which zeroizes its memory on drop and prints as
//! `[REDACTED]` in `Debug`. Structs that hold one implement `Debug` by hand and never derive
//! `Serialize`, so a key cannot reach a log line or a JSON document by accident.

mod harden;
pub mod keystore;
pub mod paste;

use std::fmt;

pub use harden::harden_process;
pub use secrecy::{ExposeSecret, SecretString};

/// A ConnectWise API key: the public half, which is an identifier, and the private half.
#[derive(Clone)]
pub struct KeyPair {
    pub public_key: String,
    pub private_key: SecretString,
}

impl KeyPair {
    pub fn new(public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        Self {
            public_key: public_key.into(),
            private_key: SecretString::from(private_key.into()),
        }
    }

    /// Returns the pair with its halves exchanged, for the common paste mistake of putting the
    /// private key in the public field.
    pub fn swapped(&self) -> Self {
        Self {
            public_key: self.private_key.expose_secret().to_owned(),
            private_key: SecretString::from(self.public_key.clone()),
        }
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("public_key", &self.public_key)
            .field("private_key", &"[REDACTED]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_pair_debug_hides_private_key() {
        let pair = KeyPair::new("PUBLIC1234567890", "PRIVATEabcdefghij");
        let text = format!("{pair:?}");
        assert!(
            text.contains("PUBLIC1234567890"),
            "public key shown: {text}"
        );
        assert!(
            !text.contains("PRIVATEabcdefghij"),
            "private key leaked: {text}"
        );
    }

    #[test]
    fn swapped_exchanges_halves() {
        let pair = KeyPair::new("aaaa", "bbbb").swapped();
        assert_eq!(pair.public_key, "bbbb");
        assert_eq!(pair.private_key.expose_secret(), "aaaa");
    }
}
