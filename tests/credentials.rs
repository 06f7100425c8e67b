//! SPEC §7: the binding credentials key for key as the deployed broker delivers them, the
//! extra keys, redaction, and reading them back from `VCAP_SERVICES`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Value, json};
use ses_broker::{
    Credentials, VcapServices, credentials::CredentialsError, credentials::VcapError,
};

const VCAP_DEPLOYED: &str =
    include_str!("fixtures/credentials/vcap_deployed_generated_domain.json");
const DEPLOYED_CUSTOMER: &str = include_str!("fixtures/credentials/deployed_customer_domain.json");
const GOLDEN_CUSTOMER: &str = include_str!("fixtures/credentials/crate_customer_domain.json");

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const PASSWORD: &str = "BHW/eHvx1MM9YwW4wrJG6MGVQmLDCAM99G9YiSdGEIAw";

/// Every key the deployed broker can deliver (osbapi-csb.md §3).
const DEPLOYED_KEYS: [&str; 18] = [
    "region",
    "domain",
    "identity_arn",
    "domain_arn",
    "configuration_set_arn",
    "reputation_topic_arn",
    "bounce_topic_arn",
    "complaint_topic_arn",
    "delivery_topic_arn",
    "required_records",
    "instructions",
    "smtp_server",
    "smtp_user",
    "smtp_password",
    "aws_access_key_id",
    "aws_secret_access_key",
    "notification_email",
    "notification_webhook",
];

/// The keys absent when null (nothing subscribed, a generated domain).
const SOMETIMES: [&str; 4] = [
    "required_records",
    "instructions",
    "notification_email",
    "notification_webhook",
];

/// The keys the deployed broker always delivers.
fn always() -> impl Iterator<Item = &'static str> {
    DEPLOYED_KEYS
        .into_iter()
        .filter(|key| !SOMETIMES.contains(key))
}

fn deployed_generated() -> Value {
    let vcap: Value = serde_json::from_str(VCAP_DEPLOYED).unwrap();
    vcap["aws-ses"][0]["credentials"].clone()
}

