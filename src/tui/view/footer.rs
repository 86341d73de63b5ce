//! The footer: the keys of the current screen, then the keys that work everywhere.

use ratatui::text::{Line, Span};

use super::Theme;
use crate::tui::model::{KeyRoute, KeyRow, Model, Overlay, Step};
use crate::tui::strings;

pub fn lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    if let Some(Overlay::Picker(_)) = model.overlay {
        return vec![
            Line::from(Span::styled(strings::KEYS_PICKER, theme.key)),
            Line::default(),
        ];
    }
    let typing = model.takes_text();
    let mut lines = vec![Line::from(Span::styled(
        screen_keys(model, typing),
        theme.key,
    ))];
    if model.demo && matches!(model.step, Step::Role | Step::Key) {
        let demo = if typing {
            strings::KEYS_DEMO_FIELD
        } else {
            strings::KEYS_DEMO
        };
        lines.push(Line::from(Span::styled(demo, theme.accent)));
    }
    let general = if model.is_editing() {
        strings::KEYS_EDITING
    } else if typing {
        strings::KEYS_FIELD_SELECTED
    } else {
        strings::KEYS_STEPS
    };
    lines.push(Line::from(Span::styled(general, theme.muted)));
    lines
}

/// Lists the keys of the current screen that act now. While a field takes typed text, letters
/// and Space are text, so the list offers only Enter, pastes and Ctrl-R.
fn screen_keys(model: &Model, typing: bool) -> String {
    let mut keys = vec![match (model.step, typing) {
        (Step::Connect, false) => strings::KEYS_CONNECT,
        (Step::Connect, true) => strings::KEYS_CONNECT_FIELD,
        (Step::Role, false) => strings::KEYS_ROLE,
        (Step::Role, true) => strings::KEYS_ROLE_FIELD,
        (Step::Member, false) => strings::KEYS_MEMBER,
        (Step::Member, true) => strings::KEYS_MEMBER_FIELD,
        (Step::Key, _) if model.key.route == KeyRoute::Tokens => strings::KEYS_KEY_TOKENS,
        (Step::Key, false) if model.key.selected_row() == KeyRow::Route => strings::KEYS_KEY,
        (Step::Key, false) => strings::KEYS_KEY_LEFT_FIELD,
        (Step::Key, true) => strings::KEYS_KEY_FIELD,
        (Step::Registration, _) if model.has_more_tools() => strings::KEYS_REGISTRATION_NEXT_TOOL,
        (Step::Registration, _) => strings::KEYS_REGISTRATION,
        (Step::Summary, _) => strings::KEYS_SUMMARY,
    }];
    if !typing && model.step == Step::Role {
        keys.push(strings::KEYS_EDIT_ROLE_NAME);
    } else if !typing && model.selected_row_is_text() {
        keys.push(strings::KEYS_EDIT);
    }
    if model.selected_row_is_secret() {
        keys.push(if typing {
            strings::KEYS_REVEAL_FIELD
        } else {
            strings::KEYS_REVEAL
        });
    }
    keys.join("  ")
}
