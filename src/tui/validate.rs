//! Input checks that run before any request, shared by `update` (which refuses to start the
//! request) and the view (which shows the problem under the field as the user types).
//!
//! Each check returns a message that names the value and the fix.

use crate::cwm::site;
use crate::provision::{validate_client_id, validate_identifier, validate_role_name};
use crate::secrets::paste::{check_key_format, clean_key, KeyFormatError, KeyHalf, KEY_LENGTH};
use secrecy::ExposeSecret;

use super::error::sentence;
use super::forms::{ConnectForm, ConnectRow};
use super::strings;

/// Checks one row of the Connect screen; an empty field is reported only when `require` is
/// set, so the view does not complain about a field the user has not reached yet.
pub fn connect_row(form: &ConnectForm, row: ConnectRow, require: bool) -> Result<(), String> {
    let Some(field) = form.field(row) else {
        return Ok(());
    };
    let label = strings::connect_row_label(row);
    if field.is_empty() {
        return if require {
            Err(format!("{label} is empty: {}", strings::connect_hint(row)))
        } else {
            Ok(())
        };
    }
    match row {
        ConnectRow::Site | ConnectRow::Company => Ok(()),
        ConnectRow::CustomUrl => site::normalize(field.text())
            .map(|_| ())
            .map_err(|error| error.to_string()),
        ConnectRow::PublicKey => key_format(label, field.text(), KeyHalf::Public),
        ConnectRow::PrivateKey => key_format(label, field.text(), KeyHalf::Private),
        ConnectRow::ClientId => validate_client_id(field.text()).map_err(|error| error.to_string()),
    }
}

/// Checks every row of the Connect screen and returns the first problem with its row.
pub fn connect_form(form: &ConnectForm) -> Result<(), (ConnectRow, String)> {
    for row in form.rows() {
        connect_row(form, row, true).map_err(|message| (row, message))?;
    }
    Ok(())
}

/// Checks a security role name against ConnectWise's limits, as the engine does.
pub fn role_name(name: &str) -> Result<(), String> {
    validate_role_name(name).map_err(|error| sentence(&error.to_string()))
}

/// Checks an API member identifier as the engine does: at most 15 characters, letters,
/// digits, `-` and `_`.
pub fn identifier(identifier: &str) -> Result<(), String> {
    validate_identifier(identifier).map_err(|error| sentence(&error.to_string()))
}

/// Checks a pasted or typed key half, after cleaning; an empty field passes unless `require`.
pub fn key_half(label: &str, half: KeyHalf, text: &str, require: bool) -> Result<(), String> {
    if clean_key(text).value.expose_secret().is_empty() {
        return if require {
            Err(format!(
                "{label} is empty: paste it from the API Keys tab of the member"
            ))
        } else {
            Ok(())
        };
    }
    key_format(label, text, half)
}

/// Cleans a key half as a paste is cleaned, then checks ConnectWise's key format. The message
/// names the field by its screen label and, unlike the engine's, never shows a character of
/// the key.
fn key_format(label: &str, text: &str, half: KeyHalf) -> Result<(), String> {
    let cleaned = clean_key(text);
    match check_key_format(cleaned.value.expose_secret(), half) {
        Ok(()) => Ok(()),
        Err(KeyFormatError::InvalidCharacter { position, .. }) => Err(format!(
            "{label}: character {position} is not a letter or digit, and ConnectWise keys \
             contain only letters and digits. Copy the key again from the web UI"
        )),
        Err(KeyFormatError::WrongLength { length, .. }) => {
            let characters = if length == 1 {
                "character"
            } else {
                "characters"
            };
            Err(format!(
                "{label} has {length} {characters}, but ConnectWise keys have {KEY_LENGTH}. Copy \
                 the whole key again from the web UI"
            ))
        }
        Err(error) => Err(sentence(&error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_name_limit_is_thirty() {
        assert!(role_name(&"a".repeat(30)).is_ok());
        let error = role_name(&"a".repeat(31)).expect_err("too long");
        assert!(error.contains("at most 30"), "{error}");
        assert!(role_name("  ").is_err());
    }

    #[test]
    fn identifier_rejects_space_and_length() {
        assert!(identifier("V360API").is_ok());
        let space = identifier("V360 API").expect_err("space");
        assert!(space.contains("space"), "{space}");
        let long = identifier("ABCDEFGHIJKLMNOP").expect_err("long");
        assert!(long.contains("at most 15"), "{long}");
    }

    #[test]
    fn client_id_must_be_guid() {
        let mut form = ConnectForm::default();
        form.client_id.set("not-a-guid");
        let error = connect_row(&form, ConnectRow::ClientId, true).expect_err("not a GUID");
        assert!(error.contains("GUID"), "{error}");
    }

    #[test]
    fn one_character_key_is_singular() {
        let error = key_half("Public key", KeyHalf::Public, "a", true).expect_err("too short");
        assert!(error.starts_with("Public key has 1 character,"), "{error}");
        let error = key_half("Public key", KeyHalf::Public, "ab", true).expect_err("too short");
        assert!(error.starts_with("Public key has 2 characters,"), "{error}");
    }

    #[test]
    fn empty_field_passes_until_required() {
        let form = ConnectForm::default();
        assert!(connect_row(&form, ConnectRow::Company, false).is_ok());
        assert!(connect_row(&form, ConnectRow::Company, true).is_err());
    }
}
