//! The SNS alarm receiver, outside in: signed messages (see `data/sns/README.md`) go into
//! `AlarmReceiver::receive` and come out as a confirmation, a pause order, an ignored message
//! with the core's reason, or a refusal with its status. Certificates and SubscribeURLs are
//! served from memory by a fake that records every GET.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use serde_json::Value;
use ses_broker::BrokerConfig;
use ses_broker::reputation::{AlarmState, IgnoreReason, Metric, Severity};
use ses_broker::sns::Message;
use ses_broker_server::alarms::{
    AlarmReceiver, HttpReply, Ignored, Received, ReceiverSettings, Refusal, SnsHttp,
    load_certificate_dir,
};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sns");
const CERT_URL: &str = "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem";
const EMAIL: &str = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email";
const CHAT: &str = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-chat";
const INSTANCE: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const SET: &str = "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const TOKEN: &str = "2336412f37fb687f5d51e6e2425c464de12884f3d5b2e0a1c7d9e8f6a5b4c3d2";

fn config(topics: &[&str]) -> BrokerConfig {
    let topics: Vec<Value> = topics.iter().map(|t| Value::from(*t)).collect();
    let json = serde_json::json!({
        "region": "us-gov-west-1",
        "account_id": "111122223333",
        "default_zone": "appmail.cloud.gov",
        "platform_topic_arns": topics,
    });
    BrokerConfig::from_json(&json.to_string()).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(DATA).join(name)).unwrap()
}

fn cert(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DATA).join(name)).unwrap()
}

/// A minute after the message's own `Timestamp` (the clock, for a malformed message).
fn shortly_after(body: &str) -> SystemTime {
    Message::from_json(body).map_or_else(
        |_| SystemTime::now(),
        |m| SystemTime::from(m.timestamp()) + Duration::from_secs(60),
    )
}

/// The fixture with one top-level field replaced, after signing.
fn edited(name: &str, field: &str, value: &str) -> String {
    let mut message: Value = serde_json::from_str(&fixture(name)).unwrap();
    message[field] = Value::from(value);
    message.to_string()
}

/// SNS's hosts, from memory: URL to answer; every GET recorded.
#[derive(Default)]
struct FakeSns {
    answers: Mutex<HashMap<String, HttpReply>>,
    gets: Mutex<Vec<String>>,
}

impl FakeSns {
    fn serving_certificate(pem: &str) -> Arc<Self> {
        let fake = Arc::new(Self::default());
        fake.answer(CERT_URL, 200, &cert(pem));
        fake
    }

    fn answer(&self, url: &str, status: u16, body: &[u8]) {
        self.answers.lock().unwrap().insert(
            url.to_owned(),
            HttpReply {
                status,
                body: body.to_vec(),
            },
        );
    }

    fn gets(&self) -> Vec<String> {
        self.gets.lock().unwrap().clone()
    }
}

impl SnsHttp for FakeSns {
    async fn get(&self, url: &str) -> Result<HttpReply, String> {
        self.gets.lock().unwrap().push(url.to_owned());
        self.answers
            .lock()
            .unwrap()
            .get(url)
            .cloned()
            .ok_or_else(|| "connection refused".to_owned())
    }
}

struct Setup {
    sns: Arc<FakeSns>,
    receiver: AlarmReceiver<Arc<FakeSns>>,
}

/// A receiver for both platform topics whose fake SNS serves the valid certificate.
fn setup() -> Setup {
    let sns = FakeSns::serving_certificate("cert.pem");
    let receiver = AlarmReceiver::new(
        &config(&[EMAIL, CHAT]),
        Arc::clone(&sns),
        ReceiverSettings::default(),
    );
    Setup { sns, receiver }
}

impl Setup {
    async fn receive(&self, body: &str) -> Result<Received, Refusal> {
        self.receive_at(body, shortly_after(body)).await
    }

