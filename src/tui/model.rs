//! The wizard's state: the current step, each step's form, the results so far, the request in
//! flight and the last error.
//!
//! The model contains no I/O handles. Commands name the connection by the id of the request that
//! opened it, and the task runner in `command.rs` keeps the session itself.

use crate::provision::{targets, ProvisionError, Target};
use crate::requirements::{Manifest, Requirements};

pub use super::error::ErrorReport;
pub use super::forms::*;
pub use super::input::TextField;

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
    MintKey,
    StoreKey,
    SendRegistration,
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

/// A window drawn over the current screen; it takes the keys until closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// Every key of the wizard.
    Help,
    /// The full error chain of the last error.
    ErrorDetails,
    /// A list to choose from, filtered by what the user types.
    Picker(Picker),
}

/// What a picker sets when the user chooses an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerTarget {
    Site,
    Member(MemberRow),
}

/// A list to choose from, with a type-to-filter text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub target: PickerTarget,
    pub title: String,
    pub items: Vec<String>,
    pub filter: String,
    /// Index into [`Picker::visible`], the filtered list.
    pub highlighted: usize,
}

impl Picker {
    /// Returns the indexes into `items` of the entries that contain the filter text, ignoring
    /// case.
    pub fn visible(&self) -> Vec<usize> {
        let filter = self.filter.to_lowercase();
        self.items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.to_lowercase().contains(&filter))
            .map(|(index, _)| index)
            .collect()
    }
}

/// A question that the next key answers: `y` confirms, any other key cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Leave the wizard before the summary.
    Quit,
    /// Leave the wizard while a verified key pair is neither stored in the keyring nor sent, so
    /// the private key would be lost.
    QuitUnsavedKey,
    /// Continue to step 2 with required permissions missing.
    ChecklistOverride,
    /// Move on to the next tool while this tool's verified key pair is neither stored nor
    /// sent. Its step 4 cannot be opened again.
    NextToolUnsavedKey,
}

/// An event for the audit log, recorded in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditEvent {
    /// The user continued with required permissions unmet.
    ChecklistOverride(ChecklistOverride),
}

/// The clipboard as the wizard left it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClipboardState {
    /// The tick at which the copied value is cleared; `None` when nothing is on it.
    pub clear_at_tick: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub step: Step,
    pub demo: bool,
    /// Draws without colour, for `NO_COLOR` and monochrome terminals.
    pub monochrome: bool,
    /// The catalog of tools the user may select.
    pub tools: Vec<Manifest>,
    /// Whether each tool of the catalog is selected.
    pub selected_tools: Vec<bool>,
    /// The merged requirements of every selected tool.
    pub requirements: Requirements,
    pub allow_admin_role: bool,
    pub connect: ConnectForm,
    pub connection: Option<ConnectionInfo>,
    pub role: RoleForm,
    pub member: MemberForm,
    pub key: KeyForm,
    pub registration: RegistrationState,
    /// Index of the target whose role and member steps 1 and 2 set up. Choice 1 has one target
    /// with every selected tool; Choice 2 has one target per tool.
    pub target_index: usize,
    /// The targets before `target_index`, whose role and member are set up.
    pub finished_targets: Vec<FinishedTarget>,
    /// The tools before the current one whose keys steps 3 and 4 handled.
    pub finished_tools: Vec<FinishedTool>,
    pub pending: Option<PendingRequest>,
    next_request_id: RequestId,
    /// The last failure until the next action.
    pub error: Option<ErrorReport>,
    /// Guidance or a confirmation, cleared by the next key press.
    pub notice: Option<String>,
    pub overlay: Option<Overlay>,
    pub confirm: Option<Confirm>,
    /// Set by Esc and Enter, so typed letters act as commands, also on other rows, until `e`,
    /// Ctrl-U, a click on a row, an error or a new step lets the selected text field take them.
    pub left_field: bool,
    pub audit: Vec<AuditEvent>,
    pub clipboard: ClipboardState,
    /// The reason this terminal may ignore clipboard writes, shown after each copy. `None` for
    /// a terminal known to carry them out.
    pub clipboard_warning: Option<String>,
    /// Counts the ticks since start; the clipboard timeout is measured in ticks.
    pub ticks: u64,
    /// Advances on each tick while a request runs.
    pub spinner: usize,
    /// Set when the wizard should end; the event loop then restores the terminal and exits.
    pub exit: Option<Exit>,
    /// Set while the window is smaller than the layout needs. The view then shows only a
    /// request for a larger window, so every key but Ctrl-C is ignored.
    pub too_small: bool,
}

