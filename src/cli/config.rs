//! The config file: non-secret defaults (site, company ID, client ID, tools folder, CA
//! certificate) in the platform's config directory, and the `config` subcommand that shows them.
//!
//! A value on the command line wins over the environment, which wins over the file. Keys never
//! come from the file, because a private key there would sit on disk in plain text.

use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Serialize;

use super::{env, ConfigArgs, ConfigCommand, ConnectionArgs, Exit, OutputFormat};

/// The config file's name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

/// The settings a config file may contain.
#[derive(Debug, Default, Clone)]
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

/// The settings a config file may contain, in the order messages list them.
const SETTINGS: [&str; 5] = ["site", "company_id", "client_id", "tools_dir", "ca_cert"];

/// Reads the config file at `path`. A missing file gives empty settings.
///
/// Relative folder and file paths in the file are taken relative to the file's folder, so the
/// file means the same from any working directory. Each value is checked here, so that a wrong
/// one is reported with the file and the setting rather than later as a failed connection.
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
    let file = path.display();
    let table: toml::Table = text.parse().map_err(|error: toml::de::Error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        let at = line
            .map(|line| format!(" at line {line}"))
            .unwrap_or_default();
        format!(
            "the config file {file} is not valid TOML{at}: {}. Write one setting per line, \
             such as site = \"na\"; the settings are {}",
            error.message().trim_end_matches('.'),
            SETTINGS.join(", ")
        )
    })?;

    let mut settings = FileSettings::default();
    for (key, value) in &table {
        let line = line_of(&text, key);
        if key.contains("key") || key.contains("secret") {
            return Err(format!(
                "the config file {file} contains {key:?}{line}, but API keys are never read from \
                 a file. Remove it, and set {} and {} or type the keys in the wizard",
                env::PUBLIC_KEY,
                env::PRIVATE_KEY
            ));
        }
        if !SETTINGS.contains(&key.as_str()) {
            return Err(format!(
                "the config file {file} contains the unknown setting {key:?}{line}. The settings \
                 are {}",
                SETTINGS.join(", ")
            ));
        }
        let Some(value) = value
            .as_str()
            .map(str::trim)
            .filter(|value| !value.is_empty())
        else {
            return Err(format!(
                "the config file {file} sets {key}{line} to {value}, but it must be text in \
                 quotes, such as {key} = \"…\""
            ));
        };
        let invalid = |reason: String| {
            format!("the config file {file} sets {key}{line} to {value:?}: {reason}")
        };
        let folder = path.parent().unwrap_or(Path::new("."));
        match key.as_str() {
            "site" => {
                crate::cwm::site::normalize(value).map_err(|error| invalid(error.to_string()))?;
                settings.site = Some(value.to_owned());
            }
            "company_id" => settings.company_id = Some(value.to_owned()),
            "client_id" => {
                crate::provision::validate_client_id(value)
                    .map_err(|error| invalid(error.to_string()))?;
                settings.client_id = Some(value.to_owned());
            }
            "tools_dir" => {
                let folder = folder.join(value);
                if !folder.is_dir() {
                    return Err(invalid(format!(
                        "{} does not exist or is not a folder. Create it or remove the line",
                        folder.display()
                    )));
                }
                settings.tools_dir = Some(folder);
            }
            _ => {
                let certificate = folder.join(value);
                if !certificate.is_file() {
                    return Err(invalid(format!(
                        "{} does not exist or is not a file",
                        certificate.display()
                    )));
                }
                settings.ca_cert = Some(certificate);
            }
        }
    }
    Ok(settings)
}

/// Returns " (line N)" for the line that sets `key`, or nothing when it cannot be found.
fn line_of(text: &str, key: &str) -> String {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|index| format!(" (line {})", index + 1))
        .unwrap_or_default()
}

/// The origin of a setting's value.
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
    // A variable set to nothing, such as `CWM_SITE=`, counts as unset, so the file still applies.
    for text in [
        &mut connection.site,
        &mut connection.company_id,
        &mut connection.client_id,
    ] {
        if text.as_deref().is_some_and(|value| value.trim().is_empty()) {
            *text = None;
        }
    }
    for path in [&mut connection.tools_dir, &mut connection.ca_cert] {
        if path
            .as_deref()
            .is_some_and(|value| value.as_os_str().is_empty())
        {
            *path = None;
        }
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
        assert!(settings.site.is_none());
        assert!(settings.tools_dir.is_none());
    }

    #[test]
    fn relative_paths_follow_file_folder() {
        let (folder, path) = write("site = \"eu\"\ntools_dir = \"tools\"\nca_cert = \"ca.pem\"\n");
        std::fs::create_dir(folder.path().join("tools")).expect("tools folder created");
        std::fs::write(folder.path().join("ca.pem"), "").expect("certificate file written");
        let settings = load(&path).expect("valid file");
        assert_eq!(settings.site.as_deref(), Some("eu"));
        assert_eq!(settings.tools_dir, Some(folder.path().join("tools")));
        assert_eq!(settings.ca_cert, Some(folder.path().join("ca.pem")));
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
        let (_folder, path) = write("site = \"eu\"\ncompany_id = \n");
        let error = load(&path).expect_err("broken file rejected");
        assert!(error.contains("not valid TOML at line 2"), "{error}");
        assert!(error.contains(&path.display().to_string()), "{error}");
    }

    #[test]
    fn wrong_values_name_the_setting() {
        let cases = [
            ("site = 5\n", "sets site (line 1) to 5, but it must be text"),
            ("site = \"mars\"\n", "sets site (line 1) to \"mars\""),
            (
                "client_id = \"nope\"\n",
                "sets client_id (line 1) to \"nope\"",
            ),
            ("\ntools_dir = \"absent\"\n", "sets tools_dir (line 2)"),
            (
                "ca_cert = \"absent.pem\"\n",
                "does not exist or is not a file",
            ),
            (
                "public_key = \"Abc\"\n",
                "API keys are never read from a file",
            ),
        ];
        for (text, expected) in cases {
            let (_folder, path) = write(text);
            let error = load(&path).expect_err("wrong value rejected");
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }
}
