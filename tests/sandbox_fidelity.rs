//! Fidelity tests: the `cwm-sandbox` binary, over HTTP on 127.0.0.1, responds as the real
//! ConnectWise Manage API does. Each case's name states the real server's behaviour it copies.
//!
//! Most rules run as one table against one sandbox; faults, TLS, fixtures, token expiry and
//! concurrency each start their own sandbox with the flags they need.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
struct StartupLine {
    url: String,
    company_id: String,
    client_id: String,
    admin_public_key: String,
    admin_private_key: String,
    ca_cert: Option<String>,
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

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cwm-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cwm-sandbox starts")
}

fn start(args: &[&str]) -> Server {
    let mut child = spawn(args);
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("start-up line is readable");
    let info: StartupLine = serde_json::from_str(&line)
        .unwrap_or_else(|error| panic!("start-up line {line:?} is not JSON: {error}"));
    let mut http = reqwest::Client::builder().timeout(Duration::from_secs(10));
    if let Some(path) = &info.ca_cert {
        let pem = std::fs::read(path).expect("CA certificate is readable");
        let ca = reqwest::Certificate::from_pem(&pem).expect("CA certificate is PEM");
        http = http.add_root_certificate(ca);
    }
    Server {
        child,
        info,
        http: http.build().expect("HTTP client"),
    }
}

fn basic(company: &str, public_key: &str, private_key: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{company}+{public_key}:{private_key}"));
    format!("Basic {encoded}")
}

#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

/// Who sends a request of a case.
#[derive(Clone, Copy, Debug)]
enum Caller {
    Admin,
    /// `jsmith`, whose Technician role has no System permissions, through a token.
    Technician,
    /// An inactive API member's durable key.
    Inactive,
    NoClientId,
    UnknownClientId,
    WrongPrivateKey,
    NoAuthorization,
}

/// Key pairs made during setup.
struct Keys {
    technician: (String, String),
    inactive: (String, String),
}

impl Server {
    fn api_url(&self, path: &str) -> String {
        format!("{}/v4_6_release/apis/3.0{path}", self.info.url)
    }

    fn request(
        &self,
        keys: Option<&Keys>,
        caller: Caller,
        method: Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        let info = &self.info;
        let mut request = self.http.request(method, self.api_url(path));
        request = match caller {
            Caller::NoClientId => request,
            Caller::UnknownClientId => {
                request.header("clientId", "00000000-0000-4000-8000-000000000000")
            }
            _ => request.header("clientId", &info.client_id),
        };
        let pair = match (caller, keys) {
            (Caller::NoAuthorization, _) => return request,
            (Caller::Technician, Some(keys)) => keys.technician.clone(),
            (Caller::Inactive, Some(keys)) => keys.inactive.clone(),
            (Caller::WrongPrivateKey, _) => {
                (info.admin_public_key.clone(), "WrongPrivateKey1".to_owned())
            }
            _ => (
                info.admin_public_key.clone(),
                info.admin_private_key.clone(),
            ),
        };
        request.header("Authorization", basic(&info.company_id, &pair.0, &pair.1))
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request reaches the sandbox");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body is readable");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.request(None, Caller::Admin, method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}/__sandbox{path}", self.info.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// Mints a token for `jsmith` and creates an inactive API member with a durable key.
    async fn setup_keys(&self) -> Keys {
        let token = self
            .admin(Method::POST, "/system/members/jsmith/tokens", None)
            .await;
        assert_eq!(token.status, StatusCode::OK, "token: {}", token.body);
        let technician = (
            token.body["publicKey"]
                .as_str()
                .expect("publicKey")
                .to_owned(),
            token.body["privateKey"]
                .as_str()
                .expect("privateKey")
                .to_owned(),
        );

        let mut body = api_member("GONE1");
        body["inactiveFlag"] = json!(true);
        let created = self
            .admin(Method::POST, "/system/apiMembers", Some(body))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let key = self
            .control(
                Method::POST,
                "/api-members/GONE1/api-keys",
                Some(json!({"description": "Old tool"})),
            )
            .await;
        assert_eq!(key.status, StatusCode::CREATED, "{}", key.body);
        let inactive = (
            key.body["publicKey"]
                .as_str()
                .expect("publicKey")
                .to_owned(),
            key.body["privateKey"]
                .as_str()
                .expect("privateKey")
                .to_owned(),
        );
        Keys {
            technician,
            inactive,
        }
    }
}

fn api_member(identifier: &str) -> Value {
    json!({
        "identifier": identifier,
        "name": "Visionary 360 API",
        "securityRole": { "id": 3 },
        "structureLevel": { "id": 1 },
        "securityLocation": { "id": 1 },
        "defaultLocation": { "id": 1 },
        "defaultDepartment": { "id": 1 },
        "timeZone": { "id": 1 },
    })
}

