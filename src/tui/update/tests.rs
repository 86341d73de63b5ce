//! Transitions of `update`, driven by messages alone: no terminal, no network.

use crossterm::event::KeyCode;
use secrecy::ExposeSecret;

use super::update;
use crate::provision::Outcome;
use crate::tui::command::{ClipboardCommand, Command};
use crate::tui::fixtures::*;
use crate::tui::message::{ClickTarget, ExitSignal, Msg};
use crate::tui::model::{
    Confirm, Exit, KeyringOutcome, Model, Overlay, RequestId, RequestKind, Step,
};

#[test]
fn enter_on_connect_starts_connect() {
    let mut model = demo_model();

    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::Connect {
        site, credentials, ..
    }) = command
    else {
        panic!("expected a connect command, got {command:?}");
    };
    assert_eq!(site, "http://127.0.0.1:9");
    assert_eq!(credentials.company_id, "sandbox");
    assert_eq!(
        credentials.key.private_key.expose_secret(),
        ADMIN_PRIVATE_KEY
    );
    assert_eq!(
        model.pending.map(|pending| pending.kind),
        Some(RequestKind::Connect)
    );
}

#[test]
fn connect_success_opens_role_step() {
    let mut model = demo_model();
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);

    let command = update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Ok(connection(request_id)),
        },
    );

    assert!(command.is_none());
    assert_eq!(model.step, Step::Role);
    assert!(model.pending.is_none());
    assert_eq!(
        model.connection.as_ref().map(|info| info.session_id),
        Some(request_id)
    );
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("Sandbox Demo Company"), "{notice}");
}

#[test]
fn connect_error_is_shown() {
    let mut model = demo_model();
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Err(report("company ID \"nope\" is not known")),
        },
    );

    assert_eq!(model.step, Step::Connect);
    assert!(model.pending.is_none());
    let error = model.error.as_ref().expect("error shown");
    assert_eq!(error.message, "Company ID \"nope\" is not known.");
}

#[test]
fn stale_reply_is_dropped() {
    let mut model = demo_model();
    press(&mut model, KeyCode::Enter);
    let abandoned = pending_id(&model);
    press(&mut model, KeyCode::Esc);
    assert!(model.pending.is_none(), "Esc stops waiting");
    assert!(model.exit.is_none(), "Esc while waiting does not quit");

    update(
        &mut model,
        Msg::ConnectDone {
            request_id: abandoned,
            result: Ok(connection(abandoned)),
        },
    );

    assert!(model.connection.is_none());
    assert_eq!(model.step, Step::Connect);
}

#[test]
fn reply_with_other_id_keeps_pending() {
    let mut model = demo_model();
    press(&mut model, KeyCode::Enter);
    let current = pending_id(&model);

    update(
        &mut model,
        Msg::ConnectDone {
            request_id: current + 100,
            result: Err(report("old failure")),
        },
    );

    assert_eq!(model.pending.map(|pending| pending.id), Some(current));
    assert!(model.error.is_none());
}

#[test]
fn enter_while_busy_starts_nothing() {
    let mut model = demo_model();
    press(&mut model, KeyCode::Enter);

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none());
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("Still busy"), "{notice}");
}

#[test]
fn next_is_blocked_before_connect() {
    let mut model = model();
    model.stop_editing();

    press(&mut model, KeyCode::Right);

    assert_eq!(model.step, Step::Connect);
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("Connect to ConnectWise first"), "{notice}");
}

#[test]
fn next_is_blocked_until_role_met() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(false, Outcome::Created));

    press(&mut model, KeyCode::Tab);

    assert_eq!(model.step, Step::Role);
    let notice = model.notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("Finish 1 Security role first"),
        "{notice}"
    );
    assert!(notice.contains("press o to continue anyway"), "{notice}");
}

#[test]
fn back_and_next_move_between_steps() {
    let mut model = model_at(Step::Key);

    press(&mut model, KeyCode::Left);
    assert_eq!(model.step, Step::Member);
    press(&mut model, KeyCode::BackTab);
    assert_eq!(model.step, Step::Role);
    press(&mut model, KeyCode::Right);
    assert_eq!(model.step, Step::Member);
    press(&mut model, KeyCode::Tab);
    assert_eq!(model.step, Step::Key);
}

#[test]
fn enter_on_role_ensures_role() {
    let mut model = model_at(Step::Role);

    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::EnsureRole {
        name,
        session,
        allow_admin,
        requirements,
        ..
    }) = command
    else {
        panic!("expected ensure role, got {command:?}");
    };
    assert_eq!(name, "Visionary 360 API");
    assert_eq!(session, 1);
    assert!(!allow_admin);
    assert!(!requirements.lines.is_empty());
}

#[test]
fn role_reply_shows_checklist_and_recheck_keeps_outcome() {
    let mut model = model_at(Step::Role);
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::RoleDone {
            request_id,
            result: Ok(role_status(false, Outcome::Created)),
        },
    );
    assert!(!model.role.is_done());

    let command = press(&mut model, KeyCode::Char('r'));
    assert!(
        matches!(command, Some(Command::RecheckRole { .. })),
        "{command:?}"
    );
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::RoleDone {
            request_id,
            result: Ok(role_status(true, Outcome::Reused)),
        },
    );

    assert!(model.role.is_done());
    assert_eq!(model.role.outcome, Some(Outcome::Created));
}

#[test]
fn enter_on_met_role_opens_member_and_loads_choices() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(true, Outcome::Created));

    let command = press(&mut model, KeyCode::Enter);

    assert_eq!(model.step, Step::Member);
    assert!(
        matches!(command, Some(Command::LoadMemberChoices { session: 1, .. })),
        "{command:?}"
    );
}

#[test]
fn editing_role_name_forgets_result() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(true, Outcome::Created));

    press(&mut model, KeyCode::Char('e'));
    press(&mut model, KeyCode::Char('X'));

    assert_eq!(model.role.name.text(), "Visionary 360 APIX");
    assert!(model.role.status.is_none());
}

#[test]
fn member_choices_set_default_picks() {
    let mut model = model_at(Step::Member);
    model.member.choices = None;
    let command = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(command, Some(Command::LoadMemberChoices { .. })),
        "{command:?}"
    );
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::MemberChoicesDone {
            request_id,
            result: Ok((member_choices(), None)),
        },
    );

    let spec = model.member.spec().expect("spec from choices");
    assert_eq!(spec.level_id, 1);
    assert_eq!(spec.location_id, 6, "the administrator's location");
    assert_eq!(spec.department_id, 9);
    assert_eq!(spec.time_zone_id, Some(3));
}

#[test]
fn space_opens_picker() {
    let mut model = model_at(Step::Member);
    model.member.selected = 2;

    press(&mut model, KeyCode::Char(' '));
    assert!(matches!(model.overlay, Some(Overlay::Picker(_))));
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.member.spec().map(|spec| spec.level_id), Some(2));
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.member.spec().map(|spec| spec.level_id), Some(2));
}

