//! SES events (SPEC §9): both formats, every event type, the common `mail` object, and
//! unknown types as a matchable error. Fixtures: `tests/data/events/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

mod common;

use proptest::prelude::*;
use ses_broker::events::{
    BounceSubType, BounceType, DelayType, Event, EventDetail, EventError, EventType, FeedbackType,
    Format,
};

fn data(name: &str) -> String {
    common::data_file("events", name)
}

fn event(name: &str) -> Event {
    Event::from_json(&data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const CONFIG_SET: &str = "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

#[test]
fn every_event_publishing_type_parses() {
    for (file, ty) in [
        ("bounce-event.json", EventType::Bounce),
        ("complaint-event.json", EventType::Complaint),
        ("delivery-event.json", EventType::Delivery),
        ("send-event.json", EventType::Send),
        ("reject-event.json", EventType::Reject),
        ("open-event.json", EventType::Open),
        ("click-event.json", EventType::Click),
        ("rendering-failure-event.json", EventType::RenderingFailure),
        ("delivery-delay-event.json", EventType::DeliveryDelay),
        ("subscription-event.json", EventType::Subscription),
    ] {
        let e = event(file);
        assert_eq!(e.event_type(), ty, "{file}");
        assert_eq!(e.format, Format::EventPublishing, "{file}");
        assert_eq!(e.mail.configuration_set(), Some(CONFIG_SET), "{file}");
    }
}

#[test]
fn the_documented_bounce_event_reads_field_by_field() {
    let e = event("bounce-event.json");
    let EventDetail::Bounce(b) = &e.detail else {
        panic!("{:?}", e.detail)
    };
    assert_eq!(b.bounce_type, BounceType::Permanent);
    assert_eq!(b.bounce_sub_type, BounceSubType::NoEmail);
    assert!(b.counts_toward_bounce_rate());
    assert_eq!(b.bounced_recipients.len(), 1);
    let r = &b.bounced_recipients[0];
    assert_eq!(r.email_address, "nobody@example.gov");
    assert_eq!(r.action.as_deref(), Some("failed"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(
        r.diagnostic_code.as_deref(),
        Some("smtp; 550 5.1.1 user unknown")
    );
    assert_eq!(b.reporting_mta.as_deref(), Some("dsn; mx.example.gov"));
    assert_eq!(b.timestamp, "2026-11-30T05:31:02.669Z");
    assert!(b.feedback_id.starts_with("0100019a7c44f053-"));

    let m = &e.mail;
    assert_eq!(m.source, "noreply@agency.example.gov");
    assert_eq!(m.sending_account_id.as_deref(), Some("111122223333"));
    assert_eq!(m.destination, ["nobody@example.gov"]);
    assert_eq!(m.headers_truncated, Some(false));
    assert_eq!(m.headers.len(), 3);
    assert_eq!(m.headers[2].name, "Subject");
    assert_eq!(
        m.common_headers.as_ref().unwrap().subject.as_deref(),
        Some("Your permit")
    );
    assert_eq!(m.tags["ses:source-ip"], ["192.0.2.10"]);
    assert_eq!(m.tags.len(), 4);
}

#[test]
fn complaint_carries_its_feedback_type() {
    let EventDetail::Complaint(c) = event("complaint-event.json").detail else {
        panic!()
    };
    assert_eq!(c.complaint_feedback_type, Some(FeedbackType::Abuse));
    assert_eq!(c.complaint_sub_type, None);
    assert_eq!(
        c.complained_recipients[0].email_address,
        "reader@example.gov"
    );
    assert_eq!(
        c.user_agent.as_deref(),
        Some("ExampleISP Feedback Loop (V0.01)")
    );
    let EventDetail::Complaint(c) = event("complaint-notification.json").detail else {
        panic!()
    };
    assert_eq!(c.complaint_feedback_type, Some(FeedbackType::NotSpam));
}

#[test]
fn the_other_event_types_expose_their_objects() {
    let EventDetail::Delivery(d) = event("delivery-event.json").detail else {
        panic!()
    };
    assert_eq!(d.processing_time_millis, Some(988));
    assert_eq!(
        d.smtp_response.as_deref(),
        Some("250 2.6.0 Message received")
    );
    assert!(matches!(event("send-event.json").detail, EventDetail::Send));
    let EventDetail::Reject(r) = event("reject-event.json").detail else {
        panic!()
    };
    assert_eq!(r.reason, "Bad content");
    let EventDetail::Open(o) = event("open-event.json").detail else {
        panic!()
    };
    assert_eq!(o.ip_address.as_deref(), Some("192.0.2.1"));
    let EventDetail::Click(c) = event("click-event.json").detail else {
        panic!()
    };
    assert_eq!(c.link, "https://permits.agency.example.gov/renew?id=42");
    assert_eq!(c.link_tags["samplekey0"], ["samplevalue0"]);
    let EventDetail::RenderingFailure(f) = event("rendering-failure-event.json").detail else {
        panic!()
    };
    assert_eq!(f.template_name, "PermitReminder");
    let EventDetail::DeliveryDelay(d) = event("delivery-delay-event.json").detail else {
        panic!()
    };
    assert_eq!(d.delay_type, DelayType::TransientCommunicationFailure);
    assert_eq!(d.delayed_recipients[0].status.as_deref(), Some("4.4.1"));
    let EventDetail::Subscription(s) = event("subscription-event.json").detail else {
        panic!()
    };
    let new = s.new_topic_preferences.unwrap();
    assert!(new.unsubscribe_all);
    assert_eq!(
        new.topic_subscription_status[0].subscription_status,
        "OptOut"
    );
}

#[test]
fn the_older_notification_type_format_parses() {
    for (file, ty) in [
        ("bounce-notification.json", EventType::Bounce),
        ("complaint-notification.json", EventType::Complaint),
        ("delivery-notification.json", EventType::Delivery),
    ] {
        let e = event(file);
        assert_eq!(e.event_type(), ty, "{file}");
        assert_eq!(e.format, Format::FeedbackNotification);
        assert!(e.mail.tags.is_empty());
        assert_eq!(e.mail.configuration_set(), None);
        assert_eq!(e.mail.timestamp, "2018-10-08T14:05:45 +0000");
        assert_eq!(
            e.mail.caller_identity.as_deref(),
            Some("IAM_user_or_role_name")
        );
    }
}

#[test]
fn suppression_list_bounces_do_not_count_toward_the_rate() {
    let EventDetail::Bounce(b) = event("bounce-notification.json").detail else {
        panic!()
    };
    assert_eq!(b.bounce_sub_type, BounceSubType::OnAccountSuppressionList);
    assert!(!b.counts_toward_bounce_rate());
    assert_eq!(b.remote_mta_ip.as_deref(), Some("198.51.100.7"));
}

#[test]
fn unknown_event_types_are_a_matchable_error() {
    let body = data("send-event.json").replace("\"Send\"", "\"Teleport\\n\"");
    let err = Event::from_json(&body).unwrap_err();
    assert_eq!(
        err,
        EventError::UnknownType {
            format: Format::EventPublishing,
            name: "\"Teleport\\n\"".to_owned()
        }
    );
    assert_eq!(
        err.to_string(),
        "eventType: \"Teleport\\n\" is not a known SES event type"
    );
    // Event-publishing-only types are unknown in the older format.
    let body = data("send-event.json").replace("\"eventType\"", "\"notificationType\"");
    assert!(matches!(
        Event::from_json(&body),
        Err(EventError::UnknownType {
            format: Format::FeedbackNotification,
            ..
        })
    ));
    let long = format!("{{\"eventType\": \"{}\"}}", "x".repeat(10_000));
    let EventError::UnknownType { name, .. } = Event::from_json(&long).unwrap_err() else {
        panic!()
    };
    assert!(name.len() < 60, "{name}");
}

#[test]
fn unknown_bounce_and_feedback_values_are_kept() {
    let body = data("bounce-event.json")
        .replace("\"Permanent\"", "\"Permanentish\"")
        .replace("\"NoEmail\"", "\"NoEmailEver\"");
    let EventDetail::Bounce(b) = Event::from_json(&body).unwrap().detail else {
        panic!()
    };
    assert_eq!(b.bounce_type, BounceType::Other("Permanentish".to_owned()));
    assert_eq!(b.bounce_sub_type.as_str(), "NoEmailEver");
    assert!(!b.counts_toward_bounce_rate());
}

#[test]
fn type_key_and_objects_are_required() {
    assert_eq!(Event::from_json("{}").unwrap_err(), EventError::MissingType);
    assert_eq!(
        Event::from_json(r#"{"eventType":"Send","notificationType":"Bounce"}"#).unwrap_err(),
        EventError::AmbiguousFormat
    );
    assert_eq!(
        Event::from_json(r#"{"eventType":"Bounce","mail":{}}"#).unwrap_err(),
        EventError::MissingField { field: "bounce" }
    );
    assert_eq!(
        Event::from_json(r#"{"eventType":"Send"}"#).unwrap_err(),
        EventError::MissingField { field: "mail" }
    );
    assert_eq!(
        Event::from_json(r#"{"eventType":"Rendering Failure","mail":{}}"#).unwrap_err(),
        EventError::MissingField { field: "failure" }
    );
    assert!(matches!(
        Event::from_json("[1,2"),
        Err(EventError::Json { .. })
    ));
    assert!(matches!(
        Event::from_json(r#"{"eventType":"Bounce","mail":{},"bounce":{"bounceType":5}}"#),
        Err(EventError::Json { .. })
    ));
}

#[test]
fn extra_fields_are_ignored() {
    let body = data("bounce-event.json").replacen('{', r#"{"futureField": {"a": [1]},"#, 1);
    assert_eq!(Event::from_json(&body).unwrap(), event("bounce-event.json"));
}

#[test]
fn json_error_messages_are_bounded() {
    let body = format!(
        r#"{{"eventType":"Delivery","mail":{{}},"delivery":{{"processingTimeMillis":"{}"}}}}"#,
        "\u{1b}[31m".repeat(1000)
    );
    let err = Event::from_json(&body).unwrap_err().to_string();
    assert!(err.len() < 250, "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
}

proptest! {
    #[test]
    fn parsing_never_panics_on_arbitrary_text(body in "\\PC{0,300}") {
        let _ = Event::from_json(&body);
    }

    #[test]
    fn parsing_never_panics_on_mutated_events(
        file in prop::sample::select(vec![
            "bounce-event.json", "complaint-event.json", "click-event.json",
            "subscription-event.json", "delivery-notification.json",
        ]),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = data(file).into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = Event::from_json(&text);
        }
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Event>();
    check::<EventError>();
}
