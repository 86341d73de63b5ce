//! Engine states that customers' sites start in: half-finished runs, edited roles, inactive
//! members, both layouts, rotation and the tokens route. Also `plan`, which must only read.

mod in_process;

use in_process::{admin_credentials, grant};
use serde_json::{json, Value};
use v360_setup::cwm::models::PatchOperation;
use v360_setup::cwm::ClientOptions;
use v360_setup::provision::{targets, Layout, Outcome, Session, Target};
use v360_setup::requirements::{manifest, Manifest, Requirements};
use v360_setup::sandbox::{LevelChange, Sandbox, SandboxOptions};
use v360_setup::secrets::KeyPair;

const ROLE: &str = "Visionary 360 API";

async fn connect() -> (Sandbox, Session) {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    (sandbox, session)
}

fn second_tool() -> Manifest {
    let text = "id = 'ticket-tracker'\nname = 'Ticket Tracker'\nmember_suffix = 'TT'\n\
                [[permission]]\nmodule = 'Service Desk'\nfunction = 'Service Tickets'\n\
                edit = 'All'\ninquire = 'All'\n\
                [[permission]]\nmodule = 'Companies'\nfunction = 'Contacts'\ninquire = 'My'\n";
    Manifest::parse(text, "ticket-tracker.toml").expect("second tool parses")
}

fn email_reconnector() -> Manifest {
    manifest::find_builtin("email-reconnector").expect("built-in tool")
}

async fn request_log(sandbox: &Sandbox) -> Vec<Value> {
    reqwest::get(format!("{}/__sandbox/requests", sandbox.url()))
        .await
        .expect("request log answered")
        .json()
        .await
        .expect("request log is JSON")
}

async fn state(sandbox: &Sandbox) -> Value {
    reqwest::get(format!("{}/__sandbox/state", sandbox.url()))
        .await
        .expect("state answered")
        .json()
        .await
        .expect("state is JSON")
}

/// Runs every step of a target to a verified key, creating the key as the web UI would.
async fn finish_target(sandbox: &Sandbox, session: &Session, target: &Target) -> KeyPair {
    let role = session
        .ensure_role(&target.role_name, &target.requirements, false)
        .await
        .expect("role");
    grant(sandbox, role.role.id, &target.requirements);
    let member = session
        .ensure_member_with_defaults(&target.member_identifier, &role.role, false)
        .await
        .expect("member");
    assert!(
        member.pending_changes.is_empty(),
        "{:?}",
        member.pending_changes
    );
    let tool = &target.tools[0];
    let (public_key, private_key) = sandbox
        .create_api_key(&member.identifier, tool.key_description())
        .expect("key created");
    let pair = KeyPair::new(public_key, private_key);
    let (status, _) = session
        .verify_key(&member.identifier, &pair, &target.requirements)
        .await
        .expect("key verified");
    assert!(status.is_accepted(), "{:?}", status.checklist);
    pair
}

fn count_named(state: &Value, list: &str, field: &str, value: &str) -> usize {
    state[list]
        .as_array()
        .expect("list in state")
        .iter()
        .filter(|item| item[field].as_str() == Some(value))
        .count()
}

#[tokio::test]
async fn half_finished_run_completes() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector()];
    let target = &targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets")[0];

    // An earlier run created the role and stopped before the member.
    let role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("first run's role");
    grant(&sandbox, role.role.id, &target.requirements);

    finish_target(&sandbox, &session, target).await;
    let state = state(&sandbox).await;
    assert_eq!(count_named(&state, "securityRoles", "name", ROLE), 1);
    assert_eq!(
        count_named(&state, "apiMembers", "identifier", "V360API"),
        1
    );
}

#[tokio::test]
async fn edited_role_shows_lowered_level() {
    let (sandbox, session) = connect().await;
    let requirements = Requirements::merge([&email_reconnector()]);
    let role = session
        .ensure_role(ROLE, &requirements, false)
        .await
        .expect("role");
    grant(&sandbox, role.role.id, &requirements);

    // Someone lowers one level in the web UI.
    sandbox
        .set_role_levels(
            role.role.id,
            &[LevelChange {
                module: "Service Desk".into(),
                function: "Service Tickets".into(),
                verb: "add".into(),
                level: "My".into(),
            }],
        )
        .expect("level lowered");
    let rechecked = session
        .recheck_role(&role.role, &requirements)
        .await
        .expect("recheck");
    let unmet: Vec<_> = rechecked.checklist.unmet().collect();
    assert_eq!(unmet.len(), 1, "{unmet:?}");
    assert_eq!(unmet[0].function, "Service Tickets");
    assert_eq!(unmet[0].actual.map(|level| level.as_str()), Some("My"));
}