#[test]
fn pending_member_changes_need_confirmation() {
    let mut model = model_at(Step::Member);
    let command = press(&mut model, KeyCode::Enter);
    let Some(Command::EnsureMember {
        apply_changes,
        spec,
        ..
    }) = command
    else {
        panic!("expected ensure member, got {command:?}");
    };
    assert!(!apply_changes);
    assert_eq!(spec.identifier, "V360API");
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::MemberDone {
            request_id,
            result: Ok(member_status(Outcome::Reused, true)),
        },
    );
    assert!(!model.member.is_done());
    assert!(
        press(&mut model, KeyCode::Enter).is_none(),
        "Enter does not apply changes"
    );

    let command = press(&mut model, KeyCode::Char('y'));

    assert!(
        matches!(
            command,
            Some(Command::EnsureMember {
                apply_changes: true,
                ..
            })
        ),
        "{command:?}"
    );
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::MemberDone {
            request_id,
            result: Ok(member_status(Outcome::Changed, false)),
        },
    );
    assert!(model.member.is_done());
}

#[test]
fn paste_strips_whitespace_from_keys() {
    let mut model = model_at(Step::Key);

    paste(&mut model, " ToolPublic\u{00A0}123456\r\n");
    paste(&mut model, "\u{FEFF}ToolPrivate\t65432\u{200B} ");

    assert_eq!(model.key.public_key.text(), TOOL_PUBLIC_KEY);
    assert_eq!(model.key.private_key.text(), TOOL_PRIVATE_KEY);
}

#[test]
fn enter_on_key_verifies_pair() {
    let mut model = model_at(Step::Key);
    paste(&mut model, TOOL_PUBLIC_KEY);
    paste(&mut model, TOOL_PRIVATE_KEY);

    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::VerifyKey {
        identifier, pair, ..
    }) = command
    else {
        panic!("expected verify key, got {command:?}");
    };
    assert_eq!(identifier, "V360API");
    assert_eq!(pair.public_key, TOOL_PUBLIC_KEY);
    assert_eq!(pair.private_key.expose_secret(), TOOL_PRIVATE_KEY);
}

#[test]
fn empty_key_fields_show_error() {
    let mut model = model_at(Step::Key);

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none());
    assert!(model.error.is_some());
}

#[test]
fn swapped_key_is_accepted_in_order() {
    let mut model = model_at(Step::Key);
    model.key.public_key.set(TOOL_PRIVATE_KEY);
    model.key.private_key.set(TOOL_PUBLIC_KEY);
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::KeyVerified {
            request_id,
            result: Ok((key_status(true, true), tool_pair())),
        },
    );

    assert!(model.key.is_done());
    assert_eq!(model.key.public_key.text(), TOOL_PUBLIC_KEY);
    assert_eq!(model.key.private_key.text(), TOOL_PRIVATE_KEY);
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Registration);
}

#[test]
fn key_lacking_permissions_is_not_done() {
    let mut model = model_at(Step::Key);
    model.key.public_key.set(TOOL_PUBLIC_KEY);
    model.key.private_key.set(TOOL_PRIVATE_KEY);
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::KeyVerified {
            request_id,
            result: Ok((key_status(false, false), tool_pair())),
        },
    );

    assert!(!model.key.is_done());
    press(&mut model, KeyCode::Right);
    assert_eq!(model.step, Step::Key);
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("Finish 3 API key first"), "{notice}");
}

#[test]
fn reveal_toggles_and_resets_on_leaving() {
    let mut model = model_at(Step::Registration);

    press(&mut model, KeyCode::Char('v'));
    assert!(model.registration.revealed);
    press(&mut model, KeyCode::Char('v'));
    assert!(!model.registration.revealed);
    press(&mut model, KeyCode::Char('v'));
    press(&mut model, KeyCode::Left);

    assert_eq!(model.step, Step::Key);
    assert!(!model.registration.revealed);
}

#[test]
fn store_names_keyring_account() {
    let mut model = model_at(Step::Registration);

    let command = press(&mut model, KeyCode::Char('s'));

    let Some(Command::StoreKey { account, pair, .. }) = command else {
        panic!("expected store key, got {command:?}");
    };
    assert_eq!(account, "127.0.0.1/sandbox/email-reconnector");
    assert_eq!(pair.private_key.expose_secret(), TOOL_PRIVATE_KEY);
}

#[test]
fn keyring_failure_is_recorded() {
    let mut model = model_at(Step::Registration);
    press(&mut model, KeyCode::Char('s'));
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::KeyStored {
            request_id,
            result: Err(report("the OS keyring is not available here")),
        },
    );

    assert!(matches!(
        model.registration.keyring,
        Some(KeyringOutcome::Failed { .. })
    ));
}

#[test]
fn enter_on_summary_finishes() {
    let mut model = model_at(Step::Registration);
    model.registration.keyring = Some(KeyringOutcome::Stored {
        account: "account".into(),
    });
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Summary);

    press(&mut model, KeyCode::Enter);

    assert_eq!(model.exit, Some(Exit::Finished));
    assert_eq!(Exit::Finished.code(), 0);
}

#[test]
fn q_asks_before_quitting_a_step() {
    let mut model = model_at(Step::Role);

    press(&mut model, KeyCode::Char('q'));
    assert!(model.exit.is_none(), "q only asks");
    press(&mut model, KeyCode::Char('n'));
    assert!(model.exit.is_none(), "any other key cancels");
    press(&mut model, KeyCode::Char('q'));
    press(&mut model, KeyCode::Char('y'));

    assert_eq!(model.exit, Some(Exit::Quit));
}

#[test]
fn q_on_summary_finishes() {
    let mut model = model_at(Step::Summary);
    model.registration.keyring = Some(KeyringOutcome::Stored {
        account: "account".into(),
    });

    press(&mut model, KeyCode::Char('q'));

    assert_eq!(model.exit, Some(Exit::Finished));
}

#[test]
fn q_in_field_is_typed() {
    let mut model = model();
    model.connect.site_choice = crate::tui::model::SITE_CUSTOM;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::CustomUrl);
    model.connect.editing = true;

    press(&mut model, KeyCode::Char('q'));

    assert!(model.exit.is_none());
    assert_eq!(model.connect.custom_url.text(), "q");
}

#[test]
fn esc_leaves_field_then_asks_to_quit() {
    let mut model = model();
    model.connect.editing = true;

    press(&mut model, KeyCode::Esc);
    assert!(!model.connect.editing);
    assert!(model.exit.is_none());
    press(&mut model, KeyCode::Esc);
    assert!(model.exit.is_none(), "the Connect screen asks first");
    assert_eq!(model.confirm, Some(Confirm::Quit));
    press(&mut model, KeyCode::Char('y'));

    assert_eq!(model.exit, Some(Exit::Quit));
}

#[test]
fn esc_twice_on_connect_keeps_typed_text() {
    let mut model = model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    model.connect.editing = true;
    press(&mut model, KeyCode::Char('a'));

    press(&mut model, KeyCode::Esc);
    press(&mut model, KeyCode::Esc);
    press(&mut model, KeyCode::Char('n'));

    assert!(model.exit.is_none());
    assert_eq!(model.connect.company.text(), "a");
}

#[test]
fn ctrl_c_quits_while_typing() {
    let mut model = model();
    model.connect.editing = true;

    ctrl(&mut model, 'c');

    assert_eq!(model.exit, Some(Exit::Interrupted));
    assert_eq!(Exit::Interrupted.code(), 130);
}