fn api_member_with(field: &str, value: Value) -> Value {
    let mut body = api_member("V360TEST");
    body[field] = value;
    body
}

fn full_member(identifier: &str) -> Value {
    json!({
        "identifier": identifier,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "licenseClass": "F",
        "hireDate": "2024-03-01T00:00:00Z",
        "defaultEmail": "Office",
        "defaultPhone": "Office",
        "officeEmail": "ada@example.com",
        "securityRole": { "id": 2 },
        "structureLevel": { "id": 1 },
        "securityLocation": { "id": 1 },
        "defaultLocation": { "id": 1 },
        "defaultDepartment": { "id": 1 },
    })
}

/// A check on a reply beyond its status.
#[derive(Clone, Copy, Debug)]
enum Check {
    /// Top-level `code` of the error body.
    Code(&'static str),
    /// An `errors[]` item with this `code` and `field`.
    Item(&'static str, &'static str),
    /// The error message contains this text.
    Message(&'static str),
    /// The JSON at a pointer equals this JSON text.
    Equals(&'static str, &'static str),
    /// The JSON at a pointer exists.
    Has(&'static str),
    /// The body is an array of this length.
    Length(usize),
    /// A header contains this text.
    Header(&'static str, &'static str),
    /// A header is absent.
    NoHeader(&'static str),
    /// Every record of the array has only these top-level keys.
    OnlyKeys(&'static [&'static str]),
}

impl Check {
    fn verify(&self, reply: &Reply) -> Result<(), String> {
        let body = &reply.body;
        let ok = match self {
            Check::Code(code) => body["code"] == *code,
            Check::Item(code, field) => body["errors"].as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|item| item["code"] == *code && item["field"] == *field)
            }),
            Check::Message(text) => body["message"]
                .as_str()
                .is_some_and(|message| message.contains(text)),
            Check::Equals(pointer, expected) => {
                let expected: Value = serde_json::from_str(expected).expect("expected JSON");
                body.pointer(pointer) == Some(&expected)
            }
            Check::Has(pointer) => body.pointer(pointer).is_some(),
            Check::Length(length) => body.as_array().map(Vec::len) == Some(*length),
            Check::Header(name, text) => reply
                .headers
                .get(*name)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.contains(text)),
            Check::NoHeader(name) => !reply.headers.contains_key(*name),
            Check::OnlyKeys(keys) => body.as_array().is_some_and(|records| {
                !records.is_empty()
                    && records.iter().all(|record| {
                        record.as_object().is_some_and(|object| {
                            object.keys().all(|key| keys.contains(&key.as_str()))
                        })
                    })
            }),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{self:?} failed"))
        }
    }
}

/// One row of the fidelity table.
struct Case {
    /// The real server's behaviour that the case copies.
    behaviour: &'static str,
    caller: Caller,
    method: Method,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: Option<Value>,
    status: u16,
    checks: &'static [Check],
}

fn case(
    behaviour: &'static str,
    caller: Caller,
    method: Method,
    path: &'static str,
    status: u16,
    checks: &'static [Check],
) -> Case {
    Case {
        behaviour,
        caller,
        method,
        path,
        headers: &[],
        body: None,
        status,
        checks,
    }
}

fn with_body(mut case: Case, body: Value) -> Case {
    case.body = Some(body);
    case
}

fn with_headers(mut case: Case, headers: &'static [(&'static str, &'static str)]) -> Case {
    case.headers = headers;
    case
}

use Caller::{
    Admin, Inactive, NoAuthorization, NoClientId, Technician, UnknownClientId, WrongPrivateKey,
};
use Check::{Code, Equals, Has, Header, Item, Length, Message, NoHeader, OnlyKeys};

fn authentication_cases() -> Vec<Case> {
    vec![
        case(
            "missing clientId header is a 400 naming clientId",
            NoClientId,
            Method::GET,
            "/system/info",
            400,
            &[Code("InvalidRequest"), Message("clientId")],
        ),
        case(
            "unregistered clientId is a 401",
            UnknownClientId,
            Method::GET,
            "/system/info",
            401,
            &[Code("Unauthorized")],
        ),
        case(
            "wrong private key is a 401 Unauthorized",
            WrongPrivateKey,
            Method::GET,
            "/system/info",
            401,
            &[Code("Unauthorized")],
        ),
        case(
            "missing Authorization header is a 401",
            NoAuthorization,
            Method::GET,
            "/system/info",
            401,
            &[Code("Unauthorized")],
        ),
        case(
            "key of an inactive member is a 401",
            Inactive,
            Method::GET,
            "/system/info",
            401,
            &[Code("Unauthorized"), Message("inactive")],
        ),
        case(
            "valid key reads /system/info with version and cloudRegion",
            Admin,
            Method::GET,
            "/system/info",
            200,
            &[
                Has("/version"),
                Has("/cloudRegion"),
                Header("api-current-version", "20"),
            ],
        ),
    ]
}

