//! The pause path outside in, against the stand-in: signed SNS messages to the broker's
//! alarm endpoint, the pause recorded in the database and applied in SES (the stand-in's
//! `SendingEnabled` goes false), the operators' list and resume, and every message that
//! must not pause. The messages are the signed fixtures of `tests/data/sns` (see its
//! README); the signing certificate is pre-seeded, as `--sns-certificates` does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::{BrokerConfig, ConfigurationSetName};
use ses_broker::sns::Message;
use ses_broker::values::InstanceId;
use ses_broker_server::alarms::{
    AlarmReceiver, HttpReply, ReceiverSettings, SnsHttp, load_certificate_dir,
};
use ses_broker_server::memory::InMemoryAws;
use ses_broker_server::osbapi::{Request, Response};
use ses_broker_server::pausing::AlarmEndpoint;

use support::local::{AUTH, Local};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sns");
const INSTANCE: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

/// Records every GET (a subscription confirmation visits its SubscribeURL) and answers 200.
#[derive(Default)]
struct Visits(Mutex<Vec<String>>);

impl SnsHttp for Visits {
    async fn get(&self, url: &str) -> Result<HttpReply, String> {
        self.0.lock().unwrap().push(url.to_owned());
        Ok(HttpReply {
            status: 200,
            body: b"<ConfirmSubscriptionResponse/>".to_vec(),
        })
    }
}

struct World {
    local: Local<Arc<InMemoryAws>>,
    aws: Arc<InMemoryAws>,
    endpoint: AlarmEndpoint<Arc<InMemoryAws>, Arc<Visits>>,
    visits: Arc<Visits>,
}

fn config() -> BrokerConfig {
    let mut config: Value = serde_json::from_str(ses_broker_server::config::DEMO).unwrap();
    config["platform_topic_arns"] = json!([
        "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email",
        "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-chat"
    ]);
    BrokerConfig::from_json(&config.to_string()).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(DATA).join(name)).unwrap()
}

/// A minute after the message was published (fresh).
fn shortly_after(body: &str) -> SystemTime {
    SystemTime::from(Message::from_json(body).unwrap().timestamp()) + Duration::from_secs(60)
}

fn set() -> ConfigurationSetName {
    ConfigurationSetName::for_instance(&InstanceId::parse(INSTANCE).unwrap())
}

