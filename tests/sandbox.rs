//! End-to-end tests of the `cwm-sandbox` binary over real HTTP on 127.0.0.1.
//!
//! Each test starts its own sandbox process, reads the start-up JSON line and talks to it with
//! reqwest, so the binary, routing, authentication and JSON shapes are all exercised.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::Engine;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
struct StartupLine {
    url: String,
    company_id: String,
    client_id: String,
    admin_public_key: String,
    admin_private_key: String,
}

/// A running `cwm-sandbox` process, killed when dropped.
struct Server {
    child: Child,
    info: StartupLine,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cwm-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cwm-sandbox starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("start-up line is readable");
    let info: StartupLine = serde_json::from_str(&line).expect("start-up line is JSON");
    assert!(
        info.url.starts_with("http://127.0.0.1:"),
        "url {}",
        info.url
    );
    Server {
        child,
        info,
        http: reqwest::Client::new(),
    }
}

fn basic(company: &str, public_key: &str, private_key: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{company}+{public_key}:{private_key}"));
    format!("Basic {encoded}")
}

struct Reply {
    status: StatusCode,
    link: Option<String>,
    body: Value,
}

impl Server {
    fn api_url(&self, path: &str) -> String {
        format!("{}/v4_6_release/apis/3.0{path}", self.info.url)
    }

    /// Builds a REST request with the client ID and the given key pair.
    fn as_key(
        &self,
        method: Method,
        path: &str,
        public_key: &str,
        private_key: &str,
    ) -> RequestBuilder {
        self.http
            .request(method, self.api_url(path))
            .header("clientId", &self.info.client_id)
            .header(
                "Authorization",
                basic(&self.info.company_id, public_key, private_key),
            )
    }

    /// Builds a REST request as the fixture administrator.
    fn as_admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.as_key(
            method,
            path,
            &self.info.admin_public_key,
            &self.info.admin_private_key,
        )
    }

    async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("request reaches the sandbox");
        let status = response.status();
        let link = response
            .headers()
            .get("link")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.expect("body is readable");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("body is JSON")
        };
        Reply { status, link, body }
    }

    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.as_admin(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    async fn control(&self, path: &str, body: Value) -> Reply {
        self.send(
            self.http
                .post(format!("{}/__sandbox{path}", self.info.url))
                .json(&body),
        )
        .await
    }

    async fn create_role(&self, name: &str) -> i64 {
        let reply = self
            .admin(
                Method::POST,
                "/system/securityroles",
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "role {name} created: {}",
            reply.body
        );
        reply.body["id"].as_i64().expect("role id")
    }
}

fn api_member_body(identifier: &str, role: i64) -> Value {
    json!({
        "identifier": identifier,
        "name": "Visionary 360 API",
        "securityRole": { "id": role },
        "structureLevel": { "id": 1 },
        "securityLocation": { "id": 1 },
        "defaultLocation": { "id": 1 },
        "defaultDepartment": { "id": 1 },
        "timeZone": { "id": 1 },
    })
}

/// Returns the `errors[]` item for `field`, failing the test when there is none.
fn error_item<'a>(body: &'a Value, field: &str) -> &'a Value {
    body["errors"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["field"] == field))
        .unwrap_or_else(|| panic!("no error item for {field} in {body}"))
}

#[tokio::test]
async fn company_info_known_and_unknown() {
    let server = start();

    for path in ["/login/companyinfo/SANDBOX", "/login/companyInfo/sandbox"] {
        let reply = server
            .send(server.http.get(format!("{}{path}", server.info.url)))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "status of {path}");
        assert_eq!(reply.body["CompanyID"], "sandbox", "CompanyID of {path}");
        assert_eq!(
            reply.body["CompanyName"], "Sandbox MSP",
            "CompanyName of {path}"
        );
        assert_eq!(reply.body["Codebase"], "v2026_4/", "Codebase of {path}");
        assert_eq!(
            reply.body["VersionCode"], "v2026.4",
            "VersionCode of {path}"
        );
        assert_eq!(reply.body["IsCloud"], false, "IsCloud of {path}");
    }

    let reply = server
        .send(
            server
                .http
                .get(format!("{}/login/companyinfo/nobody", server.info.url)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "unknown company status");
    assert_eq!(reply.body, Value::Null, "unknown company body");

    let codebase_url = format!("{}/v2026_4/apis/3.0/system/info", server.info.url);
    let request = server
        .http
        .get(codebase_url)
        .header("clientId", &server.info.client_id)
        .header(
            "Authorization",
            basic(
                "sandbox",
                &server.info.admin_public_key,
                &server.info.admin_private_key,
            ),
        );
    let reply = server.send(request).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "system info under the codebase path"
    );
    let version = reply.body["version"].as_str().unwrap_or_default();
    assert!(version.starts_with("v2026.4."), "version {version}");
}

