//! Clipboard writes through OSC 52, which the terminal carries out, so they work over SSH and
//! need no clipboard library or display server.
//!
//! This module only builds bytes and warnings; the TUI writes them to the terminal and clears
//! the clipboard after a timeout and on exit. Nothing here logs or stores the content.
//!
//! Inside tmux the sequence is sent twice: once wrapped in tmux's passthrough escape, which tmux
//! 3.3 and later forward only with `set -g allow-passthrough on`, and once plain, which tmux
//! forwards to the outer terminal only with `set -g set-clipboard on`. With neither option set
//! (tmux's defaults), tmux drops both and the clipboard is unchanged.

use base64::Engine as _;
use zeroize::Zeroizing;

/// Facts about the terminal that decide how the sequence is built and whether it is likely to
/// work; [`TerminalInfo::from_env`] reads them from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerminalInfo {
    /// `$TERM`.
    pub term: Option<String>,
    /// `$TERM_PROGRAM`, which macOS terminals, VS Code and WezTerm set; SSH does not forward it.
    pub term_program: Option<String>,
    /// Whether `$TMUX` is set, so output goes through tmux.
    pub tmux: bool,
    /// Whether `$VTE_VERSION` is set: GNOME Terminal and other VTE-based terminals.
    pub vte: bool,
    /// Whether `$WT_SESSION` is set: Windows Terminal.
    pub windows_terminal: bool,
}

impl TerminalInfo {
    /// Reads the terminal facts from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the terminal facts through `lookup`, which returns a variable's value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let present = |name: &str| lookup(name).is_some_and(|value| !value.is_empty());
        Self {
            term: lookup("TERM").filter(|value| !value.is_empty()),
            term_program: lookup("TERM_PROGRAM").filter(|value| !value.is_empty()),
            tmux: present("TMUX"),
            vte: present("VTE_VERSION"),
            windows_terminal: present("WT_SESSION"),
        }
    }
}

const OSC_52_PREFIX: &str = "\x1b]52;c;";
const BEL: &str = "\x07";

/// Builds the OSC 52 sequence that puts `text` on the system clipboard.
///
/// The result contains the text in base64, so it is as secret as the text and is zeroized on
/// drop; write it to the terminal and never to a log.
pub fn copy_sequence(text: &str, terminal: &TerminalInfo) -> Zeroizing<Vec<u8>> {
    let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text));
    let mut plain = Zeroizing::new(String::with_capacity(
        OSC_52_PREFIX.len() + encoded.len() + BEL.len(),
    ));
    plain.push_str(OSC_52_PREFIX);
    plain.push_str(&encoded);
    plain.push_str(BEL);
    wrap_for(&plain, terminal)
}

/// Builds the OSC 52 sequence that clears the system clipboard.
///
/// The payload `!` is not base64; xterm's control sequence documentation says such a payload
/// clears the selection, and a terminal that decodes leniently sets it to empty text.
pub fn clear_sequence(terminal: &TerminalInfo) -> Zeroizing<Vec<u8>> {
    let plain = format!("{OSC_52_PREFIX}!{BEL}");
    wrap_for(&plain, terminal)
}

fn wrap_for(plain: &str, terminal: &TerminalInfo) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(plain.len() * 2 + 16));
    if terminal.tmux {
        // tmux passthrough: DCS "tmux;" then the sequence with every ESC doubled, then ST.
        bytes.extend_from_slice(b"\x1bPtmux;");
        for byte in plain.bytes() {
            if byte == 0x1b {
                bytes.push(0x1b);
            }
            bytes.push(byte);
        }
        bytes.extend_from_slice(b"\x1b\\");
    }
    bytes.extend_from_slice(plain.as_bytes());
    bytes
}

