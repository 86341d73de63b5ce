//! Diagnostic logging with `tracing`, always to a file and never to the screen, where it would
//! break the wizard's display.
//!
//! By default the log goes to `logs/v360-setup.YYYY-MM-DD.log` in the state directory, a new
//! file each day, keeping the last seven. `--log-file` chooses one file instead. The level comes
//! from `--log-level`, else `RUST_LOG`, else `info`. Keys cannot reach the log: they are held
//! in `secrecy` types whose `Debug` output is redacted, and nothing formats them with `Display`.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// The environment variable that sets the level when `--log-level` is absent.
pub const LEVEL_VARIABLE: &str = "RUST_LOG";

/// Daily files kept in the state directory's log folder.
const KEPT_FILES: usize = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn directive(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// Returns the folder of the daily log files, inside the state directory.
pub fn default_folder() -> Option<PathBuf> {
    crate::paths::state_dir().map(|dir| dir.join("logs"))
}

fn filter(level: Option<LogLevel>) -> Result<EnvFilter, String> {
    if let Some(level) = level {
        return Ok(EnvFilter::new(level.directive()));
    }
    match std::env::var(LEVEL_VARIABLE) {
        Ok(value) if !value.trim().is_empty() => {
            EnvFilter::try_new(value.trim()).map_err(|error| {
                format!(
                "{LEVEL_VARIABLE}={value:?} is not a valid log filter ({error}). Use a level such \
                 as info or debug, or pass --log-level"
            )
            })
        }
        _ => Ok(EnvFilter::new("info")),
    }
}

/// Starts logging. The returned guard flushes the log when dropped, so keep it until exit.
///
/// A chosen file that cannot be opened is an error. A default folder that cannot be created
/// only costs the log, so it is reported and the run goes on.
pub fn init(file: Option<&Path>, level: Option<LogLevel>) -> Result<Option<WorkerGuard>, String> {
    let filter = filter(level)?;
    if level == Some(LogLevel::Off) {
        return Ok(None);
    }
    let (writer, guard) = match file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|error| format!("cannot open log file {}: {error}", path.display()))?;
            tracing_appender::non_blocking(file)
        }
        None => {
            let Some(folder) = default_folder() else {
                return Ok(None);
            };
            match daily_appender(&folder) {
                Ok(appender) => tracing_appender::non_blocking(appender),
                Err(error) => {
                    eprintln!(
                        "warning: cannot write logs to {}: {error}. Continuing without a log; \
                         choose a file with --log-file",
                        folder.display()
                    );
                    return Ok(None);
                }
            }
        }
    };
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    Ok(Some(guard))
}

fn daily_appender(folder: &Path) -> Result<RollingFileAppender, String> {
    create_private_folder(folder).map_err(|error| error.to_string())?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("v360-setup")
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(folder)
        .map_err(|error| error.to_string())
}

/// Creates the log folder readable by its owner only, because logs name the site and company.
fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
}
