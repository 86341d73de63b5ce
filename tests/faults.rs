//! The fault matrix: every request of a fresh setup, under every transport fault, either
//! finishes or stops with a clear error, and a second run finishes without a duplicate.

use std::time::Duration;

mod in_process;

use in_process::{admin_credentials, grant};
use serde_json::{json, Value};
use v360_setup::cwm::ClientOptions;
use v360_setup::provision::{targets, Layout, ProvisionError, Session, Target};
use v360_setup::requirements::{manifest, Manifest};
use v360_setup::sandbox::{Sandbox, SandboxOptions};
use v360_setup::secrets::KeyPair;

const ROLE: &str = "Visionary 360 API";

/// Client timeout in these tests; the `timeout` fault delays a response past it. It leaves room
/// for a loaded CI machine, where cases run a few at a time.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(3);

/// Cases that run at once; more only make each slower on a 2-core machine.
const PARALLEL_CASES: usize = 4;

/// Requests of a fresh setup, as fault rules match them: method and path after `/apis/3.0`, or
/// the whole path for company discovery.
const FLOW_REQUESTS: &[(&str, &str)] = &[
    ("GET", "/login/companyinfo/*"),
    ("GET", "/system/info"),
    ("GET", "/system/mySecurity"),
    ("GET", "/system/securityroles"),
    ("POST", "/system/securityroles"),
    ("GET", "/system/securityRoles/*/settings"),
    ("GET", "/system/apiMembers"),
    ("GET", "/system/members"),
    ("GET", "/system/myCompany/corporateStructureLevels"),
    ("GET", "/system/locations"),
    ("GET", "/system/departments"),
    ("GET", "/system/timeZoneSetups"),
    ("GET", "/system/members/*"),
    ("POST", "/system/apiMembers"),
];

fn faults() -> Vec<(&'static str, Value)> {
    vec![
        ("timeout", json!({"fault": "latency", "delayMs": 4000})),
        ("reset before", json!({"fault": "resetBefore"})),
        ("reset after", json!({"fault": "resetAfter"})),
        (
            "429",
            json!({"fault": "status", "status": 429, "retryAfterSeconds": 1}),
        ),
        ("503", json!({"fault": "status", "status": 503})),
    ]
}

fn tools() -> Vec<Manifest> {
    let second = Manifest::parse(
        "id = 'ticket-tracker'\nname = 'Ticket Tracker'\nmember_suffix = 'TT'\n\
         [[permission]]\nmodule = 'Service Desk'\nfunction = 'Service Tickets'\ninquire = 'All'\n",
        "ticket-tracker.toml",
    )
    .expect("second tool parses");
    vec![
        manifest::find_builtin("email-reconnector").expect("built-in tool"),
        second,
    ]
}

/// Runs the whole setup; the levels and the key are made as the web UI would, as soon as the
/// role and the member exist.
async fn run_setup(sandbox: &Sandbox, targets: &[Target]) -> Result<(), ProvisionError> {
    let options = ClientOptions {
        timeout: CLIENT_TIMEOUT,
        ..ClientOptions::default()
    };
    let session =
        Session::connect_with(sandbox.url(), admin_credentials(sandbox), &options).await?;
    for target in targets {
        let role = session
            .ensure_role(&target.role_name, &target.requirements, false)
            .await?;
        grant(sandbox, role.role.id, &target.requirements);
        let member = session
            .ensure_member_with_defaults(&target.member_identifier, &role.role, false)
            .await?;
        for tool in &target.tools {
            let (public_key, private_key) = sandbox
                .create_api_key(&member.identifier, tool.key_description())
                .expect("key created");
            let (status, _) = session
                .verify_key(
                    &member.identifier,
                    &KeyPair::new(public_key, private_key),
                    &target.requirements,
                )
                .await?;
            assert!(status.is_accepted(), "{:?}", status.checklist);
        }
    }
    Ok(())
}

async fn control(sandbox: &Sandbox, method: reqwest::Method, body: Option<Value>) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, format!("{}/__sandbox/faults", sandbox.url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("fault control answered");
    assert!(
        response.status().is_success(),
        "fault control failed: {}",
        response.text().await.unwrap_or_default()
    );
}

async fn state(sandbox: &Sandbox) -> Value {
    reqwest::get(format!("{}/__sandbox/state", sandbox.url()))
        .await
        .expect("state answered")
        .json()
        .await
        .expect("state is JSON")
}

fn count(state: &Value, list: &str, field: &str, value: &str) -> usize {
    state[list]
        .as_array()
        .expect("list in state")
        .iter()
        .filter(|item| item[field].as_str() == Some(value))
        .count()
}

/// Checks that an error names the request (a path or URL) and what happened in the usual words.
fn is_clear(message: &str) -> bool {
    let names_request = message.contains('/');
    let names_outcome = ["HTTP 4", "HTTP 5", "timed out", "could not reach"]
        .iter()
        .any(|phrase| message.contains(phrase));
    names_request && names_outcome
}

/// Runs one case and returns a description of what went wrong, if anything.
async fn run_case(
    layout: Layout,
    method: &'static str,
    path: &'static str,
    fault_name: &'static str,
    fault: Value,
) -> Option<String> {
    let case = format!("{layout:?} {method} {path} under {fault_name}");
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let tools = tools();
    let targets = targets(layout, &tools, ROLE, "V360API").expect("targets");

    let mut rule = fault;
    rule["method"] = json!(method);
    rule["path"] = json!(path);
    rule["times"] = json!(1);
    control(
        &sandbox,
        reqwest::Method::POST,
        Some(json!({ "rules": [rule] })),
    )
    .await;

    if let Err(error) = run_setup(&sandbox, &targets).await {
        let message = error.to_string();
        if !is_clear(&message) {
            return Some(format!("{case}: unclear error {message:?}"));
        }
    }

    control(&sandbox, reqwest::Method::DELETE, None).await;
    if let Err(error) = run_setup(&sandbox, &targets).await {
        return Some(format!("{case}: second run failed: {error}"));
    }

    let state = state(&sandbox).await;
    for target in &targets {
        let roles = count(&state, "securityRoles", "name", &target.role_name);
        let members = count(
            &state,
            "apiMembers",
            "identifier",
            &target.member_identifier,
        );
        if roles != 1 || members != 1 {
            return Some(format!(
                "{case}: {roles} role(s) {:?} and {members} member(s) {:?}",
                target.role_name, target.member_identifier
            ));
        }
    }
    None
}

async fn run_matrix(layout: Layout, requests: &[(&'static str, &'static str)]) {
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(PARALLEL_CASES));
    let mut cases = tokio::task::JoinSet::new();
    for &(method, path) in requests {
        for (fault_name, fault) in faults() {
            let permits = std::sync::Arc::clone(&permits);
            cases.spawn(async move {
                let _permit = permits.acquire_owned().await.expect("semaphore open");
                run_case(layout, method, path, fault_name, fault).await
            });
        }
    }
    let mut failures = Vec::new();
    while let Some(result) = cases.join_next().await {
        if let Some(failure) = result.expect("case task finishes") {
            failures.push(failure);
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_layout_survives_every_fault() {
    run_matrix(Layout::Shared, FLOW_REQUESTS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_tool_layout_survives_write_faults() {
    let writes: Vec<(&str, &str)> = FLOW_REQUESTS
        .iter()
        .copied()
        .filter(|(method, _)| *method == "POST")
        .collect();
    run_matrix(Layout::PerTool, &writes).await;
}
