//! Keyboard and paste handling: overlays and confirmations first, then the field being edited,
//! then the keys of the current screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::actions;
use crate::cwm::site::CLOUD_REGIONS;
use crate::tui::command::{ClipboardCommand, Command};
use crate::tui::message::ClickTarget;
use secrecy::ExposeSecret;

use crate::secrets::paste::clean_key;
use crate::tui::input::TextField;
use crate::tui::model::{
    Confirm, ConnectRow, Exit, KeyRoute, KeyRow, MemberLayout, MemberRow, Model, Overlay, Picker,
    PickerTarget, RegistrationField, RoleRow, Step, SITE_CUSTOM,
};
use crate::tui::strings;

/// Handles a key while the window is too small to show the screen: only Ctrl-C, which the
/// message names, acts, so no key changes what the user cannot see.
pub(super) fn on_key_too_small(model: &mut Model, key: KeyEvent) -> Option<Command> {
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    if control && matches!(key.code, KeyCode::Char('c' | 'C')) {
        model.exit = Some(Exit::Interrupted);
    }
    None
}

pub(super) fn on_key(model: &mut Model, key: KeyEvent) -> Option<Command> {
    let control = key.modifiers.contains(KeyModifiers::CONTROL);
    if control && matches!(key.code, KeyCode::Char('c' | 'C')) {
        model.exit = Some(Exit::Interrupted);
        return None;
    }
    if let Some(confirm) = model.confirm.take() {
        return on_confirm(model, confirm, key);
    }
    if model.overlay.is_some() {
        return on_overlay_key(model, key);
    }
    model.notice = None;
    // Up and Down move between rows also while editing, so a form fills in one pass.
    let delta = match key.code {
        KeyCode::Up => Some(-1),
        KeyCode::Down => Some(1),
        _ => None,
    };
    if let Some(delta) = delta {
        move_selection(model, delta);
        return None;
    }
    // Ctrl-R cannot be text, so it reveals a key also while its field takes typed letters.
    if control && matches!(key.code, KeyCode::Char('r' | 'R')) {
        match model.step {
            Step::Registration => model.registration.revealed = !model.registration.revealed,
            _ => toggle_field_reveal(model),
        }
        return None;
    }
    // Ctrl-U cannot be text either, so it empties the selected field in every mode.
    if control && matches!(key.code, KeyCode::Char('u' | 'U')) {
        clear_selected_field(model);
        return None;
    }
    if model.is_editing() {
        return on_editing_key(model, key);
    }
    if types_into_selected_field(model, key) {
        model.start_editing_selected();
        edit_field(model, key);
        return None;
    }

    match key.code {
        KeyCode::Left | KeyCode::BackTab => {
            let previous = model.step.previous()?;
            actions::go_to(model, previous)
        }
        KeyCode::Right | KeyCode::Tab => {
            let next = model.step.next()?;
            actions::go_to(model, next)
        }
        KeyCode::Enter => {
            // Keys typed after an action are commands, such as `y` to apply member changes.
            model.left_field = true;
            actions::act(model)
        }
        KeyCode::Esc => {
            if let Some(pending) = model.pending.take() {
                model.notice = Some(strings::stopped_waiting(pending.kind));
            } else if model.selected_row_is_text() && !model.left_field {
                // The selected field takes typed text even before the first key, so Esc
                // leaves it as it leaves a field being edited.
                model.left_field = true;
            } else if model.error.take().is_none() {
                ask_to_quit(model);
            }
            None
        }
        KeyCode::Char(character) if !control && !key.modifiers.contains(KeyModifiers::ALT) => {
            on_command_key(model, character)
        }
        _ => None,
    }
}

/// Returns whether `key` is text for the selected text field rather than a command: a
/// printable character, Backspace or Delete, unless Esc left the field.
fn types_into_selected_field(model: &Model, key: KeyEvent) -> bool {
    if !model.takes_text() {
        return false;
    }
    let modified = key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(_) => !modified,
        KeyCode::Backspace | KeyCode::Delete => true,
        _ => false,
    }
}

