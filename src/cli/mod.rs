//! The command line: flags, environment variables, subcommands and exit codes.

mod apply;
mod check;
mod config;
mod exit;
mod generate;
mod logging;
mod output;
mod plan;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use exit::Exit;
pub use logging::LogLevel;

use crate::provision::Layout;

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
    pub const TOOLS_DIR: &str = "V360_TOOLS_DIR";
    pub const CA_CERT: &str = "V360_CA_CERT";
}

#[derive(Debug, Parser)]
#[command(
    name = "v360-setup",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("BUILD_COMMIT"), ")"),
    about = "Set up ConnectWise Manage API access for Visionary 360's tools",
    long_about = "Creates the security role and the API member V360API through the ConnectWise \
                  REST API, guides you through the two steps only the web UI can do (the role's \
                  permission levels and the tool's API key), and verifies each step live. \
                  Without a subcommand it starts the interactive wizard.",
    after_help = "Examples:\n  v360-setup --demo                      try the wizard against a built-in sandbox\n  \
                  v360-setup                             run the wizard against your site\n  \
                  v360-setup plan --tool email-reconnector\n  \
                  v360-setup apply --tool email-reconnector --yes --output json\n  \
                  v360-setup check --tool email-reconnector\n  \
                  v360-setup config show                 where each setting comes from\n\n\
                  Settings: flags win over environment variables, which win over the config \
                  file (v360-setup config path).\n\
                  Logs: a daily file in the state directory; see --log-level and --log-file."
)]
pub struct Cli {
    /// Run the wizard against a ConnectWise sandbox started inside this process.
    #[arg(long)]
    pub demo: bool,

    /// Let the wizard take mouse clicks on step tabs, rows and list entries. Most terminals then
    /// select text only with Shift held.
    #[arg(long)]
    pub mouse: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Append diagnostic logs (never keys) to this file instead of the daily file in the state
    /// directory.
    #[arg(long, value_name = "FILE", global = true)]
    pub log_file: Option<PathBuf>,

    /// Log level; without it RUST_LOG sets the level, else info. `off` writes no log.
    #[arg(long, value_enum, value_name = "LEVEL", global = true)]
    pub log_level: Option<LogLevel>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, clap::Args)]
pub struct ConnectionArgs {
    /// ConnectWise site: a region (na, eu, au, aus, za, staging), a host, or a full URL.
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

    /// PEM certificate of the private certificate authority of an on-premise server.
    #[arg(long, value_name = "FILE", env = env::CA_CERT, global = true, value_parser = path_or_empty)]
    pub ca_cert: Option<PathBuf>,

    /// Folder of extra tool manifests (*.toml), read after the config directory's tools folder.
    #[arg(long, value_name = "DIR", env = env::TOOLS_DIR, global = true, value_parser = path_or_empty)]
    pub tools_dir: Option<PathBuf>,

    /// Use a security role that has the admin flag (not recommended).
    #[arg(long, global = true)]
    pub allow_admin_role: bool,

    /// Rejected: a private key on the command line shows in the process list.
    #[arg(long, hide = true, global = true, value_name = "KEY")]
    pub private_key: Option<String>,
}

