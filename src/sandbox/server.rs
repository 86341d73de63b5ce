//! Binding the listener, serving HTTP or HTTPS connections and stopping.
//!
//! The accept loop is written on hyper directly, not with `axum::serve`, for two reasons: a
//! TLS handshake has to run before HTTP, and an injected reset fault has to close a connection
//! without a response, which hyper does when the service returns an error.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use super::faults::Faults;
use super::state::{random_guid, Site};
use super::{fixture, routes, tls, SandboxOptions, StartupInfo};

/// Time that [`wait_for_stop`] gives open requests before it aborts the server task.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// Pause after a failed `accept`, so a full file-descriptor table does not spin the loop.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

pub struct Running {
    pub info: StartupInfo,
    pub site: Arc<Site>,
    pub stop: oneshot::Sender<()>,
    pub task: JoinHandle<()>,
}

/// Returns the URL clients should use; an unspecified bind address (`0.0.0.0`, `::`) is
/// reachable on loopback.
fn site_url(address: SocketAddr, https: bool) -> String {
    let host = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let scheme = if https { "https" } else { "http" };
    format!("{scheme}://{}", SocketAddr::new(host, address.port()))
}

pub async fn start(options: SandboxOptions) -> anyhow::Result<Running> {
    // The fixture is built first: a large one takes a moment, and a bad fixture file should
    // fail before the port is taken.
    let fixture = fixture::load(&options.fixture).context("failed to load the fixture")?;

    let listener = TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("failed to bind the sandbox to {}", options.listen))?;
    let address = listener
        .local_addr()
        .context("failed to read the sandbox's bound address")?;
    let tls = if options.tls {
        Some(tls::generate(options.ca_cert_path.as_deref())?)
    } else {
        None
    };
    let url = site_url(address, tls.is_some());

    let info = StartupInfo {
        url: url.clone(),
        company_id: fixture.company_id.clone(),
        client_id: random_guid(),
        admin_public_key: fixture.admin_public_key,
        admin_private_key: fixture.admin_private_key,
        ca_cert: tls.as_ref().map(|tls| tls.ca_path.display().to_string()),
    };
    let site = Arc::new(Site::new(
        &fixture.company_id,
        &fixture.company_name,
        info.client_id.clone(),
        url,
        fixture.data,
        options.token_ttl_seconds,
        Faults::new(options.faults),
    ));

    let (stop, stopped) = oneshot::channel::<()>();
    let acceptor = tls.map(|tls| tls.acceptor);
    let task = tokio::spawn(accept_loop(listener, Arc::clone(&site), acceptor, stopped));
    tracing::info!(%address, "sandbox listening");

    Ok(Running {
        info,
        site,
        stop,
        task,
    })
}

/// Accepts connections until `stopped` fires. Then it signals every open connection to finish
/// its current request and close, and waits for them.
async fn accept_loop(
    listener: TcpListener,
    site: Arc<Site>,
    acceptor: Option<TlsAcceptor>,
    mut stopped: oneshot::Receiver<()>,
) {
    let (shutdown, shutdown_signal) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(
                        stream,
                        Arc::clone(&site),
                        acceptor.clone(),
                        shutdown_signal.clone(),
                        peer,
                    ));
                }
                Err(error) => {
                    tracing::warn!(%error, "failed to accept a connection; retrying");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }

    drop(listener);
    let _ = shutdown.send(true);
    while connections.join_next().await.is_some() {}
    tracing::info!("sandbox server stopped");
}

async fn serve_connection(
    stream: TcpStream,
    site: Arc<Site>,
    acceptor: Option<TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
    peer: SocketAddr,
) {
    let _ = stream.set_nodelay(true);
    match acceptor {
        None => serve_http(TokioIo::new(stream), site, shutdown).await,
        Some(acceptor) => match acceptor.accept(stream).await {
            Ok(stream) => serve_http(TokioIo::new(stream), site, shutdown).await,
            Err(error) => tracing::info!(%error, %peer, "TLS handshake failed"),
        },
    }
}

async fn serve_http<I>(io: I, site: Arc<Site>, mut shutdown: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
        let site = Arc::clone(&site);
        async move { routes::serve(site, request.map(axum::body::Body::new)).await }
    });
    let connection = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        // Injected resets end here on purpose; anything else is a client that went away.
        tracing::debug!(%error, "connection closed with an error");
    }
}

/// Waits for the server task to end after the stop signal, aborting it after [`STOP_TIMEOUT`]
/// so a client that keeps a connection open cannot hold up shutdown.
pub async fn wait_for_stop(mut task: JoinHandle<()>) {
    if tokio::time::timeout(STOP_TIMEOUT, &mut task).await.is_err() {
        tracing::warn!("sandbox connections still open after {STOP_TIMEOUT:?}; aborting them");
        task.abort();
    }
}
