//! The header: the current screen in words, and the four steps with text marks.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{ClickMap, ClickTarget, Theme};
use crate::tui::model::{Model, Step};
use crate::tui::strings;

pub const HEIGHT: u16 = 3;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    let mut title = vec![
        Span::styled(strings::step_heading(model.step), theme.heading),
        Span::raw("   "),
        Span::styled("v360-setup", theme.muted),
    ];
    if model.demo {
        title.push(Span::raw("   "));
        title.push(Span::styled("[DEMO]", theme.accent));
    }

    let mut steps = Vec::new();
    let mut left = area.x;
    for (index, step) in Step::NUMBERED.into_iter().enumerate() {
        if index > 0 {
            steps.push(Span::raw(" "));
            left = left.saturating_add(1);
        }
        let current = model.step == step;
        let marker = if current { "> " } else { "  " };
        let mark = if model.is_done(step) { "[x]" } else { "[ ]" };
        let style = if current {
            theme.highlight.add_modifier(Modifier::BOLD)
        } else if model.is_done(step) {
            theme.success
        } else {
            ratatui::style::Style::new()
        };
        let tab = format!("{marker}{mark} {}", strings::step_title(step));
        let width = u16::try_from(tab.chars().count()).unwrap_or(u16::MAX);
        let cell = Rect::new(left, area.y.saturating_add(1), width, 1).intersection(area);
        clicks.add(cell, ClickTarget::Step(step));
        left = left.saturating_add(width);
        steps.push(Span::styled(tab, style));
    }

    let lines = vec![
        Line::from(title),
        Line::from(steps),
        Line::from(Span::styled(
            "─".repeat(usize::from(area.width)),
            theme.muted,
        )),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
