//! The summary: what this run created, reused, changed and verified, and what is left to do.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{bullet_lines, styled, Theme};
use crate::provision::Outcome;
use crate::tui::model::{KeyRoute, KeyringOutcome, Model};
use crate::tui::strings;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let tool = model.key_tool();
    let mut created = Vec::new();
    let mut reused = Vec::new();
    let mut changed = Vec::new();
    let mut by_outcome = |outcome: Outcome, text: String| match outcome {
        Outcome::Created => created.push(text),
        Outcome::Reused => reused.push(text),
        Outcome::Changed => changed.push(text),
    };

    if let Some(status) = &model.role.status {
        let outcome = model.role.outcome.unwrap_or(status.outcome);
        let required = status
            .checklist
            .lines
            .iter()
            .filter(|line| !line.optional)
            .count();
        let met = required - status.checklist.unmet().count();
        by_outcome(
            outcome,
            strings::summary_role(&status.role.name, met, required),
        );
    }
    // A member that this run created and then changed is still new to the site.
    let member_created = model
        .member
        .status
        .as_ref()
        .is_some_and(|status| model.member.created_this_run(&status.identifier));
    if let Some(status) = &model.member.status {
        let outcome = if member_created {
            Outcome::Created
        } else {
            status.outcome
        };
        by_outcome(outcome, strings::summary_member(&status.identifier));
    }

    let mut verified = Vec::new();
    if let Some(key) = &model.key.result {
        verified.push(strings::summary_key(
            &tool.name,
            &key.status.member_identifier,
            key.status.swapped,
        ));
    }
    verified.push(match &model.registration.keyring {
        Some(KeyringOutcome::Stored { account }) => strings::summary_keyring_stored(account),
        _ => strings::SUMMARY_KEYRING_MEMORY.to_owned(),
    });

    let mut todo = vec![strings::todo_register(&tool.name)];
    let identifier = model
        .member
        .status
        .as_ref()
        .map_or(model.member.identifier.text(), |status| {
            status.identifier.as_str()
        });
    // Only a member that existed before this run can hold an older key with this description,
    // which is the case of a lost key being replaced.
    if model.member.status.is_some() && !member_created {
        todo.push(strings::todo_delete_old_key(
            tool.key_description(),
            identifier,
        ));
    }
    if let Some(key) = model
        .key
        .result
        .as_ref()
        .filter(|key| key.route == KeyRoute::Tokens)
    {
        todo.push(strings::todo_replace_expiring(
            &tool.name,
            key.expiration.as_deref(),
        ));
    }
    if let Some(record) = &model.role.checklist_override {
        todo.push(strings::todo_missing_permissions(
            record.unmet.len(),
            &record.role_name,
        ));
    }

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
