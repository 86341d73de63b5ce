//! The footer: the keys of the current screen, then the keys that work everywhere.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::tui::model::{Model, Step};
use crate::tui::strings;

pub fn lines(model: &Model) -> Vec<Line<'static>> {
    let screen_keys = match model.step {
        Step::Connect => strings::KEYS_CONNECT,
        Step::Role => strings::KEYS_ROLE,
        Step::Member => strings::KEYS_MEMBER,
        Step::Key => strings::KEYS_KEY,
        Step::Registration => strings::KEYS_REGISTRATION,
        Step::Summary => strings::KEYS_SUMMARY,
    };
    let key_style = Style::new().fg(Color::Cyan);
    let mut lines = vec![Line::from(Span::styled(screen_keys, key_style))];
    if model.demo && matches!(model.step, Step::Role | Step::Key) {
        lines.push(Line::from(Span::styled(
            strings::KEYS_DEMO,
            Style::new().fg(Color::Magenta),
        )));
    }
    let general = if model.is_editing() {
        strings::KEYS_EDITING
    } else {
        strings::KEYS_STEPS
    };
    lines.push(Line::from(Span::styled(
        general,
        Style::new().fg(Color::DarkGray),
    )));
    lines
}