impl Model {
    /// Creates the model for a catalog of tools, which must not be empty. Email reConnector is
    /// preselected when the catalog has it, else the first tool.
    pub fn new(tools: Vec<Manifest>, allow_admin_role: bool, demo: bool) -> anyhow::Result<Model> {
        if tools.is_empty() {
            anyhow::bail!("no tool is selected: the wizard needs at least one tool manifest");
        }
        let preselected = tools
            .iter()
            .position(|tool| tool.id == PRESELECTED_TOOL)
            .unwrap_or(0);
        let selected_tools = (0..tools.len()).map(|index| index == preselected).collect();
        let mut model = Model {
            step: Step::Connect,
            demo,
            monochrome: false,
            tools,
            selected_tools,
            requirements: Requirements::default(),
            allow_admin_role,
            connect: ConnectForm::default(),
            connection: None,
            role: RoleForm::default(),
            member: MemberForm::default(),
            key: KeyForm::default(),
            registration: RegistrationState::default(),
            target_index: 0,
            finished_targets: Vec::new(),
            finished_tools: Vec::new(),
            pending: None,
            next_request_id: 1,
            error: None,
            notice: None,
            overlay: None,
            confirm: None,
            left_field: false,
            audit: Vec::new(),
            clipboard: ClipboardState::default(),
            clipboard_warning: None,
            ticks: 0,
            spinner: 0,
            exit: None,
            too_small: false,
        };
        model.merge_requirements();
        Ok(model)
    }

    /// Recomputes the merged requirements from the selected tools.
    pub fn merge_requirements(&mut self) {
        let selected: Vec<Manifest> = self.selected_tool_list().into_iter().cloned().collect();
        self.requirements = Requirements::merge(&selected);
    }

    pub fn selected_tool_list(&self) -> Vec<&Manifest> {
        self.tools
            .iter()
            .zip(&self.selected_tools)
            .filter(|(_, selected)| **selected)
            .map(|(tool, _)| tool)
            .collect()
    }

    /// Splits the selected tools into targets for the layout, with the role name and member
    /// identifier of each. Fails when no tool is selected or a name with a tool's suffix is
    /// invalid.
    pub fn targets(&self) -> Result<Vec<Target>, ProvisionError> {
        let selected: Vec<Manifest> = self.selected_tool_list().into_iter().cloned().collect();
        targets(
            self.role.layout.into(),
            &selected,
            self.role.name.text(),
            self.member.identifier.text(),
        )
    }

    /// Returns the target that steps 1 and 2 set up now, if the inputs are valid.
    pub fn current_target(&self) -> Option<Target> {
        self.targets().ok()?.into_iter().nth(self.target_index)
    }

    /// Returns the identifier of the current target's member: in Choice 2 the typed
    /// identifier with the tool's suffix.
    pub fn member_identifier(&self) -> String {
        match self.current_target() {
            Some(target) => target.member_identifier,
            None => self.member.identifier.text().trim().to_owned(),
        }
    }

    /// Returns the requirements of the current target: all selected tools in Choice 1, one
    /// tool in Choice 2.
    pub fn target_requirements(&self) -> Requirements {
        match self.current_target() {
            Some(target) => target.requirements,
            None => self.requirements.clone(),
        }
    }

    /// Returns the tool whose API key steps 3 and 4 handle now.
    pub fn key_tool(&self) -> &Manifest {
        let position = self.finished_tools.len();
        let index = self
            .selected_tools
            .iter()
            .enumerate()
            .filter(|(_, selected)| **selected)
            .map(|(index, _)| index)
            .nth(position)
            .unwrap_or(0);
        // `new` rejects an empty catalog, so index 0 exists.
        &self.tools[index]
    }

