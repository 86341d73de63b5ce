//! Commands that `update` returns, and the runner that performs each one as a tokio task and
//! sends the reply back as a [`Msg`].
//!
//! The runner keeps the engine sessions, keyed by the id of the connect request that opened
//! them, so the model stays plain data. Every task owns clones of what it needs and never
//! touches the terminal.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::SecretString;
use tokio::sync::mpsc;

use super::error::ErrorReport;
use super::message::Msg;
use super::model::{ConnectionInfo, RequestId};
use crate::cwm::site::site_label;
use crate::cwm::{ClientOptions, Credentials};
use crate::handoff::registration::{self, RegistrationFields};
use crate::provision::{MemberSpec, ProvisionError, RoleSummary, Session, Target};
use crate::requirements::Requirements;
use crate::sandbox::{LevelChange, Sandbox};
use crate::secrets::{keystore, KeyPair};

/// Capacity of the reply channel. The wizard keeps one request in flight, and only replies to
/// abandoned requests can add to it, so a few slots are enough. A full channel delays the
/// sending task and loses nothing.
pub const REPLY_CHANNEL_CAPACITY: usize = 16;

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
        /// The roles and members that step 1 would set up now, looked up while connecting so
        /// that the next steps start from the results.
        targets: Vec<Target>,
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
    /// Reads the picker lists and the values of the API member `identifier`, if it exists.
    LoadMemberChoices {
        request_id: RequestId,
        session: RequestId,
        identifier: String,
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
    /// Mints a key pair for the member through the tokens endpoint, and verifies it.
    MintKey {
        request_id: RequestId,
        session: RequestId,
        identifier: String,
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
    /// Sends the registration fields as JSON by HTTPS POST to the tool's endpoint.
    SendRegistration {
        request_id: RequestId,
        url: String,
        fields: RegistrationFields,
    },
    /// Writes the user's decision to continue with unmet permissions to the audit log.
    RecordOverride {
        session: RequestId,
        role_name: String,
        detail: String,
    },
    /// Writes to the terminal rather than spawning a task; the event loop performs it.
    Clipboard(ClipboardCommand),
}

/// A clipboard change through OSC 52, written by the event loop that owns the terminal.
#[derive(Debug)]
pub enum ClipboardCommand {
    Copy(SecretString),
    Clear,
}

/// Performs commands on the tokio runtime.
pub struct Runner {
    replies: mpsc::Sender<Msg>,
    sessions: Arc<Mutex<HashMap<RequestId, Arc<Session>>>>,
    sandbox: Option<Arc<Sandbox>>,
    /// Transport settings for every connection, such as an on-premise server's CA certificate.
    client_options: ClientOptions,
}

impl Runner {
    pub fn new(
        replies: mpsc::Sender<Msg>,
        sandbox: Option<Arc<Sandbox>>,
        client_options: ClientOptions,
    ) -> Self {
        Self {
            replies,
            sessions: Arc::default(),
            sandbox,
            client_options,
        }
    }

    /// Starts the command as a task and returns at once; the reply arrives on the channel.
    ///
    /// A clipboard command is ignored here: it is not a task, and the event loop performs it.
    pub fn spawn(&self, command: Command) {
        match command {
            Command::Connect {
                request_id,
                site,
                credentials,
                targets,
            } => {
                let sessions = Arc::clone(&self.sessions);
                let options = self.client_options.clone();
                self.reply(async move {
                    let result = connect(
                        request_id,
                        &site,
                        credentials,
                        &options,
                        &targets,
                        &sessions,
                    )
                    .await;
                    Msg::ConnectDone { request_id, result }
                });
            }
            Command::EnsureRole {
                request_id,
                session,
                name,
                requirements,
                allow_admin,
            } => self.with_session(
                session,
                "finding or creating the security role",
                move |session| async move {
                    session.ensure_role(&name, &requirements, allow_admin).await
                },
                move |result| Msg::RoleDone { request_id, result },
            ),
            Command::RecheckRole {
                request_id,
                session,
                role,
                requirements,
            } => self.with_session(
                session,
                "re-reading the security role",
                move |session| async move { session.recheck_role(&role, &requirements).await },
                move |result| Msg::RoleDone { request_id, result },
            ),
            Command::LoadMemberChoices {
                request_id,
                session,
                identifier,
            } => self.with_session(
                session,
                "reading the member choices",
                move |session| async move {
                    tokio::try_join!(
                        session.member_choices(),
                        session.existing_member_spec(&identifier)
                    )
                },
                move |result| Msg::MemberChoicesDone { request_id, result },
            ),
            Command::EnsureMember {
                request_id,
                session,
                spec,
                role,
                apply_changes,
            } => {
                self.with_session(
                    session,
                    "finding or creating the API member",
                    move |session| async move {
                        session.ensure_member(&spec, &role, apply_changes).await
                    },
                    move |result| Msg::MemberDone { request_id, result },
                )
            }
            Command::VerifyKey {
                request_id,
                session,
                identifier,
                pair,
                requirements,
            } => self.with_session(
                session,
                "verifying the API key",
                move |session| async move {
                    session.verify_key(&identifier, &pair, &requirements).await
                },
                move |result| Msg::KeyVerified { request_id, result },
            ),
            Command::MintKey {
                request_id,
                session,
                identifier,
                requirements,
            } => self.with_session(
                session,
                "minting a key pair through the tokens endpoint",
                move |session| async move {
                    let minted = session.mint_token(&identifier, &requirements).await?;
                    Ok((minted.status, minted.pair, minted.expiration))
                },
                move |result| Msg::KeyMinted { request_id, result },
            ),
            Command::StoreKey {
                request_id,
                account,
                pair,
            } => self.reply(async move {
                let result = store_key(account, pair).await;
                Msg::KeyStored { request_id, result }
            }),
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
                    let result =
                        demo_sandbox(sandbox, "setting the role levels").and_then(|sandbox| {
                            sandbox
                                .set_role_levels(role_id, &changes)
                                .map_err(|error| sandbox_error("setting the role levels", &error))
                        });
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
                    let result = demo_sandbox(sandbox, "creating an API key").and_then(|sandbox| {
                        sandbox
                            .create_api_key(&identifier, &description)
                            .map(|(public_key, private_key)| KeyPair::new(public_key, private_key))
                            .map_err(|error| sandbox_error("creating an API key", &error))
                    });
                    Msg::DemoKeyCreated { request_id, result }
                });
            }
            Command::SendRegistration {
                request_id,
                url,
                fields,
            } => self.reply(async move {
                let result = send_registration(&url, &fields).await;
                Msg::RegistrationSent { request_id, result }
            }),
            Command::RecordOverride {
                session,
                role_name,
                detail,
            } => match self.session(session) {
                Ok(session) => session.record_override("security_role", &role_name, &detail),
                Err(_) => tracing::warn!(role = %role_name, "override not audited: no session"),
            },
            Command::Clipboard(_) => {}
        }
    }

    /// Runs an engine call on the session that the connect request `session` opened, and
    /// sends its reply. A failure is logged and reported with `action` as its context.
    fn with_session<T, Call, Reply>(
        &self,
        session: RequestId,
        action: &'static str,
        call: impl FnOnce(Arc<Session>) -> Call + Send + 'static,
        reply: Reply,
    ) where
        T: Send + 'static,
        Call: Future<Output = Result<T, ProvisionError>> + Send + 'static,
        Reply: FnOnce(Result<T, ErrorReport>) -> Msg + Send + 'static,
    {
        let session = self.session(session);
        self.reply(async move {
            let result = match session {
                Ok(session) => call(session)
                    .await
                    .map_err(|error| describe(action, &error)),
                Err(error) => Err(error),
            };
            reply(result)
        });
    }

    fn reply(&self, task: impl Future<Output = Msg> + Send + 'static) {
        let replies = self.replies.clone();
        tokio::spawn(async move {
            let message = task.await;
            // The receiver is gone only when the wizard is exiting, so the reply is not needed.
            let _ = replies.send(message).await;
        });
    }

    fn session(&self, id: RequestId) -> Result<Arc<Session>, ErrorReport> {
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .cloned()
            .ok_or_else(|| {
                ErrorReport::from_message(
                    "looking up the connection",
                    "Not connected",
                    "the connection to ConnectWise is gone; connect again on the Connect screen",
                )
            })
    }
}

