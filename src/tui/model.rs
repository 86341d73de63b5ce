//! The wizard's state: the current step, each step's form, the results so far, the request in
//! flight and the last error.
//!
//! The model contains no I/O handles. Commands name the connection by the id of the request that
//! opened it, and the task runner in `command.rs` keeps the session itself.

use std::fmt;

use zeroize::Zeroizing;

use crate::cwm::models::NamedItem;
use crate::provision::{
    KeyStatus, MemberChoices, MemberSpec, MemberStatus, Outcome, RoleStatus,
    DEFAULT_MEMBER_IDENTIFIER, DEFAULT_MEMBER_NAME,
};
use crate::requirements::{Manifest, Requirements};
use crate::secrets::KeyPair;

/// The role name proposed before the user edits it.
pub const DEFAULT_ROLE_NAME: &str = "Visionary 360 API";

/// Identifies one engine request, so a reply to an abandoned request can be dropped.
pub type RequestId = u64;

/// The screens of the wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Connect,
    Role,
    Member,
    Key,
    Registration,
    Summary,
}

impl Step {
    /// The four numbered steps that the header lists.
    pub const NUMBERED: [Step; 4] = [Step::Role, Step::Member, Step::Key, Step::Registration];

    pub fn next(self) -> Option<Step> {
        match self {
            Step::Connect => Some(Step::Role),
            Step::Role => Some(Step::Member),
            Step::Member => Some(Step::Key),
            Step::Key => Some(Step::Registration),
            Step::Registration => Some(Step::Summary),
            Step::Summary => None,
        }
    }

    pub fn previous(self) -> Option<Step> {
        match self {
            Step::Connect => None,
            Step::Role => Some(Step::Connect),
            Step::Member => Some(Step::Role),
            Step::Key => Some(Step::Member),
            Step::Registration => Some(Step::Key),
            Step::Summary => Some(Step::Registration),
        }
    }
}

/// A one-line text input; a secret field zeroizes its text on drop and hides it in `Debug`.
#[derive(Clone, Default)]
pub struct TextField {
    value: Zeroizing<String>,
    pub secret: bool,
}

impl TextField {
    pub fn plain(value: &str) -> Self {
        Self {
            value: Zeroizing::new(value.to_owned()),
            secret: false,
        }
    }

    pub fn secret() -> Self {
        Self {
            value: Zeroizing::new(String::new()),
            secret: true,
        }
    }

    pub fn text(&self) -> &str {
        &self.value
    }

    pub fn set(&mut self, value: &str) {
        self.value.clear();
        self.value.push_str(value);
    }

    pub fn push(&mut self, character: char) {
        self.value.push(character);
    }

    pub fn pop(&mut self) {
        self.value.pop();
    }

    pub fn is_empty(&self) -> bool {
        self.value.trim().is_empty()
    }

    /// Returns the text as the screen shows it: one `•` per character for a secret field.
    pub fn display(&self) -> String {
        if self.secret {
            "•".repeat(self.value.chars().count())
        } else {
            self.value.to_string()
        }
    }
}

impl fmt::Debug for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            write!(
                f,
                "TextField([REDACTED], {} chars)",
                self.value.chars().count()
            )
        } else {
            write!(f, "TextField({:?})", self.value.as_str())
        }
    }
}

/// Removes what a copy from a web page or chat tends to add to a key: spaces, tabs, line
/// breaks, no-break spaces, zero-width characters and byte-order marks.
pub fn clean_key(text: &str) -> String {
    text.chars()
        .filter(|character| {
            !character.is_whitespace()
                && !matches!(
                    character,
                    '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
                )
        })
        .collect()
}

/// The Connect screen's fields, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectField {
    Site,
    Company,
    PublicKey,
    PrivateKey,
    ClientId,
}

impl ConnectField {
    pub const ALL: [ConnectField; 5] = [
        ConnectField::Site,
        ConnectField::Company,
        ConnectField::PublicKey,
        ConnectField::PrivateKey,
        ConnectField::ClientId,
    ];
}

#[derive(Debug, Clone)]
pub struct ConnectForm {
    pub site: TextField,
    pub company: TextField,
    pub public_key: TextField,
    pub private_key: TextField,
    pub client_id: TextField,
    /// Index into [`ConnectField::ALL`].
    pub selected: usize,
    pub editing: bool,
    /// Set by any edit after the last successful connection, so Enter connects again.
    pub dirty: bool,
}

