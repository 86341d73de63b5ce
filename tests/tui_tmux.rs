//! The wizard in a real terminal: the `v360-setup` binary runs inside a tmux session, the test
//! sends keys and reads the screen back with `capture-pane`.
//!
//! Each test polls the screen every 100 ms until the expected text appears or 20 s pass, then
//! fails with the last screen. The binary runs under `sh -c '...; echo EXITED:$?; stty -a'`, so
//! after it exits the normal screen shows its exit code and the terminal modes it left behind.
//!
//! tmux is required: without it the tests fail with the command that installs it.

#![cfg(unix)]

mod in_process;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use v360_setup::requirements::{manifest, Requirements};
use v360_setup::sandbox::{Sandbox, SandboxOptions};

const BINARY: &str = env!("CARGO_BIN_EXE_v360-setup");
const POLL_INTERVAL: Duration = Duration::from_millis(100);
const WAIT_LIMIT: Duration = Duration::from_secs(20);
const SESSION: &str = "wizard";

static NEXT_SOCKET: AtomicUsize = AtomicUsize::new(0);

/// A tmux server on its own socket, killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts a 120x40 session that runs `command` in `sh`, with `env` added to its
    /// environment, and keeps the pane open after the command ends.
    fn start(command: &str, env: &[(&str, &str)]) -> Tmux {
        let socket = format!(
            "v360-tui-test-{}-{}",
            std::process::id(),
            NEXT_SOCKET.fetch_add(1, Ordering::SeqCst)
        );
        let tmux = Tmux { socket };
        let script = format!("{command}; echo EXITED:$?; stty -a; exec sleep 600");
        let mut args: Vec<String> = ["new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40"]
            .map(str::to_owned)
            .to_vec();
        for (name, value) in env {
            args.push("-e".into());
            args.push(format!("{name}={value}"));
        }
        args.extend(["sh".to_owned(), "-c".to_owned(), script]);
        tmux.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        tmux
    }

    /// Runs a tmux command on this server; `-f /dev/null` keeps the user's tmux.conf out.
    fn run(&self, args: &[&str]) -> Output {
        let output = Command::new("tmux")
            .args(["-f", "/dev/null", "-L", &self.socket])
            .args(args)
            .output();
        let output = match output {
            Ok(output) => output,
            Err(error) => panic!(
                "cannot run tmux ({error}); the terminal tests need it: apt-get install tmux"
            ),
        };
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", SESSION];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Pastes `text` as a bracketed paste, the way a terminal delivers a clipboard paste.
    fn paste(&self, text: &str) {
        self.run(&["set-buffer", "-b", "test-paste", "--", text]);
        self.run(&[
            "paste-buffer",
            "-p",
            "-d",
            "-b",
            "test-paste",
            "-t",
            SESSION,
        ]);
    }

    /// Sends a left click on the cell at the 0-based `column` and `row`, as a terminal reports
    /// it in SGR mouse mode: a press, then a release.
    fn click(&self, column: u16, row: u16) {
        let (x, y) = (column + 1, row + 1);
        for end in ['M', 'm'] {
            self.run(&[
                "send-keys",
                "-t",
                SESSION,
                "-l",
                &format!("\x1b[<0;{x};{y}{end}"),
            ]);
        }
    }

    /// Returns the visible screen.
    fn screen(&self) -> String {
        let output = self.run(&["capture-pane", "-p", "-t", SESSION]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Returns the normal screen's scrollback and its visible part.
    fn scrollback(&self) -> String {
        let output = self.run(&["capture-pane", "-p", "-S", "-", "-t", SESSION]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn pane_format(&self, format: &str) -> String {
        let output = self.run(&["display-message", "-p", "-t", SESSION, format]);
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Waits until the screen contains `text` and returns that screen; fails with the last
    /// screen after the wait limit.
    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if Instant::now() >= deadline {
                panic!("{text:?} did not appear within {WAIT_LIMIT:?}; last screen:\n{screen}");
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Fails with an install hint when tmux is missing, instead of skipping silently.
fn require_tmux() {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "tmux is not installed; the terminal tests need it: apt-get install tmux"
    );
}

/// Checks that the wizard left the terminal as it found it: normal screen, cursor shown, and
/// canonical mode with echo (raw mode turns both off).
#[track_caller]
fn assert_terminal_restored(tmux: &Tmux, exit_marker: &str) {
    let screen = tmux.wait_for(exit_marker);
    let screen = if screen.contains("icanon") {
        screen
    } else {
        tmux.wait_for("icanon")
    };
    assert_eq!(
        tmux.pane_format("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(
        tmux.pane_format("#{cursor_flag}"),
        "1",
        "cursor still hidden"
    );
    assert_eq!(
        tmux.pane_format("#{mouse_any_flag}"),
        "0",
        "mouse capture still on"
    );
    let modes: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        modes.contains(&"icanon"),
        "canonical mode not restored:\n{screen}"
    );
    assert!(modes.contains(&"echo"), "echo not restored:\n{screen}");
}

/// Returns the text between the brackets of the form row labelled `label`.
fn field_value(screen: &str, label: &str) -> String {
    let line = screen
        .lines()
        .find(|line| line.trim_start_matches(['>', ' ']).starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} row on screen:\n{screen}"));
    let start = line.find('[').map_or(0, |index| index + 1);
    let end = line.rfind(']').unwrap_or(line.len());
    line[start..end].trim_end_matches('▏').to_owned()
}

#[track_caller]
fn assert_masked(screen: &str, label: &str) {
    let value = field_value(screen, label);
    assert!(!value.is_empty(), "{label} is empty:\n{screen}");
    assert!(
        value.chars().all(|c| c == '•'),
        "{label} is not masked: {value:?}"
    );
}

#[test]
fn demo_reaches_summary() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);

    let screen = tmux.wait_for("press Enter to connect");
    assert_masked(&screen, "Private key");
    tmux.send(&["Enter"]);

    tmux.wait_for("Press Enter to find or create the role");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("[missing]");
    assert!(screen.contains("> [ ] 1 Security role"), "{screen}");
    assert!(
        screen.contains("Fix: System > Security Roles > Visionary 360 API"),
        "{screen}"
    );
    tmux.send(&["d"]);
    let screen = tmux.wait_for("Every required permission is set");
    assert!(!screen.contains("[missing]"), "{screen}");
    tmux.send(&["Enter"]);

    tmux.wait_for("(1 of");
    tmux.send(&["Enter"]);
    tmux.wait_for("Created the API member V360API");
    tmux.send(&["Enter"]);

    tmux.wait_for("API Keys tab");
    // The public key field takes typed letters, so `d` needs the route row selected.
    tmux.send(&["Up"]);
    tmux.send(&["d"]);
    let screen = tmux.wait_for("The sandbox created a key");
    assert_masked(&screen, "Private key");
    tmux.send(&["Enter"]);
    tmux.wait_for("Key accepted");
    tmux.send(&["Enter"]);

    let screen = tmux.wait_for("(press v to show)");
    assert!(screen.contains("[x] 3 API key"), "{screen}");
    let site_row = screen
        .lines()
        .find(|line| line.trim_start_matches(['>', ' ']).starts_with("Site "))
        .unwrap_or_default();
    assert!(
        site_row.contains("http://127.0.0.1:"),
        "step 4 shows the site as entered: {site_row:?}"
    );
    tmux.send(&["v"]);
    let screen = tmux.wait_for("(shown: press v to hide)");
    let shown_line = screen
        .lines()
        .find(|line| line.contains("(shown: press v to hide)"))
        .unwrap_or_default();
    let tool_private_key = shown_line
        .split_whitespace()
        .nth(2)
        .unwrap_or_default()
        .to_owned();
    assert_eq!(tool_private_key.len(), 16, "revealed key in {shown_line:?}");
    tmux.send(&["v"]);
    let screen = tmux.wait_for("(press v to show)");
    assert!(
        !screen.contains(&tool_private_key),
        "key still shown:\n{screen}"
    );
    tmux.send(&["Enter"]);

    let screen = tmux.wait_for("Left to do:");
    assert!(screen.contains("Created:"), "{screen}");
    assert!(
        screen.contains("Security role \"Visionary 360 API\", all"),
        "{screen}"
    );
    assert!(screen.contains("- API member V360API"), "{screen}");
    assert!(
        screen.contains("API key for Email reConnector: accepted"),
        "{screen}"
    );
    assert!(!screen.contains("Delete the old key"), "{screen}");
    assert!(screen.contains("[x] 4 Registration"), "{screen}");
    tmux.send(&["q"]);
    tmux.wait_for("Quit anyway? y/n");
    tmux.send(&["y"]);

    assert_terminal_restored(&tmux, "EXITED:0");
    let scrollback = tmux.scrollback();
    assert!(
        !scrollback.contains(&tool_private_key),
        "tool key left on the terminal"
    );
}

#[test]
fn wizard_without_terminal_exits_two() {
    let home = tempfile::tempdir().expect("temporary home");
    let output = Command::new(BINARY)
        .arg("--demo")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("v360-setup runs");

    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "stdout: {:?}", output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the wizard needs an interactive terminal"),
        "{stderr}"
    );
    assert!(stderr.contains("v360-setup apply"), "{stderr}");
}

#[test]
fn wizard_with_stdout_to_file_exits_two() {
    require_tmux();
    let folder = tempfile::tempdir().expect("temporary folder");
    let stdout_file = folder.path().join("stdout");
    let command = format!("{BINARY} --demo > {}", stdout_file.display());
    let tmux = Tmux::start(&command, &[]);

    let screen = tmux.wait_for("EXITED:");
    assert!(screen.contains("EXITED:2"), "{screen}");
    assert!(
        screen.contains("the wizard needs an interactive terminal"),
        "{screen}"
    );
    let written = std::fs::read(&stdout_file).expect("stdout file exists");
    assert!(written.is_empty(), "escape codes on stdout: {written:?}");
}

#[test]
fn esc_on_connect_asks_before_quitting() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);
    tmux.wait_for("press Enter to connect");

    tmux.send(&["Escape"]);
    tmux.wait_for("Quit now?");
    tmux.send(&["n"]);
    let screen = tmux.wait_for("Cancelled.");
    assert!(screen.contains("Connect to ConnectWise Manage"), "{screen}");
    tmux.send(&["Escape"]);
    tmux.wait_for("Quit now?");
    tmux.send(&["y"]);

    assert_terminal_restored(&tmux, "EXITED:0");
}

#[test]
fn ctrl_c_restores_terminal() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);
    tmux.wait_for("press Enter to connect");

    tmux.send(&["C-c"]);

    assert_terminal_restored(&tmux, "EXITED:130");
    let screen = tmux.screen();
    assert!(
        !screen.contains("Connect to ConnectWise Manage"),
        "wizard still drawn:\n{screen}"
    );
}