fn deployed_customer() -> Value {
    serde_json::from_str(DEPLOYED_CUSTOMER).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// Every deployed key comes out unchanged; the only additions are the extra keys.
fn assert_deployed_keys_kept(deployed: &Value, expected_extras: &[&str]) {
    let ours = Credentials::from_value(deployed)
        .unwrap()
        .to_json_with_secrets();
    for (key, value) in deployed.as_object().unwrap() {
        assert!(DEPLOYED_KEYS.contains(&key.as_str()), "fixture key {key}");
        assert_eq!(ours.get(key), Some(value), "deployed key {key}");
    }
    let added: BTreeSet<String> = keys(&ours).difference(&keys(deployed)).cloned().collect();
    let expected: BTreeSet<String> = expected_extras.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(added, expected);
}

#[test]
fn spec_7_generated_domain_payload_key_for_key() {
    assert_deployed_keys_kept(
        &deployed_generated(),
        &["identity_domain", "smtp_port", "smtp_tls_port"],
    );
}

#[test]
fn spec_7_customer_domain_payload_key_for_key() {
    assert_deployed_keys_kept(
        &deployed_customer(),
        &[
            "identity_domain",
            "mail_from_domain",
            "smtp_port",
            "smtp_tls_port",
        ],
    );
}

#[test]
fn spec_7_golden_payload_for_a_customer_domain() {
    let golden: Value = serde_json::from_str(GOLDEN_CUSTOMER).unwrap();
    let ours = Credentials::from_value(&deployed_customer())
        .unwrap()
        .to_json_with_secrets();
    for key in keys(&golden).union(&keys(&ours)) {
        assert_eq!(ours.get(key), golden.get(key), "key {key}");
    }
    // This crate's own payload reads back to the same credentials.
    assert_eq!(
        Credentials::from_value(&golden).unwrap(),
        Credentials::from_value(&deployed_customer()).unwrap()
    );
}

#[test]
fn spec_7_domain_quirk_is_kept_and_identity_domain_added() {
    let c = Credentials::from_value(&deployed_customer()).unwrap();
    assert_eq!(c.domain().as_str(), "mail.agency.gov");
    assert_eq!(c.identity_domain().as_str(), "agency.gov");
    assert_eq!(c.mail_from_domain().unwrap().as_str(), "mail.agency.gov");
    let g = Credentials::from_value(&deployed_generated()).unwrap();
    assert_eq!(g.domain(), g.identity_domain());
    assert_eq!(g.mail_from_domain(), None);
}

#[test]
fn spec_7_feedback_off_topics_are_empty_strings() {
    let c = Credentials::from_value(&deployed_generated()).unwrap();
    assert!(!c.feedback_enabled());
    assert_eq!(c.bounce_topic_arn(), None);
    let out = c.to_json_with_secrets();
    for key in [
        "bounce_topic_arn",
        "complaint_topic_arn",
        "delivery_topic_arn",
    ] {
        assert_eq!(out[key], "", "{key}");
    }
    let on = Credentials::from_value(&deployed_customer()).unwrap();
    assert!(on.feedback_enabled());
    assert_eq!(
        on.delivery_topic_arn().unwrap().resource(),
        "csb-aws-ses-7c2e9a41-3b5d-4f6e-8a90-1b2c3d4e5f60-delivery"
    );
}

#[test]
fn spec_7_absent_keys_stay_absent() {
    let out = Credentials::from_value(&deployed_generated())
        .unwrap()
        .to_json_with_secrets();
    for key in SOMETIMES.into_iter().chain(["mail_from_domain"]) {
        assert!(out.get(key).is_none(), "{key} present");
    }
    for key in always() {
        assert!(out.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn spec_7_null_counts_as_absent_for_optional_keys() {
    let mut v = deployed_generated();
    v["notification_email"] = Value::Null;
    v["smtp_port"] = Value::Null;
    let c = Credentials::from_value(&v).unwrap();
    assert_eq!(c.notification_email(), None);
    assert_eq!(c.smtp_port().number(), 587);
}

/// Issue 10 item 7: the docs say `null` counts as absent, so a null required key is
/// missing (it was reported as a wrong type), and a null secret is missing too.
#[test]
fn null_counts_as_absent_for_required_keys_too() {
    for key in always() {
        let mut v = deployed_generated();
        v[key] = Value::Null;
        if key == "identity_arn" || key == "domain_arn" {
            // Either twin suffices, as when one is absent.
            assert!(Credentials::from_value(&v).is_ok(), "{key}");
            continue;
        }
        let e = Credentials::from_value(&v).unwrap_err();
        assert_eq!(e, CredentialsError::Missing { key }, "{key}");
    }
}

#[test]
fn spec_7_extra_keys_are_read_back_and_checked() {
    let mut v = deployed_customer();
    v["identity_domain"] = json!("agency.gov");
    v["mail_from_domain"] = json!("mail.agency.gov");
    v["smtp_port"] = json!(2587);
    v["smtp_tls_port"] = json!(2465);
    let c = Credentials::from_value(&v).unwrap();
    assert_eq!(
        (c.smtp_port().number(), c.smtp_tls_port().number()),
        (2587, 2465)
    );
    for (key, value, blamed) in [
        ("identity_domain", json!("other.gov"), "identity_domain"),
        ("mail_from_domain", json!("bounce.agency.gov"), "domain"),
        ("smtp_port", json!(465), "smtp_port"),
        ("smtp_tls_port", json!(587), "smtp_tls_port"),
        ("smtp_port", json!(70000), "smtp_port"),
        ("smtp_port", json!(-1), "smtp_port"),
        ("smtp_port", json!(587.5), "smtp_port"),
    ] {
        let mut bad = v.clone();
        bad[key] = value;
        let e = Credentials::from_value(&bad).unwrap_err();
        assert_eq!(e.key(), Some(blamed), "{key}: {e}");
    }
}

#[test]
fn spec_7_older_payload_with_only_domain_arn_is_read() {
    let mut v = deployed_generated();
    v.as_object_mut().unwrap().remove("identity_arn");
    let c = Credentials::from_value(&v).unwrap();
    assert_eq!(
        c.identity_domain().as_str(),
        "ses-ce93a4007031377b.appmail.cloud.gov"
    );
    let out = c.to_json_with_secrets();
    assert_eq!(out["identity_arn"], out["domain_arn"]);
}

#[test]
fn every_required_key_is_named_when_missing() {
    for key in always() {
        let mut v = deployed_generated();
        v.as_object_mut().unwrap().remove(key);
        if key == "identity_arn" || key == "domain_arn" {
            // Either twin suffices.
            assert!(Credentials::from_value(&v).is_ok(), "{key}");
            continue;
        }
        let e = Credentials::from_value(&v).unwrap_err();
        assert_eq!(e, CredentialsError::Missing { key }, "{key}");
        assert_eq!(e.to_string(), format!("{key}: missing"));
    }
    let mut v = deployed_generated();
    v.as_object_mut().unwrap().remove("identity_arn");
    v.as_object_mut().unwrap().remove("domain_arn");
    assert_eq!(
        Credentials::from_value(&v).unwrap_err().to_string(),
        "identity_arn: missing"
    );
}

#[test]
fn every_key_of_the_wrong_type_is_named() {
    let mut all = deployed_customer();
    all["smtp_port"] = json!(587);
    all["smtp_tls_port"] = json!(465);
    all["identity_domain"] = json!("agency.gov");
    all["mail_from_domain"] = json!("mail.agency.gov");
    for key in keys(&all) {
        let mut v = all.clone();
        v[&key] = if key.ends_with("port") {
            json!("587")
        } else {
            json!(["x"])
        };
        let e = Credentials::from_value(&v).unwrap_err();
        assert_eq!(e.key(), Some(key.as_str()), "{e}");
        assert!(matches!(e, CredentialsError::WrongType { .. }), "{e}");
    }
}

#[test]
fn malformed_values_are_named_and_secrets_never_echoed() {
    for (key, value) in [
        ("region", "us_gov_west_1"),
        ("domain", "bad_domain.gov"),
        (
            "identity_arn",
            "arn:aws-us-gov:ses:us-gov-west-1:123:identity/x.gov",
        ),
        ("configuration_set_arn", "not-an-arn"),
        ("reputation_topic_arn", "arn:nope"),
        (
            "bounce_topic_arn",
            "arn:aws-us-gov:sns:us-gov-west-1:123456789012",
        ),
        ("smtp_server", "smtp server"),
        ("smtp_user", "akiaiosfodnn7example"),
        ("aws_access_key_id", "AKIA"),
        ("notification_email", "not-an-address"),
        ("notification_webhook", "http://hooks.agency.gov/"),
    ] {
        let mut v = deployed_customer();
        v[key] = json!(value);
        let e = Credentials::from_value(&v).unwrap_err();
        assert_eq!(e.key(), Some(key), "{key}: {e}");
    }
    // Secrets: the message names the key and the problem, never any part of the value.
    for (key, value) in [
        ("aws_secret_access_key", "SeCrEtVaLuE with space"),
        ("aws_secret_access_key", ""),
        ("smtp_password", "SeCrEtVaLuE"),
        (
            "smtp_password",
            "SeCrEtVaLuE_SeCrEtVaLuE_SeCrEtVaLuE_SeCrEtVa",
        ),
        (
            "smtp_password",
            "AnkqhOiWEcszZZzTMCQbOY1sPGoLFgMH9zhp4eNgSjo4",
        ),
    ] {
        let mut v = deployed_customer();
        v[key] = json!(value);
        let e = Credentials::from_value(&v).unwrap_err();
        let message = e.to_string();
        assert_eq!(e.key(), Some(key), "{message}");
        assert!(
            !message.contains("SeCrEt") && !message.contains("Ankq"),
            "{message}"
        );
        let debug = format!("{e:?}");
        assert!(
            !debug.contains("SeCrEt") && !debug.contains("Ankq"),
            "{debug}"
        );
    }
    // A secret of the wrong type is not quoted either (serde's own messages would).
    let mut v = deployed_customer();
    v["aws_secret_access_key"] = json!(123_456_789);
    let via_serde = serde_json::from_value::<Credentials>(v)
        .unwrap_err()
        .to_string();
    assert!(!via_serde.contains("123456789"), "{via_serde}");
    assert_eq!(
        via_serde,
        "aws_secret_access_key: expected a string, found a number"
    );
}

#[test]
fn spec_7_secrets_never_show_in_debug_or_plain_serialization() {
    let c = Credentials::from_value(&deployed_customer()).unwrap();
    let debug = format!("{c:?}");
    let json = serde_json::to_string(&c).unwrap();
    let pretty = serde_json::to_string_pretty(&c).unwrap();
    for text in [&debug, &json, &pretty, &format!("{:?}", c.with_secrets())] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(PASSWORD), "{text}");
    }
    let redacted: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(redacted["smtp_password"], "[redacted]");
    assert_eq!(redacted["aws_secret_access_key"], "[redacted]");
    // Every other key is as in the full payload.
    let full = c.to_json_with_secrets();
    assert_eq!(keys(&redacted), keys(&full));
    for key in keys(&full) {
        if key != "smtp_password" && key != "aws_secret_access_key" {
            assert_eq!(redacted[&key], full[&key], "{key}");
        }
    }
    // The explicit wrapper writes the real payload.
    assert_eq!(serde_json::to_value(c.with_secrets()).unwrap(), full);
    assert_eq!(full["aws_secret_access_key"], SECRET);
    assert_eq!(full["smtp_password"], PASSWORD);
}

/// A `serde_json` formatter that notes the address and length of every string fragment
/// it writes: a fragment is a slice of the string handed to the serializer.
struct FragmentSpy<'a>(&'a mut Vec<(usize, usize)>);

impl serde_json::ser::Formatter for FragmentSpy<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        self.0.push((fragment.as_ptr() as usize, fragment.len()));
        writer.write_all(fragment.as_bytes())
    }
}

