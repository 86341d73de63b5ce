//! Step changes and engine requests. Every request checks its inputs first, so an invalid
//! value is reported with its fix before anything is sent to ConnectWise.

use secrecy::{ExposeSecret, SecretString};

use crate::cwm::Credentials;
use crate::handoff::registration::RegistrationFields;
use crate::provision::Target;
use crate::secrets::keystore::{account_name, minted_account};
use crate::secrets::paste::{clean_key, KeyHalf};
use crate::secrets::KeyPair;
use crate::tui::command::{Command, DemoLevel};
use crate::tui::model::{
    AuditEvent, ChecklistOverride, Confirm, ErrorReport, FinishedTarget, FinishedTool, KeyForm,
    KeyRoute, KeyRow, Model, RegistrationField, RequestId, RequestKind, Step,
};
use crate::tui::{strings, validate};

/// Moves to `target` if every earlier step is done, or else sets a notice that names the step
/// to finish and why.
pub(super) fn go_to(model: &mut Model, target: Step) -> Option<Command> {
    if let Some(blocker) = model.blocker(target) {
        model.notice = Some(blocked_reason(model, blocker));
        return None;
    }
    if model.step == Step::Registration && target == Step::Summary && model.has_more_tools() {
        if !model.registration.keeps_key() {
            model.confirm = Some(Confirm::NextToolUnsavedKey);
            model.notice = Some(strings::confirm_next_tool(&model.key_tool().name));
            return None;
        }
        return next_tool(model);
    }
    enter_step(model, target)
}

/// Returns the current target, or the message of the invalid input that prevents it, such as
/// a member identifier that is too long with a tool's suffix.
fn current_target(model: &Model) -> Result<Target, String> {
    let mut targets = model.targets().map_err(|error| error.to_string())?;
    if model.target_index >= targets.len() {
        return Err(strings::NO_TOOL_SELECTED.into());
    }
    Ok(targets.swap_remove(model.target_index))
}

/// Leaves step 4 for the next selected tool: its key in step 3 when it shares the current
/// member, or else (Choice 2) the role and member of its own target in step 1.
pub(super) fn next_tool(model: &mut Model) -> Option<Command> {
    let key = model.key.result.take()?;
    let finished = FinishedTool {
        tool: model.key_tool().clone(),
        key,
        registration: std::mem::take(&mut model.registration),
    };
    model.finished_tools.push(finished);
    model.key = KeyForm {
        route: model.key.route,
        ..KeyForm::default()
    };
    let next_name = model.key_tool().name.clone();

    let targets = model.targets().unwrap_or_default();
    let tools_through_target: usize = targets
        .iter()
        .take(model.target_index + 1)
        .map(|target| target.tools.len())
        .sum();
    if model.finished_tools.len() < tools_through_target {
        model.notice = Some(strings::next_tool_key(&next_name));
        return enter_step(model, Step::Key);
    }

    if let (Some(role), Some(member)) = (model.role.status.take(), model.member.status.take()) {
        model.finished_targets.push(FinishedTarget {
            role_outcome: model.role.outcome.take().unwrap_or(role.outcome),
            role,
            checklist_override: model.role.checklist_override.take(),
            member,
        });
    }
    model.target_index += 1;
    // The pickers start again from the next member's own values, if it exists.
    model.member.choices = None;
    model.notice = Some(strings::next_target(&next_name));
    enter_step(model, Step::Role)
}

fn blocked_reason(model: &Model, blocker: Step) -> String {
    let reason = match blocker {
        Step::Role => match &model.role.status {
            None => strings::ROLE_NEEDS_ROLE.to_owned(),
            Some(status) => strings::role_blocked(status.checklist.unmet().count()),
        },
        Step::Member => match &model.member.status {
            None => strings::MEMBER_NEEDS_ENTER.to_owned(),
            Some(_) => strings::MEMBER_CONFIRM_FIRST.to_owned(),
        },
        Step::Key => strings::KEY_NEEDS_VERIFY.to_owned(),
        Step::Connect | Step::Registration | Step::Summary => String::new(),
    };
    strings::blocked_because(blocker, &reason)
}

