//! The wizard's transitions: `update` applies one message to the model and returns the engine
//! call to start, if any. It performs no I/O and never awaits.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::{ExposeSecret, SecretString};

use super::command::{Command, DemoLevel};
use super::message::{ExitSignal, Msg};
use super::model::{
    clean_key, ConnectField, Exit, KeyringOutcome, MemberRow, Model, RequestId, RequestKind, Step,
    VerifiedKey, KEY_FIELD_COUNT,
};
use super::strings;
use crate::cwm::Credentials;
use crate::secrets::keystore::account_name;
use crate::secrets::KeyPair;

/// Applies `msg` to `model` and returns the engine call to start, if any.
pub fn update(model: &mut Model, msg: Msg) -> Option<Command> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => {
            on_paste(model, &text);
            None
        }
        Msg::Resize { .. } => None,
        Msg::Tick => {
            if model.pending.is_some() {
                model.spinner = model.spinner.wrapping_add(1);
            }
            None
        }
        Msg::Signal(signal) => {
            model.exit = Some(match signal {
                ExitSignal::Interrupt => Exit::Interrupted,
                ExitSignal::Terminate => Exit::Terminated,
                ExitSignal::HangUp => Exit::HungUp,
            });
            None
        }
        Msg::ConnectDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(info) => {
                    model.notice = Some(strings::connected(
                        &info.company_name,
                        &info.version,
                        &info.admin_identifier,
                    ));
                    model.connection = Some(info);
                    model.connect.dirty = false;
                    model.member.choices = None;
                    model.invalidate_from(Step::Role);
                    enter_step(model, Step::Role)
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::RoleDone { request_id, result } => {
            let kind = model.finish_request(request_id)?;
            match result {
                Ok(status) => {
                    let previous_role = model.role.status.as_ref().map(|old| old.role.id);
                    if previous_role.is_some_and(|id| id != status.role.id) {
                        model.invalidate_from(Step::Member);
                    }
                    if kind == RequestKind::EnsureRole || model.role.outcome.is_none() {
                        model.role.outcome = Some(status.outcome);
                    }
                    let line_count = status.checklist.lines.len();
                    model.role.selected_line =
                        model.role.selected_line.min(line_count.saturating_sub(1));
                    if status.checklist.is_met() {
                        model.notice = Some(strings::ROLE_MET.into());
                    }
                    model.role.status = Some(status);
                    None
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::MemberChoicesDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(choices) => {
                    let identifier = model.member.identifier.text().trim().to_owned();
                    let defaults = choices.default_spec(&identifier);
                    model.member.choices = Some(choices);
                    match defaults {
                        Ok(spec) => {
                            model.member.pick_from_spec(&spec);
                            None
                        }
                        Err(error) => show_error(model, error.to_string()),
                    }
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::MemberDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(status) => {
                    model.notice = Some(if status.pending_changes.is_empty() {
                        strings::MEMBER_DONE_NEXT.into()
                    } else {
                        strings::MEMBER_PENDING.into()
                    });
                    model.member.status = Some(status);
                    model.invalidate_from(Step::Key);
                    None
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::KeyVerified { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok((status, pair)) => {
                    if status.swapped {
                        model.key.public_key.set(&pair.public_key);
                        model.key.private_key.set(pair.private_key.expose_secret());
                    }
                    if status.is_accepted() {
                        model.notice = Some(strings::KEY_DONE_NEXT.into());
                    }
                    model.key.result = Some(VerifiedKey { status, pair });
                    model.invalidate_from(Step::Registration);
                    None
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::KeyStored { request_id, result } => {
            model.finish_request(request_id)?;
            model.registration.keyring = Some(match result {
                Ok(account) => KeyringOutcome::Stored { account },
                Err(message) => KeyringOutcome::Failed { message },
            });
            None
        }
        Msg::DemoRoleLevelsDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(_) => recheck_role(model),
                Err(error) => show_error(model, error),
            }
        }
        Msg::DemoKeyCreated { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(pair) => {
                    model.key.public_key.set(&pair.public_key);
                    model.key.private_key.set(pair.private_key.expose_secret());
                    model.key.result = None;
                    model.invalidate_from(Step::Registration);
                    let identifier = model.member.identifier.text().trim().to_owned();
                    model.notice = Some(strings::demo_key_created(&identifier));
                    None
                }
                Err(error) => show_error(model, error),
            }
        }
    }
}

fn show_error(model: &mut Model, error: String) -> Option<Command> {
    model.error = Some(error);
    model.notice = None;
    None
}

fn on_key(model: &mut Model, key: KeyEvent) -> Option<Command> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'C'))
    {
        model.exit = Some(Exit::Interrupted);
        return None;
    }
    model.notice = None;

    match key.code {
        KeyCode::Left | KeyCode::BackTab => {
            model.stop_editing();
            return model.step.previous().and_then(|step| go_to(model, step));
        }
        KeyCode::Right | KeyCode::Tab => {
            model.stop_editing();
            return model.step.next().and_then(|step| go_to(model, step));
        }
        KeyCode::Up => {
            move_selection(model, -1);
            return None;
        }
        KeyCode::Down => {
            move_selection(model, 1);
            return None;
        }
        KeyCode::Enter => {
            model.stop_editing();
            return act(model);
        }
        _ => {}
    }

    if model.is_editing() {
        edit_field(model, key);
        return None;
    }

    match key.code {
        KeyCode::Esc => {
            if let Some(pending) = model.pending.take() {
                model.notice = Some(strings::stopped_waiting(pending.kind));
            } else {
                quit(model);
            }
            None
        }
        KeyCode::Char(character)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            on_command_key(model, character)
        }
        _ => None,
    }
}