fn authorization_cases() -> Vec<Case> {
    vec![
        case(
            "role without System > Security inquire gets 403 on security roles",
            Technician,
            Method::GET,
            "/system/securityroles",
            403,
            &[Code("Forbidden"), Message("System > Security")],
        ),
        case(
            "role without Security add gets 403 creating a role",
            Technician,
            Method::POST,
            "/system/securityroles",
            403,
            &[Message("add System > Security")],
        ),
        case(
            "role without Member Maintenance gets 403 on API members",
            Technician,
            Method::GET,
            "/system/apiMembers",
            403,
            &[Message("Member Maintenance")],
        ),
        case(
            "role without Member Maintenance gets 403 on members",
            Technician,
            Method::GET,
            "/system/members?conditions=identifier%3D%22jsmith%22",
            403,
            &[Message("Member Maintenance")],
        ),
        case(
            "role without Member Maintenance edit cannot mint tokens",
            Technician,
            Method::POST,
            "/system/members/admin1/tokens",
            403,
            &[Message("edit System > Member Maintenance")],
        ),
        case(
            "role without My Company gets 403 on locations",
            Technician,
            Method::GET,
            "/system/locations",
            403,
            &[Message("My Company")],
        ),
        case(
            "role without My Company gets 403 on structure levels",
            Technician,
            Method::GET,
            "/system/myCompany/corporateStructureLevels",
            403,
            &[Message("My Company")],
        ),
        case(
            "role without Table Setup gets 403 on time zones",
            Technician,
            Method::GET,
            "/system/timeZoneSetups",
            403,
            &[Message("Table Setup")],
        ),
        case(
            "/system/info needs no permission",
            Technician,
            Method::GET,
            "/system/info",
            200,
            &[Has("/version")],
        ),
        case(
            "/system/mySecurity needs no permission and names the caller",
            Technician,
            Method::GET,
            "/system/mySecurity?pageSize=1",
            200,
            &[Equals("/0/member/identifier", "\"jsmith\"")],
        ),
        case(
            "405 comes before 403 for a method the API lacks",
            Technician,
            Method::PUT,
            "/system/securityroles/1",
            405,
            &[Code("MethodNotAllowed")],
        ),
    ]
}

fn method_cases() -> Vec<Case> {
    vec![
        case(
            "role settings are read-only: POST is 405 with Allow GET",
            Admin,
            Method::POST,
            "/system/securityRoles/1/settings",
            405,
            &[Code("MethodNotAllowed"), Header("allow", "GET")],
        ),
        case(
            "role settings are read-only: PATCH of one setting is 405",
            Admin,
            Method::PATCH,
            "/system/securityRoles/1/settings/1",
            405,
            &[Code("MethodNotAllowed")],
        ),
        case(
            "role settings are read-only: PUT of one setting is 405",
            Admin,
            Method::PUT,
            "/system/securityRoles/1/settings/1",
            405,
            &[Header("allow", "GET")],
        ),
        case(
            "a role cannot be renamed: PATCH is 405 with Allow GET, DELETE",
            Admin,
            Method::PATCH,
            "/system/securityroles/2",
            405,
            &[Header("allow", "GET, DELETE")],
        ),
        case(
            "API members cannot be deleted: DELETE is 405",
            Admin,
            Method::DELETE,
            "/system/apiMembers/1",
            405,
            &[Header("allow", "GET, PUT, PATCH")],
        ),
        case(
            "members cannot be deleted: DELETE is 405",
            Admin,
            Method::DELETE,
            "/system/members/2",
            405,
            &[Code("MethodNotAllowed")],
        ),
        case(
            "structure levels are read-only: POST is 405",
            Admin,
            Method::POST,
            "/system/myCompany/corporateStructureLevels",
            405,
            &[Header("allow", "GET")],
        ),
        case(
            "an unknown path is a 404 NotFound in JSON",
            Admin,
            Method::GET,
            "/system/nothingHere",
            404,
            &[Code("NotFound")],
        ),
        case(
            "an unknown role id is a 404",
            Admin,
            Method::GET,
            "/system/securityroles/999",
            404,
            &[Code("NotFound")],
        ),
        case(
            "path segments ignore case (securityRoles and securityroles)",
            Admin,
            Method::GET,
            "/SYSTEM/SecurityRoles/1",
            200,
            &[Equals("/name", "\"Admin\"")],
        ),
    ]
}

