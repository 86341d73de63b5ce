//! User-visible text of the wizard, kept in one place so wording stays consistent across screens.

use super::forms::{ConnectRow, KeyRoute, MemberLayout, MemberRow, RegistrationField};
use super::model::{RequestKind, Step};
use crate::secrets::paste::Removed;

pub const NOT_A_TERMINAL: &str = "the wizard needs an interactive terminal, but standard \
    input or output is not one; for scripts use v360-setup apply (see v360-setup --help)";

pub const APP_TITLE: &str = "v360-setup: ConnectWise API access for Visionary 360 tools";
pub const DEMO_BADGE: &str = "DEMO: built-in ConnectWise sandbox, no real site is touched";

/// Returns the title of a step as the header lists it, e.g. "1 Security role".
pub fn step_title(step: Step) -> &'static str {
    match step {
        Step::Connect => "Connect",
        Step::Role => "1 Security role",
        Step::Member => "2 API member",
        Step::Key => "3 API key",
        Step::Registration => "4 Registration",
        Step::Summary => "Summary",
    }
}

/// Returns the heading that names the current screen in words.
pub fn step_heading(step: Step) -> String {
    match step {
        Step::Connect => "Connect to ConnectWise Manage".into(),
        Step::Summary => "Summary of this setup".into(),
        other => format!(
            "Step {} of 4: {}",
            step_number(other),
            &step_title(other)[2..]
        ),
    }
}

fn step_number(step: Step) -> u8 {
    match step {
        Step::Role => 1,
        Step::Member => 2,
        Step::Key => 3,
        Step::Registration => 4,
        Step::Connect | Step::Summary => 0,
    }
}

/// Why a step cannot be entered yet: the earlier step to finish first, and what it lacks.
pub fn blocked_because(blocker: Step, reason: &str) -> String {
    match blocker {
        Step::Connect => "Connect to ConnectWise first: press Enter on the Connect screen.".into(),
        other if reason.is_empty() => format!("Finish {} first.", step_title(other)),
        other => format!("Finish {} first: {reason}", step_title(other)),
    }
}

/// Describes a running request, for the line beside the spinner.
pub fn running(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Connect => "Connecting to ConnectWise and checking your permissions…",
        RequestKind::EnsureRole => {
            "Finding or creating the security role and reading its settings…"
        }
        RequestKind::RecheckRole => "Reading role settings…",
        RequestKind::MemberChoices => "Reading levels, locations, business units and time zones…",
        RequestKind::EnsureMember => "Finding or creating the API member…",
        RequestKind::MintKey => "Minting a key pair through the tokens endpoint…",
        RequestKind::ApplyMemberChanges => "Applying the changes to the API member…",
        RequestKind::VerifyKey => "Verifying the API key with ConnectWise…",
        RequestKind::StoreKey => "Storing the key pair in the OS keyring…",
        RequestKind::SendRegistration => "Sending the key pair to the registration endpoint…",
        RequestKind::DemoRoleLevels => "Setting the role's levels in the sandbox…",
        RequestKind::DemoCreateKey => "Creating an API key in the sandbox…",
    }
}

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn wait_for(kind: RequestKind) -> String {
    format!(
        "Still busy: {} Wait, or press Esc to stop waiting.",
        running(kind)
    )
}

pub fn stopped_waiting(kind: RequestKind) -> String {
    format!(
        "Stopped waiting for: {} Its result will be ignored.",
        running(kind)
    )
}

pub const ERROR_PREFIX: &str = "Error: ";
pub const ERROR_DETAILS_HINT: &str = "Press i for details.";
/// The details hint while the selected field takes typed text, where `i` would be typed.
pub const ERROR_DETAILS_HINT_TYPING: &str = "Press Esc, then i, for details.";
pub const ERROR_DETAILS_TITLE: &str = "Error details";
pub const NO_ERROR_DETAILS: &str = "No error to show details of.";
pub const OVERLAY_CLOSE: &str = "Press any key to close.";
pub const CANCELLED: &str = "Cancelled.";
pub const CONFIRM_QUIT_UNSAVED_KEY: &str = "The private key is not stored anywhere and \
     ConnectWise shows it only once. Quit anyway? y/n";
pub const CONFIRM_QUIT: &str =
    "Quit now? What is not finished is lost, except what ConnectWise already has. Press y to \
     quit, any other key to stay.";