/// Handles a left click on what the view recorded: a step in the header selects that step, a row
/// selects the row (a second click on a list or toggle row acts as Space), and a picker entry
/// chooses it.
pub(super) fn on_click(model: &mut Model, target: ClickTarget) -> Option<Command> {
    // A question waits for its answer, which a click does not give.
    if model.confirm.is_some() {
        return None;
    }
    if let Some(Overlay::Picker(picker)) = &model.overlay {
        let ClickTarget::PickerEntry(position) = target else {
            return None;
        };
        let index = *picker.visible().get(position)?;
        let picker_target = picker.target;
        model.overlay = None;
        choose(model, picker_target, index);
        actions::revalidate(model);
        return None;
    }
    if model.overlay.is_some() {
        model.overlay = None;
        return None;
    }

    model.notice = None;
    match target {
        ClickTarget::Step(step) => {
            model.stop_editing();
            actions::go_to(model, step)
        }
        ClickTarget::Row(index) => {
            let selected = selected_index(model);
            if selected == Some(index) && !model.selected_row_is_text() {
                on_space(model);
            } else if let Some(selected) = selected {
                let delta = isize::try_from(index).unwrap_or(isize::MAX)
                    - isize::try_from(selected).unwrap_or(isize::MAX);
                move_selection(model, delta);
                // A click on a text field points at where to type.
                model.left_field = false;
            }
            None
        }
        ClickTarget::PickerEntry(_) => None,
    }
}

/// Returns the index of the selected row of the current screen, or `None` on the summary.
fn selected_index(model: &Model) -> Option<usize> {
    match model.step {
        Step::Connect => Some(model.connect.selected),
        Step::Role => Some(model.role.selected),
        Step::Member => Some(model.member.selected),
        Step::Key => Some(model.key.selected),
        Step::Registration => Some(model.registration.selected),
        Step::Summary => None,
    }
}

fn on_confirm(model: &mut Model, confirm: Confirm, key: KeyEvent) -> Option<Command> {
    if !matches!(key.code, KeyCode::Char('y' | 'Y')) {
        model.notice = Some(strings::CANCELLED.into());
        return None;
    }
    match confirm {
        Confirm::Quit => model.exit = Some(Exit::Quit),
        Confirm::QuitUnsavedKey => {
            model.exit = Some(if model.step == Step::Summary {
                Exit::Finished
            } else {
                Exit::Quit
            });
        }
        Confirm::ChecklistOverride => return actions::override_checklist(model),
        Confirm::NextToolUnsavedKey => return actions::next_tool(model),
    }
    None
}

fn on_overlay_key(model: &mut Model, key: KeyEvent) -> Option<Command> {
    let Some(Overlay::Picker(picker)) = &mut model.overlay else {
        // Help and error details close on any key.
        model.overlay = None;
        return None;
    };
    let visible = picker.visible();
    match key.code {
        KeyCode::Esc => model.overlay = None,
        KeyCode::Up => picker.highlighted = picker.highlighted.saturating_sub(1),
        KeyCode::Down => {
            picker.highlighted = (picker.highlighted + 1).min(visible.len().saturating_sub(1));
        }
        KeyCode::Backspace => {
            picker.filter.pop();
            picker.highlighted = 0;
        }
        KeyCode::Char(character) => {
            picker.filter.push(character);
            picker.highlighted = 0;
        }
        KeyCode::Enter => {
            let Some(&index) = visible.get(picker.highlighted) else {
                model.notice = Some(strings::PICKER_NO_MATCH.into());
                return None;
            };
            let target = picker.target;
            model.overlay = None;
            choose(model, target, index);
            actions::revalidate(model);
        }
        _ => {}
    }
    None
}

