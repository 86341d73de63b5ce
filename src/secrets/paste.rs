//! Cleaning and checking pasted API keys.
//!
//! Keys copied from the ConnectWise web UI, an e-mail or a chat often carry spaces, line breaks,
//! no-break spaces or invisible characters, and such a key fails to authenticate with no hint
//! why. [`clean_key`] removes those characters and counts them by kind, so the caller can tell
//! the user what was removed, and [`check_key_format`] then checks length and alphabet before
//! any request is sent.

use std::fmt;

use secrecy::SecretString;

/// Characters in a ConnectWise API key, public or private.
///
/// NOTE: observed, not documented. ConnectWise Manage issues keys of 16 ASCII letters and
/// digits, on the API Keys tab and through the tokens endpoint, and so does the sandbox. No
/// ConnectWise document states the format.
pub const KEY_LENGTH: usize = 16;

/// The half of a key pair that a value claims to be. Errors about the private half never show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHalf {
    Public,
    Private,
}

impl fmt::Display for KeyHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyHalf::Public => "public key",
            KeyHalf::Private => "private key",
        })
    }
}

/// Counts of the characters that [`clean_key`] removed, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    /// U+0020 and the other Unicode space separators except the no-break ones.
    pub spaces: usize,
    /// U+0009.
    pub tabs: usize,
    /// LF, CR, vertical tab, form feed, NEL, and the line and paragraph separators.
    pub line_breaks: usize,
    /// U+00A0, U+2007 and U+202F.
    pub no_break_spaces: usize,
    /// U+200B, U+200C, U+200D, U+2060 and U+180E.
    pub zero_width: usize,
    /// U+FEFF.
    pub byte_order_marks: usize,
}

impl Removed {
    /// Returns the number of characters removed.
    pub fn total(&self) -> usize {
        self.spaces
            + self.tabs
            + self.line_breaks
            + self.no_break_spaces
            + self.zero_width
            + self.byte_order_marks
    }

    /// Describes the removed characters for the user, such as "removed 2 spaces and a line
    /// break"; `None` when nothing was removed.
    pub fn describe(&self) -> Option<String> {
        let kinds = [
            (self.spaces, "space", "spaces"),
            (self.tabs, "tab", "tabs"),
            (self.line_breaks, "line break", "line breaks"),
            (self.no_break_spaces, "no-break space", "no-break spaces"),
            (
                self.zero_width,
                "zero-width character",
                "zero-width characters",
            ),
            (self.byte_order_marks, "byte-order mark", "byte-order marks"),
        ];
        let parts: Vec<String> = kinds
            .iter()
            .filter(|(count, _, _)| *count > 0)
            .map(|(count, singular, plural)| match count {
                1 => format!("a {singular}"),
                _ => format!("{count} {plural}"),
            })
            .collect();

        match parts.as_slice() {
            [] => None,
            [only] => Some(format!("removed {only}")),
            [rest @ .., last] => Some(format!("removed {} and {last}", rest.join(", "))),
        }
    }

    fn count(&mut self, kind: Kind) {
        let counter = match kind {
            Kind::Space => &mut self.spaces,
            Kind::Tab => &mut self.tabs,
            Kind::LineBreak => &mut self.line_breaks,
            Kind::NoBreakSpace => &mut self.no_break_spaces,
            Kind::ZeroWidth => &mut self.zero_width,
            Kind::ByteOrderMark => &mut self.byte_order_marks,
        };
        *counter += 1;
    }
}

/// A pasted key with the removable characters taken out.
#[derive(Debug)]
pub struct Cleaned {
    /// The cleaned key. It is secret for both halves so one function serves both; expose the
    /// public half with [`secrecy::ExposeSecret`].
    pub value: SecretString,
    pub removed: Removed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Space,
    Tab,
    LineBreak,
    NoBreakSpace,
    ZeroWidth,
    ByteOrderMark,
}

/// Returns the kind of a character that [`clean_key`] removes, or `None` for one it keeps.
///
/// Every character for which `char::is_whitespace` returns true is removed, so the list covers at
/// least what the TUI's first cleaner removed.
fn removable(character: char) -> Option<Kind> {
    match character {
        '\t' => Some(Kind::Tab),
        '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}' => {
            Some(Kind::LineBreak)
        }
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => Some(Kind::NoBreakSpace),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{180E}' => Some(Kind::ZeroWidth),
        '\u{FEFF}' => Some(Kind::ByteOrderMark),
        other if other.is_whitespace() => Some(Kind::Space),
        _ => None,
    }
}