impl Default for ConnectForm {
    fn default() -> Self {
        Self {
            site: TextField::default(),
            company: TextField::default(),
            public_key: TextField::default(),
            private_key: TextField::secret(),
            client_id: TextField::default(),
            selected: 0,
            editing: false,
            dirty: true,
        }
    }
}

impl ConnectForm {
    pub fn field(&self, field: ConnectField) -> &TextField {
        match field {
            ConnectField::Site => &self.site,
            ConnectField::Company => &self.company,
            ConnectField::PublicKey => &self.public_key,
            ConnectField::PrivateKey => &self.private_key,
            ConnectField::ClientId => &self.client_id,
        }
    }

    pub fn field_mut(&mut self, field: ConnectField) -> &mut TextField {
        match field {
            ConnectField::Site => &mut self.site,
            ConnectField::Company => &mut self.company,
            ConnectField::PublicKey => &mut self.public_key,
            ConnectField::PrivateKey => &mut self.private_key,
            ConnectField::ClientId => &mut self.client_id,
        }
    }

    pub fn selected_field(&self) -> ConnectField {
        ConnectField::ALL[self.selected.min(ConnectField::ALL.len() - 1)]
    }
}

/// The details of a successful connection, without the session itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// The id of the connect request; commands name the session by it.
    pub session_id: RequestId,
    /// The web host of the site, with the port when it is not the scheme's default, as the
    /// registration form and the keyring account use it.
    pub site_host: String,
    pub company_id: String,
    pub client_id: String,
    pub company_name: String,
    pub version: String,
    pub admin_identifier: String,
}

#[derive(Debug, Clone)]
pub struct RoleForm {
    pub name: TextField,
    pub editing: bool,
    /// Index of the highlighted checklist line.
    pub selected_line: usize,
    /// The latest comparison of the role with the requirements.
    pub status: Option<RoleStatus>,
    /// Whether this run created the role or found it. A re-read keeps the first outcome.
    pub outcome: Option<Outcome>,
}

impl Default for RoleForm {
    fn default() -> Self {
        Self {
            name: TextField::plain(DEFAULT_ROLE_NAME),
            editing: false,
            selected_line: 0,
            status: None,
            outcome: None,
        }
    }
}

impl RoleForm {
    pub fn is_done(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|status| status.checklist.is_met())
    }
}

/// The rows of the API member screen, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRow {
    Identifier,
    Name,
    Level,
    Location,
    BusinessUnit,
    TimeZone,
}

impl MemberRow {
    pub const ALL: [MemberRow; 6] = [
        MemberRow::Identifier,
        MemberRow::Name,
        MemberRow::Level,
        MemberRow::Location,
        MemberRow::BusinessUnit,
        MemberRow::TimeZone,
    ];

    pub fn is_text(self) -> bool {
        matches!(self, MemberRow::Identifier | MemberRow::Name)
    }
}

/// The chosen entry of each picker, as indexes into the lists of [`MemberChoices`]. The time
/// zone index 0 means "site default"; index `n` is entry `n - 1` of the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberPicks {
    pub level: usize,
    pub location: usize,
    pub department: usize,
    pub time_zone: usize,
}

#[derive(Debug, Clone)]
pub struct MemberForm {
    pub identifier: TextField,
    pub name: TextField,
    /// Index into [`MemberRow::ALL`].
    pub selected: usize,
    pub editing: bool,
    pub choices: Option<MemberChoices>,
    pub picks: MemberPicks,
    pub status: Option<MemberStatus>,
}

impl Default for MemberForm {
    fn default() -> Self {
        Self {
            identifier: TextField::plain(DEFAULT_MEMBER_IDENTIFIER),
            name: TextField::plain(DEFAULT_MEMBER_NAME),
            selected: 0,
            editing: false,
            choices: None,
            picks: MemberPicks::default(),
            status: None,
        }
    }
}

impl MemberForm {
    pub fn selected_row(&self) -> MemberRow {
        MemberRow::ALL[self.selected.min(MemberRow::ALL.len() - 1)]
    }