#[test]
fn signals_end_wizard() {
    let cases = [
        (ExitSignal::Terminate, Exit::Terminated, 143),
        (ExitSignal::HangUp, Exit::HungUp, 129),
        (ExitSignal::Interrupt, Exit::Interrupted, 130),
    ];
    for (signal, exit, code) in cases {
        let mut model = model();
        update(&mut model, Msg::Signal(signal));
        assert_eq!(model.exit, Some(exit), "{signal:?}");
        assert_eq!(exit.code(), code, "{signal:?}");
    }
}

#[test]
fn tick_advances_spinner_only_when_busy() {
    let mut model = demo_model();
    update(&mut model, Msg::Tick);
    assert_eq!(model.spinner, 0);

    press(&mut model, KeyCode::Enter);
    update(&mut model, Msg::Tick);

    assert_eq!(model.spinner, 1);
}

#[test]
fn demo_role_key_sets_every_line() {
    let mut model = demo_model();
    model.connection = Some(connection(1));
    model.step = Step::Role;
    model.role.status = Some(role_status(false, Outcome::Created));

    let command = press(&mut model, KeyCode::Char('d'));

    let Some(Command::DemoSetRoleLevels {
        role_id, levels, ..
    }) = command
    else {
        panic!("expected demo role levels, got {command:?}");
    };
    assert_eq!(role_id, ROLE_ID);
    assert_eq!(levels.len(), 3);
    assert_eq!(levels[0].verb, "inquire");
    assert_eq!(levels[0].level, "All");

    let request_id = pending_id(&model);
    let command = update(
        &mut model,
        Msg::DemoRoleLevelsDone {
            request_id,
            result: Ok(3),
        },
    );
    assert!(
        matches!(command, Some(Command::RecheckRole { .. })),
        "{command:?}"
    );
}

#[test]
fn demo_keys_ignored_outside_demo() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(false, Outcome::Created));

    assert!(press(&mut model, KeyCode::Char('d')).is_none());
}

#[test]
fn demo_key_fills_fields() {
    let mut model = model_at(Step::Key);
    model.demo = true;
    model.key.selected = 0;

    let command = press(&mut model, KeyCode::Char('d'));

    let Some(Command::DemoCreateKey {
        identifier,
        description,
        ..
    }) = command
    else {
        panic!("expected demo create key, got {command:?}");
    };
    assert_eq!(identifier, "V360API");
    assert_eq!(description, "Email reConnector");
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::DemoKeyCreated {
            request_id,
            result: Ok(tool_pair()),
        },
    );
    assert_eq!(model.key.public_key.text(), TOOL_PUBLIC_KEY);
    assert_eq!(model.key.private_key.text(), TOOL_PRIVATE_KEY);
    assert!(!model.key.private_key.display().contains(TOOL_PRIVATE_KEY));
}

#[test]
fn reconnect_after_edit_resets_progress() {
    let mut model = model_at(Step::Key);
    press(&mut model, KeyCode::Left);
    press(&mut model, KeyCode::Left);
    press(&mut model, KeyCode::Left);
    assert_eq!(model.step, Step::Connect);
    assert!(
        press(&mut model, KeyCode::Enter).is_none(),
        "unchanged fields: Enter moves on"
    );
    assert_eq!(model.step, Step::Role);
    press(&mut model, KeyCode::Left);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('x'));

    let command = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(command, Some(Command::Connect { .. })),
        "{command:?}"
    );
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Ok(connection(request_id)),
        },
    );

    assert!(model.role.status.is_none());
    assert!(model.member.status.is_none());
    assert!(model.member.choices.is_none());
    assert!(model.key.result.is_none());
}

#[test]
fn model_debug_hides_private_keys() {
    let model = model_at(Step::Registration);
    let mut demo = demo_model();
    press(&mut demo, KeyCode::Enter);

    let text = format!("{model:?} {demo:?}");

    assert!(!text.contains(TOOL_PRIVATE_KEY), "tool key leaked");
    assert!(!text.contains(ADMIN_PRIVATE_KEY), "admin key leaked");
}

#[test]
fn paste_into_key_reports_what_was_removed() {
    let mut model = model_at(Step::Key);

    paste(&mut model, " ToolPublic 123456\n");

    assert_eq!(model.key.public_key.text(), TOOL_PUBLIC_KEY);
    assert_eq!(
        model.key.paste_feedback[0].as_deref(),
        Some("removed 2 spaces and a line break")
    );
    assert_eq!(
        model.notice.as_deref(),
        Some("Public key pasted: removed 2 spaces and a line break.")
    );
    assert_eq!(
        model.key.selected_row(),
        crate::tui::model::KeyRow::PrivateKey,
        "the next paste goes to the private key"
    );
}

#[test]
fn short_key_rejected_before_request() {
    let mut model = model_at(Step::Key);
    paste(&mut model, TOOL_PUBLIC_KEY);
    paste(&mut model, "Short123");

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none(), "no request for a malformed key");
    let error = model.error.as_ref().expect("input error");
    assert_eq!(error.title, "Invalid input");
    assert!(error.message.contains("has 8 characters"), "{error:?}");
    assert!(!error.message.contains("Short123"), "key echoed: {error:?}");
}

#[test]
fn malformed_client_id_rejected_before_request() {
    let mut model = demo_model();
    model.connect.client_id.set("not-a-guid");

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none());
    assert!(model.pending.is_none());
    let error = model.error.as_ref().expect("input error");
    assert!(error.message.contains("GUID"), "{error:?}");
    assert_eq!(
        model.connect.selected_row(),
        crate::tui::model::ConnectRow::ClientId
    );
}

#[test]
fn long_role_name_rejected_before_request() {
    let mut model = model_at(Step::Role);
    model.role.name.set(&"R".repeat(31));

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none());
    let error = model.error.as_ref().expect("input error");
    assert!(error.message.contains("at most 30"), "{error:?}");
}

#[test]
fn identifier_with_space_rejected_before_request() {
    let mut model = model_at(Step::Member);
    model.member.identifier.set("V360 API");

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none());
    let error = model.error.as_ref().expect("input error");
    assert!(error.message.contains("space"), "{error:?}");
}

#[test]
fn override_needs_confirmation_and_is_recorded() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(false, Outcome::Created));

    press(&mut model, KeyCode::Char('o'));
    assert!(!model.role.is_done(), "o only asks");
    let command = press(&mut model, KeyCode::Char('y'));

    assert!(
        matches!(command, Some(Command::RecordOverride { ref role_name, .. }) if role_name == "Visionary 360 API"),
        "the override goes to the audit log: {command:?}"
    );
    assert!(model.role.is_done());
    assert_eq!(model.audit.len(), 1);
    let crate::tui::model::AuditEvent::ChecklistOverride(record) = &model.audit[0];
    assert_eq!(record.role_name, "Visionary 360 API");
    assert_eq!(record.unmet.len(), 2);
    press(&mut model, KeyCode::Right);
    assert_eq!(model.step, Step::Member);
}

#[test]
fn choice_two_names_role_with_suffix() {
    let mut model = model_at(Step::Role);
    model.role.selected = model.tools.len();

    press(&mut model, KeyCode::Char(' '));
    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::EnsureRole { name, .. }) = command else {
        panic!("expected a role request, got {command:?}");
    };
    assert_eq!(name, "Visionary 360 API ERC");
}

