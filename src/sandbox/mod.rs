//! A local ConnectWise Manage server for tests, benchmarks and the wizard's `--demo` mode.
//!
//! The sandbox serves plain HTTP (or HTTPS with `tls`) and behaves like the ConnectWise Manage
//! REST API on the endpoints the wizard uses. It is written from public facts about that API and shares no
//! types or helpers with the client, so a wrong field name or status code in the client fails a
//! test instead of being mirrored here.
//!
//! # Paths
//!
//! - `GET /login/companyinfo/{company}` (also `companyInfo`), no authentication: flat PascalCase
//!   JSON for the known company, `null` for any other.
//! - The REST API under `/v2026_4/apis/3.0` (the site's codebase) and `/v4_6_release/apis/3.0`
//!   (the router path). Path segments ignore case, because the API's own schema spells
//!   `securityroles` and `securityRoles`.
//! - `/__sandbox/...` control paths, without authentication, that do what only the web UI can
//!   do on a real site, show the request log and state, and set faults. See [`routes`] for the
//!   list.
//!
//! # Authentication
//!
//! Every `/apis/3.0` request needs a `clientId` header holding the GUID printed at start, and
//! `Authorization: Basic base64("sandbox+{publicKey}:{privateKey}")`. The client ID is checked
//! before the key.
//!
//! # Authorization
//!
//! After authentication the caller's security role must grant the permission the endpoint
//! needs, or the request gets 403 `Forbidden` naming the missing function and verb. See
//! `permissions` for the endpoint-to-function table, which is inferred.
//!
//! # Errors
//!
//! Errors use ConnectWise's body `{"code", "message", "errors": [...]}`; `errors` is left out
//! when empty. Top-level codes:
//!
//! | Status | `code` | When |
//! |---|---|---|
//! | 400 | `InvalidRequest` | missing `clientId` header, body that is not JSON |
//! | 400 | `InvalidObject` | validation failure, bad `conditions`, `orderBy`, `fields`, `page`, `pageSize`, `pageId`, `childConditions` |
//! | 401 | `Unauthorized` | bad client ID, missing or wrong credentials, inactive member, expired token |
//! | 403 | `Forbidden` | the caller's role lacks the function and verb the endpoint needs |
//! | 404 | `NotFound` | unknown path or object |
//! | 405 | `MethodNotAllowed` | a method the real API lacks on a path it has (with `Allow`) |
//! | 501 | `NotImplemented` | an operation the real API has but the sandbox does not build |
//!
//! Each item of `errors` names `resource` and `field`. Its `code` is one of:
//!
//! - `Required`: missing, null or blank;
//! - `MaxLength`: text too long;
//! - `ObjectExists`: duplicate name or identifier;
//! - `InvalidReference`: `{"id": n}` of an object that does not exist;
//! - `InvalidValue`: wrong type or value;
//! - `ObjectInUse`: deleting a role that members use.
//!
//! # Fixtures
//!
//! [`SandboxOptions::fixture`] picks the site: the built-in one (see `fixture`), the large one
//! (10,000 members, 1,000 roles, 200 locations, built in well under a second) or a TOML file:
//!
//! ```toml
//! administrator = "boss"          # member whose durable key is printed; default: first member
//!
//! [company]                       # default: id "sandbox", name "Sandbox MSP"
//! id = "contoso"
//! name = "Contoso IT"
//!
//! # Optional tables; each one left out keeps the built-in rows (see `fixture`).
//! [[structure_levels]]
//! id = 1
//! name = "Corporate"
//! [[time_zones]]
//! id = 1
//! name = "Eastern Standard Time"
//! offset = -5.0
//! default = true
//! cw_time_zone_id = 13
//! cw_time_zone_name = "(GMT-05:00) Eastern Time (US & Canada)"
//! [[locations]]
//! id = 1
//! name = "Main Office"
//! structure_level = 1
//! time_zone = 1
//! [[departments]]
//! id = 1
//! identifier = "SVC"
//! name = "Services"
//!
//! # Roles get ids 1, 2, ... in order; levels left out stay None.
//! [[security_roles]]
//! name = "Admin"
//! admin = true                    # every level All; default false
//! [[security_roles]]
//! name = "Helpdesk"
//! levels = [
//!   { module = "Service Desk", function = "Service Tickets", inquire = "All", add = "My" },
//! ]
//!
//! # Members get ids 1, 2, ... in order.
//! [[members]]
//! identifier = "boss"             # at most 15 characters, unique ignoring case
//! first_name = "Big"
//! last_name = "Boss"
//! license_class = "F"             # F full member (default) or A API member
//! security_role = "Admin"         # a role name from security_roles
//! structure_level = 1             # these four default to 1
//! location = 1
//! department = 1
//! time_zone = 1                   # optional
//! email = "boss@contoso.example"  # optional
//! inactive = false
//! ```
//!
//! Unknown keys, duplicates, over-long names, unknown modules, functions or levels and
//! references to rows that do not exist stop the start with an error naming the entry.
//!
//! # HTTPS
//!
//! With [`SandboxOptions::tls`] the sandbox serves HTTPS with a certificate for `localhost`,
//! `127.0.0.1` and `::1`, signed by a CA generated at start; [`StartupInfo::ca_cert`] is the
//! path of that CA certificate (PEM), for a client's `--ca-cert`.
//!
//! # Faults
//!
//! Latency, a rate limit, error statuses, dropped connections and slow responses can be
//! injected per method and path; `faults` describes the JSON of `POST /__sandbox/faults`.
//!
//! # Limitations
//!
//! - Only the security-role functions that public guides name exist (80); a real site has more.
//! - `childConditions` and `customFieldConditions` are rejected with a 400: the wizard sends
//!   neither, and the resources here have no child or custom fields to filter.
//! - Writes to locations, departments and time zone setups, and PUT of a full member, answer
//!   501: the real API has them, the wizard does not use them.
//! - Error bodies of 403, 429 and 5xx follow ConnectWise's JSON shape or a proxy's HTML page;
//!   no public source shows the real ones.

