//! The OSBAPI rules outside conformance suites check (SPEC 11), each against the built
//! `ses-broker-server` binary over real HTTP: a fresh broker per test (`--aws memory`, a
//! free loopback port, its own temporary working directory), plain requests with exactly
//! the headers each rule is about.
//!
//! Not here: 422 `ConcurrencyError` and `AsyncRequired`, which come with the asynchronous
//! operations.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]

mod support;

use serde_json::{Value, json};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};

use support::server::{Reply, Server, agent, basic, send};

const USER: &str = "platform";
const PASSWORD: &str = "conformance-password";
const INSTANCE: &str = "7c0e5a8e-3b9d-4a51-9f2e-6d1c0b7a4e01";
const BINDING: &str = "7c0e5a8e-3b9d-4a51-9f2e-6d1c0b7a4eb1";
/// 1 MiB, the largest body the broker reads (written out, not taken from the broker).
const MIB: usize = 1024 * 1024;
const IDS: &str =
    "service_id=260f2ead-b9e9-48b5-9a01-6e3097208ad7&plan_id=35ffb84b-a898-442e-b5f9-0a6a5229827d";

/// A broker binary and a client for it.
struct Broker {
    server: Server,
    agent: ureq::Agent,
}

impl Broker {
    fn start() -> Self {
        let server = Server::start(|command, _| {
            command.args([
                "--username",
                USER,
                "--password",
                PASSWORD,
                "--aws",
                "memory",
            ]);
        })
        .unwrap_or_else(|said| panic!("the broker did not start:\n{said}"));
        Self {
            server,
            agent: agent(),
        }
    }

    /// A request with exactly `headers`.
    fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
        let url = format!("{}{path}", self.server.url());
        send(&self.agent, method, &url, headers, body)
    }

    /// A request as a platform makes it: credentials, API version 2.17, a JSON body.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.with_body(method, path, body)
    }

    /// A request as a platform makes it, with `body` as given.
    fn with_body(&self, method: &str, path: &str, body: Vec<u8>) -> Reply {
        self.raw(
            method,
            path,
            &[
                ("Authorization", &basic(USER, PASSWORD)),
                ("X-Broker-API-Version", "2.17"),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    }

    /// `GET /v2/catalog` with `headers` only.
    fn catalog(&self, headers: &[(&str, &str)]) -> Reply {
        self.raw("GET", "/v2/catalog", headers, Vec::new())
    }

    /// `GET /v2/catalog` with the right credentials and `version`.
    fn catalog_at(&self, version: &str) -> Reply {
        self.catalog(&[
            ("Authorization", &basic(USER, PASSWORD)),
            ("X-Broker-API-Version", version),
        ])
    }

    /// `GET /v2/catalog` at 2.17 with `authorization` (or none).
    fn catalog_as(&self, authorization: Option<&str>) -> Reply {
        match authorization {
            Some(value) => {
                self.catalog(&[("Authorization", value), ("X-Broker-API-Version", "2.17")])
            }
            None => self.catalog(&[("X-Broker-API-Version", "2.17")]),
        }
    }

    fn provision(&self, body: &Value) -> Reply {
        self.call("PUT", &instance_path(), Some(body))
    }

    fn bind(&self, body: &Value) -> Reply {
        self.call("PUT", &binding_path(), Some(body))
    }

    /// Whether the instance exists (a refused request must leave nothing behind).
    fn instance_exists(&self) -> bool {
        let reply = self.call("GET", &instance_path(), None);
        assert!(matches!(reply.status, 200 | 404), "{reply:?}");
        reply.status == 200
    }
}

fn instance_path() -> String {
    format!("/v2/service_instances/{INSTANCE}")
}

fn binding_path() -> String {
    format!("{}/service_bindings/{BINDING}", instance_path())
}

/// A provision body as Cloud Foundry sends it.
fn provision_body() -> Value {
    json!({
        "service_id": SERVICE_ID,
        "plan_id": PLAN_ID,
        "organization_guid": "6e1b2c3d-0000-4000-8000-00000000000e",
        "space_guid": "6e1b2c3d-0000-4000-8000-00000000000f",
        "context": {"platform": "cloudfoundry", "instance_name": "my-ses"},
        "parameters": {"admin_email": "admin@agency.gov"},
    })
}

fn without(mut body: Value, key: &str) -> Value {
    body.as_object_mut().unwrap().remove(key);
    body
}

fn bind_body(parameters: &Value) -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
           "bind_resource": {"app_guid": "app-guid"}, "parameters": parameters})
}