pub fn too_small(width: u16, height: u16, min_width: u16, min_height: u16) -> String {
    format!(
        "This window is {width}x{height}. v360-setup needs at least {min_width}x{min_height}: \
         enlarge the window or make the font smaller. Ctrl-C quits."
    )
}

// Footer key lists, one per screen, each short enough for an 80-column terminal. The
// command-key lists show while no field takes typed text, the field lists while one does. There
// every letter is text, so only keys that cannot be text are offered.
pub const KEYS_STEPS: &str = "←/→ Tab: steps  ↑/↓: rows  ?: help  i: error details  q: quit";
pub const KEYS_EDITING: &str =
    "Typing edits  ←/→ Home End: cursor  ↑/↓: rows  Tab: steps  Esc: leave field";
/// The general keys on a selected text field before the first typed key: arrows still move
/// between steps.
pub const KEYS_FIELD_SELECTED: &str = "Typing edits  ←/→ Tab: steps  ↑/↓: rows  Esc: leave field";
pub const KEYS_CONNECT: &str = "Enter: connect  Space: choose site";
pub const KEYS_CONNECT_FIELD: &str = "Enter: connect";
pub const KEYS_ROLE: &str = "Enter: find/create role  Space: toggle  r: re-read  o: override";
pub const KEYS_ROLE_FIELD: &str = "Enter: find or create role";
pub const KEYS_MEMBER: &str = "Enter: find/create member  Space: choose  y: apply changes";
pub const KEYS_MEMBER_FIELD: &str = "Enter: find or create member";
pub const KEYS_KEY: &str = "Enter: verify key  Space: switch route";
pub const KEYS_KEY_TOKENS: &str = "Enter: mint a key pair  Space on Route: switch route";
pub const KEYS_KEY_LEFT_FIELD: &str = "Enter: verify key  Paste: fills the field";
pub const KEYS_KEY_FIELD: &str = "Paste: fills the field  Enter: verify key";
/// Added to a command-key list when the selected row is a text field that Esc left.
pub const KEYS_EDIT: &str = "e: edit field";
pub const KEYS_EDIT_ROLE_NAME: &str = "e: edit name";
/// Added when the selected row is a key field. `v` works only while no field takes text.
pub const KEYS_REVEAL: &str = "v: show key";
pub const KEYS_REVEAL_FIELD: &str = "Ctrl-R: show key";
pub const KEYS_REGISTRATION: &str =
    "↑/↓: field  c: copy  s: store in keyring  p: send  v: show key  Enter: summary";
pub const KEYS_REGISTRATION_NEXT_TOOL: &str =
    "↑/↓: field  c: copy  s: store in keyring  p: send  v: show key  Enter: next tool";
pub const KEYS_SUMMARY: &str = "Enter or q: exit  ←: back";
pub const KEYS_DEMO: &str = "d: do this step as the web UI would (demo only)";
pub const KEYS_DEMO_FIELD: &str = "Esc, then d: do this step as the web UI would (demo only)";
pub const KEYS_PICKER: &str = "Type to filter  ↑/↓: move  Enter: choose  Esc: cancel";

/// The help overlay: every key of the wizard, by where it works.
pub const HELP_TITLE: &str = "Keys";
pub const HELP: &[(&str, &str)] = &[
    (
        "←/→ Tab",
        "previous or next step; a step that is not ready says why",
    ),
    ("↑/↓", "select a row"),
    (
        "Enter",
        "the action of the step (connect, find or create, verify)",
    ),
    (
        "e",
        "edit the field; after Esc or Enter, letters are commands",
    ),
    (
        "Space",
        "choose from a list, or toggle a tool, layout or route",
    ),
    (
        "v / Ctrl-R",
        "show or hide the selected key (Ctrl-R also while typing)",
    ),
    ("i", "details of the last error"),
    ("Esc", "stop waiting for a request, close, or quit"),
    (
        "q / Ctrl-C",
        "quit (q asks first, except on the summary) / quit at once",
    ),
    (
        "Editing",
        "←/→ Home End move the cursor; Backspace, Delete erase",
    ),
    ("Ctrl-U", "empty the selected field, also while typing"),
    (
        "Paste",
        "fills the selected field; keys are cleaned of spaces",
    ),
    (
        "1 Role",
        "r re-reads the role; o continues with missing permissions",
    ),
    (
        "2 Member",
        "y applies the proposed changes to an existing member",
    ),
    (
        "4 Register",
        "c copies the field (OSC 52), s stores in the OS keyring",
    ),
    ("", "p sends to the tool's registration endpoint"),
    (
        "Demo",
        "d does the web UI part of steps 1 and 3 in the sandbox",
    ),
    (
        "--mouse",
        "click a step or a row; a second click toggles or opens a list",
    ),
];