fn written_fragments(value: &impl serde::Serialize) -> (String, Vec<(usize, usize)>) {
    let mut fragments = Vec::new();
    let mut out = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, FragmentSpy(&mut fragments));
    value.serialize(&mut serializer).unwrap();
    (String::from_utf8(out).unwrap(), fragments)
}

fn span(s: &str) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

/// Issue 10 item 5: the bind response's secrets went through a `serde_json::Map` copy that
/// nothing wiped. Now the serializer is handed the secret types' own memory, so the only
/// copy is the output the caller asked for.
#[test]
fn bind_response_secrets_are_written_straight_from_the_secret_types() {
    let c = Credentials::from_value(&deployed_customer()).unwrap();
    let secrets = [
        span(c.aws_secret_access_key().expose_secret()),
        span(c.smtp_password().expose_secret()),
    ];
    let (text, fragments) = written_fragments(&c.with_secrets());
    assert!(text.contains(SECRET) && text.contains(PASSWORD), "{text}");
    for secret in secrets {
        assert!(
            fragments.contains(&secret),
            "a secret was written from a copy"
        );
    }
    // The same through VCAP_SERVICES.
    let vcap = VcapServices::from_json(&vcap(vec![entry("my-ses", deployed_customer())])).unwrap();
    let c = vcap.ses().unwrap().credentials();
    let (text, fragments) = written_fragments(&vcap.with_secrets());
    assert!(text.contains(SECRET) && text.contains(PASSWORD), "{text}");
    for secret in [
        span(c.aws_secret_access_key().expose_secret()),
        span(c.smtp_password().expose_secret()),
    ] {
        assert!(
            fragments.contains(&secret),
            "a secret was written from a copy"
        );
    }
}

