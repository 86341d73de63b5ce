//! HTTPS for `--tls`: a certificate authority and a server certificate generated at start.
//!
//! The server certificate is valid for `localhost`, `127.0.0.1` and `::1` and is signed by a
//! new CA. A client therefore trusts the sandbox only when it is given the CA certificate, as
//! with `--ca-cert` for an on-premise server with a private CA. Keys are ECDSA P-256 made with
//! ring, and nothing but the CA certificate is written to disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto::ring, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// Names the server certificate is valid for.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The TLS side of a started sandbox.
pub struct Tls {
    pub acceptor: TlsAcceptor,
    /// File the CA certificate was written to.
    pub ca_path: PathBuf,
}

/// Generates the CA and server certificate, writes the CA certificate to `ca_path` (or to a
/// new file in the temporary directory) and builds the acceptor.
pub fn generate(ca_path: Option<&Path>) -> anyhow::Result<Tls> {
    let ca_key = KeyPair::generate().context("failed to generate the CA key")?;
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).context("invalid CA parameters")?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "cwm-sandbox test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .context("failed to sign the CA certificate")?;
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().context("failed to generate the server key")?;
    let names: Vec<String> = SERVER_NAMES.iter().map(|name| (*name).to_owned()).collect();
    let mut server_params = CertificateParams::new(names).context("invalid server names")?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, "cwm-sandbox");
    server_params.use_authority_key_identifier_extension = true;
    server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .context("failed to sign the server certificate")?;

    let chain: Vec<CertificateDer<'static>> =
        vec![server_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .context("failed to choose TLS versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("failed to load the server certificate")?;

    let ca_path = match ca_path {
        Some(path) => path.to_owned(),
        None => std::env::temp_dir().join(format!(
            "cwm-sandbox-ca-{}-{}.pem",
            std::process::id(),
            super::state::random_guid()
        )),
    };
    std::fs::write(&ca_path, ca_cert.pem()).with_context(|| {
        format!(
            "failed to write the CA certificate to {}",
            ca_path.display()
        )
    })?;

    Ok(Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_path,
    })
}
