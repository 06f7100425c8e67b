//! Parsing and validating a typical provision document, beside (a) parsing the same bytes
//! into a `serde_json::Value` and (b) parsing them and validating against the catalog's
//! schema with the `jsonschema` crate, the generic alternative. Then each hostile document of
//! `tests/common/hostile.rs` (53 KB of unknown keys, one key repeated thousands of times,
//! ...), refused with its OSBAPI 400 body, beside parsing the same text into a
//! `serde_json::Value`: the refusal must stay within 3x of the plain parse (issue 10).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use criterion::{Criterion, criterion_group, criterion_main};
use ses_broker::{BindParams, Catalog, ProvisionParams};
use std::hint::black_box;
use std::time::Duration;

#[path = "../tests/common/hostile.rs"]
mod hostile;

const PROVISION: &str = r#"{
  "domain": "agency.gov",
  "admin_email": "email-admin@agency.gov",
  "dmarc_report_aggregate_recipients": ["dmarc@agency.gov"],
  "dmarc_report_failure_recipients": ["dmarc@agency.gov", "another-address@agency.gov"],
  "enable_feedback_notifications": true,
  "mail_from_subdomain": "mail"
}"#;

const BIND: &str = r#"{"source_ips": ["203.0.113.0/24", "2001:db8::/32"], "notification_webhook": "https://hooks.agency.gov/ses"}"#;

fn params(c: &mut Criterion) {
    let schema = Catalog::instance_create_schema();
    let validator = jsonschema::draft4::new(&schema).expect("the catalog schema compiles");
    assert!(validator.is_valid(&serde_json::from_str(PROVISION).unwrap()));
    assert!(ProvisionParams::from_json(PROVISION).is_ok());

    let mut group = c.benchmark_group("provision_document");
    group.bench_function("ses_broker::ProvisionParams::from_json", |b| {
        b.iter(|| ProvisionParams::from_json(black_box(PROVISION)))
    });
    group.bench_function("baseline_a/serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(PROVISION)))
    });
    group.bench_function("baseline_b/serde_json::Value+jsonschema", |b| {
        b.iter(|| {
            let value: serde_json::Value = serde_json::from_str(black_box(PROVISION)).unwrap();
            validator.is_valid(&value)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("bind_document");
    group.bench_function("ses_broker::BindParams::from_json", |b| {
        b.iter(|| BindParams::from_json(black_box(BIND)))
    });
    group.bench_function("baseline_a/serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(BIND)))
    });
    group.finish();

    for (name, doc) in hostile::documents() {
        let mut group = c.benchmark_group(format!("hostile_{name}"));
        group.measurement_time(Duration::from_secs(3));
        group.bench_function("ses_broker::ProvisionParams::from_json+400_body", |b| {
            b.iter(|| {
                ProvisionParams::from_json(black_box(&doc))
                    .expect_err("a hostile document is refused")
                    .to_osbapi_body()
            })
        });
        group.bench_function("baseline/serde_json::Value", |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&doc)))
        });
        group.finish();
    }
}

criterion_group!(benches, params);
criterion_main!(benches);
