//! The footer: the keys of the current screen, then the keys that work everywhere.

use ratatui::text::{Line, Span};

use super::Theme;
use crate::tui::model::{Model, Overlay, Step};
use crate::tui::strings;

pub fn lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(Overlay::Picker(_)) = model.overlay {
        return vec![
            Line::from(Span::styled(strings::KEYS_PICKER, theme.key)),
            Line::default(),
        ];
    }
    let screen_keys = match model.step {
        Step::Connect => strings::KEYS_CONNECT,
        Step::Role => strings::KEYS_ROLE,
        Step::Member => strings::KEYS_MEMBER,
        Step::Key => strings::KEYS_KEY,
        Step::Registration => strings::KEYS_REGISTRATION,
        Step::Summary => strings::KEYS_SUMMARY,
    };
    let mut lines = vec![Line::from(Span::styled(screen_keys, theme.key))];
    if model.demo && matches!(model.step, Step::Role | Step::Key) {
        lines.push(Line::from(Span::styled(strings::KEYS_DEMO, theme.accent)));
    }
    let general = if model.is_editing() {
        strings::KEYS_EDITING
    } else {
        strings::KEYS_STEPS
    };
    lines.push(Line::from(Span::styled(general, theme.muted)));
    lines
}