/// Parses a path, accepting an empty value so that a variable set to nothing, such as
/// `V360_CA_CERT=`, counts as unset (see `config::merge`) instead of stopping every command.
fn path_or_empty(value: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(PathBuf::from(value))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up tools without questions, for scripts and RMM tools.
    #[command(
        after_help = "Exit codes: 0 done, 1 unexpected failure, 2 invalid input, 3 \
                            connection failed, 4 role permissions unmet, 5 confirmation or \
                            decision needed, 6 tool key rejected, 10 waiting for the API key.\n\n\
                            Environment: CWM_PRIVATE_KEY (your private key; never a flag), \
                            V360_TOOL_PUBLIC_KEY and V360_TOOL_PRIVATE_KEY (the tool's key from \
                            the web UI; with several tools V360_TOOL_PUBLIC_KEY_<TOOL> and \
                            V360_TOOL_PRIVATE_KEY_<TOOL>, the tool id in capitals with '-' as \
                            '_').\n\n\
                            Example:\n  CWM_SITE=na CWM_COMPANY_ID=acme CWM_PUBLIC_KEY=... \
                            CWM_PRIVATE_KEY=... CWM_CLIENT_ID=... \\\n    v360-setup apply --tool \
                            email-reconnector --yes --output json"
    )]
    Apply(ApplyArgs),
    /// Show what apply would create or change, sending only GET requests.
    #[command(after_help = "Example:\n  v360-setup plan --tool email-reconnector --output json")]
    Plan(PlanArgs),
    /// Verify a tool's stored key: authentication, member and permissions. Prints no secret.
    #[command(
        after_help = "The key comes from V360_TOOL_PUBLIC_KEY and V360_TOOL_PRIVATE_KEY, \
                            else from the OS keyring entry the wizard stored.\n\nExit codes: 0 \
                            the key works and meets the requirements, 2 invalid input or no key \
                            to check, 3 connection failed, 6 key rejected or permissions \
                            unmet.\n\nExample:\n  \
                            v360-setup check --tool email-reconnector --output json"
    )]
    Check(CheckArgs),
    /// List the tools this program can set up.
    #[command(
        after_help = "Tools come from the program itself, the tools folder of the config \
                            directory and --tools-dir.\n\nExamples:\n  v360-setup tools\n  \
                            v360-setup tools --tools-dir ./manifests --output json"
    )]
    Tools(ToolsArgs),
    /// Show the config file's path or the settings in effect and where each comes from.
    #[command(
        after_help = "The config file holds non-secret defaults as TOML: site, \
                            company_id, client_id, tools_dir and ca_cert. Flags win over \
                            environment variables, which win over the file.\n\nExample \
                            file:\n  site = \"na\"\n  company_id = \"acme\"\n  client_id = \
                            \"00000000-0000-0000-0000-000000000000\"\n\nExamples:\n  \
                            v360-setup config path\n  v360-setup config show --output json"
    )]
    Config(ConfigArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  v360-setup completions bash > \
                            ~/.local/share/bash-completion/completions/v360-setup\n  \
                            v360-setup completions zsh > \"${fpath[1]}/_v360-setup\"\n  \
                            v360-setup completions fish > \
                            ~/.config/fish/completions/v360-setup.fish\n  \
                            v360-setup completions powershell >> $PROFILE\n  \
                            v360-setup completions elvish >> ~/.config/elvish/rc.elv")]
    Completions(CompletionsArgs),
    /// Print a man page in roff: the program's, or a subcommand's.
    #[command(
        after_help = "Examples:\n  v360-setup man | man -l -\n  v360-setup man apply > \
                            ~/.local/share/man/man1/v360-setup-apply.1"
    )]
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,

    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, global = true)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path (it need not exist).
    Path,
    /// Print the settings in effect and where each comes from: flag, environment or file.
    Show,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// Shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Subcommand whose page to print, such as apply; without it, the program's page.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// Tool to set up, by id (see `v360-setup tools`); repeat for several tools.
    #[arg(long = "tool", value_name = "ID", required = true)]
    pub tools: Vec<String>,

    /// shared: one member and one role for all tools (Choice 1); per-tool: one of each per tool
    /// (Choice 2).
    #[arg(long, value_enum, default_value_t = LayoutArg::Shared)]
    pub layout: LayoutArg,

    /// Security role name; with --layout per-tool each tool's suffix is appended.
    #[arg(long, default_value = "Visionary 360 API")]
    pub role_name: String,

    /// API member identifier (at most 15 characters); with --layout per-tool each tool's suffix
    /// is appended.
    #[arg(long, default_value = crate::provision::DEFAULT_MEMBER_IDENTIFIER)]
    pub member_id: String,

    /// Output format of the result on standard output.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    /// Confirm changes to existing objects, such as giving an existing API member the role.
    #[arg(long)]
    pub yes: bool,

    /// durable: a key created in the web UI and passed in V360_TOOL_PUBLIC_KEY and
    /// V360_TOOL_PRIVATE_KEY; api: a temporary key minted through the tokens endpoint, which
    /// expires.
    #[arg(long, value_enum, default_value_t = KeyRoute::Durable)]
    pub key_route: KeyRoute,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub target: TargetArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Tool whose key to verify, by id.
    #[arg(long, value_name = "ID")]
    pub tool: String,

    /// API member the key must belong to.
    #[arg(long, default_value = crate::provision::DEFAULT_MEMBER_IDENTIFIER)]
    pub member_id: String,

    /// Output format of the result on standard output.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ToolsArgs {
    /// Output format of the list on standard output.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    Shared,
    PerTool,
}