// Pickers and pastes.
pub const PICKER_NO_MATCH: &str = "Nothing matches the filter: Backspace shortens it.";
pub const SPACE_NOTHING: &str = "Space chooses or toggles; this row has nothing to choose.";
pub const CLEAR_NOTHING: &str = "Ctrl-U empties a text field; select one with ↑/↓ first.";
pub const REVEAL_NOTHING: &str = "v shows a key field; select one with ↑/↓ first.";
pub const PASTE_CLEAN: &str = "pasted, nothing to remove";
pub const PASTE_NOWHERE: &str = "Select a text field with ↑/↓ before pasting.";

/// Describes a paste into a key field and what cleaning removed.
pub fn pasted(label: &str, removed: &Removed) -> String {
    match removed.describe() {
        Some(description) => format!("{label} pasted: {description}."),
        None => format!("{label} pasted."),
    }
}

// Connect screen.
pub const FIELD_SITE: &str = "Site";
pub const FIELD_CUSTOM_URL: &str = "Custom URL";
pub const FIELD_COMPANY: &str = "Company ID";
pub const FIELD_PUBLIC_KEY: &str = "Public key";
pub const FIELD_PRIVATE_KEY: &str = "Private key";
pub const FIELD_CLIENT_ID: &str = "Client ID";
pub const SITE_CUSTOM_LABEL: &str = "Custom URL (on-premise server)";
pub const CONNECT_INTRO: &str =
    "Your own API key (My Account > API Keys) and the integration's client ID.";
pub const CONNECT_DEMO: &str = "Filled in from the built-in sandbox: press Enter to connect.";
pub const CONNECTION_CHANGED: &str = "The connection settings changed, so the connection \
    made or in progress with the old settings was dropped, and the steps after it. Press Enter to \
    connect again.";
pub const CONNECT_NEXT: &str = "Press Enter or → to continue to 1 Security role.";

pub fn connect_row_label(row: ConnectRow) -> &'static str {
    match row {
        ConnectRow::Site => FIELD_SITE,
        ConnectRow::CustomUrl => FIELD_CUSTOM_URL,
        ConnectRow::Company => FIELD_COMPANY,
        ConnectRow::PublicKey => FIELD_PUBLIC_KEY,
        ConnectRow::PrivateKey => FIELD_PRIVATE_KEY,
        ConnectRow::ClientId => FIELD_CLIENT_ID,
    }
}

/// Says where the value of a Connect field comes from.
pub fn connect_hint(row: ConnectRow) -> &'static str {
    match row {
        ConnectRow::Site => "choose your region with Space",
        ConnectRow::CustomUrl => "enter your server's address, such as cw.example.com",
        ConnectRow::Company => "use the company ID you type on the ConnectWise login page",
        ConnectRow::PublicKey | ConnectRow::PrivateKey => {
            "create a key in the web UI under My Account > API Keys and paste it here"
        }
        ConnectRow::ClientId => {
            "use the client ID registered for this integration at developer.connectwise.com"
        }
    }
}

/// Names a cloud region for the site picker, e.g. "North America  na.myconnectwise.net".
pub fn region_label(name: &str, host: &str) -> String {
    let region = match name {
        "na" => "North America",
        "eu" => "Europe",
        "au" => "Australia",
        "aus" => "Australia (aus)",
        "za" => "South Africa",
        "staging" => "Staging sandbox",
        other => other,
    };
    format!("{region:<16}{host}")
}

pub fn connected(company_name: &str, version: &str, admin: &str) -> String {
    format!("Connected to {company_name}, ConnectWise version {version}, as {admin}.")
}

// Security role screen.
pub const FIELD_TOOLS: &str = "Tools";
pub const FIELD_LAYOUT: &str = "Layout";
pub const FIELD_ROLE_NAME: &str = "Role name";
pub const ROLE_NOT_READ: &str =
    "Press Enter to find or create the role and check it against the tools.";