/// Removes spaces, tabs, line breaks, no-break spaces, zero-width characters and byte-order
/// marks from a pasted key, and counts what it removed.
///
/// Every other character is kept, so a wrong character is reported by [`check_key_format`]
/// instead of disappearing. The output buffer is allocated once at the input's length and never
/// grows, so no reallocation leaves an unzeroized copy of the key behind.
pub fn clean_key(input: &str) -> Cleaned {
    let mut value = String::with_capacity(input.len());
    let mut removed = Removed::default();
    for character in input.chars() {
        match removable(character) {
            Some(kind) => removed.count(kind),
            None => value.push(character),
        }
    }
    Cleaned {
        value: SecretString::from(value),
        removed,
    }
}

/// The reason a cleaned key does not have ConnectWise's key format.
///
/// No variant contains the key. The invalid character is shown because a letter or digit is
/// never invalid, so it cannot be a character of a real key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    #[error("the {half} is empty; paste the {half} that ConnectWise showed")]
    Empty { half: KeyHalf },
    #[error(
        "the {half} contains {} at position {position}; ConnectWise keys contain only the \
         letters A-Z and a-z and the digits 0-9",
        describe_character(*character)
    )]
    InvalidCharacter {
        half: KeyHalf,
        /// Position of the first invalid character, counting characters from 1.
        position: usize,
        character: char,
    },
    #[error(
        "the {half} has {length} characters but ConnectWise keys have {KEY_LENGTH}; check that \
         the whole key was copied, and only the key"
    )]
    WrongLength { half: KeyHalf, length: usize },
}

fn describe_character(character: char) -> String {
    let code_point = format!("U+{:04X}", u32::from(character));
    if character.is_control() || character.is_whitespace() || !character.is_ascii_graphic() {
        format!("the character {code_point}")
    } else {
        format!("'{character}' ({code_point})")
    }
}