/// A rejected request: the headers it sends and the expected error response.
struct AuthCase<'a> {
    case: &'a str,
    client_id: Option<&'a str>,
    authorization: Option<String>,
    /// HTTP status and body `code`.
    expected: (StatusCode, &'a str),
    /// Text the error message must contain.
    message_part: &'a str,
}

#[tokio::test]
async fn authentication_failures() {
    let server = start();
    let info = &server.info;
    let url = server.api_url("/system/info");
    let good_auth = basic(
        &info.company_id,
        &info.admin_public_key,
        &info.admin_private_key,
    );
    let wrong_private = "WrongPrivateKey1";
    let other_guid = "0f8fad5b-d9cb-469f-a165-70867728950e";

    let client_id = Some(info.client_id.as_str());
    let unauthorized = (StatusCode::UNAUTHORIZED, "Unauthorized");
    let cases = [
        AuthCase {
            case: "missing clientId",
            client_id: None,
            authorization: Some(good_auth.clone()),
            expected: (StatusCode::BAD_REQUEST, "InvalidRequest"),
            message_part: "clientId",
        },
        AuthCase {
            case: "clientId not a GUID",
            client_id: Some("my-client"),
            authorization: Some(good_auth.clone()),
            expected: unauthorized,
            message_part: "clientId",
        },
        AuthCase {
            case: "unregistered clientId",
            client_id: Some(other_guid),
            authorization: Some(good_auth.clone()),
            expected: unauthorized,
            message_part: "clientId",
        },
        AuthCase {
            case: "missing Authorization",
            client_id,
            authorization: None,
            expected: unauthorized,
            message_part: "Authorization",
        },
        AuthCase {
            case: "not Basic",
            client_id,
            authorization: Some("Bearer abc".to_owned()),
            expected: unauthorized,
            message_part: "Authorization",
        },
        AuthCase {
            case: "wrong private key",
            client_id,
            authorization: Some(basic(
                &info.company_id,
                &info.admin_public_key,
                wrong_private,
            )),
            expected: unauthorized,
            message_part: "private key",
        },
        AuthCase {
            case: "wrong company",
            client_id,
            authorization: Some(basic(
                "othercompany",
                &info.admin_public_key,
                &info.admin_private_key,
            )),
            expected: unauthorized,
            message_part: "company",
        },
        AuthCase {
            case: "unknown public key",
            client_id,
            authorization: Some(basic(
                &info.company_id,
                "UnknownPublicKey",
                &info.admin_private_key,
            )),
            expected: unauthorized,
            message_part: "public key",
        },
    ];

    for AuthCase {
        case,
        client_id,
        authorization,
        expected,
        message_part,
    } in cases
    {
        let (status, code) = expected;
        let mut request = server.http.get(&url);
        if let Some(client_id) = client_id {
            request = request.header("ClientID", client_id);
        }
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let reply = server.send(request).await;
        assert_eq!(reply.status, status, "status for {case}");
        assert_eq!(reply.body["code"], code, "code for {case}");
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(message_part),
            "message for {case}: {message}"
        );
        assert!(
            !message.contains(wrong_private),
            "message for {case} echoes the private key"
        );
        assert!(
            !message.contains(&info.admin_private_key),
            "message for {case} echoes the admin private key"
        );
    }

    let reply = server.admin(Method::GET, "/system/info", None).await;
    assert_eq!(reply.status, StatusCode::OK, "valid credentials");
}

