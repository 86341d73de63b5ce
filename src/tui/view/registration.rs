//! Step 4: what the tool's registration form needs, and storing the pair in the OS keyring.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use secrecy::ExposeSecret;

use super::{muted, success, value_row, warning};
use crate::tui::model::{KeyringOutcome, Model};
use crate::tui::strings;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let tool = model.key_tool();
    let mut lines = vec![
        Line::from(strings::registration_intro(&tool.name)),
        Line::default(),
    ];

    if let (Some(connection), Some(verified)) = (&model.connection, &model.key.result) {
        let pair = &verified.pair;
        let private_key = if model.registration.revealed {
            format!(
                "{}  {}",
                pair.private_key.expose_secret(),
                strings::PRIVATE_SHOWN_HINT
            )
        } else {
            let length = pair.private_key.expose_secret().chars().count();
            format!("{}  {}", "•".repeat(length), strings::PRIVATE_HIDDEN_HINT)
        };
        let rows = [
            (strings::FIELD_SITE, connection.site_host.clone()),
            (strings::FIELD_COMPANY, connection.company_id.clone()),
            (strings::FIELD_PUBLIC_KEY, pair.public_key.clone()),
            (strings::FIELD_PRIVATE_KEY, private_key),
            (strings::FIELD_CLIENT_ID, connection.client_id.clone()),
            (
                strings::FIELD_MEMBER_IDENTIFIER,
                verified.status.member_identifier.clone(),
            ),
        ];
        for (label, value) in rows {
            lines.push(value_row(label, value, false));
        }
    }
    lines.push(Line::default());

    lines.push(match &model.registration.keyring {
        None => muted(strings::KEYRING_NOT_STORED),
        Some(KeyringOutcome::Stored { account }) => success(strings::keyring_stored(account)),
        Some(KeyringOutcome::Failed { message }) => warning(strings::keyring_failed(message)),
    });
    lines.push(Line::from(strings::REGISTRATION_NEXT));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
