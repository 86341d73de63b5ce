//! `--demo`: the wizard against the built-in ConnectWise sandbox, started in this process.

use super::model::Model;
use crate::sandbox::{Sandbox, SandboxOptions};

/// Starts the sandbox on a free loopback port.
pub async fn start() -> anyhow::Result<Sandbox> {
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    tracing::info!(url = %sandbox.url(), "demo sandbox started");
    Ok(sandbox)
}

/// Fills the Connect screen from the sandbox's connection details.
pub fn fill_connect(model: &mut Model, sandbox: &Sandbox) {
    let info = sandbox.startup_info();
    let form = &mut model.connect;
    form.set_site(&info.url);
    form.company.set(&info.company_id);
    form.public_key.set(&info.admin_public_key);
    form.private_key.set(&info.admin_private_key);
    form.client_id.set(&info.client_id);
}