#[tokio::test]
async fn role_create_settings_and_duplicates() {
    let server = start();
    let role = server.create_role("Email reConnector").await;

    let reply = server
        .admin(Method::GET, &format!("/system/securityroles/{role}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "role readable");
    assert_eq!(reply.body["roleType"], "Member", "roleType");
    assert_eq!(reply.body["adminFlag"], false, "adminFlag");
    assert_eq!(reply.body["inactiveFlag"], false, "inactiveFlag");

    let settings_path = format!("/system/securityRoles/{role}/settings");
    let reply = server.admin(Method::GET, &settings_path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "settings status");
    let page = reply.body.as_array().expect("settings array");
    assert_eq!(page.len(), 25, "default page size");
    let link = reply.link.expect("Link header on a partial page");
    assert!(link.contains("rel=\"next\""), "next link: {link}");
    assert!(link.contains("page=2"), "next page number: {link}");

    let reply = server
        .admin(Method::GET, &format!("{settings_path}?pageSize=1000"), None)
        .await;
    let all = reply.body.as_array().expect("settings array");
    assert!(all.len() > 25, "more than 25 settings, got {}", all.len());
    assert!(reply.link.is_none(), "no Link header when everything fits");
    for setting in all {
        for verb in ["addLevel", "editLevel", "deleteLevel", "inquireLevel"] {
            assert_eq!(
                setting[verb], "None",
                "{verb} of {}",
                setting["moduleFunctionName"]
            );
        }
    }
    let tickets = all
        .iter()
        .find(|s| s["moduleFunctionName"] == "Service Tickets")
        .expect("Service Tickets setting");
    assert_eq!(
        tickets["moduleIdentifier"], "ServiceDesk",
        "moduleIdentifier"
    );
    assert_eq!(tickets["moduleName"], "Service Desk", "moduleName");
    assert_eq!(
        tickets["moduleFunctionIdentifier"], "ServiceTickets",
        "moduleFunctionIdentifier"
    );

    let reply = server
        .admin(
            Method::POST,
            "/system/securityroles",
            Some(json!({ "name": "EMAIL RECONNECTOR" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "duplicate status");
    assert_eq!(reply.body["code"], "InvalidObject", "duplicate code");
    assert_eq!(
        error_item(&reply.body, "name")["code"],
        "ObjectExists",
        "duplicate item code"
    );
    assert_eq!(
        error_item(&reply.body, "name")["resource"],
        "securityRole",
        "duplicate item resource"
    );

    let long_name = "x".repeat(31);
    let reply = server
        .admin(
            Method::POST,
            "/system/securityroles",
            Some(json!({ "name": long_name })),
        )
        .await;
    assert_eq!(
        error_item(&reply.body, "name")["code"],
        "MaxLength",
        "long name item code"
    );

    let reply = server
        .admin(Method::POST, "/system/securityroles", Some(json!({})))
        .await;
    assert_eq!(
        error_item(&reply.body, "name")["code"],
        "Required",
        "missing name item code"
    );

    let read_only = [
        (Method::PUT, format!("/system/securityroles/{role}")),
        (Method::PATCH, format!("/system/securityroles/{role}")),
        (Method::POST, settings_path.clone()),
        (Method::PATCH, format!("{settings_path}/{}", tickets["id"])),
        (Method::DELETE, format!("{settings_path}/{}", tickets["id"])),
    ];
    for (method, path) in read_only {
        let reply = server.admin(method.clone(), &path, Some(json!([]))).await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} status"
        );
        assert_eq!(
            reply.body["code"], "MethodNotAllowed",
            "{method} {path} body code"
        );
    }

    let reply = server
        .admin(
            Method::DELETE,
            &format!("/system/securityroles/{role}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "role deleted");
    let reply = server
        .admin(Method::DELETE, "/system/securityroles/1", None)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "role in use is not deleted"
    );

    let reply = server.admin(Method::GET, "/system/nothing", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "unknown route status");
    assert_eq!(reply.body["code"], "NotFound", "unknown route code");
}

#[tokio::test]
async fn api_member_create_and_patch() {
    let server = start();
    let role = server.create_role("V360").await;

    // (case, field to change, new value, field named in errors[], item code)
    let invalid = [
        (
            "missing department",
            "defaultDepartment",
            Value::Null,
            "defaultDepartment",
            "Required",
        ),
        (
            "missing role",
            "securityRole",
            Value::Null,
            "securityRole",
            "Required",
        ),
        (
            "unknown role",
            "securityRole",
            json!({ "id": 999 }),
            "securityRole",
            "InvalidReference",
        ),
        (
            "unknown time zone",
            "timeZone",
            json!({ "id": 42 }),
            "timeZone",
            "InvalidReference",
        ),
        (
            "long identifier",
            "identifier",
            json!("ABCDEFGHIJKLMNOP"),
            "identifier",
            "MaxLength",
        ),
        (
            "taken identifier",
            "identifier",
            json!("ADMIN1"),
            "identifier",
            "ObjectExists",
        ),
        (
            "long name",
            "name",
            json!("n".repeat(31)),
            "name",
            "MaxLength",
        ),
    ];
    for (case, field, value, named, code) in invalid {
        let mut body = api_member_body("V360API", role);
        body[field] = value;
        let reply = server
            .admin(Method::POST, "/system/apiMembers", Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "status for {case}");
        assert_eq!(reply.body["code"], "InvalidObject", "code for {case}");
        assert_eq!(
            error_item(&reply.body, named)["code"],
            code,
            "item code for {case}"
        );
    }

    let reply = server
        .admin(
            Method::POST,
            "/system/apiMembers",
            Some(api_member_body("V360API", role)),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "create status: {}",
        reply.body
    );
    let id = reply.body["id"].as_i64().expect("member id");
    assert_eq!(reply.body["securityRole"]["id"], role, "role reference");
    assert_eq!(
        reply.body["defaultDepartment"]["identifier"], "SVC",
        "department identifier"
    );

    let reply = server
        .admin(Method::GET, &format!("/system/members/{id}"), None)
        .await;
    assert_eq!(
        reply.body["licenseClass"], "A",
        "API member in /system/members"
    );
    assert_eq!(reply.body["firstName"], "Visionary 360", "first name");

    let reply = server
        .admin(
            Method::GET,
            "/system/apiMembers?conditions=identifier=\"v360api\"",
            None,
        )
        .await;
    assert_eq!(
        reply.body.as_array().map(Vec::len),
        Some(1),
        "found by identifier"
    );
    let reply = server.admin(Method::GET, "/system/apiMembers", None).await;
    let identifiers: Vec<&str> = reply
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["identifier"].as_str())
        .collect();
    assert_eq!(identifiers, ["V360API"], "only API members listed");

    let patch = json!([{ "op": "replace", "path": "securityRole", "value": { "id": 2 } }]);
    let reply = server
        .admin(
            Method::PATCH,
            &format!("/system/apiMembers/{id}"),
            Some(patch),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "patch status: {}", reply.body);
    assert_eq!(reply.body["securityRole"]["id"], 2, "patched role id");
    assert_eq!(
        reply.body["securityRole"]["name"], "Technician",
        "patched role name"
    );

    let patch = json!([{ "op": "replace", "path": "/inactiveFlag", "value": true }]);
    let reply = server
        .admin(
            Method::PATCH,
            &format!("/system/apiMembers/{id}"),
            Some(patch),
        )
        .await;
    assert_eq!(
        reply.body["inactiveFlag"], true,
        "patched with a leading slash"
    );

    let bad_patches = [
        ("bad op", json!([{ "op": "remove", "path": "name" }]), "op"),
        (
            "bad path",
            json!([{ "op": "replace", "path": "favouriteColour", "value": "red" }]),
            "path",
        ),
        (
            "bad reference",
            json!([{ "op": "replace", "path": "defaultLocation", "value": { "id": 77 } }]),
            "defaultLocation",
        ),
    ];
    for (case, patch, field) in bad_patches {
        let reply = server
            .admin(
                Method::PATCH,
                &format!("/system/apiMembers/{id}"),
                Some(patch),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "status for {case}");
        error_item(&reply.body, field);
    }

    let reply = server
        .admin(Method::DELETE, &format!("/system/apiMembers/{id}"), None)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "API members cannot be deleted"
    );
    assert_eq!(reply.body["code"], "MethodNotAllowed", "405 body code");
}

#[tokio::test]
async fn control_paths_feed_my_security() {
    let server = start();
    let role = server.create_role("Email reConnector").await;

    let changes = json!([
        { "module": "service desk", "function": "Service Tickets", "verb": "inquire", "level": "All" },
        { "module": "Service Desk", "function": "service tickets", "verb": "edit", "level": "My" },
        { "module": "Companies", "function": "Company Maintenance", "verb": "inquire", "level": "All" },
    ]);
    let reply = server
        .control(&format!("/security-roles/{role}/settings"), changes)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "set levels: {}", reply.body);
    assert_eq!(reply.body["updated"], 3, "updated count");

    let unknown = json!([
        { "module": "Service Desk", "function": "Ticket Juggling", "verb": "add", "level": "All" },
    ]);
    let reply = server
        .control(&format!("/security-roles/{role}/settings"), unknown)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "unknown function status"
    );
    assert!(
        reply.body.to_string().contains("Ticket Juggling"),
        "unknown function named: {}",
        reply.body
    );

    let reply = server
        .admin(
            Method::POST,
            "/system/apiMembers",
            Some(api_member_body("V360API", role)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "member created");
    let member_id = reply.body["id"].as_i64().expect("member id");

    let reply = server
        .control(
            "/api-members/V360API/api-keys",
            json!({ "description": "Email reConnector" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "key created");
    let public_key = reply.body["publicKey"]
        .as_str()
        .expect("public key")
        .to_owned();
    let private_key = reply.body["privateKey"]
        .as_str()
        .expect("private key")
        .to_owned();
    for key in [&public_key, &private_key] {
        assert_eq!(key.len(), 16, "key length of {key}");
        assert!(
            key.chars().all(|c| c.is_ascii_alphanumeric()),
            "key alphabet of {key}"
        );
    }

    let request = server.as_key(
        Method::GET,
        "/system/mySecurity?pageSize=1000",
        &public_key,
        &private_key,
    );
    let reply = server.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "mySecurity as the new key");
    let settings = reply.body.as_array().expect("mySecurity array");
    let tickets = settings
        .iter()
        .find(|s| s["moduleFunctionName"] == "Service Tickets")
        .expect("Service Tickets");
    assert_eq!(tickets["inquireLevel"], "All", "inquire level");
    assert_eq!(tickets["editLevel"], "My", "edit level");
    assert_eq!(tickets["addLevel"], "None", "add level");
    assert_eq!(
        tickets["member"]["identifier"], "V360API",
        "member identifier"
    );
    assert_eq!(tickets["member"]["id"], member_id, "member id");

    let request = server.as_key(
        Method::GET,
        &format!("/system/members/{member_id}"),
        &public_key,
        &private_key,
    );
    let reply = server.send(request).await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "a role without Member Maintenance cannot read even its own member record"
    );
    assert_eq!(reply.body["code"], "Forbidden", "403 body: {}", reply.body);

    let reply = server
        .admin(
            Method::GET,
            "/system/mySecurity?conditions=inquireLevel!=\"All\"",
            None,
        )
        .await;
    assert_eq!(
        reply.body.as_array().map(Vec::len),
        Some(0),
        "admin role grants All everywhere"
    );

    let reply = server
        .send(
            server
                .http
                .get(format!("{}/__sandbox/state", server.info.url)),
        )
        .await;
    let state = reply.body.to_string();
    assert!(state.contains(&public_key), "state lists the public key");
    assert!(!state.contains(&private_key), "state hides the private key");

    let reply = server
        .send(
            server
                .http
                .get(format!("{}/__sandbox/requests", server.info.url)),
        )
        .await;
    let log = reply.body.to_string();
    let entries = reply.body.as_array().expect("request log array");
    assert!(
        entries
            .iter()
            .any(|e| e["path"] == "/v4_6_release/apis/3.0/system/mySecurity"),
        "log has mySecurity"
    );
    assert!(
        entries
            .iter()
            .all(|e| e["status"].is_u64() && e["durationMs"].is_number()),
        "log entry shape"
    );
    assert!(!log.contains(&private_key), "log hides the new private key");
    assert!(
        !log.contains(&server.info.admin_private_key),
        "log hides the admin private key"
    );
    assert!(!log.contains("Basic "), "log has no Authorization value");
}

#[tokio::test]
async fn impersonation_token_authenticates() {
    let server = start();

    let reply = server
        .admin(Method::POST, "/system/members/jsmith/tokens", None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "token status");
    let public_key = reply.body["publicKey"]
        .as_str()
        .expect("public key")
        .to_owned();
    let private_key = reply.body["privateKey"]
        .as_str()
        .expect("private key")
        .to_owned();
    assert!(
        reply.body["expiration"]
            .as_str()
            .is_some_and(|e| e.ends_with('Z')),
        "expiration {}",
        reply.body
    );

    let request = server.as_key(Method::GET, "/system/mySecurity", &public_key, &private_key);
    let reply = server.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "token authenticates");
    assert_eq!(
        reply.body[0]["member"]["identifier"], "jsmith",
        "token acts as jsmith"
    );

    let reply = server
        .admin(Method::POST, "/system/members/nobody/tokens", None)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "unknown member");
}

