//! Look-up cost on the built-in and the large sandbox site.
//!
//! For each site it finds a member by identifier and a security role by name the way the
//! wizard does: one GET with `conditions` and `pageSize=1000`, filtered on the server. It prints
//! the requests each look-up took (from the sandbox's request log) and the median and 95th
//! percentile time per look-up over loopback HTTP.
//!
//! Run with `cargo bench --bench sandbox_lookup`; `LOOKUPS=N` sets the look-ups per case.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;
use v360_setup::sandbox::{FixtureSource, Sandbox, SandboxOptions};

/// Look-ups per case when `LOOKUPS` is not set.
const DEFAULT_LOOKUPS: usize = 200;

struct Case {
    label: &'static str,
    path: &'static str,
    conditions: String,
}

struct Figures {
    requests_per_lookup: f64,
    median: Duration,
    p95: Duration,
}

async fn measure(
    sandbox: &Sandbox,
    http: &reqwest::Client,
    case: &Case,
    lookups: usize,
) -> Figures {
    let info = sandbox.startup_info();
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}+{}:{}",
        info.company_id, info.admin_public_key, info.admin_private_key
    ));
    let url = format!("{}/v4_6_release/apis/3.0{}", info.url, case.path);
    let log_url = format!("{}/__sandbox/requests", info.url);
    let log_length = || async {
        let log: Value = http
            .get(&log_url)
            .send()
            .await
            .expect("log")
            .json()
            .await
            .expect("log JSON");
        log.as_array().map_or(0, Vec::len)
    };

    let before = log_length().await;
    let mut times = Vec::with_capacity(lookups);
    for _ in 0..lookups {
        let started = Instant::now();
        let response = http
            .get(&url)
            .query(&[
                ("conditions", case.conditions.as_str()),
                ("pageSize", "1000"),
            ])
            .header("clientId", &info.client_id)
            .header("Authorization", format!("Basic {credentials}"))
            .send()
            .await
            .expect("look-up reaches the sandbox");
        let records: Value = response.json().await.expect("look-up JSON");
        times.push(started.elapsed());
        assert_eq!(
            records.as_array().map(Vec::len),
            Some(1),
            "{}: one record",
            case.label
        );
    }
    let requests = log_length().await - before;

    times.sort();
    Figures {
        requests_per_lookup: requests as f64 / lookups as f64,
        median: times[times.len() / 2],
        p95: times[times.len() * 95 / 100],
    }
}

async fn run_site(label: &str, fixture: FixtureSource, cases: &[Case], lookups: usize) {
    let started = Instant::now();
    let sandbox = Sandbox::start(SandboxOptions {
        fixture,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts");
    let start_time = started.elapsed();
    let http = reqwest::Client::new();
    println!(
        "{label} site (started in {:.1} ms)",
        start_time.as_secs_f64() * 1000.0
    );
    for case in cases {
        let figures = measure(&sandbox, &http, case, lookups).await;
        println!(
            "  {:<34} requests/look-up {:.2}  median {:>7.3} ms  p95 {:>7.3} ms",
            case.label,
            figures.requests_per_lookup,
            figures.median.as_secs_f64() * 1000.0,
            figures.p95.as_secs_f64() * 1000.0,
        );
    }
    sandbox.shutdown().await;
}

#[tokio::main]
async fn main() {
    let lookups = std::env::var("LOOKUPS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_LOOKUPS);
    println!("{lookups} look-ups per case");

    let builtin = [
        Case {
            label: "member by identifier (jsmith)",
            path: "/system/members",
            conditions: "identifier=\"jsmith\"".to_owned(),
        },
        Case {
            label: "role by name (Technician)",
            path: "/system/securityroles",
            conditions: "name=\"Technician\"".to_owned(),
        },
    ];
    run_site(
        "built-in (2 members, 3 roles)",
        FixtureSource::Builtin,
        &builtin,
        lookups,
    )
    .await;

    let large = [
        Case {
            label: "member by identifier (user09999)",
            path: "/system/members",
            conditions: "identifier=\"user09999\"".to_owned(),
        },
        Case {
            label: "role by name (Role 0999)",
            path: "/system/securityroles",
            conditions: "name=\"Role 0999\"".to_owned(),
        },
        Case {
            label: "API member by identifier (api09990)",
            path: "/system/apiMembers",
            conditions: "identifier=\"api09990\"".to_owned(),
        },
    ];
    run_site(
        "large (10,000 members, 1,000 roles)",
        FixtureSource::Large,
        &large,
        lookups,
    )
    .await;
}
