//! Searches everything a full `apply` and a registration hand-off produce for the private keys.
//!
//! `apply` runs against a `cwm-sandbox` process until it exits 0, with trace logging to a log
//! file and with HOME and every XDG directory pointed into one temporary folder. The test then
//! reads standard output and error, every file under that folder, and the sandbox's request
//! log, and looks for each private key in plain text and inside the Basic authorization value
//! that carries it.
//!
//! `check` runs too, and the audit log under the state directory is among the files searched.
//! The wizard's screen and scrollback are searched for known keys by tests/tui_tmux.rs.

mod common;
mod https_stub;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use common::{Isolated, SandboxProcess};
use serde_json::{json, Value};
use v360_setup::cwm::{Client, Credentials};
use v360_setup::handoff::registration::{self, RegistrationFields};
use v360_setup::secrets::KeyPair;

/// Returns `v360-setup` in `isolated` with the sandbox's administrator settings and full
/// tracing, so that the leak search sees everything the program can write.
fn admin_command(isolated: &Isolated, sandbox: &SandboxProcess) -> Command {
    let mut command = isolated.command(&[]);
    sandbox.admin_env(&mut command).env("RUST_LOG", "trace");
    command
}

/// Returns every file under `folder` with its contents.
fn files_under(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(directory) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(contents) = std::fs::read(&path) {
                found.push((path, contents));
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Returns a private key and the forms it takes on the wire, each with a label for failures.
fn secret_forms(company: &str, public_key: &str, private_key: &str) -> Vec<(String, String)> {
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{company}+{public_key}:{private_key}"));
    vec![
        (
            private_key.to_owned(),
            format!("private key of {public_key}"),
        ),
        (basic, format!("Basic credentials of {public_key}")),
    ]
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_apply(isolated: &Isolated, sandbox: &SandboxProcess, tool_key: Option<(&str, &str)>) -> Run {
    let log_file = isolated.path("state").join("v360-setup.log");
    let mut command = admin_command(isolated, sandbox);
    command.args([
        "apply",
        "--tool",
        "email-reconnector",
        "--yes",
        "--output",
        "json",
        "--log-file",
    ]);
    command.arg(&log_file);
    if let Some((public_key, private_key)) = tool_key {
        command
            .env("V360_TOOL_PUBLIC_KEY", public_key)
            .env("V360_TOOL_PRIVATE_KEY", private_key);
    }
    let output = command.output().expect("v360-setup runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn apply_and_handoff_leak_no_private_key() {
    let sandbox = SandboxProcess::start();
    let isolated = Isolated::new();
    let mut outputs = Vec::new();

    // First run: the role is created with every level at None.
    let first = run_apply(&isolated, &sandbox, None);
    assert_eq!(
        first.code, 4,
        "first run stops at the checklist: {}",
        first.stdout
    );
    let json: Value = serde_json::from_str(&first.stdout).expect("JSON output");
    outputs.push(("first apply", first));
    sandbox.grant_unmet(&json);

    // Second run: waits for the durable key, which the administrator then creates.
    let second = run_apply(&isolated, &sandbox, None);
    assert_eq!(
        second.code, 10,
        "second run waits for the key: {}",
        second.stdout
    );
    outputs.push(("second apply", second));
    let key = sandbox.control_post(
        "/__sandbox/api-members/V360API/api-keys",
        json!({"description": "Email reConnector"}),
    );
    let tool_public = key["publicKey"].as_str().expect("public key").to_owned();
    let tool_private = key["privateKey"].as_str().expect("private key").to_owned();

    // Third run: verifies the key and finishes.
    let third = run_apply(&isolated, &sandbox, Some((&tool_public, &tool_private)));
    assert_eq!(third.code, 0, "third run is done: {}", third.stdout);
    outputs.push(("third apply", third));

    // check, in both output formats, with the key from the environment.
    for format in ["json", "text"] {
        let output = admin_command(&isolated, &sandbox)
            .args(["check", "--tool", "email-reconnector", "--output", format])
            .env("V360_TOOL_PUBLIC_KEY", &tool_public)
            .env("V360_TOOL_PRIVATE_KEY", &tool_private)
            .output()
            .expect("check runs");
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert_eq!(run.code, 0, "check passes: {}{}", run.stdout, run.stderr);
        outputs.push(("check", run));
    }
    let audit_log = isolated
        .path("state")
        .join("v360-setup")
        .join("audit.jsonl");
    let audit_text = std::fs::read_to_string(&audit_log).unwrap_or_default();
    assert!(
        audit_text.contains("\"verified\""),
        "the audit log {} records the verified key",
        audit_log.display()
    );

    // The hand-off to a registration endpoint; the stub is the one place the key may reach.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let handoff_text = runtime.block_on(async {
        let stub = https_stub::HttpsStub::start(200, r#"{"message":"registered"}"#).await;
        let fields = RegistrationFields {
            site: sandbox.url.clone(),
            company_id: sandbox.company_id.clone(),
            key: KeyPair::new(&tool_public, &tool_private),
            client_id: sandbox.client_id.clone(),
            member_identifier: "V360API".into(),
            names: Vec::new(),
        };
        let receipt = registration::send(
            &format!("{}/register", stub.base_url),
            &fields,
            Some(&stub.ca_pem),
        )
        .await
        .expect("the stub accepts the key");
        let received = stub.requests();
        assert_eq!(received.len(), 1);
        assert!(
            contains(&received[0].body, &tool_private),
            "the stub got the key"
        );
        format!("{receipt}\n{receipt:?}\n{fields:?}")
    });

    let log_file = isolated.path("state").join("v360-setup.log");
    let log_size = std::fs::metadata(&log_file)
        .map(|meta| meta.len())
        .unwrap_or(0);
    assert!(
        log_size > 0,
        "the log file {} has content",
        log_file.display()
    );

    let request_log =
        serde_json::to_string(&sandbox.request_log()).expect("request log serializes");
    let files = files_under(isolated.root());
    let mut secrets = secret_forms(
        &sandbox.company_id,
        &sandbox.admin_public_key,
        &sandbox.admin_private_key,
    );
    secrets.extend(secret_forms(
        &sandbox.company_id,
        &tool_public,
        &tool_private,
    ));

    for (secret, label) in &secrets {
        for (name, run) in &outputs {
            assert!(
                !run.stdout.contains(secret),
                "{name} stdout contains the {label}"
            );
            assert!(
                !run.stderr.contains(secret),
                "{name} stderr contains the {label}"
            );
        }
        assert!(
            !handoff_text.contains(secret),
            "the hand-off's receipt or Debug output contains the {label}"
        );
        assert!(
            !request_log.contains(secret),
            "the sandbox request log contains the {label}"
        );
        for (path, contents) in &files {
            assert!(
                !contains(contents, secret),
                "{} contains the {label}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn debug_output_hides_private_keys() {
    const ADMIN_PRIVATE: &str = "AdminPrivate0001";
    let pair = KeyPair::new("AdminPublic00001", ADMIN_PRIVATE);
    let credentials = Credentials {
        company_id: "contoso".into(),
        key: pair.clone(),
        client_id: "00000000-0000-4000-8000-000000000000".into(),
    };

    let pair_text = format!("{pair:?} {pair:#?}");
    assert!(!pair_text.contains(ADMIN_PRIVATE), "{pair_text}");
    assert!(pair_text.contains("AdminPublic00001"), "{pair_text}");
    let credentials_text = format!("{credentials:?} {credentials:#?}");
    assert!(
        !credentials_text.contains(ADMIN_PRIVATE),
        "{credentials_text}"
    );

    let sandbox = SandboxProcess::start();
    let sandbox_credentials = Credentials {
        company_id: sandbox.company_id.clone(),
        key: KeyPair::new(&sandbox.admin_public_key, &sandbox.admin_private_key),
        client_id: sandbox.client_id.clone(),
    };
    let (client, _company) = Client::discover(&sandbox.url, sandbox_credentials)
        .await
        .expect("discovery against the sandbox");
    let client_text = format!("{client:?} {client:#?}");
    for (secret, label) in secret_forms(
        &sandbox.company_id,
        &sandbox.admin_public_key,
        &sandbox.admin_private_key,
    ) {
        assert!(
            !client_text.contains(&secret),
            "Client Debug shows the {label}"
        );
    }
}