pub const ROLE_MET: &str = "Every required permission is set. Press Enter or → to continue.";
pub const ROLE_NEEDS_ROLE: &str = "press Enter to find or create the role.";
pub const NO_TOOL_SELECTED: &str =
    "No tool is selected: select at least one tool with ↑/↓ and Space";

pub fn per_tool_target(
    object: &str,
    tool_name: &str,
    position: usize,
    count: usize,
    name: &str,
) -> String {
    format!("{object} for {tool_name} ({position} of {count}): {name}")
}

pub const WORK_LIST_FIXED: &str = "The connection, tools, layout and role name are fixed once a \
    tool's key is done, because changing them would drop that key: finish the other tools first.";

pub fn confirm_next_tool(tool_name: &str) -> String {
    format!(
        "The key pair of {tool_name} is neither stored nor sent, and its step 4 cannot be \
         opened again. Continue anyway? y/n (n stays here, so s or p can keep the pair)"
    )
}

pub fn next_tool_key(tool_name: &str) -> String {
    format!("Next: the API key for {tool_name}, for the same member.")
}

pub fn next_target(tool_name: &str) -> String {
    format!("Next: the security role and API member for {tool_name}. Press Enter.")
}

pub fn tool_position(tool_name: &str, position: usize, count: usize) -> String {
    format!("Tool {position} of {count}: {tool_name}")
}

pub fn registration_next_tool(tool_name: &str) -> String {
    format!("Press Enter to continue with the next tool, {tool_name}.")
}
pub const OVERRIDE_RECORDED: &str =
    "Continuing with missing permissions; this is recorded for the audit log. Press Enter or →.";

pub fn layout_label(layout: MemberLayout) -> &'static str {
    match layout {
        MemberLayout::Shared => "Choice 1: one member and one role for all tools",
        MemberLayout::PerTool => "Choice 2: one member and one role per tool",
    }
}

pub fn role_outcome(created: bool, name: &str, id: i64) -> String {
    let verb = if created { "Created" } else { "Found" };
    format!("{verb} the security role \"{name}\" (id {id}).")
}

pub fn role_progress(met: usize, required: usize, unmet: usize) -> String {
    if unmet == 0 {
        format!("All {required} required permissions set.")
    } else {
        format!(
            "{met} of {required} required set, {unmet} missing: set them in the web UI, then \
             press r."
        )
    }
}

pub fn role_excess(excess: usize) -> String {
    format!("{excess} settings grant more than the tools need (shown for information).")
}

pub fn role_blocked(unmet: usize) -> String {
    format!(
        "{unmet} required permissions are missing. Set them in the web UI and press r, or press \
         o to continue anyway."
    )
}

pub fn confirm_override(unmet: usize) -> String {
    format!(
        "Continue with {unmet} required permissions missing? The tool may fail where it needs \
         them, and this is recorded for the audit log. Press y to continue, any other key to \
         cancel."
    )
}

pub fn override_active(unmet: usize) -> String {
    format!("[!] Continuing with {unmet} missing permissions (recorded for the audit log).")
}

pub const MARK_OK: &str = "[ok]";
pub const MARK_MISSING: &str = "[missing]";
pub const MARK_OPTIONAL: &str = "[optional]";
pub const MARK_WARNING: &str = "[!]";
pub const LEVEL_ABSENT: &str = "absent";

// API member screen.
pub const FIELD_IDENTIFIER: &str = "Identifier";
pub const FIELD_MEMBER_NAME: &str = "Name";
pub const FIELD_LEVEL: &str = "Level";
pub const FIELD_LOCATION: &str = "Location";
pub const FIELD_BUSINESS_UNIT: &str = "Business unit";
pub const FIELD_TIME_ZONE: &str = "Time zone";
pub const TIME_ZONE_DEFAULT: &str = "site default";
pub const MEMBER_LOADING: &str = "Loading the choices…";
pub const PICKER_EMPTY: &str = "(none on this site: create one in the web UI)";
pub const MEMBER_NOT_LOADED: &str = "The choices are not loaded. Press Enter to load them again.";
pub const MEMBER_PENDING: &str =
    "This member exists and differs from what the tools need. Press y to apply these changes:";
pub const MEMBER_CONFIRM_FIRST: &str =
    "Press y to apply the proposed changes, or change the identifier to use another member.";
