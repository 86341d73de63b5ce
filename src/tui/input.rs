//! Text input: a one-line field with a cursor and a reveal toggle, the cleaning of pasted API
//! keys, and the format check of a ConnectWise key.

use std::fmt;

use zeroize::Zeroizing;

/// Length of a ConnectWise API key half, public or private.
pub const KEY_LENGTH: usize = 16;

/// A one-line text input. A secret field shows one `•` per character until revealed,
/// zeroizes its text on drop and hides it in `Debug`.
#[derive(Clone, Default)]
pub struct TextField {
    value: Zeroizing<String>,
    /// Cursor position in characters, from 0 to the character count.
    cursor: usize,
    pub secret: bool,
    /// Shows a secret field's text; has no effect on a plain field.
    pub revealed: bool,
}

impl TextField {
    pub fn plain(value: &str) -> Self {
        let mut field = Self::default();
        field.set(value);
        field
    }

    pub fn secret() -> Self {
        Self {
            secret: true,
            ..Self::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.value
    }

    /// Replaces the text and puts the cursor at its end.
    pub fn set(&mut self, value: &str) {
        self.value.clear();
        self.value.push_str(value);
        self.cursor = self.char_count();
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn char_count(&self) -> usize {
        self.value.chars().count()
    }

    fn byte_index(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(index, _)| index)
    }

    /// Inserts a character at the cursor.
    pub fn insert(&mut self, character: char) {
        let index = self.byte_index(self.cursor);
        self.value.insert(index, character);
        self.cursor += 1;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.cursor -= 1;
        let index = self.byte_index(self.cursor);
        self.value.remove(index);
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.char_count() {
            let index = self.byte_index(self.cursor);
            self.value.remove(index);
        }
    }

    pub fn move_left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn move_right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.char_count());
    }

    pub fn move_home(&mut self) {
        self.cursor = 0;
    }

    pub fn move_end(&mut self) {
        self.cursor = self.char_count();
    }

    pub fn is_empty(&self) -> bool {
        self.value.trim().is_empty()
    }

    /// Returns whether the screen shows `•` marks instead of the text.
    pub fn is_masked(&self) -> bool {
        self.secret && !self.revealed
    }

    /// Returns the text as the screen shows it: one `•` per character while masked.
    pub fn display(&self) -> String {
        if self.is_masked() {
            "•".repeat(self.char_count())
        } else {
            self.value.to_string()
        }
    }
}

impl fmt::Debug for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            write!(f, "TextField([REDACTED], {} chars)", self.char_count())
        } else {
            write!(f, "TextField({:?})", self.value.as_str())
        }
    }
}

/// Counts of the characters that cleaning removed from a pasted key, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub spaces: usize,
    pub tabs: usize,
    /// A CR LF pair counts as one line break.
    pub line_breaks: usize,
    pub no_break_spaces: usize,
    /// Zero-width spaces and joiners, word joiners and byte-order marks.
    pub invisible: usize,
}

impl Removed {
    pub fn is_empty(&self) -> bool {
        *self == Removed::default()
    }

    /// Describes what was removed, e.g. "removed 2 spaces and a line break", or returns `None`
    /// when nothing was.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.spaces, "space", "spaces"),
            (self.tabs, "tab", "tabs"),
            (self.line_breaks, "line break", "line breaks"),
            (self.no_break_spaces, "no-break space", "no-break spaces"),
            (
                self.invisible,
                "invisible character",
                "invisible characters",
            ),
        ]
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| match count {
            1 => format!("a {one}"),
            _ => format!("{count} {many}"),
        })
        .collect();
        match parts.as_slice() {
            [] => None,
            [only] => Some(format!("removed {only}")),
            [init @ .., last] => Some(format!("removed {} and {last}", init.join(", "))),
        }
    }
}