fn endpoint_cases() -> Vec<Case> {
    vec![
        case(
            "/count endpoints return {\"count\": n}",
            Admin,
            Method::GET,
            "/system/securityroles/count",
            200,
            &[Equals("/count", "3")],
        ),
        case(
            "/count honours conditions",
            Admin,
            Method::GET,
            "/system/members/count?conditions=identifier%3D%22jsmith%22",
            200,
            &[Equals("/count", "1")],
        ),
        case(
            "API member count",
            Admin,
            Method::GET,
            "/system/apiMembers/count",
            200,
            &[Has("/count")],
        ),
        case(
            "role settings count",
            Admin,
            Method::GET,
            "/system/securityRoles/2/settings/count",
            200,
            &[Has("/count")],
        ),
        case(
            "securityroles/info lists SecurityRoleInfo summaries",
            Admin,
            Method::GET,
            "/system/securityroles/info",
            200,
            &[
                Length(3),
                OnlyKeys(&["id", "name", "roleType", "inactiveFlag", "_info"]),
            ],
        ),
        case(
            "securityroles/{id}/info returns one summary",
            Admin,
            Method::GET,
            "/system/securityroles/2/info",
            200,
            &[Equals("/name", "\"Technician\"")],
        ),
        case(
            "securityroles/info/count",
            Admin,
            Method::GET,
            "/system/securityroles/info/count",
            200,
            &[Equals("/count", "3")],
        ),
        case(
            "apiMembers/default returns a new API member's defaults",
            Admin,
            Method::GET,
            "/system/apiMembers/default",
            200,
            &[Equals("/structureLevel/id", "1"), Has("/timeZone/name")],
        ),
        case(
            "members/{identifier} reads a member by identifier",
            Admin,
            Method::GET,
            "/system/members/jsmith",
            200,
            &[Equals("/id", "2"), Equals("/licenseClass", "\"F\"")],
        ),
        case(
            "each entity carries _info with lastUpdated",
            Admin,
            Method::GET,
            "/system/members/1",
            200,
            &[
                Has("/_info/lastUpdated"),
                Has("/securityRole/_info/securityRole_href"),
            ],
        ),
        with_body(
            case(
                "POST /system/members creates a full member (201)",
                Admin,
                Method::POST,
                "/system/members",
                201,
                &[
                    Equals("/identifier", "\"ada\""),
                    Equals("/lastName", "\"Lovelace\""),
                ],
            ),
            full_member("ada"),
        ),
        with_body(
            case(
                "PATCH /system/members replaces a field (200)",
                Admin,
                Method::PATCH,
                "/system/members/ada",
                200,
                &[Equals("/lastName", "\"King\"")],
            ),
            json!([{"op": "replace", "path": "lastName", "value": "King"}]),
        ),
        with_body(
            case(
                "POST deactivate makes a member inactive (MemberDeactivation)",
                Admin,
                Method::POST,
                "/system/members/ada/deactivate",
                200,
                &[Equals("/deleteOpenTimeSheetsFlag", "false")],
            ),
            json!({}),
        ),
        case(
            "a deactivated member reads as inactive",
            Admin,
            Method::GET,
            "/system/members/ada",
            200,
            &[Equals("/inactiveFlag", "true"), Has("/inactiveDate")],
        ),
        with_body(
            case(
                "PATCH /system/apiMembers replaces the role",
                Admin,
                Method::PATCH,
                "/system/apiMembers/3",
                200,
                &[Equals("/securityRole/id", "2")],
            ),
            json!([{"op": "replace", "path": "securityRole", "value": {"id": 2}}]),
        ),
    ]
}

