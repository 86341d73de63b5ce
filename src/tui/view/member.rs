//! Step 2: the API member, its pickers and any change proposed for an existing member.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{field_row, muted, success, value_row, warning};
use crate::cwm::models::NamedItem;
use crate::tui::model::{MemberRow, Model, RequestKind};
use crate::tui::strings;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let form = &model.member;
    let mut lines = Vec::new();
    if let Some(status) = &model.role.status {
        lines.push(muted(strings::member_role(&status.role.name)));
    }
    lines.push(Line::default());

    for (index, row) in MemberRow::ALL.into_iter().enumerate() {
        let selected = form.selected == index;
        let line = match row {
            MemberRow::Identifier => field_row(
                strings::FIELD_IDENTIFIER,
                &form.identifier,
                selected,
                form.editing,
            ),
            MemberRow::Name => field_row(
                strings::FIELD_MEMBER_NAME,
                &form.name,
                selected,
                form.editing,
            ),
            MemberRow::Level
            | MemberRow::Location
            | MemberRow::BusinessUnit
            | MemberRow::TimeZone => value_row(row_label(row), picker_text(model, row), selected),
        };
        lines.push(line);
    }
    lines.push(Line::default());

    if let Some(status) = &form.status {
        if status.pending_changes.is_empty() {
            lines.push(success(strings::member_outcome(
                status.outcome,
                &status.identifier,
                status.id,
            )));
            lines.push(Line::from(strings::MEMBER_DONE_NEXT));
        } else {
            lines.push(warning(strings::MEMBER_PENDING));
            for change in &status.pending_changes {
                lines.push(Line::from(format!(
                    "  {}: {} -> {}",
                    change.field, change.from, change.to
                )));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn row_label(row: MemberRow) -> &'static str {
    match row {
        MemberRow::Identifier => strings::FIELD_IDENTIFIER,
        MemberRow::Name => strings::FIELD_MEMBER_NAME,
        MemberRow::Level => strings::FIELD_LEVEL,
        MemberRow::Location => strings::FIELD_LOCATION,
        MemberRow::BusinessUnit => strings::FIELD_BUSINESS_UNIT,
        MemberRow::TimeZone => strings::FIELD_TIME_ZONE,
    }
}

/// Formats the chosen entry of a picker with its position, e.g. `< Corporate >  (1 of 3)`.
fn picker_text(model: &Model, row: MemberRow) -> String {
    let Some(choices) = &model.member.choices else {
        let loading = model
            .pending
            .is_some_and(|pending| pending.kind == RequestKind::MemberChoices);
        return if loading {
            strings::MEMBER_LOADING.into()
        } else {
            strings::MEMBER_NOT_LOADED.into()
        };
    };
    let picks = &model.member.picks;
    let describe = |items: &[NamedItem], index: usize| match items.get(index) {
        Some(item) => format!("< {} >  ({} of {})", item.name, index + 1, items.len()),
        None => "(none on this site)".to_owned(),
    };
    match row {
        MemberRow::Level => describe(&choices.levels, picks.level),
        MemberRow::Location => describe(&choices.locations, picks.location),
        MemberRow::BusinessUnit => describe(&choices.departments, picks.department),
        MemberRow::TimeZone => match picks.time_zone.checked_sub(1) {
            None => format!("< {} >", strings::TIME_ZONE_DEFAULT),
            Some(index) => describe(&choices.time_zones, index),
        },
        MemberRow::Identifier | MemberRow::Name => String::new(),
    }
}
