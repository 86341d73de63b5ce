//! The header: the current screen in words, and the four steps with text marks.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::model::{Model, Step};
use crate::tui::strings;

pub const HEIGHT: u16 = 3;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let mut title = vec![
        Span::styled(
            strings::step_heading(model.step),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw("   "),
        Span::styled("v360-setup", Style::new().fg(Color::DarkGray)),
    ];
    if model.demo {
        title.push(Span::raw("   "));
        title.push(Span::styled("[DEMO]", Style::new().fg(Color::Magenta)));
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
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else if model.is_done(step) {
            Style::new().fg(Color::Green)
        } else {
            Style::new()
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
            Style::new().fg(Color::DarkGray),
        )),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
