//! `v360-setup apply` against a real `cwm-sandbox` process over loopback HTTP.

mod common;

use std::process::{Command, Output};

use common::SandboxProcess;
use serde_json::{json, Value};

struct ApplyRun {
    code: i32,
    json: Value,
    stdout: String,
    stderr: String,
}

fn apply(sandbox: &SandboxProcess, tool_key: Option<(&str, &str)>) -> ApplyRun {
    let mut command = Command::new(env!("CARGO_BIN_EXE_v360-setup"));
    command
        .args([
            "apply",
            "--tool",
            "email-reconnector",
            "--yes",
            "--output",
            "json",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CWM_SITE", &sandbox.url)
        .env("CWM_COMPANY_ID", &sandbox.company_id)
        .env("CWM_PUBLIC_KEY", &sandbox.admin_public_key)
        .env("CWM_PRIVATE_KEY", &sandbox.admin_private_key)
        .env("CWM_CLIENT_ID", &sandbox.client_id);
    if let Some((public_key, private_key)) = tool_key {
        command
            .env("V360_TOOL_PUBLIC_KEY", public_key)
            .env("V360_TOOL_PRIVATE_KEY", private_key);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("v360-setup runs");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("stdout is JSON ({error}): {stdout}\nstderr: {stderr}"));
    ApplyRun {
        code: status.code().expect("apply exits with a code"),
        json,
        stdout,
        stderr,
    }
}

fn writes(log: &[Value]) -> Vec<String> {
    log.iter()
        .filter(|entry| {
            matches!(
                entry["method"].as_str(),
                Some("POST") | Some("PUT") | Some("PATCH") | Some("DELETE")
            )
        })
        .map(|entry| format!("{} {}", entry["method"], entry["path"]))
        .collect()
}

#[test]
fn apply_walks_checkpoints_to_done() {
    let sandbox = SandboxProcess::start();
    let mut outputs = Vec::new();

    // A fresh site: the role is created with every level at None.
    let first = apply(&sandbox, None);
    assert_eq!(
        first.code, 4,
        "first run stops at the checklist: {}",
        first.json
    );
    assert_eq!(first.json["status"], "role_unmet");
    assert!(
        first.json["role"]["id"].as_i64().is_some(),
        "role id in JSON"
    );
    let unmet = first.json["unmet"].as_array().expect("unmet lines").clone();
    assert!(unmet.len() >= 8, "every required line is unmet: {unmet:?}");
    for line in &unmet {
        for key in ["module", "function", "verb", "required", "actual"] {
            assert!(line.get(key).is_some(), "unmet line lacks {key}: {line}");
        }
    }
    outputs.push((first.stdout, first.stderr));

    // The administrator sets the levels in the web UI.
    sandbox.grant_unmet(&first.json);

    let second = apply(&sandbox, None);
    assert_eq!(
        second.code, 10,
        "second run waits for the key: {}",
        second.json
    );
    assert_eq!(second.json["status"], "waiting_for_api_key");
    assert_eq!(second.json["member"]["identifier"], "V360API");
    assert_eq!(second.json["member"]["outcome"], "created");
    let path = second.json["web_ui_path"].as_str().expect("web UI path");
    assert!(path.contains("API Keys"), "{path}");
    assert!(path.contains("V360API"), "{path}");
    outputs.push((second.stdout, second.stderr));

    // The administrator creates the durable key in the web UI.
    let key = sandbox.control_post(
        "/__sandbox/api-members/V360API/api-keys",
        json!({"description": "Email reConnector"}),
    );
    let tool_public = key["publicKey"].as_str().expect("public key").to_owned();
    let tool_private = key["privateKey"].as_str().expect("private key").to_owned();

    let third = apply(&sandbox, Some((&tool_public, &tool_private)));
    assert_eq!(third.code, 0, "third run is done: {}", third.json);
    assert_eq!(third.json["status"], "done");
    assert_eq!(third.json["key"]["verified"], true);
    assert_eq!(third.json["key"]["member"], "V360API");
    outputs.push((third.stdout, third.stderr));

    let state = sandbox.control_get("/__sandbox/state");
    let roles: Vec<&Value> = state["securityRoles"]
        .as_array()
        .expect("roles in state")
        .iter()
        .filter(|role| role["name"] == "Visionary 360 API")
        .collect();
    assert_eq!(roles.len(), 1, "exactly one role: {state}");
    let members: Vec<&Value> = state["apiMembers"]
        .as_array()
        .expect("API members in state")
        .iter()
        .filter(|member| member["identifier"] == "V360API")
        .collect();
    assert_eq!(members.len(), 1, "exactly one V360API: {state}");

    // A re-run changes nothing.
    let before = sandbox.request_log().len();
    let fourth = apply(&sandbox, Some((&tool_public, &tool_private)));
    assert_eq!(fourth.code, 0, "re-run is done: {}", fourth.json);
    assert_eq!(fourth.json["role"]["outcome"], "reused");
    assert_eq!(fourth.json["member"]["outcome"], "reused");
    let log = sandbox.request_log();
    let new_writes = writes(&log[before..]);
    assert!(new_writes.is_empty(), "re-run sent writes: {new_writes:?}");
    outputs.push((fourth.stdout, fourth.stderr));

    // No private key in anything the runs printed, nor in the sandbox's request log.
    let log_text = serde_json::to_string(&log).expect("log serializes");
    for secret in [&sandbox.admin_private_key, &tool_private] {
        for (index, (stdout, stderr)) in outputs.iter().enumerate() {
            assert!(
                !stdout.contains(secret.as_str()),
                "run {index} stdout leaks a private key"
            );
            assert!(
                !stderr.contains(secret.as_str()),
                "run {index} stderr leaks a private key"
            );
        }
        assert!(
            !log_text.contains(secret.as_str()),
            "request log leaks a private key"
        );
    }
}

#[test]
fn apply_names_missing_settings() {
    let output = Command::new(env!("CARGO_BIN_EXE_v360-setup"))
        .args(["apply", "--tool", "email-reconnector", "--output", "json"])
        .env_clear()
        .output()
        .expect("v360-setup runs");
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let error = json["error"].as_str().expect("error text");
    for name in [
        "CWM_SITE",
        "CWM_COMPANY_ID",
        "CWM_PUBLIC_KEY",
        "CWM_PRIVATE_KEY",
        "CWM_CLIENT_ID",
    ] {
        assert!(error.contains(name), "error names {name}: {error}");
    }
}

#[test]
fn apply_rejects_unknown_tool() {
    let output = Command::new(env!("CARGO_BIN_EXE_v360-setup"))
        .args(["apply", "--tool", "nope", "--output", "json"])
        .env_clear()
        .output()
        .expect("v360-setup runs");
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let error = json["error"].as_str().expect("error text");
    assert!(error.contains("\"nope\""), "{error}");
    assert!(error.contains("email-reconnector"), "{error}");
}

#[test]
fn apply_reports_wrong_admin_key() {
    let sandbox = SandboxProcess::start();
    let output = Command::new(env!("CARGO_BIN_EXE_v360-setup"))
        .args(["apply", "--tool", "email-reconnector", "--output", "json"])
        .env_clear()
        .env("CWM_SITE", &sandbox.url)
        .env("CWM_COMPANY_ID", &sandbox.company_id)
        .env("CWM_PUBLIC_KEY", &sandbox.admin_public_key)
        .env("CWM_PRIVATE_KEY", "WrongPrivateKey1")
        .env("CWM_CLIENT_ID", &sandbox.client_id)
        .output()
        .expect("v360-setup runs");
    assert_eq!(output.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let error = json["error"].as_str().expect("error text");
    assert!(error.contains("(HTTP 401)"), "{error}");
    assert!(
        !error.contains("WrongPrivateKey1"),
        "hides the private key: {error}"
    );
    // The halves may have been swapped, so the value given as the public key is not repeated.
    assert!(
        !error.contains(&sandbox.admin_public_key),
        "repeats the public key: {error}"
    );
}

fn command_with_admin(sandbox: &SandboxProcess, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_v360-setup"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    sandbox.admin_env(&mut command);
    command
}

#[test]
fn plan_and_check_report_without_secrets() {
    let sandbox = SandboxProcess::start();

    let output = command_with_admin(
        &sandbox,
        &["plan", "--tool", "email-reconnector", "--output", "json"],
    )
    .output()
    .expect("plan runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: Value = serde_json::from_slice(&output.stdout).expect("plan JSON");
    let actions = plan["actions"].as_array().expect("actions");
    assert!(
        actions
            .iter()
            .any(|action| action["action"] == "create" && action["object"] == "security_role"),
        "{plan}"
    );
    for line in plan["requirements"].as_array().expect("requirements") {
        for key in ["module", "function", "verb", "level"] {
            assert!(line.get(key).is_some(), "requirement lacks {key}: {line}");
        }
    }
    let writes = writes(&sandbox.request_log());
    assert!(writes.is_empty(), "plan sent writes: {writes:?}");

    // Set up the tool completely, then check its key.
    let first = apply(&sandbox, None);
    sandbox.grant_unmet(&first.json);
    apply(&sandbox, None);
    let key = sandbox.control_post(
        "/__sandbox/api-members/V360API/api-keys",
        json!({"description": "Email reConnector"}),
    );
    let public_key = key["publicKey"].as_str().expect("public key");
    let private_key = key["privateKey"].as_str().expect("private key");

    let output = command_with_admin(
        &sandbox,
        &["check", "--tool", "email-reconnector", "--output", "json"],
    )
    .env_remove("CWM_PRIVATE_KEY")
    .env_remove("CWM_PUBLIC_KEY")
    .env("V360_TOOL_PUBLIC_KEY", public_key)
    .env("V360_TOOL_PRIVATE_KEY", private_key)
    .output()
    .expect("check runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let check: Value = serde_json::from_str(&stdout).expect("check JSON");
    assert_eq!(check["status"], "done");
    assert_eq!(check["member"], "V360API");
    assert_eq!(check["public_key"], public_key);
    assert!(
        !stdout.contains(private_key),
        "check prints the private key"
    );
    assert!(
        !stderr.contains(private_key),
        "check prints the private key"
    );

    let wrong = command_with_admin(
        &sandbox,
        &["check", "--tool", "email-reconnector", "--output", "json"],
    )
    .env("V360_TOOL_PUBLIC_KEY", public_key)
    .env("V360_TOOL_PRIVATE_KEY", "WrongWrongWrong1")
    .output()
    .expect("check runs");
    assert_eq!(
        wrong.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&wrong.stdout)
    );
}

#[test]
fn usage_error_is_json_when_requested() {
    let output = Command::new(env!("CARGO_BIN_EXE_v360-setup"))
        .args(["apply", "--output", "json"])
        .env_clear()
        .output()
        .expect("v360-setup runs");
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(json["status"], "invalid_input");
    assert!(
        json["error"]
            .as_str()
            .is_some_and(|error| error.contains("--tool")),
        "{json}"
    );
}

#[test]
fn private_key_flag_rejected() {
    let output = Command::new(env!("CARGO_BIN_EXE_v360-setup"))
        .args([
            "apply",
            "--tool",
            "email-reconnector",
            "--private-key",
            "abc",
        ])
        .env_clear()
        .output()
        .expect("v360-setup runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CWM_PRIVATE_KEY"), "{stderr}");
}

#[test]
fn private_ca_needs_ca_cert_flag() {
    let sandbox = SandboxProcess::start_with(&["--tls"]);
    let ca_cert = sandbox.ca_cert.clone().expect("--tls prints ca_cert");
    assert!(sandbox.url.starts_with("https://"), "{}", sandbox.url);
    let plan = ["plan", "--tool", "email-reconnector", "--output", "json"];

    let trusted = command_with_admin(&sandbox, &plan)
        .args(["--ca-cert", &ca_cert])
        .output()
        .expect("plan runs");
    assert_eq!(
        trusted.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&trusted.stdout),
        String::from_utf8_lossy(&trusted.stderr)
    );

    let untrusted = command_with_admin(&sandbox, &plan)
        .output()
        .expect("plan runs");
    assert_eq!(untrusted.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&untrusted.stdout).expect("JSON on stdout");
    let error = json["error"].as_str().expect("error text");
    assert!(error.contains("certificate"), "{error}");
    assert!(error.contains("--ca-cert"), "{error}");

    // A file that contains no certificate is named before any request.
    let not_pem = std::env::temp_dir().join(format!("v360-not-pem-{}.txt", std::process::id()));
    std::fs::write(&not_pem, "echo this is a script\n").expect("file written");
    let wrong_file = command_with_admin(&sandbox, &plan)
        .arg("--ca-cert")
        .arg(&not_pem)
        .output()
        .expect("plan runs");
    std::fs::remove_file(&not_pem).ok();
    assert_eq!(wrong_file.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&wrong_file.stdout).expect("JSON on stdout");
    let error = json["error"].as_str().expect("error text");
    assert!(error.contains("contains no PEM certificate"), "{error}");
}

#[test]
fn tokens_route_keeps_minted_key() {
    let sandbox = SandboxProcess::start();
    let first = apply(&sandbox, None);
    sandbox.grant_unmet(&first.json);

    let args = [
        "apply",
        "--tool",
        "email-reconnector",
        "--yes",
        "--key-route",
        "api",
        "--output",
        "json",
    ];
    let output = command_with_admin(&sandbox, &args)
        .output()
        .expect("apply runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("apply JSON");
    assert_eq!(output.status.code(), Some(0), "{report}");
    let stored_in = report["key"]["stored_in"].as_str().expect("stored_in");
    let entry = stored_in
        .split(" entry ")
        .nth(1)
        .expect("stored_in names the entry")
        .to_owned();
    assert!(entry.ends_with("/email-reconnector/minted"), "{entry}");
    assert!(report["key"]["old_key"].is_null(), "{report}");

    // check finds the minted key in the keyring with no key in the environment.
    let output = command_with_admin(
        &sandbox,
        &["check", "--tool", "email-reconnector", "--output", "json"],
    )
    .output()
    .expect("check runs");
    let checked: Value = serde_json::from_slice(&output.stdout).expect("check JSON");
    tokio::runtime::Runtime::new()
        .expect("runtime starts")
        .block_on(v360_setup::secrets::keystore::delete_pair(&entry))
        .expect("minted entry deleted");
    assert_eq!(output.status.code(), Some(0), "{checked}");
    assert_eq!(checked["key_source"], "keyring", "{checked}");
}

#[test]
fn text_report_goes_to_standard_output() {
    let sandbox = SandboxProcess::start();
    let output = command_with_admin(&sandbox, &["apply", "--tool", "email-reconnector", "--yes"])
        .output()
        .expect("apply runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("[missing]"), "{stdout}");
    assert!(stdout.contains("Next:"), "{stdout}");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rate_limited_company_lookup_is_retried_then_named() {
    let sandbox = SandboxProcess::start();
    let plan = ["plan", "--tool", "email-reconnector", "--output", "json"];
    let limit = |times: Option<u32>| {
        let mut rule = json!({
            "path": "/login/companyinfo/*",
            "fault": "status",
            "status": 429,
            "retryAfterSeconds": 0,
        });
        if let Some(times) = times {
            rule["times"] = json!(times);
        }
        sandbox.control_post("/__sandbox/faults", json!({ "rules": [rule] }));
    };

    limit(Some(1));
    let once = command_with_admin(&sandbox, &plan)
        .output()
        .expect("plan runs");
    let report: Value = serde_json::from_slice(&once.stdout).expect("plan JSON");
    assert_eq!(once.status.code(), Some(0), "{report}");

    limit(None);
    let always = command_with_admin(&sandbox, &plan)
        .output()
        .expect("plan runs");
    let report: Value = serde_json::from_slice(&always.stdout).expect("plan JSON");
    let error = report["error"].as_str().expect("error text");
    assert!(error.contains("HTTP 429"), "{error}");
    assert!(error.contains("limiting the request rate"), "{error}");
    assert!(!error.contains("does not look like"), "{error}");
}

#[test]
fn check_accepts_choice_two_member() {
    let sandbox = SandboxProcess::start();
    let per_tool = [
        "apply",
        "--tool",
        "email-reconnector",
        "--layout",
        "per-tool",
        "--yes",
        "--output",
        "json",
    ];
    let run = |command: &mut Command| -> Value {
        let output = command.output().expect("v360-setup runs");
        serde_json::from_slice(&output.stdout).expect("JSON on stdout")
    };
    let first = run(&mut command_with_admin(&sandbox, &per_tool));
    sandbox.grant_unmet(&first);
    let second = run(&mut command_with_admin(&sandbox, &per_tool));
    assert_eq!(second["status"], "waiting_for_api_key", "{second}");
    let key = sandbox.control_post(
        "/__sandbox/api-members/V360APIERC/api-keys",
        json!({"description": "Email reConnector"}),
    );

    let checked = run(command_with_admin(
        &sandbox,
        &["check", "--tool", "email-reconnector", "--output", "json"],
    )
    .env(
        "V360_TOOL_PUBLIC_KEY",
        key["publicKey"].as_str().expect("public"),
    )
    .env(
        "V360_TOOL_PRIVATE_KEY",
        key["privateKey"].as_str().expect("private"),
    ));
    assert_eq!(checked["status"], "done", "{checked}");
    assert_eq!(checked["member"], "V360APIERC", "{checked}");
}
