//! Step 2: the API member, its pickers and any change proposed for an existing member.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{choice_row, field_row, problem_lines, styled, value_row, ClickMap, Theme};
use crate::tui::model::{MemberRow, Model, RequestKind};
use crate::tui::{strings, validate};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    let mut rows = Vec::new();
    let form = &model.member;
    let mut lines = Vec::new();
    if let Some(line) =
        super::target_line(model, "Member", |target| target.member_identifier.clone())
    {
        lines.push(styled(line, theme.accent));
    }
    if let Some(status) = &model.role.status {
        lines.push(styled(strings::member_role(&status.role.name), theme.muted));
    }
    lines.push(Line::default());

    for (index, row) in MemberRow::ALL.into_iter().enumerate() {
        let selected = form.selected == index;
        let editing = selected && model.takes_text();
        let label = strings::member_row_label(row);
        rows.push((index, lines.len()));
        match row {
            MemberRow::Identifier => {
                lines.push(field_row(theme, label, &form.identifier, selected, editing));
                if let Err(message) = validate::identifier(form.identifier.text().trim()) {
                    lines.extend(problem_lines(theme, &message, area.width));
                }
            }
            MemberRow::Name => {
                lines.push(field_row(theme, label, &form.name, selected, editing));
            }
            MemberRow::Level
            | MemberRow::Location
            | MemberRow::BusinessUnit
            | MemberRow::TimeZone => lines.push(picker_row(model, theme, row, selected)),
        }
    }
    lines.push(Line::default());

    if let Some(status) = &form.status {
        if status.pending_changes.is_empty() {
            lines.push(styled(
                format!(
                    "{} {}",
                    strings::MARK_OK,
                    strings::member_outcome(status.outcome, &status.identifier, status.id)
                ),
                theme.success,
            ));
            lines.push(Line::from(strings::MEMBER_DONE_NEXT));
        } else {
            lines.push(styled(
                format!("{} {}", strings::MARK_WARNING, strings::MEMBER_PENDING),
                theme.warning,
            ));
            for change in &status.pending_changes {
                lines.push(Line::from(format!(
                    "    {}: {} -> {}",
                    change.field, change.from, change.to
                )));
            }
        }
    }
    clicks.add_rows(&lines, &rows, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// Formats the chosen entry of a picker with its position, e.g. `< Corporate >  (1 of 3)`.
fn picker_row(model: &Model, theme: &Theme, row: MemberRow, selected: bool) -> Line<'static> {
    let label = strings::member_row_label(row);
    if model.member.choices.is_none() {
        let loading = model
            .pending
            .is_some_and(|pending| pending.kind == RequestKind::MemberChoices);
        let text = if loading {
            strings::MEMBER_LOADING
        } else {
            strings::MEMBER_NOT_LOADED
        };
        return value_row(theme, label, text.into(), selected);
    }
    let items = model.member.picker_items(row);
    let pick = model.member.pick(row);
    match items.get(pick) {
        Some(item) => {
            let mut line = choice_row(theme, label, item, selected);
            line.push_span(format!("  ({} of {})", pick + 1, items.len()));
            line
        }
        None => value_row(theme, label, strings::PICKER_EMPTY.into(), selected),
    }
}