pub const MEMBER_NEEDS_ENTER: &str = "press Enter to find or create the API member.";
pub const MEMBER_NAME_EMPTY: &str = "The member name is empty: enter one such as Visionary 360 API";
pub const MEMBER_NOTHING_TO_APPLY: &str = "There are no proposed changes to apply.";

pub fn member_row_label(row: MemberRow) -> &'static str {
    match row {
        MemberRow::Identifier => FIELD_IDENTIFIER,
        MemberRow::Name => FIELD_MEMBER_NAME,
        MemberRow::Level => FIELD_LEVEL,
        MemberRow::Location => FIELD_LOCATION,
        MemberRow::BusinessUnit => FIELD_BUSINESS_UNIT,
        MemberRow::TimeZone => FIELD_TIME_ZONE,
    }
}
pub const MEMBER_DONE_NEXT: &str = "Press Enter or → to continue to 3 API key.";

pub fn member_role(role_name: &str) -> String {
    format!("The API member gets the security role \"{role_name}\".")
}

pub fn member_outcome(outcome: crate::provision::Outcome, identifier: &str, id: i64) -> String {
    use crate::provision::Outcome;
    let verb = match outcome {
        Outcome::Created => "Created",
        Outcome::Reused => "Found",
        Outcome::Changed => "Changed",
    };
    format!("{verb} the API member {identifier} (id {id}).")
}

// API key screen.
pub fn key_instructions(tool_name: &str) -> String {
    format!("Create the key for {tool_name} in the web UI:")
}

pub const KEY_PASTE: &str =
    "Paste both keys; spaces, line breaks and invisible characters are removed.";
pub const FIELD_ROUTE: &str = "Route";
pub const KEY_NEEDS_VERIFY: &str = "paste the key pair and press Enter to verify it.";
pub fn tokens_instructions(tool_name: &str, identifier: &str) -> String {
    format!(
        "The key for {tool_name} comes from ConnectWise's tokens endpoint, minted for \
         {identifier}: nothing to create in the web UI."
    )
}

pub const TOKENS_EXPLAINED: &str = "Enter mints a key pair for the member through the \
    tokens endpoint. It expires, and the tool stops working when it does: a durable key does not.";

pub fn key_expires(expiration: Option<&str>) -> String {
    match expiration {
        Some(expiration) => format!(
            "This key expires at {expiration}: the tool stops working then unless you replace it."
        ),
        None => "ConnectWise reported no expiration for this key; tokens usually expire, so \
                 check it in the web UI."
            .to_owned(),
    }
}

pub fn route_label(route: KeyRoute) -> &'static str {
    match route {
        KeyRoute::Durable => "Durable key, created in the web UI (recommended)",
        KeyRoute::Tokens => "Tokens route: a key pair that expires",
    }
}
pub const KEY_MISSING: &str = "Enter or paste both the public and the private key.";
pub const KEY_SWAPPED: &str =
    "The two keys were pasted into each other's field; they were accepted the other way round.";
pub const KEY_DONE_NEXT: &str = "Press Enter or → to continue to 4 Registration.";

pub fn key_accepted(member: &str) -> String {
    format!("Key accepted: it belongs to {member} and has every required permission.")
}

pub fn key_lacks_permissions(member: &str, unmet: usize) -> String {
    format!(
        "The key belongs to {member} but lacks {unmet} required permissions: fix the role in \
         step 1, then press Enter to verify again."
    )
}

pub fn demo_key_created(identifier: &str) -> String {
    format!(
        "The sandbox created a key for {identifier} and filled both fields. Press Enter to verify."
    )
}

// Registration screen.
pub fn registration_intro(tool_name: &str) -> String {
    format!("What the registration form of {tool_name} needs:")
}

pub const FIELD_MEMBER_IDENTIFIER: &str = "Member identifier";
pub const PRIVATE_HIDDEN_HINT: &str = "(press v to show)";
pub const PRIVATE_SHOWN_HINT: &str = "(shown: press v to hide)";
pub const KEYRING_NOT_STORED: &str = "Keyring: not stored yet; press s to store the pair.";
pub const REGISTRATION_NEXT: &str = "Press Enter for the summary.";
pub const CLIPBOARD_CLEARED: &str = "Cleared the clipboard.";