#[test]
fn sigterm_restores_terminal() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);
    tmux.wait_for("press Enter to connect");

    // The pane runs `sh`, and the wizard is its only child.
    let shell_pid = tmux.pane_format("#{pane_pid}");
    let children = Command::new("pgrep")
        .args(["-P", &shell_pid])
        .output()
        .expect("pgrep runs");
    let wizard_pid = String::from_utf8_lossy(&children.stdout).trim().to_owned();
    assert!(
        !wizard_pid.is_empty() && !wizard_pid.contains('\n'),
        "expected one child of the pane shell {shell_pid}, found {wizard_pid:?}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &wizard_pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -TERM {wizard_pid} failed");

    assert_terminal_restored(&tmux, "EXITED:143");
}

/// Runs the plain wizard against a sandbox that this test owns. The test therefore has both
/// private keys, performs the web UI steps itself, and pastes the tool key as a terminal
/// would. Neither private key may appear on any screen, except the tool key while revealed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_keys_stay_off_screen() {
    require_tmux();
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let info = sandbox.startup_info().clone();
    let admin_private_key = info.admin_private_key.clone();
    // Every file the wizard may write (log, audit log, config, state) lands in this folder,
    // which is searched for the keys at the end.
    let home = std::env::temp_dir().join(format!("v360-tui-leak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("test home folder");
    let home_text = home.display().to_string();
    let state = format!("{home_text}/state");
    let config = format!("{home_text}/config");
    let data = format!("{home_text}/data");
    let cache = format!("{home_text}/cache");
    let env = [
        ("CWM_SITE", info.url.as_str()),
        ("CWM_COMPANY_ID", info.company_id.as_str()),
        ("CWM_PUBLIC_KEY", info.admin_public_key.as_str()),
        ("CWM_PRIVATE_KEY", admin_private_key.as_str()),
        ("CWM_CLIENT_ID", info.client_id.as_str()),
        ("HOME", home_text.as_str()),
        ("XDG_STATE_HOME", state.as_str()),
        ("XDG_CONFIG_HOME", config.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
        ("XDG_CACHE_HOME", cache.as_str()),
        ("RUST_LOG", "trace"),
    ];
    let command = format!("{BINARY} --log-file {home_text}/wizard.log");
    let tmux = Tmux::start(&command, &env);
    let mut screens = Vec::new();

    let screen = tmux.wait_for("Connect to ConnectWise Manage");
    assert_masked(&screen, "Private key");
    screens.push(screen);
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("Press Enter to find or create the role"));
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("[missing]");
    let role_id: i64 = screen
        .split("(id ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no role id on screen:\n{screen}"));
    screens.push(screen);

    let requirements = Requirements::merge(&manifest::builtin());
    in_process::grant(&sandbox, role_id, &requirements);
    tmux.send(&["r"]);
    screens.push(tmux.wait_for("Every required permission is set"));
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("(1 of"));
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("Created the API member V360API"));
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("API Keys tab"));

    let (tool_public_key, tool_private_key) = sandbox
        .create_api_key("V360API", "Email reConnector")
        .expect("sandbox creates a key");
    tmux.paste(&format!("  {tool_public_key}\u{00A0}\n"));
    tmux.wait_for("removed 2 spaces, a line break and a no-break space");
    tmux.paste(&format!("\t{tool_private_key} \n"));
    let screen = tmux.wait_for("removed a space, a tab and a line break");
    assert_masked(&screen, "Public key");
    assert_masked(&screen, "Private key");
    assert_eq!(
        field_value(&screen, "Private key").chars().count(),
        tool_private_key.len(),
        "whitespace was not stripped from the pasted private key"
    );
    screens.push(screen);
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("Key accepted"));
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("(press v to show)"));
    tmux.send(&["Enter"]);
    screens.push(tmux.wait_for("Left to do:"));
    tmux.send(&["Enter"]);
    tmux.wait_for("Quit anyway? y/n");
    tmux.send(&["y"]);
    assert_terminal_restored(&tmux, "EXITED:0");
    screens.push(tmux.scrollback());

    for screen in &screens {
        assert!(
            !screen.contains(&admin_private_key),
            "admin private key on screen:\n{screen}"
        );
        assert!(
            !screen.contains(&tool_private_key),
            "tool private key on screen:\n{screen}"
        );
    }

    let files = files_under(&home);
    let audit = files
        .iter()
        .find(|(path, _)| path.ends_with("v360-setup/audit.jsonl"))
        .unwrap_or_else(|| {
            panic!(
                "no audit log among {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            )
        });
    assert!(
        String::from_utf8_lossy(&audit.1).contains("\"created\""),
        "the audit log records the created role and member"
    );
    for (path, contents) in &files {
        let text = String::from_utf8_lossy(contents);
        assert!(
            !text.contains(&admin_private_key),
            "{} contains the admin private key",
            path.display()
        );
        assert!(
            !text.contains(&tool_private_key),
            "{} contains the tool private key",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&home);
    sandbox.shutdown().await;
}

/// Reads every file below `folder`, recursively.
fn files_under(folder: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else if let Ok(contents) = std::fs::read(&path) {
            files.push((path, contents));
        }
    }
    files
}

