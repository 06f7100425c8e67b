//! Parsing and validating a typical provision document, beside (a) parsing the same bytes
//! into a `serde_json::Value` and (b) parsing them and validating against the catalog's
//! schema with the `jsonschema` crate, the generic alternative.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use criterion::{Criterion, criterion_group, criterion_main};
use ses_broker::{BindParams, Catalog, ProvisionParams};
use std::hint::black_box;

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
}

criterion_group!(benches, params);
criterion_main!(benches);
