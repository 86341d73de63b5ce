//! A registration endpoint stub over HTTPS on 127.0.0.1, with a certificate from a CA made for
//! each stub, for the hand-off and leak tests.
//!
//! It answers every request with one fixed response and records method, path, headers and body.
//! The HTTP/1.1 handling is the minimum that reqwest's requests need: one request per
//! connection, with a `Content-Length` body.

#![allow(dead_code)]

use std::sync::{Arc, Mutex, PoisonError};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto::ring, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// Maximum size of one recorded request, headers and body together.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

pub struct HttpsStub {
    /// `https://127.0.0.1:{port}`.
    pub base_url: String,
    /// The stub CA's certificate in PEM, to trust as an extra root.
    pub ca_pem: Vec<u8>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl HttpsStub {
    /// Starts a stub that answers every request with `status` and the JSON text `body`.
    pub async fn start(status: u16, body: &str) -> HttpsStub {
        let (acceptor, ca_pem) = tls_acceptor();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the stub on loopback");
        let address = listener.local_addr().expect("stub address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let response = format!(
            "HTTP/1.1 {status} Stub\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            body.len()
        );

        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                let recorded = Arc::clone(&recorded);
                let response = response.clone();
                tokio::spawn(async move {
                    // A client that rejects the certificate ends the handshake; nothing to record.
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    if let Some(request) = read_request(&mut tls).await {
                        recorded
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(request);
                    }
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });

        HttpsStub {
            base_url: format!("https://{address}"),
            ca_pem,
            requests,
            task,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for HttpsStub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(position) = find(&buffer, b"\r\n\r\n") {
            break position;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || buffer.len() > MAX_REQUEST_BYTES {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };

    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);

    let mut body = buffer[header_end + 4..].to_vec();
    while body.len() < length && body.len() < MAX_REQUEST_BYTES {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Makes a CA and a server certificate for 127.0.0.1 and localhost signed by it.
fn tls_acceptor() -> (TlsAcceptor, Vec<u8>) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "registration stub CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("self-signed CA");
    let ca_pem = ca_cert.pem().into_bytes();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().expect("server key");
    let server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("server parameters");
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .expect("server certificate");

    let chain: Vec<CertificateDer<'static>> = vec![server_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server certificate loads");
    (TlsAcceptor::from(Arc::new(config)), ca_pem)
}
