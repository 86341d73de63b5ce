//! Renders each screen into a `TestBackend` at 80x24 and checks the text a user relies on.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::view;
use crate::provision::Outcome;
use crate::tui::fixtures::*;
use crate::tui::model::{ErrorReport, KeyringOutcome, Model, RequestKind, Step};

/// Renders the model at 80x24 and returns the screen as lines of text.
fn render(model: &Model) -> String {
    render_at(model, 80, 24)
}

/// Renders the model at `width` x `height` and returns the screen as lines of text, with
/// trailing spaces removed.
pub(super) fn render_at(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| {
            view(model, frame);
        })
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    let symbols: Vec<&str> = buffer.content().iter().map(|cell| cell.symbol()).collect();
    symbols
        .chunks(width)
        .map(|row| row.concat().trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn assert_shows(screen: &str, text: &str) {
    assert!(
        screen.contains(text),
        "expected {text:?} on screen:\n{screen}"
    );
}

#[track_caller]
fn assert_hides(screen: &str, text: &str) {
    assert!(
        !screen.contains(text),
        "did not expect {text:?} on screen:\n{screen}"
    );
}

#[test]
fn header_lists_four_steps() {
    let screen = render(&model_at(Step::Member));

    assert_shows(&screen, "[x] 1 Security role");
    assert_shows(&screen, "> [ ] 2 API member");
    assert_shows(&screen, "[ ] 3 API key");
    assert_shows(&screen, "[ ] 4 Registration");
    assert_shows(&screen, "Step 2 of 4: API member");
}

#[test]
fn connect_screen_masks_private_key() {
    let model = demo_model();

    let screen = render(&model);

    assert_shows(&screen, "Connect to ConnectWise Manage");
    assert_shows(&screen, "Site");
    assert_shows(&screen, "Client ID");
    assert_shows(&screen, &"•".repeat(ADMIN_PRIVATE_KEY.len()));
    assert_hides(&screen, ADMIN_PRIVATE_KEY);
    assert_shows(&screen, "Enter: connect");
}

#[test]
fn connect_screen_shows_spinner_text() {
    let mut model = demo_model();
    model.start_request(RequestKind::Connect);

    let screen = render(&model);

    assert_shows(&screen, "Connecting to ConnectWise");
}

#[test]
fn connect_screen_shows_error() {
    let mut model = demo_model();
    model.error = Some(report("company ID \"nope\" is not known"));

    let screen = render(&model);

    assert_shows(
        &screen,
        "Error: Test failure. Company ID \"nope\" is not known.",
    );
    assert_shows(&screen, "Press i for details.");
}

#[test]
fn role_screen_shows_checklist_marks() {
    let mut model = model_at(Step::Role);
    model.demo = true;
    model.role.status = Some(role_status(false, Outcome::Created));
    model.role.outcome = Some(Outcome::Created);

    let screen = render(&model);

    assert_shows(&screen, "Created the security role \"Visionary 360 API\"");
    assert_shows(&screen, "Company Maintenance");
    assert_shows(&screen, "[ok]");
    assert_shows(&screen, "[missing]");
    assert_shows(&screen, "absent");
    assert_shows(&screen, "2 missing");
    assert_shows(&screen, "d: do this step as the web UI would (demo only)");
}

#[test]
fn role_screen_shows_fix_for_selected_line() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(false, Outcome::Created));
    model.role.selected = model.tools.len() + 2 + 1;

    let screen = render(&model);

    assert_shows(
        &screen,
        "Fix: System > Security Roles > Visionary 360 API > Companies >",
    );
}

#[test]
fn role_screen_before_reading() {
    let screen = render(&model_at(Step::Role));

    assert_shows(&screen, "Press Enter to find or create the role");
    assert_shows(&screen, "[x] Email reConnector");
    assert_shows(
        &screen,
        "< Choice 1: one member and one role for all tools >",
    );
    assert_shows(&screen, "[Visionary 360 API]");
}

