//! Text input: a one-line field with a cursor and a reveal toggle. Pasted keys are cleaned by
//! [`crate::secrets::paste`].

use std::fmt;

use zeroize::Zeroizing;

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
}