#[tokio::test]
async fn list_queries() {
    let server = start();

    // (case, path with query, expected status, expected count when 200)
    let cases = [
        (
            "equality",
            "/system/members?conditions=identifier=\"ADMIN1\"",
            StatusCode::OK,
            1,
        ),
        (
            "single quotes",
            "/system/members?conditions=identifier='jsmith'",
            StatusCode::OK,
            1,
        ),
        (
            "nested field",
            "/system/members?conditions=securityRole/id=2",
            StatusCode::OK,
            1,
        ),
        (
            "or",
            "/system/locations?conditions=name like 'main%' or name contains 'REMOTE'",
            StatusCode::OK,
            2,
        ),
        (
            "in",
            "/system/departments?conditions=identifier in ('SVC','ADMIN')",
            StatusCode::OK,
            2,
        ),
        (
            "boolean",
            "/system/timeZoneSetups?conditions=defaultFlag=TRUE",
            StatusCode::OK,
            1,
        ),
        (
            "levels",
            "/system/myCompany/corporateStructureLevels?conditions=id<=2",
            StatusCode::OK,
            2,
        ),
        (
            "malformed",
            "/system/members?conditions=identifier=",
            StatusCode::BAD_REQUEST,
            0,
        ),
        (
            "unclosed quote",
            "/system/members?conditions=identifier=\"admin1",
            StatusCode::BAD_REQUEST,
            0,
        ),
        (
            "unknown field",
            "/system/members?conditions=shoeSize=9",
            StatusCode::BAD_REQUEST,
            0,
        ),
        (
            "wrong type",
            "/system/members?conditions=id=\"1\"",
            StatusCode::BAD_REQUEST,
            0,
        ),
        (
            "bad orderBy",
            "/system/members?orderBy=identifier%20upwards",
            StatusCode::BAD_REQUEST,
            0,
        ),
        (
            "bad page",
            "/system/members?page=0",
            StatusCode::BAD_REQUEST,
            0,
        ),
    ];
    for (case, path, status, count) in cases {
        let reply = server.admin(Method::GET, path, None).await;
        assert_eq!(reply.status, status, "status for {case}: {}", reply.body);
        if status == StatusCode::OK {
            assert_eq!(
                reply.body.as_array().map(Vec::len),
                Some(count),
                "count for {case}"
            );
        } else {
            assert_eq!(reply.body["code"], "InvalidObject", "code for {case}");
            assert!(
                reply.body["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "message for {case}"
            );
        }
    }

    let reply = server
        .admin(Method::GET, "/system/members?orderBy=identifier desc", None)
        .await;
    assert_eq!(reply.body[0]["identifier"], "jsmith", "descending order");
    let reply = server
        .admin(
            Method::GET,
            "/system/securityroles/count?conditions=adminFlag=false",
            None,
        )
        .await;
    assert_eq!(reply.body["count"], 2, "count endpoint");
}