impl From<LayoutArg> for Layout {
    fn from(layout: LayoutArg) -> Layout {
        match layout {
            LayoutArg::Shared => Layout::Shared,
            LayoutArg::PerTool => Layout::PerTool,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyRoute {
    Durable,
    Api,
}

/// Parses the command line and runs the chosen mode.
pub async fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return report_usage_error(error),
    };
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return report_usage_error(error),
    };
    if cli.connection.private_key.is_some() {
        return usage_failure(format!(
            "--private-key is not accepted, because a flag shows in the process list; set {} \
             instead",
            env::PRIVATE_KEY
        ));
    }
    if cli.mouse && cli.command.is_some() {
        return usage_failure(
            "--mouse applies to the wizard and cannot be combined with a subcommand".into(),
        );
    }
    if cli.demo && cli.command.is_some() {
        return usage_failure(
            "--demo runs the wizard and cannot be combined with a subcommand; for apply, plan \
             or check against a sandbox, start cwm-sandbox and point CWM_SITE at its url"
                .into(),
        );
    }
    match &cli.command {
        Some(Command::Completions(args)) => return generate::completions(args.shell).into(),
        Some(Command::Man(args)) => return generate::man(args.subcommand.as_deref()).into(),
        _ => {}
    }
    let config_path = config::path();
    let reads_config = !matches!(
        &cli.command,
        Some(Command::Config(ConfigArgs {
            command: ConfigCommand::Path,
            ..
        }))
    );
    let file_settings = match config_path.as_deref().filter(|_| reads_config) {
        Some(path) => match config::load(path) {
            Ok(settings) => settings,
            Err(error) => return usage_failure(error),
        },
        None => config::FileSettings::default(),
    };
    let effective = config::merge(&mut cli.connection, &matches, file_settings);
    let _log_guard = match logging::init(cli.log_file.as_deref(), cli.log_level) {
        Ok(guard) => guard,
        Err(error) => return usage_failure(error),
    };
    let mode = match matches.subcommand_name() {
        Some(name) => name,
        None if cli.demo => "demo",
        None => "wizard",
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        commit = env!("BUILD_COMMIT"),
        mode,
        "v360-setup started"
    );

    match &cli.command {
        Some(Command::Config(args)) => config::run(args, config_path.as_deref(), &effective).into(),
        Some(Command::Completions(_) | Command::Man(_)) => Exit::Done.into(),
        Some(Command::Apply(args)) => apply::run(&cli.connection, args).await.into(),
        Some(Command::Plan(args)) => plan::run(&cli.connection, args).await.into(),
        Some(Command::Check(args)) => check::run(&cli.connection, args).await.into(),
        Some(Command::Tools(args)) => list_tools(&cli.connection, args).into(),
        None => run_wizard(cli.demo, cli.mouse, &cli.connection).await,
    }
}

/// Returns true when the command line requests JSON output, so that even a usage error is JSON.
fn wants_json() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .any(|pair| pair[0] == "--output" && pair[1] == "json")
        || args.iter().any(|arg| arg == "--output=json")
}

/// Prints a usage error: as JSON on standard output when JSON was requested, else clap's text.
fn report_usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    if wants_json() {
        // clap's text is the message, indented details, a blank line, then usage and a hint;
        // the message and its details are what a script needs.
        let text = error.render().to_string();
        let message = text
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        return usage_failure(message.trim_start_matches("error: ").to_owned());
    }
    let _ = error.print();
    Exit::InvalidInput.into()
}

fn usage_failure(message: String) -> ExitCode {
    if wants_json() {
        let report = serde_json::json!({
            "status": "invalid_input",
            "exit_code": Exit::InvalidInput.code(),
            "error": message,
        });
        print_stdout(&report.to_string());
    } else {
        eprintln!("error: {message}");
    }
    Exit::InvalidInput.into()
}

/// Writes a line to standard output, ignoring a closed pipe (`apply | head`), which is not an
/// error of this program.
pub(crate) fn print_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{text}") {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {error}");
        }
    }
}

fn list_tools(connection: &ConnectionArgs, args: &ToolsArgs) -> Exit {
    let tools = match settings::tool_catalog(connection) {
        Ok(tools) => tools,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::InvalidInput;
        }
    };
    match args.output {
        OutputFormat::Json => {
            let list: Vec<serde_json::Value> = tools
                .iter()
                .map(|tool| {
                    serde_json::json!({
                        "id": tool.id,
                        "name": tool.name,
                        "vendor": tool.vendor,
                        "origin": tool.origin,
                    })
                })
                .collect();
            print_stdout(&serde_json::Value::Array(list).to_string());
        }
        OutputFormat::Text => {
            let lines: Vec<String> = tools
                .iter()
                .map(|tool| format!("{}\t{}", tool.id, tool.name))
                .collect();
            print_stdout(&lines.join("\n"));
        }
    }
    Exit::Done
}

async fn run_wizard(demo: bool, mouse: bool, connection: &ConnectionArgs) -> ExitCode {
    let tools = match settings::tool_catalog(connection) {
        Ok(tools) => tools,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::InvalidInput.into();
        }
    };
    let client_options = match settings::client_options(connection) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::InvalidInput.into();
        }
    };
    let options = crate::tui::WizardOptions {
        demo,
        site: connection.site.clone(),
        company_id: connection.company_id.clone(),
        public_key: connection.public_key.clone(),
        private_key: settings::read_secret_env(env::PRIVATE_KEY),
        client_id: connection.client_id.clone(),
        tools,
        allow_admin_role: connection.allow_admin_role,
        mouse,
        client_options,
    };
    match crate::tui::run(options).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            Exit::Failure.into()
        }
    }
}