fn validation_cases() -> Vec<Case> {
    let mut missing = full_member("bob");
    for field in ["firstName", "hireDate", "defaultEmail", "securityRole"] {
        missing.as_object_mut().expect("object").remove(field);
    }
    let mut long_names = full_member("carol");
    long_names["lastName"] = json!("L".repeat(31));
    long_names["password"] = json!("p".repeat(61));
    vec![
        with_body(
            case(
                "member create names every missing required field",
                Admin,
                Method::POST,
                "/system/members",
                400,
                &[
                    Code("InvalidObject"),
                    Item("Required", "firstName"),
                    Item("Required", "hireDate"),
                    Item("Required", "defaultEmail"),
                    Item("Required", "securityRole"),
                ],
            ),
            missing,
        ),
        with_body(
            case(
                "member names and password have maximum lengths",
                Admin,
                Method::POST,
                "/system/members",
                400,
                &[Item("MaxLength", "lastName"), Item("MaxLength", "password")],
            ),
            long_names,
        ),
        with_body(
            case(
                "a duplicate member identifier is ObjectExists",
                Admin,
                Method::POST,
                "/system/members",
                400,
                &[Item("ObjectExists", "identifier")],
            ),
            full_member("JSMITH"),
        ),
        with_body(
            case(
                "API member identifier is at most 15 characters",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("MaxLength", "identifier")],
            ),
            api_member("ABCDEFGHIJKLMNOP"),
        ),
        with_body(
            case(
                "API member identifier is required",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("Required", "identifier")],
            ),
            api_member(""),
        ),
        with_body(
            case(
                "API member name is at most 30 characters",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("MaxLength", "name")],
            ),
            api_member_with("name", json!("N".repeat(31))),
        ),
        with_body(
            case(
                "API member identifier must be unique across members",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("ObjectExists", "identifier")],
            ),
            api_member("admin1"),
        ),
        with_body(
            case(
                "API member role must exist",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("InvalidReference", "securityRole")],
            ),
            api_member_with("securityRole", json!({"id": 99})),
        ),
        with_body(
            case(
                "API member location must exist",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("InvalidReference", "securityLocation")],
            ),
            api_member_with("securityLocation", json!({"id": 99})),
        ),
        with_body(
            case(
                "API member department must exist",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("InvalidReference", "defaultDepartment")],
            ),
            api_member_with("defaultDepartment", json!({"id": 99})),
        ),
        with_body(
            case(
                "API member level must exist",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("InvalidReference", "structureLevel")],
            ),
            api_member_with("structureLevel", json!({"id": 99})),
        ),
        with_body(
            case(
                "API member time zone must exist",
                Admin,
                Method::POST,
                "/system/apiMembers",
                400,
                &[Item("InvalidReference", "timeZone")],
            ),
            api_member_with("timeZone", json!({"id": 99})),
        ),
        with_body(
            case(
                "security role name is required",
                Admin,
                Method::POST,
                "/system/securityroles",
                400,
                &[Item("Required", "name")],
            ),
            json!({}),
        ),
        with_body(
            case(
                "security role name is at most 30 characters",
                Admin,
                Method::POST,
                "/system/securityroles",
                400,
                &[Item("MaxLength", "name")],
            ),
            json!({"name": "R".repeat(31)}),
        ),
        with_body(
            case(
                "a duplicate role name is ObjectExists",
                Admin,
                Method::POST,
                "/system/securityroles",
                400,
                &[Code("InvalidObject"), Item("ObjectExists", "name")],
            ),
            json!({"name": "admin"}),
        ),
        with_body(
            case(
                "a body that is not JSON is a 400",
                Admin,
                Method::POST,
                "/system/securityroles",
                400,
                &[Code("InvalidRequest")],
            ),
            json!("not an object"),
        ),
    ]
}

fn query_cases() -> Vec<Case> {
    vec![
        case(
            "malformed conditions are a 400 naming conditions, not an empty list",
            Admin,
            Method::GET,
            "/system/securityroles?conditions=name%3D",
            400,
            &[Code("InvalidObject"), Item("InvalidValue", "conditions")],
        ),
        case(
            "conditions on an unknown field are a 400",
            Admin,
            Method::GET,
            "/system/securityroles?conditions=colour%3D%22red%22",
            400,
            &[Message("unknown field")],
        ),
        case(
            "conditions filter on the server",
            Admin,
            Method::GET,
            "/system/securityroles?conditions=name%3D%22Technician%22",
            200,
            &[Length(1), Equals("/0/id", "2")],
        ),
        case(
            "conditions with and, like and in",
            Admin,
            Method::GET,
            "/system/securityroles?conditions=name%20like%20%22%25n%25%22%20and%20id%20in%20(2,3)",
            200,
            &[Length(2)],
        ),
        case(
            "orderBy sorts descending",
            Admin,
            Method::GET,
            "/system/securityroles?orderBy=id%20desc",
            200,
            &[Equals("/0/id", "3")],
        ),
        case(
            "orderBy on an unknown field is a 400",
            Admin,
            Method::GET,
            "/system/securityroles?orderBy=colour",
            400,
            &[Item("InvalidValue", "orderBy")],
        ),
        case(
            "fields projects the listed fields",
            Admin,
            Method::GET,
            "/system/securityroles?fields=id,name",
            200,
            &[OnlyKeys(&["id", "name"])],
        ),
        case(
            "fields with an unknown field is a 400",
            Admin,
            Method::GET,
            "/system/securityroles?fields=id,colour",
            400,
            &[Item("InvalidValue", "fields")],
        ),
        case(
            "pageSize limits the page and Link names next and last",
            Admin,
            Method::GET,
            "/system/securityroles?pageSize=1",
            200,
            &[
                Length(1),
                Header("link", "rel=\"next\""),
                Header("link", "rel=\"last\""),
            ],
        ),
        case(
            "page 2 has first and prev links",
            Admin,
            Method::GET,
            "/system/securityroles?pageSize=1&page=2",
            200,
            &[Equals("/0/id", "2"), Header("link", "rel=\"prev\"")],
        ),
        case(
            "one page needs no Link header",
            Admin,
            Method::GET,
            "/system/securityroles",
            200,
            &[NoHeader("link")],
        ),
        case(
            "pageSize above 1000 is capped, not rejected",
            Admin,
            Method::GET,
            "/system/securityroles?pageSize=5000",
            200,
            &[Length(3)],
        ),
        case(
            "page 0 is a 400",
            Admin,
            Method::GET,
            "/system/securityroles?page=0",
            400,
            &[Item("InvalidValue", "page")],
        ),
        case(
            "pageSize that is not a number is a 400",
            Admin,
            Method::GET,
            "/system/securityroles?pageSize=many",
            400,
            &[Item("InvalidValue", "pageSize")],
        ),
        case(
            "childConditions are rejected rather than ignored",
            Admin,
            Method::GET,
            "/system/securityroles?childConditions=x%3D1",
            400,
            &[Item("InvalidValue", "childConditions")],
        ),
        with_headers(
            case(
                "forward-only paging: Link carries the next URL with pageId",
                Admin,
                Method::GET,
                "/system/securityroles?pageSize=2",
                200,
                &[
                    Length(2),
                    Header("link", "pageId=2"),
                    Header("link", "rel=\"next\""),
                ],
            ),
            &[("pagination-type", "forward-only")],
        ),
        with_headers(
            case(
                "forward-only paging: last page has no next link",
                Admin,
                Method::GET,
                "/system/securityroles?pageSize=2&pageId=2",
                200,
                &[Length(1), Equals("/0/id", "3"), NoHeader("link")],
            ),
            &[("pagination-type", "forward-only")],
        ),
        with_headers(
            case(
                "forward-only paging forbids orderBy",
                Admin,
                Method::GET,
                "/system/securityroles?orderBy=name",
                400,
                &[Item("InvalidValue", "orderBy")],
            ),
            &[("pagination-type", "forward-only")],
        ),
        case(
            "pageId acts as id > pageId",
            Admin,
            Method::GET,
            "/system/securityroles?pageId=1",
            200,
            &[Length(2), Equals("/0/id", "2")],
        ),
    ]
}

