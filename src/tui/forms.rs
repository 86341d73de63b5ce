//! The form of each screen: its fields, its rows in screen order and the selected row.

use crate::cwm::models::NamedItem;
use crate::cwm::site::CLOUD_REGIONS;
use crate::provision::{
    KeyStatus, Layout, MemberChoices, MemberSpec, MemberStatus, Outcome, RoleStatus,
    DEFAULT_MEMBER_IDENTIFIER, DEFAULT_MEMBER_NAME,
};
use crate::requirements::Manifest;
use crate::secrets::KeyPair;

use super::input::TextField;

/// The role name proposed before the user edits it.
pub const DEFAULT_ROLE_NAME: &str = "Visionary 360 API";

/// Index of "Custom URL" in the site picker, after the cloud regions.
pub const SITE_CUSTOM: usize = CLOUD_REGIONS.len();

/// The rows of the Connect screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectRow {
    Site,
    /// Shown only when the site picker is on "Custom URL".
    CustomUrl,
    Company,
    PublicKey,
    PrivateKey,
    ClientId,
}

impl ConnectRow {
    pub fn is_text(self) -> bool {
        self != ConnectRow::Site
    }
}

#[derive(Debug, Clone)]
pub struct ConnectForm {
    /// Index into [`CLOUD_REGIONS`], or [`SITE_CUSTOM`].
    pub site_choice: usize,
    pub custom_url: TextField,
    pub company: TextField,
    pub public_key: TextField,
    pub private_key: TextField,
    pub client_id: TextField,
    /// Index into [`ConnectForm::rows`].
    pub selected: usize,
    pub editing: bool,
    /// Set by any edit after the last successful connection, so Enter connects again.
    pub dirty: bool,
    /// Set when an edit dropped a working connection, so the Connect screen requests a new one.
    pub reconnect_needed: bool,
    /// The row of the last paste and what cleaning removed from it, shown beside the row until
    /// the next edit.
    pub paste_feedback: Option<(ConnectRow, String)>,
}

impl Default for ConnectForm {
    fn default() -> Self {
        Self {
            site_choice: 0,
            custom_url: TextField::default(),
            company: TextField::default(),
            public_key: TextField::secret(),
            private_key: TextField::secret(),
            client_id: TextField::default(),
            selected: 0,
            editing: false,
            dirty: true,
            reconnect_needed: false,
            paste_feedback: None,
        }
    }
}

impl ConnectForm {
    pub fn rows(&self) -> Vec<ConnectRow> {
        let mut rows = vec![ConnectRow::Site];
        if self.site_choice == SITE_CUSTOM {
            rows.push(ConnectRow::CustomUrl);
        }
        rows.extend([
            ConnectRow::Company,
            ConnectRow::PublicKey,
            ConnectRow::PrivateKey,
            ConnectRow::ClientId,
        ]);
        rows
    }

    pub fn selected_row(&self) -> ConnectRow {
        let rows = self.rows();
        rows[self.selected.min(rows.len() - 1)]
    }

    pub fn select_row(&mut self, row: ConnectRow) {
        if let Some(index) = self.rows().iter().position(|candidate| *candidate == row) {
            self.selected = index;
        }
    }

    pub fn field(&self, row: ConnectRow) -> Option<&TextField> {
        match row {
            ConnectRow::Site => None,
            ConnectRow::CustomUrl => Some(&self.custom_url),
            ConnectRow::Company => Some(&self.company),
            ConnectRow::PublicKey => Some(&self.public_key),
            ConnectRow::PrivateKey => Some(&self.private_key),
            ConnectRow::ClientId => Some(&self.client_id),
        }
    }

    pub fn field_mut(&mut self, row: ConnectRow) -> Option<&mut TextField> {
        match row {
            ConnectRow::Site => None,
            ConnectRow::CustomUrl => Some(&mut self.custom_url),
            ConnectRow::Company => Some(&mut self.company),
            ConnectRow::PublicKey => Some(&mut self.public_key),
            ConnectRow::PrivateKey => Some(&mut self.private_key),
            ConnectRow::ClientId => Some(&mut self.client_id),
        }
    }

    /// Returns the site as the engine takes it: a region name, or the custom URL.
    pub fn site_input(&self) -> String {
        match CLOUD_REGIONS.get(self.site_choice) {
            Some((name, _)) => (*name).to_owned(),
            None => self.custom_url.text().trim().to_owned(),
        }
    }

    /// Selects the region that `site` names by region name or web host, or else "Custom URL"
    /// with `site` as its text.
    pub fn set_site(&mut self, site: &str) {
        let wanted = site
            .trim()
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_ascii_lowercase();
        let region = CLOUD_REGIONS.iter().position(|(name, host)| {
            wanted == *name || wanted == *host || wanted == format!("api-{host}")
        });
        match region {
            Some(index) => self.site_choice = index,
            None => {
                self.site_choice = SITE_CUSTOM;
                self.custom_url.set(site.trim());
            }
        }
    }
}