pub(super) fn enter_step(model: &mut Model, target: Step) -> Option<Command> {
    if model.step == Step::Registration && target != Step::Registration {
        model.registration.revealed = false;
    }
    model.stop_editing();
    model.left_field = false;
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
        model.notice = Some(strings::blocked_because(Step::Connect, ""));
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

/// Reports an invalid input. The row of the invalid value is selected, so typing fixes it.
fn reject_input(model: &mut Model, message: String) -> Option<Command> {
    model.left_field = false;
    model.error = Some(ErrorReport::invalid_input(message));
    model.notice = None;
    None
}

/// Checks the inputs of the current screen again after an edit, so that the input error of the
/// last Enter goes away once the value is fixed, or names the problem that remains.
pub(super) fn revalidate(model: &mut Model) {
    if !model
        .error
        .as_ref()
        .is_some_and(ErrorReport::is_invalid_input)
    {
        return;
    }
    model.error = input_problem(model).map(ErrorReport::invalid_input);
}

/// Returns the first invalid input of the current screen, checked as its Enter action checks
/// it.
fn input_problem(model: &Model) -> Option<String> {
    match model.step {
        Step::Connect => validate::connect_form(&model.connect)
            .err()
            .map(|(_, message)| message),
        Step::Role => {
            if model.selected_tool_list().is_empty() {
                return Some(strings::NO_TOOL_SELECTED.into());
            }
            validate::role_name(model.role.name.text())
                .err()
                .or_else(|| current_target(model).err())
        }
        Step::Member => validate::identifier(model.member.identifier.text().trim())
            .err()
            .or_else(|| {
                model
                    .member
                    .name
                    .is_empty()
                    .then(|| strings::MEMBER_NAME_EMPTY.to_owned())
            })
            .or_else(|| current_target(model).err()),
        Step::Key => [
            (
                strings::FIELD_PUBLIC_KEY,
                KeyHalf::Public,
                &model.key.public_key,
            ),
            (
                strings::FIELD_PRIVATE_KEY,
                KeyHalf::Private,
                &model.key.private_key,
            ),
        ]
        .into_iter()
        .find_map(|(label, half, field)| validate::key_half(label, half, field.text(), true).err()),
        Step::Registration | Step::Summary => None,
    }
}

/// Performs the Enter action of the current screen.
pub(super) fn act(model: &mut Model) -> Option<Command> {
    match model.step {
        Step::Connect => {
            if model.connection.is_some() && !model.connect.dirty {
                return go_to(model, Step::Role);
            }
            connect(model)
        }
        Step::Role => {
            let role_name = current_target(model).map(|target| target.role_name);
            let name_unchanged = match (&model.role.status, role_name) {
                (Some(status), Ok(name)) => status.role.name.eq_ignore_ascii_case(&name),
                _ => false,
            };
            if model.role.is_done() && name_unchanged {
                return go_to(model, Step::Member);
            }
            if model.role.status.is_some() && name_unchanged {
                return recheck_role(model);
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
            super::keys::ask_to_quit(model);
            None
        }
    }
}

fn connect(model: &mut Model) -> Option<Command> {
    if let Err((row, message)) = validate::connect_form(&model.connect) {
        model.connect.select_row(row);
        return reject_input(model, message);
    }
    if !may_start(model) {
        return None;
    }
    let form = &model.connect;
    let public_key = clean_key(form.public_key.text()).value;
    let private_key = clean_key(form.private_key.text()).value;
    let credentials = Credentials {
        company_id: form.company.text().trim().to_owned(),
        key: KeyPair::new(public_key.expose_secret(), private_key.expose_secret()),
        client_id: form.client_id.text().trim().to_owned(),
    };
    let site = form.site_input();
    // Invalid step 1 settings only cost the look-ahead: step 1 reports them itself.
    let targets = model.targets().unwrap_or_default();
    let request_id = model.start_request(RequestKind::Connect);
    Some(Command::Connect {
        request_id,
        site,
        credentials,
        targets,
    })
}

fn ensure_role(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    if model.selected_tool_list().is_empty() {
        return reject_input(model, strings::NO_TOOL_SELECTED.into());
    }
    if let Err(message) = validate::role_name(model.role.name.text()) {
        model.role.selected = model.tools.len() + 1;
        return reject_input(model, message);
    }
    let target = match current_target(model) {
        Ok(target) => target,
        Err(message) => return reject_input(model, message),
    };
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::EnsureRole);
    Some(Command::EnsureRole {
        request_id,
        session,
        name: target.role_name,
        requirements: target.requirements,
        allow_admin: model.allow_admin_role,
    })
}

pub(super) fn recheck_role(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    let Some(role) = model.role.status.as_ref().map(|status| status.role.clone()) else {
        model.notice = Some(strings::ROLE_NEEDS_ROLE.into());
        return None;
    };
    if !may_start(model) {
        return None;
    }
    let requirements = model.target_requirements();
    let request_id = model.start_request(RequestKind::RecheckRole);
    Some(Command::RecheckRole {
        request_id,
        session,
        role,
        requirements,
    })
}

/// Asks for confirmation before continuing with unmet lines; nothing to confirm when the
/// checklist is met or not read yet.
pub(super) fn ask_to_override(model: &mut Model) {
    let unmet = match &model.role.status {
        None => {
            model.notice = Some(strings::ROLE_NEEDS_ROLE.into());
            return;
        }
        Some(status) => status.checklist.unmet().count(),
    };
    if unmet == 0 {
        model.notice = Some(strings::ROLE_MET.into());
        return;
    }
    model.confirm = Some(Confirm::ChecklistOverride);
    model.notice = Some(strings::confirm_override(unmet));
}

/// Records the override for the audit log and lets the user continue to step 2.
pub(super) fn override_checklist(model: &mut Model) -> Option<Command> {
    let Some(status) = &model.role.status else {
        return None;
    };
    let unmet = status
        .checklist
        .unmet()
        .map(|line| {
            format!(
                "{} > {} {}: needs {}",
                line.module, line.function, line.verb, line.required
            )
        })
        .collect();
    let record = ChecklistOverride {
        role_name: status.role.name.clone(),
        unmet,
    };
    tracing::warn!(role = %record.role_name, unmet = ?record.unmet, "checklist override");
    model
        .audit
        .push(AuditEvent::ChecklistOverride(record.clone()));
    let command = model
        .connection
        .as_ref()
        .map(|connection| Command::RecordOverride {
            session: connection.session_id,
            role_name: record.role_name.clone(),
            detail: format!("continued with unmet lines: {}", record.unmet.join("; ")),
        });
    model.role.checklist_override = Some(record);
    model.notice = Some(strings::OVERRIDE_RECORDED.into());
    command
}

pub(super) fn demo_set_role_levels(model: &mut Model) -> Option<Command> {
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
    let identifier = model.member_identifier();
    let request_id = model.start_request(RequestKind::MemberChoices);
    Some(Command::LoadMemberChoices {
        request_id,
        session,
        identifier,
    })
}

fn ensure_member(model: &mut Model, apply_changes: bool) -> Option<Command> {
    let session = session_id(model)?;
    let Some(role) = model.role.status.as_ref().map(|status| status.role.clone()) else {
        model.notice = Some(strings::blocked_because(Step::Role, ""));
        return None;
    };
    if let Err(message) = validate::identifier(model.member.identifier.text().trim()) {
        model.member.selected = 0;
        return reject_input(model, message);
    }
    if model.member.name.is_empty() {
        model.member.selected = 1;
        return reject_input(model, strings::MEMBER_NAME_EMPTY.into());
    }
    let target = match current_target(model) {
        Ok(target) => target,
        Err(message) => return reject_input(model, message),
    };
    let Some(mut spec) = model.member.spec() else {
        model.notice = Some(strings::MEMBER_NOT_LOADED.into());
        return None;
    };
    spec.identifier = target.member_identifier;
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

pub(super) fn apply_member_changes(model: &mut Model) -> Option<Command> {
    let has_pending_changes = model
        .member
        .status
        .as_ref()
        .is_some_and(|status| !status.pending_changes.is_empty());
    if !has_pending_changes {
        model.notice = Some(strings::MEMBER_NOTHING_TO_APPLY.into());
        return None;
    }
    ensure_member(model, true)
}

fn verify_key(model: &mut Model) -> Option<Command> {
    let session = session_id(model)?;
    if model.key.route == KeyRoute::Tokens {
        return mint_key(model, session);
    }
    let checks = [
        (
            KeyRow::PublicKey,
            validate::key_half(
                strings::FIELD_PUBLIC_KEY,
                KeyHalf::Public,
                model.key.public_key.text(),
                true,
            ),
        ),
        (
            KeyRow::PrivateKey,
            validate::key_half(
                strings::FIELD_PRIVATE_KEY,
                KeyHalf::Private,
                model.key.private_key.text(),
                true,
            ),
        ),
    ];
    for (row, check) in checks {
        if let Err(message) = check {
            model.key.selected = KeyRow::ALL.iter().position(|r| *r == row).unwrap_or(1);
            return reject_input(model, message);
        }
    }
    if !may_start(model) {
        return None;
    }
    let public_key = clean_key(model.key.public_key.text()).value;
    let private_key = clean_key(model.key.private_key.text()).value;
    let identifier = model.member_identifier();
    let requirements = model.target_requirements();
    let request_id = model.start_request(RequestKind::VerifyKey);
    Some(Command::VerifyKey {
        request_id,
        session,
        identifier,
        pair: KeyPair::new(public_key.expose_secret(), private_key.expose_secret()),
        requirements,
    })
}

fn mint_key(model: &mut Model, session: RequestId) -> Option<Command> {
    if !may_start(model) {
        return None;
    }
    let identifier = model.member_identifier();
    let requirements = model.target_requirements();
    let request_id = model.start_request(RequestKind::MintKey);
    Some(Command::MintKey {
        request_id,
        session,
        identifier,
        requirements,
    })
}

pub(super) fn demo_create_key(model: &mut Model) -> Option<Command> {
    if !may_start(model) {
        return None;
    }
    let identifier = model.member_identifier();
    let description = model.key_tool().key_description().to_owned();
    let request_id = model.start_request(RequestKind::DemoCreateKey);
    Some(Command::DemoCreateKey {
        request_id,
        identifier,
        description,
    })
}

pub(super) fn store_key(model: &mut Model) -> Option<Command> {
    let (Some(connection), Some(verified)) = (&model.connection, &model.key.result) else {
        model.notice = Some(strings::blocked_because(
            Step::Key,
            strings::KEY_NEEDS_VERIFY,
        ));
        return None;
    };
    let account = account_name(
        &connection.site_host,
        &connection.company_id,
        &model.key_tool().id,
    );
    // A minted key goes to its own entry, as apply stores it, so that it never replaces a
    // durable key stored for the tool.
    let account = match verified.route {
        KeyRoute::Tokens => minted_account(&account),
        KeyRoute::Durable => account,
    };
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

/// Sends the fields that the tool's manifest names to its registration endpoint.
pub(super) fn send_registration(model: &mut Model) -> Option<Command> {
    let tool = model.key_tool();
    let Some(url) = tool.registration_url.clone() else {
        model.notice = Some(strings::send_not_offered(&tool.name));
        return None;
    };
    let names = tool.registration_fields.clone();
    let (Some(connection), Some(verified)) = (&model.connection, &model.key.result) else {
        model.notice = Some(strings::blocked_because(
            Step::Key,
            strings::KEY_NEEDS_VERIFY,
        ));
        return None;
    };
    let fields = RegistrationFields {
        site: connection.site_url.clone(),
        company_id: connection.company_id.clone(),
        key: verified.pair.clone(),
        client_id: connection.client_id.clone(),
        member_identifier: verified.status.member_identifier.clone(),
        names,
    };
    if !may_start(model) {
        return None;
    }
    let request_id = model.start_request(RequestKind::SendRegistration);
    Some(Command::SendRegistration {
        request_id,
        url,
        fields,
    })
}

/// Returns the value of a registration field, or `None` before the key is verified.
pub(super) fn registration_value(model: &Model, field: RegistrationField) -> Option<SecretString> {
    let connection = model.connection.as_ref()?;
    let verified = model.key.result.as_ref()?;
    let value = match field {
        RegistrationField::Site => connection.site_url.clone(),
        RegistrationField::Company => connection.company_id.clone(),
        RegistrationField::PublicKey => verified.pair.public_key.clone(),
        RegistrationField::PrivateKey => verified.pair.private_key.expose_secret().to_owned(),
        RegistrationField::ClientId => connection.client_id.clone(),
        RegistrationField::MemberIdentifier => verified.status.member_identifier.clone(),
    };
    Some(SecretString::from(value))
}