/// A `cwm-sandbox` process on a free loopback port, killed on drop. The wizard reaches it
/// over HTTP like a real site, and the test plays the web UI through its control paths.
struct SandboxProcess {
    child: std::process::Child,
    info: serde_json::Value,
}

impl SandboxProcess {
    fn start(args: &[&str]) -> SandboxProcess {
        use std::io::BufRead;

        let mut child = Command::new(env!("CARGO_BIN_EXE_cwm-sandbox"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cwm-sandbox starts");
        let stdout = child.stdout.take().expect("sandbox stdout is piped");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("sandbox prints its start-up line");
        let info = serde_json::from_str(&line).expect("start-up line is JSON");
        SandboxProcess { child, info }
    }

    fn field(&self, name: &str) -> String {
        self.info[name]
            .as_str()
            .unwrap_or_else(|| panic!("start-up line lacks {name}: {}", self.info))
            .to_owned()
    }

    /// Returns the environment that points the wizard at this sandbox as its administrator.
    fn wizard_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CWM_SITE", self.field("url")),
            ("CWM_COMPANY_ID", self.field("company_id")),
            ("CWM_PUBLIC_KEY", self.field("admin_public_key")),
            ("CWM_PRIVATE_KEY", self.field("admin_private_key")),
            ("CWM_CLIENT_ID", self.field("client_id")),
        ]
    }