fn quit(model: &mut Model) {
    model.exit = Some(if model.step == Step::Summary {
        Exit::Finished
    } else {
        Exit::Quit
    });
}

/// Handles a letter typed while no text field is being edited.
fn on_command_key(model: &mut Model, character: char) -> Option<Command> {
    match (model.step, character) {
        (_, 'q') => {
            quit(model);
            None
        }
        (Step::Connect | Step::Role | Step::Member | Step::Key, 'e') => {
            start_editing(model);
            None
        }
        (Step::Role, 'r') => recheck_role(model),
        (Step::Role, 'd') if model.demo => demo_set_role_levels(model),
        (Step::Member, ' ') => {
            cycle_pick(model);
            None
        }
        (Step::Member, 'y') => apply_member_changes(model),
        (Step::Key, 'd') if model.demo => demo_create_key(model),
        (Step::Registration, 'v') => {
            model.registration.revealed = !model.registration.revealed;
            None
        }
        (Step::Registration, 's') => store_key(model),
        _ => None,
    }
}

fn start_editing(model: &mut Model) {
    match model.step {
        Step::Connect => model.connect.editing = true,
        Step::Role => model.role.editing = true,
        Step::Member => model.member.editing = model.member.selected_row().is_text(),
        Step::Key => model.key.editing = true,
        Step::Registration | Step::Summary => {}
    }
}

/// Applies a key press to the text field being edited.
fn edit_field(model: &mut Model, key: KeyEvent) {
    if key.code == KeyCode::Esc {
        model.stop_editing();
        return;
    }
    let is_typed_character = matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if !is_typed_character && key.code != KeyCode::Backspace {
        return;
    }
    let field = match model.step {
        Step::Connect => {
            model.connect.dirty = true;
            let selected = model.connect.selected_field();
            model.connect.field_mut(selected)
        }
        Step::Role => {
            model.invalidate_from(Step::Role);
            &mut model.role.name
        }
        Step::Member => {
            model.invalidate_from(Step::Member);
            match model.member.selected_row() {
                MemberRow::Identifier => &mut model.member.identifier,
                MemberRow::Name => &mut model.member.name,
                _ => return,
            }
        }
        Step::Key => {
            model.invalidate_from(Step::Key);
            model.key.selected_field_mut()
        }
        Step::Registration | Step::Summary => return,
    };
    match key.code {
        KeyCode::Char(character) => field.push(character),
        _ => field.pop(),
    }
}

/// Puts pasted text into the selected text field: keys lose every whitespace and invisible
/// character, other fields keep only their first line, trimmed.
fn on_paste(model: &mut Model, text: &SecretString) {
    let text = text.expose_secret();
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("");
    match model.step {
        Step::Connect => {
            let selected = model.connect.selected_field();
            let cleaned = match selected {
                ConnectField::PublicKey | ConnectField::PrivateKey => clean_key(text),
                _ => first_line.to_owned(),
            };
            let cleaned = zeroize::Zeroizing::new(cleaned);
            model.connect.field_mut(selected).set(&cleaned);
            model.connect.dirty = true;
        }
        Step::Role => {
            model.role.name.set(first_line);
            model.invalidate_from(Step::Role);
        }
        Step::Member => {
            let field = match model.member.selected_row() {
                MemberRow::Identifier => &mut model.member.identifier,
                MemberRow::Name => &mut model.member.name,
                _ => return,
            };
            field.set(first_line);
            model.invalidate_from(Step::Member);
        }
        Step::Key => {
            let cleaned = zeroize::Zeroizing::new(clean_key(text));
            model.key.selected_field_mut().set(&cleaned);
            model.invalidate_from(Step::Key);
        }
        Step::Registration | Step::Summary => {}
    }
}