/// `reply` has `status` and an OSBAPI error body whose `description` names each of
/// `names`; `error`, when present, is a non-empty string.
fn assert_error(reply: &Reply, status: u16, names: &[&str]) {
    assert_eq!(reply.status, status, "{reply:?}");
    let body = reply
        .body
        .as_object()
        .unwrap_or_else(|| panic!("{reply:?}"));
    let description = reply.description();
    assert!(!description.is_empty(), "no description: {reply:?}");
    for name in names {
        assert!(
            description.contains(name),
            "{description:?} does not name {name}"
        );
    }
    if let Some(error) = body.get("error") {
        assert!(error.as_str().is_some_and(|e| !e.is_empty()), "{reply:?}");
    }
}

/// A 412 that names the header.
fn assert_412(reply: &Reply) {
    assert_error(reply, 412, &["X-Broker-API-Version"]);
}

/// A 401 that says how to authenticate.
fn assert_401(reply: &Reply) {
    assert_error(reply, 401, &[]);
    let challenge = reply
        .headers
        .get("WWW-Authenticate")
        .unwrap_or_else(|| panic!("401 without WWW-Authenticate: {reply:?}"));
    assert!(
        challenge.to_str().unwrap().starts_with("Basic realm="),
        "{challenge:?}"
    );
}

// X-Broker-API-Version: missing or not 2.x is 412; any 2.x is accepted.

#[test]
fn api_version_missing_is_412() {
    let broker = Broker::start();
    let reply = broker.catalog(&[("Authorization", &basic(USER, PASSWORD))]);
    assert_412(&reply);
    assert!(reply.description().contains("missing"), "{reply:?}");
}

#[test]
fn api_version_1_0_is_412() {
    assert_412(&Broker::start().catalog_at("1.0"));
}

#[test]
fn api_version_3_0_is_412() {
    assert_412(&Broker::start().catalog_at("3.0"));
}

#[test]
fn api_version_garbage_is_412() {
    let broker = Broker::start();
    for garbage in [
        "latest", "2", "2.", "2.x", "2.17.x", "v2.17", "-2.17", "2.-1", "", " ",
    ] {
        let reply = broker.catalog_at(garbage);
        assert_412(&reply);
    }
}

#[test]
fn api_version_2_0_is_accepted() {
    assert_eq!(Broker::start().catalog_at("2.0").status, 200);
}

#[test]
fn api_version_2_12_is_accepted() {
    assert_eq!(Broker::start().catalog_at("2.12").status, 200);
}

#[test]
fn api_version_2_17_is_accepted() {
    let reply = Broker::start().catalog_at("2.17");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body["services"][0]["id"], SERVICE_ID);
}

#[test]
fn api_version_2_17_1_is_accepted() {
    assert_eq!(Broker::start().catalog_at("2.17.1").status, 200);
}

// Basic auth: anything but the broker's user and password is 401 with a challenge.

#[test]
fn no_credentials_is_401() {
    let broker = Broker::start();
    assert_401(&broker.catalog_as(None));
    // Authentication comes first: without credentials the version is not looked at.
    assert_401(&broker.catalog(&[]));
}

#[test]
fn wrong_password_is_401() {
    let broker = Broker::start();
    for password in ["wrong", "", "conformance-passwor", "conformance-password2"] {
        assert_401(&broker.catalog_as(Some(&basic(USER, password))));
    }
}

#[test]
fn wrong_user_is_401() {
    let broker = Broker::start();
    for user in ["admin", "", "Platform", "platform "] {
        assert_401(&broker.catalog_as(Some(&basic(user, PASSWORD))));
    }
}

#[test]
fn malformed_authorization_is_401() {
    let broker = Broker::start();
    let right = basic(USER, PASSWORD);
    let token = right.trim_start_matches("Basic ");
    let no_colon = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}{PASSWORD}"))
    };
    for malformed in [
        token.to_owned(),
        format!("Bearer {token}"),
        "Basic".to_owned(),
        "Basic !!!not-base64!!!".to_owned(),
        format!("Basic {no_colon}"),
        format!("Basic {token}{token}"),
        format!("Basic {}", &token[1..]),
    ] {
        assert_401(&broker.catalog_as(Some(&malformed)));
    }
}

// Provision: the four mandatory fields and the catalog's ids, 400 with the field named.

/// A fresh broker refuses `body` with 400 naming each of `names`, and keeps nothing.
fn assert_provision_refused(body: &Value, names: &[&str]) {
    let broker = Broker::start();
    assert_error(&broker.provision(body), 400, names);
    assert!(!broker.instance_exists());
}

