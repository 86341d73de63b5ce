//! Step 1: the security role and its permission checklist.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::{field_row, muted, success, warning};
use crate::provision::{guidance, Outcome};
use crate::requirements::ChecklistLine;
use crate::tui::model::Model;
use crate::tui::strings;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let [top_area, table_area, bottom_area] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Min(3),
        Constraint::Length(3),
    ])
    .areas(area);

    let form = &model.role;
    let tools: Vec<&str> = model.tools.iter().map(|tool| tool.name.as_str()).collect();
    let mut top = vec![
        muted(format!("Tools: {}", tools.join(", "))),
        field_row(
            strings::FIELD_ROLE_NAME,
            &form.name,
            form.editing,
            form.editing,
        ),
    ];
    match &form.status {
        Some(status) => {
            let required = status
                .checklist
                .lines
                .iter()
                .filter(|line| !line.optional)
                .count();
            let met = status
                .checklist
                .lines
                .iter()
                .filter(|line| !line.optional && line.is_met())
                .count();
            let created = form.outcome == Some(Outcome::Created);
            top.push(Line::from(strings::role_outcome(
                created,
                &status.role.name,
                status.role.id,
            )));
            top.push(Line::from(strings::role_progress(
                met,
                required,
                status.checklist.excess.len(),
            )));
        }
        None => top.push(Line::from(strings::ROLE_NOT_READ)),
    }
    frame.render_widget(Paragraph::new(top), top_area);

    let lines: Vec<ChecklistLine> = match &form.status {
        Some(status) => status.checklist.lines.clone(),
        None => Vec::new(),
    };
    render_checklist(
        &lines,
        form.status.is_some(),
        form.selected_line,
        frame,
        table_area,
    );

    let mut bottom = Vec::new();
    if let Some(status) = &form.status {
        let unmet = status.checklist.unmet().count();
        if unmet == 0 {
            bottom.push(success(strings::ROLE_MET));
        } else {
            bottom.push(warning(strings::role_fix_hint(unmet)));
        }
        if let Some(line) = lines.get(form.selected_line).filter(|line| !line.is_met()) {
            bottom.push(Line::from(format!(
                "Fix: {}",
                guidance::role_line_fix(&status.role.name, line)
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(bottom).wrap(Wrap { trim: false }),
        bottom_area,
    );
}

fn render_checklist(
    lines: &[ChecklistLine],
    read: bool,
    selected: usize,
    frame: &mut Frame,
    area: Rect,
) {
    if !read {
        return;
    }
    let header = Row::new(["Module", "Function", "Verb", "Required", "Actual", "Status"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let rows = lines.iter().map(|line| {
        let (mark, color) = if line.is_met() {
            (strings::MARK_OK, Color::Green)
        } else if line.optional {
            (strings::MARK_OPTIONAL, Color::Yellow)
        } else {
            (strings::MARK_MISSING, Color::Red)
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
            Cell::from(Span::styled(mark, Style::new().fg(color))),
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
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}