fn move_selection(model: &mut Model, delta: isize) {
    let step = |index: usize, count: usize| -> usize {
        index
            .saturating_add_signed(delta)
            .min(count.saturating_sub(1))
    };
    match model.step {
        Step::Connect => {
            model.connect.selected = step(model.connect.selected, ConnectField::ALL.len());
        }
        Step::Role => {
            let count = model
                .role
                .status
                .as_ref()
                .map_or(0, |status| status.checklist.lines.len());
            model.role.selected_line = step(model.role.selected_line, count);
            model.role.editing = false;
        }
        Step::Member => {
            model.member.selected = step(model.member.selected, MemberRow::ALL.len());
            if !model.member.selected_row().is_text() {
                model.member.editing = false;
            }
        }
        Step::Key => model.key.selected = step(model.key.selected, KEY_FIELD_COUNT),
        Step::Registration | Step::Summary => {}
    }
}

/// Moves to `target` if every earlier step is done, or else sets a notice naming the step to
/// finish.
fn go_to(model: &mut Model, target: Step) -> Option<Command> {
    if let Some(blocker) = model.blocker(target) {
        model.notice = Some(strings::blocked_by(blocker));
        return None;
    }
    enter_step(model, target)
}

fn enter_step(model: &mut Model, target: Step) -> Option<Command> {
    if model.step == Step::Registration && target != Step::Registration {
        model.registration.revealed = false;
    }
    model.stop_editing();
    model.step = target;
    if target == Step::Member && model.member.choices.is_none() && model.pending.is_none() {
        return load_member_choices(model);
    }
    None
}

/// Returns the id of the connection's session, or `None` with a notice when not connected.
fn session_id(model: &mut Model) -> Option<RequestId> {
    let id = model.connection.as_ref().map(|info| info.session_id);
    if id.is_none() {
        model.notice = Some(strings::blocked_by(Step::Connect));
    }
    id
}

/// Returns whether a new request may start, and sets a notice when another one still runs.
fn may_start(model: &mut Model) -> bool {
    match model.pending {
        Some(pending) => {
            model.notice = Some(strings::wait_for(pending.kind));
            false
        }
        None => true,
    }
}

/// Performs the Enter action of the current screen.
fn act(model: &mut Model) -> Option<Command> {
    match model.step {
        Step::Connect => {
            if model.connection.is_some() && !model.connect.dirty {
                return go_to(model, Step::Role);
            }
            connect(model)
        }
        Step::Role => {
            let name_unchanged = model.role.status.as_ref().is_some_and(|status| {
                status
                    .role
                    .name
                    .eq_ignore_ascii_case(model.role.name.text().trim())
            });
            if model.role.is_done() && name_unchanged {
                return go_to(model, Step::Member);
            }
            ensure_role(model)
        }
        Step::Member => {
            if model.member.is_done() {
                return go_to(model, Step::Key);
            }
            if model.member.status.is_some() {
                model.notice = Some(strings::MEMBER_CONFIRM_FIRST.into());
                return None;
            }
            if model.member.choices.is_none() {
                return load_member_choices(model);
            }
            ensure_member(model, false)
        }
        Step::Key => {
            if model.key.is_done() {
                return go_to(model, Step::Registration);
            }
            verify_key(model)
        }
        Step::Registration => go_to(model, Step::Summary),
        Step::Summary => {
            model.exit = Some(Exit::Finished);
            None
        }
    }
}

fn connect(model: &mut Model) -> Option<Command> {
    if !may_start(model) {
        return None;
    }
    let form = &model.connect;
    let site = form.site.text().trim().to_owned();
    let credentials = Credentials {
        company_id: form.company.text().trim().to_owned(),
        key: KeyPair::new(
            clean_key(form.public_key.text()),
            clean_key(form.private_key.text()),
        ),
        client_id: form.client_id.text().trim().to_owned(),
    };
    let request_id = model.start_request(RequestKind::Connect);
    Some(Command::Connect {
        request_id,
        site,
        credentials,
    })
}

fn ensure_role(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::EnsureRole);
    Some(Command::EnsureRole {
        request_id,
        session,
        name: model.role.name.text().trim().to_owned(),
        requirements: model.requirements.clone(),
        allow_admin: model.allow_admin_role,
    })
}