mod auth;
mod catalog;
mod clock;
mod errors;
mod faults;
mod fixture;
mod permissions;
mod query;
pub mod routes;
mod server;
mod state;
mod tls;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{FaultKind, FaultRule, FaultSettings};
pub use fixture::FixtureSource;

/// Options of a sandbox server.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The site to serve: the built-in fixture, the large site or a TOML fixture.
    pub fixture: FixtureSource,
    /// Serve HTTPS with a certificate generated at start.
    pub tls: bool,
    /// Path for the CA certificate under `tls`. `None` picks a new file in the temporary
    /// directory.
    pub ca_cert_path: Option<PathBuf>,
    /// Lifetime of impersonation tokens, in seconds.
    pub token_ttl_seconds: i64,
    /// Faults in force from the start.
    pub faults: FaultSettings,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            fixture: FixtureSource::Builtin,
            tls: false,
            ca_cert_path: None,
            token_ttl_seconds: state::TOKEN_LIFETIME_SECONDS,
            faults: FaultSettings::default(),
        }
    }
}

/// One permission level to set on a security role, as an administrator would in the web UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelChange {
    /// Module name as the UI shows it, e.g. `Service Desk`; case is ignored.
    pub module: String,
    /// Function name as the UI shows it, e.g. `Service Tickets`; case is ignored.
    pub function: String,
    /// `add`, `edit`, `delete` or `inquire`.
    pub verb: String,
    /// `None`, `My` or `All`.
    pub level: String,
}

/// Connection details of a started sandbox, printed by `cwm-sandbox` as one JSON line.
#[derive(Clone, Serialize)]
pub struct StartupInfo {
    /// Site URL without a path, e.g. `http://127.0.0.1:43121`.
    pub url: String,
    pub company_id: String,
    /// The registered client ID, a random GUID per start.
    pub client_id: String,
    /// Durable public key of the administrator member `admin1`.
    pub admin_public_key: String,
    /// Durable private key of the administrator member `admin1`.
    pub admin_private_key: String,
    /// Path of the CA certificate (PEM) that signed the server certificate; only under `tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<String>,
}

