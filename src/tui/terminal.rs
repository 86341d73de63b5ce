//! Terminal setup and restoration: raw mode, the alternate screen, bracketed paste and the
//! optional mouse capture.
//!
//! The terminal is restored when the guard drops (normal exit and error), by the panic hook
//! before the panic message prints, and so after Ctrl-C, SIGTERM and SIGHUP too, because the
//! event loop turns those into an orderly exit.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// Whether the terminal is in the wizard's mode, so restoring twice does nothing the second
/// time.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

pub type WizardTerminal = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the wizard runs and restores it on drop.
pub struct TerminalGuard {
    pub terminal: WizardTerminal,
}

/// Installs the panic hook, then switches the terminal to raw mode, the alternate screen,
/// bracketed paste and, with `mouse`, mouse capture.
pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
    install_panic_hook();
    ACTIVE.store(true, Ordering::SeqCst);
    let result = (|| {
        enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        if mouse {
            execute!(io::stdout(), EnableMouseCapture)?;
        }
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        terminal.hide_cursor()?;
        terminal.clear()?;
        Ok(terminal)
    })();
    match result {
        Ok(terminal) => Ok(TerminalGuard { terminal }),
        Err(error) => {
            restore();
            Err(error)
        }
    }
}

/// Leaves the wizard's terminal mode; errors are ignored because this runs on the way out,
/// where nothing better can be done.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    // Disabling mouse capture that was never enabled is harmless, so the flag need not be kept.
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Restores the terminal before the default hook prints, so the panic message lands on the
/// normal screen and the shell is usable afterwards.
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