#[test]
fn tool_toggle_changes_requirements() {
    let mut model = model_at(Step::Role);
    model.role.selected = 0;

    press(&mut model, KeyCode::Char(' '));
    assert!(model.requirements.lines.is_empty());
    assert!(
        model.role.status.is_none(),
        "the old checklist is forgotten"
    );
    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none());
    let error = model.error.as_ref().expect("input error");
    assert!(error.message.contains("No tool is selected"), "{error:?}");
}

#[test]
fn picker_filters_and_chooses() {
    let mut model = model_at(Step::Member);
    model.member.selected = 3;

    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Char('r'));
    press(&mut model, KeyCode::Char('e'));
    press(&mut model, KeyCode::Char('m'));
    press(&mut model, KeyCode::Enter);

    assert!(model.overlay.is_none());
    assert_eq!(model.member.picks.location, 1, "Remote chosen");
}

#[test]
fn site_picker_custom_opens_url_field() {
    let mut model = model();

    press(&mut model, KeyCode::Char(' '));
    for character in "custom".chars() {
        press(&mut model, KeyCode::Char(character));
    }
    press(&mut model, KeyCode::Enter);

    assert_eq!(model.connect.site_choice, crate::tui::model::SITE_CUSTOM);
    assert_eq!(
        model.connect.selected_row(),
        crate::tui::model::ConnectRow::CustomUrl
    );
    assert!(model.connect.editing);
}

#[test]
fn region_site_is_sent_by_name() {
    let mut model = demo_model();
    model.connect.set_site("eu.myconnectwise.net");

    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::Connect { site, .. }) = command else {
        panic!("expected connect, got {command:?}");
    };
    assert_eq!(site, "eu");
}

#[test]
fn cursor_moves_while_editing() {
    let mut model = model_at(Step::Member);
    press(&mut model, KeyCode::Backspace);

    press(&mut model, KeyCode::Home);
    press(&mut model, KeyCode::Char('X'));
    press(&mut model, KeyCode::End);
    press(&mut model, KeyCode::Left);
    press(&mut model, KeyCode::Delete);

    assert_eq!(model.member.identifier.text(), "XV360A");
    assert_eq!(
        model.step,
        Step::Member,
        "Left moved the cursor, not the step"
    );
}

#[test]
fn copy_sends_clipboard_and_clears_later() {
    let mut model = model_at(Step::Registration);
    model.registration.selected = 3;

    let command = press(&mut model, KeyCode::Char('c'));

    let Some(Command::Clipboard(ClipboardCommand::Copy(text))) = command else {
        panic!("expected a copy, got {command:?}");
    };
    assert_eq!(text.expose_secret(), TOOL_PRIVATE_KEY);
    let mut cleared = None;
    for _ in 0..300 {
        cleared = update(&mut model, Msg::Tick).or(cleared);
    }
    assert!(matches!(
        cleared,
        Some(Command::Clipboard(ClipboardCommand::Clear))
    ));
    assert!(model.clipboard.clear_at_tick.is_none());
}

#[test]
fn error_details_open_and_close() {
    let mut model = demo_model();
    model.error = Some(report("boom"));

    press(&mut model, KeyCode::Char('i'));
    assert_eq!(model.overlay, Some(Overlay::ErrorDetails));
    press(&mut model, KeyCode::Char('x'));

    assert!(model.overlay.is_none());
    assert!(model.exit.is_none());
}

#[test]
fn help_opens_on_question_mark() {
    let mut model = model_at(Step::Key);
    press(&mut model, KeyCode::Esc);

    press(&mut model, KeyCode::Char('?'));

    assert_eq!(model.overlay, Some(Overlay::Help));
}

#[test]
fn send_without_endpoint_explains() {
    let mut model = model_at(Step::Registration);

    let command = press(&mut model, KeyCode::Char('p'));

    assert!(command.is_none());
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("has no registration endpoint"), "{notice}");
}

#[test]
fn send_posts_manifest_fields() {
    let mut model = model_at(Step::Registration);
    model.tools[0].registration_url = Some("https://register.example/api".into());
    model.tools[0].registration_fields = vec!["public_key".into(), "private_key".into()];

    let command = press(&mut model, KeyCode::Char('p'));

    let Some(Command::SendRegistration { url, fields, .. }) = command else {
        panic!("expected send, got {command:?}");
    };
    assert_eq!(url, "https://register.example/api");
    assert_eq!(fields.names, ["public_key", "private_key"]);
    assert_eq!(fields.key.public_key, TOOL_PUBLIC_KEY);
    assert_eq!(fields.member_identifier, "V360API");
    assert_eq!(fields.company_id, "sandbox");
    assert_eq!(
        fields.site, "http://127.0.0.1",
        "the site as step 4 shows it"
    );
}

#[test]
fn command_letters_typed_into_key_field() {
    let mut model = model_at(Step::Key);
    model.demo = true;

    for character in "qdevyroi?".chars() {
        let command = press(&mut model, KeyCode::Char(character));
        assert!(command.is_none(), "{character}: {command:?}");
    }

    assert_eq!(model.key.public_key.text(), "qdevyroi?");
    assert!(model.key.editing);
    assert!(model.exit.is_none());
    assert!(model.confirm.is_none());
    assert!(model.overlay.is_none());
    assert!(model.pending.is_none(), "d created no demo key");
}

#[test]
fn command_letters_typed_into_connect_field() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::PublicKey);
    model.connect.public_key.set("");

    for character in "ABqCD".chars() {
        press(&mut model, KeyCode::Char(character));
    }

    assert_eq!(model.connect.public_key.text(), "ABqCD");
    assert!(model.exit.is_none());
    assert!(model.confirm.is_none());
}

#[test]
fn command_letters_typed_into_member_and_role() {
    let mut model = model_at(Step::Member);
    model.member.identifier.set("");
    for character in "qy".chars() {
        press(&mut model, KeyCode::Char(character));
    }
    assert_eq!(model.member.identifier.text(), "qy");
    assert!(model.confirm.is_none());

    let mut model = model_at(Step::Role);
    model.role.selected = model.tools.len() + 1;
    model.role.name.set("");
    for character in "ro".chars() {
        press(&mut model, KeyCode::Char(character));
    }
    assert_eq!(model.role.name.text(), "ro");
    assert!(model.pending.is_none(), "r did not re-read");
}

#[test]
fn command_letters_act_after_esc_leaves_field() {
    let mut model = model_at(Step::Key);
    model.demo = true;
    press(&mut model, KeyCode::Char('a'));
    press(&mut model, KeyCode::Esc);

    let command = press(&mut model, KeyCode::Char('d'));

    assert!(
        matches!(command, Some(Command::DemoCreateKey { .. })),
        "{command:?}"
    );
    assert_eq!(model.key.public_key.text(), "a");
}

#[test]
fn command_letters_act_on_other_rows() {
    let mut model = model_at(Step::Key);
    model.key.selected = 0;

    press(&mut model, KeyCode::Char('q'));

    assert!(model.confirm.is_some(), "q asks to quit on the route row");
    assert!(model.key.public_key.is_empty());
}