/// The details of a successful connection, without the session itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// The id of the connect request; commands name the session by it.
    pub session_id: super::model::RequestId,
    /// The web host of the site, with the port when it is not the scheme's default, as the
    /// keyring account names it.
    pub site_host: String,
    /// The site's web address with its scheme, such as `https://na.myconnectwise.net` or
    /// `http://127.0.0.1:8080`: the `site` field that step 4 shows, copies and sends.
    pub site_url: String,
    pub company_id: String,
    pub client_id: String,
    pub company_name: String,
    pub version: String,
    pub admin_identifier: String,
}

/// The layout of API members and security roles across the selected tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemberLayout {
    /// Choice 1: one member and one role for all tools.
    #[default]
    Shared,
    /// Choice 2: one member and one role per tool.
    PerTool,
}

impl From<MemberLayout> for Layout {
    fn from(layout: MemberLayout) -> Layout {
        match layout {
            MemberLayout::Shared => Layout::Shared,
            MemberLayout::PerTool => Layout::PerTool,
        }
    }
}

/// The role and member of a target that the wizard finished, for the summary.
#[derive(Debug, Clone)]
pub struct FinishedTarget {
    pub role: RoleStatus,
    pub role_outcome: Outcome,
    pub checklist_override: Option<ChecklistOverride>,
    pub member: MemberStatus,
}

/// A tool whose key the wizard finished, with what step 4 did with it.
#[derive(Debug, Clone)]
pub struct FinishedTool {
    pub tool: Manifest,
    pub key: VerifiedKey,
    pub registration: RegistrationState,
}

/// The rows of the security role screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleRow {
    /// A tool of the catalog, by index.
    Tool(usize),
    Layout,
    Name,
    /// A checklist line, by index.
    Line(usize),
}

/// The user's decision to continue although required permissions are missing, kept for the
/// audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistOverride {
    pub role_name: String,
    /// The unmet lines, as "Module > Function verb: needs Level".
    pub unmet: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RoleForm {
    pub name: TextField,
    pub editing: bool,
    pub layout: MemberLayout,
    /// Index into the rows of the screen (see [`RoleForm::row`]).
    pub selected: usize,
    /// The latest comparison of the role with the requirements.
    pub status: Option<RoleStatus>,
    /// Whether this run created the role or found it. A re-read keeps the first outcome.
    pub outcome: Option<Outcome>,
    /// Set when the user continued with unmet lines; cleared when the checklist changes.
    pub checklist_override: Option<ChecklistOverride>,
}

impl Default for RoleForm {
    fn default() -> Self {
        Self {
            name: TextField::plain(DEFAULT_ROLE_NAME),
            editing: false,
            layout: MemberLayout::Shared,
            selected: 0,
            status: None,
            outcome: None,
            checklist_override: None,
        }
    }
}

impl RoleForm {
    pub fn row_count(&self, tool_count: usize) -> usize {
        let lines = self
            .status
            .as_ref()
            .map_or(0, |status| status.checklist.lines.len());
        tool_count + 2 + lines
    }

    /// Returns the row at `index` for a catalog of `tool_count` tools.
    pub fn row(&self, index: usize, tool_count: usize) -> RoleRow {
        if index < tool_count {
            RoleRow::Tool(index)
        } else if index == tool_count {
            RoleRow::Layout
        } else if index == tool_count + 1 {
            RoleRow::Name
        } else {
            RoleRow::Line(index - tool_count - 2)
        }
    }

    pub fn is_met(&self) -> bool {
        self.status
            .as_ref()
            .is_some_and(|status| status.checklist.is_met())
    }

