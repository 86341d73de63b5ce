//! Input checks that run before any request, shared by `update` (which refuses to start the
//! request) and the view (which shows the problem under the field as the user types).
//!
//! Each check returns a message that names the value and the fix.

use crate::cwm::site;
use crate::provision::{validate_client_id, MAX_IDENTIFIER_LENGTH, MAX_ROLE_NAME_LENGTH};

use super::forms::{ConnectForm, ConnectRow};
use super::input::{check_key_format, clean_key};
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
        ConnectRow::PublicKey | ConnectRow::PrivateKey => {
            let (cleaned, _) = clean_key(field.text());
            check_key_format(label, &cleaned)
        }
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

/// Checks a security role name against ConnectWise's limits.
pub fn role_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err("The role name is empty: enter a name such as \"Visionary 360 API\"".into());
    }
    let length = trimmed.chars().count();
    if length > MAX_ROLE_NAME_LENGTH {
        return Err(format!(
            "The role name has {length} characters, but ConnectWise allows at most \
             {MAX_ROLE_NAME_LENGTH}: shorten it"
        ));
    }
    Ok(())
}

/// Checks an API member identifier: at most 15 characters, letters, digits, `-` and `_`.
pub fn identifier(identifier: &str) -> Result<(), String> {
    if identifier.is_empty() {
        return Err("The identifier is empty: enter one such as V360API".into());
    }
    if identifier.contains(char::is_whitespace) {
        return Err(format!(
            "The identifier {identifier:?} contains a space, which ConnectWise does not allow: \
             remove it"
        ));
    }
    let length = identifier.chars().count();
    if length > MAX_IDENTIFIER_LENGTH {
        return Err(format!(
            "The identifier has {length} characters, but ConnectWise allows at most \
             {MAX_IDENTIFIER_LENGTH}: shorten it"
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !identifier.chars().all(allowed) {
        return Err(format!(
            "The identifier {identifier:?} may contain only letters, digits, '-' and '_'"
        ));
    }
    Ok(())
}

/// Checks a pasted or typed key half, after cleaning; an empty field passes unless `require`.
pub fn key_half(label: &str, text: &str, require: bool) -> Result<(), String> {
    let (cleaned, _) = clean_key(text);
    if cleaned.is_empty() {
        return if require {
            Err(format!(
                "{label} is empty: paste it from the API Keys tab of the member"
            ))
        } else {
            Ok(())
        };
    }
    check_key_format(label, &cleaned)
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
    fn empty_field_passes_until_required() {
        let form = ConnectForm::default();
        assert!(connect_row(&form, ConnectRow::Company, false).is_ok());
        assert!(connect_row(&form, ConnectRow::Company, true).is_err());
    }
}
