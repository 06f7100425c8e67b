//! SNS messages (SPEC §9): parsing, the string-to-sign against vectors built by an outside
//! tool, the URL and topic rules, freshness, and (feature `verify`) signatures made with
//! OpenSSL, authentic and forged. See `tests/data/sns/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use core::time::Duration;
mod common;

use proptest::prelude::*;
use ses_broker::sns::{
    Message, MessageType, SignatureVersion, SnsError, Verifier, check_cert_url, check_subscribe_url,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

const TOPIC: &str = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications";

const AUTHENTIC: [&str; 6] = [
    "notification-alarm-v1",
    "notification-bounce-v2",
    "notification-lambda-v1",
    "subscription-confirmation-v1",
    "unsubscribe-confirmation-v2",
    "unsubscribe-confirmation-no-url-v1",
];

fn data(name: &str) -> String {
    common::data_file("sns", name)
}

fn message(name: &str) -> Message {
    Message::from_json(&data(&format!("{name}.json"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn at(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap()
}

fn fresh_verifier() -> Verifier {
    Verifier::new(TOPIC).with_max_age(Duration::from_secs(3600))
}

/// Five minutes after the message was sent: the `now` of a prompt delivery.
fn soon(m: &Message) -> OffsetDateTime {
    m.timestamp() + time::Duration::minutes(5)
}

// --- parsing -----------------------------------------------------------------------------

#[test]
fn all_three_message_types_parse_from_the_signed_type() {
    assert_eq!(
        message("notification-alarm-v1").message_type(),
        MessageType::Notification
    );
    assert_eq!(
        message("subscription-confirmation-v1").message_type(),
        MessageType::SubscriptionConfirmation
    );
    assert_eq!(
        message("unsubscribe-confirmation-v2").message_type(),
        MessageType::UnsubscribeConfirmation
    );
}

#[test]
fn fields_are_exposed_decoded() {
    let m = message("notification-alarm-v1");
    assert_eq!(m.topic_arn(), TOPIC);
    assert_eq!(m.topic_region().as_str(), "us-gov-west-1");
    assert_eq!(m.message_id(), "5b0e6a52-8c1f-5d7e-9a43-2f6d1c0b7e11");
    assert!(m.subject().unwrap().starts_with("ALARM: \"csb-aws-ses-"));
    assert!(m.message().contains("\"NewStateValue\":\"ALARM\""));
    assert_eq!(m.timestamp(), at("2026-11-30T05:40:12.402Z"));
    assert_eq!(m.signature_version(), SignatureVersion::V1);
    assert_eq!(m.signature().len(), 256);
    assert!(m.unsubscribe_url().unwrap().contains("Action=Unsubscribe"));
    assert_eq!(m.token(), None);

    let c = message("subscription-confirmation-v1");
    assert_eq!(
        c.token(),
        Some("2336412f37fb687f5d51e6e2425c464de12884f3d5b2e0a1c7d9e8f6a5b4c3d2")
    );
    assert!(c.subscribe_url().is_some());
    assert_eq!(c.subject(), None);
}

#[test]
fn lambda_spellings_and_null_subject_are_accepted() {
    let m = message("notification-lambda-v1");
    assert_eq!(m.subject(), None);
    assert_eq!(
        m.signing_cert_url().host_str(),
        Some("sns.us-gov-west-1.amazonaws.com")
    );
    assert!(m.unsubscribe_url().is_some());
    assert_eq!(
        m.message(),
        "caf\u{e9} \"quoted\"\ttab\nsecond line \u{2603}"
    );
}

#[test]
fn both_spellings_of_one_key_are_refused() {
    let body = data("notification-alarm-v1.json").replacen(
        "\"SigningCertURL\"",
        "\"SigningCertUrl\": \"https://sns.us-east-1.amazonaws.com/x.pem\", \"SigningCertURL\"",
        1,
    );
    assert!(matches!(
        Message::from_json(&body),
        Err(SnsError::Json { .. })
    ));
}

#[test]
fn missing_required_fields_are_named() {
    let full: serde_json::Value =
        serde_json::from_str(&data("subscription-confirmation-v1.json")).unwrap();
    for field in [
        "Type",
        "MessageId",
        "TopicArn",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "Token",
        "SubscribeURL",
    ] {
        let mut v = full.clone();
        v.as_object_mut().unwrap().remove(field);
        assert_eq!(
            Message::from_json(&v.to_string()),
            Err(SnsError::MissingField { field }),
            "{field}"
        );
        let err = Message::from_json(&v.to_string()).unwrap_err().to_string();
        assert_eq!(err, format!("{field}: is missing"));
    }
}

#[test]
fn unsubscribe_confirmation_needs_no_subscribe_url() {
    let m = message("unsubscribe-confirmation-no-url-v1");
    assert!(m.subscribe_url().is_none());
    assert!(!m.string_to_sign().contains("\nSubscribeURL\n"));
}

#[test]
fn unknown_type_is_refused() {
    let body = data("notification-alarm-v1.json").replacen(
        "\"Type\": \"Notification\"",
        "\"Type\": \"Notice\\u0007\"",
        1,
    );
    let err = Message::from_json(&body).unwrap_err();
    assert_eq!(
        err,
        SnsError::UnknownType {
            value: "\"Notice\\u{7}\"".to_owned()
        }
    );
}

#[test]
fn malformed_fields_are_refused() {
    let base = data("notification-alarm-v1.json");
    let cases = [
        (
            "\"2026-11-30T05:40:12.402Z\"",
            "\"30/11/2026\"",
            "Timestamp",
        ),
        (
            TOPIC,
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:bad name",
            "TopicArn",
        ),
        (
            "\"5b0e6a52-8c1f-5d7e-9a43-2f6d1c0b7e11\"",
            "\"\"",
            "MessageId",
        ),
        (
            "\"https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService",
            "\"::not a url",
            "SigningCertURL",
        ),
    ];
    for (from, to, field) in cases {
        let body = base.replacen(from, to, 1);
        assert_ne!(body, base);
        match Message::from_json(&body) {
            Err(SnsError::InvalidField { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let v: serde_json::Value = serde_json::from_str(&base).unwrap();
    let mut bad_sig = v.clone();
    bad_sig["Signature"] = "not base64!".into();
    assert!(matches!(
        Message::from_json(&bad_sig.to_string()),
        Err(SnsError::InvalidField {
            field: "Signature",
            ..
        })
    ));
    let mut number = v;
    number["MessageId"] = 5.into();
    assert!(matches!(
        Message::from_json(&number.to_string()),
        Err(SnsError::Json { .. })
    ));
}

#[test]
fn non_json_and_oversized_bodies_are_refused() {
    assert!(matches!(
        Message::from_json("not json"),
        Err(SnsError::Json { .. })
    ));
    assert!(matches!(Message::from_json(""), Err(SnsError::Json { .. })));
    let huge = " ".repeat(ses_broker::sns::MAX_BODY_BYTES + 1);
    assert!(matches!(
        Message::from_json(&huge),
        Err(SnsError::BodyTooLarge { .. })
    ));
}

#[test]
fn unsupported_signature_version_is_refused() {
    assert_eq!(
        Message::from_json(&data("forged-signature-version-3.json")),
        Err(SnsError::UnsupportedSignatureVersion {
            value: "\"3\"".to_owned()
        })
    );
}

// --- header ----------------------------------------------------------------------------

#[test]
fn header_matching_the_signed_type_is_accepted() {
    for name in AUTHENTIC {
        let body = data(&format!("{name}.json"));
        let m = Message::from_json(&body).unwrap();
        let header = m.message_type().as_str();
        assert!(Message::from_json_with_header(&body, Some(header)).is_ok());
        assert!(Message::from_json_with_header(&body, None).is_ok());
    }
}

#[test]
fn header_body_type_mismatch_is_refused() {
    let body = data("notification-alarm-v1.json");
    for header in [
        "SubscriptionConfirmation",
        "UnsubscribeConfirmation",
        "notification",
        "",
    ] {
        assert!(
            matches!(
                Message::from_json_with_header(&body, Some(header)),
                Err(SnsError::TypeMismatch {
                    body: MessageType::Notification,
                    ..
                })
            ),
            "{header:?}"
        );
    }
}

// --- string to sign ---------------------------------------------------------------------

#[test]
fn string_to_sign_matches_the_vectors_built_by_jq() {
    for name in AUTHENTIC {
        assert_eq!(
            message(name).string_to_sign(),
            data(&format!("{name}.sts")),
            "{name}"
        );
    }
}

#[test]
fn string_to_sign_lists_keys_in_byte_order_and_ends_with_a_newline() {
    let s = message("notification-alarm-v1").string_to_sign();
    assert!(s.ends_with("Type\nNotification\n"));
    let keys: Vec<&str> = s.lines().step_by(2).collect();
    assert_eq!(
        keys,
        [
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type"
        ]
    );
    // The confirmation's Message has two lines: find the keys by their framing instead.
    let c = message("unsubscribe-confirmation-v2").string_to_sign();
    assert!(c.starts_with("Message\n"));
    let positions: Vec<usize> = [
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ]
    .iter()
    .map(|key| c.find(&format!("\n{key}\n")).expect(key))
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(c.ends_with("Type\nUnsubscribeConfirmation\n"));
}

#[test]
fn unsigned_fields_of_another_type_are_not_signed_or_offered() {
    let mut v: serde_json::Value =
        serde_json::from_str(&data("notification-alarm-v1.json")).unwrap();
    v["Token"] = "injected".into();
    v["SubscribeURL"] =
        "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription".into();
    let m = Message::from_json(&v.to_string()).unwrap();
    assert_eq!(m.token(), None);
    assert_eq!(m.subscribe_url(), None);
    assert_eq!(m.string_to_sign(), data("notification-alarm-v1.sts"));
}

// --- URL, topic and freshness rules -----------------------------------------------------

#[test]
fn authentic_messages_pass_every_check_but_the_signature() {
    for name in AUTHENTIC {
        let m = message(name);
        fresh_verifier()
            .check(&m, soon(&m))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn cert_url_rules_cover_govcloud_china_and_commercial() {
    for url in [
        "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us-gov-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.cn-northwest-1.amazonaws.com.cn/SimpleNotificationService-0123.pem",
        "https://sns.eu-south-1.amazonaws.com/SimpleNotificationService-0123.pem",
    ] {
        assert!(check_cert_url(&Url::parse(url).unwrap()).is_ok(), "{url}");
    }
    for url in [
        "http://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.crt",
        "https://sns.us-gov-west-1.amazonaws.com.attacker.example/x.pem",
        "https://attacker.example/sns.us-gov-west-1.amazonaws.com.pem",
        "https://a:b@sns.us-gov-west-1.amazonaws.com/x.pem",
        "https://sns.us-gov-west-1.amazonaws.com:444/x.pem",
    ] {
        assert!(check_cert_url(&Url::parse(url).unwrap()).is_err(), "{url}");
    }
}

#[test]
fn forged_cert_host_is_refused() {
    let m = message("forged-cert-host");
    let err = fresh_verifier().check(&m, soon(&m)).unwrap_err();
    assert!(
        matches!(
            err,
            SnsError::UntrustedUrl {
                field: "SigningCertURL",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("is not an SNS host"), "{err}");
}

#[test]
fn http_cert_url_is_refused() {
    let m = message("forged-cert-http");
    let err = fresh_verifier().check(&m, soon(&m)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "SigningCertURL: uses \"http\"; only https is accepted"
    );
}

#[test]
fn cert_url_in_another_region_than_the_topic_is_refused() {
    let m = message("forged-cert-region");
    let err = fresh_verifier().check(&m, soon(&m)).unwrap_err();
    assert!(
        err.to_string()
            .contains("host names region us-east-1 but the topic is in us-gov-west-1"),
        "{err}"
    );
}

#[test]
fn subscribe_url_must_be_an_sns_confirmation() {
    let m = message("forged-subscribe-host");
    assert!(matches!(
        fresh_verifier().check(&m, soon(&m)),
        Err(SnsError::UntrustedUrl {
            field: "SubscribeURL",
            ..
        })
    ));
    let url = message("subscription-confirmation-v1")
        .subscribe_url()
        .unwrap()
        .clone();
    assert!(check_subscribe_url(&url).is_ok());
    let mut other = url;
    other.set_query(Some("Action=DeleteTopic"));
    assert!(check_subscribe_url(&other).is_err());
}

#[test]
fn wrong_topic_is_refused() {
    let m = message("notification-alarm-v1");
    let other = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:Platform-Email-Notifications";
    let err = Verifier::new(other).check(&m, soon(&m)).unwrap_err();
    assert_eq!(
        err,
        SnsError::TopicMismatch {
            expected: other.to_owned(),
            actual: TOPIC.to_owned()
        }
    );
    // The edited topic passes the topic check when expected, and then only the
    // signature stops it (see the verify tests).
    let edited = message("forged-changed-topic");
    assert!(Verifier::new(TOPIC).check(&edited, soon(&edited)).is_err());
}

#[test]
fn too_old_messages_are_refused() {
    let m = message("notification-alarm-v1");
    let hour = Duration::from_secs(3600);
    let just_in_time = m.timestamp() + time::Duration::seconds(3600);
    let verifier = Verifier::new(TOPIC).with_max_age(hour);
    assert!(verifier.check(&m, just_in_time).is_ok());
    let late = just_in_time + time::Duration::milliseconds(1000);
    assert_eq!(
        verifier.check(&m, late),
        Err(SnsError::TooOld {
            age_seconds: 3601,
            max_age_seconds: 3600
        })
    );
    let early = m.timestamp() - time::Duration::minutes(10);
    assert!(matches!(
        verifier.check(&m, early),
        Err(SnsError::FromTheFuture { .. })
    ));
}

#[test]
fn errors_name_the_field_in_lowercase_prose() {
    let m = message("forged-cert-http");
    let errors = [
        Message::from_json("{}").unwrap_err(),
        Message::from_json(&data("forged-signature-version-3.json")).unwrap_err(),
        fresh_verifier().check(&m, soon(&m)).unwrap_err(),
        Verifier::new("arn:aws:sns:us-east-1:111122223333:x")
            .check(&m, soon(&m))
            .unwrap_err(),
    ];
    for e in errors {
        let text = e.to_string();
        assert!(!text.ends_with('.'), "{text}");
        let (field, rest) = text.split_once(": ").unwrap();
        assert!(!field.is_empty() && !field.contains(' '), "{text}");
        assert!(rest.starts_with(|c: char| !c.is_uppercase()), "{text}");
    }
}

fn authentic_bodies() -> impl Strategy<Value = String> {
    prop::sample::select(AUTHENTIC.to_vec()).prop_map(|name| data(&format!("{name}.json")))
}

proptest! {
    #[test]
    fn parsing_never_panics_on_arbitrary_text(body in "\\PC{0,300}") {
        let _ = Message::from_json(&body);
    }

    #[test]
    fn parsing_never_panics_on_mutated_messages(
        body in authentic_bodies(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = body.into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes)
            && let Ok(m) = Message::from_json(&text)
        {
            let _ = m.string_to_sign();
            let _ = Verifier::new(TOPIC).check(&m, OffsetDateTime::UNIX_EPOCH);
        }
    }
}

// --- signatures (feature `verify`) ------------------------------------------------------

#[cfg(feature = "verify")]
mod verify {
    use super::*;
    use ses_broker::sns::{SigningCertificate, VerifiedMessage};

    fn cert() -> SigningCertificate {
        SigningCertificate::parse(data("cert.pem").as_bytes()).unwrap()
    }

    /// Verifies as of five minutes after the message was sent.
    fn verify(verifier: &Verifier, m: Message) -> Result<VerifiedMessage, SnsError> {
        let now = soon(&m);
        verifier.verify(m, &cert(), now)
    }

    #[test]
    fn authentic_messages_verify_with_both_signature_versions() {
        for name in AUTHENTIC {
            let m = message(name);
            let verified =
                verify(&fresh_verifier(), m.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(verified.message(), &m);
            assert_eq!(verified.into_message(), m);
        }
        assert_eq!(
            message("notification-bounce-v2").signature_version(),
            SignatureVersion::V2
        );
    }

    #[test]
    fn der_certificates_are_accepted_too() {
        let pem = data("cert.pem");
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let parsed = SigningCertificate::parse(&der).unwrap();
        assert_eq!(
            SigningCertificate::from_der(&der).unwrap().not_after(),
            parsed.not_after()
        );
        assert!(SigningCertificate::from_pem(&der).is_err());
        assert!(SigningCertificate::from_der(pem.as_bytes()).is_err());
        let m = message("notification-alarm-v1");
        let now = soon(&m);
        assert!(Verifier::new(TOPIC).verify(m, &parsed, now).is_ok());
    }

    #[test]
    fn every_forgery_fails() {
        let bad_signature = [
            "forged-changed-message",
            "forged-changed-subject",
            "forged-changed-timestamp",
            "forged-changed-type",
            "forged-v1-relabelled-v2",
            "forged-other-key",
        ];
        for name in bad_signature {
            assert_eq!(
                verify(&Verifier::new(TOPIC), message(name)),
                Err(SnsError::BadSignature),
                "{name}"
            );
        }
        // Expecting the edited topic passes the topic check; the signature still fails.
        let m = message("forged-changed-topic");
        assert_eq!(
            verify(&Verifier::new(m.topic_arn()), m),
            Err(SnsError::BadSignature)
        );
        // Unsigned fields edited: the signature is intact, the URL rules refuse them.
        for name in ["forged-cert-host", "forged-cert-http", "forged-cert-region"] {
            assert!(
                matches!(
                    verify(&Verifier::new(TOPIC), message(name)),
                    Err(SnsError::UntrustedUrl { .. })
                ),
                "{name}"
            );
        }
        assert!(verify(&Verifier::new(TOPIC), message("forged-subscribe-host")).is_err());
    }

    #[test]
    fn wrong_topic_fails_verification() {
        assert!(matches!(
            verify(
                &Verifier::new("arn:aws-us-gov:sns:us-gov-west-1:111122223333:other"),
                message("notification-alarm-v1")
            ),
            Err(SnsError::TopicMismatch { .. })
        ));
    }

    #[test]
    fn too_old_fails_verification() {
        let m = message("notification-alarm-v1");
        let late = m.timestamp() + time::Duration::hours(2);
        assert!(matches!(
            Verifier::new(TOPIC)
                .with_max_age(Duration::from_secs(3600))
                .verify(m, &cert(), late),
            Err(SnsError::TooOld { .. })
        ));
    }

    /// Issue 10 item 9: the certificate is parsed once and checked against `now` on every
    /// message, whether or not a maximum age is set (it was checked only with one).
    #[test]
    fn certificate_outside_its_validity_is_refused() {
        let certificate = cert();
        assert_eq!(certificate.not_before(), at("2020-01-01T00:00:00Z"));
        assert_eq!(certificate.not_after(), at("2100-01-01T00:00:00Z"));
        assert_eq!(certificate.key_bits(), 2048);
        let verifier = Verifier::new(TOPIC); // no maximum age
        for now in [at("2100-01-01T00:00:01Z"), at("2019-12-31T23:59:59Z")] {
            let err = verifier
                .verify(message("notification-alarm-v1"), &certificate, now)
                .unwrap_err();
            assert!(matches!(err, SnsError::Certificate { .. }), "{err}");
            assert!(
                err.to_string().starts_with(
                    "certificate: is valid from 2020-01-01T00:00:00Z to 2100-01-01T00:00:00Z, not at "
                ),
                "{err}"
            );
        }
        // Both ends are inside.
        for now in [certificate.not_before(), certificate.not_after()] {
            assert!(
                verifier
                    .verify(message("notification-alarm-v1"), &certificate, now)
                    .is_ok()
            );
        }
    }

    /// Issue 10 item 9: an archived message is checked as of its own time.
    #[test]
    fn an_archived_message_verifies_as_of_its_own_time() {
        let m = message("notification-alarm-v1");
        let verifier = Verifier::new(TOPIC).with_max_age(Duration::from_secs(600));
        let sent = m.timestamp();
        assert!(verifier.verify(m.clone(), &cert(), sent).is_ok());
        let years_later = at("2031-01-01T00:00:00Z");
        assert!(matches!(
            verifier.verify(m, &cert(), years_later),
            Err(SnsError::TooOld { .. })
        ));
    }

    #[test]
    fn garbage_certificates_are_refused() {
        for bytes in [
            &b""[..],
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            b"\x30\x03\x02\x01\x01",
            &[b'A'; 20_000],
        ] {
            assert!(matches!(
                SigningCertificate::parse(bytes),
                Err(SnsError::Certificate { .. })
            ));
        }
    }

    /// Issue 10 item 9: acting on an alarm goes through a verified message.
    #[test]
    fn alarm_decisions_come_from_verified_messages() {
        let account: ses_broker::values::AccountId = "111122223333".parse().unwrap();
        let region: ses_broker::values::Region = "us-gov-west-1".parse().unwrap();
        let verified = verify(&fresh_verifier(), message("notification-alarm-v1")).unwrap();
        let decision = verified.decide_alarm(&account, &region).unwrap();
        assert!(decision.pauses(), "{decision}");
        // The same rules as the explicitly unverified path.
        let alarm =
            ses_broker::reputation::AlarmNotification::from_json(verified.message().message())
                .unwrap();
        assert_eq!(alarm.decide_unverified(&account, &region), decision);
        // A confirmation carries no alarm.
        let confirmation =
            verify(&fresh_verifier(), message("subscription-confirmation-v1")).unwrap();
        assert_eq!(
            confirmation
                .decide_alarm(&account, &region)
                .unwrap_err()
                .to_string(),
            "Type: the SNS message is a SubscriptionConfirmation, not a Notification carrying an alarm"
        );
        // A forged alarm never becomes a VerifiedMessage, so it cannot be decided on.
        assert!(verify(&fresh_verifier(), message("forged-changed-message")).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_change_to_the_signed_message_breaks_the_signature(
            at in any::<prop::sample::Index>(),
            c in any::<char>(),
        ) {
            let mut v: serde_json::Value =
                serde_json::from_str(&data("notification-alarm-v1.json")).unwrap();
            let original: Vec<char> = v["Message"].as_str().unwrap().chars().collect();
            let i = at.index(original.len());
            prop_assume!(original[i] != c);
            let mut changed = original;
            changed[i] = c;
            v["Message"] = changed.into_iter().collect::<String>().into();
            let m = Message::from_json(&v.to_string()).unwrap();
            prop_assert_eq!(
                verify(&Verifier::new(TOPIC), m),
                Err(SnsError::BadSignature)
            );
        }
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Message>();
    check::<Verifier>();
    check::<SnsError>();
    #[cfg(feature = "verify")]
    {
        check::<ses_broker::sns::SigningCertificate>();
        check::<ses_broker::sns::VerifiedMessage>();
    }
}

#[test]
fn subscribe_url_for_another_topic_is_refused() {
    let body = data("subscription-confirmation-v1.json").replacen(
        "TopicArn=arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications",
        "TopicArn=arn:aws-us-gov:sns:us-gov-west-1:111122223333:other-topic",
        1,
    );
    let m = Message::from_json(&body).unwrap();
    let err = fresh_verifier().check(&m, soon(&m)).unwrap_err();
    assert!(
        err.to_string().starts_with("SubscribeURL: confirms topic"),
        "{err}"
    );
}

#[test]
fn notification_payloads_feed_the_alarm_and_event_parsers() {
    let alarm = message("notification-alarm-v1");
    let parsed = ses_broker::reputation::AlarmNotification::from_json(alarm.message());
    assert!(parsed.is_ok(), "{parsed:?}");
    let bounce = message("notification-bounce-v2");
    let event = ses_broker::events::Event::from_json(bounce.message()).unwrap();
    assert_eq!(event.event_type(), ses_broker::events::EventType::Bounce);
}