#[tokio::test]
async fn fidelity_table() {
    let server = start(&[]);
    let keys = server.setup_keys().await;
    let groups = [
        ("authentication", authentication_cases()),
        ("authorization", authorization_cases()),
        ("methods", method_cases()),
        ("endpoints", endpoint_cases()),
        ("validation", validation_cases()),
        ("query grammar", query_cases()),
    ];

    let mut failures = Vec::new();
    let mut count = 0;
    for (group, cases) in groups {
        for case in cases {
            count += 1;
            let mut request =
                server.request(Some(&keys), case.caller, case.method.clone(), case.path);
            for (name, value) in case.headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = &case.body {
                request = match body {
                    Value::String(text) => request
                        .header("content-type", "application/json")
                        .body(text.clone()),
                    _ => request.json(body),
                };
            }
            let reply = server.send(request).await;
            let mut problems = Vec::new();
            if reply.status.as_u16() != case.status {
                problems.push(format!(
                    "status {} instead of {}",
                    reply.status, case.status
                ));
            }
            problems.extend(
                case.checks
                    .iter()
                    .filter_map(|check| check.verify(&reply).err()),
            );
            if reply.status.is_client_error() && reply.body.get("code").is_none() {
                problems.push("error body lacks ConnectWise's code".to_owned());
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "[{group}] {}: {} {}: {}\n    body: {}",
                    case.behaviour,
                    case.method,
                    case.path,
                    problems.join("; "),
                    reply.body
                ));
            }
        }
    }
    assert!(count >= 70, "table has {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn request_log_keeps_no_secret() {
    let server = start(&[]);
    let keys = server.setup_keys().await;
    let reply = server
        .send(server.request(
            Some(&keys),
            Technician,
            Method::GET,
            "/system/info?fields=version",
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "technician reads info");
    let log = server.control(Method::GET, "/requests", None).await;
    let text = log.body.to_string();
    for secret in [
        &server.info.admin_private_key,
        &keys.technician.1,
        &keys.inactive.1,
    ] {
        assert!(
            !text.contains(secret.as_str()),
            "a private key is in the log"
        );
    }
    let entry = log
        .body
        .as_array()
        .and_then(|entries| {
            entries
                .iter()
                .find(|entry| entry["query"] == "fields=version")
        })
        .expect("logged request with its query");
    assert_eq!(entry["method"], "GET", "method");
    assert_eq!(entry["status"], 200, "status");
    assert!(entry["durationMs"].is_number(), "timing: {entry}");
    let started = entry["startedMs"].as_f64().expect("startedMs is a number");
    let ended = entry["endedMs"].as_f64().expect("endedMs is a number");
    assert!(ended >= started, "ends after it starts: {entry}");
}

#[tokio::test]
async fn faults_fire_as_configured() {
    let server = start(&[
        "--faults",
        &write_temp(
            "faults.json",
            r#"{"rules": [{"method": "GET", "path": "/system/info", "fault": "status", "status": 503, "times": 1}]}"#,
        ),
    ]);
    let gateway = server.admin(Method::GET, "/system/info", None).await;
    assert_eq!(
        gateway.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "503 from --faults once"
    );
    let after = server.admin(Method::GET, "/system/info", None).await;
    assert_eq!(after.status, StatusCode::OK, "a once fault fires once");

    let rules = json!({"rules": [
        {"method": "POST", "path": "/system/apiMembers", "fault": "resetBefore", "times": 1},
        {"method": "POST", "path": "/system/apiMembers", "fault": "resetAfter", "times": 1},
        {"path": "/system/securityroles", "fault": "status", "status": 500, "times": 2},
        {"path": "/system/locations", "fault": "latency", "delayMs": 1500},
    ]});
    let set = server.control(Method::POST, "/faults", Some(rules)).await;
    assert_eq!(set.status, StatusCode::OK, "faults accepted: {}", set.body);

    let before = server
        .request(None, Admin, Method::POST, "/system/apiMembers")
        .json(&api_member("RESET1"))
        .send()
        .await;
    assert!(
        before.is_err(),
        "reset before: the connection drops without a response"
    );
    let state = server
        .admin(
            Method::GET,
            "/system/apiMembers/count?conditions=identifier%3D%22RESET1%22",
            None,
        )
        .await;
    assert_eq!(state.body["count"], 0, "reset before: nothing created");

    let after = server
        .request(None, Admin, Method::POST, "/system/apiMembers")
        .json(&api_member("RESET1"))
        .send()
        .await;
    assert!(
        after.is_err(),
        "reset after: the connection drops without a response"
    );
    let state = server
        .admin(
            Method::GET,
            "/system/apiMembers/count?conditions=identifier%3D%22RESET1%22",
            None,
        )
        .await;
    assert_eq!(
        state.body["count"], 1,
        "reset after: the member was created"
    );

    for attempt in 1..=2 {
        let reply = server
            .admin(Method::GET, "/system/securityroles", None)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 attempt {attempt}"
        );
        assert!(
            reply.body["code"].is_string(),
            "500 body is ConnectWise JSON"
        );
    }
    let reply = server
        .admin(Method::GET, "/system/securityroles", None)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "fault used up after two fires"
    );

    let slow = server
        .request(None, Admin, Method::GET, "/system/locations")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(
        slow.as_ref().is_err_and(reqwest::Error::is_timeout),
        "latency past the client's timeout: {slow:?}"
    );

    let log = server.control(Method::GET, "/requests", None).await;
    let faults: Vec<&str> = log
        .body
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|entry| entry["fault"].as_str())
        .collect();
    assert!(
        faults.contains(&"resetBefore") && faults.contains(&"resetAfter"),
        "log marks faults: {faults:?}"
    );

    let cleared = server.control(Method::DELETE, "/faults", None).await;
    assert_eq!(cleared.body["rules"], json!([]), "DELETE clears the rules");
    let invalid = server
        .control(
            Method::POST,
            "/faults",
            Some(json!({"rules": [{"path": "*", "fault": "status"}]})),
        )
        .await;
    assert_eq!(
        invalid.status,
        StatusCode::BAD_REQUEST,
        "status fault without status"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let server = start(&["--rate-limit", "3"]);
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..6 {
        let reply = server.admin(Method::GET, "/system/info", None).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            retry_after = reply.headers.get("retry-after").cloned();
        }
        statuses.push(reply.status.as_u16());
    }
    assert!(
        statuses.contains(&429),
        "past three per second: {statuses:?}"
    );
    assert_eq!(
        retry_after.as_ref().and_then(|value| value.to_str().ok()),
        Some("1"),
        "Retry-After"
    );
}

