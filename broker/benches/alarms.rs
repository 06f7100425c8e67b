//! SNS alarm messages received per second with a cached certificate: `AlarmReceiver::receive`
//! (parse, topic and URL checks, signature, decision) against two baselines in the same run,
//! the core's bare `Verifier::verify` of the same message (parse and signature, nothing
//! else) and serde_json reading the body into a `Value`.
//!
//! `cargo bench -p ses-broker-server --bench alarms -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark reports a broken fixture by panicking"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ses_broker::BrokerConfig;
use ses_broker::sns::{Message, SigningCertificate, Verifier};
use ses_broker_server::alarms::{AlarmReceiver, HttpReply, Received, ReceiverSettings, SnsHttp};

const CERT: &[u8] = include_bytes!("../tests/data/sns/cert.pem");
const V1: &str = include_str!("../tests/data/sns/bounce-critical-alarm-v1.json");
const V2: &str = include_str!("../tests/data/sns/bounce-critical-alarm-math-v2.json");
const CONFIG: &str = r#"{"region": "us-gov-west-1", "account_id": "111122223333",
    "default_zone": "appmail.cloud.gov",
    "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email"]}"#;

/// Serves the certificate for any URL and counts the fetches.
struct Sns {
    fetches: AtomicUsize,
}

impl SnsHttp for Sns {
    async fn get(&self, _url: &str) -> Result<HttpReply, String> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        Ok(HttpReply {
            status: 200,
            body: CERT.to_vec(),
        })
    }
}

fn alarms(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let config = BrokerConfig::from_json(CONFIG).unwrap();
    let sns = Arc::new(Sns {
        fetches: AtomicUsize::new(0),
    });
    let receiver = AlarmReceiver::new(&config, Arc::clone(&sns), ReceiverSettings::default());
    let certificate = SigningCertificate::parse(CERT).unwrap();

    let mut group = c.benchmark_group("alarms");
    group.throughput(Throughput::Elements(1));
    for (version, body) in [("v1", V1), ("v2", V2)] {
        let message = Message::from_json(body).unwrap();
        let now = SystemTime::from(message.timestamp()) + Duration::from_secs(60);
        let verifier = Verifier::new(message.topic_arn());
        let at = time::OffsetDateTime::from(now);
        // The first message fetches and caches the certificate; every timed one uses it.
        let first = runtime.block_on(receiver.receive(Some("Notification"), body.as_bytes(), now));
        assert!(matches!(first, Ok(Received::Pause(_))), "{first:?}");

        group.bench_function(format!("receive {version} (verify and decide)"), |b| {
            b.iter(|| {
                runtime
                    .block_on(receiver.receive(
                        Some("Notification"),
                        black_box(body.as_bytes()),
                        now,
                    ))
                    .unwrap()
            });
        });
        group.bench_function(format!("baseline {version}: core Verifier::verify"), |b| {
            b.iter(|| {
                let message = Message::from_json(black_box(body)).unwrap();
                verifier.verify(message, &certificate, at).unwrap()
            });
        });
        group.bench_function(format!("baseline {version}: serde_json Value"), |b| {
            b.iter(|| {
                serde_json::from_slice::<serde_json::Value>(black_box(body.as_bytes())).unwrap()
            });
        });
    }
    group.finish();
    assert_eq!(
        sns.fetches.load(Ordering::Relaxed),
        1,
        "the certificate was not cached"
    );
}

criterion_group!(benches, alarms);
criterion_main!(benches);
