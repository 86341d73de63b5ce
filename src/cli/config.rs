//! The config file: non-secret defaults (site, company ID, client ID, tools folder, CA
//! certificate) in the platform's config directory, and the `config` subcommand that shows them.
//!
//! A value on the command line wins over the environment, which wins over the file. Keys never
//! come from the file, because a private key there would sit on disk in plain text.

use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::{Deserialize, Serialize};

use super::{env, ConfigArgs, ConfigCommand, ConnectionArgs, Exit, OutputFormat};

/// The config file's name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

/// The settings a config file may contain.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub site: Option<String>,
    pub company_id: Option<String>,
    pub client_id: Option<String>,
    pub tools_dir: Option<PathBuf>,
    pub ca_cert: Option<PathBuf>,
}

/// Returns the config file's path, such as `~/.config/v360-setup/config.toml` on Linux.
pub fn path() -> Option<PathBuf> {
    crate::paths::config_dir().map(|dir| dir.join(FILE_NAME))
}

/// Reads the config file at `path`. A missing file gives empty settings.
///
/// Relative folder and file paths in the file are taken relative to the file's folder, so the
/// file means the same from any working directory.
pub fn load(path: &Path) -> Result<FileSettings, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(FileSettings::default())
        }
        Err(error) => {
            return Err(format!(
                "cannot read the config file {}: {error}",
                path.display()
            ))
        }
    };
    let table: toml::Table = text.parse().map_err(|error: toml::de::Error| {
        format!(
            "the config file {} is not valid TOML: {}",
            path.display(),
            error.message()
        )
    })?;
    if let Some(key) = table
        .keys()
        .find(|key| key.contains("private") || key.contains("secret"))
    {
        return Err(format!(
            "the config file {} contains {key:?}, but keys are never read from a file. Remove it \
             and set {} or type the key in the wizard's masked field",
            path.display(),
            env::PRIVATE_KEY
        ));
    }
    let mut settings: FileSettings = table.try_into().map_err(|error: toml::de::Error| {
        format!(
            "the config file {} is invalid: {}. The settings it may contain are site, \
             company_id, client_id, tools_dir and ca_cert",
            path.display(),
            error.message()
        )
    })?;
    let folder = path.parent().unwrap_or(Path::new("."));
    for entry in [&mut settings.tools_dir, &mut settings.ca_cert]
        .into_iter()
        .flatten()
    {
        if entry.is_relative() {
            *entry = folder.join(&*entry);
        }
    }
    Ok(settings)
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Flag,
    Environment,
    ConfigFile,
    Unset,
}

impl Source {
    fn describe(self) -> &'static str {
        match self {
            Source::Flag => "command line",
            Source::Environment => "environment",
            Source::ConfigFile => "config file",
            Source::Unset => "not set",
        }
    }
}

/// One setting's effective value and its source.
#[derive(Debug, Clone, Serialize)]
pub struct Effective {
    pub name: &'static str,
    pub value: Option<String>,
    pub source: Source,
}

/// Fills the settings the command line and environment left empty from the config file, and
/// returns each setting with its source.
pub fn merge(
    connection: &mut ConnectionArgs,
    matches: &ArgMatches,
    file: FileSettings,
) -> Vec<Effective> {
    fn path_text(path: &Option<PathBuf>) -> Option<String> {
        path.as_deref().map(|path| path.display().to_string())
    }
    let site = fill(&mut connection.site, file.site, matches, "site");
    let company_id = fill(
        &mut connection.company_id,
        file.company_id,
        matches,
        "company_id",
    );
    let client_id = fill(
        &mut connection.client_id,
        file.client_id,
        matches,
        "client_id",
    );
    let tools_dir = fill(
        &mut connection.tools_dir,
        file.tools_dir,
        matches,
        "tools_dir",
    );
    let ca_cert = fill(&mut connection.ca_cert, file.ca_cert, matches, "ca_cert");
    vec![
        Effective::new("site", connection.site.clone(), site),
        Effective::new("company_id", connection.company_id.clone(), company_id),
        Effective::new("client_id", connection.client_id.clone(), client_id),
        Effective::new("tools_dir", path_text(&connection.tools_dir), tools_dir),
        Effective::new("ca_cert", path_text(&connection.ca_cert), ca_cert),
    ]
}

impl Effective {
    fn new(name: &'static str, value: Option<String>, source: Source) -> Self {
        Effective {
            name,
            value,
            source,
        }
    }
}