    async fn receive_at(&self, body: &str, now: SystemTime) -> Result<Received, Refusal> {
        let kind = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|m| m["Type"].as_str().map(str::to_owned));
        self.receiver
            .receive(kind.as_deref(), body.as_bytes(), now)
            .await
    }

    async fn refusal(&self, body: &str) -> Refusal {
        self.receive(body).await.expect_err("refused")
    }

    async fn ignored(&self, name: &str) -> Ignored {
        match self.receive(&fixture(name)).await {
            Ok(Received::Ignored { reason, .. }) => reason,
            other => panic!("{name}: {other:?}"),
        }
    }
}

fn assert_refused(refusal: &Refusal, status: StatusCode, starts: &str) {
    assert_eq!(refusal.status(), status, "{refusal}");
    assert!(refusal.to_string().starts_with(starts), "{refusal}");
}

#[tokio::test]
async fn a_critical_bounce_alarm_entering_alarm_orders_a_pause() {
    let setup = setup();
    let body = fixture("bounce-critical-alarm-v1.json");
    let Received::Pause(order) = setup.receive(&body).await.unwrap() else {
        panic!("no pause")
    };
    assert_eq!(order.instance_id.as_str(), INSTANCE);
    assert_eq!(order.configuration_set.as_str(), SET);
    assert_eq!(order.alarm.as_str(), format!("{SET}-BounceRate-Critical"));
    assert_eq!(
        (order.kind.metric(), order.kind.severity()),
        (Metric::Bounce, Severity::Critical)
    );
    assert_eq!(
        order.reason,
        format!("pause sending on configuration set {SET}: bounce critical alarm entered ALARM")
    );
    assert!(
        order
            .state_reason
            .as_deref()
            .unwrap()
            .starts_with("Threshold Crossed")
    );
    assert!(order.state_changed_at.is_some());
    assert_eq!(
        order.published_at + Duration::from_secs(60),
        order.received_at
    );
    assert_eq!(order.message_id, "5b0e6a52-8c1f-4d7e-9a43-000000000001");
    assert_eq!(order.topic_arn, EMAIL);
    assert_eq!(setup.sns.gets(), [CERT_URL]);
}

#[tokio::test]
async fn the_metric_math_alarm_shape_signed_with_version_2_pauses_the_same_set() {
    let setup = setup();
    let single = setup
        .receive(&fixture("bounce-critical-alarm-v1.json"))
        .await
        .unwrap();
    let math = setup
        .receive(&fixture("bounce-critical-alarm-math-v2.json"))
        .await
        .unwrap();
    let (Received::Pause(single), Received::Pause(math)) = (single, math) else {
        panic!("no pause")
    };
    assert_eq!(
        (&math.instance_id, &math.configuration_set, &math.alarm),
        (
            &single.instance_id,
            &single.configuration_set,
            &single.alarm
        )
    );
    assert_eq!(math.reason, single.reason);
}

#[tokio::test]
async fn alarms_that_ask_for_no_pause_are_ignored_with_the_cores_reason() {
    let setup = setup();
    let not_alarm = |state| Ignored::Alarm(IgnoreReason::NotAlarm { state });
    assert_eq!(
        setup.ignored("bounce-critical-ok-v1.json").await,
        not_alarm(AlarmState::Ok)
    );
    assert_eq!(
        setup
            .ignored("bounce-critical-insufficient-data-v2.json")
            .await,
        not_alarm(AlarmState::InsufficientData)
    );
    let Ignored::Warning(alarm) = setup.ignored("bounce-warning-alarm-v1.json").await else {
        panic!("not a warning")
    };
    assert_eq!(alarm.kind().severity(), Severity::Warning);
    assert_eq!(alarm.instance().as_str(), INSTANCE);
    assert!(matches!(
        setup.ignored("other-account-alarm-v1.json").await,
        Ignored::Alarm(IgnoreReason::OtherAccount { account }) if account.contains("444455556666")
    ));
    assert!(matches!(
        setup.ignored("other-region-alarm-v1.json").await,
        Ignored::Alarm(IgnoreReason::OtherRegion { region }) if region.contains("us-gov-east-1")
    ));
    let unknown = setup.ignored("unknown-alarm-v1.json").await;
    assert!(
        matches!(&unknown, Ignored::Alarm(IgnoreReason::UnknownAlarm { name }) if name.contains("SES-BounceRate-Critical-Identity")),
        "{unknown:?}"
    );
    assert!(
        unknown
            .to_string()
            .ends_with("is not a reputation alarm of this broker"),
        "{unknown}"
    );
    assert!(matches!(
        setup.ignored("not-an-alarm-v2.json").await,
        Ignored::NotAnAlarm(_)
    ));
    // One certificate for all seven messages.
    assert_eq!(setup.sns.gets(), [CERT_URL]);
}