/// The provision body with `key` set to `value`.
fn with(key: &str, value: &str) -> Value {
    let mut body = provision_body();
    body[key] = json!(value);
    body
}

#[test]
fn provision_without_service_id_is_400() {
    assert_provision_refused(&without(provision_body(), "service_id"), &["service_id"]);
}

#[test]
fn provision_without_plan_id_is_400() {
    assert_provision_refused(&without(provision_body(), "plan_id"), &["plan_id"]);
}

#[test]
fn provision_without_organization_guid_is_400() {
    let body = without(provision_body(), "organization_guid");
    assert_provision_refused(&body, &["organization_guid"]);
}

#[test]
fn provision_without_space_guid_is_400() {
    assert_provision_refused(&without(provision_body(), "space_guid"), &["space_guid"]);
}

#[test]
fn provision_with_an_unknown_service_id_is_400() {
    let body = with("service_id", "no-such-service");
    assert_provision_refused(&body, &["service_id", "no-such-service"]);
}

#[test]
fn provision_with_an_unknown_plan_id_is_400() {
    let body = with("plan_id", "no-such-plan");
    assert_provision_refused(&body, &["plan_id", "no-such-plan"]);
}

#[test]
fn provision_with_an_empty_organization_or_space_guid_is_400() {
    // OSBAPI: each "MUST be a non-empty string".
    let broker = Broker::start();
    for key in ["organization_guid", "space_guid"] {
        let mut body = provision_body();
        body[key] = json!("");
        assert_error(&broker.provision(&body), 400, &[key, "empty"]);
        body[key] = json!(7);
        assert_error(&broker.provision(&body), 400, &[key, "string"]);
    }
    assert!(!broker.instance_exists());
}

#[test]
fn provision_names_every_missing_or_unknown_field_at_once() {
    let broker = Broker::start();
    let mut body = without(without(provision_body(), "organization_guid"), "space_guid");
    body["service_id"] = json!("no-such-service");
    body["plan_id"] = json!("no-such-plan");
    body["context"] = json!("cloudfoundry");
    let reply = broker.provision(&body);
    assert_error(
        &reply,
        400,
        &[
            "service_id",
            "plan_id",
            "organization_guid",
            "space_guid",
            "context",
        ],
    );
    assert!(!broker.instance_exists());
}

#[test]
fn deleting_without_the_catalog_ids_is_400() {
    let broker = Broker::start();
    assert_eq!(broker.provision(&provision_body()).status, 201);
    for path in [instance_path(), binding_path()] {
        let reply = broker.call("DELETE", &path, None);
        assert_error(&reply, 400, &["service_id", "plan_id", "query parameter"]);
        let reply = broker.call(
            "DELETE",
            &format!("{path}?service_id=no-such-service&plan_id=no-such-plan"),
            None,
        );
        assert_error(&reply, 400, &["no-such-service", "no-such-plan"]);
    }
    assert!(broker.instance_exists());
}

// maintenance_info: the plan declares none, so an empty object is no request for one.

#[test]
fn provision_with_an_empty_maintenance_info_is_201() {
    let broker = Broker::start();
    let mut body = provision_body();
    body["maintenance_info"] = json!({});
    let reply = broker.provision(&body);
    assert_eq!(reply.status, 201, "{reply:?}");
    assert!(broker.instance_exists());
}

#[test]
fn provision_with_a_maintenance_info_version_is_422() {
    // The plan declares no maintenance_info, so no version can match the catalog's.
    let broker = Broker::start();
    let mut body = provision_body();
    body["maintenance_info"] = json!({"version": "1.8.2", "description": "OpenTofu 1.8.2"});
    let reply = broker.provision(&body);
    assert_error(&reply, 422, &["maintenance_info.version", "1.8.2"]);
    assert_eq!(reply.body["error"], "MaintenanceInfoConflict");
    assert!(!broker.instance_exists());
}

#[test]
fn provision_with_a_malformed_maintenance_info_is_400() {
    let broker = Broker::start();
    for (info, names) in [
        (json!("1.8.2"), &["maintenance_info", "object"][..]),
        (
            json!({"version": 1}),
            &["maintenance_info.version", "string"][..],
        ),
        (
            json!({"version": 1, "description": false}),
            &["maintenance_info.version", "maintenance_info.description"][..],
        ),
    ] {
        let mut body = provision_body();
        body["maintenance_info"] = info;
        assert_error(&broker.provision(&body), 400, names);
    }
    assert!(!broker.instance_exists());
}