    /// Returns the 1-based number of the current key tool and the number of selected tools.
    pub fn key_tool_position(&self) -> (usize, usize) {
        let count = self
            .selected_tools
            .iter()
            .filter(|selected| **selected)
            .count();
        (self.finished_tools.len() + 1, count)
    }

    /// Returns whether a tool after the current one still needs its key.
    pub fn has_more_tools(&self) -> bool {
        let (position, count) = self.key_tool_position();
        position < count
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
                if self.notice.as_deref() == Some(super::strings::wait_for(pending.kind).as_str()) {
                    self.notice = None;
                }
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
            // The targets themselves may have changed, so the work starts again at the first.
            self.target_index = 0;
            self.finished_targets.clear();
            self.finished_tools.clear();
            self.role.status = None;
            self.role.outcome = None;
            self.role.checklist_override = None;
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

    /// Forgets the connection, the request in flight (also a connect request that has not
    /// replied yet) and every result that came through the connection, after a connection field
    /// changed: they may belong to another site, company or administrator.
    pub fn forget_connection(&mut self) {
        self.connect.dirty = true;
        // A connect request in flight was built from the old values, so its reply is dropped.
        if self
            .pending
            .is_some_and(|pending| pending.kind == RequestKind::Connect)
        {
            self.pending = None;
            self.connect.reconnect_needed = true;
        }
        if self.connection.take().is_none() {
            return;
        }
        self.connect.reconnect_needed = true;
        self.pending = None;
        self.member.choices = None;
        self.invalidate_from(Step::Role);
    }

    /// Returns whether a verified key pair exists that is neither stored in the keyring nor
    /// accepted by the registration endpoint with a 2xx status.
    pub fn has_unsaved_key(&self) -> bool {
        let current = self.key.result.is_some() && !self.registration.keeps_key();
        current
            || self
                .finished_tools
                .iter()
                .any(|finished| !finished.registration.keeps_key())
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

    /// Returns whether typed characters go into the selected text field rather than acting as
    /// command keys: while editing, and on a selected text field unless Esc or Enter left it.
    pub fn takes_text(&self) -> bool {
        self.is_editing() || (!self.left_field && self.selected_row_is_text())
    }

    /// Returns whether the selected row of the current screen is a secret field, which the
    /// reveal keys show and hide.
    pub fn selected_row_is_secret(&self) -> bool {
        match self.step {
            Step::Connect => self
                .connect
                .field(self.connect.selected_row())
                .is_some_and(|field| field.secret),
            Step::Key => self.key.selected_row() != KeyRow::Route,
            Step::Role | Step::Member | Step::Registration | Step::Summary => false,
        }
    }

    /// Returns whether the selected row of the current screen is a text field.
    pub fn selected_row_is_text(&self) -> bool {
        match self.step {
            Step::Connect => self.connect.selected_row().is_text(),
            Step::Role => self.role.row(self.role.selected, self.tools.len()) == RoleRow::Name,
            Step::Member => self.member.selected_row().is_text(),
            Step::Key => self.key.selected_row() != KeyRow::Route,
            Step::Registration | Step::Summary => false,
        }
    }

    /// Starts editing the selected row when it is a text field.
    pub fn start_editing_selected(&mut self) {
        match self.step {
            Step::Connect => self.connect.editing = self.connect.selected_row().is_text(),
            Step::Role => {
                self.role.editing =
                    self.role.row(self.role.selected, self.tools.len()) == RoleRow::Name;
            }
            Step::Member => self.member.editing = self.member.selected_row().is_text(),
            Step::Key => self.key.editing = self.key.selected_row() != KeyRow::Route,
            Step::Registration | Step::Summary => {}
        }
    }

    pub fn stop_editing(&mut self) {
        self.connect.editing = false;
        self.role.editing = false;
        self.member.editing = false;
        self.key.editing = false;
    }
}

/// The id of the tool selected when the wizard starts.
const PRESELECTED_TOOL: &str = "email-reconnector";