#[test]
fn redacted_credentials_do_not_read_back_as_real_ones() {
    let c = Credentials::from_value(&deployed_customer()).unwrap();
    let redacted = serde_json::to_value(&c).unwrap();
    let e = Credentials::from_value(&redacted).unwrap_err();
    assert!(e.to_string().contains("redaction marker"), "{e}");
}

#[test]
fn smtp_password_is_checked_only_on_request() {
    let real = Credentials::from_value(&deployed_customer()).unwrap();
    assert!(real.smtp_password_matches());
    // The realistic example's values are illustrative: read as delivered, flagged on request.
    let example = Credentials::from_value(&deployed_generated()).unwrap();
    assert!(!example.smtp_password_matches());
}

#[test]
fn credentials_error_messages() {
    assert_eq!(
        Credentials::from_json("[1]").unwrap_err().to_string(),
        "credentials: expected an object, found an array"
    );
    assert!(matches!(
        Credentials::from_json("{").unwrap_err(),
        CredentialsError::NotJson { .. }
    ));
}

#[test]
fn payload_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Credentials>();
    send_sync::<CredentialsError>();
    send_sync::<VcapServices>();
    send_sync::<VcapError>();
    send_sync::<ses_broker::credentials::SesBinding>();
}

// ---- VCAP_SERVICES.