#[test]
fn ctrl_c_quits_from_selected_field() {
    let mut model = model_at(Step::Key);

    ctrl(&mut model, 'c');

    assert_eq!(model.exit, Some(Exit::Interrupted));
    assert!(model.key.public_key.is_empty());
}

#[test]
fn quit_with_unsaved_key_asks() {
    for step in [Step::Registration, Step::Summary] {
        for code in [KeyCode::Char('q'), KeyCode::Esc] {
            let mut model = model_at(step);
            press(&mut model, code);
            assert!(model.exit.is_none(), "{step:?} {code:?}");
            let notice = model.notice.clone().unwrap_or_default();
            assert!(
                notice.contains("ConnectWise shows it only once"),
                "{notice}"
            );
            press(&mut model, KeyCode::Char('y'));
            assert!(model.exit.is_some(), "{step:?} {code:?}: y quits");
        }
    }

    let mut model = model_at(Step::Summary);
    press(&mut model, KeyCode::Enter);
    assert!(model.exit.is_none(), "Enter on the summary asks");
    press(&mut model, KeyCode::Char('n'));
    assert!(model.exit.is_none(), "n stays");
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('y'));
    assert_eq!(model.exit, Some(Exit::Finished));
}

#[test]
fn quit_after_store_or_send_skips_prompt() {
    let mut stored = model_at(Step::Summary);
    stored.registration.keyring = Some(KeyringOutcome::Stored {
        account: "account".into(),
    });
    press(&mut stored, KeyCode::Enter);
    assert_eq!(stored.exit, Some(Exit::Finished));

    let mut sent = model_at(Step::Summary);
    sent.registration.sent = Some(crate::tui::model::SendOutcome::Sent {
        status: 200,
        response: String::new(),
    });
    press(&mut sent, KeyCode::Char('q'));
    assert_eq!(sent.exit, Some(Exit::Finished));

    let mut rejected = model_at(Step::Summary);
    rejected.registration.sent = Some(crate::tui::model::SendOutcome::Sent {
        status: 500,
        response: String::new(),
    });
    press(&mut rejected, KeyCode::Char('q'));
    assert!(rejected.exit.is_none(), "a 500 reply did not keep the key");
}

#[test]
fn failed_reconnect_clears_connection() {
    let mut model = model_at(Step::Registration);
    model.step = Step::Connect;
    model.connect.dirty = true;
    let command = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(command, Some(Command::Connect { .. })),
        "{command:?}"
    );
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Err(report("the private key is wrong")),
        },
    );

    assert!(model.error.is_some());
    assert!(model.connection.is_none());
    assert!(model.role.status.is_none());
    assert!(model.member.status.is_none());
    assert!(model.member.choices.is_none());
    assert!(model.key.result.is_none());
    assert!(press(&mut model, KeyCode::Tab).is_none());
    assert_eq!(model.step, Step::Connect, "step 1 is blocked");
}

#[test]
fn existing_member_values_start_pickers() {
    let mut model = model_at(Step::Member);
    model.member.choices = None;
    let command = press(&mut model, KeyCode::Enter);
    let Some(Command::LoadMemberChoices { identifier, .. }) = command else {
        panic!("expected member choices to load, got {command:?}");
    };
    assert_eq!(identifier, "V360API");
    let request_id = pending_id(&model);
    let existing = crate::provision::MemberSpec {
        identifier: "V360API".into(),
        name: "Existing API user".into(),
        level_id: 2,
        location_id: 5,
        department_id: 9,
        time_zone_id: None,
    };

    update(
        &mut model,
        Msg::MemberChoicesDone {
            request_id,
            result: Ok((member_choices(), Some(existing.clone()))),
        },
    );

    assert_eq!(model.member.spec(), Some(existing));
}

#[test]
fn busy_notice_clears_when_request_ends() {
    let mut model = model_at(Step::Registration);
    press(&mut model, KeyCode::Char('s'));
    let request_id = pending_id(&model);
    press(&mut model, KeyCode::Char('s'));
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("Still busy"), "{notice}");

    update(
        &mut model,
        Msg::KeyStored {
            request_id,
            result: Ok("account".into()),
        },
    );

    assert!(model.notice.is_none(), "{:?}", model.notice);
}

#[test]
fn invalid_key_keeps_field_focused() {
    let mut model = model_at(Step::Key);
    model.key.result = None;
    model.key.public_key.set("Short");
    model.key.selected = 2;

    press(&mut model, KeyCode::Enter);
    assert!(model.error.is_some());
    press(&mut model, KeyCode::Char('q'));

    assert!(model.confirm.is_none());
    assert!(model.key.public_key.text().ends_with('q'));
}

#[test]
fn ctrl_r_reveals_key_while_typing() {
    let mut model = model_at(Step::Key);
    model.key.public_key.set("");
    press(&mut model, KeyCode::Char('a'));

    ctrl(&mut model, 'r');

    assert!(model.key.public_key.revealed);
    assert_eq!(model.key.public_key.text(), "a");
    ctrl(&mut model, 'r');
    assert!(!model.key.public_key.revealed);
}

#[test]
fn e_and_v_act_after_esc() {
    let mut model = model_at(Step::Key);
    model.key.public_key.set("Key");
    assert!(model.takes_text(), "the selected key field takes text");

    press(&mut model, KeyCode::Esc);
    assert!(!model.takes_text());
    press(&mut model, KeyCode::Char('v'));
    assert!(model.key.public_key.revealed, "v reveals after Esc");
    press(&mut model, KeyCode::Char('e'));
    assert!(model.takes_text(), "e edits again");
    press(&mut model, KeyCode::Char('v'));

    assert_eq!(model.key.public_key.text(), "Keyv");
}

#[test]
fn member_created_then_changed_stays_created() {
    let mut model = model_at(Step::Member);
    let replies = [
        member_status(Outcome::Created, false),
        member_status(Outcome::Reused, true),
        member_status(Outcome::Changed, false),
    ];

    for (index, reply) in replies.into_iter().enumerate() {
        let command = if index == 2 {
            press(&mut model, KeyCode::Char('y'))
        } else {
            model.member.status = None;
            press(&mut model, KeyCode::Enter)
        };
        assert!(command.is_some(), "request {index}");
        let request_id = pending_id(&model);
        update(
            &mut model,
            Msg::MemberDone {
                request_id,
                result: Ok(reply),
            },
        );
    }

    assert!(model.member.is_done());
    assert!(model.member.created_this_run("v360api"));
    assert_eq!(model.member.created.len(), 1);
}

#[test]
fn reused_member_is_not_recorded_as_created() {
    let mut model = model_at(Step::Member);
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::MemberDone {
            request_id,
            result: Ok(member_status(Outcome::Reused, false)),
        },
    );

    assert!(!model.member.created_this_run("V360API"));
}

#[test]
fn editing_connection_field_drops_connection() {
    let mut model = model_at(Step::Registration);
    model.step = Step::Connect;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);

    press(&mut model, KeyCode::Char('x'));

    assert!(model.connection.is_none());
    assert!(model.connect.reconnect_needed);
    assert!(model.role.status.is_none());
    assert!(model.member.status.is_none());
    assert!(model.member.choices.is_none());
    assert!(model.key.result.is_none());
    assert!(press(&mut model, KeyCode::Tab).is_none());
    assert_eq!(model.step, Step::Connect, "step 1 needs a new connection");
}

