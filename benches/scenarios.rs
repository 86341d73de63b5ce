//! Request counts, critical path and wall time of the setup flows against the sandbox, side by
//! side with a pyconnectwise script that does the same fresh setup one call after another.
//!
//! Each scenario starts a new `cwm-sandbox` process with `--tls` (pyconnectwise builds only
//! `https://` URLs) and `--latency-ms`, and drives the engine in the order the wizard and
//! `apply` do: connect, role, member, key. The two steps only the web UI can do, setting the
//! role's levels and creating the key, go through the sandbox's `/__sandbox/` control paths,
//! which get no added latency, and are left out of the time. From the sandbox's request log it
//! prints:
//!
//! - requests: every API request the flow sent;
//! - critical path: the longest chain of requests in which each starts after the one before
//!   it ended, which is the number of round trips the user waits for;
//! - wall / latency: the flow's time divided by the added latency, close to the critical path
//!   when the latency dominates.
//!
//! Run with `cargo bench --bench scenarios`. The peer needs python3 with venv; it runs in the
//! virtual environment that `.ci/pyconnectwise-venv.sh` builds (`PYCONNECTWISE_VENV` sets its
//! folder). `SCENARIO_LATENCIES=0,50` sets the latencies in milliseconds.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use v360_setup::cwm::{ClientOptions, Credentials};
use v360_setup::provision::{targets, Layout, Session, Target};
use v360_setup::requirements::{manifest, Manifest};
use v360_setup::secrets::KeyPair;

const DEFAULT_LATENCIES_MS: [u64; 3] = [0, 50, 200];
const ROLE_NAME: &str = "Visionary 360 API";
const MEMBER_IDENTIFIER: &str = "V360API";

/// Cost of one flow, from the sandbox's request log.
struct Figures {
    requests: usize,
    critical_path: usize,
    wall: Duration,
}

/// A running `cwm-sandbox` process, with the client settings to reach it.
struct Site {
    process: Child,
    /// The sandbox's start-up line: `url`, `company_id`, `client_id`, the administrator's key
    /// pair and `ca_cert`.
    info: Value,
    options: ClientOptions,
    /// A client for the control paths that trusts the sandbox's CA.
    http: reqwest::Client,
}