// Repeats: identical is 200, different is 409, and the first stays as it was.

#[test]
fn identical_provision_repeated_is_200() {
    let broker = Broker::start();
    let first = broker.provision(&provision_body());
    assert_eq!(first.status, 201, "{first:?}");
    let again = broker.provision(&provision_body());
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body, first.body);
}

#[test]
fn conflicting_provision_is_409() {
    let broker = Broker::start();
    assert_eq!(broker.provision(&provision_body()).status, 201);
    let mut other = provision_body();
    other["parameters"]["admin_email"] = json!("other@agency.gov");
    let reply = broker.provision(&other);
    assert_error(&reply, 409, &[INSTANCE]);
    let stored = broker.call("GET", &instance_path(), None);
    assert_eq!(
        stored.body["parameters"]["admin_email"], "admin@agency.gov",
        "{stored:?}"
    );
}

#[test]
fn identical_bind_repeated_is_200() {
    let broker = Broker::start();
    assert_eq!(broker.provision(&provision_body()).status, 201);
    let parameters = json!({"notification_email": "ops@agency.gov"});
    let first = broker.bind(&bind_body(&parameters));
    assert_eq!(first.status, 201, "{first:?}");
    let again = broker.bind(&bind_body(&parameters));
    assert_eq!(again.status, 200, "{again:?}");
    // The same binding: the same credentials, no new access key.
    assert_eq!(again.body["credentials"], first.body["credentials"]);
}

#[test]
fn conflicting_bind_is_409() {
    let broker = Broker::start();
    assert_eq!(broker.provision(&provision_body()).status, 201);
    let first = broker.bind(&bind_body(&json!({"notification_email": "ops@agency.gov"})));
    assert_eq!(first.status, 201, "{first:?}");
    let reply = broker.bind(&bind_body(&json!({"notification_email": "dev@agency.gov"})));
    assert_error(&reply, 409, &[BINDING]);
    let stored = broker.call("GET", &binding_path(), None);
    assert_eq!(stored.body["credentials"], first.body["credentials"]);
}

// Gone: deleting what is not there is 410 with an empty object.

#[test]
fn deleting_a_deprovisioned_instance_is_410() {
    let broker = Broker::start();
    let path = format!("{}?{IDS}", instance_path());
    assert_eq!(
        broker.call("DELETE", &path, None).status,
        410,
        "never provisioned"
    );
    assert_eq!(broker.provision(&provision_body()).status, 201);
    assert_eq!(broker.call("DELETE", &path, None).status, 200);
    let gone = broker.call("DELETE", &path, None);
    assert_eq!((gone.status, &gone.body), (410, &json!({})), "{gone:?}");
}

#[test]
fn deleting_an_unbound_binding_is_410() {
    let broker = Broker::start();
    assert_eq!(broker.provision(&provision_body()).status, 201);
    let path = format!("{}?{IDS}", binding_path());
    assert_eq!(
        broker.call("DELETE", &path, None).status,
        410,
        "never bound"
    );
    assert_eq!(broker.bind(&bind_body(&json!({}))).status, 201);
    assert_eq!(broker.call("DELETE", &path, None).status, 200);
    let gone = broker.call("DELETE", &path, None);
    assert_eq!((gone.status, &gone.body), (410, &json!({})), "{gone:?}");
}

// Request bodies: at most 1 MiB.

/// A valid provision body, padded with trailing whitespace (which JSON allows) to `len`
/// bytes.
fn padded_provision(len: usize) -> Vec<u8> {
    let mut body = provision_body().to_string().into_bytes();
    assert!(body.len() <= len);
    body.resize(len, b' ');
    body
}

#[test]
fn a_body_over_1_mib_is_413() {
    let broker = Broker::start();
    let reply = broker.with_body("PUT", &instance_path(), padded_provision(MIB + 1));
    assert_error(&reply, 413, &["1048576 bytes"]);
    assert!(!broker.instance_exists());
    // On every endpoint, not only where a body is parsed.
    let reply = broker.with_body("GET", "/v2/catalog", vec![b' '; MIB + 1]);
    assert_error(&reply, 413, &["1048576 bytes"]);
}

#[test]
fn a_body_of_exactly_1_mib_is_read() {
    let broker = Broker::start();
    let reply = broker.with_body("PUT", &instance_path(), padded_provision(MIB));
    assert_eq!(reply.status, 201, "{reply:?}");
}
