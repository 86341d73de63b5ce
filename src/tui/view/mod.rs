//! The pure view: draws the model into a frame, with no I/O and no state of its own.
//!
//! Every screen has the same frame: the header with the four steps, the body of the current
//! step, a status area (spinner, error or notice) and a footer that lists the keys. Overlays
//! (help, error details, pickers) are drawn over it. Meaning never rests on colour alone:
//! marks such as `[ok]`, `[missing]` and `[!]` and words carry it, so the monochrome theme
//! loses nothing.

mod connect;
mod footer;
mod header;
mod key;
mod member;
mod overlay;
mod registration;
mod role;
mod summary;

use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::error::sentence;
use super::message::ClickTarget;
use super::model::{MemberLayout, Model, Step, TextField};
use super::strings;
use crate::provision::Target;

/// The smallest terminal the layout is designed for. Below it the view shows only a message
/// that requests a larger window.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Width of the label column of form rows, including the two-column selection marker.
const LABEL_WIDTH: usize = 20;

/// Rows of the status area, where errors may need a few wrapped lines.
const STATUS_HEIGHT: u16 = 4;

/// The styles of the wizard, in colour or monochrome.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub heading: Style,
    pub key: Style,
    pub muted: Style,
    pub success: Style,
    pub warning: Style,
    pub error: Style,
    pub accent: Style,
    pub selected: Style,
    pub highlight: Style,
}

impl Theme {
    pub fn new(monochrome: bool) -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        if monochrome {
            return Theme {
                heading: bold,
                key: Style::new(),
                muted: Style::new(),
                success: Style::new(),
                warning: bold,
                error: bold,
                accent: bold,
                selected: bold,
                highlight: Style::new().add_modifier(Modifier::REVERSED),
            };
        }
        Theme {
            heading: bold,
            key: Style::new().fg(Color::Cyan),
            muted: Style::new().fg(Color::DarkGray),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            error: bold.fg(Color::Red),
            accent: Style::new().fg(Color::Magenta),
            selected: bold,
            highlight: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }
}

/// The cells that a left click selects something on, as the last frame drew them.
#[derive(Debug, Clone, Default)]
pub struct ClickMap {
    regions: Vec<(Rect, ClickTarget)>,
}

impl ClickMap {
    /// Returns what a click on the cell at `column`, `row` selects.
    pub fn target_at(&self, column: u16, row: u16) -> Option<ClickTarget> {
        let position = Position::new(column, row);
        self.regions
            .iter()
            .find(|(area, _)| area.contains(position))
            .map(|(_, target)| *target)
    }

    fn add(&mut self, area: Rect, target: ClickTarget) {
        if !area.is_empty() {
            self.regions.push((area, target));
        }
    }

    /// Records the selectable rows of a paragraph that wraps in `area`. Each pair of `rows` is
    /// the row's index on its screen and the index of its line in `lines`.
    fn add_rows(&mut self, lines: &[Line], rows: &[(usize, usize)], area: Rect) {
        let mut top = area.y;
        for (line_index, line) in lines.iter().enumerate() {
            let height = wrapped_line_height(line, area.width);
            for (row, _) in rows.iter().filter(|(_, index)| *index == line_index) {
                let cell = Rect::new(area.x, top, area.width, height).intersection(area);
                self.add(cell, ClickTarget::Row(*row));
            }
            top = top.saturating_add(height);
        }
    }
}

/// Returns the rows that `line` takes in a paragraph of `width` that wraps without trimming.
///
/// NOTE: `Paragraph::line_count` is behind ratatui's `unstable-rendered-line-info` feature,
/// so a ratatui update may change or remove it.
fn wrapped_line_height(line: &Line, width: u16) -> u16 {
    let paragraph = Paragraph::new(line.clone()).wrap(Wrap { trim: false });
    u16::try_from(paragraph.line_count(width)).unwrap_or(u16::MAX)
}

/// Draws the model and returns where clicks select something.
pub fn view(model: &Model, frame: &mut Frame) -> ClickMap {
    let mut clicks = ClickMap::default();
    let theme = Theme::new(model.monochrome);
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = strings::too_small(area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
        let message =
            Paragraph::new(Line::from(Span::styled(text, theme.warning))).wrap(Wrap { trim: true });
        frame.render_widget(message, area.inner(Margin::new(1, 1)));
        return clicks;
    }

    let footer_lines = footer::lines(model, &theme);
    let footer_height = u16::try_from(footer_lines.len()).unwrap_or(u16::MAX);
    let [header_area, body_area, status_area, footer_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Min(0),
        Constraint::Length(STATUS_HEIGHT),
        Constraint::Length(footer_height),
    ])
    .areas(area);

    header::render(model, &theme, frame, header_area, &mut clicks);
    let body_area = body_area.inner(Margin::new(1, 0));
    match model.step {
        Step::Connect => connect::render(model, &theme, frame, body_area, &mut clicks),
        Step::Role => role::render(model, &theme, frame, body_area, &mut clicks),
        Step::Member => member::render(model, &theme, frame, body_area, &mut clicks),
        Step::Key => key::render(model, &theme, frame, body_area, &mut clicks),
        Step::Registration => {
            registration::render(model, &theme, frame, body_area, &mut clicks);
        }
        Step::Summary => summary::render(model, &theme, frame, body_area),
    }
    render_status(model, &theme, frame, status_area.inner(Margin::new(1, 0)));
    frame.render_widget(Paragraph::new(footer_lines), footer_area);
    if model.overlay.is_some() {
        // An overlay takes every click: the screen under it is not selectable.
        clicks = ClickMap::default();
    }
    overlay::render(model, &theme, frame, area, &mut clicks);
    clicks
}

