//! Step 1: the tools, the layout, the role name and the role's permission checklist.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::{
    choice_row, field_row, problem_lines, styled, value_row, ClickMap, ClickTarget, Theme,
};
use crate::provision::{guidance, Outcome};
use crate::requirements::ChecklistLine;
use crate::tui::model::{Model, RoleRow};
use crate::tui::{strings, validate};

/// Rows under the checklist at least, for the web UI path of the selected line.
const FIX_HEIGHT: u16 = 2;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    let (top, rows) = top_lines(model, theme, area.width);
    let top_height = wrapped_height(&top, area.width);
    let checklist_rows = model.role.status.as_ref().map_or(0, |status| {
        // One row for the table header.
        u16::try_from(status.checklist.lines.len() + 1).unwrap_or(u16::MAX)
    });
    let [top_area, table_area, bottom_area] = Layout::vertical([
        Constraint::Length(top_height),
        Constraint::Length(checklist_rows),
        Constraint::Min(FIX_HEIGHT),
    ])
    .areas(area);
    clicks.add_rows(&top, &rows, top_area);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), top_area);

    let form = &model.role;
    let Some(status) = &form.status else {
        return;
    };
    let selected_line = match form.row(form.selected, model.tools.len()) {
        RoleRow::Line(index) => Some(index),
        _ => None,
    };
    let offset = render_checklist(
        &status.checklist.lines,
        selected_line,
        theme,
        frame,
        table_area,
    );
    // The table's first row is its header, and the checklist rows follow from the scroll offset.
    let first_line_row = model.tools.len() + 2;
    for (position, index) in (offset..status.checklist.lines.len()).enumerate() {
        let top = table_area
            .y
            .saturating_add(1)
            .saturating_add(position as u16);
        let cell = Rect::new(table_area.x, top, table_area.width, 1).intersection(table_area);
        clicks.add(cell, ClickTarget::Row(first_line_row + index));
    }

    let mut bottom = Vec::new();
    if let Some(record) = &form.checklist_override {
        bottom.push(styled(
            strings::override_active(record.unmet.len()),
            theme.warning,
        ));
    }
    let selected = selected_line.and_then(|index| status.checklist.lines.get(index));
    if let Some(line) = selected.filter(|line| !line.is_met()) {
        bottom.push(Line::from(format!(
            "Fix: {}",
            guidance::role_line_fix(&status.role.name, line)
        )));
    }
    frame.render_widget(
        Paragraph::new(bottom).wrap(Wrap { trim: false }),
        bottom_area,
    );
}

/// Builds the rows for the tools, the layout, the role name and the result of the last read,
/// and pairs each selectable row's index with the index of its line.
fn top_lines(
    model: &Model,
    theme: &Theme,
    width: u16,
) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let form = &model.role;
    let tool_count = model.tools.len();
    let selected_row = form.row(form.selected, tool_count);
    let mut lines = Vec::new();
    let mut rows = Vec::new();

    for (index, tool) in model.tools.iter().enumerate() {
        let mark = if model.selected_tools[index] {
            "[x]"
        } else {
            "[ ]"
        };
        let label = if index == 0 { strings::FIELD_TOOLS } else { "" };
        rows.push((index, lines.len()));
        lines.push(value_row(
            theme,
            label,
            format!("{mark} {}", tool.name),
            selected_row == RoleRow::Tool(index),
        ));
    }
    rows.push((tool_count, lines.len()));
    lines.push(choice_row(
        theme,
        strings::FIELD_LAYOUT,
        strings::layout_label(form.layout),
        selected_row == RoleRow::Layout,
    ));
    if let Some(line) = super::target_line(model, "Role", |target| target.role_name.clone()) {
        lines.push(styled(line, theme.accent));
    }
    let name_selected = selected_row == RoleRow::Name;
    rows.push((tool_count + 1, lines.len()));
    lines.push(field_row(
        theme,
        strings::FIELD_ROLE_NAME,
        &form.name,
        name_selected,
        name_selected && model.takes_text(),
    ));
    if let Err(message) = validate::role_name(form.name.text()) {
        lines.extend(problem_lines(theme, &message, width));
    }

    match &form.status {
        Some(status) => {
            let required = status
                .checklist
                .lines
                .iter()
                .filter(|line| !line.optional)
                .count();
            let met = required - status.checklist.unmet().count();
            let created = form.outcome == Some(Outcome::Created);
            let unmet = required - met;
            lines.push(Line::from(strings::role_outcome(
                created,
                &status.role.name,
                status.role.id,
            )));
            let (mark, style) = if unmet == 0 {
                (strings::MARK_OK, theme.success)
            } else {
                (strings::MARK_WARNING, theme.warning)
            };
            lines.push(styled(
                format!("{mark} {}", strings::role_progress(met, required, unmet)),
                style,
            ));
            let excess = status.checklist.excess.len();
            if excess > 0 {
                lines.push(styled(strings::role_excess(excess), theme.muted));
            }
        }
        None => lines.push(Line::from(strings::ROLE_NOT_READ)),
    }
    (lines, rows)
}

/// Returns the rows that `lines` take when wrapped at `width`, counting characters, which is
/// exact for the single-width text of this screen.
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = lines
        .iter()
        .map(|line| line.width().div_ceil(width).max(1))
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

fn render_checklist(
    lines: &[ChecklistLine],
    selected: Option<usize>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> usize {
    let header = Row::new(["Module", "Function", "Verb", "Required", "Actual", "Status"])
        .style(theme.heading);
    let rows = lines.iter().map(|line| {
        let (mark, style) = if line.is_met() {
            (strings::MARK_OK, theme.success)
        } else if line.optional {
            (strings::MARK_OPTIONAL, theme.warning)
        } else {
            (strings::MARK_MISSING, theme.error)
        };
        let actual = line
            .actual
            .map_or(strings::LEVEL_ABSENT.to_owned(), |level| level.to_string());
        Row::new([
            Cell::from(line.module.clone()),
            Cell::from(line.function.clone()),
            Cell::from(line.verb.as_str()),
            Cell::from(line.required.to_string()),
            Cell::from(actual),
            Cell::from(Span::styled(mark, style)),
        ])
    });
    let widths = [
        Constraint::Length(13),
        Constraint::Length(21),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(10),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .highlight_symbol("> ")
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(theme.highlight);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    state.offset()
}
