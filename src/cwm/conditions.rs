//! Building the `conditions` query parameter.
//!
//! ConnectWise filters lists on the server with expressions such as `identifier="V360API"`.
//! Values typed by a user must be quoted so that a quote or backslash inside them cannot end the
//! string early and change the filter.

/// Quotes a string literal for a condition: double quotes, with `\` and `"` escaped by a
/// backslash.
pub fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for character in value.chars() {
        if character == '"' || character == '\\' {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    quoted.push('"');
    quoted
}

/// Builds `field="value"` with the value quoted.
pub fn equals(field: &str, value: &str) -> String {
    format!("{field}={}", quote(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_value_is_double_quoted() {
        assert_eq!(equals("identifier", "V360API"), r#"identifier="V360API""#);
    }

    #[test]
    fn quote_and_backslash_are_escaped() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn injection_stays_inside_string() {
        let condition = equals("name", r#"x" or name!="y"#);
        assert_eq!(condition, r#"name="x\" or name!=\"y""#);
    }
}