    /// Posts to a `/__sandbox/` control path and returns the JSON response.
    async fn control(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let url = format!("{}/__sandbox/{path}", self.field("url"));
        let response = reqwest::Client::new()
            .post(&url)
            .json(&body)
            .send()
            .await
            .expect("control path answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {url} returned {status}: {text}");
        serde_json::from_str(&text).expect("control path returns JSON")
    }

    /// Counts the API requests in the sandbox's log, leaving out its control paths.
    async fn api_request_count(&self) -> usize {
        let url = format!("{}/__sandbox/requests", self.field("url"));
        let log: Vec<serde_json::Value> = reqwest::get(&url)
            .await
            .expect("request log answers")
            .json()
            .await
            .expect("request log is a JSON list");
        in_process::count_api_requests(&log)
    }

    /// Creates a durable key for V360API as its API Keys tab would.
    async fn create_tool_key(&self) -> (String, String) {
        let key = self
            .control(
                "api-members/V360API/api-keys",
                serde_json::json!({ "description": "Email reConnector" }),
            )
            .await;
        let half = |name: &str| key[name].as_str().expect("key half").to_owned();
        (half("publicKey"), half("privateKey"))
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_wizard(sandbox: &SandboxProcess) -> Tmux {
    let env = sandbox.wizard_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Tmux::start(BINARY, &env)
}

/// Runs the wizard once against `sandbox` up to the summary and returns the summary screen.
/// On the first run the test sets the role's levels; the key is always new.
async fn run_wizard_to_summary(sandbox: &SandboxProcess, first_run: bool) -> String {
    let tmux = start_wizard(sandbox);
    tmux.wait_for("Connect to ConnectWise Manage");
    tmux.send(&["Enter"]);
    tmux.wait_for("Press Enter to find or create the role");
    tmux.send(&["Enter"]);

    if first_run {
        let screen = tmux.wait_for("[missing]");
        let role_id: i64 = screen
            .split("(id ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no role id on screen:\n{screen}"));
        let levels: Vec<serde_json::Value> = Requirements::merge(&manifest::builtin())
            .lines
            .iter()
            .map(|line| {
                serde_json::json!({
                    "module": line.module,
                    "function": line.function,
                    "verb": line.verb.as_str(),
                    "level": line.level.as_str(),
                })
            })
            .collect();
        sandbox
            .control(
                &format!("security-roles/{role_id}/settings"),
                serde_json::Value::Array(levels),
            )
            .await;
        tmux.send(&["r"]);
    } else {
        tmux.wait_for("Found the security role");
    }
    tmux.wait_for("[ok] All");
    tmux.send(&["Enter"]);
    tmux.wait_for("(1 of");
    tmux.send(&["Enter"]);
    let outcome = if first_run { "Created" } else { "Found" };
    tmux.wait_for(&format!("{outcome} the API member V360API"));
    tmux.send(&["Enter"]);
    tmux.wait_for("API Keys tab");

    let (public_key, private_key) = sandbox.create_tool_key().await;
    tmux.paste(&format!(" {public_key} \n"));
    tmux.wait_for("removed 2 spaces and a line break");
    tmux.paste(&format!("{private_key}\n"));
    tmux.wait_for("removed a line break");
    tmux.send(&["Enter"]);
    tmux.wait_for("Key accepted");
    tmux.send(&["Enter"]);
    tmux.wait_for("(press v to show)");
    tmux.send(&["Enter"]);
    let summary = tmux.wait_for("Left to do:");
    tmux.send(&["Enter"]);
    tmux.wait_for("Quit anyway? y/n");
    tmux.send(&["y"]);
    assert_terminal_restored(&tmux, "EXITED:0");
    assert!(
        !tmux.scrollback().contains(&private_key),
        "tool key left on the terminal"
    );
    summary
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_rotates_key() {
    require_tmux();
    let sandbox = SandboxProcess::start(&[]);

    let first = run_wizard_to_summary(&sandbox, true).await;
    assert!(first.contains("Created:"), "{first}");
    assert!(!first.contains("Delete the old key"), "{first}");
    // The wizard drives the same engine as apply, so a fresh setup of one tool costs the same
    // 16 requests at most.
    let fresh_requests = sandbox.api_request_count().await;
    assert!(
        fresh_requests <= 16,
        "fresh setup sent {fresh_requests} requests"
    );

    let second = run_wizard_to_summary(&sandbox, false).await;
    // That is five more than apply's 7 for a new key on a site already set up. Step 2 shows
    // the existing member in its pickers, so it reads the pick lists and the administrator's
    // defaults in the same round trip as the member.
    let rerun_requests = sandbox.api_request_count().await - fresh_requests;
    assert!(
        rerun_requests <= 12,
        "re-run sent {rerun_requests} requests"
    );
    assert!(second.contains("Reused:"), "{second}");
    assert!(second.contains("- API member V360API"), "{second}");
    assert!(
        second.contains("Delete the old key with the description \"Email reConnector\""),
        "{second}"
    );
}

/// Walks `--demo` through steps 1 and 2 with the sandbox-only keys, up to the key fields.
fn walk_demo_to_key_step(tmux: &Tmux) {
    tmux.wait_for("press Enter to connect");
    tmux.send(&["Enter"]);
    tmux.wait_for("Press Enter to find or create the role");
    tmux.send(&["Enter"]);
    tmux.wait_for("[missing]");
    tmux.send(&["d"]);
    tmux.wait_for("Every required permission is set");
    tmux.send(&["Enter"]);
    tmux.wait_for("(1 of");
    tmux.send(&["Enter"]);
    tmux.wait_for("Created the API member V360API");
    tmux.send(&["Enter"]);
    tmux.wait_for("API Keys tab");
}

#[test]
fn wrong_key_rejected() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);
    walk_demo_to_key_step(&tmux);