impl World {
    /// The broker with instance `INSTANCE` provisioned, and its alarm endpoint.
    fn new() -> Self {
        let config = config();
        let aws = Arc::new(InMemoryAws::new(
            config.account_id().as_str(),
            &config.partition().to_string(),
            config.region().as_str(),
            config.broker_principal_arn().unwrap().as_ref(),
        ));
        aws.add_hosted_zone(
            config.parent_hosted_zone_id().unwrap(),
            config.default_zone(),
        );
        let local = Local::new(Arc::clone(&aws), config.clone(), Duration::from_secs(30));
        let provision = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
            "organization_guid": "o", "space_guid": "s",
            "parameters": {"domain": "pause.example.gov", "admin_email": "admin@example.gov"}});
        let answer = local.call(
            "PUT",
            &format!("/v2/service_instances/{INSTANCE}"),
            Some(&provision),
        );
        assert_eq!(answer.status, 201, "{}", answer.body);
        let visits = Arc::new(Visits::default());
        let receiver =
            AlarmReceiver::new(&config, Arc::clone(&visits), ReceiverSettings::default())
                .with_certificates(
                    load_certificate_dir(&Path::new(DATA).join("certificates")).unwrap(),
                );
        let endpoint = AlarmEndpoint::new(local.broker.clone(), receiver);
        assert_eq!(aws.sending_enabled(&set()), Some(true));
        Self {
            local,
            aws,
            endpoint,
            visits,
        }
    }

    /// Delivers `body` as SNS would, at `now`.
    fn deliver_at(&self, body: &str, now: SystemTime) -> Response {
        let kind = Message::from_json(body)
            .map(|m| m.message_type().as_str().to_owned())
            .ok();
        self.local
            .runtime()
            .block_on(self.endpoint.receive(kind.as_deref(), body.as_bytes(), now))
    }

    fn deliver(&self, name: &str) -> Response {
        let body = fixture(name);
        self.deliver_at(&body, shortly_after(&body))
    }

    fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Response {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.local
            .runtime()
            .block_on(self.local.broker.admin(&Request {
                method,
                path,
                query: Vec::new(),
                authorization: Some(AUTH),
                api_version: None,
                body: &body,
            }))
    }

    fn pauses(&self) -> Vec<Value> {
        let answer = self.admin("GET", "/admin/pauses", None);
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body.as_array().unwrap().clone()
    }

    /// Waits for the pause operation to switch sending off.
    fn wait_for_sending(&self, enabled: bool) {
        for _ in 0..200 {
            if self.aws.sending_enabled(&set()) == Some(enabled) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("sending never became {enabled}");
    }

    /// Waits for SES to have sending off and the pause operation to have finished (the
    /// database records it just after SES answers).
    fn wait_paused(&self) {
        self.wait_for_sending(false);
        for _ in 0..200 {
            if self.pauses().first().is_some_and(|p| p["applied"] == true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the pause was never recorded as applied");
    }
}

#[test]
fn a_critical_bounce_alarm_pauses_once_and_an_operator_resumes() {
    let world = World::new();
    let answer = world.deliver("bounce-critical-alarm-v1.json");
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["new"], true);
    world.wait_paused();

    let pauses = world.pauses();
    assert_eq!(pauses.len(), 1, "{pauses:?}");
    let pause = &pauses[0];
    assert_eq!(pause["instance_id"], INSTANCE);
    assert_eq!(pause["configuration_set"], set().to_string());
    assert!(
        pause["alarm"].as_str().unwrap().contains("Bounce"),
        "{pause}"
    );
    assert!(!pause["reason"].as_str().unwrap().is_empty());
    assert!(
        pause["paused_at"].as_str().unwrap().ends_with('Z'),
        "{pause}"
    );

    // The same alarm again (SNS retries) pauses once.
    let again = world.deliver("bounce-critical-alarm-v1.json");
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["new"], false);
    assert_eq!(world.pauses().len(), 1);

    // A paused instance says so; an update does not re-enable sending.
    let instance = format!("/v2/service_instances/{INSTANCE}");
    let fetched = world.local.call("GET", &instance, None);
    assert_eq!(
        fetched.body["metadata"]["attributes"]["sending"], "paused",
        "{}",
        fetched.body
    );
    let update = json!({"service_id": SERVICE_ID,
        "parameters": {"enable_feedback_notifications": true}});
    let updated = world.local.call("PATCH", &instance, Some(&update));
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(world.aws.sending_enabled(&set()), Some(false));

    // Resume: refused without resumed_by, for an unknown instance; then done and recorded.
    let refused = world.admin(
        "POST",
        &format!("/admin/instances/{INSTANCE}/resume"),
        Some(&json!({"reason": "list cleaned"})),
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body["description"]
            .as_str()
            .unwrap()
            .contains("resumed_by")
    );
    let unknown = world.admin(
        "POST",
        "/admin/instances/no-such-instance/resume",
        Some(&json!({"resumed_by": "jdoe", "reason": "x"})),
    );
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let resumed = world.admin(
        "POST",
        &format!("/admin/instances/{INSTANCE}/resume"),
        Some(&json!({"resumed_by": "jdoe", "reason": "list cleaned"})),
    );
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.body["resumed_by"], "jdoe");
    assert_eq!(resumed.body["resume_reason"], "list cleaned");
    assert_eq!(world.aws.sending_enabled(&set()), Some(true));
    assert!(world.pauses().is_empty());
    let fetched = world.local.call("GET", &instance, None);
    assert_eq!(fetched.body["metadata"]["attributes"]["sending"], "enabled");
    let not_paused = world.admin(
        "POST",
        &format!("/admin/instances/{INSTANCE}/resume"),
        Some(&json!({"resumed_by": "jdoe", "reason": "again"})),
    );
    assert_eq!(not_paused.status, 409, "{}", not_paused.body);
}

#[test]
fn the_metric_math_alarm_shape_pauses_too() {
    let world = World::new();
    let answer = world.deliver("bounce-critical-alarm-math-v2.json");
    assert_eq!(answer.status, 200, "{}", answer.body);
    world.wait_paused();
    assert_eq!(world.pauses().len(), 1);
}

