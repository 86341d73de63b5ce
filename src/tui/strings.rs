//! User-visible text of the wizard, kept in one place so wording stays consistent across screens.

use super::model::{RequestKind, Step};

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

/// Why a step cannot be entered yet: the earlier step that must be finished first.
pub fn blocked_by(blocker: Step) -> String {
    match blocker {
        Step::Connect => "Connect to ConnectWise first (Enter on the Connect screen)".into(),
        other => format!("Finish {} first", step_title(other)),
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
        RequestKind::ApplyMemberChanges => "Applying the changes to the API member…",
        RequestKind::VerifyKey => "Verifying the API key with ConnectWise…",
        RequestKind::StoreKey => "Storing the key pair in the OS keyring…",
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

// Footer key lists, one per screen, each short enough for an 80-column terminal.
pub const KEYS_STEPS: &str = "←/→ or Tab/Shift-Tab: steps  q or Esc: quit  Ctrl-C: quit";
pub const KEYS_EDITING: &str =
    "Typing edits the field  Esc: stop editing  ↑/↓: field  Enter: act  Ctrl-C: quit";
pub const KEYS_CONNECT: &str = "Enter: connect  ↑/↓: field  e: edit field";
pub const KEYS_ROLE: &str = "Enter: find or create role  r: re-read  ↑/↓: checklist  e: edit name";
pub const KEYS_MEMBER: &str =
    "Enter: find or create  ↑/↓: field  Space: next choice  e: edit  y: apply";
pub const KEYS_KEY: &str = "Paste: fills the field  ↑/↓: field  e: edit  Enter: verify key";
pub const KEYS_REGISTRATION: &str =
    "v: show or hide private key  s: store in OS keyring  Enter: summary";
pub const KEYS_SUMMARY: &str = "Enter or q: exit  ←: back";
pub const KEYS_DEMO: &str = "d: do this step as the web UI would (demo only)";

// Connect screen.
pub const FIELD_SITE: &str = "Site";
pub const FIELD_COMPANY: &str = "Company ID";
pub const FIELD_PUBLIC_KEY: &str = "Public key";
pub const FIELD_PRIVATE_KEY: &str = "Private key";
pub const FIELD_CLIENT_ID: &str = "Client ID";
pub const CONNECT_INTRO: &str =
    "Your own API key (My Account > API Keys) and the client ID registered for the integration.";
pub const CONNECT_DEMO: &str = "Filled in from the built-in sandbox: press Enter to connect.";
pub const CONNECT_NEXT: &str = "Press Enter or → to continue to 1 Security role.";

pub fn connected(company_name: &str, version: &str, admin: &str) -> String {
    format!("Connected to {company_name}, ConnectWise version {version}, as {admin}.")
}

// Security role screen.
pub const FIELD_ROLE_NAME: &str = "Role name";
pub const ROLE_NOT_READ: &str =
    "Press Enter to find the role by name or create it; its settings are then compared with what the tools need.";
pub const ROLE_MET: &str = "Every required permission is set. Press Enter or → to continue.";
pub const ROLE_NEEDS_ROLE: &str = "Press Enter first to find or create the role.";

pub fn role_outcome(created: bool, name: &str, id: i64) -> String {
    let verb = if created { "Created" } else { "Found" };
    format!("{verb} the security role \"{name}\" (id {id}).")
}

pub fn role_progress(met: usize, required: usize, excess: usize) -> String {
    let mut text = format!("{met} of {required} required permissions set.");
    if excess > 0 {
        text.push_str(&format!(
            " {excess} settings grant more than the tools need (shown for information)."
        ));
    }
    text
}

pub fn role_fix_hint(unmet: usize) -> String {
    format!(
        "{unmet} missing: set them in the ConnectWise web UI, then press r to re-read the role."
    )
}

pub const MARK_OK: &str = "[ok]";
pub const MARK_MISSING: &str = "[missing]";
pub const MARK_OPTIONAL: &str = "[optional]";
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
pub const MEMBER_NOT_LOADED: &str = "The choices are not loaded. Press Enter to load them again.";
pub const MEMBER_PENDING: &str =
    "This member exists and differs from what the tools need. Press y to apply these changes:";
pub const MEMBER_CONFIRM_FIRST: &str =
    "Press y to apply the proposed changes, or change the identifier to use another member.";
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
    format!("In the ConnectWise web UI, create the key for {tool_name}:")
}

pub const KEY_PASTE: &str =
    "Paste both keys below. Spaces, line breaks and invisible characters are removed.";
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
pub const KEYRING_NOT_STORED: &str = "Not stored yet: press s to store the pair in the OS keyring.";
pub const REGISTRATION_NEXT: &str = "Press Enter for the summary.";

pub fn keyring_stored(account: &str) -> String {
    format!("Stored in the OS keyring: service v360-setup, account {account}.")
}

pub fn keyring_failed(message: &str) -> String {
    format!("Not stored: {message}")
}

// Summary screen.
pub const SUMMARY_DONE: &str = "Done:";
pub const SUMMARY_TODO: &str = "Left to do:";
pub const SUMMARY_EXIT: &str = "Press Enter or q to exit.";

pub fn summary_role(outcome: &str, name: &str, met: usize) -> String {
    format!("Security role \"{name}\": {outcome}; all {met} required permissions set.")
}

pub fn summary_member(outcome: &str, identifier: &str) -> String {
    format!("API member {identifier}: {outcome}.")
}

pub fn summary_key(tool_name: &str, member: &str, swapped: bool) -> String {
    let mut text = format!("API key for {tool_name}: verified live as {member}, permissions met");
    if swapped {
        text.push_str(" (its halves had been swapped)");
    }
    text.push('.');
    text
}

pub fn summary_keyring_stored(account: &str) -> String {
    format!("Key pair stored in the OS keyring as {account}.")
}

pub const SUMMARY_KEYRING_MEMORY: &str =
    "Key pair not stored: it exists only in this program's memory and is gone when it exits.";

pub fn todo_register(tool_name: &str) -> String {
    format!("Enter the keys in the registration form of {tool_name} (step 4 lists them).")
}

pub fn todo_delete_old_key(description: &str, identifier: &str) -> String {
    format!(
        "If this key replaces a lost one, delete the old key \"{description}\" on the API Keys \
         tab of {identifier} once the tool accepts the new key."
    )
}

/// Returns the word the summary uses for an outcome.
pub fn outcome(outcome: crate::provision::Outcome) -> &'static str {
    use crate::provision::Outcome;
    match outcome {
        Outcome::Created => "created",
        Outcome::Reused => "reused",
        Outcome::Changed => "changed",
    }
}