    tmux.paste("Short");
    tmux.paste("AlsoShort");
    tmux.send(&["Enter"]);
    tmux.wait_for("Public key has 5 characters, but ConnectWise keys have 16");

    tmux.send(&["Up"]);
    tmux.paste("WrongPublic12345");
    tmux.paste("WrongPrivate1234");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("ConnectWise rejected the tool key");
    // The key field takes typed text again, so `i` alone would be typed.
    assert!(screen.contains("Press Esc, then i, for"), "{screen}");
    assert!(!screen.contains("WrongPrivate1234"), "{screen}");
    tmux.send(&["Escape"]);
    tmux.wait_for("Press i for details.");
    tmux.send(&["i"]);
    tmux.wait_for("Error details");
    tmux.send(&["Escape"]);
    tmux.send(&["C-c"]);
    assert_terminal_restored(&tmux, "EXITED:130");
}

#[test]
fn resize_below_minimum_and_back() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);
    tmux.wait_for("press Enter to connect");

    tmux.run(&["resize-window", "-t", SESSION, "-x", "70", "-y", "20"]);
    let screen = tmux.wait_for("needs at least 80x24");
    assert!(screen.contains("This window is 70x20"), "{screen}");
    // Enter would connect on the hidden screen.
    tmux.send(&["Enter"]);
    // A second resize after the keys, so they have been read when its message shows.
    tmux.run(&["resize-window", "-t", SESSION, "-x", "75", "-y", "20"]);
    tmux.wait_for("This window is 75x20");
    tmux.run(&["resize-window", "-t", SESSION, "-x", "80", "-y", "24"]);
    let screen = tmux.wait_for("press Enter to connect");
    assert!(!screen.contains("needs at least"), "{screen}");
    assert!(screen.contains("Client ID"), "{screen}");
    assert!(
        !screen.contains("Connected"),
        "a hidden Enter connected:\n{screen}"
    );
    assert!(
        !screen.contains("Connecting"),
        "a hidden Enter connected:\n{screen}"
    );

    tmux.send(&["C-c"]);
    assert_terminal_restored(&tmux, "EXITED:130");
}

