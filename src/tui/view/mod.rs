//! The pure view: draws the model into a frame, with no I/O and no state of its own.
//!
//! Every screen has the same frame: the header with the four steps, the body of the current
//! step, a status area (spinner, error or notice) and a footer that lists the keys.

mod connect;
mod footer;
mod header;
mod key;
mod member;
mod registration;
mod role;
mod summary;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::model::{Model, Step, TextField};
use super::strings;

/// Width of the label column of form rows.
const LABEL_WIDTH: usize = 18;

/// Rows of the status area, where errors may need a few wrapped lines.
const STATUS_HEIGHT: u16 = 3;

pub fn view(model: &Model, frame: &mut Frame) {
    let footer_lines = footer::lines(model);
    let footer_height = u16::try_from(footer_lines.len()).unwrap_or(u16::MAX);
    let [header_area, body_area, status_area, footer_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Min(0),
        Constraint::Length(STATUS_HEIGHT),
        Constraint::Length(footer_height),
    ])
    .areas(frame.area());

    header::render(model, frame, header_area);
    let body_area = body_area.inner(ratatui::layout::Margin::new(1, 0));
    match model.step {
        Step::Connect => connect::render(model, frame, body_area),
        Step::Role => role::render(model, frame, body_area),
        Step::Member => member::render(model, frame, body_area),
        Step::Key => key::render(model, frame, body_area),
        Step::Registration => registration::render(model, frame, body_area),
        Step::Summary => summary::render(model, frame, body_area),
    }
    render_status(
        model,
        frame,
        status_area.inner(ratatui::layout::Margin::new(1, 0)),
    );
    frame.render_widget(Paragraph::new(footer_lines), footer_area);
}

/// Draws what runs (with the spinner), else the last error, else the current notice.
fn render_status(model: &Model, frame: &mut Frame, area: Rect) {
    let line = if let Some(pending) = model.pending {
        let spinner = strings::SPINNER[model.spinner % strings::SPINNER.len()];
        Line::from(vec![
            Span::styled(format!("{spinner} "), Style::new().fg(Color::Cyan)),
            Span::raw(strings::running(pending.kind)),
        ])
    } else if let Some(error) = &model.error {
        Line::from(vec![
            Span::styled(
                strings::ERROR_PREFIX,
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Span::raw(error.as_str()),
        ])
    } else if let Some(notice) = &model.notice {
        Line::from(Span::styled(
            notice.as_str(),
            Style::new().fg(Color::Yellow),
        ))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

/// Builds a form row. A `>` marks the selected row, and the value of the field being edited
/// ends in a cursor bar.
fn field_row(label: &str, field: &TextField, selected: bool, editing: bool) -> Line<'static> {
    let mut value = field.display();
    if selected && editing {
        value.push('▏');
    }
    value_row(label, format!("[{value}]"), selected)
}

/// Builds a labelled row with an already formatted value.
fn value_row(label: &str, value: String, selected: bool) -> Line<'static> {
    let marker = if selected { "> " } else { "  " };
    let style = if selected {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(format!("{marker}{label:<LABEL_WIDTH$}"), style),
        Span::styled(value, style),
    ])
}

fn muted(text: impl Into<String>) -> Line<'static> {
    Line::from(Span::styled(text.into(), Style::new().fg(Color::DarkGray)))
}

fn success(text: impl Into<String>) -> Line<'static> {
    Line::from(Span::styled(text.into(), Style::new().fg(Color::Green)))
}

fn warning(text: impl Into<String>) -> Line<'static> {
    Line::from(Span::styled(text.into(), Style::new().fg(Color::Yellow)))
}

#[cfg(test)]
mod tests;
