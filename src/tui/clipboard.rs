//! The clipboard through OSC 52: the terminal itself sets the clipboard, which also works over
//! SSH and inside tmux (with `set-clipboard on`).
//!
//! Terminals that do not support OSC 52 ignore the sequence without an error, so the wizard
//! cannot know whether a copy worked; the notice after each copy says so.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

/// How long a copied value stays on the clipboard before the wizard clears it.
pub const CLEAR_AFTER_SECONDS: u64 = 30;

/// Builds the OSC 52 sequence that puts `text` on the system clipboard.
pub fn copy_sequence(text: &str) -> Zeroizing<String> {
    Zeroizing::new(format!("\x1b]52;c;{}\x07", STANDARD.encode(text)))
}

/// Builds the OSC 52 sequence with empty content, which clears the clipboard.
pub fn clear_sequence() -> &'static str {
    "\x1b]52;c;\x07"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sequence_encodes_text() {
        assert_eq!(copy_sequence("abc").as_str(), "\x1b]52;c;YWJj\x07");
    }

    #[test]
    fn clear_sequence_has_empty_content() {
        assert_eq!(clear_sequence(), "\x1b]52;c;\x07");
    }
}