impl fmt::Debug for StartupInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartupInfo")
            .field("url", &self.url)
            .field("company_id", &self.company_id)
            .field("client_id", &self.client_id)
            .field("admin_public_key", &self.admin_public_key)
            .field("admin_private_key", &"<redacted>")
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

/// A running sandbox; dropping it stops the server.
pub struct Sandbox {
    info: StartupInfo,
    site: Arc<state::Site>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds the listener, spawns the server task on the current Tokio runtime and returns
    /// without waiting for a request.
    pub async fn start(options: SandboxOptions) -> anyhow::Result<Sandbox> {
        let running = server::start(options).await?;
        Ok(Sandbox {
            info: running.info,
            site: running.site,
            stop: Some(running.stop),
            task: Some(running.task),
        })
    }

    pub fn startup_info(&self) -> &StartupInfo {
        &self.info
    }

    /// Returns the site URL without a path, e.g. `http://127.0.0.1:43121`.
    pub fn url(&self) -> &str {
        &self.info.url
    }

    /// Sets permission levels of a security role, as the web UI would; returns the number of
    /// changes applied. Nothing changes when any entry names an unknown module, function, verb
    /// or level.
    pub fn set_role_levels(&self, role_id: i64, changes: &[LevelChange]) -> anyhow::Result<usize> {
        Ok(self.site.data().set_role_levels(role_id, changes)?)
    }

    /// Creates a durable API key for an API member, as its API Keys tab in the web UI would;
    /// returns (public key, private key). The private key is not shown again anywhere.
    pub fn create_api_key(
        &self,
        identifier: &str,
        description: &str,
    ) -> anyhow::Result<(String, String)> {
        let key = self.site.data().create_api_key(identifier, description)?;
        Ok((key.public_key, key.private_key))
    }

    /// Adds fault rules and sets the latency and rate limit they name, as
    /// `POST /__sandbox/faults` does.
    pub fn set_faults(&self, faults: FaultSettings) -> anyhow::Result<()> {
        Ok(self.site.faults.update(faults)?)
    }

    /// Removes every fault rule, the latency and the rate limit.
    pub fn clear_faults(&self) {
        self.site.faults.clear();
    }

    /// Stops accepting connections and waits up to five seconds for open requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            server::wait_for_stop(task).await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn startup_info_debug_hides_private_key() {
        let info = StartupInfo {
            url: "http://127.0.0.1:1".to_owned(),
            company_id: "sandbox".to_owned(),
            client_id: "0f8fad5b-d9cb-469f-a165-70867728950e".to_owned(),
            admin_public_key: "PUBLICpublic1234".to_owned(),
            admin_private_key: "PRIVATEprivate12".to_owned(),
            ca_cert: None,
        };
        let text = format!("{info:?}");
        assert!(!text.contains("PRIVATEprivate12"), "private key in {text}");
        assert!(text.contains("PUBLICpublic1234"), "public key in {text}");
    }

    #[tokio::test]
    async fn in_process_actions_share_state() {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("start");
        assert!(
            sandbox.url().starts_with("http://127.0.0.1:"),
            "url {}",
            sandbox.url()
        );

        let change = LevelChange {
            module: "service desk".to_owned(),
            function: "SERVICE TICKETS".to_owned(),
            verb: "Inquire".to_owned(),
            level: "all".to_owned(),
        };
        assert_eq!(
            sandbox
                .set_role_levels(3, std::slice::from_ref(&change))
                .expect("set levels"),
            1,
            "changes applied"
        );
        let unknown = LevelChange {
            function: "Ticket Juggling".to_owned(),
            ..change
        };
        let error = sandbox
            .set_role_levels(3, &[unknown])
            .expect_err("unknown function");
        assert!(
            error.to_string().contains("Ticket Juggling"),
            "error names the function: {error}"
        );

        let error = sandbox
            .create_api_key("admin1", "Tool")
            .expect_err("full member");
        assert!(
            error.to_string().contains("not an API member"),
            "error: {error}"
        );
        sandbox.shutdown().await;
    }
}