impl Site {
    /// Starts the sandbox with `--fixture FIXTURE` and the latency in milliseconds.
    async fn start(fixture: &str, latency_ms: u64) -> Site {
        let latency = latency_ms.to_string();
        let mut process = Command::new(env!("CARGO_BIN_EXE_cwm-sandbox"))
            .args(["--tls", "--fixture", fixture, "--latency-ms", &latency])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("cwm-sandbox starts");
        let stdout = process.stdout.take().expect("sandbox stdout is piped");
        let line = BufReader::new(stdout)
            .lines()
            .next_line()
            .await
            .expect("sandbox stdout readable")
            .expect("sandbox prints its start-up line");
        let info: Value = serde_json::from_str(&line).expect("start-up line is JSON");

        let ca_cert = info["ca_cert"]
            .as_str()
            .expect("a TLS sandbox names its CA");
        let options = ClientOptions::default()
            .with_ca_certificate_file(Path::new(ca_cert))
            .expect("CA certificate readable");
        let pem = options.ca_certificate.as_deref().expect("CA set");
        let http = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(pem).expect("CA parses"))
            .build()
            .expect("HTTP client");
        Site {
            process,
            info,
            options,
            http,
        }
    }

    async fn stop(mut self) {
        self.process.kill().await.expect("sandbox stopped");
    }

    fn field(&self, name: &str) -> &str {
        self.info[name].as_str().expect("start-up line field")
    }

    fn url(&self) -> &str {
        self.field("url")
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            company_id: self.field("company_id").to_owned(),
            key: KeyPair::new(
                self.field("admin_public_key"),
                self.field("admin_private_key"),
            ),
            client_id: self.field("client_id").to_owned(),
        }
    }

    /// Sends a POST to a control path and returns its JSON reply.
    async fn control_post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(format!("{}/__sandbox/{path}", self.url()))
            .json(body)
            .send()
            .await
            .expect("control path reachable");
        assert!(
            response.status().is_success(),
            "POST {path}: {}",
            response.status()
        );
        response.json().await.expect("control path returns JSON")
    }

    /// Sets every level the target lists, optional ones included, as an administrator does in
    /// the web UI.
    async fn grant(&self, role_id: i64, target: &Target) {
        let levels = requirement_lines(target, true);
        self.control_post(&format!("security-roles/{role_id}/settings"), &levels)
            .await;
    }

    /// Creates a durable API key, as an administrator does in the web UI.
    async fn create_key(&self, identifier: &str, description: &str) -> KeyPair {
        let path = format!("api-members/{identifier}/api-keys");
        let key = self
            .control_post(&path, &json!({ "description": description }))
            .await;
        KeyPair::new(
            key["publicKey"].as_str().expect("publicKey"),
            key["privateKey"].as_str().expect("privateKey"),
        )
    }

    /// Returns the API requests of the log, without the `/__sandbox/` control paths.
    async fn api_requests(&self) -> Vec<Value> {
        let log: Vec<Value> = self
            .http
            .get(format!("{}/__sandbox/requests", self.url()))
            .send()
            .await
            .expect("request log reachable")
            .json()
            .await
            .expect("request log is JSON");
        log.into_iter()
            .filter(|entry| {
                !entry["path"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("/__sandbox/")
            })
            .collect()
    }

    /// Counts the API requests logged after the first `skip` ones and their critical path.
    async fn figures_since(&self, skip: usize, wall: Duration) -> Figures {
        let requests: Vec<Value> = self.api_requests().await.into_iter().skip(skip).collect();
        Figures {
            requests: requests.len(),
            critical_path: critical_path(&requests),
            wall,
        }
    }
}

