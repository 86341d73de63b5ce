//! The interactive wizard, built on The Elm Architecture.
//!
//! - [`model`] and [`forms`]: the state; [`message`]: what can happen; [`update`]: the pure
//!   transitions; [`validate`]: the input checks that run before any request;
//! - [`command`]: engine calls run as tokio tasks that reply over a bounded channel;
//! - [`view`]: the pure drawing code, one file per screen;
//! - [`terminal`]: raw mode, alternate screen and their restoration on every exit path;
//! - [`input`]: text fields; [`error`]: error reports;
//! - [`demo`]: the in-process sandbox behind `--demo`; [`strings`]: the user-visible text.
//!
//! One task, the event loop in [`run`], owns the terminal. It draws, waits for the next input
//! event, tick, signal or engine reply, and hands it to `update`. Nothing in the loop awaits
//! the network.

pub mod command;
pub mod demo;
pub mod error;
pub mod forms;
pub mod input;
pub mod message;
pub mod model;
pub mod strings;
pub mod terminal;
pub mod update;
pub mod validate;
pub mod view;

/// Screen states for the unit tests and the render benchmark; not part of the interface.
#[doc(hidden)]
pub mod fixtures;

use std::fmt;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream, MouseButton, MouseEvent, MouseEventKind};
use futures::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;

use crate::handoff::clipboard::{clear_sequence, copy_sequence, support_warning, TerminalInfo};
use command::{ClipboardCommand, Command, Runner, REPLY_CHANNEL_CAPACITY};
use message::{ExitSignal, Msg};
use model::{Exit, Model};

/// Interval of the tick that animates the spinner.
const TICK: Duration = Duration::from_millis(100);

/// Options the command line passes to the wizard; given values pre-fill the Connect screen.
pub struct WizardOptions {
    /// Runs against the built-in sandbox and fills the Connect screen from it.
    pub demo: bool,
    pub site: Option<String>,
    pub company_id: Option<String>,
    pub public_key: Option<String>,
    pub private_key: Option<SecretString>,
    pub client_id: Option<String>,
    /// The selected tools; an empty list selects the built-in tools.
    pub tools: Vec<crate::requirements::Manifest>,
    /// Accepts a security role with the admin flag.
    pub allow_admin_role: bool,
    /// Takes left clicks on step tabs, rows and picker entries. While the wizard captures the
    /// mouse, most terminals select text only with Shift held.
    pub mouse: bool,
    /// Transport settings, such as the CA certificate from `--ca-cert`.
    pub client_options: crate::cwm::ClientOptions,
}

impl fmt::Debug for WizardOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tools: Vec<&str> = self.tools.iter().map(|tool| tool.id.as_str()).collect();
        f.debug_struct("WizardOptions")
            .field("demo", &self.demo)
            .field("site", &self.site)
            .field("company_id", &self.company_id)
            .field("public_key", &self.public_key)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field("client_id", &self.client_id)
            .field("tools", &tools)
            .field("allow_admin_role", &self.allow_admin_role)
            .field("mouse", &self.mouse)
            .finish()
    }
}

/// Runs the wizard until the user finishes or quits, or a signal arrives, and returns the
/// process exit code (see [`Exit::code`]). Returns the invalid-input code 2 at once when standard
/// input or output is not a terminal.
///
/// The terminal is restored before this returns, also on error.
pub async fn run(options: WizardOptions) -> anyhow::Result<ExitCode> {
    // Raw mode and the alternate screen need a terminal on both ends. Without one, the error
    // is printed before any escape sequence reaches a pipe or a file.
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!("error: {}", strings::NOT_A_TERMINAL);
        return Ok(crate::cli::Exit::InvalidInput.into());
    }
    let tools = if options.tools.is_empty() {
        crate::requirements::manifest::builtin()
    } else {
        options.tools
    };
    let mut model = Model::new(tools, options.allow_admin_role, options.demo)?;
    model.monochrome = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    model.clipboard_warning = support_warning(&TerminalInfo::from_env());
    let form = &mut model.connect;
    if let Some(site) = &options.site {
        form.set_site(site);
    }
    let prefill = [
        (&mut form.company, options.company_id),
        (&mut form.public_key, options.public_key),
        (&mut form.client_id, options.client_id),
    ];
    for (field, value) in prefill {
        if let Some(value) = value {
            field.set(&value);
        }
    }
    if let Some(private_key) = &options.private_key {
        form.private_key.set(private_key.expose_secret());
    }

    let sandbox = if options.demo {
        let sandbox = demo::start().await?;
        demo::fill_connect(&mut model, &sandbox);
        Some(Arc::new(sandbox))
    } else {
        None
    };
    // Start typing in the first empty field; with everything filled in, Enter connects.
    let first_empty = model.connect.rows().into_iter().position(|row| {
        model
            .connect
            .field(row)
            .is_some_and(input::TextField::is_empty)
    });
    if let Some(index) = first_empty {
        model.connect.selected = index;
        model.connect.editing = true;
    }

    let (replies, reply_receiver) = mpsc::channel(REPLY_CHANNEL_CAPACITY);
    let runner = Runner::new(replies, sandbox, options.client_options.clone());
    let mut guard = terminal::enter(options.mouse)?;
    let result = event_loop(&mut guard.terminal, &mut model, &runner, reply_receiver).await;
    drop(guard);

    let exit = result?;
    tracing::info!(?exit, "wizard ended");
    Ok(ExitCode::from(exit.code()))
}

