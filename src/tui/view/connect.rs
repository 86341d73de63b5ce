//! Step 0: the site picker, company ID, administrator key pair and client ID.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{choice_row, field_row, problem_lines, styled, ClickMap, Theme};
use crate::cwm::site::CLOUD_REGIONS;
use crate::tui::model::{ConnectRow, Model};
use crate::tui::{strings, validate};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    let mut rows = Vec::new();
    let form = &model.connect;
    let mut lines = vec![styled(strings::CONNECT_INTRO, theme.muted), Line::default()];
    for (index, row) in form.rows().into_iter().enumerate() {
        let selected = form.selected == index;
        let label = strings::connect_row_label(row);
        let line = match form.field(row) {
            None => {
                let choice = match CLOUD_REGIONS.get(form.site_choice) {
                    Some((name, host)) => strings::region_label(name, host),
                    None => strings::SITE_CUSTOM_LABEL.to_owned(),
                };
                choice_row(theme, label, choice.trim_end(), selected)
            }
            Some(field) => {
                let mut line = field_row(
                    theme,
                    label,
                    field,
                    selected,
                    selected && model.takes_text(),
                );
                if let Some((_, feedback)) = form
                    .paste_feedback
                    .as_ref()
                    .filter(|(pasted, _)| *pasted == row)
                {
                    line.push_span(Span::styled(format!("  {feedback}"), theme.muted));
                }
                line
            }
        };
        rows.push((index, lines.len()));
        lines.push(line);
        if row != ConnectRow::Site {
            if let Err(message) = validate::connect_row(form, row, false) {
                lines.extend(problem_lines(theme, &message, area.width));
            }
        }
    }
    lines.push(Line::default());

    if let Some(connection) = &model.connection {
        lines.push(styled(
            format!(
                "{} {}",
                strings::MARK_OK,
                strings::connected(
                    &connection.company_name,
                    &connection.version,
                    &connection.admin_identifier,
                )
            ),
            theme.success,
        ));
        if !form.dirty {
            lines.push(Line::from(strings::CONNECT_NEXT));
        }
    } else if form.reconnect_needed && model.error.is_none() {
        // A newer error replaces this line, so only the current problem shows.
        lines.push(styled(
            format!("{} {}", strings::MARK_WARNING, strings::CONNECTION_CHANGED),
            theme.warning,
        ));
    } else if model.demo {
        lines.push(Line::from(strings::CONNECT_DEMO));
    }
    clicks.add_rows(&lines, &rows, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
