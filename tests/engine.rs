//! The provisioning engine against the sandbox over loopback HTTP, one site state per test.

mod in_process;

use in_process::{admin_credentials, grant};
use v360_setup::cwm::CwmError;
use v360_setup::provision::{Outcome, ProvisionError, Session, DEFAULT_MEMBER_IDENTIFIER};
use v360_setup::requirements::{manifest, Requirements};
use v360_setup::sandbox::{Sandbox, SandboxOptions};
use v360_setup::secrets::KeyPair;

const ROLE: &str = "Visionary 360 API";

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts")
}

fn requirements() -> Requirements {
    let tool = manifest::find_builtin("email-reconnector").expect("built-in tool");
    Requirements::merge([&tool])
}

#[tokio::test]
async fn connect_reads_company_and_admin() {
    let sandbox = sandbox().await;
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    assert!(!session.company.company_name.is_empty());
    assert!(!session.system.version.is_empty());
    assert!(session.admin.identifier.is_some(), "admin member known");
}

#[tokio::test]
async fn connect_rejects_unknown_company() {
    let sandbox = sandbox().await;
    let mut credentials = admin_credentials(&sandbox);
    credentials.company_id = "nosuchcompany".into();
    let error = Session::connect(sandbox.url(), credentials)
        .await
        .expect_err("unknown company");
    assert!(
        matches!(
            error,
            ProvisionError::ConnectWise(CwmError::UnknownCompany { .. })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("nosuchcompany"), "{error}");
}

#[tokio::test]
async fn connect_reports_client_id_problem() {
    let sandbox = sandbox().await;
    let mut credentials = admin_credentials(&sandbox);
    credentials.client_id = "00000000-0000-0000-0000-000000000000".into();
    let error = Session::connect(sandbox.url(), credentials)
        .await
        .expect_err("unregistered client ID");
    assert!(
        matches!(
            error,
            ProvisionError::ConnectWise(CwmError::ClientIdRejected { .. })
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn connect_rejects_bad_private_key() {
    let sandbox = sandbox().await;
    let mut credentials = admin_credentials(&sandbox);
    credentials.key = KeyPair::new(credentials.key.public_key.clone(), "NotTheRightKey99");
    let error = Session::connect(sandbox.url(), credentials)
        .await
        .expect_err("bad key");
    assert!(
        matches!(
            error,
            ProvisionError::ConnectWise(CwmError::Unauthorized { .. })
        ),
        "{error:?}"
    );
    assert!(!format!("{error:?}").contains("NotTheRightKey99"));
}

#[tokio::test]
async fn role_created_once_then_reused() {
    let sandbox = sandbox().await;
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    let requirements = requirements();

    let created = session
        .ensure_role(ROLE, &requirements, false)
        .await
        .expect("role created");
    assert_eq!(created.outcome, Outcome::Created);
    assert!(!created.checklist.is_met(), "a new role grants nothing");
    assert_eq!(
        created.checklist.unmet().count(),
        requirements
            .lines
            .iter()
            .filter(|line| !line.optional)
            .count()
    );

    grant(&sandbox, created.role.id, &requirements);
    let rechecked = session
        .recheck_role(&created.role, &requirements)
        .await
        .expect("role re-read");
    assert!(rechecked.checklist.is_met(), "{:?}", rechecked.checklist);

    let reused = session
        .ensure_role(ROLE, &requirements, false)
        .await
        .expect("role reused");
    assert_eq!(reused.outcome, Outcome::Reused);
    assert_eq!(reused.role.id, created.role.id);
}

#[tokio::test]
async fn admin_role_refused_without_override() {
    let sandbox = sandbox().await;
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    let error = session
        .ensure_role("Admin", &requirements(), false)
        .await
        .expect_err("admin role refused");
    assert!(
        matches!(error, ProvisionError::AdminRoleRefused { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("--allow-admin-role"), "{error}");

    let allowed = session
        .ensure_role("Admin", &requirements(), true)
        .await
        .expect("admin role with override");
    assert!(allowed.checklist.is_met());
}

#[tokio::test]
async fn member_created_and_key_verified() {
    let sandbox = sandbox().await;
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    let requirements = requirements();
    let role = session
        .ensure_role(ROLE, &requirements, false)
        .await
        .expect("role");
    grant(&sandbox, role.role.id, &requirements);

    let choices = session.member_choices().await.expect("choices");
    assert!(!choices.locations.is_empty());
    assert!(!choices.departments.is_empty());
    let spec = choices
        .default_spec(DEFAULT_MEMBER_IDENTIFIER)
        .expect("default spec");
    let member = session
        .ensure_member(&spec, &role.role, false)
        .await
        .expect("member created");
    assert_eq!(member.outcome, Outcome::Created);
    let again = session
        .ensure_member(&spec, &role.role, false)
        .await
        .expect("member reused");
    assert_eq!(again.outcome, Outcome::Reused);
    assert_eq!(again.id, member.id);

    let (public_key, private_key) = sandbox
        .create_api_key(DEFAULT_MEMBER_IDENTIFIER, "Email reConnector")
        .expect("key created");
    let pair = KeyPair::new(public_key.clone(), private_key.clone());
    let (status, _) = session
        .verify_key(DEFAULT_MEMBER_IDENTIFIER, &pair, &requirements)
        .await
        .expect("key verified");
    assert!(status.is_accepted(), "{:?}", status.checklist);
    assert!(!status.swapped);

    let (swapped, fixed) = session
        .verify_key(DEFAULT_MEMBER_IDENTIFIER, &pair.swapped(), &requirements)
        .await
        .expect("swapped pair accepted");
    assert!(swapped.swapped);
    assert_eq!(fixed.public_key, public_key);

    let wrong = KeyPair::new(public_key.clone(), "XXXXXXXXXXXXXXXX");
    let error = session
        .verify_key(DEFAULT_MEMBER_IDENTIFIER, &wrong, &requirements)
        .await
        .expect_err("wrong key rejected");
    assert!(
        matches!(error, ProvisionError::KeyRejected { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn admin_key_caught_as_wrong_member() {
    let sandbox = sandbox().await;
    let credentials = admin_credentials(&sandbox);
    let session = Session::connect(sandbox.url(), credentials.clone())
        .await
        .expect("connects");
    let error = session
        .verify_key(DEFAULT_MEMBER_IDENTIFIER, &credentials.key, &requirements())
        .await
        .expect_err("admin key is not V360API's");
    assert!(
        matches!(error, ProvisionError::KeyWrongMember { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn member_with_other_role_changes_only_when_confirmed() {
    let sandbox = sandbox().await;
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    let requirements = requirements();
    let first_role = session
        .ensure_role("Old Role", &requirements, false)
        .await
        .expect("first role");
    let spec = session
        .member_choices()
        .await
        .expect("choices")
        .default_spec(DEFAULT_MEMBER_IDENTIFIER)
        .expect("spec");
    session
        .ensure_member(&spec, &first_role.role, false)
        .await
        .expect("member with the old role");

    let new_role = session
        .ensure_role(ROLE, &requirements, false)
        .await
        .expect("new role");
    let proposed = session
        .ensure_member(&spec, &new_role.role, false)
        .await
        .expect("member found");
    assert_eq!(proposed.outcome, Outcome::Reused);
    assert_eq!(
        proposed.pending_changes.len(),
        1,
        "{:?}",
        proposed.pending_changes
    );
    assert_eq!(proposed.pending_changes[0].to, ROLE);

    let changed = session
        .ensure_member(&spec, &new_role.role, true)
        .await
        .expect("member changed");
    assert_eq!(changed.outcome, Outcome::Changed);
    let settled = session
        .ensure_member(&spec, &new_role.role, false)
        .await
        .expect("member settled");
    assert!(settled.pending_changes.is_empty());
}

#[tokio::test]
async fn identifier_of_full_member_is_conflict() {
    let sandbox = sandbox().await;
    let session = Session::connect(sandbox.url(), admin_credentials(&sandbox))
        .await
        .expect("connects");
    let role = session
        .ensure_role(ROLE, &requirements(), false)
        .await
        .expect("role");
    let spec = session
        .member_choices()
        .await
        .expect("choices")
        .default_spec("jsmith")
        .expect("spec");
    let error = session
        .ensure_member(&spec, &role.role, true)
        .await
        .expect_err("full member identifier refused");
    assert!(
        matches!(error, ProvisionError::IdentifierConflict { .. }),
        "{error:?}"
    );
}
