//! The command line: flags, environment variables, subcommands and exit codes.

mod apply;
mod exit;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

pub use exit::Exit;

use crate::cwm::Credentials;
use crate::requirements::{manifest, Manifest};
use crate::secrets::KeyPair;

/// Environment variable names.
///
/// Private keys are read only from the environment or a masked field, never from a flag,
/// because flags show in the process list.
pub mod env {
    pub const SITE: &str = "CWM_SITE";
    pub const COMPANY_ID: &str = "CWM_COMPANY_ID";
    pub const PUBLIC_KEY: &str = "CWM_PUBLIC_KEY";
    pub const PRIVATE_KEY: &str = "CWM_PRIVATE_KEY";
    pub const CLIENT_ID: &str = "CWM_CLIENT_ID";
    pub const TOOL_PUBLIC_KEY: &str = "V360_TOOL_PUBLIC_KEY";
    pub const TOOL_PRIVATE_KEY: &str = "V360_TOOL_PRIVATE_KEY";
}

#[derive(Debug, Parser)]
#[command(
    name = "v360-setup",
    version,
    about = "Set up ConnectWise Manage API access for Visionary 360's tools",
    long_about = "Creates the security role, the API member V360API and a per-tool API key \
                  through the ConnectWise REST API, verifying each step live. Without a \
                  subcommand it starts the interactive wizard.",
    after_help = "Examples:\n  v360-setup --demo                      try the wizard against a built-in sandbox\n  \
                  v360-setup                             run the wizard against your site\n  \
                  v360-setup apply --tool email-reconnector --yes --output json"
)]
pub struct Cli {
    /// Run the wizard against a ConnectWise sandbox started inside this process.
    #[arg(long)]
    pub demo: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Append diagnostic logs to this file (never keys). Without it nothing is logged.
    #[arg(long, value_name = "FILE", global = true)]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, clap::Args)]
pub struct ConnectionArgs {
    /// ConnectWise site: a region (na, eu, au, za, staging), a host, or a full URL.
    #[arg(long, env = env::SITE, global = true)]
    pub site: Option<String>,

    /// Company ID, as typed on the ConnectWise login page.
    #[arg(long, env = env::COMPANY_ID, global = true)]
    pub company_id: Option<String>,

    /// Your own API public key (My Account > API Keys). The private key comes from
    /// CWM_PRIVATE_KEY or the wizard's masked field.
    #[arg(long, env = env::PUBLIC_KEY, global = true)]
    pub public_key: Option<String>,

    /// The integration's client ID (a GUID from developer.connectwise.com/ClientID).
    #[arg(long, env = env::CLIENT_ID, global = true)]
    pub client_id: Option<String>,

    /// Use a security role that has the admin flag (not recommended).
    #[arg(long, global = true)]
    pub allow_admin_role: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a tool without questions, for scripts and RMM tools.
    #[command(
        after_help = "Exit codes: 0 done, 1 unexpected failure, 2 invalid input, 3 \
                            connection failed, 4 role permissions unmet, 5 confirmation or \
                            decision needed, 6 tool key rejected, 10 waiting for the API key.\n\n\
                            Example:\n  CWM_SITE=na CWM_COMPANY_ID=acme CWM_PUBLIC_KEY=... \
                            CWM_PRIVATE_KEY=... CWM_CLIENT_ID=... \\\n    v360-setup apply --tool \
                            email-reconnector --yes --output json"
    )]
    Apply(ApplyArgs),
    /// List the tools this program can set up.
    Tools,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// Tool to set up, by id (see `v360-setup tools`).
    #[arg(long, value_name = "ID")]
    pub tool: String,

    /// Confirm changes to existing objects, such as giving an existing API member the role.
    #[arg(long)]
    pub yes: bool,

    /// Output format of the result on standard output.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// Security role name.
    #[arg(long, default_value = "Visionary 360 API")]
    pub role_name: String,

    /// API member identifier (at most 15 characters).
    #[arg(long, default_value = crate::provision::DEFAULT_MEMBER_IDENTIFIER)]
    pub member_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Parses the command line and runs the chosen mode.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log_guard = match init_logging(cli.log_file.as_deref()) {
        Ok(guard) => guard,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::InvalidInput.into();
        }
    };

    match cli.command {
        Some(Command::Apply(args)) => apply::run(&cli.connection, &args).await.into(),
        Some(Command::Tools) => {
            for tool in manifest::builtin() {
                println!("{}\t{}", tool.id, tool.name);
            }
            ExitCode::SUCCESS
        }
        None => run_wizard(cli.demo, &cli.connection).await,
    }
}

async fn run_wizard(demo: bool, connection: &ConnectionArgs) -> ExitCode {
    let options = crate::tui::WizardOptions {
        demo,
        site: connection.site.clone(),
        company_id: connection.company_id.clone(),
        public_key: connection.public_key.clone(),
        private_key: read_secret_env(env::PRIVATE_KEY),
        client_id: connection.client_id.clone(),
        tools: manifest::builtin(),
        allow_admin_role: connection.allow_admin_role,
    };
    match crate::tui::run(options).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            Exit::Failure.into()
        }
    }
}

/// Reads a secret from the environment; an empty value counts as missing.
pub fn read_secret_env(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .map(SecretString::from)
}

/// Builds the administrator's credentials from flags and environment, naming each missing one.
fn credentials(connection: &ConnectionArgs) -> Result<(String, Credentials), String> {
    let mut missing = Vec::new();
    let site = connection.site.clone().unwrap_or_else(|| {
        missing.push(format!("--site or {}", env::SITE));
        String::new()
    });
    let company_id = connection.company_id.clone().unwrap_or_else(|| {
        missing.push(format!("--company-id or {}", env::COMPANY_ID));
        String::new()
    });
    let public_key = connection.public_key.clone().unwrap_or_else(|| {
        missing.push(format!("--public-key or {}", env::PUBLIC_KEY));
        String::new()
    });
    let private_key = read_secret_env(env::PRIVATE_KEY).unwrap_or_else(|| {
        missing.push(env::PRIVATE_KEY.to_owned());
        SecretString::from(String::new())
    });
    let client_id = connection.client_id.clone().unwrap_or_else(|| {
        missing.push(format!("--client-id or {}", env::CLIENT_ID));
        String::new()
    });
    if !missing.is_empty() {
        return Err(format!(
            "missing connection settings: {}",
            missing.join(", ")
        ));
    }
    let credentials = Credentials {
        company_id: company_id.trim().to_owned(),
        key: KeyPair {
            public_key: public_key.trim().to_owned(),
            private_key,
        },
        client_id: client_id.trim().to_owned(),
    };
    Ok((site, credentials))
}

fn find_tool(id: &str) -> Result<Manifest, String> {
    manifest::find_builtin(id).ok_or_else(|| {
        let known: Vec<String> = manifest::builtin()
            .into_iter()
            .map(|tool| tool.id)
            .collect();
        format!("unknown tool {id:?}; known tools: {}", known.join(", "))
    })
}

fn init_logging(
    path: Option<&std::path::Path>,
) -> Result<Option<tracing_appender::non_blocking::WorkerGuard>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("cannot open log file {}: {error}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    Ok(Some(guard))
}