#[test]
fn ctrl_c_during_request_restores_terminal() {
    require_tmux();
    let sandbox = SandboxProcess::start(&["--latency-ms", "5000"]);
    let tmux = start_wizard(&sandbox);
    tmux.wait_for("Connect to ConnectWise Manage");

    tmux.send(&["Enter"]);
    tmux.wait_for("Connecting to ConnectWise");
    tmux.send(&["C-c"]);

    assert_terminal_restored(&tmux, "EXITED:130");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_during_connect_needs_reconnect() {
    require_tmux();
    let sandbox = SandboxProcess::start(&["--latency-ms", "300"]);
    let company = sandbox.field("company_id");
    let tmux = start_wizard(&sandbox);
    tmux.wait_for("Connect to ConnectWise Manage");

    tmux.send(&["Enter"]);
    tmux.wait_for("Connecting to ConnectWise");
    // Site, Custom URL, Company ID. After Enter letters are commands, so `e` starts typing.
    tmux.send(&["Down", "Down", "e", "z", "z"]);
    let screen = tmux.wait_for("The connection settings changed");
    assert_eq!(field_value(&screen, "Company ID"), format!("{company}zz"));

    // The old request ends on the sandbox; its reply must not connect the wizard.
    let mut count = sandbox.api_request_count().await;
    let deadline = Instant::now() + WAIT_LIMIT;
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = sandbox.api_request_count().await;
        if now == count || Instant::now() >= deadline {
            break;
        }
        count = now;
    }
    let screen = tmux.screen();
    assert!(!screen.contains("[ok] Connected"), "{screen}");
    assert!(
        screen.contains("Connect to ConnectWise Manage"),
        "left the Connect screen:\n{screen}"
    );

    tmux.send(&["C-c"]);
    assert_terminal_restored(&tmux, "EXITED:130");
}