#[test]
fn editing_connection_field_drops_pending_request() {
    let mut model = model_at(Step::Role);
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);
    model.step = Step::Connect;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::ClientId);

    paste(&mut model, "0f8fad5b-d9cb-469f-a165-70867728950f");
    update(
        &mut model,
        Msg::RoleDone {
            request_id,
            result: Ok(role_status(true, Outcome::Created)),
        },
    );

    assert!(model.pending.is_none());
    assert!(
        model.role.status.is_none(),
        "the old session's reply is dropped"
    );
}

#[test]
fn edit_during_connect_drops_its_reply() {
    let mut model = demo_model();
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    press(&mut model, KeyCode::Char('e'));
    press(&mut model, KeyCode::Char('z'));

    update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Ok(connection(request_id)),
        },
    );

    assert!(model.pending.is_none());
    assert!(model.connection.is_none(), "the reply used the old value");
    assert_eq!(model.step, Step::Connect);
    assert!(model.connect.reconnect_needed);
    assert_eq!(model.connect.company.text(), "sandboxz");
}

#[test]
fn reconnect_clears_reconnect_notice() {
    let mut model = model_at(Step::Role);
    model.step = Step::Connect;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    press(&mut model, KeyCode::Char('x'));
    press(&mut model, KeyCode::Backspace);

    let command = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(command, Some(Command::Connect { .. })),
        "{command:?}"
    );
    let request_id = pending_id(&model);
    update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Ok(connection(request_id)),
        },
    );

    assert!(!model.connect.reconnect_needed);
    assert!(model.connection.is_some());
}

#[test]
fn fixing_field_clears_its_error() {
    let mut model = model_at(Step::Member);
    model.member.identifier.set("V360 API");
    press(&mut model, KeyCode::Enter);
    assert!(model.error.is_some(), "space rejected");

    for _ in 0..4 {
        press(&mut model, KeyCode::Backspace);
    }

    assert_eq!(model.member.identifier.text(), "V360");
    assert!(model.error.is_none(), "{:?}", model.error);
}

#[test]
fn editing_updates_remaining_error() {
    let mut model = model_at(Step::Key);
    model.key.private_key.set(TOOL_PRIVATE_KEY);
    press(&mut model, KeyCode::Enter);
    let before = model.error.clone().expect("empty key rejected").message;
    assert!(before.contains("empty"), "{before}");

    press(&mut model, KeyCode::Char('a'));

    let after = model
        .error
        .clone()
        .expect("one letter is still invalid")
        .message;
    assert_ne!(before, after);
    paste(&mut model, TOOL_PUBLIC_KEY);
    assert!(model.error.is_none(), "{:?}", model.error);
}

#[test]
fn request_error_is_kept_while_editing() {
    let mut model = model_at(Step::Member);
    model.error = Some(report("ConnectWise rejected the member"));

    press(&mut model, KeyCode::Char('X'));

    assert!(model.error.is_some(), "only input errors are checked again");
}

#[test]
fn tokens_route_mints_key() {
    let mut model = model_at(Step::Key);
    model.key.selected = 0;
    press(&mut model, KeyCode::Char(' '));

    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::MintKey {
        identifier,
        requirements,
        ..
    }) = command
    else {
        panic!("expected a mint command, got {command:?}");
    };
    assert_eq!(identifier, "V360API");
    assert_eq!(requirements, model.requirements);
    assert_eq!(
        model.pending.map(|pending| pending.kind),
        Some(RequestKind::MintKey)
    );
}

#[test]
fn minted_key_fills_fields_and_expires() {
    let mut model = model_at(Step::Key);
    model.key.route = crate::tui::model::KeyRoute::Tokens;
    press(&mut model, KeyCode::Enter);
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::KeyMinted {
            request_id,
            result: Ok((
                key_status(false, true),
                tool_pair(),
                Some("2027-01-04T12:00:00Z".into()),
            )),
        },
    );

    assert!(model.key.is_done());
    assert_eq!(model.key.public_key.text(), TOOL_PUBLIC_KEY);
    assert!(
        !model.key.private_key.revealed,
        "the minted key stays masked"
    );
    let verified = model.key.result.as_ref().expect("minted key kept");
    assert_eq!(verified.expiration.as_deref(), Some("2027-01-04T12:00:00Z"));
    assert!(model.has_unsaved_key());

    // Like apply, the wizard keeps a minted pair apart from the tool's durable entry.
    model.step = Step::Registration;
    let command = press(&mut model, KeyCode::Char('s'));
    let Some(Command::StoreKey { account, .. }) = command else {
        panic!("expected store key, got {command:?}");
    };
    assert_eq!(account, "127.0.0.1/sandbox/email-reconnector/minted");
}

/// Replies to the request in flight with the message that `reply` builds from its id.
fn answer(model: &mut Model, reply: impl FnOnce(RequestId) -> Msg) -> Option<Command> {
    let request_id = pending_id(model);
    update(model, reply(request_id))
}

fn member_named(identifier: &str, outcome: Outcome) -> crate::provision::MemberStatus {
    crate::provision::MemberStatus {
        identifier: identifier.into(),
        ..member_status(outcome, false)
    }
}

fn key_of(identifier: &str) -> crate::provision::KeyStatus {
    crate::provision::KeyStatus {
        member_identifier: identifier.into(),
        ..key_status(false, true)
    }
}

/// Drives the current target through steps 1 to 3 and returns the role name, the member
/// identifier and the key's member that its requests named.
fn set_up_target(model: &mut Model, identifier: &str) -> (String, String, String) {
    let Some(Command::EnsureRole { name, .. }) = press(model, KeyCode::Enter) else {
        panic!("expected a role request");
    };
    answer(model, |request_id| Msg::RoleDone {
        request_id,
        result: Ok(role_named(&name)),
    });
    let Some(Command::LoadMemberChoices {
        identifier: loaded, ..
    }) = press(model, KeyCode::Enter)
    else {
        panic!("expected the member choices to load");
    };
    answer(model, |request_id| Msg::MemberChoicesDone {
        request_id,
        result: Ok((member_choices(), None)),
    });
    let Some(Command::EnsureMember { spec, .. }) = press(model, KeyCode::Enter) else {
        panic!("expected a member request");
    };
    assert_eq!(spec.identifier, loaded);
    answer(model, |request_id| Msg::MemberDone {
        request_id,
        result: Ok(member_named(identifier, Outcome::Created)),
    });
    press(model, KeyCode::Enter);
    assert_eq!(model.step, Step::Key);

    let verified = verify_current_key(model, identifier);
    (name, loaded, verified)
}

/// Fills in and verifies the key of the current tool, then opens step 4. Returns the member
/// that the key request named.
fn verify_current_key(model: &mut Model, identifier: &str) -> String {
    model.key.public_key.set(TOOL_PUBLIC_KEY);
    model.key.private_key.set(TOOL_PRIVATE_KEY);
    let Some(Command::VerifyKey {
        identifier: verified,
        ..
    }) = press(model, KeyCode::Enter)
    else {
        panic!("expected a key request");
    };
    answer(model, |request_id| Msg::KeyVerified {
        request_id,
        result: Ok((key_of(identifier), tool_pair())),
    });
    press(model, KeyCode::Enter);
    assert_eq!(model.step, Step::Registration);
    verified
}

