//! Helpers for tests that run the sandbox inside the test process and drive the engine.

#![allow(dead_code)]

use v360_setup::cwm::Credentials;
use v360_setup::requirements::Requirements;
use v360_setup::sandbox::{LevelChange, Sandbox};
use v360_setup::secrets::KeyPair;

/// Returns the sandbox administrator's credentials from its start-up information.
pub fn admin_credentials(sandbox: &Sandbox) -> Credentials {
    let info = sandbox.startup_info();
    Credentials {
        company_id: info.company_id.clone(),
        key: KeyPair::new(
            info.admin_public_key.clone(),
            info.admin_private_key.clone(),
        ),
        client_id: info.client_id.clone(),
    }
}

/// Grants every required level on a role, as an administrator would in the web UI.
pub fn grant(sandbox: &Sandbox, role_id: i64, requirements: &Requirements) {
    let changes: Vec<LevelChange> = requirements
        .lines
        .iter()
        .map(|line| LevelChange {
            module: line.module.clone(),
            function: line.function.clone(),
            verb: line.verb.as_str().to_owned(),
            level: line.level.as_str().to_owned(),
        })
        .collect();
    sandbox
        .set_role_levels(role_id, &changes)
        .expect("levels set");
}

/// Counts the API requests in a sandbox request log, leaving out its control paths.
pub fn count_api_requests(log: &[serde_json::Value]) -> usize {
    log.iter()
        .filter(|entry| {
            let path = entry["path"].as_str().unwrap_or_default();
            !path.starts_with("/__sandbox/")
        })
        .count()
}
