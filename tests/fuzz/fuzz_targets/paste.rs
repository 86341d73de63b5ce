//! Fuzzes the paste cleaner and the key format check with arbitrary text.
//!
//! The cleaner's source file is compiled in directly, so this crate builds in seconds instead
//! of building the whole v360-setup library with coverage instrumentation.

#![no_main]

use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;

#[path = "../../../src/secrets/paste.rs"]
#[allow(dead_code)]
mod paste;

use paste::{check_key_format, clean_key, KeyHalf};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };

    let cleaned = clean_key(input);
    let value = cleaned.value.expose_secret();
    let removed = cleaned.removed;

    assert_eq!(
        value.chars().count() + removed.total(),
        input.chars().count(),
        "kept and removed characters add up to the input"
    );
    assert!(
        !value.chars().any(char::is_whitespace),
        "no whitespace survives cleaning"
    );
    assert_eq!(removed.describe().is_some(), removed.total() > 0);

    let again = clean_key(value);
    assert_eq!(again.value.expose_secret(), value, "cleaning is idempotent");
    assert_eq!(again.removed.total(), 0);

    for half in [KeyHalf::Public, KeyHalf::Private] {
        match check_key_format(value, half) {
            Ok(()) => {
                assert_eq!(value.len(), paste::KEY_LENGTH);
                assert!(value
                    .chars()
                    .all(|character| character.is_ascii_alphanumeric()));
            }
            Err(error) => {
                // The message may depend only on the length and the first invalid character,
                // never on the key's letters and digits: changing every one of them must leave
                // it as it was.
                let disguised: String = value.chars().map(rotate_alphanumeric).collect();
                let other = check_key_format(&disguised, half)
                    .expect_err("the same length and invalid characters fail the same way");
                assert_eq!(other.to_string(), error.to_string());
            }
        }
    }
});

/// Replaces an ASCII letter or digit with the next one of its kind, and keeps anything else.
fn rotate_alphanumeric(character: char) -> char {
    match character {
        'z' => 'a',
        'Z' => 'A',
        '9' => '0',
        'a'..='y' | 'A'..='Y' | '0'..='8' => char::from(character as u8 + 1),
        other => other,
    }
}
