//! The broker's request handling without HTTP: the OSBAPI rules, and what the operation
//! loop does when AWS refuses or throttles, checked with nothing but Rust against the
//! in-memory stand-in. `.ci/check-broker.sh` drives the same code over HTTP with
//! schemathesis and a scripted lifecycle.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use ses_broker::aws::{Answer, FailureKind, Operation};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::aws::Aws;
use ses_broker_server::config::DEMO;
use ses_broker_server::memory::{InMemoryAws, World};
use ses_broker_server::osbapi::{Request, Response};

mod support;

use ses_broker_server::run::MAX_ATTEMPTS;
use support::local::Local;

use support::local::AUTH;

/// The stand-in, with a rule that answers some calls itself (a refusal, a throttle).
struct Faulty {
    aws: InMemoryAws,
    /// `(operation name, answer, how many times)`.
    rule: Mutex<Option<(&'static str, Answer, u32)>>,
}

impl Aws for Faulty {
    async fn call(&self, operation: &Operation) -> Answer {
        {
            let mut rule = self.rule.lock().unwrap();
            if let Some((name, answer, times)) = rule.as_mut()
                && *name == operation.name()
                && *times > 0
            {
                *times -= 1;
                return answer.clone();
            }
        }
        self.aws.call(operation).await
    }

    fn describe(&self) -> String {
        "a faulty stand-in".to_owned()
    }
}

type TestBroker = Local<Arc<Faulty>>;

fn broker_with(rule: Option<(&'static str, Answer, u32)>) -> (TestBroker, Arc<Faulty>) {
    let config = BrokerConfig::from_json(DEMO).unwrap();
    let aws = InMemoryAws::new(
        "111122223333",
        "aws-us-gov",
        "us-gov-west-1",
        "arn:aws-us-gov:iam::111122223333:user/ses-broker",
    );
    aws.add_hosted_zone(
        config.parent_hosted_zone_id().unwrap(),
        config.default_zone(),
    );
    let faulty = Arc::new(Faulty {
        aws,
        rule: Mutex::new(rule),
    });
    (
        Local::new(Arc::clone(&faulty), config, Duration::from_secs(30)),
        faulty,
    )
}

fn broker() -> TestBroker {
    broker_with(None).0
}

fn call(broker: &TestBroker, method: &str, target: &str, body: &Value) -> Response {
    broker.call(method, target, (!body.is_null()).then_some(body))
}

/// Whether the stand-in holds nothing but the parent zone it started with.
fn empty_but_the_parent_zone(world: &World) -> bool {
    world.configuration_sets.is_empty()
        && world.identities.is_empty()
        && world.aliases.is_empty()
        && world.keys.values().all(|k| k.state == "PendingDeletion")
        && world.topics.is_empty()
        && world.subscriptions.is_empty()
        && world.alarms.is_empty()
        && world.users.is_empty()
        && world.zones.len() == 1
        && world.zones.values().all(|z| z.records.len() == 2)
}

fn provision(parameters: &Value) -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
           "space_guid": "s", "parameters": parameters})
}

#[test]
fn authentication_and_version_come_first() {
    let broker = broker();
    for (authorization, version, status) in [
        (None, Some("2.17"), 401),
        (Some("Basic dXNlcjp3cm9uZw=="), Some("2.17"), 401),
        (Some(AUTH), None, 412),
        (Some(AUTH), Some("1.0"), 412),
        (Some(AUTH), Some("3.0"), 412),
        (Some(AUTH), Some("2.12"), 200),
        (Some(AUTH), Some("2.13"), 200),
        (Some(AUTH), Some("2.99"), 200),
    ] {
        let response = broker.runtime().block_on(broker.broker.handle(&Request {
            method: "GET",
            path: "/v2/catalog",
            query: Vec::new(),
            authorization,
            api_version: version,
            body: &[],
        }));
        assert_eq!(response.status, status, "{authorization:?} {version:?}");
    }
}