fn entry(name: &str, credentials: Value) -> Value {
    json!({
        "label": "aws-ses",
        "provider": null,
        "plan": "domain",
        "name": name,
        "tags": ["aws", "csb"],
        "instance_guid": "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01",
        "instance_name": name,
        "binding_guid": "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b",
        "binding_name": null,
        "credentials": credentials,
        "syslog_drain_url": null,
        "volume_mounts": []
    })
}

fn vcap(entries: Vec<Value>) -> String {
    json!({ "aws-ses": entries }).to_string()
}

#[test]
fn spec_7_vcap_realistic_example() {
    let v = VcapServices::from_json(VCAP_DEPLOYED).unwrap();
    let b = v.ses().unwrap();
    assert_eq!(b.label(), "aws-ses");
    assert_eq!(b.name(), "my-ses");
    assert_eq!(b.instance_name(), Some("my-ses"));
    assert_eq!(b.plan(), Some("domain"));
    assert_eq!(b.tags(), ["aws", "csb"]);
    assert_eq!(
        b.binding_guid().unwrap().as_str(),
        "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b"
    );
    assert_eq!(
        b.instance_guid().unwrap().as_str(),
        "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01"
    );
    assert_eq!(b.binding_name(), None);
    let c = b.credentials();
    assert_eq!(c.smtp_user().as_str(), "AKIAEXAMPLEEXAMPLE01");
    assert_eq!(
        c.smtp_server().as_str(),
        "email-smtp-fips.us-gov-west-1.amazonaws.com"
    );
    assert_eq!(v.ses_named("my-ses").unwrap(), b);
    assert_eq!(v.ses_tagged("csb").unwrap(), b);
}

#[test]
fn vcap_unknown_keys_and_other_services_are_ignored() {
    let doc = json!({
        "aws-rds": [{"name": "db", "credentials": {"uri": "postgres://"}}],
        "odd-service": "not even an array",
        "aws-ses": [{
            "name": "my-ses",
            "credentials": deployed_generated(),
            "new_cf_key": {"anything": [1, 2, 3]},
            "volume_mounts": [{"x": 1}]
        }]
    });
    let v = VcapServices::from_json(&doc.to_string()).unwrap();
    assert_eq!(v.bindings().len(), 1);
    assert_eq!(v.ses().unwrap().tags(), [] as [String; 0]);
}

