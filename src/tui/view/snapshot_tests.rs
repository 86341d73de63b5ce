//! Snapshots of every screen and error state at 80x24 and 120x40, compared with `insta`.
//!
//! The models come from fixtures with fixed keys, a fixed spinner frame and fixed ports, so
//! the snapshots are deterministic. Review a changed snapshot by reading the `.snap.new` file.

use super::tests::render_at;
use crate::cwm::{ApiError, CwmError, ErrorBody};
use crate::provision::{Outcome, ProvisionError};
use crate::requirements::{ChecklistLine, Level, Verb};
use crate::tui::fixtures::*;
use crate::tui::model::{
    ChecklistOverride, Confirm, ErrorReport, FinishedTool, KeyRoute, KeyringOutcome, MemberLayout,
    MemberRow, Model, Overlay, Picker, PickerTarget, RegistrationField, RegistrationState,
    RequestKind, Step, VerifiedKey,
};
use crate::tui::strings;

/// Snapshots the model at both sizes under `name_80x24` and `name_120x40`.
#[track_caller]
fn snapshot(name: &str, model: &Model) {
    for (width, height) in [(80, 24), (120, 40)] {
        let screen = render_at(model, width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

fn with_error(mut model: Model, action: &str, error: ProvisionError) -> Model {
    model.error = Some(ErrorReport::from_provision(action, &error));
    model
}

fn cwm(error: CwmError) -> ProvisionError {
    ProvisionError::ConnectWise(error)
}

#[test]
fn connect_screens() {
    snapshot("connect_demo", &demo_model());

    let mut empty = model();
    empty.connect.selected = 1;
    empty.connect.editing = true;
    snapshot("connect_empty", &empty);

    let mut invalid = demo_model();
    invalid.connect.client_id.set("not-a-guid");
    invalid.connect.public_key.set("Admin Public");
    snapshot("connect_invalid", &invalid);

    let mut busy = demo_model();
    busy.start_request(RequestKind::Connect);
    snapshot("connect_busy", &busy);

    let mut connected = model_at(Step::Role);
    connected.step = Step::Connect;
    snapshot("connect_connected", &connected);

    let mut picker = model();
    picker.overlay = Some(Overlay::Picker(Picker {
        target: PickerTarget::Site,
        title: strings::FIELD_SITE.into(),
        items: crate::cwm::site::CLOUD_REGIONS
            .iter()
            .map(|(name, host)| strings::region_label(name, host))
            .chain([strings::SITE_CUSTOM_LABEL.to_owned()])
            .collect(),
        filter: "a".into(),
        highlighted: 1,
    }));
    snapshot("connect_site_picker", &picker);
}

#[test]
fn connect_errors() {
    let cases = [
        (
            "connect_error_unreachable",
            cwm(CwmError::Unreachable {
                url: "https://api-na.myconnectwise.net/".into(),
                detail: "connection refused".into(),
            }),
        ),
        (
            "connect_error_unauthorized",
            cwm(CwmError::Unauthorized {
                company_id: "sandbox".into(),
                public_key: "AdminPublic12345".into(),
            }),
        ),
        (
            "connect_error_client_id",
            cwm(CwmError::ClientIdRejected {
                client_id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
                message: "clientId is not registered".into(),
            }),
        ),
        (
            "connect_error_unknown_company",
            cwm(CwmError::UnknownCompany {
                company_id: "acme".into(),
                site: "na.myconnectwise.net".into(),
            }),
        ),
        (
            "connect_error_admin_permissions",
            ProvisionError::AdminLacksPermissions {
                missing: vec![ChecklistLine {
                    module: "System".into(),
                    function: "Security".into(),
                    verb: Verb::Add,
                    required: Level::All,
                    actual: Some(Level::None),
                    optional: false,
                }],
            },
        ),
    ];
    for (name, error) in cases {
        snapshot(
            name,
            &with_error(demo_model(), "connecting to ConnectWise", error),
        );
    }

    let mut details = with_error(
        demo_model(),
        "connecting to ConnectWise",
        cwm(CwmError::Unreachable {
            url: "https://api-na.myconnectwise.net/".into(),
            detail: "connection refused".into(),
        }),
    );
    details.overlay = Some(Overlay::ErrorDetails);
    snapshot("connect_error_details", &details);
}

#[test]
fn role_screens() {
    snapshot("role_before_read", &model_at(Step::Role));

    let mut unmet = model_at(Step::Role);
    unmet.demo = true;
    unmet.role.status = Some(role_status(false, Outcome::Created));
    unmet.role.outcome = Some(Outcome::Created);
    unmet.role.selected = unmet.tools.len() + 2 + 1;
    snapshot("role_unmet", &unmet);

    let mut confirm = unmet.clone();
    confirm.confirm = Some(Confirm::ChecklistOverride);
    confirm.notice = Some(strings::confirm_override(2));
    snapshot("role_override_confirm", &confirm);

    let mut overridden = unmet.clone();
    overridden.role.checklist_override = Some(ChecklistOverride {
        role_name: "Visionary 360 API".into(),
        unmet: vec!["a".into(), "b".into()],
    });
    snapshot("role_overridden", &overridden);

    let mut met = model_at(Step::Role);
    met.role.status = Some(role_status(true, Outcome::Reused));
    met.role.outcome = Some(Outcome::Reused);
    met.notice = Some(strings::ROLE_MET.into());
    snapshot("role_met", &met);

    let mut choice_two = model_at(Step::Role);
    choice_two.role.layout = MemberLayout::PerTool;
    choice_two.role.selected = choice_two.tools.len();
    snapshot("role_choice_two", &choice_two);

    let mut long_name = model_at(Step::Role);
    long_name
        .role
        .name
        .set("Visionary 360 API for every tool we sell");
    long_name.role.editing = true;
    long_name.role.selected = long_name.tools.len() + 1;
    snapshot("role_name_too_long", &long_name);

    let mut busy = model_at(Step::Role);
    busy.start_request(RequestKind::RecheckRole);
    snapshot("role_busy", &busy);

    snapshot(
        "role_error_admin",
        &with_error(
            model_at(Step::Role),
            "finding or creating the security role",
            ProvisionError::AdminRoleRefused {
                name: "Admin".into(),
            },
        ),
    );
}

#[test]
fn member_screens() {
    snapshot("member_pickers", &model_at(Step::Member));

    let mut loading = model_at(Step::Member);
    loading.member.choices = None;
    loading.start_request(RequestKind::MemberChoices);
    snapshot("member_loading", &loading);

    let mut pending = model_at(Step::Member);
    pending.member.status = Some(member_status(Outcome::Reused, true));
    snapshot("member_pending_change", &pending);

    let mut created = model_at(Step::Member);
    created.member.status = Some(member_status(Outcome::Created, false));
    snapshot("member_created", &created);

    let mut invalid = model_at(Step::Member);
    invalid.member.identifier.set("V360 API TOOLKIT");
    invalid.member.editing = true;
    snapshot("member_identifier_invalid", &invalid);

    let mut picker = model_at(Step::Member);
    picker.member.selected = 3;
    picker.overlay = Some(Overlay::Picker(Picker {
        target: PickerTarget::Member(MemberRow::Location),
        title: strings::FIELD_LOCATION.into(),
        items: picker.member.picker_items(MemberRow::Location),
        filter: "zz".into(),
        highlighted: 0,
    }));
    snapshot("member_picker_no_match", &picker);

    snapshot(
        "member_error_conflict",
        &with_error(
            model_at(Step::Member),
            "finding or creating the API member",
            ProvisionError::IdentifierConflict {
                identifier: "V360API".into(),
            },
        ),
    );
    snapshot(
        "member_error_api",
        &with_error(
            model_at(Step::Member),
            "finding or creating the API member",
            cwm(CwmError::Api(Box::new(ApiError {
                status: 400,
                method: "POST".into(),
                path: "/system/members".into(),
                body: ErrorBody {
                    code: Some("InvalidObject".into()),
                    message: Some("member object is invalid".into()),
                    errors: Vec::new(),
                },
            }))),
        ),
    );
}

#[test]
fn key_screens() {
    snapshot("key_empty", &model_at(Step::Key));

    let mut pasted = model_at(Step::Key);
    pasted.key.public_key.set(TOOL_PUBLIC_KEY);
    pasted.key.private_key.set(TOOL_PRIVATE_KEY);
    pasted.key.paste_feedback = [
        Some("removed 2 spaces and a line break".into()),
        Some(strings::PASTE_CLEAN.into()),
    ];
    pasted.key.selected = 2;
    snapshot("key_pasted", &pasted);

    let mut short = model_at(Step::Key);
    short.key.public_key.set("ToolPublic12");
    short.key.private_key.set("ToolPrivate6543!");
    snapshot("key_invalid_format", &short);

    let mut tokens = model_at(Step::Key);
    tokens.key.route = KeyRoute::Tokens;
    tokens.key.selected = 0;
    snapshot("key_tokens_route", &tokens);

    let mut minted = model_at(Step::Registration);
    minted.step = Step::Key;
    minted.key.route = KeyRoute::Tokens;
    minted.key.selected = 0;
    if let Some(key) = &mut minted.key.result {
        key.route = KeyRoute::Tokens;
        key.expiration = Some("2027-01-04T12:00:00Z".into());
    }
    snapshot("key_tokens_minted", &minted);

    let mut busy = pasted.clone();
    busy.start_request(RequestKind::VerifyKey);
    snapshot("key_busy", &busy);

    let mut accepted = model_at(Step::Registration);
    accepted.step = Step::Key;
    snapshot("key_accepted", &accepted);

    let mut lacking = model_at(Step::Registration);
    lacking.step = Step::Key;
    if let Some(verified) = &mut lacking.key.result {
        verified.status = key_status(true, false);
    }
    snapshot("key_lacks_permissions", &lacking);

    snapshot(
        "key_error_rejected",
        &with_error(
            pasted.clone(),
            "verifying the API key",
            ProvisionError::KeyRejected {
                public_key: TOOL_PUBLIC_KEY.into(),
            },
        ),
    );
    snapshot(
        "key_error_wrong_member",
        &with_error(
            pasted.clone(),
            "verifying the API key",
            ProvisionError::KeyWrongMember {
                expected: "V360API".into(),
                actual: "admin1".into(),
            },
        ),
    );
}

#[test]
fn registration_screens() {
    snapshot("registration_hidden", &model_at(Step::Registration));

    let mut copied = model_at(Step::Registration);
    copied.registration.selected = 3;
    copied.registration.copied = Some(RegistrationField::PrivateKey);
    copied.ticks = 50;
    copied.clipboard.clear_at_tick = Some(300);
    snapshot("registration_copied", &copied);

    let mut stored = model_at(Step::Registration);
    stored.registration.keyring = Some(KeyringOutcome::Stored {
        account: "127.0.0.1/sandbox/email-reconnector".into(),
    });
    snapshot("registration_stored", &stored);

    let mut failed = model_at(Step::Registration);
    failed.registration.keyring = Some(KeyringOutcome::Failed {
        message: "The OS keyring is not available here (no Secret Service); the key stays in \
                  memory only."
            .into(),
    });
    snapshot("registration_keyring_failed", &failed);
}

#[test]
fn summary_screens() {
    snapshot("summary_first_run", &model_at(Step::Summary));

    let mut rotation = model_at(Step::Summary);
    rotation.role.outcome = Some(Outcome::Reused);
    rotation.member.created.clear();
    rotation.member.status = Some(member_status(Outcome::Reused, false));
    rotation.registration.keyring = Some(KeyringOutcome::Stored {
        account: "127.0.0.1/sandbox/email-reconnector".into(),
    });
    snapshot("summary_rotation", &rotation);
}

#[test]
fn frame_states() {
    let mut help = model_at(Step::Member);
    help.overlay = Some(Overlay::Help);
    snapshot("help_overlay", &help);

    let mut quit = model_at(Step::Member);
    quit.confirm = Some(Confirm::Quit);
    quit.notice = Some(strings::CONFIRM_QUIT.into());
    snapshot("quit_confirm", &quit);

    let too_small = render_at(&model_at(Step::Key), 79, 23);
    insta::assert_snapshot!("too_small_79x23", too_small);
}

/// Two tools in Choice 1, with the first tool's key finished and step 3 open for the second.
fn second_tool_model() -> Model {
    let mut model = two_tool_model(MemberLayout::Shared);
    model.role.status = Some(role_status(true, Outcome::Created));
    model.role.outcome = Some(Outcome::Created);
    model.member.choices = Some(member_choices());
    model.member.status = Some(member_status(Outcome::Created, false));
    model.member.created.push("V360API".into());
    model.finished_tools.push(FinishedTool {
        tool: model.tools[0].clone(),
        key: VerifiedKey {
            status: key_status(false, true),
            pair: tool_pair(),
            route: KeyRoute::Durable,
            expiration: None,
        },
        registration: RegistrationState {
            keyring: Some(KeyringOutcome::Stored {
                account: "127.0.0.1/sandbox/email-reconnector".into(),
            }),
            ..RegistrationState::default()
        },
    });
    model.step = Step::Key;
    model
}

#[test]
fn several_tools_screens() {
    let second_key = second_tool_model();
    snapshot("key_second_tool", &second_key);

    let mut first_registration = two_tool_model(MemberLayout::Shared);
    first_registration.role.status = Some(role_status(true, Outcome::Created));
    first_registration.member.status = Some(member_status(Outcome::Created, false));
    first_registration.key.result = second_key.finished_tools[0].key.clone().into();
    first_registration.step = Step::Registration;
    snapshot("registration_first_of_two", &first_registration);

    let mut confirm_next = first_registration.clone();
    confirm_next.confirm = Some(Confirm::NextToolUnsavedKey);
    confirm_next.notice = Some(strings::confirm_next_tool("Email reConnector"));
    snapshot("registration_confirm_next_tool", &confirm_next);

    let mut summary = second_tool_model();
    summary.key.result = Some(VerifiedKey {
        status: key_status(false, true),
        pair: tool_pair(),
        route: KeyRoute::Durable,
        expiration: None,
    });
    summary.step = Step::Summary;
    snapshot("summary_two_tools", &summary);

    let mut second_member = two_tool_model(MemberLayout::PerTool);
    second_member.target_index = 1;
    second_member.role.status = Some(role_status(true, Outcome::Created));
    second_member.member.choices = Some(member_choices());
    second_member.step = Step::Member;
    snapshot("member_choice_two_second", &second_member);
}
