//! Step 3: where to create the key in the web UI, the route, the two key fields and the
//! verification.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{choice_row, field_row, problem_lines, styled, ClickMap, Theme};
use crate::provision::guidance;
use crate::secrets::paste::KeyHalf;
use crate::tui::model::{KeyRoute, KeyRow, Model};
use crate::tui::{strings, validate};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    let mut rows = Vec::new();
    let form = &model.key;
    let tool = model.key_tool();
    let identifier = model.member_identifier();
    let identifier = identifier.as_str();
    let instructions = match form.route {
        KeyRoute::Durable => format!(
            "{} {}",
            strings::key_instructions(&tool.name),
            guidance::api_key_path(identifier, tool.key_description())
        ),
        KeyRoute::Tokens => strings::tokens_instructions(&tool.name, identifier),
    };
    let mut lines = Vec::new();
    if let Some(line) = super::tool_line(model) {
        lines.push(styled(line, theme.accent));
    }
    lines.extend([Line::from(instructions), Line::default()]);

    let selected = form.selected_row();
    rows.push((0, lines.len()));
    lines.push(choice_row(
        theme,
        strings::FIELD_ROUTE,
        strings::route_label(form.route),
        selected == KeyRow::Route,
    ));
    if form.route == KeyRoute::Tokens {
        lines.push(styled(strings::TOKENS_EXPLAINED, theme.muted));
    }
    let fields = [
        (
            KeyRow::PublicKey,
            strings::FIELD_PUBLIC_KEY,
            &form.public_key,
            0,
        ),
        (
            KeyRow::PrivateKey,
            strings::FIELD_PRIVATE_KEY,
            &form.private_key,
            1,
        ),
    ];
    for (row, label, field, index) in fields {
        let is_selected = selected == row;
        let mut line = field_row(
            theme,
            label,
            field,
            is_selected,
            is_selected && model.takes_text(),
        );
        if let Some(feedback) = &form.paste_feedback[index] {
            line.push_span(Span::styled(format!("  {feedback}"), theme.muted));
        }
        rows.push((index + 1, lines.len()));
        lines.push(line);
        let half = if index == 0 {
            KeyHalf::Public
        } else {
            KeyHalf::Private
        };
        if let Err(message) = validate::key_half(label, half, field.text(), false) {
            lines.extend(problem_lines(theme, &message, area.width));
        }
    }
    if form.route == KeyRoute::Durable {
        lines.push(styled(strings::KEY_PASTE, theme.muted));
    }
    lines.push(Line::default());

    if let Some(verified) = &form.result {
        let status = &verified.status;
        if status.swapped {
            lines.push(styled(
                format!("{} {}", strings::MARK_WARNING, strings::KEY_SWAPPED),
                theme.warning,
            ));
        }
        if verified.route == KeyRoute::Tokens {
            lines.push(styled(
                format!(
                    "{} {}",
                    strings::MARK_WARNING,
                    strings::key_expires(verified.expiration.as_deref())
                ),
                theme.warning,
            ));
        }
        if status.is_accepted() {
            lines.push(styled(
                format!(
                    "{} {}",
                    strings::MARK_OK,
                    strings::key_accepted(&status.member_identifier)
                ),
                theme.success,
            ));
            lines.push(Line::from(strings::KEY_DONE_NEXT));
        } else {
            let unmet: Vec<_> = status.checklist.unmet().collect();
            lines.push(styled(
                format!(
                    "{} {}",
                    strings::MARK_WARNING,
                    strings::key_lacks_permissions(&status.member_identifier, unmet.len())
                ),
                theme.warning,
            ));
            for line in unmet {
                lines.push(Line::from(format!(
                    "  {} {} > {} {}: needs {}",
                    strings::MARK_MISSING,
                    line.module,
                    line.function,
                    line.verb,
                    line.required
                )));
            }
        }
    }
    clicks.add_rows(&lines, &rows, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