fn demo_sandbox(sandbox: Option<Arc<Sandbox>>, action: &str) -> Result<Arc<Sandbox>, ErrorReport> {
    sandbox.ok_or_else(|| ErrorReport::from_message(action, "Demo only", NOT_DEMO))
}

fn sandbox_error(action: &str, error: &anyhow::Error) -> ErrorReport {
    tracing::warn!("sandbox failed {action}: {error:#}");
    ErrorReport::from_message(
        action,
        "The sandbox failed",
        format!("the sandbox failed {action}: {error:#}"),
    )
}

const NOT_DEMO: &str = "this key works only in the demo (v360-setup --demo)";

async fn connect(
    request_id: RequestId,
    site: &str,
    credentials: Credentials,
    options: &ClientOptions,
    targets: &[Target],
    sessions: &Mutex<HashMap<RequestId, Arc<Session>>>,
) -> Result<ConnectionInfo, ErrorReport> {
    let company_id = credentials.company_id.clone();
    let client_id = credentials.client_id.clone();
    let session = Session::connect_for(site, credentials, options, targets)
        .await
        .map_err(|error| describe("connecting to ConnectWise", &error))?;
    let session = match open_audit_log() {
        Some(log) => session.with_audit(log),
        None => session,
    };

    let site = session.client().site();
    let site_host = site_label(site);
    let info = ConnectionInfo {
        session_id: request_id,
        site_url: format!("{}://{site_host}", site.scheme()),
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

/// Opens the audit log in the state directory; a failure is logged, because the wizard must not
/// print while it owns the terminal.
fn open_audit_log() -> Option<Arc<crate::audit::AuditLog>> {
    let path = crate::paths::audit_log()?;
    match crate::audit::AuditLog::open(&path) {
        Ok(log) => Some(Arc::new(log)),
        Err(error) => {
            tracing::error!(path = %path.display(), "cannot open the audit log: {error}");
            None
        }
    }
}

/// Stores the pair in the OS keyring. The keystore runs the blocking call off the runtime's
/// worker threads and gives up after its own timeout.
async fn store_key(account: String, pair: KeyPair) -> Result<String, ErrorReport> {
    const ACTION: &str = "storing the key pair in the OS keyring";
    const TITLE: &str = "The OS keyring is not available";
    match keystore::store_pair(&account, &pair).await {
        Ok(stored) => {
            tracing::info!(%account, backend = %stored.backend, "key pair stored in the OS keyring");
            Ok(account)
        }
        Err(error) => {
            let report = ErrorReport::from_error(ACTION, TITLE, &error);
            tracing::warn!("{ACTION} failed: {}", report.message);
            Err(report)
        }
    }
}

/// Sends the registration through the handoff module, which accepts only HTTPS and follows no
/// redirect, and returns the status and the endpoint's message.
async fn send_registration(
    url: &str,
    fields: &RegistrationFields,
) -> Result<(u16, String), ErrorReport> {
    const ACTION: &str = "sending the key pair to the registration endpoint";
    const TITLE: &str = "Sending the registration failed";
    match registration::send(url, fields, None).await {
        Ok(receipt) => {
            tracing::info!(status = receipt.status, "registration sent");
            Ok((receipt.status, receipt.message.unwrap_or_default()))
        }
        Err(error) => {
            tracing::warn!("{ACTION} failed: {error}");
            Err(ErrorReport::from_error(ACTION, TITLE, &error))
        }
    }
}

/// Logs a failed engine call and returns its report for the screen.
fn describe(action: &str, error: &ProvisionError) -> ErrorReport {
    let report = ErrorReport::from_provision(action, error);
    tracing::warn!("{action} failed: {error}");
    report
}