fn recheck_role(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    let Some(role) = model.role.status.as_ref().map(|status| status.role.clone()) else {
        model.notice = Some(strings::ROLE_NEEDS_ROLE.into());
        return None;
    };
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::RecheckRole);
    Some(Command::RecheckRole {
        request_id,
        session,
        role,
        requirements: model.requirements.clone(),
    })
}

fn demo_set_role_levels(model: &mut Model) -> Option<Command> {
    let Some(status) = model.role.status.as_ref() else {
        model.notice = Some(strings::ROLE_NEEDS_ROLE.into());
        return None;
    };
    let role_id = status.role.id;
    let levels = status
        .checklist
        .lines
        .iter()
        .map(|line| DemoLevel {
            module: line.module.clone(),
            function: line.function.clone(),
            verb: line.verb.as_str(),
            level: line.required.as_str(),
        })
        .collect();
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::DemoRoleLevels);
    Some(Command::DemoSetRoleLevels {
        request_id,
        role_id,
        levels,
    })
}

fn load_member_choices(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::MemberChoices);
    Some(Command::LoadMemberChoices {
        request_id,
        session,
    })
}

fn cycle_pick(model: &mut Model) {
    let Some(choices) = &model.member.choices else {
        return;
    };
    let row = model.member.selected_row();
    let picks = &mut model.member.picks;
    let (index, count) = match row {
        MemberRow::Level => (&mut picks.level, choices.levels.len()),
        MemberRow::Location => (&mut picks.location, choices.locations.len()),
        MemberRow::BusinessUnit => (&mut picks.department, choices.departments.len()),
        // Entry 0 is "site default", so the list has one more entry than the site returned.
        MemberRow::TimeZone => (&mut picks.time_zone, choices.time_zones.len() + 1),
        MemberRow::Identifier | MemberRow::Name => return,
    };
    if count > 0 {
        *index = (*index + 1) % count;
    }
    model.invalidate_from(Step::Member);
}

fn ensure_member(model: &mut Model, apply_changes: bool) -> Option<Command> {
    let session = session_id(model)?;
    let Some(role) = model.role.status.as_ref().map(|status| status.role.clone()) else {
        model.notice = Some(strings::blocked_by(Step::Role));
        return None;
    };
    let Some(spec) = model.member.spec() else {
        model.notice = Some(strings::MEMBER_NOT_LOADED.into());
        return None;
    };
    if !may_start(model) {
        return None;
    }
    let kind = if apply_changes {
        RequestKind::ApplyMemberChanges
    } else {
        RequestKind::EnsureMember
    };
    let request_id = model.start_request(kind);
    Some(Command::EnsureMember {
        request_id,
        session,
        spec,
        role,
        apply_changes,
    })
}

fn apply_member_changes(model: &mut Model) -> Option<Command> {
    let has_pending_changes = model
        .member
        .status
        .as_ref()
        .is_some_and(|status| !status.pending_changes.is_empty());
    if !has_pending_changes {
        return None;
    }
    ensure_member(model, true)
}

fn verify_key(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    let public_key = clean_key(model.key.public_key.text());
    let private_key = zeroize::Zeroizing::new(clean_key(model.key.private_key.text()));
    if public_key.is_empty() || private_key.is_empty() {
        model.error = Some(strings::KEY_MISSING.into());
        return None;
    }
    if !may_start(model) {
        return None;
    }
    let identifier = model.member.identifier.text().trim().to_owned();
    let request_id = model.start_request(RequestKind::VerifyKey);
    Some(Command::VerifyKey {
        request_id,
        session,
        identifier,
        pair: KeyPair::new(public_key, private_key.as_str()),
        requirements: model.requirements.clone(),
    })
}

fn demo_create_key(model: &mut Model) -> Option<Command> {
    if !may_start(model) {
        return None;
    }
    let identifier = model.member.identifier.text().trim().to_owned();
    let description = model.key_tool().key_description().to_owned();
    let request_id = model.start_request(RequestKind::DemoCreateKey);
    Some(Command::DemoCreateKey {
        request_id,
        identifier,
        description,
    })
}

fn store_key(model: &mut Model) -> Option<Command> {
    let (Some(connection), Some(verified)) = (&model.connection, &model.key.result) else {
        return None;
    };
    let account = account_name(
        &connection.site_host,
        &connection.company_id,
        &model.key_tool().id,
    );
    let pair = verified.pair.clone();
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::StoreKey);
    Some(Command::StoreKey {
        request_id,
        account,
        pair,
    })
}

#[cfg(test)]
mod tests;