#[test]
fn alarms_that_ask_for_no_pause_leave_sending_on() {
    let world = World::new();
    for name in [
        "bounce-critical-ok-v1.json",
        "bounce-critical-insufficient-data-v2.json",
        "bounce-warning-alarm-v1.json",
        "other-account-alarm-v1.json",
        "other-region-alarm-v1.json",
        "unknown-alarm-v1.json",
    ] {
        let answer = world.deliver(name);
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        assert!(
            answer.body["ignored"].is_string(),
            "{name}: {}",
            answer.body
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(world.pauses().is_empty());
    assert_eq!(world.aws.sending_enabled(&set()), Some(true));
}

#[test]
fn forged_foreign_stale_and_untrusted_messages_are_refused_without_a_pause() {
    let world = World::new();
    let body = fixture("bounce-critical-alarm-v1.json");
    let mut forged: Value = serde_json::from_str(&body).unwrap();
    forged["Message"] = json!(
        forged["Message"]
            .as_str()
            .unwrap()
            .replace("ALARM", "ALARM ")
    );
    let mut off_host: Value = serde_json::from_str(&body).unwrap();
    off_host["SigningCertURL"] = json!(
        "https://sns.us-gov-west-1.amazonaws.com.evil.example/SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem"
    );
    let wrong_topic = fixture("other-topic-alarm-v1.json");
    let cases = [
        ("forged", forged.to_string(), shortly_after(&body)),
        (
            "certificate off the SNS host",
            off_host.to_string(),
            shortly_after(&body),
        ),
        (
            "another topic",
            wrong_topic.clone(),
            shortly_after(&wrong_topic),
        ),
        (
            "stale",
            body.clone(),
            shortly_after(&body) + Duration::from_secs(3 * 3600),
        ),
    ];
    for (what, message, now) in cases {
        let answer = world.deliver_at(&message, now);
        assert!(
            (400..500).contains(&answer.status),
            "{what}: {} {}",
            answer.status,
            answer.body
        );
    }
    assert!(world.pauses().is_empty());
    assert!(world.visits.0.lock().unwrap().is_empty(), "nothing fetched");
    assert_eq!(world.aws.sending_enabled(&set()), Some(true));
}

#[test]
fn a_subscription_confirmation_for_a_platform_topic_confirms_once() {
    let world = World::new();
    let answer = world.deliver("subscription-confirmation-v1.json");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let visits = world.visits.0.lock().unwrap().clone();
    assert_eq!(visits.len(), 1, "{visits:?}");
    assert!(
        visits[0].contains("Action=ConfirmSubscription"),
        "{visits:?}"
    );
    let other = world.deliver("subscription-confirmation-other-topic-v2.json");
    assert!((400..500).contains(&other.status), "{}", other.body);
    assert_eq!(world.visits.0.lock().unwrap().len(), 1);
}

#[test]
fn a_pause_recorded_before_a_crash_is_applied_after_the_restart() {
    let mut world = World::new();
    // Recorded, then the process dies before the pause operation runs: the store has the
    // pause, SES does not.
    let body = fixture("bounce-critical-alarm-v1.json");
    let message = Message::from_json(&body).unwrap();
    world
        .local
        .runtime()
        .block_on(
            world
                .local
                .broker
                .store()
                .record_pause(&ses_broker_server::store::Pause {
                    instance_id: InstanceId::parse(INSTANCE).unwrap(),
                    paused_at: ses_broker_server::store::now_ms(),
                    configuration_set: set().to_string(),
                    alarm: "BounceRate-Critical".to_owned(),
                    reason: "recorded before the crash".to_owned(),
                    message_id: message.message_id().to_owned(),
                    topic_arn: message.topic_arn().to_owned(),
                    applied_at: None,
                    last_error: None,
                }),
        )
        .unwrap();
    assert_eq!(world.aws.sending_enabled(&set()), Some(true));
    world.local.restart();
    world.wait_paused();
    let pauses = world.pauses();
    assert_eq!(pauses.len(), 1);
    assert_eq!(pauses[0]["applied"], true, "{pauses:?}");
}

#[test]
fn deprovisioning_a_paused_instance_closes_its_pause() {
    let world = World::new();
    let answer = world.deliver("bounce-critical-alarm-v1.json");
    assert_eq!(answer.status, 200, "{}", answer.body);
    world.wait_paused();
    let gone = world.local.call(
        "DELETE",
        &format!("/v2/service_instances/{INSTANCE}?service_id={SERVICE_ID}&plan_id={PLAN_ID}"),
        None,
    );
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert!(world.pauses().is_empty(), "{:?}", world.pauses());
    let pending = world
        .local
        .runtime()
        .block_on(world.local.broker.store().pending_pauses(Duration::ZERO))
        .unwrap();
    assert!(pending.is_empty(), "{pending:?}");
}
