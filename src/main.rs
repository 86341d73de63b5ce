//! The `v360-setup` binary: see `cli` for the command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any key is read: no core dump and no debugger attach may expose it.
    if let Err(error) = v360_setup::secrets::harden_process() {
        eprintln!("warning: process hardening failed ({error}); continuing");
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(v360_setup::cli::main())
}
