//! Windows over the screen: the help with every key, the error details, and pickers.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{ClickMap, ClickTarget, Theme};
use crate::tui::model::{Model, Overlay, Picker};
use crate::tui::strings;

/// Width of the key column in the help window.
const HELP_KEY_WIDTH: usize = 12;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    match &model.overlay {
        None => {}
        Some(Overlay::Help) => render_help(theme, frame, area),
        Some(Overlay::ErrorDetails) => render_error_details(model, theme, frame, area),
        Some(Overlay::Picker(picker)) => render_picker(picker, theme, frame, area, clicks),
    }
}

/// Returns a rectangle of at most `width` x `height`, centred in `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn window(title: &str, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme.heading))
}

fn render_help(theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = strings::HELP
        .iter()
        .map(|(keys, meaning)| {
            Line::from(vec![
                Span::styled(format!("{keys:<HELP_KEY_WIDTH$}"), theme.key),
                Span::raw(*meaning),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        strings::OVERLAY_CLOSE,
        theme.muted,
    )));

    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let window_area = centered(area, 78, height);
    frame.render_widget(Clear, window_area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(window(strings::HELP_TITLE, theme))
            .wrap(Wrap { trim: false }),
        window_area,
    );
}

fn render_error_details(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(error) = &model.error else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(error.title.clone(), theme.error)),
        Line::from(error.message.clone()),
        Line::default(),
    ];
    lines.extend(
        error
            .details
            .iter()
            .map(|detail| Line::from(detail.clone())),
    );
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        strings::OVERLAY_CLOSE,
        theme.muted,
    )));

    let window_area = centered(area, area.width.saturating_sub(4), area.height - 4);
    frame.render_widget(Clear, window_area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(window(strings::ERROR_DETAILS_TITLE, theme))
            .wrap(Wrap { trim: false }),
        window_area,
    );
}

fn render_picker(
    picker: &Picker,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    clicks: &mut ClickMap,
) {
    let visible = picker.visible();
    let list_height = area.height.saturating_sub(10).max(3);
    let rows = usize::from(list_height);
    // Scroll so that the highlighted entry stays in view.
    let first = picker.highlighted.saturating_sub(rows.saturating_sub(1));

    let mut lines = vec![Line::from(vec![
        Span::styled("Filter: ", theme.muted),
        Span::raw(format!("{}▏", picker.filter)),
    ])];
    if visible.is_empty() {
        lines.push(Line::from(Span::styled(
            strings::PICKER_NO_MATCH,
            theme.warning,
        )));
    }
    for (position, &index) in visible.iter().enumerate().skip(first).take(rows) {
        let highlighted = position == picker.highlighted;
        let marker = if highlighted { "> " } else { "  " };
        let style = if highlighted {
            theme.highlight
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{marker}{}", picker.items[index]),
            style,
        )));
    }
    lines.push(Line::from(Span::styled(
        format!("{} of {} shown", visible.len(), picker.items.len()),
        theme.muted,
    )));

    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let window_area = centered(area, 60, height);
    // Inside the border, the filter takes the first row and the entries follow.
    let inner = window_area.inner(ratatui::layout::Margin::new(1, 1));
    for (row, position) in (first..visible.len()).take(rows).enumerate() {
        let top = inner.y.saturating_add(1).saturating_add(row as u16);
        let cell = Rect::new(inner.x, top, inner.width, 1).intersection(inner);
        clicks.add(cell, ClickTarget::PickerEntry(position));
    }
    frame.render_widget(Clear, window_area);
    frame.render_widget(
        Paragraph::new(lines).block(window(&picker.title, theme)),
        window_area,
    );
}
