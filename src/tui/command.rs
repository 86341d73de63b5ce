//! Commands that `update` returns, and the runner that performs each one as a tokio task and
//! sends the reply back as a [`Msg`].
//!
//! The runner keeps the engine sessions, keyed by the id of the connect request that opened
//! them, so the model stays plain data. Every task owns clones of what it needs and never
//! touches the terminal.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::mpsc;

use super::message::Msg;
use super::model::{ConnectionInfo, RequestId};
use crate::cwm::site::web_host;
use crate::cwm::Credentials;
use crate::provision::{MemberSpec, RoleSummary, Session};
use crate::requirements::Requirements;
use crate::sandbox::{LevelChange, Sandbox};
use crate::secrets::{keystore, KeyPair};

/// Capacity of the reply channel. The wizard keeps one request in flight, and only replies to
/// abandoned requests can add to it, so a few slots are enough. A full channel delays the
/// sending task and loses nothing.
pub const REPLY_CHANNEL_CAPACITY: usize = 16;

/// How long a keyring call may take before the wizard reports it as unavailable. Some Secret
/// Service setups wait for an unlock prompt that never comes in a terminal session.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

/// One permission level for the sandbox to set, as the web UI would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLevel {
    pub module: String,
    pub function: String,
    /// `add`, `edit`, `delete` or `inquire`.
    pub verb: &'static str,
    /// `None`, `Mine`, `My` or `All`.
    pub level: &'static str,
}

/// An engine call requested by `update`; `session` is the id of the connect request whose
/// session the call uses.
#[derive(Debug)]
pub enum Command {
    Connect {
        request_id: RequestId,
        site: String,
        credentials: Credentials,
    },
    EnsureRole {
        request_id: RequestId,
        session: RequestId,
        name: String,
        requirements: Requirements,
        allow_admin: bool,
    },
    RecheckRole {
        request_id: RequestId,
        session: RequestId,
        role: RoleSummary,
        requirements: Requirements,
    },
    LoadMemberChoices {
        request_id: RequestId,
        session: RequestId,
    },
    EnsureMember {
        request_id: RequestId,
        session: RequestId,
        spec: MemberSpec,
        role: RoleSummary,
        apply_changes: bool,
    },
    VerifyKey {
        request_id: RequestId,
        session: RequestId,
        identifier: String,
        pair: KeyPair,
        requirements: Requirements,
    },
    StoreKey {
        request_id: RequestId,
        account: String,
        pair: KeyPair,
    },
    DemoSetRoleLevels {
        request_id: RequestId,
        role_id: i64,
        levels: Vec<DemoLevel>,
    },
    DemoCreateKey {
        request_id: RequestId,
        identifier: String,
        description: String,
    },
}

/// Performs commands on the tokio runtime.
pub struct Runner {
    replies: mpsc::Sender<Msg>,
    sessions: Arc<Mutex<HashMap<RequestId, Arc<Session>>>>,
    sandbox: Option<Arc<Sandbox>>,
}

impl Runner {
    pub fn new(replies: mpsc::Sender<Msg>, sandbox: Option<Arc<Sandbox>>) -> Self {
        Self {
            replies,
            sessions: Arc::default(),
            sandbox,
        }
    }