#[test]
fn demo_tokens_route_mints_key() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo"), &[]);
    walk_demo_to_key_step(&tmux);

    tmux.send(&["Up"]);
    tmux.send(&["Space"]);
    let screen = tmux.wait_for("Enter: mint a key pair");
    assert!(screen.contains("tokens endpoint"), "{screen}");
    tmux.send(&["Enter"]);

    let screen = tmux.wait_for("Key accepted");
    assert!(screen.contains("[!] This key expires"), "{screen}");
    assert_masked(&screen, "Private key");
    tmux.send(&["Enter"]);
    tmux.wait_for("(press v to show)");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("Left to do:");
    assert!(screen.contains("before it expires at"), "{screen}");
    tmux.send(&["q"]);
    tmux.wait_for("Quit anyway? y/n");
    tmux.send(&["y"]);
    assert_terminal_restored(&tmux, "EXITED:0");
}

/// Writes a second tool, whose requirement Email reConnector lacks, to a `--tools-dir` folder
/// that only the test named `test` uses, and returns the folder.
fn ticket_tool_folder(test: &str) -> std::path::PathBuf {
    let folder = std::env::temp_dir().join(format!("v360-tui-tools-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("create the tools folder");
    let manifest = "id = 'ticket-tool'\nname = 'Ticket Tool'\nmember_suffix = 'TT'\n\
                    [[permission]]\nmodule = 'Project'\nfunction = 'Project Contacts'\n\
                    inquire = 'All'\n";
    std::fs::write(folder.join("ticket-tool.toml"), manifest).expect("write the manifest");
    folder
}

/// Starts `--demo` with the ticket tool, connects, and selects the ticket tool in step 1. Returns
/// the session and the tools folder to remove at the end.
fn start_with_ticket_tool(test: &str) -> (Tmux, std::path::PathBuf) {
    let folder = ticket_tool_folder(test);
    let command = format!("{BINARY} --demo --tools-dir {}", folder.display());
    let tmux = Tmux::start(&command, &[]);
    tmux.wait_for("press Enter to connect");
    tmux.send(&["Enter"]);
    tmux.wait_for("Press Enter to find or create the role");
    tmux.send(&["Down"]);
    tmux.send(&["Space"]);
    tmux.wait_for("[x] Ticket Tool");
    (tmux, folder)
}

/// Sets up the role, member and key of one Choice 2 target with the sandbox-only keys, from
/// its role screen to its registration screen.
fn walk_demo_target(tmux: &Tmux, tool: &str, identifier: &str) {
    tmux.send(&["Enter"]);
    tmux.wait_for("[missing]");
    tmux.send(&["d"]);
    tmux.wait_for("Every required permission is set");
    tmux.send(&["Enter"]);
    tmux.wait_for(&format!("Member for {tool}"));
    tmux.wait_for("Level             <");
    tmux.send(&["Enter"]);
    tmux.wait_for(&format!("Created the API member {identifier}"));
    tmux.send(&["Enter"]);
    tmux.wait_for("API Keys tab");
    tmux.send(&["Up"]);
    tmux.send(&["d"]);
    tmux.wait_for("The sandbox created a key");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("Key accepted");
    assert!(
        screen.contains(&format!("belongs to {identifier}")),
        "{screen}"
    );
    tmux.send(&["Enter"]);
    tmux.wait_for(&format!("What the registration form of {tool} needs"));
}

#[test]
fn demo_choice_two_sets_up_each_tool() {
    require_tmux();
    let (tmux, folder) = start_with_ticket_tool("choice-two");

    // The Layout row is below the second tool.
    tmux.send(&["Down"]);
    tmux.send(&["Space"]);
    tmux.wait_for("Role for Email reConnector (1 of 2): Visionary 360 API ERC");
    walk_demo_target(&tmux, "Email reConnector", "V360APIERC");
    let screen = tmux.wait_for("Press Enter to continue with the next tool, Ticket Tool");
    assert!(
        screen.contains("Tool 1 of 2: Email reConnector"),
        "{screen}"
    );

    tmux.send(&["Enter"]);
    tmux.wait_for("its step 4 cannot be opened again");
    tmux.send(&["y"]);
    tmux.wait_for("Role for Ticket Tool (2 of 2): Visionary 360 API TT");
    walk_demo_target(&tmux, "Ticket Tool", "V360APITT");
    tmux.wait_for("Press Enter for the summary");
    tmux.send(&["Enter"]);

    let screen = tmux.wait_for("Left to do:");
    for expected in [
        "Security role \"Visionary 360 API ERC\"",
        "Security role \"Visionary 360 API TT\"",
        "- API member V360APIERC",
        "- API member V360APITT",
        "API key for Email reConnector: accepted live as V360APIERC",
        "API key for Ticket Tool: accepted live as V360APITT",
        "registration form of Ticket Tool",
        // Its step 4 cannot be opened again, so the summary says the pair is gone.
        "Email reConnector was neither stored nor sent",
    ] {
        assert!(screen.contains(expected), "{expected:?} missing:\n{screen}");
    }
    assert!(!screen.contains("Delete the old key"), "{screen}");
    assert!(
        !screen.contains("registration form of Email reConnector"),
        "{screen}"
    );
    tmux.send(&["q"]);
    tmux.wait_for("Quit anyway? y/n");
    tmux.send(&["y"]);
    assert_terminal_restored(&tmux, "EXITED:0");
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn demo_choice_one_keys_each_tool() {
    require_tmux();
    let (tmux, folder) = start_with_ticket_tool("choice-one");
    tmux.send(&["Enter"]);
    tmux.wait_for("[missing]");
    tmux.send(&["d"]);
    tmux.wait_for("Every required permission is set");
    tmux.send(&["Enter"]);
    tmux.wait_for("Level             <");
    tmux.send(&["Enter"]);
    tmux.wait_for("Created the API member V360API");
    tmux.send(&["Enter"]);

    for (position, tool) in [(1, "Email reConnector"), (2, "Ticket Tool")] {
        let screen = tmux.wait_for(&format!("Tool {position} of 2: {tool}"));
        assert!(
            screen.contains(&format!("(Description: {tool})")),
            "{screen}"
        );
        tmux.send(&["Up"]);
        tmux.send(&["d"]);
        tmux.wait_for("The sandbox created a key");
        tmux.send(&["Enter"]);
        tmux.wait_for("Key accepted: it belongs to V360API");
        tmux.send(&["Enter"]);
        tmux.wait_for(&format!("What the registration form of {tool} needs"));
        tmux.send(&["Enter"]);
        if position == 1 {
            // The first tool's key is neither stored nor sent, so moving on asks first.
            tmux.wait_for("its step 4 cannot be opened again");
            tmux.send(&["y"]);
        }
    }

    let screen = tmux.wait_for("Left to do:");
    assert!(
        screen.contains("API key for Email reConnector: accepted live as V360API"),
        "{screen}"
    );
    assert!(
        screen.contains("API key for Ticket Tool: accepted live as V360API"),
        "{screen}"
    );
    assert_eq!(
        screen.matches("- API member V360API").count(),
        1,
        "{screen}"
    );
    tmux.send(&["q"]);
    tmux.wait_for("Quit anyway? y/n");
    tmux.send(&["y"]);
    assert_terminal_restored(&tmux, "EXITED:0");
    let _ = std::fs::remove_dir_all(folder);
}

/// Returns the 0-based column and row where `text` starts on `screen`.
#[track_caller]
fn cell_of(screen: &str, text: &str) -> (u16, u16) {
    for (row, line) in screen.lines().enumerate() {
        if let Some(byte) = line.find(text) {
            let column = line[..byte].chars().count();
            return (
                u16::try_from(column).expect("column fits"),
                u16::try_from(row).expect("row fits"),
            );
        }
    }
    panic!("{text:?} not on screen:\n{screen}");
}

#[test]
fn demo_mouse_clicks_rows_and_tabs() {
    require_tmux();
    let tmux = Tmux::start(&format!("{BINARY} --demo --mouse"), &[]);
    tmux.wait_for("press Enter to connect");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("Press Enter to find or create the role");

    let (column, row) = cell_of(&screen, "Layout");
    tmux.click(column, row);
    tmux.click(column, row);
    tmux.wait_for("Role for Email reConnector (1 of 1): Visionary 360 API ERC");
    let (column, row) = cell_of(&screen, "2 API member");
    tmux.click(column, row);
    let screen = tmux.wait_for("Finish 1 Security role first");
    assert!(screen.contains("> [ ] 1 Security role"), "{screen}");

    tmux.send(&["C-c"]);
    assert_terminal_restored(&tmux, "EXITED:130");
}

/// An on-premise server with a private CA: the wizard trusts it only with `V360_CA_CERT`
/// (`--ca-cert`), the same setting `apply` uses.
#[test]
fn wizard_connects_with_ca_certificate() {
    require_tmux();
    let sandbox = SandboxProcess::start(&["--tls"]);
    let mut env = sandbox.wizard_env();

    let untrusted = {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Tmux::start(BINARY, &env)
    };
    untrusted.wait_for("Connect to ConnectWise Manage");
    untrusted.send(&["Enter"]);
    untrusted.wait_for("not trusted");
    untrusted.send(&["C-c"]);
    drop(untrusted);

    env.push(("V360_CA_CERT", sandbox.field("ca_cert")));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let trusted = Tmux::start(BINARY, &env);
    trusted.wait_for("Connect to ConnectWise Manage");
    trusted.send(&["Enter"]);
    trusted.wait_for("Press Enter to find or create the role");
}
