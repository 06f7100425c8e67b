//! Properties over generated input: value round trips, no panics on arbitrary JSON, and
//! normalised parameter documents that re-parse to the same value.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use core::fmt::Debug;
use core::str::FromStr;

use proptest::prelude::*;
use ses_broker::{
    BindParams, ProvisionParams, values::AccountId, values::Arn, values::BindingId,
    values::DomainName, values::EmailAddress, values::InstanceId, values::MailFromSubdomain,
    values::Region, values::SourceIp, values::WebhookUrl,
};

/// If `input` parses, its canonical form parses to an equal value with the same form.
fn round_trips<T>(input: &str) -> Result<(), TestCaseError>
where
    T: FromStr + ToString + PartialEq + Debug,
    T::Err: Debug,
{
    if let Ok(value) = T::from_str(input) {
        let text = value.to_string();
        let again = T::from_str(&text);
        prop_assert!(
            again.is_ok(),
            "{input:?} -> {text:?} does not re-parse: {again:?}"
        );
        let again = again.unwrap();
        prop_assert_eq!(again.to_string(), text);
        prop_assert_eq!(again, value);
    }
    Ok(())
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?",
        "[a-z]{1,3}[äöüßéñ日本пр]{1,3}[a-z]{0,3}",
        "xn--[a-z0-9]{2,8}",
    ]
}

fn domain_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(label(), 1..4),
        "[a-z]{2,6}",
        prop::bool::ANY,
    )
        .prop_map(|(labels, tld, dot)| {
            let mut name = labels.join(".");
            name.push('.');
            name.push_str(&tld);
            if dot {
                name.push('.');
            }
            name
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn domains_round_trip(input in domain_text()) {
        round_trips::<DomainName>(&input)?;
    }

    #[test]
    fn generated_ascii_domains_are_accepted(labels in prop::collection::vec("[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", 1..5), tld in "[a-z]{2,6}") {
        let name = format!("{}.{tld}", labels.join("."));
        prop_assume!(!labels.iter().any(|l| l.get(2..4) == Some("--")));
        let parsed = DomainName::from_str(&name);
        prop_assert!(parsed.is_ok(), "{name}: {parsed:?}");
    }

    #[test]
    fn emails_round_trip(local in "[A-Za-z0-9._+-]{1,20}", domain in domain_text()) {
        round_trips::<EmailAddress>(&format!("{local}@{domain}"))?;
    }

    #[test]
    fn regions_round_trip(input in "(us|eu|ap|cn|sa|ca|me|af|il|mx)-(gov-|iso-|isob-)?(east|west|north|south|central|northeast|southeast)-[0-9]{1,2}") {
        round_trips::<Region>(&input)?;
        prop_assert!(Region::from_str(&input).is_ok());
    }

    #[test]
    fn ids_round_trip(input in "[A-Za-z0-9_-]{1,60}") {
        round_trips::<InstanceId>(&input)?;
        round_trips::<BindingId>(&input)?;
    }

    #[test]
    fn webhooks_round_trip(host in domain_text(), path in "(/[a-zA-Z0-9._~%-]{0,8}){0,3}", query in "(\\?[a-z=&]{0,10})?") {
        round_trips::<WebhookUrl>(&format!("https://{host}{path}{query}"))?;
    }

    #[test]
    fn source_ips_round_trip(a in any::<u32>(), len in 0u8..=32, v6 in any::<u128>(), len6 in 0u8..=128) {
        let v4 = ipnet::Ipv4Net::new(core::net::Ipv4Addr::from(a), len).unwrap().trunc();
        round_trips::<SourceIp>(&v4.to_string())?;
        prop_assert!(SourceIp::from_str(&v4.to_string()).is_ok());
        let v6 = ipnet::Ipv6Net::new(core::net::Ipv6Addr::from(v6), len6).unwrap().trunc();
        round_trips::<SourceIp>(&v6.to_string())?;
        round_trips::<SourceIp>(&core::net::Ipv4Addr::from(a).to_string())?;
    }

    #[test]
    fn mail_from_subdomains_round_trip(labels in prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", 1..4)) {
        round_trips::<MailFromSubdomain>(&labels.join("."))?;
    }

    #[test]
    fn arns_round_trip(account in "[0-9]{12}", resource in "[a-zA-Z0-9/_.:-]{1,30}") {
        round_trips::<AccountId>(&account)?;
        round_trips::<Arn>(&format!("arn:aws-us-gov:ses:us-gov-west-1:{account}:{resource}"))?;
    }

    #[test]
    fn arbitrary_strings_never_panic_and_round_trip(input in "\\PC{0,80}") {
        round_trips::<DomainName>(&input)?;
        round_trips::<EmailAddress>(&input)?;
        round_trips::<Region>(&input)?;
        round_trips::<InstanceId>(&input)?;
        round_trips::<WebhookUrl>(&input)?;
        round_trips::<SourceIp>(&input)?;
        round_trips::<MailFromSubdomain>(&input)?;
        round_trips::<Arn>(&input)?;
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        prop_oneof![
            "\\PC{0,20}",
            Just("a@agency.gov".to_owned()),
            Just("true".to_owned()),
            Just("agency.gov".to_owned()),
            Just("203.0.113.0/24".to_owned()),
            Just("https://hooks.agency.gov/x".to_owned()),
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("domain".to_owned()),
                    Just("admin_email".to_owned()),
                    Just("dmarc_report_aggregate_recipients".to_owned()),
                    Just("enable_feedback_notifications".to_owned()),
                    Just("mail_from_subdomain".to_owned()),
                    Just("source_ips".to_owned()),
                    Just("notification_email".to_owned()),
                    Just("notification_webhook".to_owned()),
                    "\\PC{0,10}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn parameters_never_panic_and_normalised_forms_reparse(value in json_value()) {
        let text = value.to_string();
        if let Ok(p) = ProvisionParams::from_json(&text) {
            let normal = serde_json::to_string(&p).unwrap();
            let update = p.update(&text);
            prop_assert_eq!(ProvisionParams::from_json(&normal).unwrap(), p);
            prop_assert!(update.is_ok(), "re-applying the same document must succeed: {update:?}");
            prop_assert!(update.unwrap().changed().is_empty());
        }
        if let Ok(b) = BindParams::from_json(&text) {
            let normal = serde_json::to_string(&b).unwrap();
            prop_assert_eq!(BindParams::from_json(&normal).unwrap(), b);
        }
        if let Err(errors) = ProvisionParams::from_json(&text) {
            prop_assert!(!errors.is_empty());
            let body = serde_json::to_string(&errors.to_osbapi_body()).unwrap();
            prop_assert!(body.len() < 4096, "a {}-byte 400 body", body.len());
            for e in &errors {
                prop_assert!(!e.to_string().contains('\n'), "a problem must fit one line: {e}");
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = ProvisionParams::from_json(&text);
        let _ = BindParams::from_json(&text);
    }
}
