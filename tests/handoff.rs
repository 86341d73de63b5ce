//! The registration hand-off against an HTTPS stub on loopback.

mod https_stub;

use https_stub::HttpsStub;
use serde_json::Value;
use v360_setup::handoff::registration::{self, HandoffError, RegistrationFields};
use v360_setup::requirements::manifest::Manifest;
use v360_setup::secrets::KeyPair;

const TOOL_PUBLIC: &str = "HandoffPublic001";
const TOOL_PRIVATE: &str = "HandoffPrivate01";

fn fields(names: &[String]) -> RegistrationFields {
    RegistrationFields {
        site: "https://na.myconnectwise.net".into(),
        company_id: "contoso".into(),
        key: KeyPair::new(TOOL_PUBLIC, TOOL_PRIVATE),
        client_id: "00000000-0000-4000-8000-000000000000".into(),
        member_identifier: "V360API".into(),
        names: names.to_vec(),
    }
}

fn manifest_with_fields(url: &str, names: &[&str]) -> Manifest {
    let list = names
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "id = 'stub-tool'\nname = 'Stub Tool'\nregistration_url = '{url}'\n\
         registration_fields = [{list}]\n"
    );
    Manifest::parse(&text, "stub-tool.toml").expect("manifest parses")
}

#[tokio::test]
async fn stub_receives_exactly_manifest_fields() {
    let stub = HttpsStub::start(201, r#"{"message":"Stub Tool is registered"}"#).await;
    let url = format!("{}/register", stub.base_url);
    let manifest = manifest_with_fields(&url, &["company_id", "public_key", "private_key"]);
    let registration_url = manifest.registration_url.clone().expect("URL in manifest");

    let receipt = registration::send(
        &registration_url,
        &fields(&manifest.registration_fields),
        Some(&stub.ca_pem),
    )
    .await
    .expect("the stub accepts the key");
    assert_eq!(receipt.status, 201);
    assert_eq!(receipt.message.as_deref(), Some("Stub Tool is registered"));
    assert_eq!(
        receipt.to_string(),
        "the registration endpoint accepted the key (HTTP 201): Stub Tool is registered"
    );

    let requests = stub.requests();
    assert_eq!(requests.len(), 1, "one POST: {requests:?}");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/register");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    let object = body.as_object().expect("JSON object");
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["company_id", "private_key", "public_key"]);
    assert_eq!(object["company_id"], "contoso");
    assert_eq!(object["public_key"], TOOL_PUBLIC);
    assert_eq!(object["private_key"], TOOL_PRIVATE);
}

#[tokio::test]
async fn rejection_reads_plainly() {
    let stub = HttpsStub::start(409, r#"{"error":"this company is already registered"}"#).await;
    let url = format!("{}/register", stub.base_url);

    let error = registration::send(&url, &fields(&[]), Some(&stub.ca_pem))
        .await
        .unwrap_err();
    assert!(
        matches!(error, HandoffError::Rejected { status: 409, .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("HTTP 409"), "{message}");
    assert!(
        message.contains("this company is already registered"),
        "{message}"
    );
    assert!(!message.contains(TOOL_PRIVATE), "{message}");
}

#[tokio::test]
async fn unknown_certificate_rejected() {
    let stub = HttpsStub::start(200, "{}").await;
    let url = format!("{}/register", stub.base_url);

    let error = registration::send(&url, &fields(&[]), None)
        .await
        .unwrap_err();
    assert!(matches!(error, HandoffError::Unreachable { .. }), "{error}");
    assert!(
        stub.requests().is_empty(),
        "no request reaches an untrusted server"
    );
    let message = error.to_string().to_lowercase();
    assert!(message.contains("certificate"), "{message}");
}

#[tokio::test]
async fn redirect_not_followed() {
    let stub = HttpsStub::start(307, "{}").await;
    let url = format!("{}/register", stub.base_url);

    let error = registration::send(&url, &fields(&[]), Some(&stub.ca_pem))
        .await
        .unwrap_err();
    assert!(
        matches!(error, HandoffError::Redirected { status: 307, .. }),
        "{error}"
    );
    assert_eq!(stub.requests().len(), 1, "only the first request is sent");
}

#[tokio::test]
async fn http_endpoint_rejected() {
    let error = registration::send("http://127.0.0.1:9/register", &fields(&[]), None)
        .await
        .unwrap_err();
    assert!(matches!(error, HandoffError::NotHttps { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("http://127.0.0.1:9/register"), "{message}");
    assert!(message.contains("not HTTPS"), "{message}");
}

#[tokio::test]
async fn invalid_certificate_named() {
    let error = registration::send(
        "https://127.0.0.1:9/register",
        &fields(&[]),
        Some(b"not a certificate"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, HandoffError::InvalidCertificate { .. }),
        "{error}"
    );
}