#[tokio::test]
async fn inactive_member_reactivated_only_when_confirmed() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector()];
    let target = &targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets")[0];
    finish_target(&sandbox, &session, target).await;

    let member = session
        .client()
        .find_api_member("V360API")
        .await
        .expect("lookup")
        .expect("member exists");
    session
        .client()
        .patch_api_member(
            member.id,
            &[PatchOperation::replace("inactiveFlag", json!(true))],
        )
        .await
        .expect("member made inactive");

    let role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("role");
    let proposed = session
        .ensure_member_with_defaults("V360API", &role.role, false)
        .await
        .expect("member found");
    assert_eq!(
        proposed.pending_changes.len(),
        1,
        "{:?}",
        proposed.pending_changes
    );
    assert_eq!(proposed.pending_changes[0].field, "status");

    let changed = session
        .ensure_member_with_defaults("V360API", &role.role, true)
        .await
        .expect("member reactivated");
    assert_eq!(changed.outcome, Outcome::Changed);
    let after = session
        .client()
        .find_api_member("V360API")
        .await
        .expect("lookup")
        .expect("member exists");
    assert_eq!(after.inactive_flag, Some(false));
}

#[tokio::test]
async fn shared_layout_two_tools() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector(), second_tool()];
    let all = targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets");
    assert_eq!(all.len(), 1);
    let target = &all[0];
    let role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("role");
    let edit_line = role
        .checklist
        .lines
        .iter()
        .find(|line| line.function == "Service Tickets" && line.verb.as_str() == "edit");
    assert!(
        edit_line.is_some(),
        "merged requirements include the second tool"
    );
    grant(&sandbox, role.role.id, &target.requirements);
    let member = session
        .ensure_member_with_defaults("V360API", &role.role, false)
        .await
        .expect("member");

    for tool in &target.tools {
        let (public_key, private_key) = sandbox
            .create_api_key(&member.identifier, tool.key_description())
            .expect("key per tool");
        let pair = KeyPair::new(public_key, private_key);
        let (status, _) = session
            .verify_key("V360API", &pair, &target.requirements)
            .await
            .expect("verified");
        assert!(status.is_accepted(), "{}: {:?}", tool.id, status.checklist);
    }
    let state = state(&sandbox).await;
    assert_eq!(count_named(&state, "securityRoles", "name", ROLE), 1);
    assert_eq!(
        count_named(&state, "apiMembers", "identifier", "V360API"),
        1
    );
}

#[tokio::test]
async fn per_tool_layout_two_tools() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector(), second_tool()];
    let all = targets(Layout::PerTool, &tools, ROLE, "V360API").expect("targets");
    assert_eq!(all.len(), 2);
    for target in &all {
        finish_target(&sandbox, &session, target).await;
    }
    // A second pass reuses everything.
    for target in &all {
        let role = session
            .ensure_role(&target.role_name, &target.requirements, false)
            .await
            .expect("role again");
        assert_eq!(role.outcome, Outcome::Reused);
    }
    let state = state(&sandbox).await;
    assert_eq!(
        count_named(&state, "securityRoles", "name", "Visionary 360 API ERC"),
        1
    );
    assert_eq!(
        count_named(&state, "securityRoles", "name", "Visionary 360 API TT"),
        1
    );
    assert_eq!(
        count_named(&state, "apiMembers", "identifier", "V360APIERC"),
        1
    );
    assert_eq!(
        count_named(&state, "apiMembers", "identifier", "V360APITT"),
        1
    );
}