#[test]
fn choice_two_sets_up_each_tool() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::PerTool);

    let first = set_up_target(&mut model, "V360APIERC");
    assert_eq!(
        first,
        (
            "Visionary 360 API ERC".to_owned(),
            "V360APIERC".to_owned(),
            "V360APIERC".to_owned()
        )
    );
    continue_unsaved(&mut model);

    assert_eq!(model.step, Step::Role, "the next tool has its own role");
    assert_eq!(model.target_index, 1);
    assert_eq!(model.finished_targets.len(), 1);
    assert_eq!(model.finished_tools.len(), 1);
    assert_eq!(model.key_tool().id, "ticket-tool");
    assert!(
        model.has_unsaved_key(),
        "the first tool's key is still unsaved"
    );
    let second = set_up_target(&mut model, "V360APITT");
    assert_eq!(
        second,
        (
            "Visionary 360 API TT".to_owned(),
            "V360APITT".to_owned(),
            "V360APITT".to_owned()
        )
    );
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Summary);
}

#[test]
fn choice_two_requirements_are_per_tool() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::PerTool);

    let command = press(&mut model, KeyCode::Enter);

    let Some(Command::EnsureRole { requirements, .. }) = command else {
        panic!("expected a role request, got {command:?}");
    };
    let functions: Vec<&str> = requirements
        .lines
        .iter()
        .map(|line| line.function.as_str())
        .collect();
    assert!(!functions.contains(&"Project Contacts"), "{functions:?}");
}

#[test]
fn choice_one_two_tools_share_member() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::Shared);

    let first = set_up_target(&mut model, "V360API");
    assert_eq!(first.0, "Visionary 360 API");
    continue_unsaved(&mut model);

    assert_eq!(
        model.step,
        Step::Key,
        "the second key is for the same member"
    );
    assert_eq!(model.key_tool().id, "ticket-tool");
    assert_eq!(model.key_tool_position(), (2, 2));
    assert!(model.key.result.is_none());
    assert!(model.member.is_done());
    let verified = verify_current_key(&mut model, "V360API");
    assert_eq!(verified, "V360API");
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.step, Step::Summary);
}

#[test]
fn choice_two_identifier_too_long_rejected() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::PerTool);
    model.member.identifier.set("V360APIXYZABC");

    let command = press(&mut model, KeyCode::Enter);

    assert!(command.is_none(), "{command:?}");
    let error = model
        .error
        .clone()
        .expect("identifier with suffix too long");
    assert!(
        error.message.contains("V360APIXYZABCERC"),
        "{}",
        error.message
    );
}

#[test]
fn tool_toggle_restarts_work_list() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::PerTool);
    model.target_index = 1;

    model.role.selected = 1;
    press(&mut model, KeyCode::Char(' '));

    assert_eq!(model.target_index, 0);
    assert_eq!(model.selected_tools, [true, false]);
}

#[test]
fn choice_two_met_role_continues() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::PerTool);
    press(&mut model, KeyCode::Enter);
    answer(&mut model, |request_id| Msg::RoleDone {
        request_id,
        result: Ok(role_named("Visionary 360 API ERC")),
    });

    let command = press(&mut model, KeyCode::Enter);

    assert!(
        matches!(command, Some(Command::LoadMemberChoices { .. })),
        "{command:?}"
    );
    assert_eq!(model.step, Step::Member);
}

#[test]
fn finished_key_fixes_tools_and_layout() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::Shared);
    set_up_target(&mut model, "V360API");
    continue_unsaved(&mut model);
    assert_eq!(model.finished_tools.len(), 1);
    model.step = Step::Role;

    for row in [0, 2] {
        model.role.selected = row;
        press(&mut model, KeyCode::Char(' '));
        let notice = model.notice.clone().unwrap_or_default();
        assert!(notice.contains("fixed"), "row {row}: {notice}");
    }
    model.role.selected = 3;
    press(&mut model, KeyCode::Char('x'));
    model.step = Step::Connect;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    press(&mut model, KeyCode::Char('x'));

    assert!(model.connection.is_some(), "the connection is kept");
    assert_eq!(model.connect.company.text(), "sandbox");
    assert_eq!(model.selected_tools, [true, true]);
    assert_eq!(model.role.layout, crate::tui::model::MemberLayout::Shared);
    assert_eq!(model.role.name.text(), "Visionary 360 API");
    assert_eq!(model.finished_tools.len(), 1);
}

/// Returns a met role status for a role called `name`.
fn role_named(name: &str) -> crate::provision::RoleStatus {
    let status = role_status(true, Outcome::Created);
    crate::provision::RoleStatus {
        role: crate::provision::RoleSummary {
            name: name.into(),
            ..status.role.clone()
        },
        ..status
    }
}

#[test]
fn click_on_step_tab_moves() {
    let mut model = model_at(Step::Key);

    update(&mut model, Msg::Click(ClickTarget::Step(Step::Role)));
    assert_eq!(model.step, Step::Role);
    update(
        &mut model,
        Msg::Click(ClickTarget::Step(Step::Registration)),
    );

    assert_eq!(model.step, Step::Role, "step 4 waits for a verified key");
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("3 API key"), "{notice}");
}

#[test]
fn click_selects_row_then_acts() {
    let mut model = model_at(Step::Role);
    let layout_row = model.tools.len();

    update(&mut model, Msg::Click(ClickTarget::Row(layout_row)));
    assert_eq!(model.role.selected, layout_row);
    assert_eq!(model.role.layout, crate::tui::model::MemberLayout::Shared);
    update(&mut model, Msg::Click(ClickTarget::Row(layout_row)));

    assert_eq!(model.role.layout, crate::tui::model::MemberLayout::PerTool);
}

#[test]
fn click_on_text_row_takes_typing() {
    let mut model = model_at(Step::Key);
    model.left_field = true;

    update(&mut model, Msg::Click(ClickTarget::Row(2)));
    press(&mut model, KeyCode::Char('q'));

    assert_eq!(model.key.private_key.text(), "q");
    assert!(model.confirm.is_none());
}

#[test]
fn click_chooses_picker_entry() {
    let mut model = model_at(Step::Member);
    model.member.selected = 3;
    press(&mut model, KeyCode::Char(' '));
    assert!(matches!(model.overlay, Some(Overlay::Picker(_))));

    update(&mut model, Msg::Click(ClickTarget::Row(0)));
    assert!(
        model.overlay.is_some(),
        "the screen under a picker is not clickable"
    );
    update(&mut model, Msg::Click(ClickTarget::PickerEntry(1)));

    assert!(model.overlay.is_none());
    assert_eq!(model.member.picks.location, 1);
}

#[test]
fn click_does_not_answer_question() {
    let mut model = model_at(Step::Member);
    model.left_field = true;
    press(&mut model, KeyCode::Char('q'));
    assert!(model.confirm.is_some());

    update(&mut model, Msg::Click(ClickTarget::Step(Step::Role)));

    assert!(model.confirm.is_some());
    assert_eq!(model.step, Step::Member);
}