    /// Starts the command as a task and returns at once; the reply arrives on the channel.
    pub fn spawn(&self, command: Command) {
        match command {
            Command::Connect {
                request_id,
                site,
                credentials,
            } => {
                let sessions = Arc::clone(&self.sessions);
                self.reply(async move {
                    let result = connect(request_id, &site, credentials, &sessions).await;
                    Msg::ConnectDone { request_id, result }
                });
            }
            Command::EnsureRole {
                request_id,
                session,
                name,
                requirements,
                allow_admin,
            } => {
                let session = self.session(session);
                self.reply(async move {
                    let result = match session {
                        Ok(session) => session
                            .ensure_role(&name, &requirements, allow_admin)
                            .await
                            .map_err(|error| describe("finding or creating the role", error)),
                        Err(error) => Err(error),
                    };
                    Msg::RoleDone { request_id, result }
                });
            }
            Command::RecheckRole {
                request_id,
                session,
                role,
                requirements,
            } => {
                let session = self.session(session);
                self.reply(async move {
                    let result = match session {
                        Ok(session) => session
                            .recheck_role(&role, &requirements)
                            .await
                            .map_err(|error| describe("re-reading the role", error)),
                        Err(error) => Err(error),
                    };
                    Msg::RoleDone { request_id, result }
                });
            }
            Command::LoadMemberChoices {
                request_id,
                session,
            } => {
                let session = self.session(session);
                self.reply(async move {
                    let result = match session {
                        Ok(session) => session
                            .member_choices()
                            .await
                            .map_err(|error| describe("reading the member choices", error)),
                        Err(error) => Err(error),
                    };
                    Msg::MemberChoicesDone { request_id, result }
                });
            }
            Command::EnsureMember {
                request_id,
                session,
                spec,
                role,
                apply_changes,
            } => {
                let session = self.session(session);
                self.reply(async move {
                    let result = match session {
                        Ok(session) => session
                            .ensure_member(&spec, &role, apply_changes)
                            .await
                            .map_err(|error| describe("finding or creating the API member", error)),
                        Err(error) => Err(error),
                    };
                    Msg::MemberDone { request_id, result }
                });
            }
            Command::VerifyKey {
                request_id,
                session,
                identifier,
                pair,
                requirements,
            } => {
                let session = self.session(session);
                self.reply(async move {
                    let result = match session {
                        Ok(session) => session
                            .verify_key(&identifier, &pair, &requirements)
                            .await
                            .map_err(|error| describe("verifying the API key", error)),
                        Err(error) => Err(error),
                    };
                    Msg::KeyVerified { request_id, result }
                });
            }
            Command::StoreKey {
                request_id,
                account,
                pair,
            } => {
                self.reply(async move {
                    let result = store_key(account, pair).await;
                    Msg::KeyStored { request_id, result }
                });
            }
            Command::DemoSetRoleLevels {
                request_id,
                role_id,
                levels,
            } => {
                let sandbox = self.sandbox.clone();
                self.reply(async move {
                    let changes: Vec<LevelChange> = levels
                        .into_iter()
                        .map(|level| LevelChange {
                            module: level.module,
                            function: level.function,
                            verb: level.verb.to_owned(),
                            level: level.level.to_owned(),
                        })
                        .collect();
                    let result = match sandbox {
                        Some(sandbox) => {
                            sandbox.set_role_levels(role_id, &changes).map_err(|error| {
                                format!("the sandbox could not set the levels: {error:#}")
                            })
                        }
                        None => Err(NOT_DEMO.to_owned()),
                    };
                    Msg::DemoRoleLevelsDone { request_id, result }
                });
            }
            Command::DemoCreateKey {
                request_id,
                identifier,
                description,
            } => {
                let sandbox = self.sandbox.clone();
                self.reply(async move {
                    let result = match sandbox {
                        Some(sandbox) => sandbox
                            .create_api_key(&identifier, &description)
                            .map(|(public_key, private_key)| KeyPair::new(public_key, private_key))
                            .map_err(|error| {
                                format!("the sandbox could not create a key: {error:#}")
                            }),
                        None => Err(NOT_DEMO.to_owned()),
                    };
                    Msg::DemoKeyCreated { request_id, result }
                });
            }
        }
    }

    fn reply(&self, task: impl Future<Output = Msg> + Send + 'static) {
        let replies = self.replies.clone();
        tokio::spawn(async move {
            let message = task.await;
            // The receiver is gone only when the wizard is exiting, so the reply is not needed.
            let _ = replies.send(message).await;
        });
    }

    fn session(&self, id: RequestId) -> Result<Arc<Session>, String> {
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .cloned()
            .ok_or_else(|| "the connection to ConnectWise is gone; connect again".to_owned())
    }
}

const NOT_DEMO: &str = "this key works only in the demo (v360-setup --demo)";

async fn connect(
    request_id: RequestId,
    site: &str,
    credentials: Credentials,
    sessions: &Mutex<HashMap<RequestId, Arc<Session>>>,
) -> Result<ConnectionInfo, String> {
    let company_id = credentials.company_id.clone();
    let client_id = credentials.client_id.clone();
    let session = Session::connect(site, credentials)
        .await
        .map_err(|error| describe("connecting", error))?;

    let site = session.client().site();
    let site_host = match site.port() {
        Some(port) => format!("{}:{port}", web_host(site)),
        None => web_host(site),
    };
    let info = ConnectionInfo {
        session_id: request_id,
        site_host,
        company_id,
        client_id,
        company_name: session.company.company_name.clone(),
        version: session.system.version.clone(),
        admin_identifier: session.admin.identifier.clone().unwrap_or_default(),
    };
    tracing::info!(company = %info.company_name, version = %info.version, "connected");
    sessions
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(request_id, Arc::new(session));
    Ok(info)
}

/// Runs the blocking keyring call off the runtime's worker threads, with a timeout.
async fn store_key(account: String, pair: KeyPair) -> Result<String, String> {
    let task =
        tokio::task::spawn_blocking(move || keystore::store(&account, &pair).map(|()| account));
    match tokio::time::timeout(KEYRING_TIMEOUT, task).await {
        Ok(Ok(Ok(account))) => {
            tracing::info!(%account, "key pair stored in the OS keyring");
            Ok(account)
        }
        Ok(Ok(Err(error))) => Err(describe("storing the key pair", error)),
        Ok(Err(join_error)) => Err(describe(
            "storing the key pair",
            format!("the OS keyring call failed ({join_error}); the key stays in memory only"),
        )),
        Err(_) => Err(format!(
            "the OS keyring did not answer within {} s; the key stays in memory only",
            KEYRING_TIMEOUT.as_secs()
        )),
    }
}

/// Logs a failed engine call and returns its message for the screen.
fn describe(action: &str, error: impl std::fmt::Display) -> String {
    let message = error.to_string();
    tracing::warn!("{action} failed: {message}");
    message
}
