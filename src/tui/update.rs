//! The wizard's transitions: `update` applies one message to the model and returns the command
//! to perform, if any. It performs no I/O and never awaits.
//!
//! [`keys`] handles the keyboard and pastes, [`actions`] builds the engine requests and checks
//! their inputs first, and this file applies the replies.

mod actions;
mod keys;

use secrecy::ExposeSecret;

use super::command::{ClipboardCommand, Command};
use super::message::{ExitSignal, Msg};
use super::model::{
    ErrorReport, Exit, KeyRoute, KeyringOutcome, Model, RequestKind, RoleRow, SendOutcome, Step,
    VerifiedKey,
};
use super::strings;
use super::view::{MIN_HEIGHT, MIN_WIDTH};
use crate::provision::Outcome;

/// Ticks per second; the event loop sends one tick every 100 ms.
pub const TICKS_PER_SECOND: u64 = 10;

/// How long a copied value stays on the clipboard before the wizard clears it.
pub const CLEAR_AFTER_SECONDS: u64 = 30;

/// Applies `msg` to `model` and returns the command to perform, if any.
pub fn update(model: &mut Model, msg: Msg) -> Option<Command> {
    match msg {
        Msg::Key(key) if model.too_small => keys::on_key_too_small(model, key),
        Msg::Key(key) => keys::on_key(model, key),
        Msg::Click(_) | Msg::Paste(_) if model.too_small => None,
        Msg::Click(target) => keys::on_click(model, target),
        Msg::Paste(text) => {
            keys::on_paste(model, text.expose_secret());
            None
        }
        Msg::Resize { width, height } => {
            model.too_small = width < MIN_WIDTH || height < MIN_HEIGHT;
            None
        }
        Msg::Tick => on_tick(model),
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
                    model.connect.reconnect_needed = false;
                    model.member.choices = None;
                    model.invalidate_from(Step::Role);
                    actions::enter_step(model, Step::Role)
                }
                Err(error) => {
                    // The old session no longer matches the form, so nothing may use it.
                    model.connection = None;
                    model.member.choices = None;
                    model.invalidate_from(Step::Role);
                    show_error(model, error)
                }
            }
        }
        Msg::RoleDone { request_id, result } => {
            let kind = model.finish_request(request_id)?;
            match result {
                Ok(status) => {
                    on_role_status(model, kind, status);
                    None
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::MemberChoicesDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok((choices, existing)) => {
                    let identifier = model.member.identifier.text().trim().to_owned();
                    // Starting from the existing member's own values keeps `ensure_member` from
                    // proposing changes that the user never made.
                    let start = match &existing {
                        Some(spec) => Ok(spec.clone()),
                        None => choices.default_spec(&identifier),
                    };
                    model.member.choices = Some(choices);
                    match start {
                        Ok(spec) => {
                            if existing.is_some() && !spec.name.is_empty() {
                                model.member.name.set(&spec.name);
                            }
                            model.member.pick_from_spec(&spec);
                            None
                        }
                        Err(error) => show_error(
                            model,
                            ErrorReport::from_provision("choosing the member defaults", &error),
                        ),
                    }
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::MemberDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(status) => {
                    // The screen itself shows the outcome and the next key, so no notice.
                    if status.outcome == Outcome::Created
                        && !model.member.created_this_run(&status.identifier)
                    {
                        model.member.created.push(status.identifier.clone());
                    }
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
                    model.key.result = Some(VerifiedKey {
                        status,
                        pair,
                        route: KeyRoute::Durable,
                        expiration: None,
                    });
                    model.invalidate_from(Step::Registration);
                    None
                }
                Err(error) => show_error(model, error),
            }
        }
        Msg::KeyMinted { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok((status, pair, expiration)) => {
                    model.key.public_key.set(&pair.public_key);
                    model.key.private_key.set(pair.private_key.expose_secret());
                    model.key.paste_feedback = [None, None];
                    model.key.result = Some(VerifiedKey {
                        status,
                        pair,
                        route: KeyRoute::Tokens,
                        expiration,
                    });
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
                Err(error) => KeyringOutcome::Failed {
                    message: error.message,
                },
            });
            None
        }
        Msg::RegistrationSent { request_id, result } => {
            model.finish_request(request_id)?;
            model.registration.sent = Some(match result {
                Ok((status, response)) => SendOutcome::Sent { status, response },
                Err(error) => SendOutcome::Failed {
                    message: error.message,
                },
            });
            None
        }
        Msg::DemoRoleLevelsDone { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(_) => actions::recheck_role(model),
                Err(error) => show_error(model, error),
            }
        }
        Msg::DemoKeyCreated { request_id, result } => {
            model.finish_request(request_id)?;
            match result {
                Ok(pair) => {
                    model.key.public_key.set(&pair.public_key);
                    model.key.private_key.set(pair.private_key.expose_secret());
                    model.key.paste_feedback = [None, None];
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

fn on_tick(model: &mut Model) -> Option<Command> {
    model.ticks += 1;
    if model.pending.is_some() {
        model.spinner = model.spinner.wrapping_add(1);
    }
    let due = model
        .clipboard
        .clear_at_tick
        .is_some_and(|tick| model.ticks >= tick);
    if !due {
        return None;
    }
    model.clipboard.clear_at_tick = None;
    model.registration.copied = None;
    model.notice = Some(strings::CLIPBOARD_CLEARED.into());
    Some(Command::Clipboard(ClipboardCommand::Clear))
}

/// Returns the tick at which a value copied now is cleared from the clipboard.
fn clipboard_deadline(model: &Model) -> u64 {
    model.ticks + CLEAR_AFTER_SECONDS * TICKS_PER_SECOND
}

fn on_role_status(model: &mut Model, kind: RequestKind, status: crate::provision::RoleStatus) {
    let previous_role = model.role.status.as_ref().map(|old| old.role.id);
    if previous_role.is_some_and(|id| id != status.role.id) {
        model.invalidate_from(Step::Member);
        model.role.checklist_override = None;
    }
    if kind == RequestKind::EnsureRole || model.role.outcome.is_none() {
        model.role.outcome = Some(status.outcome);
    }
    let tool_count = model.tools.len();
    let first_unmet = status
        .checklist
        .lines
        .iter()
        .position(|line| !line.optional && !line.is_met());
    let selected_line = match model.role.row(model.role.selected, tool_count) {
        RoleRow::Line(index) => Some(index),
        _ => None,
    };
    let keep_line = selected_line.filter(|index| *index < status.checklist.lines.len());
    if let Some(index) = keep_line.or(first_unmet) {
        model.role.selected = tool_count + 2 + index;
    }
    if status.checklist.is_met() {
        model.role.checklist_override = None;
        model.notice = Some(strings::ROLE_MET.into());
    }
    model.role.status = Some(status);
}

/// Shows a failed request's error. The selected text field then takes typed text, as after an
/// invalid input, so letters typed to fix a value are never taken as commands.
fn show_error(model: &mut Model, error: ErrorReport) -> Option<Command> {
    model.left_field = false;
    model.error = Some(error);
    model.notice = None;
    None
}

#[cfg(test)]
mod tests;
