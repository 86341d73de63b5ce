//! The header: the current screen in words, and the four steps with text marks.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::Theme;
use crate::tui::model::{Model, Step};
use crate::tui::strings;

pub const HEIGHT: u16 = 3;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
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
    for (index, step) in Step::NUMBERED.into_iter().enumerate() {
        if index > 0 {
            steps.push(Span::raw(" "));
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
        steps.push(Span::styled(
            format!("{marker}{mark} {}", strings::step_title(step)),
            style,
        ));
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
