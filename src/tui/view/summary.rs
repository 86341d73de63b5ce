//! The summary: what this run created, reused, changed and verified, and what is left to do.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{bullet_lines, styled, Theme};
use crate::provision::{MemberStatus, Outcome, RoleStatus};
use crate::requirements::Manifest;
use crate::tui::model::{
    ChecklistOverride, KeyRoute, KeyringOutcome, Model, RegistrationState, SendOutcome, VerifiedKey,
};
use crate::tui::strings;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut created = Vec::new();
    let mut reused = Vec::new();
    let mut changed = Vec::new();
    let mut by_outcome = |outcome: Outcome, text: String| match outcome {
        Outcome::Created => created.push(text),
        Outcome::Reused => reused.push(text),
        Outcome::Changed => changed.push(text),
    };
    let mut todo = Vec::new();

    let current_target = model.role.status.as_ref().map(|role| TargetResult {
        role,
        role_outcome: model.role.outcome.unwrap_or(role.outcome),
        checklist_override: model.role.checklist_override.as_ref(),
        member: model.member.status.as_ref(),
    });
    let finished_targets = model.finished_targets.iter().map(|target| TargetResult {
        role: &target.role,
        role_outcome: target.role_outcome,
        checklist_override: target.checklist_override.as_ref(),
        member: Some(&target.member),
    });
    for target in finished_targets.chain(current_target) {
        let required = target
            .role
            .checklist
            .lines
            .iter()
            .filter(|line| !line.optional)
            .count();
        let met = required - target.role.checklist.unmet().count();
        by_outcome(
            target.role_outcome,
            strings::summary_role(&target.role.role.name, met, required),
        );
        if let Some(member) = target.member {
            // A member that this run created and then changed is still new to the site.
            let outcome = if model.member.created_this_run(&member.identifier) {
                Outcome::Created
            } else {
                member.outcome
            };
            by_outcome(outcome, strings::summary_member(&member.identifier));
        }
        if let Some(record) = target.checklist_override {
            todo.push(strings::todo_missing_permissions(
                record.unmet.len(),
                &record.role_name,
            ));
        }
    }

    let current_tool = ToolResult {
        tool: model.key_tool(),
        key: model.key.result.as_ref(),
        registration: &model.registration,
        finished: false,
    };
    let finished_tools = model.finished_tools.iter().map(|finished| ToolResult {
        tool: &finished.tool,
        key: Some(&finished.key),
        registration: &finished.registration,
        finished: true,
    });
    let several = !model.finished_tools.is_empty() || model.has_more_tools();
    let mut verified = Vec::new();
    let mut tool_todo = Vec::new();
    for result in finished_tools.chain([current_tool]) {
        let tool = result.tool;
        if let Some(key) = result.key {
            verified.push(strings::summary_key(
                &tool.name,
                &key.status.member_identifier,
                key.status.swapped,
            ));
        }
        let stored_as = match &result.registration.keyring {
            Some(KeyringOutcome::Stored { account }) => Some(account.as_str()),
            _ => None,
        };
        if let Some(account) = stored_as {
            let stored = strings::summary_keyring_stored(account);
            verified.push(if several {
                format!("{}: {stored}", tool.name)
            } else {
                stored
            });
        }

        tool_todo.extend(registration_todo(&result, stored_as));
        let identifier = match result.key {
            Some(key) => key.status.member_identifier.clone(),
            None => model.member_identifier(),
        };
        // Only a member that existed before this run can hold an older key with this
        // description, which is the case of a lost key being replaced.
        let member_known = result.key.is_some() || model.member.status.is_some();
        if member_known && !model.member.created_this_run(&identifier) {
            tool_todo.push(strings::todo_delete_old_key(
                tool.key_description(),
                &identifier,
            ));
        }
        if let Some(key) = result.key.filter(|key| key.route == KeyRoute::Tokens) {
            tool_todo.push(strings::todo_replace_expiring(
                &tool.name,
                key.expiration.as_deref(),
            ));
        }
    }
    // The registration and key reminders come first, as they did for a single tool.
    tool_todo.append(&mut todo);
    let todo = tool_todo;

    let mut lines = Vec::new();
    let sections = [
        (strings::SUMMARY_CREATED, created),
        (strings::SUMMARY_REUSED, reused),
        (strings::SUMMARY_CHANGED, changed),
        (strings::SUMMARY_VERIFIED, verified),
        (strings::SUMMARY_TODO, todo),
    ];
    for (heading, items) in sections {
        if items.is_empty() {
            continue;
        }
        lines.push(styled(heading, theme.heading));
        for item in items {
            lines.extend(bullet_lines(&item, area.width));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(strings::SUMMARY_EXIT));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The role and member of one target, finished or current.
struct TargetResult<'a> {
    role: &'a RoleStatus,
    role_outcome: Outcome,
    checklist_override: Option<&'a ChecklistOverride>,
    member: Option<&'a MemberStatus>,
}

/// The key of one tool and what step 4 did with it, finished or current.
struct ToolResult<'a> {
    tool: &'a Manifest,
    key: Option<&'a VerifiedKey>,
    registration: &'a RegistrationState,
    /// Set for a tool before the current one, whose step 4 cannot be opened again.
    finished: bool,
}

/// Returns what is left to do to get a tool's key into its registration, or `None` once the
/// registration endpoint accepted it. Only the current tool's step 4 can still be opened; an
/// earlier tool's key is in the keyring or gone.
fn registration_todo(result: &ToolResult, stored_as: Option<&str>) -> Option<String> {
    let sent = matches!(
        result.registration.sent,
        Some(SendOutcome::Sent { status, .. }) if (200..300).contains(&status)
    );
    if sent {
        return None;
    }
    let name = &result.tool.name;
    let todo = match (result.finished, stored_as) {
        (false, Some(_)) => strings::todo_register(name),
        (false, None) => strings::todo_register_unsaved(name),
        (true, Some(account)) => strings::todo_register_from_keyring(name, account),
        (true, None) => strings::todo_replace_lost_key(name, result.tool.key_description()),
    };
    Some(todo)
}