/// Applies the entry `index` that the user chose in a picker.
fn choose(model: &mut Model, target: PickerTarget, index: usize) {
    match target {
        PickerTarget::Site => {
            if keeps_finished_keys(model) {
                return;
            }
            if model.connect.site_choice != index {
                model.forget_connection();
            }
            model.connect.site_choice = index;
            if index == SITE_CUSTOM {
                model.connect.select_row(ConnectRow::CustomUrl);
                model.connect.editing = true;
            }
        }
        PickerTarget::Member(row) => {
            if let Some(pick) = model.member.pick_mut(row) {
                *pick = index;
            }
            model.invalidate_from(Step::Member);
        }
    }
}

fn on_editing_key(model: &mut Model, key: KeyEvent) -> Option<Command> {
    match key.code {
        KeyCode::Esc => {
            model.stop_editing();
            model.left_field = true;
            None
        }
        KeyCode::Enter => {
            model.stop_editing();
            model.left_field = true;
            actions::act(model)
        }
        KeyCode::Tab | KeyCode::BackTab => {
            model.stop_editing();
            let target = if key.code == KeyCode::Tab {
                model.step.next()
            } else {
                model.step.previous()
            };
            actions::go_to(model, target?)
        }
        _ => {
            edit_field(model, key);
            None
        }
    }
}

pub(super) fn ask_to_quit(model: &mut Model) {
    if model.has_unsaved_key() {
        model.confirm = Some(Confirm::QuitUnsavedKey);
        model.notice = Some(strings::CONFIRM_QUIT_UNSAVED_KEY.into());
        return;
    }
    match model.step {
        Step::Summary => model.exit = Some(Exit::Finished),
        // The Connect screen also requests confirmation, because a second Esc meant to leave
        // a field would otherwise drop what was typed there.
        Step::Connect | Step::Role | Step::Member | Step::Key | Step::Registration => {
            model.confirm = Some(Confirm::Quit);
            model.notice = Some(strings::CONFIRM_QUIT.into());
        }
    }
}

/// Handles a letter typed while no text field is being edited.
fn on_command_key(model: &mut Model, character: char) -> Option<Command> {
    match (model.step, character) {
        (_, 'q') => {
            ask_to_quit(model);
            None
        }
        (_, '?') => {
            model.overlay = Some(Overlay::Help);
            None
        }
        (_, 'i') => {
            if model.error.is_some() {
                model.overlay = Some(Overlay::ErrorDetails);
            } else {
                model.notice = Some(strings::NO_ERROR_DETAILS.into());
            }
            None
        }
        (Step::Connect | Step::Role | Step::Member | Step::Key, 'e') => {
            start_editing(model);
            None
        }
        (Step::Connect | Step::Key, 'v') => {
            toggle_field_reveal(model);
            None
        }
        (Step::Connect | Step::Role | Step::Member | Step::Key, ' ') => {
            on_space(model);
            None
        }
        (Step::Role, 'r') => actions::recheck_role(model),
        (Step::Role, 'o') => {
            actions::ask_to_override(model);
            None
        }
        (Step::Role, 'd') if model.demo => actions::demo_set_role_levels(model),
        (Step::Member, 'y') => actions::apply_member_changes(model),
        (Step::Key, 'd') if model.demo => actions::demo_create_key(model),
        (Step::Registration, 'v') => {
            model.registration.revealed = !model.registration.revealed;
            None
        }
        (Step::Registration, 'c') => copy_selected(model),
        (Step::Registration, 's') => actions::store_key(model),
        (Step::Registration, 'p') => actions::send_registration(model),
        _ => None,
    }
}