#[tokio::test]
async fn rotation_verifies_new_key() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector()];
    let target = &targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets")[0];
    let first = finish_target(&sandbox, &session, target).await;

    // The private key is lost: a second run finds role and member and takes a new key.
    let role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("role");
    assert_eq!(role.outcome, Outcome::Reused);
    let member = session
        .ensure_member_with_defaults("V360API", &role.role, false)
        .await
        .expect("member");
    assert_eq!(member.outcome, Outcome::Reused);
    let (public_key, private_key) = sandbox
        .create_api_key("V360API", "Email reConnector")
        .expect("second key");
    assert_ne!(public_key, first.public_key);
    let (status, _) = session
        .verify_key(
            "V360API",
            &KeyPair::new(public_key, private_key),
            &target.requirements,
        )
        .await
        .expect("new key verified");
    assert!(status.is_accepted());
}

#[tokio::test]
async fn tokens_route_mints_verified_key() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector()];
    let target = &targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets")[0];
    let role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("role");
    grant(&sandbox, role.role.id, &target.requirements);
    session
        .ensure_member_with_defaults("V360API", &role.role, false)
        .await
        .expect("member");

    let minted = session
        .mint_token("V360API", &target.requirements)
        .await
        .expect("token minted");
    assert!(minted.status.is_accepted(), "{:?}", minted.status.checklist);
    assert_eq!(minted.status.member_identifier, "V360API");
    assert!(minted.expiration.is_some(), "token has an expiration");
    assert!(
        !format!("{minted:?}").contains(secrecy::ExposeSecret::expose_secret(
            &minted.pair.private_key
        ))
    );
}

/// Runs `plan` and asserts that every request it sent was a GET.
async fn plan_reading_only(
    sandbox: &Sandbox,
    session: &Session,
    targets: &[Target],
) -> v360_setup::provision::PlanReport {
    let before = request_log(sandbox).await.len();
    let plan = session.plan(targets).await.expect("plan runs");
    let log = request_log(sandbox).await;
    let sent = &log[before..];
    assert!(!sent.is_empty(), "plan sent requests");
    let writes: Vec<&Value> = sent
        .iter()
        .filter(|entry| entry["method"] != "GET")
        .collect();
    assert!(writes.is_empty(), "plan sent writes: {writes:?}");
    plan
}

fn has_action(plan: &v360_setup::provision::PlanReport, action: &str, object: &str) -> bool {
    plan.actions
        .iter()
        .any(|planned| planned.action == action && planned.object == object)
}

#[tokio::test]
async fn plan_sends_only_gets_in_every_state() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector(), second_tool()];
    let shared = targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets");
    let per_tool = targets(Layout::PerTool, &tools, ROLE, "V360API").expect("targets");

    // A fresh site, in both layouts.
    let plan = plan_reading_only(&sandbox, &session, &shared).await;
    assert!(
        has_action(&plan, "create", "security_role"),
        "{:?}",
        plan.actions
    );
    assert!(
        has_action(&plan, "create", "api_member"),
        "{:?}",
        plan.actions
    );
    assert_eq!(plan.requirements.len(), shared[0].requirements.lines.len());
    let plan = plan_reading_only(&sandbox, &session, &per_tool).await;
    assert_eq!(
        plan.actions
            .iter()
            .filter(|a| a.action == "create" && a.object == "api_member")
            .count(),
        2
    );

    // The role exists and grants nothing yet.
    session
        .ensure_role(ROLE, &shared[0].requirements, false)
        .await
        .expect("role");
    let plan = plan_reading_only(&sandbox, &session, &shared).await;
    assert!(
        has_action(&plan, "set_levels", "security_role"),
        "{:?}",
        plan.actions
    );
    assert!(!plan.unmet.is_empty());

    // Everything is done.
    finish_target(&sandbox, &session, &shared[0]).await;
    let plan = plan_reading_only(&sandbox, &session, &shared).await;
    assert!(plan.unmet.is_empty(), "{:?}", plan.unmet);
    assert!(
        has_action(&plan, "reuse", "api_member"),
        "{:?}",
        plan.actions
    );

    // The member was moved to another role.
    let other = session
        .ensure_role("Other Role", &shared[0].requirements, false)
        .await
        .expect("other role");
    let member = session
        .client()
        .find_api_member("V360API")
        .await
        .expect("lookup")
        .expect("member");
    session
        .client()
        .patch_api_member(
            member.id,
            &[PatchOperation::replace(
                "securityRole",
                json!({"id": other.role.id}),
            )],
        )
        .await
        .expect("member moved");
    let plan = plan_reading_only(&sandbox, &session, &shared).await;
    assert!(
        has_action(&plan, "change", "api_member"),
        "{:?}",
        plan.actions
    );

    // The identifier belongs to a full member.
    let conflict = targets(Layout::Shared, &tools, ROLE, "jsmith").expect("targets");
    let plan = plan_reading_only(&sandbox, &session, &conflict).await;
    assert!(
        has_action(&plan, "blocked", "api_member"),
        "{:?}",
        plan.actions
    );

    // The role name is the admin-flagged role.
    let admin = targets(Layout::Shared, &tools, "Admin", "V360API").expect("targets");
    let plan = plan_reading_only(&sandbox, &session, &admin).await;
    assert!(
        has_action(&plan, "blocked", "security_role"),
        "{:?}",
        plan.actions
    );
}