/// Returns a warning for the user when this terminal may not carry out OSC 52 clipboard writes,
/// or `None` for a terminal known to support them.
pub fn support_warning(terminal: &TerminalInfo) -> Option<String> {
    const FALLBACK: &str = "If pasting gives nothing, reveal the field and copy it by hand.";
    let term = terminal.term.as_deref().unwrap_or("");
    let program = terminal.term_program.as_deref().unwrap_or("");

    if term == "linux" {
        return Some(format!(
            "The Linux console has no clipboard, so copying cannot work here. {FALLBACK}"
        ));
    }
    if program == "Apple_Terminal" {
        return Some(format!(
            "macOS Terminal ignores clipboard writes from programs (OSC 52); iTerm2, WezTerm \
             and kitty support them. {FALLBACK}"
        ));
    }
    if terminal.tmux {
        return Some(format!(
            "Inside tmux, copying works only when tmux forwards it: run `tmux set -g \
             set-clipboard on` (or `set -g allow-passthrough on` in tmux 3.3 and later), and \
             the outer terminal must support OSC 52. {FALLBACK}"
        ));
    }
    if terminal.vte {
        return Some(format!(
            "GNOME Terminal and other VTE-based terminals ignore clipboard writes from programs \
             (OSC 52). {FALLBACK}"
        ));
    }

    let known_program = matches!(program, "iTerm.app" | "WezTerm" | "vscode" | "ghostty");
    let known_term = ["kitty", "alacritty", "foot", "wezterm", "ghostty"]
        .iter()
        .any(|name| term.contains(name));
    if known_program || known_term || terminal.windows_terminal {
        return None;
    }
    Some(format!(
        "This terminal ({}) may not support clipboard writes from programs (OSC 52). {FALLBACK}",
        if term.is_empty() {
            "TERM is not set"
        } else {
            term
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terminal(pairs: &[(&str, &str)]) -> TerminalInfo {
        TerminalInfo::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn copy_sequence_plain() {
        let bytes = copy_sequence("hello", &terminal(&[("TERM", "xterm-kitty")]));
        assert_eq!(bytes.as_slice(), b"\x1b]52;c;aGVsbG8=\x07");
    }

    #[test]
    fn copy_sequence_encodes_utf8() {
        let bytes = copy_sequence("\u{00E9}", &TerminalInfo::default());
        assert_eq!(bytes.as_slice(), b"\x1b]52;c;w6k=\x07");
    }

    #[test]
    fn copy_sequence_in_tmux_sends_wrapped_then_plain() {
        let bytes = copy_sequence("hi", &terminal(&[("TMUX", "/tmp/tmux-0/default,1,0")]));
        let expected: &[u8] = b"\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\\x1b]52;c;aGk=\x07";
        assert_eq!(bytes.as_slice(), expected);
    }

    #[test]
    fn copy_sequence_hides_plain_text() {
        let secret = "PRIVATEabcdefghi";
        let bytes = copy_sequence(secret, &TerminalInfo::default());
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "{text:?}");
    }

    #[test]
    fn clear_sequence_plain_and_tmux() {
        assert_eq!(
            clear_sequence(&TerminalInfo::default()).as_slice(),
            b"\x1b]52;c;!\x07"
        );
        let in_tmux = clear_sequence(&terminal(&[("TMUX", "x")]));
        assert_eq!(
            in_tmux.as_slice(),
            b"\x1bPtmux;\x1b\x1b]52;c;!\x07\x1b\\\x1b]52;c;!\x07"
        );
    }

    #[test]
    fn warning_for_linux_console() {
        let warning = support_warning(&terminal(&[("TERM", "linux")])).expect("warning");
        assert!(warning.contains("Linux console"), "{warning}");
    }

    #[test]
    fn warning_for_apple_terminal() {
        let info = terminal(&[
            ("TERM", "xterm-256color"),
            ("TERM_PROGRAM", "Apple_Terminal"),
        ]);
        let warning = support_warning(&info).expect("warning");
        assert!(warning.contains("macOS Terminal"), "{warning}");
    }

    #[test]
    fn warning_for_tmux_names_option() {
        let info = terminal(&[("TERM", "tmux-256color"), ("TMUX", "x")]);
        let warning = support_warning(&info).expect("warning");
        assert!(warning.contains("set-clipboard on"), "{warning}");
    }

    #[test]
    fn warning_for_vte() {
        let info = terminal(&[("TERM", "xterm-256color"), ("VTE_VERSION", "7200")]);
        assert!(support_warning(&info).is_some());
    }

    #[test]
    fn warning_for_unknown_terminal() {
        let warning = support_warning(&terminal(&[("TERM", "xterm-256color")])).expect("warning");
        assert!(warning.contains("xterm-256color"), "{warning}");
        let unset = support_warning(&TerminalInfo::default()).expect("warning");
        assert!(unset.contains("TERM is not set"), "{unset}");
    }

    #[test]
    fn no_warning_for_known_terminals() {
        let cases: &[&[(&str, &str)]] = &[
            &[("TERM", "xterm-kitty")],
            &[("TERM", "alacritty")],
            &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "iTerm.app")],
            &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "WezTerm")],
            &[("TERM", "xterm-256color"), ("WT_SESSION", "abc")],
        ];
        for pairs in cases {
            assert_eq!(support_warning(&terminal(pairs)), None, "{pairs:?}");
        }
    }
}