/// Space: opens the picker of a picker row, or toggles a tool, the layout or the key route.
fn on_space(model: &mut Model) {
    match model.step {
        Step::Connect => {
            if model.connect.selected_row() == ConnectRow::Site {
                open_site_picker(model);
            } else {
                model.notice = Some(strings::SPACE_NOTHING.into());
            }
        }
        Step::Role => match model.role.row(model.role.selected, model.tools.len()) {
            RoleRow::Tool(_) | RoleRow::Layout if keeps_finished_keys(model) => {}
            RoleRow::Tool(index) => {
                model.selected_tools[index] = !model.selected_tools[index];
                model.merge_requirements();
                model.invalidate_from(Step::Role);
            }
            RoleRow::Layout => {
                model.role.layout = match model.role.layout {
                    MemberLayout::Shared => MemberLayout::PerTool,
                    MemberLayout::PerTool => MemberLayout::Shared,
                };
                model.invalidate_from(Step::Role);
            }
            RoleRow::Name | RoleRow::Line(_) => {
                model.notice = Some(strings::SPACE_NOTHING.into());
            }
        },
        Step::Member => open_member_picker(model),
        Step::Key => {
            if model.key.selected_row() == KeyRow::Route {
                model.key.route = match model.key.route {
                    KeyRoute::Durable => KeyRoute::Tokens,
                    KeyRoute::Tokens => KeyRoute::Durable,
                };
            } else {
                model.notice = Some(strings::SPACE_NOTHING.into());
            }
        }
        Step::Registration | Step::Summary => {}
    }
    actions::revalidate(model);
}

/// Returns whether tools whose keys steps 3 and 4 finished exist, and then sets a notice.
///
/// The connection, the tools, the layout and the role name decide the work list, and changing
/// them would drop those keys, whose private halves ConnectWise shows only once.
fn keeps_finished_keys(model: &mut Model) -> bool {
    if model.finished_tools.is_empty() {
        return false;
    }
    model.notice = Some(strings::WORK_LIST_FIXED.into());
    true
}

fn open_site_picker(model: &mut Model) {
    let mut items: Vec<String> = CLOUD_REGIONS
        .iter()
        .map(|(name, host)| strings::region_label(name, host))
        .collect();
    items.push(strings::SITE_CUSTOM_LABEL.into());
    model.overlay = Some(Overlay::Picker(Picker {
        target: PickerTarget::Site,
        title: strings::FIELD_SITE.into(),
        items,
        filter: String::new(),
        highlighted: model.connect.site_choice,
    }));
}

fn open_member_picker(model: &mut Model) {
    let row = model.member.selected_row();
    if row.is_text() {
        model.notice = Some(strings::SPACE_NOTHING.into());
        return;
    }
    if model.member.choices.is_none() {
        model.notice = Some(strings::MEMBER_NOT_LOADED.into());
        return;
    }
    model.overlay = Some(Overlay::Picker(Picker {
        target: PickerTarget::Member(row),
        title: strings::member_row_label(row).into(),
        items: model.member.picker_items(row),
        filter: String::new(),
        highlighted: model.member.pick(row),
    }));
}

fn start_editing(model: &mut Model) {
    model.left_field = false;
    match model.step {
        Step::Connect => model.connect.editing = model.connect.selected_row().is_text(),
        Step::Role => {
            let name_row = model.tools.len() + 1;
            model.role.selected = name_row;
            model.role.editing = true;
        }
        Step::Member => model.member.editing = model.member.selected_row().is_text(),
        Step::Key => model.key.editing = model.key.selected_row() != KeyRow::Route,
        Step::Registration | Step::Summary => {}
    }
}

fn toggle_field_reveal(model: &mut Model) {
    let field = match model.step {
        Step::Connect => {
            let row = model.connect.selected_row();
            model.connect.field_mut(row)
        }
        Step::Key => model.key.selected_field_mut().map(|(field, _)| field),
        _ => None,
    };
    match field {
        Some(field) if field.secret => field.revealed = !field.revealed,
        _ => model.notice = Some(strings::REVEAL_NOTHING.into()),
    }
}

/// Returns the text field that edits and pastes go to, after forgetting the results that
/// depend on it.
fn focused_field(model: &mut Model) -> Option<&mut TextField> {
    match model.step {
        Step::Connect => {
            if keeps_finished_keys(model) {
                return None;
            }
            model.forget_connection();
            model.connect.paste_feedback = None;
            let row = model.connect.selected_row();
            model.connect.field_mut(row)
        }
        Step::Role => {
            let row = model.role.row(model.role.selected, model.tools.len());
            if row != RoleRow::Name || keeps_finished_keys(model) {
                return None;
            }
            model.invalidate_from(Step::Role);
            Some(&mut model.role.name)
        }
        Step::Member => {
            model.invalidate_from(Step::Member);
            match model.member.selected_row() {
                MemberRow::Identifier => Some(&mut model.member.identifier),
                MemberRow::Name => Some(&mut model.member.name),
                _ => None,
            }
        }
        Step::Key => {
            model.invalidate_from(Step::Key);
            model.key.selected_field_mut().map(|(field, _)| field)
        }
        Step::Registration | Step::Summary => None,
    }
}