#[test]
fn member_screen_shows_pickers() {
    let mut model = model_at(Step::Member);
    model.member.picks.location = 1;

    let screen = render(&model);

    assert_shows(&screen, "[V360API▏]");
    assert_shows(&screen, "< Corporate >  (1 of 2)");
    assert_shows(&screen, "< Remote >  (2 of 2)");
    assert_shows(&screen, "< Services >");
    assert_shows(&screen, "< site default >");
}

#[test]
fn member_screen_shows_proposed_change() {
    let mut model = model_at(Step::Member);
    model.member.status = Some(member_status(Outcome::Reused, true));

    let screen = render(&model);

    assert_shows(&screen, "Press y to apply");
    assert_shows(&screen, "security role: Admin -> Visionary 360 API");
    assert_shows(&screen, "[!]");
}

#[test]
fn key_screen_shows_path_and_masks_private_key() {
    let mut model = model_at(Step::Key);
    model.key.public_key.set(TOOL_PUBLIC_KEY);
    model.key.private_key.set(TOOL_PRIVATE_KEY);

    let screen = render(&model);

    assert_shows(&screen, "V360API > API Keys tab");
    assert_hides(&screen, TOOL_PUBLIC_KEY);
    assert_shows(&screen, &"•".repeat(TOOL_PRIVATE_KEY.len()));
    assert_hides(&screen, TOOL_PRIVATE_KEY);
    assert_shows(
        &screen,
        "< Durable key, created in the web UI (recommended) >",
    );
}

#[test]
fn key_screen_reports_accepted_key() {
    let mut model = model_at(Step::Registration);
    model.step = Step::Key;

    let screen = render(&model);

    assert_shows(&screen, "Key accepted");
    assert_shows(&screen, "[x] 3 API key");
}

#[test]
fn registration_screen_hides_until_revealed() {
    let mut model = model_at(Step::Registration);

    let hidden = render(&model);
    model.registration.revealed = true;
    let shown = render(&model);

    assert_shows(&hidden, "Member identifier");
    assert_shows(&hidden, "sandbox");
    assert_shows(&hidden, TOOL_PUBLIC_KEY);
    assert_hides(&hidden, TOOL_PRIVATE_KEY);
    assert_shows(&hidden, "(press v to show)");
    assert_shows(&shown, TOOL_PRIVATE_KEY);
}

#[test]
fn registration_screen_reports_keyring_failure() {
    let mut model = model_at(Step::Registration);
    model.registration.keyring = Some(KeyringOutcome::Failed {
        message: "the OS keyring is not available here".into(),
    });

    let screen = render(&model);

    assert_shows(
        &screen,
        "[!] Keyring: not stored. the OS keyring is not available here",
    );
}

#[test]
fn summary_screen_lists_results() {
    let screen = render(&model_at(Step::Summary));

    assert_shows(&screen, "Created:");
    assert_shows(
        &screen,
        "Security role \"Visionary 360 API\", all 3 required",
    );
    assert_shows(&screen, "API member V360API");
    assert_shows(&screen, "API key for Email reConnector: accepted");
    assert_shows(&screen, "Left to do:");
    assert_shows(&screen, "the key pair is not stored");
    assert_shows(&screen, "[x] 4 Registration");
    assert_hides(&screen, TOOL_PRIVATE_KEY);
}

#[test]
fn small_window_asks_for_more_room() {
    let screen = render_at(&model_at(Step::Role), 60, 20);

    assert_shows(&screen, "This window is 60x20");
    assert_shows(&screen, "at least 80x24");
    assert_hides(&screen, "Security role");
}

#[test]
fn key_screen_shows_paste_feedback() {
    let mut model = model_at(Step::Key);
    model.key.public_key.set(TOOL_PUBLIC_KEY);
    model.key.paste_feedback[0] = Some("removed a line break".into());

    let screen = render(&model);

    assert_shows(&screen, "removed a line break");
}