async fn event_loop(
    terminal: &mut terminal::WizardTerminal,
    model: &mut Model,
    runner: &Runner,
    mut replies: mpsc::Receiver<Msg>,
) -> anyhow::Result<Exit> {
    let mut events = EventStream::new();
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new()?;
    let terminal_info = TerminalInfo::from_env();
    let mut clicks = view::ClickMap::default();
    // Later sizes arrive as resize events; the first one is read here.
    let size = terminal.size()?;
    update::update(
        model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );

    loop {
        terminal.draw(|frame| clicks = view::view(model, frame))?;
        let message = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Mouse(mouse))) => click_message(&clicks, mouse),
                Some(Ok(event)) => Msg::from_event(event),
                Some(Err(error)) => return Err(error.into()),
                None => Some(Msg::Signal(ExitSignal::HangUp)),
            },
            Some(reply) = replies.recv() => Some(reply),
            _ = ticks.tick() => Some(Msg::Tick),
            signal = signals.recv() => Some(Msg::Signal(signal)),
        };
        let Some(message) = message else {
            continue;
        };
        match update::update(model, message) {
            Some(Command::Clipboard(clipboard)) => {
                write_clipboard(terminal, &terminal_info, &clipboard)?;
            }
            Some(command) => runner.spawn(command),
            None => {}
        }
        if let Some(exit) = model.exit {
            // A value the wizard copied must not outlive it on the clipboard.
            if model.clipboard.clear_at_tick.is_some() {
                write_clipboard(terminal, &terminal_info, &ClipboardCommand::Clear)?;
            }
            return Ok(exit);
        }
    }
}

/// Maps a left button press to what the last frame drew at that cell; other mouse events are
/// ignored.
fn click_message(clicks: &view::ClickMap, mouse: MouseEvent) -> Option<Msg> {
    if mouse.kind != MouseEventKind::Down(MouseButton::Left) {
        return None;
    }
    clicks.target_at(mouse.column, mouse.row).map(Msg::Click)
}

/// Writes an OSC 52 sequence straight to the terminal, between two frames.
fn write_clipboard(
    terminal: &mut terminal::WizardTerminal,
    terminal_info: &TerminalInfo,
    command: &ClipboardCommand,
) -> std::io::Result<()> {
    use std::io::Write;

    let sequence = match command {
        ClipboardCommand::Copy(text) => copy_sequence(text.expose_secret(), terminal_info),
        ClipboardCommand::Clear => clear_sequence(terminal_info),
    };
    let backend = terminal.backend_mut();
    backend.write_all(&sequence)?;
    backend.flush()
}

/// The signals that end the wizard: SIGINT from outside the terminal (inside it, raw mode turns
/// Ctrl-C into a key event), and on Unix SIGTERM and SIGHUP.
struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hang_up: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                hang_up: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(&mut self) -> ExitSignal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => ExitSignal::Interrupt,
                _ = self.terminate.recv() => ExitSignal::Terminate,
                _ = self.hang_up.recv() => ExitSignal::HangUp,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            ExitSignal::Interrupt
        }
    }
}
