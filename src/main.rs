//! The `v360-setup` binary: see `cli` for the command line.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    v360_setup::cli::main().await
}