/// Empties the selected text field and starts editing it, so the next letters type the new
/// value.
fn clear_selected_field(model: &mut Model) {
    if !model.selected_row_is_text() {
        model.notice = Some(strings::CLEAR_NOTHING.into());
        return;
    }
    if model.step == Step::Key {
        model.key.paste_feedback = [None, None];
    }
    let Some(field) = focused_field(model) else {
        return;
    };
    field.set("");
    model.start_editing_selected();
    model.left_field = false;
    actions::revalidate(model);
}

/// Applies a key press to the text field being edited.
fn edit_field(model: &mut Model, key: KeyEvent) {
    let typed = match key.code {
        KeyCode::Char(character)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(character)
        }
        KeyCode::Backspace | KeyCode::Delete => None,
        KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End => {
            move_cursor(model, key.code);
            return;
        }
        _ => return,
    };
    if model.step == Step::Key {
        model.key.paste_feedback = [None, None];
    }
    let Some(field) = focused_field(model) else {
        return;
    };
    match (typed, key.code) {
        (Some(character), _) => field.insert(character),
        (None, KeyCode::Delete) => field.delete(),
        (None, _) => field.backspace(),
    }
    actions::revalidate(model);
}

/// Moves the cursor of the field being edited, without changing its text.
fn move_cursor(model: &mut Model, code: KeyCode) {
    let field = match model.step {
        Step::Connect => {
            let row = model.connect.selected_row();
            model.connect.field_mut(row)
        }
        Step::Role => Some(&mut model.role.name),
        Step::Member => match model.member.selected_row() {
            MemberRow::Identifier => Some(&mut model.member.identifier),
            MemberRow::Name => Some(&mut model.member.name),
            _ => None,
        },
        Step::Key => model.key.selected_field_mut().map(|(field, _)| field),
        Step::Registration | Step::Summary => None,
    };
    let Some(field) = field else {
        return;
    };
    match code {
        KeyCode::Left => field.move_left(),
        KeyCode::Right => field.move_right(),
        KeyCode::Home => field.move_home(),
        _ => field.move_end(),
    }
}

/// Puts pasted text into the selected field. Key fields lose every whitespace and invisible
/// character, and the notice describes what was removed; other fields keep their first non-empty
/// line, trimmed.
pub(super) fn on_paste(model: &mut Model, text: &str) {
    if let Some(Overlay::Picker(picker)) = &mut model.overlay {
        picker
            .filter
            .push_str(text.lines().next().unwrap_or("").trim());
        picker.highlighted = 0;
        return;
    }
    if model.overlay.is_some() {
        return;
    }
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("");
    match model.step {
        Step::Connect => paste_connect(model, text, first_line),
        Step::Key => paste_key(model, text),
        Step::Role | Step::Member => {
            if let Some(field) = focused_field(model) {
                field.set(first_line);
            } else if model.notice.is_none() {
                model.notice = Some(strings::PASTE_NOWHERE.into());
            }
        }
        Step::Registration | Step::Summary => model.notice = Some(strings::PASTE_NOWHERE.into()),
    }
    actions::revalidate(model);
}