/// Removes what a copy from a web page, an e-mail or a chat tends to add to a key: spaces,
/// tabs, line breaks, no-break spaces, zero-width characters and byte-order marks.
pub fn clean_key(text: &str) -> (Zeroizing<String>, Removed) {
    let mut cleaned = Zeroizing::new(String::with_capacity(text.len()));
    let mut removed = Removed::default();
    let mut previous = '\0';
    for character in text.chars() {
        match character {
            ' ' => removed.spaces += 1,
            '\t' => removed.tabs += 1,
            '\n' if previous == '\r' => {}
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => removed.line_breaks += 1,
            '\u{00A0}' | '\u{202F}' | '\u{2007}' => removed.no_break_spaces += 1,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {
                removed.invisible += 1;
            }
            other if other.is_whitespace() => removed.spaces += 1,
            other => cleaned.push(other),
        }
        previous = character;
    }
    (cleaned, removed)
}

/// Checks that a key half has the shape ConnectWise issues: 16 ASCII letters and digits.
///
/// The message names the field and the fix but never repeats the key's characters, because
/// the key may be a private key.
pub fn check_key_format(label: &str, key: &str) -> Result<(), String> {
    let length = key.chars().count();
    if let Some(position) = key.chars().position(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "{label}: character {} is not a letter or digit, and ConnectWise keys contain only \
             letters and digits. Copy the key again from the web UI",
            position + 1
        ));
    }
    if length != KEY_LENGTH {
        return Err(format!(
            "{label} has {length} characters, but ConnectWise keys have {KEY_LENGTH}. Copy the \
             whole key again from the web UI"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_edits_at_cursor() {
        let mut field = TextField::plain("acd");
        field.move_left();
        field.move_left();
        field.insert('b');
        assert_eq!(field.text(), "abcd");
        field.move_end();
        field.backspace();
        assert_eq!(field.text(), "abc");
        field.move_home();
        field.delete();
        assert_eq!(field.text(), "bc");
        assert_eq!(field.cursor(), 0);
    }

    #[test]
    fn field_cursor_handles_multibyte_text() {
        let mut field = TextField::plain("né");
        field.move_left();
        field.insert('x');
        assert_eq!(field.text(), "nxé");
        field.move_right();
        field.move_right();
        assert_eq!(field.cursor(), 3);
    }

    #[test]
    fn secret_field_masks_until_revealed() {
        let mut field = TextField::secret();
        field.set("abc");
        assert_eq!(field.display(), "•••");
        field.revealed = true;
        assert_eq!(field.display(), "abc");
        assert!(!format!("{field:?}").contains("abc"));
    }

    #[test]
    fn clean_key_counts_what_it_removes() {
        let (cleaned, removed) = clean_key("  Abc\u{00A0}123\r\n\u{200B}\t");
        assert_eq!(cleaned.as_str(), "Abc123");
        assert_eq!(removed.spaces, 2);
        assert_eq!(removed.line_breaks, 1);
        assert_eq!(removed.no_break_spaces, 1);
        assert_eq!(removed.invisible, 1);
        assert_eq!(removed.tabs, 1);
    }

    #[test]
    fn removed_description_reads_as_sentence() {
        let (_, removed) = clean_key(" a b\n");
        assert_eq!(
            removed.describe().as_deref(),
            Some("removed 2 spaces and a line break")
        );
        let (_, nothing) = clean_key("ab");
        assert_eq!(nothing.describe(), None);
    }

    #[test]
    fn key_format_checks_length_and_alphabet() {
        assert!(check_key_format("Public key", "Abcdefgh12345678").is_ok());
        let short = check_key_format("Public key", "Abc").expect_err("short");
        assert!(short.contains("has 3 characters"), "{short}");
        let symbol = check_key_format("Private key", "Abcdefgh1234567-").expect_err("symbol");
        assert!(symbol.contains("character 16"), "{symbol}");
        assert!(!symbol.contains("Abcdefgh"), "{symbol}");
    }
}
