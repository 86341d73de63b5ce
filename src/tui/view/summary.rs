//! The summary: what this run created, reused or changed, and what is left to do.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::provision::Outcome;
use crate::tui::model::{KeyringOutcome, Model};
use crate::tui::strings;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let tool = model.key_tool();
    let mut lines = vec![Line::from(Span::styled(strings::SUMMARY_DONE, bold))];

    if let Some(status) = &model.role.status {
        let outcome = model.role.outcome.unwrap_or(status.outcome);
        let required = status
            .checklist
            .lines
            .iter()
            .filter(|line| !line.optional)
            .count();
        lines.push(bullet(strings::summary_role(
            strings::outcome(outcome),
            &status.role.name,
            required,
        )));
    }
    if let Some(status) = &model.member.status {
        lines.push(bullet(strings::summary_member(
            strings::outcome(status.outcome),
            &status.identifier,
        )));
    }
    if let Some(verified) = &model.key.result {
        lines.push(bullet(strings::summary_key(
            &tool.name,
            &verified.status.member_identifier,
            verified.status.swapped,
        )));
    }
    let stored = match &model.registration.keyring {
        Some(KeyringOutcome::Stored { account }) => strings::summary_keyring_stored(account),
        _ => strings::SUMMARY_KEYRING_MEMORY.to_owned(),
    };
    lines.push(bullet(stored));
    lines.push(Line::default());

    lines.push(Line::from(Span::styled(strings::SUMMARY_TODO, bold)));
    lines.push(bullet(strings::todo_register(&tool.name)));
    let identifier = model
        .member
        .status
        .as_ref()
        .map_or(model.member.identifier.text(), |status| {
            status.identifier.as_str()
        });
    let reused_member = model
        .member
        .status
        .as_ref()
        .is_some_and(|status| status.outcome != Outcome::Created);
    if reused_member {
        lines.push(bullet(strings::todo_delete_old_key(
            tool.key_description(),
            identifier,
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(strings::SUMMARY_EXIT));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn bullet(text: String) -> Line<'static> {
    Line::from(format!("  - {text}"))
}