#[test]
fn provision_update_bind_unbind_deprovision() {
    let broker = broker();
    let path = "/v2/service_instances/i-1";
    let params = json!({"domain": "agency.gov", "admin_email": "admin@agency.gov"});

    let bad = call(
        &broker,
        "PUT",
        path,
        &provision(&json!({"domian": "agency.gov"})),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"], "InvalidParameters");
    let mut unknown_plan = provision(&params);
    unknown_plan["plan_id"] = json!("nope");
    assert_eq!(call(&broker, "PUT", path, &unknown_plan).status, 400);

    let created = call(&broker, "PUT", path, &provision(&params));
    assert_eq!(created.status, 201);
    let records = &created.body["metadata"]["attributes"]["required_records"];
    assert_eq!(records["dkim_record_0"]["type"], "CNAME");
    assert_eq!(call(&broker, "PUT", path, &provision(&params)).status, 200);
    let other = json!({"domain": "agency.gov", "admin_email": "other@agency.gov"});
    assert_eq!(call(&broker, "PUT", path, &provision(&other)).status, 409);

    let update = |parameters: Value| json!({"service_id": SERVICE_ID, "parameters": parameters});
    let changed = call(&broker, "PATCH", path, &update(json!({"domain": "x.gov"})));
    assert_eq!(changed.status, 400);
    let plan_change = json!({"service_id": SERVICE_ID, "plan_id": "other"});
    assert_eq!(call(&broker, "PATCH", path, &plan_change).status, 422);
    let updated = call(
        &broker,
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
    let bound = call(&broker, "PUT", &binding, &bind);
    assert_eq!(bound.status, 201);
    let credentials = &bound.body["credentials"];
    assert!(
        credentials["smtp_user"]
            .as_str()
            .unwrap()
            .starts_with("AKIA")
    );
    assert_eq!(credentials["domain"], "mail.agency.gov");
    let fetched = call(&broker, "GET", &binding, &Value::Null);
    assert_eq!(fetched.body["credentials"], *credentials);

    let ids = format!("service_id={SERVICE_ID}&plan_id={PLAN_ID}");
    assert_eq!(call(&broker, "DELETE", &binding, &Value::Null).status, 400);
    let unbind = format!("{binding}?{ids}");
    assert_eq!(call(&broker, "DELETE", &unbind, &Value::Null).status, 200);
    assert_eq!(call(&broker, "DELETE", &unbind, &Value::Null).status, 410);
    let deprovision = format!("{path}?{ids}");
    assert_eq!(
        call(&broker, "DELETE", &deprovision, &Value::Null).status,
        200
    );
    assert_eq!(
        call(&broker, "DELETE", &deprovision, &Value::Null).status,
        410
    );
    assert_eq!(call(&broker, "GET", path, &Value::Null).status, 404);
}

#[test]
fn the_same_domain_under_another_instance_is_a_conflict_and_leaves_nothing() {
    let broker = broker();
    let params = json!({"domain": "agency.gov", "admin_email": "admin@agency.gov"});
    let first = call(
        &broker,
        "PUT",
        "/v2/service_instances/i-1",
        &provision(&params),
    );
    assert_eq!(first.status, 201, "{}", first.body);
    let before = broker.broker.aws().aws.world();
    let second = call(
        &broker,
        "PUT",
        "/v2/service_instances/i-2",
        &provision(&params),
    );
    assert_eq!(second.status, 409, "{}", second.body);
    let description = second.body["description"].as_str().unwrap();
    assert!(
        description.contains("ConfigurationSetName") && description.contains("agency.gov"),
        "{description}"
    );
    // The second instance's configuration set was rolled back; the first is untouched.
    assert_eq!(broker.broker.aws().aws.world(), before);
}

#[test]
fn a_refused_call_rolls_the_provision_back() {
    let refusal = Answer::failed(FailureKind::Permanent, "AccessDenied", "not allowed");
    let (broker, aws) = broker_with(Some(("PutMetricAlarm", refusal, 1)));
    let params = json!({"admin_email": "admin@agency.gov", "enable_feedback_notifications": true});
    let refused = call(
        &broker,
        "PUT",
        "/v2/service_instances/i-1",
        &provision(&params),
    );
    assert_eq!(refused.status, 500, "{}", refused.body);
    assert!(
        refused.body["description"]
            .as_str()
            .unwrap()
            .contains("cloudwatch:PutMetricAlarm: failure AccessDenied"),
        "{}",
        refused.body
    );
    assert!(
        empty_but_the_parent_zone(&aws.aws.world()),
        "{:#?}",
        aws.aws.world()
    );
    // Nothing was stored: the platform may try again, and it works.
    assert_eq!(
        call(&broker, "GET", "/v2/service_instances/i-1", &Value::Null).status,
        404
    );
    let created = call(
        &broker,
        "PUT",
        "/v2/service_instances/i-1",
        &provision(&params),
    );
    assert_eq!(created.status, 201, "{}", created.body);
}

#[test]
fn throttling_is_retried_then_given_up_and_rolled_back() {
    let throttle = || Answer::failed(FailureKind::Throttling, "Throttling", "Rate exceeded");
    let params = json!({"admin_email": "admin@agency.gov"});

    let (broker, _) = broker_with(Some(("CreateTopic", throttle(), 2)));
    let created = call(
        &broker,
        "PUT",
        "/v2/service_instances/i-1",
        &provision(&params),
    );
    assert_eq!(
        created.status, 201,
        "two throttles are retried: {}",
        created.body
    );

    // Throttled as many times as the loop tries: it gives up and rolls back (the rollback
    // makes the call in flight again, then deletes everything).
    let (broker, aws) = broker_with(Some(("CreateTopic", throttle(), MAX_ATTEMPTS)));
    let refused = call(
        &broker,
        "PUT",
        "/v2/service_instances/i-1",
        &provision(&params),
    );
    assert_eq!(refused.status, 500, "{}", refused.body);
    assert!(
        refused.body["description"]
            .as_str()
            .unwrap()
            .contains("gave up after 5 attempts"),
        "{}",
        refused.body
    );
    assert!(
        empty_but_the_parent_zone(&aws.aws.world()),
        "{:#?}",
        aws.aws.world()
    );
}
