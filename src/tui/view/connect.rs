//! Step 0: the site, company ID, administrator key pair and client ID.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{field_row, muted, success};
use crate::tui::model::{ConnectField, Model};
use crate::tui::strings;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let form = &model.connect;
    let mut lines = vec![muted(strings::CONNECT_INTRO), Line::default()];
    for (index, field) in ConnectField::ALL.into_iter().enumerate() {
        let label = match field {
            ConnectField::Site => strings::FIELD_SITE,
            ConnectField::Company => strings::FIELD_COMPANY,
            ConnectField::PublicKey => strings::FIELD_PUBLIC_KEY,
            ConnectField::PrivateKey => strings::FIELD_PRIVATE_KEY,
            ConnectField::ClientId => strings::FIELD_CLIENT_ID,
        };
        let selected = form.selected == index;
        lines.push(field_row(
            label,
            form.field(field),
            selected,
            selected && form.editing,
        ));
    }
    lines.push(Line::default());

    if let Some(connection) = &model.connection {
        lines.push(success(strings::connected(
            &connection.company_name,
            &connection.version,
            &connection.admin_identifier,
        )));
        if !form.dirty {
            lines.push(Line::from(strings::CONNECT_NEXT));
        }
    } else if model.demo {
        lines.push(Line::from(strings::CONNECT_DEMO));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