#[test]
fn summary_reminds_to_delete_old_key_on_rotation() {
    let mut model = model_at(Step::Summary);
    model.member.created.clear();
    model.member.status = Some(member_status(Outcome::Reused, false));
    model.role.outcome = Some(Outcome::Reused);

    let screen = render_at(&model, 120, 40);

    assert_shows(&screen, "Reused:");
    assert_shows(
        &screen,
        "Delete the old key with the description \"Email reConnector\"",
    );
}

#[test]
fn monochrome_theme_uses_no_colour() {
    let mut model = model_at(Step::Role);
    model.monochrome = true;
    model.role.status = Some(role_status(false, Outcome::Created));
    model.error = Some(report("boom"));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");

    terminal
        .draw(|frame| {
            view(&model, frame);
        })
        .expect("draw");

    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, ratatui::style::Color::Reset, "{cell:?}");
    }
}

#[test]
fn footer_offers_no_letters_while_typing() {
    let model = model_at(Step::Key);
    assert!(model.takes_text());

    let screen = render(&model);

    assert_shows(&screen, "Ctrl-R: show key");
    assert_shows(&screen, "Esc: leave field");
    assert_hides(&screen, "e: edit");
    assert_hides(&screen, "v: show key");
    assert_hides(&screen, "q: quit");
}

#[test]
fn footer_offers_letters_after_esc() {
    let mut model = model_at(Step::Key);
    model.left_field = true;

    let screen = render(&model);

    assert_shows(&screen, "e: edit field");
    assert_shows(&screen, "v: show key");
    assert_shows(&screen, "q: quit");
    assert_hides(&screen, "Ctrl-R");
}

#[test]
fn summary_keeps_created_member_created() {
    let mut model = model_at(Step::Summary);
    model.member.status = Some(member_status(Outcome::Changed, false));

    let screen = render(&model);

    assert_shows(&screen, "Created:");
    assert_shows(&screen, "- API member V360API");
    assert_hides(&screen, "Changed:");
    assert_hides(&screen, "Delete the old key");
}

#[test]
fn connect_screen_asks_to_reconnect_after_edit() {
    let mut model = model_at(Step::Role);
    model.step = Step::Connect;
    model.forget_connection();

    let screen = render(&model);

    assert_hides(&screen, "[ok] Connected");
    assert_shows(&screen, "connect again.");
}

#[test]
fn summary_warns_about_expiring_token() {
    let mut model = model_at(Step::Summary);
    if let Some(key) = &mut model.key.result {
        key.route = crate::tui::model::KeyRoute::Tokens;
        key.expiration = Some("2027-01-04T12:00:00Z".into());
    }

    let screen = render_at(&model, 120, 40);

    assert_shows(&screen, "before it expires at 2027-01-04T12:00:00Z");
}

/// Renders the model at 80x24 and returns the screen text with the click map.
fn render_clicks(model: &Model) -> (String, super::ClickMap) {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    let mut clicks = super::ClickMap::default();
    terminal
        .draw(|frame| clicks = view(model, frame))
        .expect("draw");
    (render(model), clicks)
}

/// Returns the column and row where `text` starts on `screen`.
#[track_caller]
fn position_of(screen: &str, text: &str) -> (u16, u16) {
    for (row, line) in screen.lines().enumerate() {
        if let Some(byte) = line.find(text) {
            let column = line[..byte].chars().count();
            return (
                u16::try_from(column).expect("column"),
                u16::try_from(row).expect("row"),
            );
        }
    }
    panic!("{text:?} not on screen:\n{screen}");
}

