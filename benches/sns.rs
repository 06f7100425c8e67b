//! SNS message parsing plus the string-to-sign, beside the baseline every caller pays
//! anyway: `serde_json::from_str::<serde_json::Value>` of the same body. Also the SES event
//! parser beside the same baseline on its own document, and per-message signature
//! verification with a parsed certificate (its baseline, OpenSSL's RSA-2048 verify, is
//! measured by `.ci/run` in the same run).
#![allow(clippy::unwrap_used, reason = "a bench fails by panicking")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ses_broker::events::Event;
use ses_broker::sns::Message;

const NOTIFICATION: &str = include_str!("../tests/data/sns/notification-alarm-v1.json");
const BOUNCE: &str = include_str!("../tests/data/events/bounce-event.json");

fn sns(c: &mut Criterion) {
    let mut group = c.benchmark_group("sns_notification");
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(NOTIFICATION)).unwrap());
    });
    group.bench_function("parse_and_string_to_sign", |b| {
        b.iter(|| {
            let message = Message::from_json(black_box(NOTIFICATION)).unwrap();
            message.string_to_sign()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("ses_bounce_event");
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(BOUNCE)).unwrap());
    });
    group.bench_function("event_from_json", |b| {
        b.iter(|| Event::from_json(black_box(BOUNCE)).unwrap());
    });
    group.finish();

    // Signatures (the `verify` feature, on for benches through the dev-dependency), with a
    // certificate parsed once and cached, as a subscriber runs them. `sns_verify`: the
    // verification of a parsed message (topic, URLs, age and validity checks, the hash,
    // RSA-2048), the figure `.ci/run` sets beside `openssl speed rsa2048`'s verify measured
    // in the same run. `sns_parse_and_verify`: the whole per-message cost, the body parsed
    // too. `parse_certificate`: what the cache saves, paid once per SigningCertURL.
    #[cfg(feature = "verify")]
    {
        use ses_broker::sns::{SigningCertificate, Verifier};

        let pem = include_bytes!("../tests/data/sns/cert.pem");
        let certificate = SigningCertificate::parse(pem).unwrap();
        let topic = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications";
        let verifier = Verifier::new(topic).with_max_age(std::time::Duration::from_secs(3600));
        let bodies = ["notification-alarm-v1", "notification-bounce-v2"].map(|name| {
            let path = format!("{}/tests/data/sns/{name}.json", env!("CARGO_MANIFEST_DIR"));
            (name, std::fs::read_to_string(path).unwrap())
        });
        let mut group = c.benchmark_group("sns_verify");
        for (name, body) in &bodies {
            let message = Message::from_json(body).unwrap();
            let now = message.timestamp();
            // The clone `verify` consumes is timed too: under a microsecond beside the
            // RSA; batching the clones outside the timing measured slower, from the cache
            // misses of thousands of prepared copies.
            group.bench_function(*name, |b| {
                b.iter(|| {
                    verifier
                        .verify(black_box(&message).clone(), &certificate, now)
                        .unwrap()
                });
            });
        }
        group.bench_function("parse_certificate", |b| {
            b.iter(|| SigningCertificate::parse(black_box(pem)).unwrap());
        });
        group.finish();

        let mut group = c.benchmark_group("sns_parse_and_verify");
        for (name, body) in &bodies {
            let now = Message::from_json(body).unwrap().timestamp();
            group.bench_function(*name, |b| {
                b.iter(|| {
                    let message = Message::from_json(black_box(body)).unwrap();
                    verifier.verify(message, &certificate, now).unwrap()
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, sns);
criterion_main!(benches);