/// Checks a cleaned key against ConnectWise's key format: [`KEY_LENGTH`] ASCII letters and
/// digits.
///
/// An invalid character is reported before a wrong length, because it tells more about what was
/// pasted.
pub fn check_key_format(value: &str, which: KeyHalf) -> Result<(), KeyFormatError> {
    if value.is_empty() {
        return Err(KeyFormatError::Empty { half: which });
    }
    if let Some((index, character)) = value
        .chars()
        .enumerate()
        .find(|(_, character)| !character.is_ascii_alphanumeric())
    {
        return Err(KeyFormatError::InvalidCharacter {
            half: which,
            position: index + 1,
            character,
        });
    }
    let length = value.chars().count();
    if length != KEY_LENGTH {
        return Err(KeyFormatError::WrongLength {
            half: which,
            length,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use secrecy::ExposeSecret;

    use super::*;

    const REMOVABLE: &[char] = &[
        ' ', '\t', '\n', '\r', '\u{000B}', '\u{000C}', '\u{0085}', '\u{2028}', '\u{2029}',
        '\u{00A0}', '\u{2007}', '\u{202F}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}',
        '\u{180E}', '\u{FEFF}', '\u{2003}', '\u{3000}',
    ];

    fn cleaned(input: &str) -> (String, Removed) {
        let result = clean_key(input);
        (result.value.expose_secret().to_owned(), result.removed)
    }

    #[test]
    fn clean_key_counts_each_kind() {
        let (value, removed) =
            cleaned("\u{FEFF} ab\tcd\r\nef\u{00A0}gh\u{200B}ij\u{2028}kl\u{202F}mn op ");
        assert_eq!(value, "abcdefghijklmnop");
        assert_eq!(removed.spaces, 3);
        assert_eq!(removed.tabs, 1);
        assert_eq!(removed.line_breaks, 3);
        assert_eq!(removed.no_break_spaces, 2);
        assert_eq!(removed.zero_width, 1);
        assert_eq!(removed.byte_order_marks, 1);
        assert_eq!(removed.total(), 11);
    }

    #[test]
    fn clean_key_keeps_other_characters() {
        let (value, removed) = cleaned("ab-c_d\u{00E9}");
        assert_eq!(value, "ab-c_d\u{00E9}");
        assert_eq!(removed, Removed::default());
    }

    #[test]
    fn describe_nothing_removed() {
        assert_eq!(Removed::default().describe(), None);
    }

    #[test]
    fn describe_singular_and_plural() {
        let removed = Removed {
            spaces: 2,
            line_breaks: 1,
            ..Removed::default()
        };
        assert_eq!(
            removed.describe().as_deref(),
            Some("removed 2 spaces and a line break")
        );

        let one_tab = Removed {
            tabs: 1,
            ..Removed::default()
        };
        assert_eq!(one_tab.describe().as_deref(), Some("removed a tab"));
    }

    #[test]
    fn describe_lists_every_kind() {
        let removed = Removed {
            spaces: 1,
            tabs: 2,
            line_breaks: 3,
            no_break_spaces: 1,
            zero_width: 4,
            byte_order_marks: 1,
        };
        assert_eq!(
            removed.describe().as_deref(),
            Some(
                "removed a space, 2 tabs, 3 line breaks, a no-break space, \
                 4 zero-width characters and a byte-order mark"
            )
        );
    }

    #[test]
    fn check_accepts_sixteen_alphanumerics() {
        assert_eq!(
            check_key_format("aB3dE5gH7jK9mN1p", KeyHalf::Private),
            Ok(())
        );
    }

    #[test]
    fn check_rejects_empty() {
        assert_eq!(
            check_key_format("", KeyHalf::Public),
            Err(KeyFormatError::Empty {
                half: KeyHalf::Public
            })
        );
    }

    #[test]
    fn check_reports_length() {
        let error = check_key_format("abcdefghijklmno", KeyHalf::Private).unwrap_err();
        assert_eq!(
            error,
            KeyFormatError::WrongLength {
                half: KeyHalf::Private,
                length: 15
            }
        );
        let message = error.to_string();
        assert!(message.contains("15 characters"), "{message}");
        assert!(!message.contains("abcdefghijklmno"), "{message}");
    }

    #[test]
    fn check_reports_first_invalid_character() {
        let error = check_key_format("abcd-efghijkl!mnop", KeyHalf::Private).unwrap_err();
        assert_eq!(
            error,
            KeyFormatError::InvalidCharacter {
                half: KeyHalf::Private,
                position: 5,
                character: '-'
            }
        );
        let message = error.to_string();
        assert!(message.contains("'-' (U+002D) at position 5"), "{message}");
        assert!(!message.contains("abcd"), "{message}");
    }

    #[test]
    fn check_names_invisible_character_by_code_point() {
        let error = check_key_format("abc\u{00AD}def", KeyHalf::Public).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("the character U+00AD"), "{message}");
        assert!(message.contains("position 4"), "{message}");
    }

    fn key() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[A-Za-z0-9]{16}").expect("valid regex")
    }

    fn removable_char() -> impl Strategy<Value = char> {
        proptest::sample::select(REMOVABLE)
    }

    proptest! {
        #[test]
        fn cleaning_is_idempotent(input in any::<String>()) {
            let (once, _) = cleaned(&input);
            let (twice, removed_again) = cleaned(&once);
            prop_assert_eq!(&once, &twice);
            prop_assert_eq!(removed_again.total(), 0);
        }

        #[test]
        fn cleaned_contains_no_removable_character(input in any::<String>()) {
            let (value, _) = cleaned(&input);
            for character in value.chars() {
                prop_assert!(removable(character).is_none(), "{:?} kept", character);
                prop_assert!(!character.is_whitespace(), "{:?} kept", character);
                prop_assert!(!REMOVABLE.contains(&character), "{:?} kept", character);
            }
        }

        #[test]
        fn removed_counts_add_up(input in any::<String>()) {
            let (value, removed) = cleaned(&input);
            prop_assert_eq!(
                value.chars().count() + removed.total(),
                input.chars().count()
            );
        }

        #[test]
        fn clean_key_passes_unchanged(key in key()) {
            let (value, removed) = cleaned(&key);
            prop_assert_eq!(&value, &key);
            prop_assert_eq!(removed, Removed::default());
            prop_assert_eq!(check_key_format(&value, KeyHalf::Private), Ok(()));
        }

        #[test]
        fn inserted_characters_clean_back(
            key in key(),
            insertions in proptest::collection::vec((0usize..=16, removable_char()), 0..12),
        ) {
            let mut characters: Vec<char> = key.chars().collect();
            for (index, character) in &insertions {
                let index = (*index).min(characters.len());
                characters.insert(index, *character);
            }
            let pasted: String = characters.into_iter().collect();

            let (value, removed) = cleaned(&pasted);
            prop_assert_eq!(&value, &key);
            prop_assert_eq!(removed.total(), insertions.len());
            prop_assert_eq!(removed.describe().is_some(), !insertions.is_empty());
        }

        #[test]
        fn format_error_never_shows_key(key in key(), extra in "[A-Za-z0-9]{1,4}") {
            let too_long = format!("{key}{extra}");
            let error = check_key_format(&too_long, KeyHalf::Private).unwrap_err();
            prop_assert!(!error.to_string().contains(&key));
        }
    }
}