#[tokio::test]
async fn member_edits_proposed_then_applied() {
    let (sandbox, session) = connect().await;
    let tools = [email_reconnector()];
    let target = &targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets")[0];
    finish_target(&sandbox, &session, target).await;

    let mut spec = session
        .existing_member_spec("V360API")
        .await
        .expect("lookup")
        .expect("member exists");
    let choices = session.member_choices().await.expect("choices");
    let other_location = choices
        .locations
        .iter()
        .find(|location| location.id != spec.location_id)
        .expect("a second location")
        .id;
    spec.location_id = other_location;

    let role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("role");
    let unchanged = session
        .existing_member_spec("V360API")
        .await
        .expect("lookup")
        .expect("member exists");
    let same = session
        .ensure_member(&unchanged, &role.role, false)
        .await
        .expect("member with its own values");
    assert!(
        same.pending_changes.is_empty(),
        "{:?}",
        same.pending_changes
    );

    let proposed = session
        .ensure_member(&spec, &role.role, false)
        .await
        .expect("edit proposed");
    assert_eq!(
        proposed.pending_changes.len(),
        1,
        "{:?}",
        proposed.pending_changes
    );
    assert_eq!(proposed.pending_changes[0].field, "location");
    let location_name = choices
        .locations
        .iter()
        .find(|location| location.id == other_location)
        .map(|location| location.name.clone())
        .expect("location name");
    assert_eq!(
        proposed.pending_changes[0].to, location_name,
        "names, not ids"
    );

    let changed = session
        .ensure_member(&spec, &role.role, true)
        .await
        .expect("edit applied");
    assert_eq!(changed.outcome, Outcome::Changed);
    let after = session
        .existing_member_spec("V360API")
        .await
        .expect("lookup")
        .expect("member exists");
    assert_eq!(after.location_id, other_location);
}

#[tokio::test]
async fn unreachable_site_named_in_error() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    // Port 1 on loopback has no listener, so the connection is refused at once.
    let error = Session::connect("http://127.0.0.1:1", admin_credentials(&sandbox))
        .await
        .expect_err("nothing listens there");
    let text = error.to_string();
    assert!(text.contains("could not reach"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
}

#[tokio::test]
async fn site_that_is_not_connectwise_rejected() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener binds");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 2048];
            let _ = stream.read(&mut buffer).await;
            let page = "<html><body>Welcome</body></html>";
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let error = Session::connect(&format!("http://{address}"), admin_credentials(&sandbox))
        .await
        .expect_err("a web page is not ConnectWise");
    assert!(
        error
            .to_string()
            .contains("does not look like a ConnectWise Manage site"),
        "{error}"
    );
}

#[tokio::test]
async fn preflight_names_missing_admin_permissions() {
    let (sandbox, session) = connect().await;
    // An API member whose role grants nothing, used as if it were the administrator.
    let requirements = Requirements::default();
    let role = session
        .ensure_role("Nothing Granted", &requirements, false)
        .await
        .expect("empty role");
    session
        .ensure_member_with_defaults("WEAKADMIN", &role.role, false)
        .await
        .expect("member");
    let (public_key, private_key) = sandbox
        .create_api_key("WEAKADMIN", "pre-flight test")
        .expect("key");
    let mut credentials = admin_credentials(&sandbox);
    credentials.key = KeyPair::new(public_key, private_key);

    let error = Session::connect(sandbox.url(), credentials)
        .await
        .expect_err("pre-flight fails");
    let text = error.to_string();
    assert!(text.contains("Member Maintenance"), "{text}");
    assert!(text.contains("Security"), "{text}");
}

