//! Look-up results kept for one session, so a step reuses what an earlier step read concurrently
//! instead of sending the same GET again.
//!
//! [`Session::connect_for`] finds the targets' roles and API members while it checks the
//! connection, and [`Session::ensure_role`] reads the member pickers while it creates a role.
//! Those reads are speculative: a failed one is logged and left out, and the step that needs
//! it reads again. A role or member look-up is used by one step and then dropped, so a retry,
//! after the administrator fixed something in the web UI, reads the site as it is now. The picker
//! lists are kept for the session.
//!
//! NOTE: a role or member changed in the web UI between the read ahead and the step that uses
//! it (while the administrator sets role levels, say) is seen only by the step after that one.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::MemberChoices;
use crate::cwm::models::{ApiMember, SecurityRole};

#[derive(Debug, Default)]
pub(super) struct Lookups {
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// Security roles by lower-case name; `None` means the site has no such role.
    roles: HashMap<String, Option<SecurityRole>>,
    /// API members by lower-case identifier; `None` means the site has no such API member.
    api_members: HashMap<String, Option<ApiMember>>,
    /// Whether a member of any kind has the identifier, by lower-case identifier.
    members: HashMap<String, bool>,
    choices: Option<MemberChoices>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Lookups {
    fn entries(&self) -> MutexGuard<'_, Entries> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn take_role(&self, name: &str) -> Option<Option<SecurityRole>> {
        self.entries().roles.remove(&key(name))
    }

    pub(super) fn set_role(&self, name: &str, role: Option<SecurityRole>) {
        self.entries().roles.insert(key(name), role);
    }

    pub(super) fn api_member(&self, identifier: &str) -> Option<Option<ApiMember>> {
        self.entries().api_members.get(&key(identifier)).cloned()
    }

    pub(super) fn take_api_member(&self, identifier: &str) -> Option<Option<ApiMember>> {
        self.entries().api_members.remove(&key(identifier))
    }

    pub(super) fn set_api_member(&self, identifier: &str, member: Option<ApiMember>) {
        self.entries().api_members.insert(key(identifier), member);
    }

    /// Identifiers that a look-up found free of any API member.
    pub(super) fn absent_api_members(&self) -> Vec<String> {
        self.entries()
            .api_members
            .iter()
            .filter(|(_, member)| member.is_none())
            .map(|(identifier, _)| identifier.clone())
            .collect()
    }

    /// True when a look-up found one of the identifiers taken by an API member.
    pub(super) fn any_api_member_exists(&self) -> bool {
        self.entries().api_members.values().any(Option::is_some)
    }

    pub(super) fn take_member_exists(&self, identifier: &str) -> Option<bool> {
        self.entries().members.remove(&key(identifier))
    }

    pub(super) fn set_member_exists(&self, identifier: &str, exists: bool) {
        self.entries().members.insert(key(identifier), exists);
    }

    pub(super) fn choices(&self) -> Option<MemberChoices> {
        self.entries().choices.clone()
    }

    pub(super) fn set_choices(&self, choices: MemberChoices) {
        self.entries().choices = Some(choices);
    }
}
