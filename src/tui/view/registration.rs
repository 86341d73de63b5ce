//! Step 4: what the tool's registration form needs, with copy, keyring, send and reveal.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use secrecy::ExposeSecret;

use super::{styled, value_row, ClickMap, Theme};
use crate::tui::model::{KeyringOutcome, Model, RegistrationField, SendOutcome};
use crate::tui::strings;
use crate::tui::update::TICKS_PER_SECOND;

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, clicks: &mut ClickMap) {
    let mut rows = Vec::new();
    let tool = model.key_tool();
    let state = &model.registration;
    let mut lines = Vec::new();
    if let Some(line) = super::tool_line(model) {
        lines.push(styled(line, theme.accent));
    }
    lines.extend([
        Line::from(strings::registration_intro(&tool.name)),
        Line::default(),
    ]);

    if let (Some(connection), Some(verified)) = (&model.connection, &model.key.result) {
        let pair = &verified.pair;
        for (index, field) in RegistrationField::ALL.into_iter().enumerate() {
            let value = match field {
                RegistrationField::Site => connection.site_url.clone(),
                RegistrationField::Company => connection.company_id.clone(),
                RegistrationField::PublicKey => pair.public_key.clone(),
                RegistrationField::PrivateKey if state.revealed => format!(
                    "{}  {}",
                    pair.private_key.expose_secret(),
                    strings::PRIVATE_SHOWN_HINT
                ),
                RegistrationField::PrivateKey => {
                    let length = pair.private_key.expose_secret().chars().count();
                    format!("{}  {}", "•".repeat(length), strings::PRIVATE_HIDDEN_HINT)
                }
                RegistrationField::ClientId => connection.client_id.clone(),
                RegistrationField::MemberIdentifier => verified.status.member_identifier.clone(),
            };
            let label = strings::registration_label(field);
            rows.push((index, lines.len()));
            lines.push(value_row(theme, label, value, state.selected == index));
        }
    }
    lines.push(Line::default());

    if let (Some(field), Some(clear_at)) = (state.copied, model.clipboard.clear_at_tick) {
        let seconds_left = clear_at
            .saturating_sub(model.ticks)
            .div_ceil(TICKS_PER_SECOND);
        lines.push(styled(
            strings::copied_status(strings::registration_label(field), seconds_left),
            theme.muted,
        ));
    }
    lines.push(match &state.keyring {
        None => styled(strings::KEYRING_NOT_STORED, theme.muted),
        Some(KeyringOutcome::Stored { account }) => styled(
            format!("{} {}", strings::MARK_OK, strings::keyring_stored(account)),
            theme.success,
        ),
        Some(KeyringOutcome::Failed { message }) => styled(
            format!(
                "{} {}",
                strings::MARK_WARNING,
                strings::keyring_failed(message)
            ),
            theme.warning,
        ),
    });
    lines.push(match (&state.sent, &tool.registration_url) {
        (Some(SendOutcome::Sent { status, response }), _) => styled(
            format!("{} {}", strings::MARK_OK, strings::sent(*status, response)),
            theme.success,
        ),
        (Some(SendOutcome::Failed { message }), _) => styled(
            format!(
                "{} {}",
                strings::MARK_WARNING,
                strings::send_failed(message)
            ),
            theme.warning,
        ),
        (None, Some(url)) => styled(strings::send_offered(url), theme.muted),
        (None, None) => styled(strings::send_not_offered(&tool.name), theme.muted),
    });
    let position = model.finished_tools.len() + 1;
    let next = match model.selected_tool_list().get(position) {
        Some(next_tool) => strings::registration_next_tool(&next_tool.name),
        None => strings::REGISTRATION_NEXT.to_owned(),
    };
    lines.push(Line::from(next));
    clicks.add_rows(&lines, &rows, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