pub fn registration_label(field: RegistrationField) -> &'static str {
    match field {
        RegistrationField::Site => FIELD_SITE,
        RegistrationField::Company => FIELD_COMPANY,
        RegistrationField::PublicKey => FIELD_PUBLIC_KEY,
        RegistrationField::PrivateKey => FIELD_PRIVATE_KEY,
        RegistrationField::ClientId => FIELD_CLIENT_ID,
        RegistrationField::MemberIdentifier => FIELD_MEMBER_IDENTIFIER,
    }
}

pub fn copied(label: &str) -> String {
    format!("Copied {label} to the clipboard.")
}

pub fn copied_status(label: &str, seconds_left: u64) -> String {
    format!(
        "Clipboard: {label}, cleared in {seconds_left} s and on exit. If nothing pastes, the \
         terminal lacks OSC 52 (tmux: set-clipboard on): press v instead."
    )
}

pub fn keyring_stored(account: &str) -> String {
    format!("Keyring: stored as service v360-setup, account {account}.")
}

pub fn keyring_failed(message: &str) -> String {
    format!("Keyring: not stored. {message}")
}

pub fn send_not_offered(tool_name: &str) -> String {
    format!("{tool_name} has no registration endpoint: enter the fields in its registration form.")
}

pub fn send_offered(url: &str) -> String {
    format!("Send: press p to post the fields to {url}.")
}

pub fn sent(status: u16, response: &str) -> String {
    if response.is_empty() {
        format!("Send: the endpoint answered HTTP {status}.")
    } else {
        format!("Send: the endpoint answered HTTP {status}: {response}")
    }
}

pub fn send_failed(message: &str) -> String {
    format!("Send: failed. {message}")
}

// Summary screen.
pub const SUMMARY_CREATED: &str = "Created:";
pub const SUMMARY_REUSED: &str = "Reused:";
pub const SUMMARY_CHANGED: &str = "Changed:";
pub const SUMMARY_VERIFIED: &str = "Verified:";
pub const SUMMARY_TODO: &str = "Left to do:";
pub const SUMMARY_EXIT: &str = "Press Enter or q to exit.";

pub fn summary_role(name: &str, met: usize, required: usize) -> String {
    if met == required {
        format!("Security role \"{name}\", all {required} required permissions set")
    } else {
        format!("Security role \"{name}\", {met} of {required} required permissions set")
    }
}

pub fn summary_member(identifier: &str) -> String {
    format!("API member {identifier}")
}

pub fn summary_key(tool_name: &str, member: &str, swapped: bool) -> String {
    let mut text = format!("API key for {tool_name}: accepted live as {member}, permissions met");
    if swapped {
        text.push_str(" (its halves had been swapped)");
    }
    text
}

pub fn summary_keyring_stored(account: &str) -> String {
    format!("Key pair stored in the OS keyring as {account}")
}

pub fn todo_register(tool_name: &str) -> String {
    format!("Enter the keys in the registration form of {tool_name} (step 4 lists them).")
}

pub fn todo_register_unsaved(tool_name: &str) -> String {
    format!(
        "Enter the keys in the registration form of {tool_name}, or store them with s in step 4, \
         before you exit: the key pair is not stored and exists only in this program's memory."
    )
}

pub fn todo_register_from_keyring(tool_name: &str, account: &str) -> String {
    format!(
        "Enter the keys in the registration form of {tool_name}: the pair is in the OS keyring \
         as {account}."
    )
}

pub fn todo_replace_lost_key(tool_name: &str, description: &str) -> String {
    format!(
        "The key pair of {tool_name} was neither stored nor sent, so it is gone: run the wizard \
         again to create a new key, and delete the unused key with the description \
         \"{description}\" in the web UI."
    )
}

pub fn todo_delete_old_key(description: &str, identifier: &str) -> String {
    format!(
        "Delete the old key with the description \"{description}\" on the API Keys tab of \
         {identifier} in the web UI once the tool accepts the new key."
    )
}

pub fn todo_replace_expiring(tool_name: &str, expiration: Option<&str>) -> String {
    match expiration {
        Some(expiration) => format!(
            "Replace the key of {tool_name} before it expires at {expiration}, or the tool stops \
             working: a durable key from the web UI does not expire."
        ),
        None => format!(
            "The key of {tool_name} came from the tokens route and may expire: replace it with a \
             durable key from the web UI."
        ),
    }
}

pub fn todo_missing_permissions(count: usize, role_name: &str) -> String {
    format!(
        "Set the {count} missing permissions of the role \"{role_name}\" in the web UI (you \
         continued without them)."
    )
}
