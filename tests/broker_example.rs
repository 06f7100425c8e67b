//! The example broker's request handling (examples/broker/osbapi.rs), without HTTP: the
//! OSBAPI rules `cargo test` can check with nothing but Rust. `.ci/check-broker.sh` drives
//! the same code over HTTP with schemathesis and a scripted lifecycle.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]
#![allow(dead_code, reason = "the example's HTTP-only items are not used here")]

#[path = "../examples/broker/aws.rs"]
mod aws;
#[path = "../examples/broker/osbapi.rs"]
mod osbapi;

use serde_json::{Value, json};
use ses_broker::{BrokerConfig, catalog::PLAN_ID, catalog::SERVICE_ID};

use aws::InMemoryAws;
use osbapi::{Broker, Request, Response};

const AUTH: &str = "Basic dXNlcjpwYXNz"; // user:pass

fn broker() -> Broker<InMemoryAws> {
    let config = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov"}"#,
    )
    .unwrap();
    Broker::new(config, InMemoryAws::default(), "user", "pass")
}

fn call(broker: &mut Broker<InMemoryAws>, method: &str, target: &str, body: &Value) -> Response {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    broker.handle(&Request {
        method,
        path,
        query,
        authorization: Some(AUTH),
        api_version: Some("2.17"),
        body: &body,
    })
}

fn provision(parameters: &Value) -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
           "space_guid": "s", "parameters": parameters})
}

#[test]
fn authentication_and_version_come_first() {
    let mut broker = broker();
    for (authorization, version, status) in [
        (None, Some("2.17"), 401),
        (Some("Basic dXNlcjp3cm9uZw=="), Some("2.17"), 401),
        (Some(AUTH), None, 412),
        (Some(AUTH), Some("2.12"), 412),
        (Some(AUTH), Some("2.13"), 200),
        (Some(AUTH), Some("2.99"), 200),
    ] {
        let response = broker.handle(&Request {
            method: "GET",
            path: "/v2/catalog",
            query: Vec::new(),
            authorization,
            api_version: version,
            body: &[],
        });
        assert_eq!(response.status, status, "{authorization:?} {version:?}");
    }
}

#[test]
fn provision_update_bind_unbind_deprovision() {
    let mut broker = broker();
    let path = "/v2/service_instances/i-1";
    let params = json!({"domain": "agency.gov", "admin_email": "admin@agency.gov"});

    let bad = call(
        &mut broker,
        "PUT",
        path,
        &provision(&json!({"domian": "agency.gov"})),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"], "InvalidParameters");
    let mut unknown_plan = provision(&params);
    unknown_plan["plan_id"] = json!("nope");
    assert_eq!(call(&mut broker, "PUT", path, &unknown_plan).status, 400);

    let created = call(&mut broker, "PUT", path, &provision(&params));
    assert_eq!(created.status, 201);
    let records = &created.body["metadata"]["attributes"]["required_records"];
    assert_eq!(records["dkim_record_0"]["type"], "CNAME");
    assert_eq!(
        call(&mut broker, "PUT", path, &provision(&params)).status,
        200
    );
    let other = json!({"domain": "agency.gov", "admin_email": "other@agency.gov"});
    assert_eq!(
        call(&mut broker, "PUT", path, &provision(&other)).status,
        409
    );

    let update = |parameters: Value| json!({"service_id": SERVICE_ID, "parameters": parameters});
    let changed = call(
        &mut broker,
        "PATCH",
        path,
        &update(json!({"domain": "x.gov"})),
    );
    assert_eq!(changed.status, 400);
    let plan_change = json!({"service_id": SERVICE_ID, "plan_id": "other"});
    assert_eq!(call(&mut broker, "PATCH", path, &plan_change).status, 422);
    let updated = call(
        &mut broker,
        "PATCH",
        path,
        &update(json!({"mail_from_subdomain": "mail"})),
    );
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.body["metadata"]["attributes"]["changed_parameters"],
        json!(["mail_from_subdomain"])
    );

    let binding = format!("{path}/service_bindings/b-1");
    let bind = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID});
    let bound = call(&mut broker, "PUT", &binding, &bind);
    assert_eq!(bound.status, 201);
    let credentials = &bound.body["credentials"];
    assert!(
        credentials["smtp_user"]
            .as_str()
            .unwrap()
            .starts_with("AKIA")
    );
    assert_eq!(credentials["domain"], "mail.agency.gov");
    let fetched = call(&mut broker, "GET", &binding, &Value::Null);
    assert_eq!(fetched.body["credentials"], *credentials);

    let ids = format!("service_id={SERVICE_ID}&plan_id={PLAN_ID}");
    assert_eq!(
        call(&mut broker, "DELETE", &binding, &Value::Null).status,
        400
    );
    let unbind = format!("{binding}?{ids}");
    assert_eq!(
        call(&mut broker, "DELETE", &unbind, &Value::Null).status,
        200
    );
    assert_eq!(
        call(&mut broker, "DELETE", &unbind, &Value::Null).status,
        410
    );
    let deprovision = format!("{path}?{ids}");
    assert_eq!(
        call(&mut broker, "DELETE", &deprovision, &Value::Null).status,
        200
    );
    assert_eq!(
        call(&mut broker, "DELETE", &deprovision, &Value::Null).status,
        410
    );
    assert_eq!(call(&mut broker, "GET", path, &Value::Null).status, 404);
}