#[test]
fn vcap_several_bindings_are_told_apart_by_name() {
    let text = vcap(vec![
        entry("ses-a", deployed_generated()),
        entry("ses-b", deployed_customer()),
    ]);
    let v = VcapServices::from_json(&text).unwrap();
    let e = v.ses().unwrap_err();
    assert_eq!(
        e,
        VcapError::Ambiguous {
            names: vec!["ses-a".to_owned(), "ses-b".to_owned()]
        }
    );
    assert_eq!(
        e.to_string(),
        "several aws-ses services match (\"ses-a\", \"ses-b\"); choose one by name"
    );
    assert_eq!(
        v.ses_named("ses-b")
            .unwrap()
            .credentials()
            .identity_domain()
            .as_str(),
        "agency.gov"
    );
    let e = v.ses_named("ses-c").unwrap_err();
    assert_eq!(
        e.to_string(),
        "no aws-ses service is named \"ses-c\"; bound: \"ses-a\", \"ses-b\""
    );
    assert!(matches!(
        v.ses_tagged("csb"),
        Err(VcapError::Ambiguous { .. })
    ));
}

#[test]
fn vcap_binding_name_or_instance_name_both_find_a_binding() {
    let mut e = entry("my-binding", deployed_generated());
    e["instance_name"] = json!("my-ses");
    e["binding_name"] = json!("my-binding");
    let v = VcapServices::from_json(&vcap(vec![e])).unwrap();
    assert_eq!(v.ses_named("my-ses").unwrap().name(), "my-binding");
    assert_eq!(
        v.ses_named("my-binding").unwrap().binding_name(),
        Some("my-binding")
    );
}

#[test]
fn vcap_falls_back_to_the_aws_ses_tag() {
    let doc = json!({
        "user-provided": [
            {"name": "logs", "tags": [], "credentials": {"url": "x"}},
            {"name": "local-ses", "label": "user-provided", "tags": ["aws-ses"],
             "credentials": deployed_customer()}
        ]
    });
    let v = VcapServices::from_json(&doc.to_string()).unwrap();
    let b = v.ses().unwrap();
    assert_eq!((b.label(), b.name()), ("user-provided", "local-ses"));
    // An aws-ses label takes precedence over tagged entries elsewhere.
    let mut both = doc;
    both["aws-ses"] = json!([entry("brokered", deployed_generated())]);
    let v = VcapServices::from_json(&both.to_string()).unwrap();
    assert_eq!(v.ses().unwrap().name(), "brokered");
}

#[test]
fn vcap_missing_service() {
    for doc in ["{}", r#"{"aws-rds": [{"name": "db", "credentials": {}}]}"#] {
        let v = VcapServices::from_json(doc).unwrap();
        assert_eq!(v.ses().unwrap_err(), VcapError::NoService);
        assert_eq!(v.ses_named("x").unwrap_err(), VcapError::NoService);
    }
    assert_eq!(
        VcapError::NoService.to_string(),
        "no aws-ses service is bound (no VCAP_SERVICES entry is labelled or tagged aws-ses)"
    );
}