#[tokio::test]
async fn latency_flag_delays_every_request() {
    let server = start(&["--latency-ms", "150"]);
    let started = std::time::Instant::now();
    let reply = server.admin(Method::GET, "/system/info", None).await;
    assert_eq!(reply.status, StatusCode::OK, "served");
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn tls_with_generated_ca() {
    let server = start(&["--tls"]);
    assert!(
        server.info.url.starts_with("https://127.0.0.1:"),
        "url {}",
        server.info.url
    );
    let ca_path = server
        .info
        .ca_cert
        .clone()
        .expect("ca_cert in the start-up line");
    let pem = std::fs::read_to_string(&ca_path).expect("CA file");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "PEM");

    let reply = server.admin(Method::GET, "/system/info", None).await;
    assert_eq!(reply.status, StatusCode::OK, "HTTPS with the CA");
    let localhost = server.info.url.replace("127.0.0.1", "localhost");
    let by_name = server
        .http
        .get(format!(
            "{localhost}/login/companyinfo/{}",
            server.info.company_id
        ))
        .send()
        .await
        .expect("certificate valid for localhost");
    assert_eq!(by_name.status(), StatusCode::OK, "localhost");

    let untrusting = reqwest::Client::new();
    let refused = untrusting
        .get(format!("{}/login/companyinfo/x", server.info.url))
        .send()
        .await;
    assert!(
        refused.is_err(),
        "without the CA the certificate is not trusted"
    );
}