    pub fn is_done(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|status| status.pending_changes.is_empty())
    }

    /// Builds the member spec from the form and the pickers, or returns `None` until the
    /// choices are loaded.
    pub fn spec(&self) -> Option<MemberSpec> {
        let choices = self.choices.as_ref()?;
        let id_at = |items: &[NamedItem], index: usize| items.get(index).map(|item| item.id);
        Some(MemberSpec {
            identifier: self.identifier.text().trim().to_owned(),
            name: self.name.text().trim().to_owned(),
            level_id: id_at(&choices.levels, self.picks.level)?,
            location_id: id_at(&choices.locations, self.picks.location)?,
            department_id: id_at(&choices.departments, self.picks.department)?,
            time_zone_id: self
                .picks
                .time_zone
                .checked_sub(1)
                .and_then(|index| id_at(&choices.time_zones, index)),
        })
    }

    /// Sets the pickers to the entries of `spec`, the defaults the engine proposes.
    pub fn pick_from_spec(&mut self, spec: &MemberSpec) {
        let Some(choices) = &self.choices else {
            return;
        };
        let index_of =
            |items: &[NamedItem], id: i64| items.iter().position(|item| item.id == id).unwrap_or(0);
        self.picks = MemberPicks {
            level: index_of(&choices.levels, spec.level_id),
            location: index_of(&choices.locations, spec.location_id),
            department: index_of(&choices.departments, spec.department_id),
            time_zone: spec
                .time_zone_id
                .and_then(|id| choices.time_zones.iter().position(|item| item.id == id))
                .map_or(0, |index| index + 1),
        };
    }
}

/// The key fields of step 3, in screen order.
pub const KEY_FIELD_COUNT: usize = 2;

#[derive(Debug, Clone)]
pub struct KeyForm {
    pub public_key: TextField,
    pub private_key: TextField,
    /// 0 for the public key, 1 for the private key.
    pub selected: usize,
    pub editing: bool,
    pub result: Option<VerifiedKey>,
}

impl Default for KeyForm {
    fn default() -> Self {
        Self {
            public_key: TextField::default(),
            private_key: TextField::secret(),
            selected: 0,
            editing: false,
            result: None,
        }
    }
}

impl KeyForm {
    pub fn selected_field_mut(&mut self) -> &mut TextField {
        if self.selected == 0 {
            &mut self.public_key
        } else {
            &mut self.private_key
        }
    }

    pub fn is_done(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|verified| verified.status.is_accepted())
    }
}

/// A key that ConnectWise accepted, with the pair in the order that worked.
#[derive(Debug, Clone)]
pub struct VerifiedKey {
    pub status: KeyStatus,
    pub pair: KeyPair,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringOutcome {
    Stored { account: String },
    Failed { message: String },
}

#[derive(Debug, Clone, Default)]
pub struct RegistrationState {
    /// Whether the private key is shown; reset whenever the user leaves step 4.
    pub revealed: bool,
    pub keyring: Option<KeyringOutcome>,
}

/// The engine calls the wizard makes, for the spinner text and for matching replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Connect,
    EnsureRole,
    RecheckRole,
    MemberChoices,
    EnsureMember,
    ApplyMemberChanges,
    VerifyKey,
    StoreKey,
    DemoRoleLevels,
    DemoCreateKey,
}

/// The one request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingRequest {
    pub id: RequestId,
    pub kind: RequestKind,
}

/// The reason the wizard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user closed the summary.
    Finished,
    /// The user quit with `q` or Esc before the summary.
    Quit,
    /// Ctrl-C in the terminal, or SIGINT.
    Interrupted,
    /// SIGTERM.
    Terminated,
    /// SIGHUP: the terminal went away.
    HungUp,
}

impl Exit {
    /// Returns the process exit code: 0 when the user ended the wizard, 128 plus the signal
    /// number when a signal or Ctrl-C did, as shells report it.
    pub fn code(self) -> u8 {
        match self {
            Exit::Finished | Exit::Quit => 0,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HungUp => 129,
        }
    }
}

#[derive(Debug)]
pub struct Model {
    pub step: Step,
    pub demo: bool,
    /// The selected tools; the first one is the tool whose key steps 3 and 4 handle.
    pub tools: Vec<Manifest>,
    /// The merged requirements of every selected tool.
    pub requirements: Requirements,
    pub allow_admin_role: bool,
    pub connect: ConnectForm,
    pub connection: Option<ConnectionInfo>,
    pub role: RoleForm,
    pub member: MemberForm,
    pub key: KeyForm,
    pub registration: RegistrationState,
    pub pending: Option<PendingRequest>,
    next_request_id: RequestId,
    /// The last failure, in the engine's own words, until the next action.
    pub error: Option<String>,
    /// Guidance or a confirmation, cleared by the next key press.
    pub notice: Option<String>,
    /// Advances on each tick while a request runs.
    pub spinner: usize,
    /// Set when the wizard should end; the event loop then restores the terminal and exits.
    pub exit: Option<Exit>,
}

