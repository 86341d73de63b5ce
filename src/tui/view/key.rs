//! Step 3: where to create the key in the web UI, the two key fields and the verification.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{field_row, muted, success, warning};
use crate::provision::guidance;
use crate::tui::model::Model;
use crate::tui::strings;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let form = &model.key;
    let tool = model.key_tool();
    let identifier = model.member.identifier.text().trim();
    let mut lines = vec![
        Line::from(strings::key_instructions(&tool.name)),
        Line::from(format!(
            "  {}",
            guidance::api_key_path(identifier, tool.key_description())
        )),
        Line::default(),
        muted(strings::KEY_PASTE),
        field_row(
            strings::FIELD_PUBLIC_KEY,
            &form.public_key,
            form.selected == 0,
            form.editing,
        ),
        field_row(
            strings::FIELD_PRIVATE_KEY,
            &form.private_key,
            form.selected == 1,
            form.editing,
        ),
        Line::default(),
    ];

    if let Some(verified) = &form.result {
        let status = &verified.status;
        if status.swapped {
            lines.push(warning(strings::KEY_SWAPPED));
        }
        if status.is_accepted() {
            lines.push(success(strings::key_accepted(&status.member_identifier)));
            lines.push(Line::from(strings::KEY_DONE_NEXT));
        } else {
            let unmet: Vec<_> = status.checklist.unmet().collect();
            lines.push(warning(strings::key_lacks_permissions(
                &status.member_identifier,
                unmet.len(),
            )));
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
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