#[test]
fn click_map_finds_rows_and_tabs() {
    let model = model_at(Step::Key);
    let (screen, clicks) = render_clicks(&model);
    use crate::tui::message::ClickTarget;

    let (column, row) = position_of(&screen, "Private key");
    assert_eq!(clicks.target_at(column, row), Some(ClickTarget::Row(2)));
    let (column, row) = position_of(&screen, "Route");
    assert_eq!(clicks.target_at(column, row), Some(ClickTarget::Row(0)));
    let (column, row) = position_of(&screen, "2 API member");
    assert_eq!(
        clicks.target_at(column, row),
        Some(ClickTarget::Step(Step::Member))
    );
    let (column, row) = position_of(&screen, "Paste both keys");
    assert_eq!(clicks.target_at(column, row), None);
}

#[test]
fn click_map_finds_checklist_lines() {
    let mut model = model_at(Step::Role);
    model.role.status = Some(role_status(false, Outcome::Created));
    let (screen, clicks) = render_clicks(&model);
    use crate::tui::message::ClickTarget;

    let (column, row) = position_of(&screen, "Contacts");
    let first_line_row = model.tools.len() + 2;
    assert_eq!(
        clicks.target_at(column, row),
        Some(ClickTarget::Row(first_line_row + 1))
    );
    let (column, row) = position_of(&screen, "Layout");
    assert_eq!(
        clicks.target_at(column, row),
        Some(ClickTarget::Row(model.tools.len()))
    );
}

#[test]
fn error_hint_names_esc_while_typing() {
    let mut model = model_at(Step::Connect);
    model.error = Some(ErrorReport::invalid_input(
        "use the client ID registered at developer.connectwise.com/ClientID",
    ));
    model.left_field = false;
    model
        .connect
        .select_row(crate::tui::model::ConnectRow::ClientId);

    let screen = render(&model);

    assert_shows(
        &screen,
        "developer.connectwise.com/ClientID. Press Esc, then i,",
    );
}

#[test]
fn error_hint_offers_i_between_commands() {
    let mut model = model_at(Step::Connect);
    model.error = Some(ErrorReport::invalid_input(
        "plain HTTP is refused; use https://",
    ));
    model.left_field = true;

    let screen = render(&model);

    assert_shows(&screen, "use https://. Press i for");
}

#[test]
fn summary_lists_lost_key_of_earlier_tool() {
    let mut model = two_tool_model(crate::tui::model::MemberLayout::PerTool);
    model.finished_tools.push(crate::tui::model::FinishedTool {
        tool: model.tools[0].clone(),
        key: crate::tui::model::VerifiedKey {
            status: key_status(false, true),
            pair: tool_pair(),
            route: crate::tui::model::KeyRoute::Durable,
            expiration: None,
        },
        registration: crate::tui::model::RegistrationState::default(),
    });
    model.step = Step::Summary;

    let screen = render_at(&model, 120, 40);

    assert_shows(
        &screen,
        "The key pair of Email reConnector was neither stored nor sent, so it is gone",
    );
    assert_hides(
        &screen,
        "Enter the keys in the registration form of Email reConnector",
    );
    let verified = screen
        .split("Verified:")
        .nth(1)
        .and_then(|rest| rest.split("Left to do:").next())
        .unwrap_or_default();
    assert!(!verified.contains("not stored"), "{screen}");
}

#[test]
fn connect_screen_shows_paste_feedback() {
    let mut model = demo_model();
    model.connect.paste_feedback = Some((
        crate::tui::model::ConnectRow::PublicKey,
        "removed a zero-width character".into(),
    ));

    let screen = render(&model);

    let row = screen
        .lines()
        .find(|line| line.contains("Public key"))
        .unwrap_or_default();
    assert!(row.contains("removed a zero-width character"), "{screen}");
}

#[test]
fn newer_error_replaces_reconnect_line() {
    let mut model = model_at(Step::Role);
    model.step = Step::Connect;
    model.forget_connection();
    model.error = Some(report("could not reach the site"));

    let screen = render(&model);

    assert_hides(&screen, "The connection settings changed");
    assert_shows(&screen, "Could not reach the site.");
}
