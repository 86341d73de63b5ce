//! `cwm-sandbox`: the ConnectWise Manage sandbox as a standalone server.
//!
//! Prints one JSON line with `url`, `company_id`, `client_id`, `admin_public_key` and
//! `admin_private_key` on stdout once it listens, then serves until SIGINT or SIGTERM. Logs go
//! to stderr (level `warn` unless `RUST_LOG` sets another) and never contain a key.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;
use v360_setup::sandbox::{Sandbox, SandboxOptions};

/// Local ConnectWise Manage server for tests and demos (plain HTTP, built-in fixture).
#[derive(Parser, Debug)]
#[command(name = "cwm-sandbox", version)]
struct Args {
    /// Address and port to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
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

    let sandbox = Sandbox::start(SandboxOptions {
        listen: args.listen,
    })
    .await?;
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
        result = tokio::signal::ctrl_c() => result.context("failed to listen for SIGINT"),
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop_signal() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("failed to listen for Ctrl-C")
}
