//! Command-line conventions of the real binary: completions that bash accepts, man pages that
//! man accepts, `--version` with the commit, the config file and its precedence, and the log
//! file in the state directory.

// Most tests here use Linux paths; elsewhere their helpers go unused.
#![cfg_attr(not(target_os = "linux"), allow(dead_code, unused_imports))]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Isolated, SandboxProcess};
use serde_json::Value;

const SUBCOMMANDS: &[&str] = &[
    "apply",
    "plan",
    "check",
    "tools",
    "config",
    "completions",
    "man",
];

/// The config file and log folder that the binary uses inside an isolated environment.
trait Layout {
    fn config_file(&self) -> PathBuf;
    fn write_config(&self, text: &str);
    fn log_folder(&self) -> PathBuf;
}

impl Layout for Isolated {
    fn config_file(&self) -> PathBuf {
        self.path("config").join("v360-setup").join("config.toml")
    }

    fn write_config(&self, text: &str) {
        let path = self.config_file();
        std::fs::create_dir_all(path.parent().expect("config folder")).expect("folder created");
        std::fs::write(path, text).expect("config written");
    }

    fn log_folder(&self) -> PathBuf {
        self.path("state").join("v360-setup").join("logs")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(mut command: Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("v360-setup runs");
    (status.code().unwrap_or(-1), text(&stdout), text(&stderr))
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

#[test]
#[cfg(unix)]
fn bash_accepts_the_completion_script() {
    let isolated = Isolated::new();
    let (code, script, stderr) = run(isolated.command(&["completions", "bash"]));
    assert_eq!(code, 0, "{stderr}");
    let path = isolated.path("v360-setup.bash");
    std::fs::write(&path, &script).expect("script written");

    // Loading the script must register a completion function for the program, and that
    // function must offer the subcommands.
    let probe = format!(
        "source {path}\ncomplete -p v360-setup\nCOMP_WORDS=(v360-setup con)\nCOMP_CWORD=1\n\
         COMP_LINE='v360-setup con'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _v360__setup v360-setup con v360-setup\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path = path.display()
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .expect("bash runs");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(
        output.status.success(),
        "bash rejected the script: {stderr}"
    );
    assert!(stderr.is_empty(), "bash warned: {stderr}");
    assert!(stdout.contains("-F _v360__setup v360-setup"), "{stdout}");
    assert!(
        stdout.lines().any(|line| line == "config"),
        "completing `con` did not offer `config`: {stdout}"
    );

    // Options and values after a subcommand complete too.
    let cases: [(&[&str], &str); 3] = [
        (&["apply", "--ou"], "--output"),
        (&["apply", "--layout", ""], "per-tool"),
        (&["completions", ""], "fish"),
    ];
    for (words, expected) in cases {
        let line = format!("v360-setup {}", words.join(" "));
        let current = words.last().copied().unwrap_or_default();
        let previous = words[words.len() - 2..]
            .first()
            .copied()
            .unwrap_or("v360-setup");
        let probe = format!(
            "source {path}\nCOMP_WORDS=(v360-setup {words})\nCOMP_CWORD={count}\n\
             COMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n\
             _v360__setup v360-setup '{current}' '{previous}'\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path = path.display(),
            words = words
                .iter()
                .map(|word| format!("'{word}'"))
                .collect::<Vec<_>>()
                .join(" "),
            count = words.len(),
        );
        let output = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &probe])
            .output()
            .expect("bash runs");
        let offered = text(&output.stdout);
        assert!(
            offered.lines().any(|word| word == expected),
            "completing {line:?} did not offer {expected}: {offered:?}"
        );
    }
}

#[test]
fn completions_cover_every_shell() {
    let isolated = Isolated::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, stderr) = run(isolated.command(&["completions", shell]));
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(script.contains("v360-setup"), "{shell}: {script}");
    }
    let (code, _, stderr) = run(isolated.command(&["completions", "tcsh"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("tcsh") && stderr.contains("bash"),
        "{stderr}"
    );
}

fn render_man_page(isolated: &Isolated, page: &Path) -> (bool, String, String) {
    let output = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("HOME", isolated.path("home"))
        .output()
        .expect("man runs");
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// `man -l` is man-db's; other systems' man programs read a file differently.
#[test]
#[cfg(target_os = "linux")]
fn man_accepts_every_page() {
    let isolated = Isolated::new();
    let pages = std::iter::once(None).chain(SUBCOMMANDS.iter().copied().map(Some));
    for subcommand in pages {
        let mut args = vec!["man"];
        args.extend(subcommand);
        let (code, roff, stderr) = run(isolated.command(&args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        let page = isolated.path("page.1");
        std::fs::write(&page, &roff).expect("page written");

        let (ok, rendered, warnings) = render_man_page(&isolated, &page);
        assert!(ok, "man rejected {args:?}: {warnings}");
        assert!(
            warnings.trim().is_empty(),
            "man warned on {args:?}: {warnings}"
        );
        let title = match subcommand {
            Some(name) => format!("v360-setup-{name}"),
            None => "v360-setup".to_owned(),
        };
        assert!(rendered.contains("NAME"), "{rendered}");
        assert!(rendered.contains(&title), "{title} missing from {rendered}");
        assert!(
            rendered.contains("--log-level"),
            "global flags missing: {rendered}"
        );
    }
    let (code, _, stderr) = run(isolated.command(&["man", "deploy"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("\"deploy\"") && stderr.contains("apply"),
        "{stderr}"
    );
}

#[test]
fn every_subcommand_help_shows_an_example() {
    let isolated = Isolated::new();
    for subcommand in SUBCOMMANDS {
        let (code, help, stderr) = run(isolated.command(&[subcommand, "--help"]));
        assert_eq!(code, 0, "{subcommand}: {stderr}");
        assert!(
            help.contains("Example"),
            "{subcommand} --help has no example:\n{help}"
        );
        assert!(help.contains(&format!("v360-setup {subcommand}")), "{help}");
    }
}

#[test]
fn version_names_the_commit() {
    let isolated = Isolated::new();
    let (code, version, stderr) = run(isolated.command(&["--version"]));
    assert_eq!(code, 0, "{stderr}");
    let git = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success());
    let commit = match git {
        Some(output) => text(&output.stdout).trim().to_owned(),
        None => "unknown".to_owned(),
    };
    assert_eq!(
        version.trim(),
        format!("v360-setup {} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );
}

fn setting<'a>(show: &'a Value, name: &str) -> &'a Value {
    show["settings"]
        .as_array()
        .expect("settings list")
        .iter()
        .find(|setting| setting["name"] == name)
        .unwrap_or_else(|| panic!("{name} missing from {show}"))
}

/// Runs on Linux only, where the folders follow XDG_CONFIG_HOME and XDG_STATE_HOME.
#[test]
#[cfg(target_os = "linux")]
fn settings_precedence_flag_env_file() {
    let isolated = Isolated::new();
    let (code, path, _) = run(isolated.command(&["config", "path"]));
    assert_eq!(code, 0);
    assert_eq!(PathBuf::from(path.trim()), isolated.config_file());

    isolated.write_config(
        "site = \"eu\"\ncompany_id = \"acme\"\n\
         client_id = \"3f2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f\"\ntools_dir = \"manifests\"\n",
    );
    let manifests = isolated.path("config").join("v360-setup").join("manifests");
    std::fs::create_dir(&manifests).expect("manifests folder created");
    let mut command = isolated.command(&[
        "config",
        "show",
        "--output",
        "json",
        "--site",
        "https://flag.example.test",
    ]);
    command
        .env("CWM_SITE", "au")
        .env("CWM_COMPANY_ID", "from-env");
    let (code, stdout, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    let show = json(&stdout);
    assert_eq!(show["exists"], true);
    let expect = |name: &str, value: &str, source: &str| {
        let entry = setting(&show, name);
        assert_eq!(entry["value"], value, "{name}: {entry}");
        assert_eq!(entry["source"], source, "{name}: {entry}");
    };
    expect("site", "https://flag.example.test", "flag");
    let mut command = isolated.command(&["config", "show", "--output", "json"]);
    command
        .env("CWM_SITE", "")
        .env("V360_TOOLS_DIR", "")
        .env("V360_CA_CERT", "");
    let (code, stdout, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    let empty_variable = json(&stdout);
    assert_eq!(
        setting(&empty_variable, "site")["value"],
        "eu",
        "{empty_variable}"
    );
    assert_eq!(setting(&empty_variable, "site")["source"], "config_file");
    assert_eq!(
        setting(&empty_variable, "tools_dir")["source"],
        "config_file"
    );
    assert_eq!(setting(&empty_variable, "ca_cert")["source"], "unset");
    expect("company_id", "from-env", "environment");
    expect(
        "client_id",
        "3f2c9a4e-1b7d-4c8e-9f00-2a6b5c7d8e9f",
        "config_file",
    );
    expect("tools_dir", &manifests.display().to_string(), "config_file");
    assert_eq!(setting(&show, "ca_cert")["source"], "unset");
}

/// Runs on Linux only, where the folders follow XDG_CONFIG_HOME and XDG_STATE_HOME.
#[test]
#[cfg(target_os = "linux")]
fn bad_config_file_names_fix() {
    let isolated = Isolated::new();
    let file = isolated.config_file().display().to_string();

    isolated.write_config("company = \"acme\"\n");
    let (code, _, stderr) = run(isolated.command(&["config", "show"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&file) && stderr.contains("company"),
        "{stderr}"
    );
    assert!(
        stderr.contains("company_id"),
        "the allowed keys are not named: {stderr}"
    );

    isolated.write_config("private_key = \"Pr1vateInAFile99\"\n");
    let (code, stdout, stderr) = run(isolated.command(&["tools", "--output", "json"]));
    assert_eq!(code, 2);
    let report = json(&stdout);
    assert_eq!(report["status"], "invalid_input");
    let message = report["error"].as_str().expect("error text");
    assert!(message.contains("CWM_PRIVATE_KEY"), "{message}");
    assert!(!stdout.contains("Pr1vateInAFile99"));
    assert!(!stderr.contains("Pr1vateInAFile99"));

    // `config path` still works, so the user can find the file to fix.
    let (code, path, _) = run(isolated.command(&["config", "path"]));
    assert_eq!(code, 0);
    assert_eq!(path.trim(), file);
}

/// Runs on Linux only, where the folders follow XDG_CONFIG_HOME and XDG_STATE_HOME.
#[test]
#[cfg(target_os = "linux")]
fn plan_uses_config_file_site() {
    let sandbox = SandboxProcess::start();
    let isolated = Isolated::new();
    isolated.write_config(&format!(
        "site = \"{}\"\ncompany_id = \"{}\"\nclient_id = \"{}\"\n",
        sandbox.url, sandbox.company_id, sandbox.client_id
    ));
    let mut command = isolated.command(&[
        "plan",
        "--tool",
        "email-reconnector",
        "--output",
        "json",
        "--log-level",
        "trace",
    ]);
    command
        .env("CWM_PUBLIC_KEY", &sandbox.admin_public_key)
        .env("CWM_PRIVATE_KEY", &sandbox.admin_private_key);
    let (code, stdout, stderr) = run(command);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(json(&stdout)["status"], "planned");

    let logs: Vec<PathBuf> = std::fs::read_dir(isolated.log_folder())
        .expect("log folder in the state directory")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let name = logs[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("v360-setup.") && name.ends_with(".log"),
        "{name}"
    );
    let log = std::fs::read_to_string(&logs[0]).expect("log readable");
    assert!(
        log.contains("v360-setup started") && log.contains("mode=\"plan\""),
        "{log}"
    );
    assert!(log.lines().count() > 2, "trace level logged only {log}");
    assert!(
        !log.contains(&sandbox.admin_private_key),
        "the private key reached the log"
    );
}

/// Runs on Linux only, where the folders follow XDG_CONFIG_HOME and XDG_STATE_HOME.
#[test]
#[cfg(target_os = "linux")]
fn log_level_and_file_flags() {
    let isolated = Isolated::new();
    let (code, _, stderr) = run(isolated.command(&["tools", "--log-level", "off"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !isolated.log_folder().exists(),
        "--log-level off still wrote a log"
    );

    let chosen = isolated.path("chosen.log");
    let mut command = isolated.command(&["tools", "--log-file"]);
    command.arg(&chosen).env("RUST_LOG", "debug");
    let (code, _, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    let log = std::fs::read_to_string(&chosen).expect("the chosen file was written");
    assert!(log.contains("mode=\"tools\""), "{log}");
    assert!(
        !isolated.log_folder().exists(),
        "--log-file also wrote the daily file"
    );

    let mut command = isolated.command(&["tools"]);
    command.env("RUST_LOG", "=[");
    let (code, _, stderr) = run(command);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("RUST_LOG=\"=[\"") && stderr.contains("--log-level"),
        "{stderr}"
    );
}