    pub fn is_done(&self) -> bool {
        self.status.is_some() && (self.is_met() || self.checklist_override.is_some())
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
    /// The identifiers of the members this run created. A later change to such a member still
    /// counts as created, and it had no API key before this run.
    pub created: Vec<String>,
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
            created: Vec::new(),
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

    /// Returns whether this run created the member `identifier`, ignoring ASCII case.
    pub fn created_this_run(&self, identifier: &str) -> bool {
        self.created
            .iter()
            .any(|created| created.eq_ignore_ascii_case(identifier))
    }

    /// Returns the entries of a picker row, with "site default" first for the time zone.
    pub fn picker_items(&self, row: MemberRow) -> Vec<String> {
        let Some(choices) = &self.choices else {
            return Vec::new();
        };
        let names = |items: &[NamedItem]| items.iter().map(|item| item.name.clone()).collect();
        match row {
            MemberRow::Level => names(&choices.levels),
            MemberRow::Location => names(&choices.locations),
            MemberRow::BusinessUnit => names(&choices.departments),
            MemberRow::TimeZone => {
                let mut items = vec![super::strings::TIME_ZONE_DEFAULT.to_owned()];
                items.extend(choices.time_zones.iter().map(|item| item.name.clone()));
                items
            }
            MemberRow::Identifier | MemberRow::Name => Vec::new(),
        }
    }

    pub fn pick_mut(&mut self, row: MemberRow) -> Option<&mut usize> {
        match row {
            MemberRow::Level => Some(&mut self.picks.level),
            MemberRow::Location => Some(&mut self.picks.location),
            MemberRow::BusinessUnit => Some(&mut self.picks.department),
            MemberRow::TimeZone => Some(&mut self.picks.time_zone),
            MemberRow::Identifier | MemberRow::Name => None,
        }
    }

    pub fn pick(&self, row: MemberRow) -> usize {
        match row {
            MemberRow::Level => self.picks.level,
            MemberRow::Location => self.picks.location,
            MemberRow::BusinessUnit => self.picks.department,
            MemberRow::TimeZone => self.picks.time_zone,
            MemberRow::Identifier | MemberRow::Name => 0,
        }
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

/// The source of the tool's API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyRoute {
    /// A durable key created on the member's API Keys tab in the web UI.
    #[default]
    Durable,
    /// A key pair minted through the impersonation tokens endpoint; it expires.
    Tokens,
}

/// The rows of the API key screen, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRow {
    Route,
    PublicKey,
    PrivateKey,
}

impl KeyRow {
    pub const ALL: [KeyRow; 3] = [KeyRow::Route, KeyRow::PublicKey, KeyRow::PrivateKey];
}

#[derive(Debug, Clone)]
pub struct KeyForm {
    pub route: KeyRoute,
    pub public_key: TextField,
    pub private_key: TextField,
    /// Index into [`KeyRow::ALL`]; starts on the public key.
    pub selected: usize,
    pub editing: bool,
    /// The description of what cleaning removed from the last paste, for the public and the
    /// private field.
    pub paste_feedback: [Option<String>; 2],
    pub result: Option<VerifiedKey>,
}

impl Default for KeyForm {
    fn default() -> Self {
        Self {
            route: KeyRoute::Durable,
            public_key: TextField::secret(),
            private_key: TextField::secret(),
            selected: 1,
            editing: false,
            paste_feedback: [None, None],
            result: None,
        }
    }
}

impl KeyForm {
    pub fn selected_row(&self) -> KeyRow {
        KeyRow::ALL[self.selected.min(KeyRow::ALL.len() - 1)]
    }

    /// Returns the selected key field with its index in `paste_feedback`.
    pub fn selected_field_mut(&mut self) -> Option<(&mut TextField, usize)> {
        match self.selected_row() {
            KeyRow::Route => None,
            KeyRow::PublicKey => Some((&mut self.public_key, 0)),
            KeyRow::PrivateKey => Some((&mut self.private_key, 1)),
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
    /// The route that produced the key; a minted key carries its expiration.
    pub route: KeyRoute,
    /// When a minted key stops working, as ConnectWise reported it.
    pub expiration: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringOutcome {
    Stored { account: String },
    Failed { message: String },
}

/// The fields of the registration form, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationField {
    Site,
    Company,
    PublicKey,
    PrivateKey,
    ClientId,
    MemberIdentifier,
}

impl RegistrationField {
    pub const ALL: [RegistrationField; 6] = [
        RegistrationField::Site,
        RegistrationField::Company,
        RegistrationField::PublicKey,
        RegistrationField::PrivateKey,
        RegistrationField::ClientId,
        RegistrationField::MemberIdentifier,
    ];

    /// Returns the name that a manifest's `registration_fields` and the registration endpoint
    /// use.
    pub fn wire_name(self) -> &'static str {
        match self {
            RegistrationField::Site => "site",
            RegistrationField::Company => "company_id",
            RegistrationField::PublicKey => "public_key",
            RegistrationField::PrivateKey => "private_key",
            RegistrationField::ClientId => "client_id",
            RegistrationField::MemberIdentifier => "member_identifier",
        }
    }
}

/// The outcome of sending the key pair to the tool's registration endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The HTTP status and the start of the response body.
    Sent {
        status: u16,
        response: String,
    },
    Failed {
        message: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct RegistrationState {
    /// Index into [`RegistrationField::ALL`].
    pub selected: usize,
    /// Whether the private key is shown; reset whenever the user leaves step 4.
    pub revealed: bool,
    pub keyring: Option<KeyringOutcome>,
    pub sent: Option<SendOutcome>,
    /// The field most recently copied to the clipboard.
    pub copied: Option<RegistrationField>,
}

impl RegistrationState {
    /// Returns whether the key pair is kept outside this program: stored in the keyring, or
    /// accepted by the registration endpoint with a 2xx status.
    pub fn keeps_key(&self) -> bool {
        let stored = matches!(self.keyring, Some(KeyringOutcome::Stored { .. }));
        let sent = matches!(
            self.sent,
            Some(SendOutcome::Sent { status, .. }) if (200..300).contains(&status)
        );
        stored || sent
    }

    pub fn selected_field(&self) -> RegistrationField {
        RegistrationField::ALL[self.selected.min(RegistrationField::ALL.len() - 1)]
    }
}