impl Model {
    /// Creates the model for the given tools; the list must not be empty.
    pub fn new(tools: Vec<Manifest>, allow_admin_role: bool, demo: bool) -> anyhow::Result<Model> {
        if tools.is_empty() {
            anyhow::bail!("no tool is selected: the wizard needs at least one tool manifest");
        }
        let requirements = Requirements::merge(&tools);
        Ok(Model {
            step: Step::Connect,
            demo,
            tools,
            requirements,
            allow_admin_role,
            connect: ConnectForm::default(),
            connection: None,
            role: RoleForm::default(),
            member: MemberForm::default(),
            key: KeyForm::default(),
            registration: RegistrationState::default(),
            pending: None,
            next_request_id: 1,
            error: None,
            notice: None,
            spinner: 0,
            exit: None,
        })
    }

    /// Returns the tool whose API key steps 3 and 4 handle.
    pub fn key_tool(&self) -> &Manifest {
        // `new` rejects an empty list, so the first tool exists.
        &self.tools[0]
    }

    /// Records a new request as the one in flight and returns its id; the reply to any earlier
    /// request will be dropped.
    pub fn start_request(&mut self, kind: RequestKind) -> RequestId {
        let id = self.next_request_id;
        self.next_request_id += 1;
        self.pending = Some(PendingRequest { id, kind });
        self.error = None;
        self.spinner = 0;
        id
    }

    /// Clears the request in flight if `id` is its id, and returns its kind.
    ///
    /// Returns `None` for a reply to a request that is no longer awaited.
    pub fn finish_request(&mut self, id: RequestId) -> Option<RequestKind> {
        match self.pending {
            Some(pending) if pending.id == id => {
                self.pending = None;
                Some(pending.kind)
            }
            _ => None,
        }
    }

    pub fn is_done(&self, step: Step) -> bool {
        match step {
            Step::Connect => self.connection.is_some(),
            Step::Role => self.role.is_done(),
            Step::Member => self.member.is_done(),
            Step::Key => self.key.is_done(),
            Step::Registration => {
                self.step == Step::Summary
                    || matches!(
                        self.registration.keyring,
                        Some(KeyringOutcome::Stored { .. })
                    )
            }
            Step::Summary => self.exit == Some(Exit::Finished),
        }
    }

    /// The first earlier step that must be finished before `step` can be shown.
    pub fn blocker(&self, step: Step) -> Option<Step> {
        let required: &[Step] = match step {
            Step::Connect => &[],
            Step::Role => &[Step::Connect],
            Step::Member => &[Step::Connect, Step::Role],
            Step::Key => &[Step::Connect, Step::Role, Step::Member],
            Step::Registration | Step::Summary => {
                &[Step::Connect, Step::Role, Step::Member, Step::Key]
            }
        };
        required
            .iter()
            .copied()
            .find(|earlier| !self.is_done(*earlier))
    }

    /// Forgets the results of `step` and every later step, after an input they depend on
    /// changed.
    pub fn invalidate_from(&mut self, step: Step) {
        if step <= Step::Role {
            self.role.status = None;
            self.role.outcome = None;
            self.role.selected_line = 0;
        }
        if step <= Step::Member {
            self.member.status = None;
        }
        if step <= Step::Key {
            self.key.result = None;
        }
        if step <= Step::Registration {
            self.registration = RegistrationState::default();
        }
    }

    /// Returns whether a text field of the current screen receives typed characters.
    pub fn is_editing(&self) -> bool {
        match self.step {
            Step::Connect => self.connect.editing,
            Step::Role => self.role.editing,
            Step::Member => self.member.editing,
            Step::Key => self.key.editing,
            Step::Registration | Step::Summary => false,
        }
    }

    pub fn stop_editing(&mut self) {
        self.connect.editing = false;
        self.role.editing = false;
        self.member.editing = false;
        self.key.editing = false;
    }
}