/// Takes the file's value when flags and environment left `slot` empty, and returns the source.
fn fill<T>(slot: &mut Option<T>, from_file: Option<T>, matches: &ArgMatches, id: &str) -> Source {
    if slot.is_some() {
        return source_of(matches, id);
    }
    *slot = from_file;
    if slot.is_some() {
        Source::ConfigFile
    } else {
        Source::Unset
    }
}

/// Finds where clap took an argument from, looking into the chosen subcommand too, because
/// global arguments may be given after it.
fn source_of(matches: &ArgMatches, id: &str) -> Source {
    let mut current = Some(matches);
    let mut found = Source::Unset;
    while let Some(level) = current {
        match level.value_source(id) {
            Some(ValueSource::CommandLine) => return Source::Flag,
            Some(ValueSource::EnvVariable) => found = Source::Environment,
            _ => {}
        }
        current = level.subcommand().map(|(_, sub)| sub);
    }
    found
}

#[derive(Serialize)]
struct PathReport {
    path: Option<String>,
    exists: bool,
}

#[derive(Serialize)]
struct ShowReport<'a> {
    path: Option<String>,
    exists: bool,
    settings: &'a [Effective],
}

/// Runs `config path` or `config show`.
pub fn run(args: &ConfigArgs, path: Option<&Path>, effective: &[Effective]) -> Exit {
    let exists = path.is_some_and(Path::is_file);
    let shown_path = path.map(|path| path.display().to_string());
    match (&args.command, args.output) {
        (ConfigCommand::Path, OutputFormat::Json) => print_json(&PathReport {
            path: shown_path,
            exists,
        }),
        (ConfigCommand::Path, OutputFormat::Text) => match shown_path {
            Some(path) => super::print_stdout(&path),
            None => {
                eprintln!(
                    "error: this system has no config directory (no home directory is set); \
                     set HOME, or pass settings as flags or environment variables"
                );
                return Exit::InvalidInput;
            }
        },
        (ConfigCommand::Show, OutputFormat::Json) => print_json(&ShowReport {
            path: shown_path,
            exists,
            settings: effective,
        }),
        (ConfigCommand::Show, OutputFormat::Text) => {
            let file_line = match (&shown_path, exists) {
                (Some(path), true) => format!("# config file: {path}"),
                (Some(path), false) => format!("# config file: {path} (does not exist)"),
                (None, _) => "# config file: none (no config directory)".to_owned(),
            };
            let mut lines = vec![file_line];
            for setting in effective {
                lines.push(format!(
                    "{:<11} {:<40} ({})",
                    setting.name,
                    setting.value.as_deref().unwrap_or("-"),
                    setting.source.describe()
                ));
            }
            super::print_stdout(&lines.join("\n"));
        }
    }
    Exit::Done
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => super::print_stdout(&json),
        Err(error) => eprintln!("error: cannot encode the output: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join(FILE_NAME);
        std::fs::write(&path, text).expect("config file written");
        (folder, path)
    }

    #[test]
    fn missing_file_gives_no_settings() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let settings = load(&folder.path().join(FILE_NAME)).expect("a missing file is fine");
        assert!(settings.site.is_none() && settings.tools_dir.is_none());
    }

    #[test]
    fn relative_paths_follow_file_folder() {
        let (folder, path) =
            write("site = \"eu\"\ntools_dir = \"tools\"\nca_cert = \"/etc/ca.pem\"\n");
        let settings = load(&path).expect("valid file");
        assert_eq!(settings.site.as_deref(), Some("eu"));
        assert_eq!(settings.tools_dir, Some(folder.path().join("tools")));
        assert_eq!(settings.ca_cert, Some(PathBuf::from("/etc/ca.pem")));
    }

    #[test]
    fn unknown_key_names_allowed_keys() {
        let (_folder, path) = write("sitee = \"eu\"\n");
        let error = load(&path).expect_err("unknown key rejected");
        assert!(error.contains("sitee"), "{error}");
        assert!(error.contains("company_id"), "{error}");
        assert!(error.contains(&path.display().to_string()), "{error}");
    }

    #[test]
    fn private_key_in_file_rejected() {
        let (_folder, path) = write("private_key = \"Sup3rSecretValue\"\n");
        let error = load(&path).expect_err("private key rejected");
        assert!(error.contains("private_key"), "{error}");
        assert!(error.contains(env::PRIVATE_KEY), "{error}");
        assert!(!error.contains("Sup3rSecretValue"), "{error}");
    }

    #[test]
    fn broken_toml_names_the_file() {
        let (_folder, path) = write("site = \n");
        let error = load(&path).expect_err("broken file rejected");
        assert!(error.contains("not valid TOML"), "{error}");
        assert!(error.contains(&path.display().to_string()), "{error}");
    }
}
