//! Helpers shared by the integration tests: a `cwm-sandbox` process and its control paths.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running `cwm-sandbox` binary, killed on drop.
pub struct SandboxProcess {
    child: Child,
    pub url: String,
    pub company_id: String,
    pub client_id: String,
    pub admin_public_key: String,
    pub admin_private_key: String,
    /// Path of the CA certificate, when the sandbox serves HTTPS.
    pub ca_cert: Option<String>,
}

impl SandboxProcess {
    pub fn start() -> SandboxProcess {
        Self::start_with(&[])
    }

    /// Starts the sandbox with extra command-line arguments, such as `--tls`.
    pub fn start_with(args: &[&str]) -> SandboxProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cwm-sandbox"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cwm-sandbox starts");
        let stdout = child.stdout.take().expect("sandbox stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("sandbox prints its start-up line");
        let info: Value = serde_json::from_str(&line).expect("start-up line is JSON");
        let field = |key: &str| {
            info[key]
                .as_str()
                .unwrap_or_else(|| panic!("start-up line lacks {key}: {line}"))
                .to_owned()
        };
        SandboxProcess {
            url: field("url"),
            company_id: field("company_id"),
            client_id: field("client_id"),
            admin_public_key: field("admin_public_key"),
            admin_private_key: field("admin_private_key"),
            ca_cert: info["ca_cert"].as_str().map(str::to_owned),
            child,
        }
    }

    pub fn control_post(&self, path: &str, body: Value) -> Value {
        let response = http::post(&format!("{}{path}", self.url), &body);
        assert!(
            response.0 < 300,
            "POST {path} returned {}: {}",
            response.0,
            response.1
        );
        serde_json::from_str(&response.1).unwrap_or(Value::Null)
    }

    pub fn control_get(&self, path: &str) -> Value {
        let (status, text) = http::get(&format!("{}{path}", self.url));
        assert_eq!(status, 200, "GET {path}: {text}");
        serde_json::from_str(&text).expect("control path returns JSON")
    }

    /// Sets every level that an `apply` report's `unmet` lines ask for on its role, as the
    /// administrator does in the web UI.
    pub fn grant_unmet(&self, report: &Value) {
        let role_id = report["role"]["id"]
            .as_i64()
            .expect("role id in the report");
        let changes: Vec<Value> = report["unmet"]
            .as_array()
            .expect("unmet lines in the report")
            .iter()
            .map(|line| {
                serde_json::json!({
                    "module": line["module"],
                    "function": line["function"],
                    "verb": line["verb"],
                    "level": line["required"],
                })
            })
            .collect();
        self.control_post(
            &format!("/__sandbox/security-roles/{role_id}/settings"),
            Value::Array(changes),
        );
    }

    /// Points `command` at this sandbox as its administrator, through the CWM_ variables.
    pub fn admin_env<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .env("CWM_SITE", &self.url)
            .env("CWM_COMPANY_ID", &self.company_id)
            .env("CWM_PUBLIC_KEY", &self.admin_public_key)
            .env("CWM_PRIVATE_KEY", &self.admin_private_key)
            .env("CWM_CLIENT_ID", &self.client_id)
    }

    pub fn request_log(&self) -> Vec<Value> {
        self.control_get("/__sandbox/requests")
            .as_array()
            .cloned()
            .expect("request log is an array")
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Small synchronous HTTP helpers for control paths, built on a private tokio runtime so the
/// tests need no blocking client feature.
mod http {
    use serde_json::Value;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime starts")
    }

    pub fn post(url: &str, body: &Value) -> (u16, String) {
        runtime().block_on(async {
            let response = reqwest::Client::new()
                .post(url)
                .json(body)
                .send()
                .await
                .expect("control POST is answered");
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        })
    }

    pub fn get(url: &str) -> (u16, String) {
        runtime().block_on(async {
            let response = reqwest::get(url).await.expect("control GET is answered");
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        })
    }
}

/// A HOME, XDG folders and TMPDIR of one test, so that the binary reads and writes none of the
/// user's files. Removed on drop.
pub struct Isolated {
    folder: tempfile::TempDir,
}

impl Isolated {
    pub fn new() -> Self {
        let folder = tempfile::tempdir().expect("temporary folder");
        for name in ["home", "config", "state", "data", "cache", "tmp"] {
            std::fs::create_dir_all(folder.path().join(name)).expect("test folder created");
        }
        Isolated { folder }
    }

    pub fn root(&self) -> &std::path::Path {
        self.folder.path()
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.folder.path().join(name)
    }

    /// Returns `v360-setup` with `args` and an environment of these folders and PATH only.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_v360-setup"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("TMPDIR", self.path("tmp"));
        command
    }
}