#[test]
fn vcap_broken_documents_name_the_path() {
    let mut no_password = deployed_generated();
    no_password.as_object_mut().unwrap().remove("smtp_password");
    let mut bad_password = deployed_generated();
    bad_password["smtp_password"] = json!("hunter2");
    let mut bad_tags = entry("s", deployed_generated());
    bad_tags["tags"] = json!(["aws", 7]);
    let mut bad_guid = entry("s", deployed_generated());
    bad_guid["binding_guid"] = json!("not a guid");
    let mut no_credentials = entry("s", deployed_generated());
    no_credentials
        .as_object_mut()
        .unwrap()
        .remove("credentials");
    let mut no_name = entry("s", deployed_generated());
    no_name.as_object_mut().unwrap().remove("name");
    let cases = [
        ("not json".to_owned(), None),
        (
            "[]".to_owned(),
            Some("VCAP_SERVICES: expected an object, found an array"),
        ),
        (
            r#"{"aws-ses": {}}"#.to_owned(),
            Some("aws-ses: expected an array, found an object"),
        ),
        (
            r#"{"aws-ses": [1]}"#.to_owned(),
            Some("aws-ses[0]: expected an object, found a number"),
        ),
        (
            vcap(vec![
                entry("ok", deployed_generated()),
                entry("s", no_password),
            ]),
            Some("aws-ses[1].credentials.smtp_password: missing"),
        ),
        (
            vcap(vec![entry("s", bad_password)]),
            Some(
                "aws-ses[0].credentials.smtp_password: SMTP password must be exactly 44 characters (Base64 of 33 bytes)",
            ),
        ),
        (
            vcap(vec![entry("s", json!("creds"))]),
            Some("aws-ses[0].credentials: expected an object, found a string"),
        ),
        (
            vcap(vec![bad_tags]),
            Some("aws-ses[0].tags[1]: expected a string, found a number"),
        ),
        (
            vcap(vec![no_credentials]),
            Some("aws-ses[0].credentials: missing"),
        ),
        (vcap(vec![no_name]), Some("aws-ses[0].name: missing")),
    ];
    for (doc, expected) in cases {
        let e = VcapServices::from_json(&doc).unwrap_err();
        match expected {
            Some(expected) => assert_eq!(e.to_string(), expected),
            None => assert!(matches!(e, VcapError::NotJson { .. }), "{e}"),
        }
        assert!(!e.to_string().contains("hunter2"));
    }
    let e = VcapServices::from_json(&vcap(vec![bad_guid])).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("aws-ses[0].binding_guid: contains a space"),
        "{e}"
    );
}

/// Issue 10 item 8: a stored `notification_webhook` or `notification_email` that fails
/// today's stricter rules refused the whole `VCAP_SERVICES` document, so an app that only
/// wants SMTP could not read its credentials. The app side keeps it as unchecked text.
#[test]
fn vcap_reads_notification_endpoints_that_fail_todays_rules_leniently() {
    use ses_broker::credentials::NotificationEndpoint;
    let mut stored = deployed_customer();
    // Accepted by older rules: a private-address webhook and an address with no dot.
    stored["notification_webhook"] = json!("https://10.1.2.3/hook");
    stored["notification_email"] = json!("ops@localhost");
    // The broker side stays strict.
    let strict = Credentials::from_value(&stored).unwrap_err();
    assert!(
        matches!(
            strict.key(),
            Some("notification_email" | "notification_webhook")
        ),
        "{strict}"
    );
    let v = VcapServices::from_json(&vcap(vec![entry("my-ses", stored)])).unwrap();
    let c = v.ses().unwrap().credentials();
    assert_eq!(c.smtp_user().as_str(), "AKIAIOSFODNN7EXAMPLE");
    assert!(c.smtp_password_matches());
    assert_eq!(c.notification_webhook(), None);
    assert_eq!(c.notification_email(), None);
    let webhook = c.notification_webhook_endpoint().unwrap();
    assert!(!webhook.is_valid());
    assert_eq!(webhook.as_str(), "https://10.1.2.3/hook");
    let NotificationEndpoint::Unchecked { text, problem } = webhook else {
        panic!("{webhook:?}");
    };
    assert_eq!(text, "https://10.1.2.3/hook");
    assert!(!problem.is_empty());
    let email = c.notification_email_endpoint().unwrap();
    assert_eq!(email.as_str(), "ops@localhost");
    assert!(!email.is_valid());
    // Written back as carried, and read back equal.
    let written = v.to_json_with_secrets();
    assert_eq!(
        written["aws-ses"][0]["credentials"]["notification_webhook"],
        "https://10.1.2.3/hook"
    );
    assert_eq!(VcapServices::from_value(&written).unwrap(), v);
    // A valid endpoint is still valid; a wrong JSON type is still refused.
    let v = VcapServices::from_json(&vcap(vec![entry("my-ses", deployed_customer())])).unwrap();
    let c = v.ses().unwrap().credentials();
    assert!(c.notification_email_endpoint().unwrap().is_valid());
    assert_eq!(
        c.notification_email().unwrap().as_str(),
        "ses-alerts@agency.gov"
    );
    let mut typed = deployed_customer();
    typed["notification_webhook"] = json!(7);
    assert_eq!(
        VcapServices::from_json(&vcap(vec![entry("s", typed)]))
            .unwrap_err()
            .to_string(),
        "aws-ses[0].credentials.notification_webhook: expected a string, found a number"
    );
}