#[tokio::test]
async fn expired_token_is_rejected() {
    let server = start(&["--token-ttl-secs", "1"]);
    let token = server
        .admin(Method::POST, "/system/members/jsmith/tokens", None)
        .await;
    let public_key = token.body["publicKey"].as_str().expect("publicKey");
    let private_key = token.body["privateKey"].as_str().expect("privateKey");
    let as_token = || {
        server
            .http
            .get(server.api_url("/system/info"))
            .header("clientId", &server.info.client_id)
            .header(
                "Authorization",
                basic(&server.info.company_id, public_key, private_key),
            )
    };
    let fresh = server.send(as_token()).await;
    assert_eq!(fresh.status, StatusCode::OK, "fresh token");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = server.send(as_token()).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED, "expired token");
    assert!(
        expired.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired")),
        "{}",
        expired.body
    );
}

fn write_temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("cwm-sandbox-test-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("temporary file");
    path.display().to_string()
}

#[tokio::test]
async fn toml_fixture_seeds_the_site() {
    let fixture = r#"
administrator = "boss"

[company]
id = "contoso"
name = "Contoso IT"

[[security_roles]]
name = "Admin"
admin = true

[[security_roles]]
name = "Helpdesk"
levels = [{ module = "Service Desk", function = "Service Tickets", inquire = "All" }]

[[members]]
identifier = "boss"
first_name = "Big"
last_name = "Boss"
security_role = "Admin"

[[members]]
identifier = "helper"
first_name = "Help"
last_name = "Desk"
security_role = "Helpdesk"
"#;
    let server = start(&["--fixture", &write_temp("fixture.toml", fixture)]);
    assert_eq!(
        server.info.company_id, "contoso",
        "company from the fixture"
    );
    let roles = server
        .admin(Method::GET, "/system/securityroles", None)
        .await;
    assert_eq!(
        roles.body.as_array().map(Vec::len),
        Some(2),
        "roles: {}",
        roles.body
    );
    let helper = server
        .admin(Method::GET, "/system/members/helper", None)
        .await;
    assert_eq!(
        helper.body["securityRole"]["name"], "Helpdesk",
        "member's role"
    );

    let mut bad = spawn(&[
        "--fixture",
        &write_temp("bad.toml", "[[members]]\nidentifier = 'x'\n"),
    ]);
    let status = bad.wait().expect("exits");
    let mut stderr = String::new();
    bad.stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr text");
    assert!(!status.success(), "a bad fixture stops the start");
    assert!(
        stderr.contains("fixture"),
        "error names the fixture: {stderr}"
    );
}

#[tokio::test]
async fn large_fixture_counts_and_lookup() {
    let server = start(&["--large"]);
    for (path, expected) in [
        ("/system/members/count", 10_000),
        ("/system/securityroles/count", 1_000),
        ("/system/locations/count", 200),
    ] {
        let reply = server.admin(Method::GET, path, None).await;
        assert_eq!(reply.body["count"], expected, "{path}");
    }
    let found = server
        .admin(
            Method::GET,
            "/system/members?conditions=identifier%3D%22user04321%22",
            None,
        )
        .await;
    assert_eq!(found.body.as_array().map(Vec::len), Some(1), "one member");
    let page = server
        .admin(Method::GET, "/system/members?pageSize=1000&page=10", None)
        .await;
    assert_eq!(
        page.body.as_array().map(Vec::len),
        Some(1000),
        "last full page"
    );
    assert!(
        !page
            .headers
            .get("link")
            .is_some_and(|link| link.to_str().unwrap_or("").contains("rel=\"next\"")),
        "no next after page 10"
    );
}

#[tokio::test]
async fn concurrent_writes_are_consistent() {
    let server = start(&[]);
    let creates = (0..20).map(|index| {
        server.admin(
            Method::POST,
            "/system/securityroles",
            Some(json!({"name": format!("Parallel {index:02}")})),
        )
    });
    let duplicates = (0..10).map(|_| {
        server.admin(
            Method::POST,
            "/system/securityroles",
            Some(json!({"name": "Same Name"})),
        )
    });
    let created = futures::future::join_all(creates).await;
    let raced = futures::future::join_all(duplicates).await;
    assert!(
        created
            .iter()
            .all(|reply| reply.status == StatusCode::CREATED),
        "all distinct names created"
    );
    let winners = raced
        .iter()
        .filter(|reply| reply.status == StatusCode::CREATED)
        .count();
    assert_eq!(winners, 1, "exactly one of ten racing duplicates wins");
    let count = server
        .admin(Method::GET, "/system/securityroles/count", None)
        .await;
    assert_eq!(count.body["count"], 3 + 20 + 1, "role count");
}