/// Returns the line that names the current target's tool and its role name or member
/// identifier, as `name` picks it, in Choice 2; Choice 1 has one target and no such line.
fn target_line(model: &Model, object: &str, name: impl Fn(&Target) -> String) -> Option<String> {
    if model.role.layout != MemberLayout::PerTool {
        return None;
    }
    let targets = model.targets().ok()?;
    let target = targets.get(model.target_index)?;
    let tool = target.tools.first()?;
    Some(strings::per_tool_target(
        object,
        &tool.name,
        model.target_index + 1,
        targets.len(),
        &name(target),
    ))
}

/// Returns the line that names the tool of steps 3 and 4 when several tools are selected.
fn tool_line(model: &Model) -> Option<String> {
    let (position, count) = model.key_tool_position();
    (count > 1).then(|| strings::tool_position(&model.key_tool().name, position, count))
}

/// Draws a question awaiting `y`, else what runs (with the spinner), else the last error,
/// else the current notice.
fn render_status(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = if let (Some(_), Some(notice)) = (model.confirm, &model.notice) {
        vec![Line::from(Span::styled(notice.as_str(), theme.warning))]
    } else if let Some(pending) = model.pending {
        let spinner = strings::SPINNER[model.spinner % strings::SPINNER.len()];
        vec![Line::from(vec![
            Span::styled(format!("{spinner} "), theme.key),
            Span::raw(strings::running(pending.kind)),
            Span::styled("  Esc: stop waiting", theme.muted),
        ])]
    } else if let Some(error) = &model.error {
        // `i` would be typed into a field that takes text.
        let hint = if model.takes_text() {
            strings::ERROR_DETAILS_HINT_TYPING
        } else {
            strings::ERROR_DETAILS_HINT
        };
        vec![Line::from(vec![
            Span::styled(
                format!("{}{}. ", strings::ERROR_PREFIX, error.title),
                theme.error,
            ),
            Span::raw(format!("{} ", sentence(&error.message))),
            Span::styled(hint, theme.key),
        ])]
    } else if let Some(notice) = &model.notice {
        vec![Line::from(Span::styled(notice.as_str(), theme.warning))]
    } else {
        Vec::new()
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// Builds a form row with a text field. A `>` marks the selected row, and the field being
/// edited shows a cursor bar at the cursor position.
fn field_row(
    theme: &Theme,
    label: &str,
    field: &TextField,
    selected: bool,
    editing: bool,
) -> Line<'static> {
    let mut value = field.display();
    if selected && editing {
        let index = value
            .char_indices()
            .nth(field.cursor())
            .map_or(value.len(), |(index, _)| index);
        value.insert(index, '▏');
    }
    value_row(theme, label, format!("[{value}]"), selected)
}

/// Builds a labelled row with an already formatted value.
fn value_row(theme: &Theme, label: &str, value: String, selected: bool) -> Line<'static> {
    let marker = if selected { "> " } else { "  " };
    let style = if selected {
        theme.selected
    } else {
        Style::new()
    };
    let label_width = LABEL_WIDTH - 2;
    Line::from(vec![
        Span::styled(format!("{marker}{label:<label_width$}"), style),
        Span::styled(value, style),
    ])
}

/// Builds a picker row: the chosen entry between `<` and `>`.
fn choice_row(theme: &Theme, label: &str, choice: &str, selected: bool) -> Line<'static> {
    value_row(theme, label, format!("< {choice} >"), selected)
}

/// Builds the lines under a field that name an input problem and its fix, wrapped at
/// `width` and indented to the value column.
fn problem_lines(theme: &Theme, message: &str, width: u16) -> Vec<Line<'static>> {
    let text = format!("{} {message}", strings::MARK_WARNING);
    let available = usize::from(width).saturating_sub(LABEL_WIDTH).max(20);
    wrap_words(&text, available)
        .into_iter()
        .map(|row| {
            Line::from(Span::styled(
                format!("{:LABEL_WIDTH$}{row}", ""),
                theme.warning,
            ))
        })
        .collect()
}

/// Wraps `text` at spaces into rows of at most `width` characters; a longer word gets a row
/// of its own.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let needed = row.chars().count() + usize::from(!row.is_empty()) + word.chars().count();
        if !row.is_empty() && needed > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    rows.push(row);
    rows
}

/// Builds a bullet item wrapped at `width` with its continuation rows indented under the text.
fn bullet_lines(text: &str, width: u16) -> Vec<Line<'static>> {
    let available = usize::from(width).saturating_sub(4).max(20);
    wrap_words(text, available)
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let prefix = if index == 0 { "  - " } else { "    " };
            Line::from(format!("{prefix}{row}"))
        })
        .collect()
}

fn styled(text: impl Into<String>, style: Style) -> Line<'static> {
    Line::from(Span::styled(text.into(), style))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod snapshot_tests;