#[test]
fn vcap_round_trips_with_secrets_and_redacts_without() {
    let v = VcapServices::from_json(VCAP_DEPLOYED).unwrap();
    let full = serde_json::to_string(&v.with_secrets()).unwrap();
    assert_eq!(VcapServices::from_json(&full).unwrap(), v);
    // The output has CF's shape: every key of the example entry with the same value,
    // the credentials differing only by the extra keys.
    let original: Value = serde_json::from_str(VCAP_DEPLOYED).unwrap();
    let written: Value = serde_json::from_str(&full).unwrap();
    let (original, written) = (&original["aws-ses"][0], &written["aws-ses"][0]);
    assert_eq!(keys(original), keys(written));
    for key in keys(original) {
        if key != "credentials" {
            assert_eq!(original[&key], written[&key], "{key}");
        }
    }
    for (key, value) in original["credentials"].as_object().unwrap() {
        assert_eq!(&written["credentials"][key], value, "{key}");
    }
    let redacted = serde_json::to_string(&v).unwrap();
    assert!(!redacted.contains("exampleSecretKey") && !redacted.contains("BExample"));
}

// ---- Properties: no panic on anything, and what is accepted round-trips.

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        Just(json!("aws-ses")),
        Just(json!("")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "\\PC{0,8}",
                    Just("aws-ses".to_owned()),
                    Just("credentials".to_owned()),
                    Just("tags".to_owned()),
                    Just("name".to_owned()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn check_round_trip(text: &str) -> Result<(), TestCaseError> {
    if let Ok(v) = VcapServices::from_json(text) {
        let again = VcapServices::from_value(&v.to_json_with_secrets());
        prop_assert_eq!(again.as_ref(), Ok(&v));
    }
    Ok(())
}

proptest! {
    #[test]
    fn vcap_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        check_round_trip(&text)?;
    }

    #[test]
    fn vcap_never_panics_on_arbitrary_json(doc in any_json()) {
        check_round_trip(&doc.to_string())?;
        check_round_trip(&json!({ "aws-ses": [doc] }).to_string())?;
    }

    #[test]
    fn vcap_never_panics_when_one_credential_value_is_replaced(
        index in 0_usize..24,
        value in any_json(),
    ) {
        let mut credentials = deployed_customer();
        let mut all_keys: Vec<String> = keys(&credentials).into_iter().collect();
        all_keys.extend(["identity_domain", "mail_from_domain", "smtp_port", "smtp_tls_port"]
            .map(str::to_owned));
        let key = &all_keys[index % all_keys.len()];
        credentials[key] = value;
        let text = vcap(vec![entry("s", credentials)]);
        check_round_trip(&text)?;
        if let Err(e) = VcapServices::from_json(&text) {
            let message = e.to_string();
            prop_assert!(message.starts_with("aws-ses[0].credentials"), "{}", message);
            prop_assert!(!message.contains(SECRET) && !message.contains(PASSWORD));
        }
    }
}