#[test]
fn model_debug_hides_finished_keys() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::Shared);
    set_up_target(&mut model, "V360API");
    continue_unsaved(&mut model);
    assert_eq!(model.finished_tools.len(), 1);

    let debug = format!("{model:?}");

    assert!(
        !debug.contains(TOOL_PRIVATE_KEY),
        "private key in Debug output"
    );
    assert!(
        !debug.contains(ADMIN_PRIVATE_KEY),
        "admin key in Debug output"
    );
}

#[test]
fn copy_notice_warns_about_terminal() {
    let mut model = model_at(Step::Registration);
    model.clipboard_warning = Some("The Linux console has no clipboard.".into());

    press(&mut model, KeyCode::Char('c'));

    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("Copied Site"), "{notice}");
    assert!(
        notice.ends_with("The Linux console has no clipboard."),
        "{notice}"
    );
}

/// Leaves step 4 for the next tool and confirms that its key stays unsaved.
fn continue_unsaved(model: &mut Model) {
    press(model, KeyCode::Enter);
    assert_eq!(model.confirm, Some(Confirm::NextToolUnsavedKey));
    press(model, KeyCode::Char('y'));
}

#[test]
fn next_tool_asks_about_unsaved_key() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::Shared);
    set_up_target(&mut model, "V360API");

    press(&mut model, KeyCode::Enter);
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("neither stored nor sent"), "{notice}");
    press(&mut model, KeyCode::Char('n'));
    assert_eq!(model.step, Step::Registration, "n stays");
    assert!(model.finished_tools.is_empty());

    model.registration.keyring = Some(KeyringOutcome::Stored {
        account: "account".into(),
    });
    press(&mut model, KeyCode::Enter);

    assert!(model.confirm.is_none(), "a stored key needs no question");
    assert_eq!(model.step, Step::Key);
    assert_eq!(model.finished_tools.len(), 1);
}

#[test]
fn small_window_ignores_keys_but_ctrl_c() {
    let mut model = model_at(Step::Registration);
    update(
        &mut model,
        Msg::Resize {
            width: 79,
            height: 24,
        },
    );

    assert!(
        press(&mut model, KeyCode::Char('c')).is_none(),
        "c copies nothing"
    );
    assert!(model.registration.copied.is_none());
    assert!(press(&mut model, KeyCode::Enter).is_none());
    assert_eq!(model.step, Step::Registration);
    assert!(paste(&mut model, "text").is_none());
    assert!(model.notice.is_none(), "a paste sets no notice");
    press(&mut model, KeyCode::Char('q'));
    assert!(model.confirm.is_none(), "q asks nothing unseen");

    ctrl(&mut model, 'c');
    assert_eq!(model.exit, Some(Exit::Interrupted));
}

#[test]
fn keys_act_again_after_enlarging() {
    let mut model = model_at(Step::Registration);
    update(
        &mut model,
        Msg::Resize {
            width: 80,
            height: 23,
        },
    );
    update(
        &mut model,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );

    let command = press(&mut model, KeyCode::Char('c'));

    assert!(
        matches!(command, Some(Command::Clipboard(ClipboardCommand::Copy(_)))),
        "{command:?}"
    );
}

#[test]
fn ctrl_u_empties_selected_field() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    model.left_field = true;

    ctrl(&mut model, 'u');

    assert!(model.connect.company.is_empty());
    assert!(model.takes_text(), "letters type the new value");
    press(&mut model, KeyCode::Char('x'));
    assert_eq!(model.connect.company.text(), "x");
}

#[test]
fn ctrl_u_while_typing_forgets_connection() {
    let mut model = model_at(Step::Registration);
    model.step = Step::Connect;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::ClientId);
    model.connect.editing = true;

    ctrl(&mut model, 'u');

    assert!(model.connect.client_id.is_empty());
    assert!(model.connection.is_none());
    assert!(model.connect.reconnect_needed);
}

#[test]
fn ctrl_u_on_picker_row_explains() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Site);

    ctrl(&mut model, 'u');

    assert_eq!(model.connect.site_choice, crate::tui::model::SITE_CUSTOM);
    let notice = model.notice.clone().unwrap_or_default();
    assert!(notice.contains("Ctrl-U empties a text field"), "{notice}");
}

#[test]
fn down_keeps_command_mode() {
    let mut model = model_at(Step::Key);
    press(&mut model, KeyCode::Esc);
    assert!(!model.takes_text());

    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('v'));

    assert!(
        model.key.private_key.revealed,
        "v acts as the footer offered"
    );
    assert!(model.key.private_key.is_empty(), "v is not typed");
}

#[test]
fn down_keeps_typing_mode() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    model.connect.company.set("");
    assert!(model.takes_text());

    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('q'));

    assert!(model.confirm.is_none());
    assert!(model.connect.public_key.text().ends_with('q'));
}

#[test]
fn request_error_lets_field_take_text() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    press(&mut model, KeyCode::Enter);
    assert!(!model.takes_text(), "Enter makes letters commands");
    let request_id = pending_id(&model);

    update(
        &mut model,
        Msg::ConnectDone {
            request_id,
            result: Err(report("company ID \"sandbox\" is not known")),
        },
    );

    assert!(model.takes_text(), "as after an invalid input");
    press(&mut model, KeyCode::Char('e'));
    assert_eq!(model.connect.company.text(), "sandboxe");
}

#[test]
fn invalid_input_lets_field_take_text() {
    let mut model = demo_model();
    model.connect.company.set("");

    press(&mut model, KeyCode::Enter);

    assert!(model.error.is_some());
    assert!(model.takes_text());
    press(&mut model, KeyCode::Char('i'));
    assert_eq!(model.connect.company.text(), "i");
    assert!(model.overlay.is_none());
}

#[test]
fn connect_paste_reports_what_was_removed() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::ClientId);

    paste(
        &mut model,
        " 0f8fad5b-d9cb-469f-a165-\u{200B}70867728950e \n",
    );

    assert_eq!(
        model.connect.client_id.text(),
        "0f8fad5b-d9cb-469f-a165-70867728950e"
    );
    let notice = model.notice.clone().unwrap_or_default();
    assert_eq!(
        notice,
        "Client ID pasted: removed 2 spaces and a zero-width character."
    );
    let feedback = model.connect.paste_feedback.clone();
    assert_eq!(
        feedback,
        Some((
            crate::tui::model::ConnectRow::ClientId,
            "removed 2 spaces and a zero-width character".to_owned()
        ))
    );
}

#[test]
fn connect_edit_clears_paste_feedback() {
    let mut model = demo_model();
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::Company);
    paste(&mut model, "sandbox ");
    assert!(model.connect.paste_feedback.is_some());

    press(&mut model, KeyCode::Backspace);

    assert!(model.connect.paste_feedback.is_none());
    assert_eq!(model.connect.company.text(), "sandbo");
}

#[test]
fn copied_site_keeps_scheme() {
    let mut model = model_at(Step::Registration);
    model.registration.selected = 0;

    let command = press(&mut model, KeyCode::Char('c'));

    let Some(Command::Clipboard(ClipboardCommand::Copy(text))) = command else {
        panic!("expected a copy, got {command:?}");
    };
    assert_eq!(text.expose_secret(), "http://127.0.0.1");
}