/// Computes the longest chain of requests in which each one started after the previous ended.
fn critical_path(requests: &[Value]) -> usize {
    let mut spans: Vec<(f64, f64)> = requests
        .iter()
        .map(|entry| {
            let started = entry["startedMs"].as_f64().expect("startedMs logged");
            let ended = entry["endedMs"].as_f64().expect("endedMs logged");
            (started, ended)
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut chain = vec![1usize; spans.len()];
    for current in 0..spans.len() {
        for earlier in 0..current {
            if spans[earlier].1 <= spans[current].0 {
                chain[current] = chain[current].max(chain[earlier] + 1);
            }
        }
    }
    chain.into_iter().max().unwrap_or(0)
}

/// Keys of a finished setup, one per tool in target order.
type Keys = Vec<KeyPair>;

/// Runs the setup of every target the way the wizard does. `keys` contains the tools' existing
/// keys, and `None` creates new ones as the web UI would. Returns the time without the web UI
/// steps, and the verified keys.
async fn run_setup(site: &Site, targets: &[Target], keys: Option<&Keys>) -> (Duration, Keys) {
    let mut web_ui = Duration::ZERO;
    let started = Instant::now();
    let session = Session::connect_for(site.url(), site.credentials(), &site.options, targets)
        .await
        .expect("connected");

    let mut roles = Vec::new();
    for target in targets {
        let mut role = session
            .ensure_role(&target.role_name, &target.requirements, false)
            .await
            .expect("role");
        if !role.checklist.is_met() {
            let web_ui_started = Instant::now();
            site.grant(role.role.id, target).await;
            web_ui += web_ui_started.elapsed();
            role = session
                .recheck_role(&role.role, &target.requirements)
                .await
                .expect("role re-read");
            assert!(role.checklist.is_met(), "levels granted");
        }
        roles.push(role);
    }

    let mut members = Vec::new();
    for (target, role) in targets.iter().zip(&roles) {
        let member = session
            .ensure_member_with_defaults(&target.member_identifier, &role.role, false)
            .await
            .expect("member");
        assert!(member.pending_changes.is_empty(), "member needs no change");
        members.push(member);
    }

    let mut verified = Vec::new();
    let tools = targets
        .iter()
        .zip(&members)
        .flat_map(|(target, member)| target.tools.iter().map(move |tool| (target, member, tool)));
    for (index, (target, member, tool)) in tools.enumerate() {
        let pair = match keys {
            Some(keys) => keys[index].clone(),
            None => {
                let web_ui_started = Instant::now();
                let pair = site
                    .create_key(&member.identifier, tool.key_description())
                    .await;
                web_ui += web_ui_started.elapsed();
                pair
            }
        };
        let (status, pair) = session
            .verify_key(&member.identifier, &pair, &target.requirements)
            .await
            .expect("key verified");
        assert!(status.is_accepted(), "key accepted");
        verified.push(pair);
    }
    (started.elapsed() - web_ui, verified)
}

/// Runs a flow on the site and measures it from the request log.
async fn measure(site: &Site, targets: &[Target], keys: Option<&Keys>) -> (Figures, Keys) {
    let skip = site.api_requests().await.len();
    let (wall, keys) = run_setup(site, targets, keys).await;
    (site.figures_since(skip, wall).await, keys)
}

fn second_tool() -> Manifest {
    let text = "id = 'ticket-tracker'\nname = 'Ticket Tracker'\nmember_suffix = 'TT'\n\
                [[permission]]\nmodule = 'Service Desk'\nfunction = 'Service Tickets'\n\
                edit = 'All'\ninquire = 'All'\n";
    Manifest::parse(text, "ticket-tracker.toml").expect("second tool parses")
}

fn one_tool() -> Vec<Target> {
    let tools = [manifest::find_builtin("email-reconnector").expect("built-in tool")];
    targets(Layout::Shared, &tools, ROLE_NAME, MEMBER_IDENTIFIER).expect("targets")
}

fn two_tools(layout: Layout) -> Vec<Target> {
    let tools = [
        manifest::find_builtin("email-reconnector").expect("built-in tool"),
        second_tool(),
    ];
    targets(layout, &tools, ROLE_NAME, MEMBER_IDENTIFIER).expect("targets")
}

/// Returns the target's requirement lines as the control path takes them:
/// `[{"module", "function", "verb", "level"}]`, optional lines only when asked for.
fn requirement_lines(target: &Target, with_optional: bool) -> Value {
    let lines: Vec<Value> = target
        .requirements
        .lines
        .iter()
        .filter(|line| with_optional || !line.optional)
        .map(|line| {
            json!({
                "module": line.module,
                "function": line.function,
                "verb": line.verb.as_str(),
                "level": line.level.as_str(),
            })
        })
        .collect();
    Value::Array(lines)
}

/// Finds the peer's Python, building the virtual environment when it is missing.
fn peer_python() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new("bash")
        .arg(root.join(".ci/pyconnectwise-venv.sh"))
        .output()
        .expect("bash runs .ci/pyconnectwise-venv.sh");
    assert!(
        output.status.success(),
        "building the pyconnectwise environment failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let venv = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Path::new(&venv).join("bin/python")
}

/// Runs the pyconnectwise peer's fresh setup of one tool on the site.
async fn measure_peer(site: &Site, python: &Path, target: &Target) -> Figures {
    // The peer checks the lines that our engine requires; optional lines block neither.
    let mut job = site.info.clone();
    job["role_name"] = json!(target.role_name);
    job["member_identifier"] = json!(target.member_identifier);
    job["key_description"] = json!(target.tools[0].key_description());
    job["requirements"] = requirement_lines(target, false);
    let job_path = std::env::temp_dir().join(format!("v360-peer-job-{}.json", std::process::id()));
    std::fs::write(&job_path, job.to_string()).expect("job file written");

    let skip = site.api_requests().await.len();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer/fresh_setup.py");
    let output = Command::new(python)
        .arg(script)
        .arg(&job_path)
        .output()
        .await
        .expect("peer starts");
    let _ = std::fs::remove_file(&job_path);
    assert!(
        output.status.success(),
        "peer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).expect("peer prints JSON");
    let seconds = result["seconds"].as_f64().expect("peer prints seconds");
    site.figures_since(skip, Duration::from_secs_f64(seconds))
        .await
}

fn print_row(label: &str, figures: &Figures, latency_ms: u64) {
    let wall_ms = figures.wall.as_secs_f64() * 1000.0;
    let per_latency = if latency_ms == 0 {
        "-".to_owned()
    } else {
        format!("{:.2}", wall_ms / latency_ms as f64)
    };
    println!(
        "  {label:<40} {:>8} {:>13} {:>10.1} {:>13}",
        figures.requests, figures.critical_path, wall_ms, per_latency
    );
}

fn print_header(title: &str) {
    println!("{title}");
    println!(
        "  {:<40} {:>8} {:>13} {:>10} {:>13}",
        "scenario", "requests", "critical path", "wall ms", "wall/latency"
    );
}

async fn run_latency(latency_ms: u64, python: &Path) {
    print_header(&format!("latency {latency_ms} ms per request"));

    let site = Site::start("builtin", latency_ms).await;
    let (fresh, keys) = measure(&site, &one_tool(), None).await;
    print_row("fresh setup, one tool", &fresh, latency_ms);
    let (rerun, _) = measure(&site, &one_tool(), Some(&keys)).await;
    print_row("re-run that changes nothing", &rerun, latency_ms);
    let (rotation, _) = measure(&site, &one_tool(), None).await;
    print_row("rotation (new key for the tool)", &rotation, latency_ms);
    site.stop().await;

    for (label, layout) in [
        ("fresh setup, two tools, Choice 1 shared", Layout::Shared),
        ("fresh setup, two tools, Choice 2 per tool", Layout::PerTool),
    ] {
        let site = Site::start("builtin", latency_ms).await;
        let (figures, _) = measure(&site, &two_tools(layout), None).await;
        print_row(label, &figures, latency_ms);
        site.stop().await;
    }

    let site = Site::start("builtin", latency_ms).await;
    let peer = measure_peer(&site, python, &one_tool()[0]).await;
    site.stop().await;
    print_row(
        "peer: pyconnectwise fresh setup, one tool",
        &peer,
        latency_ms,
    );
    println!(
        "  ours / peer wall time, fresh setup of one tool: {:.2}",
        fresh.wall.as_secs_f64() / peer.wall.as_secs_f64()
    );
    println!();
}

async fn run_large_site(latency_ms: u64) {
    print_header(&format!(
        "large site (10,000 members, 1,000 roles, 200 locations), latency {latency_ms} ms"
    ));
    let site = Site::start("large", latency_ms).await;
    let (fresh, keys) = measure(&site, &one_tool(), None).await;
    print_row("fresh setup, one tool", &fresh, latency_ms);
    let (rerun, _) = measure(&site, &one_tool(), Some(&keys)).await;
    print_row("re-run that changes nothing", &rerun, latency_ms);
    site.stop().await;
    println!();
}

#[tokio::main]
async fn main() {
    let latencies: Vec<u64> = match std::env::var("SCENARIO_LATENCIES") {
        Ok(text) => text
            .split(',')
            .map(|value| value.trim().parse().expect("SCENARIO_LATENCIES: numbers"))
            .collect(),
        Err(_) => DEFAULT_LATENCIES_MS.to_vec(),
    };
    let python = peer_python();
    for latency_ms in &latencies {
        run_latency(*latency_ms, &python).await;
    }
    run_large_site(latencies.iter().copied().max().unwrap_or(0)).await;
}