/// Puts a paste into the selected Connect row. No value of this screen contains whitespace or
/// invisible characters, so every text row is cleaned as a key is: a key field takes the whole
/// paste, the other fields its first non-empty line. The notice and the row itself say what
/// cleaning removed.
fn paste_connect(model: &mut Model, text: &str, first_line: &str) {
    if keeps_finished_keys(model) {
        return;
    }
    model.forget_connection();
    let form = &mut model.connect;
    let row = form.selected_row();
    let pasted = match row {
        ConnectRow::Site => {
            form.set_site(first_line);
            if form.site_choice == SITE_CUSTOM {
                form.select_row(ConnectRow::CustomUrl);
            }
            form.paste_feedback = None;
            return;
        }
        ConnectRow::PublicKey | ConnectRow::PrivateKey => text,
        ConnectRow::CustomUrl | ConnectRow::Company | ConnectRow::ClientId => text
            .lines()
            .find(|line| !clean_key(line).value.expose_secret().is_empty())
            .unwrap_or(""),
    };
    let cleaned = clean_key(pasted);
    if let Some(field) = form.field_mut(row) {
        field.set(cleaned.value.expose_secret());
    }
    let feedback = cleaned
        .removed
        .describe()
        .unwrap_or_else(|| strings::PASTE_CLEAN.into());
    form.paste_feedback = Some((row, feedback));
    model.notice = Some(strings::pasted(
        strings::connect_row_label(row),
        &cleaned.removed,
    ));
}

fn paste_key(model: &mut Model, text: &str) {
    if model.key.selected_row() == KeyRow::Route {
        model.key.selected = 1;
    }
    model.invalidate_from(Step::Key);
    let cleaned = clean_key(text);
    let removed = cleaned.removed;
    let label = match model.key.selected_row() {
        KeyRow::PrivateKey => strings::FIELD_PRIVATE_KEY,
        _ => strings::FIELD_PUBLIC_KEY,
    };
    if let Some((field, index)) = model.key.selected_field_mut() {
        field.set(cleaned.value.expose_secret());
        model.key.paste_feedback[index] = Some(
            removed
                .describe()
                .unwrap_or_else(|| strings::PASTE_CLEAN.into()),
        );
    }
    model.notice = Some(strings::pasted(label, &removed));
    // A user pastes the public key, then the private key, so the second paste needs no key.
    if model.key.selected_row() == KeyRow::PublicKey {
        model.key.selected = 2;
    }
}

/// Moves the selection by `delta` rows. The mode stays: after Esc or Enter the letters the
/// footer offers still act on the new row, and while typing they still type.
fn move_selection(model: &mut Model, delta: isize) {
    let step = |index: usize, count: usize| -> usize {
        index
            .saturating_add_signed(delta)
            .min(count.saturating_sub(1))
    };
    match model.step {
        Step::Connect => {
            let count = model.connect.rows().len();
            model.connect.selected = step(model.connect.selected, count);
            if !model.connect.selected_row().is_text() {
                model.connect.editing = false;
            }
        }
        Step::Role => {
            let count = model.role.row_count(model.tools.len());
            model.role.selected = step(model.role.selected, count);
            model.role.editing = false;
        }
        Step::Member => {
            model.member.selected = step(model.member.selected, MemberRow::ALL.len());
            if !model.member.selected_row().is_text() {
                model.member.editing = false;
            }
        }
        Step::Key => {
            model.key.selected = step(model.key.selected, KeyRow::ALL.len());
            if model.key.selected_row() == KeyRow::Route {
                model.key.editing = false;
            }
        }
        Step::Registration => {
            let count = RegistrationField::ALL.len();
            model.registration.selected = step(model.registration.selected, count);
        }
        Step::Summary => {}
    }
}

fn copy_selected(model: &mut Model) -> Option<Command> {
    let field = model.registration.selected_field();
    let Some(value) = actions::registration_value(model, field) else {
        model.notice = Some(strings::blocked_because(
            Step::Key,
            strings::KEY_NEEDS_VERIFY,
        ));
        return None;
    };
    model.registration.copied = Some(field);
    model.clipboard.clear_at_tick = Some(super::clipboard_deadline(model));
    let mut notice = strings::copied(strings::registration_label(field));
    if let Some(warning) = &model.clipboard_warning {
        notice = format!("{notice} {warning}");
    }
    model.notice = Some(notice);
    Some(Command::Clipboard(ClipboardCommand::Copy(value)))
}