#[tokio::test]
async fn audit_log_records_changes_without_secrets() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let folder = std::env::temp_dir().join(format!("v360-audit-test-{}", std::process::id()));
    let path = folder.join("audit.jsonl");
    let log =
        std::sync::Arc::new(v360_setup::audit::AuditLog::open(&path).expect("audit log opens"));
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects")
        .with_audit(log);
    let tools = [email_reconnector()];
    let target = &targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets")[0];
    let pair = finish_target(&sandbox, &session, target).await;
    session.record_override("security_role", ROLE, "continued with 1 unmet line");

    let text = std::fs::read_to_string(&path).expect("audit log readable");
    let events: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    let has = |action: &str, object: &str| {
        events
            .iter()
            .any(|event| event["action"] == action && event["object"] == object)
    };
    assert!(has("created", "security_role"), "{text}");
    assert!(has("created", "api_member"), "{text}");
    assert!(has("verified", "api_key"), "{text}");
    assert!(has("overridden", "security_role"), "{text}");
    assert!(
        events
            .iter()
            .all(|event| event["administrator"] == "admin1"),
        "{text}"
    );
    let private_key = secrecy::ExposeSecret::expose_secret(&pair.private_key).to_owned();
    assert!(!text.contains(&private_key), "audit log leaks the tool key");
    let admin_private = sandbox.startup_info().admin_private_key.clone();
    assert!(
        !text.contains(&admin_private),
        "audit log leaks the admin key"
    );
    std::fs::remove_dir_all(&folder).ok();
}

/// Counts the API requests in the sandbox's log, leaving out its control paths.
async fn api_request_count(sandbox: &Sandbox) -> usize {
    in_process::count_api_requests(&request_log(sandbox).await)
}

/// Runs one whole setup of the targets' only tool in one session, the way the wizard orders
/// the steps. Sets the levels and creates a key as the web UI would when they are missing, and
/// returns the verified key with the role's and the member's outcomes.
async fn run_session(
    sandbox: &Sandbox,
    targets: &[Target],
    existing_key: Option<KeyPair>,
) -> (KeyPair, Outcome, Outcome) {
    let target = &targets[0];
    let session = Session::connect_for(
        sandbox.url(),
        admin_credentials(sandbox),
        &ClientOptions::default(),
        targets,
    )
    .await
    .expect("connects");
    let mut role = session
        .ensure_role(ROLE, &target.requirements, false)
        .await
        .expect("role");
    let role_outcome = role.outcome;
    if !role.checklist.is_met() {
        grant(sandbox, role.role.id, &target.requirements);
        role = session
            .recheck_role(&role.role, &target.requirements)
            .await
            .expect("role re-read");
    }
    let member = session
        .ensure_member_with_defaults("V360API", &role.role, false)
        .await
        .expect("member");
    let pair = existing_key.unwrap_or_else(|| {
        let (public_key, private_key) = sandbox
            .create_api_key(&member.identifier, "Email reConnector")
            .expect("key created");
        KeyPair::new(public_key, private_key)
    });
    session
        .verify_key("V360API", &pair, &target.requirements)
        .await
        .expect("key verified");
    (pair, role_outcome, member.outcome)
}

#[tokio::test]
async fn setup_and_rerun_request_counts() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let tools = [email_reconnector()];
    let targets = targets(Layout::Shared, &tools, ROLE, "V360API").expect("targets");

    let (pair, role, member) = run_session(&sandbox, &targets, None).await;
    assert_eq!(role, Outcome::Created);
    assert_eq!(member, Outcome::Created);
    let fresh = api_request_count(&sandbox).await;
    assert!(fresh <= 16, "a fresh setup sent {fresh} requests");

    let (_, role, member) = run_session(&sandbox, &targets, Some(pair)).await;
    assert_eq!(role, Outcome::Reused);
    assert_eq!(member, Outcome::Reused);
    let rerun = api_request_count(&sandbox).await - fresh;
    assert!(rerun <= 10, "a re-run sent {rerun} requests");
}
