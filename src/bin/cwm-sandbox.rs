//! `cwm-sandbox`: the ConnectWise Manage sandbox as a standalone server.
//!
//! Prints one JSON line with `url`, `company_id`, `client_id`, `admin_public_key`,
//! `admin_private_key` and, with `--tls`, `ca_cert` (the CA certificate's path) on stdout once
//! it listens, then serves until SIGINT or SIGTERM. Logs go to stderr (level `warn` unless
//! `RUST_LOG` sets another) and never contain a key.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;
use v360_setup::sandbox::{FaultSettings, FixtureSource, Sandbox, SandboxOptions};

/// Local ConnectWise Manage server for tests and demos.
#[derive(Parser, Debug)]
#[command(
    name = "cwm-sandbox",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("BUILD_COMMIT"), ")")
)]
struct Args {
    /// Address and port to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,

    /// Site to serve: `builtin`, `large` (10,000 members, 1,000 roles, 200 locations) or the
    /// path of a TOML fixture file.
    #[arg(long, value_name = "FILE", default_value = "builtin")]
    fixture: String,

    /// Same as `--fixture large`.
    #[arg(long, conflicts_with = "fixture")]
    large: bool,

    /// Serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1, signed by a CA
    /// generated at start; the CA certificate's path is printed as `ca_cert`.
    #[arg(long)]
    tls: bool,

    /// File to write the CA certificate to under --tls (default: a new file in the temporary
    /// directory).
    #[arg(long, value_name = "FILE", requires = "tls")]
    ca_cert_out: Option<PathBuf>,

    /// Lifetime of impersonation tokens, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 4 * 3600)]
    token_ttl_secs: i64,

    /// Delay added to every request, in milliseconds.
    #[arg(long, value_name = "MS")]
    latency_ms: Option<u64>,

    /// Requests per second past which the sandbox responds 429 with Retry-After.
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,

    /// JSON file of fault rules, in the format of POST /__sandbox/faults.
    #[arg(long, value_name = "FILE")]
    faults: Option<PathBuf>,
}

impl Args {
    fn fixture_source(&self) -> anyhow::Result<FixtureSource> {
        if self.large {
            return Ok(FixtureSource::Large);
        }
        Ok(match self.fixture.as_str() {
            "builtin" => FixtureSource::Builtin,
            "large" => FixtureSource::Large,
            path => FixtureSource::Toml(
                std::fs::read_to_string(path)
                    .with_context(|| format!("failed to read the fixture file {path}"))?,
            ),
        })
    }

    fn fault_settings(&self) -> anyhow::Result<FaultSettings> {
        let mut settings = match &self.faults {
            None => FaultSettings::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("failed to read the faults file {}", path.display())
                })?;
                serde_json::from_str(&text)
                    .with_context(|| format!("the faults file {} is not valid", path.display()))?
            }
        };
        if self.latency_ms.is_some() {
            settings.latency_ms = self.latency_ms;
        }
        if self.rate_limit.is_some() {
            settings.rate_limit = self.rate_limit;
        }
        Ok(settings)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    if args.token_ttl_secs < 1 {
        anyhow::bail!("--token-ttl-secs must be at least 1");
    }
    let options = SandboxOptions {
        listen: args.listen,
        fixture: args.fixture_source()?,
        tls: args.tls,
        ca_cert_path: args.ca_cert_out.clone(),
        token_ttl_seconds: args.token_ttl_secs,
        faults: FaultSettings::default(),
    };
    let sandbox = Sandbox::start(options).await?;
    sandbox.set_faults(args.fault_settings()?)?;

    let line = serde_json::to_string(sandbox.startup_info())
        .context("failed to encode the startup line")?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}").context("failed to write the startup line")?;
        stdout.flush().context("failed to flush stdout")?;
    }

    wait_for_stop_signal().await?;
    tracing::info!("stop signal received; shutting down");
    sandbox.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};

    let mut terminate = signal(SignalKind::terminate()).context("failed to listen for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.context("failed to listen for Ctrl-C (SIGINT)"),
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop_signal() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("failed to listen for Ctrl-C")
}