#[tokio::test]
async fn an_ignored_message_says_which_and_why_in_one_line() {
    let setup = setup();
    let received = setup
        .receive(&fixture("bounce-critical-ok-v1.json"))
        .await
        .unwrap();
    assert_eq!(
        received.to_string(),
        "message 5b0e6a52-8c1f-4d7e-9a43-000000000003 ignored: alarm entered OK; only entering ALARM is acted on"
    );
}

#[tokio::test]
async fn a_forged_signature_is_refused_with_403() {
    let setup = setup();
    // The OK transition turned into ALARM after signing: a forged pause.
    let ok: Value = serde_json::from_str(&fixture("bounce-critical-ok-v1.json")).unwrap();
    let forged_message = ok["Message"]
        .as_str()
        .unwrap()
        .replace(r#""NewStateValue":"OK""#, r#""NewStateValue":"ALARM""#);
    assert_ne!(forged_message, ok["Message"].as_str().unwrap());
    let forged = edited("bounce-critical-ok-v1.json", "Message", &forged_message);
    let refusal = setup.refusal(&forged).await;
    assert!(matches!(refusal, Refusal::Forged(_)), "{refusal:?}");
    assert_refused(&refusal, StatusCode::FORBIDDEN, "Signature: ");
}

#[tokio::test]
async fn a_certificate_url_off_the_topics_sns_host_is_refused_before_any_fetch() {
    let setup = setup();
    for url in [
        "https://sns.us-gov-west-1.amazonaws.com.attacker.example/SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem",
        "https://attacker.example/SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem",
        "http://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem",
    ] {
        let body = edited("bounce-critical-alarm-v1.json", "SigningCertURL", url);
        let refusal = setup.refusal(&body).await;
        assert!(
            matches!(refusal, Refusal::UntrustedUrl(_)),
            "{url}: {refusal:?}"
        );
        assert_refused(&refusal, StatusCode::FORBIDDEN, "SigningCertURL: ");
    }
    assert_eq!(setup.sns.gets(), Vec::<String>::new());
}

#[tokio::test]
async fn a_message_of_another_topic_is_refused_naming_the_platform_topics() {
    let setup = setup();
    let refusal = setup.refusal(&fixture("other-topic-alarm-v1.json")).await;
    assert_refused(
        &refusal,
        StatusCode::FORBIDDEN,
        "TopicArn: arn:aws-us-gov:sns:us-gov-west-1:111122223333:someone-elses-topic is not a platform topic of this broker",
    );
    assert!(
        refusal
            .to_string()
            .contains(&format!("expected {EMAIL} or {CHAT}"))
    );
    assert_eq!(setup.sns.gets(), Vec::<String>::new());
}

#[tokio::test]
async fn without_platform_topics_every_message_is_refused_saying_so() {
    let sns = FakeSns::serving_certificate("cert.pem");
    let receiver = AlarmReceiver::new(&config(&[]), sns, ReceiverSettings::default());
    assert_eq!(receiver.topics().count(), 0);
    let body = fixture("bounce-critical-alarm-v1.json");
    let refusal = receiver
        .receive(Some("Notification"), body.as_bytes(), shortly_after(&body))
        .await
        .unwrap_err();
    assert!(
        refusal
            .to_string()
            .ends_with("(none is configured: set platform_topic_arns)")
    );
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_refused_with_400() {
    let setup = setup();
    let body = fixture("bounce-critical-alarm-v1.json");
    let sent = shortly_after(&body) - Duration::from_secs(60);
    let late = sent + Duration::from_secs(2 * 3600 + 1);
    let refusal = setup.receive_at(&body, late).await.unwrap_err();
    assert!(matches!(refusal, Refusal::Stale(_)), "{refusal:?}");
    assert_refused(
        &refusal,
        StatusCode::BAD_REQUEST,
        "Timestamp: the message is 7201 s old",
    );
    let early = sent - Duration::from_secs(3600);
    assert_refused(
        &setup.receive_at(&body, early).await.unwrap_err(),
        StatusCode::BAD_REQUEST,
        "Timestamp: the message is dated 3600 s after now",
    );
    // Within the age the same message is accepted.
    let in_time = sent + Duration::from_secs(2 * 3600);
    assert!(matches!(
        setup.receive_at(&body, in_time).await,
        Ok(Received::Pause(_))
    ));
}

#[tokio::test]
async fn the_maximum_age_is_a_setting() {
    let sns = FakeSns::serving_certificate("cert.pem");
    let settings = ReceiverSettings {
        max_age: Duration::from_secs(30),
        ..ReceiverSettings::default()
    };
    let receiver = AlarmReceiver::new(&config(&[EMAIL]), sns, settings);
    let body = fixture("bounce-critical-alarm-v1.json");
    let refusal = receiver
        .receive(None, body.as_bytes(), shortly_after(&body))
        .await
        .unwrap_err();
    assert_refused(
        &refusal,
        StatusCode::BAD_REQUEST,
        "Timestamp: the message is 60 s old; at most 30 s",
    );
}

#[tokio::test]
async fn a_bad_message_type_is_refused_with_400() {
    let setup = setup();
    let body = fixture("bounce-critical-alarm-v1.json");
    let relabelled = setup
        .receiver
        .receive(
            Some("SubscriptionConfirmation"),
            body.as_bytes(),
            shortly_after(&body),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(relabelled, Refusal::MessageType(_)),
        "{relabelled:?}"
    );
    assert_refused(
        &relabelled,
        StatusCode::BAD_REQUEST,
        "x-amz-sns-message-type: ",
    );
    let unknown = edited("bounce-critical-alarm-v1.json", "Type", "Notice");
    assert_refused(
        &setup.refusal(&unknown).await,
        StatusCode::BAD_REQUEST,
        "Type: ",
    );
    assert_eq!(setup.sns.gets(), Vec::<String>::new());
}

#[tokio::test]
async fn an_unparseable_body_is_refused_with_400_naming_the_problem() {
    let setup = setup();
    let now = SystemTime::now();
    let refuse = |body: &'static [u8]| setup.receiver.receive(Some("Notification"), body, now);
    assert_refused(
        &refuse(b"{not json").await.unwrap_err(),
        StatusCode::BAD_REQUEST,
        "body is not an SNS message: ",
    );
    assert_refused(
        &refuse(b"\xff\xfe").await.unwrap_err(),
        StatusCode::BAD_REQUEST,
        "body: is not UTF-8 text",
    );
    let mut message: Value =
        serde_json::from_str(&fixture("bounce-critical-alarm-v1.json")).unwrap();
    message.as_object_mut().unwrap().remove("Signature");
    assert_refused(
        &setup.refusal(&message.to_string()).await,
        StatusCode::BAD_REQUEST,
        "Signature: is missing",
    );
    let v3 = edited("bounce-critical-alarm-v1.json", "SignatureVersion", "3");
    assert_refused(
        &setup.refusal(&v3).await,
        StatusCode::BAD_REQUEST,
        "SignatureVersion: ",
    );
    let huge = vec![b' '; 3 * 1024 * 1024];
    let too_large = setup.receiver.receive(None, &huge, now).await.unwrap_err();
    assert_eq!(
        too_large.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "{too_large}"
    );
}

#[tokio::test]
async fn a_subscription_confirmation_for_a_platform_topic_confirms_once() {
    let setup = setup();
    let body = fixture("subscription-confirmation-v1.json");
    let subscribe_url = serde_json::from_str::<Value>(&body).unwrap()["SubscribeURL"]
        .as_str()
        .unwrap()
        .to_owned();
    setup
        .sns
        .answer(&subscribe_url, 200, b"<ConfirmSubscriptionResponse/>");
    let received = setup.receive(&body).await.unwrap();
    assert_eq!(
        received,
        Received::Confirmed {
            topic_arn: CHAT.to_owned()
        }
    );
    assert_eq!(
        received.to_string(),
        format!("confirmed the subscription to {CHAT}")
    );
    assert_eq!(setup.sns.gets(), [CERT_URL.to_owned(), subscribe_url]);
}

#[tokio::test]
async fn a_subscription_confirmation_for_another_topic_is_refused_and_not_visited() {
    let setup = setup();
    let refusal = setup
        .refusal(&fixture("subscription-confirmation-other-topic-v2.json"))
        .await;
    assert!(matches!(refusal, Refusal::WrongTopic { .. }), "{refusal:?}");
    assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
    assert_eq!(setup.sns.gets(), Vec::<String>::new());
}

#[tokio::test]
async fn a_subscribe_url_off_the_sns_host_is_refused_and_not_visited() {
    let setup = setup();
    // SubscribeURL is signed, so the edit breaks the signature too; the URL rule must
    // refuse it first, before the certificate or the URL is fetched.
    let forged = edited(
        "subscription-confirmation-v1.json",
        "SubscribeURL",
        "https://sns-confirm.attacker.example/?Action=ConfirmSubscription&Token=x",
    );
    let refusal = setup.refusal(&forged).await;
    assert_refused(&refusal, StatusCode::FORBIDDEN, "SubscribeURL: ");
    assert_eq!(setup.sns.gets(), Vec::<String>::new());
}

#[tokio::test]
async fn a_failed_confirmation_answers_502_without_quoting_the_token() {
    let setup = setup();
    let body = fixture("subscription-confirmation-v1.json");
    let refusal = setup.refusal(&body).await; // the fake has no answer for SubscribeURL
    assert!(
        matches!(refusal, Refusal::ConfirmationFailed { .. }),
        "{refusal:?}"
    );
    assert_refused(
        &refusal,
        StatusCode::BAD_GATEWAY,
        &format!("SubscribeURL: cannot confirm the subscription to {CHAT}: connection refused"),
    );
    assert!(!format!("{refusal} {refusal:?}").contains(TOKEN));
    let subscribe_url = setup.sns.gets().pop().unwrap();
    setup.sns.answer(&subscribe_url, 403, b"");
    let refusal = setup.refusal(&body).await;
    assert!(
        refusal.to_string().ends_with("SNS answered HTTP 403"),
        "{refusal}"
    );
}

#[tokio::test]
async fn an_unsubscribe_confirmation_is_ignored_and_its_subscribe_url_not_visited() {
    let setup = setup();
    let received = setup
        .receive(&fixture("unsubscribe-confirmation-v1.json"))
        .await
        .unwrap();
    assert!(
        matches!(&received, Received::Ignored { reason: Ignored::Unsubscribed { topic_arn }, .. } if topic_arn == EMAIL),
        "{received:?}"
    );
    assert_eq!(setup.sns.gets(), [CERT_URL]);
}

#[tokio::test]
async fn the_certificate_is_fetched_once_then_cached() {
    let setup = setup();
    for name in [
        "bounce-critical-alarm-v1.json",
        "bounce-critical-alarm-math-v2.json",
        "bounce-critical-ok-v1.json",
        "bounce-critical-alarm-v1.json",
    ] {
        setup.receive(&fixture(name)).await.unwrap();
    }
    assert_eq!(setup.sns.gets(), [CERT_URL]);
}

#[tokio::test]
async fn a_certificate_that_cannot_be_fetched_answers_502_and_is_tried_again() {
    let sns = Arc::new(FakeSns::default());
    sns.answer(CERT_URL, 404, b"<Error/>");
    let receiver = AlarmReceiver::new(
        &config(&[EMAIL]),
        Arc::clone(&sns),
        ReceiverSettings::default(),
    );
    let body = fixture("bounce-critical-alarm-v1.json");
    let now = shortly_after(&body);
    let refusal = receiver
        .receive(None, body.as_bytes(), now)
        .await
        .unwrap_err();
    assert_refused(
        &refusal,
        StatusCode::BAD_GATEWAY,
        &format!("SigningCertURL: cannot fetch {CERT_URL}: SNS answered HTTP 404"),
    );
    sns.answer(CERT_URL, 200, b"not a certificate");
    let refusal = receiver
        .receive(None, body.as_bytes(), now)
        .await
        .unwrap_err();
    assert!(
        refusal.to_string().contains("is not an X.509 certificate"),
        "{refusal}"
    );
    assert_eq!(refusal.status(), StatusCode::BAD_GATEWAY);
    sns.answer(CERT_URL, 200, &cert("cert.pem"));
    assert!(receiver.receive(None, body.as_bytes(), now).await.is_ok());
    assert_eq!(sns.gets().len(), 3);
}

#[tokio::test]
async fn a_fetched_certificate_outside_its_validity_is_refused_and_fetched_again() {
    let sns = FakeSns::serving_certificate("expired-cert.pem");
    let receiver = AlarmReceiver::new(
        &config(&[EMAIL]),
        Arc::clone(&sns),
        ReceiverSettings::default(),
    );
    let body = fixture("bounce-critical-alarm-v1.json");
    let now = shortly_after(&body);
    let refusal = receiver
        .receive(None, body.as_bytes(), now)
        .await
        .unwrap_err();
    assert!(
        matches!(refusal, Refusal::Certificate { .. }),
        "{refusal:?}"
    );
    assert_refused(
        &refusal,
        StatusCode::FORBIDDEN,
        &format!(
            "SigningCertURL: the certificate from {CERT_URL} cannot be used: certificate: is valid from 2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z"
        ),
    );
    // SNS replaced the certificate at the same URL: the expired one is not kept.
    sns.answer(CERT_URL, 200, &cert("cert.pem"));
    assert!(receiver.receive(None, body.as_bytes(), now).await.is_ok());
    assert_eq!(sns.gets(), [CERT_URL, CERT_URL]);
}

#[tokio::test]
async fn the_cache_is_bounded() {
    let sns = FakeSns::serving_certificate("cert.pem");
    let other_url = CERT_URL.replace("7e1c", "0000");
    sns.answer(&other_url, 200, &cert("cert.pem"));
    let settings = ReceiverSettings {
        cache_capacity: 1,
        ..ReceiverSettings::default()
    };
    let receiver = AlarmReceiver::new(&config(&[EMAIL]), Arc::clone(&sns), settings);
    let first = fixture("bounce-critical-alarm-v1.json");
    let second = edited(
        "bounce-critical-alarm-v1.json",
        "SigningCertURL",
        &other_url,
    );
    let now = shortly_after(&first);
    for body in [&first, &first, &second, &second, &first] {
        assert!(receiver.receive(None, body.as_bytes(), now).await.is_ok());
    }
    assert_eq!(sns.gets(), [CERT_URL, &other_url, CERT_URL]);
}

#[tokio::test]
async fn a_pre_seeded_certificate_is_used_without_fetching() {
    let certificates = load_certificate_dir(&Path::new(DATA).join("certificates")).unwrap();
    assert_eq!(
        certificates.names(),
        ["SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem"]
    );
    let sns = Arc::new(FakeSns::default());
    let receiver = AlarmReceiver::new(
        &config(&[EMAIL, CHAT]),
        Arc::clone(&sns),
        ReceiverSettings::default(),
    )
    .with_certificates(certificates);
    let body = fixture("bounce-critical-alarm-v1.json");
    let received = receiver
        .receive(Some("Notification"), body.as_bytes(), shortly_after(&body))
        .await;
    assert!(matches!(received, Ok(Received::Pause(_))), "{received:?}");
    assert_eq!(sns.gets(), Vec::<String>::new());
}

#[tokio::test]
async fn a_pre_seeded_certificate_still_needs_the_url_rules() {
    let certificates = load_certificate_dir(&Path::new(DATA).join("certificates")).unwrap();
    let sns = Arc::new(FakeSns::default());
    let receiver = AlarmReceiver::new(
        &config(&[EMAIL]),
        Arc::clone(&sns),
        ReceiverSettings::default(),
    )
    .with_certificates(certificates);
    // The same file name on another host.
    let body = edited(
        "bounce-critical-alarm-v1.json",
        "SigningCertURL",
        &CERT_URL.replace("amazonaws.com/", "amazonaws.com.attacker.example/"),
    );
    let refusal = receiver
        .receive(None, body.as_bytes(), shortly_after(&body))
        .await
        .unwrap_err();
    assert!(matches!(refusal, Refusal::UntrustedUrl(_)), "{refusal:?}");
}

#[tokio::test]
async fn an_expired_pre_seeded_certificate_is_refused_and_nothing_fetched() {
    let certificates = load_certificate_dir(&Path::new(DATA).join("expired-certificates")).unwrap();
    let sns = FakeSns::serving_certificate("cert.pem");
    let receiver = AlarmReceiver::new(
        &config(&[EMAIL]),
        Arc::clone(&sns),
        ReceiverSettings::default(),
    )
    .with_certificates(certificates);
    let body = fixture("bounce-critical-alarm-v1.json");
    let refusal = receiver
        .receive(None, body.as_bytes(), shortly_after(&body))
        .await
        .unwrap_err();
    assert_refused(
        &refusal,
        StatusCode::FORBIDDEN,
        "SigningCertURL: the certificate from --sns-certificates SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem cannot be used: certificate: is valid from 2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z, not at 2026-11-30T05:41:12Z",
    );
    assert_eq!(sns.gets(), Vec::<String>::new());
}

/// A fresh temporary directory holding `files`, removed on drop.
fn temp_dir(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (file, bytes) in files {
        std::fs::write(dir.path().join(file), bytes).unwrap();
    }
    dir
}

#[test]
fn the_certificate_directory_loader_names_every_problem() {
    let missing = load_certificate_dir(Path::new("/nonexistent/sns-certificates")).unwrap_err();
    assert!(
        missing.starts_with(
            "--sns-certificates /nonexistent/sns-certificates: cannot read the directory: "
        ),
        "{missing}"
    );
    let empty = temp_dir(&[("README.md", b"certificates go here")]);
    let error = load_certificate_dir(empty.path()).unwrap_err();
    assert!(error.ends_with("holds no .pem file; name each certificate as the last segment of its SigningCertURL (SimpleNotificationService-<hash>.pem)"), "{error}");
    let bad = temp_dir(&[
        (
            "SimpleNotificationService-a.pem",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        ),
        ("SimpleNotificationService-b.pem", &[b'x'; 70_000]),
        ("SimpleNotificationService-good.pem", &cert("cert.pem")),
    ]);
    let error = load_certificate_dir(bad.path()).unwrap_err();
    assert!(
        error.contains("SimpleNotificationService-a.pem: certificate: is not an X.509 certificate"),
        "{error}"
    );
    assert!(
        error.contains("SimpleNotificationService-b.pem: is larger than 65536 bytes"),
        "{error}"
    );
    assert!(!error.contains("good"), "{error}");
}

#[test]
fn the_certificate_directory_skips_other_and_hidden_files() {
    let dir = temp_dir(&[
        ("SimpleNotificationService-x.pem", &cert("cert.pem")),
        (".hidden.pem", b"not a certificate"),
        ("notes.txt", b"not a certificate"),
    ]);
    let loaded = load_certificate_dir(dir.path()).unwrap();
    assert_eq!(loaded.names(), ["SimpleNotificationService-x.pem"]);
    assert_eq!(loaded.len(), 1);
    assert!(!loaded.is_empty());
}
