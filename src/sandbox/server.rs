//! Binding the listener, serving requests and stopping.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::state::{random_guid, Site};
use super::{fixture, routes, SandboxOptions, StartupInfo};

/// Time that [`wait_for_stop`] gives open requests before it aborts the server task.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Running {
    pub info: StartupInfo,
    pub site: Arc<Site>,
    pub stop: oneshot::Sender<()>,
    pub task: JoinHandle<()>,
}

/// Returns the URL clients should use; an unspecified bind address (`0.0.0.0`, `::`) is
/// reachable on loopback.
fn site_url(address: SocketAddr) -> String {
    let host = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(host, address.port()))
}

pub async fn start(options: SandboxOptions) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("failed to bind the sandbox to {}", options.listen))?;
    let address = listener
        .local_addr()
        .context("failed to read the sandbox's bound address")?;
    let url = site_url(address);

    let fixture = fixture::build();
    let info = StartupInfo {
        url: url.clone(),
        company_id: fixture::COMPANY_ID.to_owned(),
        client_id: random_guid(),
        admin_public_key: fixture.admin_public_key,
        admin_private_key: fixture.admin_private_key,
    };
    let site = Arc::new(Site::new(
        fixture::COMPANY_ID,
        fixture::COMPANY_NAME,
        info.client_id.clone(),
        url,
        fixture.data,
    ));

    let (stop, stopped) = oneshot::channel::<()>();
    let app = routes::router(Arc::clone(&site));
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "sandbox server failed");
        }
        tracing::info!("sandbox server stopped");
    });
    tracing::info!(%address, "sandbox listening");

    Ok(Running {
        info,
        site,
        stop,
        task,
    })
}

/// Waits for the server task to end after the stop signal, aborting it after [`STOP_TIMEOUT`]
/// so a client that keeps a connection open cannot hold up shutdown.
pub async fn wait_for_stop(mut task: JoinHandle<()>) {
    if tokio::time::timeout(STOP_TIMEOUT, &mut task).await.is_err() {
        tracing::warn!("sandbox connections still open after {STOP_TIMEOUT:?}; aborting them");
        task.abort();
    }
}
