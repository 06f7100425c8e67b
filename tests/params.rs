//! SPEC §2, rule by rule: provision, update and bind parameters through the public API.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use ses_broker::{
    BindParams, ParamErrors, ProvisionParams, params::ParamErrorKind, params::ProvisionField,
    params::ROOT_PATH,
};

#[path = "common/hostile.rs"]
mod hostile;

fn provision_errors(json: &str) -> ParamErrors {
    ProvisionParams::from_json(json).expect_err("the document should be refused")
}

fn bind_errors(json: &str) -> ParamErrors {
    BindParams::from_json(json).expect_err("the document should be refused")
}

/// `(path, kind)` of each problem.
fn problems(errors: &ParamErrors) -> Vec<(String, ParamErrorKind)> {
    errors
        .iter()
        .map(|e| (e.path().to_owned(), e.kind()))
        .collect()
}

fn has(errors: &ParamErrors, path: &str, kind: ParamErrorKind) -> bool {
    errors.iter().any(|e| e.path() == path && e.kind() == kind)
}

// ---- provision fields -------------------------------------------------------------------

#[test]
fn domain_is_optional_and_absent_or_empty_means_generated() {
    for doc in [
        r#"{"admin_email": "a@agency.gov"}"#,
        r#"{"admin_email": "a@agency.gov", "domain": ""}"#,
        r#"{"admin_email": "a@agency.gov", "domain": null}"#,
    ] {
        assert_eq!(
            ProvisionParams::from_json(doc).unwrap().domain(),
            None,
            "{doc}"
        );
    }
}

#[test]
fn domain_is_canonicalised_to_lowercase_a_labels_without_trailing_dot() {
    let p = ProvisionParams::from_json(
        r#"{"admin_email": "a@agency.gov", "domain": "Bücher.Example."}"#,
    )
    .unwrap();
    assert_eq!(p.domain().unwrap().as_str(), "xn--bcher-kva.example");
}

#[test]
fn domain_rules_labels_length_and_two_labels() {
    for bad in [
        "gov",
        "a..gov",
        "under_score.gov",
        "-lead.gov",
        "trail-.gov",
        "sp ace.gov",
        "semi;colon.gov",
        "quote\".gov",
        "10.0.0.1",
        "ab--cd.gov",
    ] {
        let doc = serde_json::json!({"admin_email": "a@agency.gov", "domain": bad}).to_string();
        let e = provision_errors(&doc);
        assert!(
            has(&e, "domain", ParamErrorKind::InvalidValue),
            "{bad}: {e}"
        );
    }
    let long_label = format!("{}.gov", "a".repeat(64));
    let e = provision_errors(
        &serde_json::json!({"admin_email": "a@agency.gov", "domain": long_label}).to_string(),
    );
    assert!(e.to_string().contains("at most 63"), "{e}");
}

#[test]
fn sending_domain_leaves_room_for_dkim_names() {
    let label = "a".repeat(63);
    let domain = format!("{label}.{label}.{label}.gov"); // 195 characters: fits
    assert!(
        ProvisionParams::from_json(
            &serde_json::json!({"admin_email": "a@agency.gov", "domain": domain}).to_string()
        )
        .is_ok()
    );
    let domain = format!("{label}.{label}.{label}.{}.gov", "b".repeat(13)); // 209
    assert!(
        ProvisionParams::from_json(
            &serde_json::json!({"admin_email": "a@agency.gov", "domain": domain}).to_string()
        )
        .is_ok()
    );
    let domain = format!("{label}.{label}.{label}.{}.gov", "b".repeat(14)); // 210
    let e = provision_errors(
        &serde_json::json!({"admin_email": "a@agency.gov", "domain": domain}).to_string(),
    );
    assert!(e.to_string().contains("DKIM"), "{e}");
}

#[test]
fn confusable_unicode_domains_are_refused() {
    let e = provision_errors(r#"{"admin_email": "a@agency.gov", "domain": "аgency.gov"}"#);
    assert!(e.to_string().contains("domain: label"), "{e}");
    let e = provision_errors(r#"{"admin_email": "a@agency.gov", "domain": "agen\u00adcy.gov"}"#);
    assert!(has(&e, "domain", ParamErrorKind::InvalidValue), "{e}");
    let e = provision_errors(r#"{"admin_email": "a@agency.gov", "domain": "agency\u200b.gov"}"#);
    assert!(has(&e, "domain", ParamErrorKind::InvalidValue), "{e}");
}

#[test]
fn admin_email_is_required() {
    for doc in [r#"{}"#, r#"{"admin_email": null}"#] {
        let e = provision_errors(doc);
        assert_eq!(
            problems(&e),
            [("admin_email".to_owned(), ParamErrorKind::Required)]
        );
    }
}

#[test]
fn email_addresses_refuse_dmarc_zone_hcl_and_header_syntax() {
    for bad in [
        "a;b@agency.gov",
        "a,b@agency.gov",
        "a!b@agency.gov",
        "\"a\"@agency.gov",
        "a'b@agency.gov",
        "a b@agency.gov",
        "a\nb@agency.gov",
        "a\r\nBcc: x@agency.gov",
        "${x}@agency.gov",
        "%{x}@agency.gov",
        "a\\b@agency.gov",
        "a@agency.gov; p=none",
        "mailto:a@agency.gov",
        "a@agency.gov\u{0}",
        "no-at-sign",
        "a@b@agency.gov",
    ] {
        let doc = serde_json::json!({"admin_email": bad}).to_string();
        let e = provision_errors(&doc);
        assert!(
            has(&e, "admin_email", ParamErrorKind::InvalidValue),
            "{bad:?}: {e}"
        );
        assert!(
            !e.to_string().contains('\n') || e.len() > 1,
            "a message must stay on one line"
        );
    }
}

#[test]
fn recipient_lists_default_to_admin_email() {
    let p = ProvisionParams::from_json(r#"{"admin_email": "a@agency.gov"}"#).unwrap();
    assert!(p.dmarc_report_aggregate_recipients().is_empty());
    assert_eq!(p.dmarc_aggregate_addresses()[0].as_str(), "a@agency.gov");
    assert_eq!(p.dmarc_failure_addresses()[0].as_str(), "a@agency.gov");
    let p = ProvisionParams::from_json(
        r#"{"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": null, "dmarc_report_failure_recipients": ["f@agency.gov"]}"#,
    )
    .unwrap();
    assert_eq!(p.dmarc_aggregate_addresses()[0].as_str(), "a@agency.gov");
    assert_eq!(p.dmarc_failure_addresses()[0].as_str(), "f@agency.gov");
}

#[test]
fn recipient_errors_name_the_item_path() {
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "dmarc_report_failure_recipients": ["ok@agency.gov", "ok2@agency.gov", "bad;x@agency.gov"]}"#,
    );
    assert_eq!(
        problems(&e),
        [(
            "dmarc_report_failure_recipients[2]".to_owned(),
            ParamErrorKind::InvalidValue
        )]
    );
}

#[test]
fn recipient_lists_are_capped_at_ten() {
    let ten: Vec<String> = (0..10).map(|i| format!("r{i}@agency.gov")).collect();
    let doc = serde_json::json!({"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": ten});
    assert!(ProvisionParams::from_json(&doc.to_string()).is_ok());
    let eleven: Vec<String> = (0..11).map(|i| format!("r{i}@agency.gov")).collect();
    let doc = serde_json::json!({"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": eleven});
    let e = provision_errors(&doc.to_string());
    assert!(
        has(
            &e,
            "dmarc_report_aggregate_recipients",
            ParamErrorKind::TooMany
        ),
        "{e}"
    );
}

#[test]
fn recipient_lists_refuse_duplicates_in_canonical_form() {
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": ["r@agency.gov", "r@AGENCY.gov"]}"#,
    );
    assert!(
        has(
            &e,
            "dmarc_report_aggregate_recipients[1]",
            ParamErrorKind::DuplicateItem
        ),
        "{e}"
    );
    assert!(e.to_string().contains("[0]"), "{e}");
}

#[test]
fn recipient_lists_must_be_arrays_of_strings() {
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": "r@agency.gov"}"#,
    );
    assert!(
        has(
            &e,
            "dmarc_report_aggregate_recipients",
            ParamErrorKind::WrongType
        ),
        "{e}"
    );
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": [1, {"a": 1}]}"#,
    );
    assert!(
        has(
            &e,
            "dmarc_report_aggregate_recipients[0]",
            ParamErrorKind::WrongType
        ),
        "{e}"
    );
    assert!(
        has(
            &e,
            "dmarc_report_aggregate_recipients[1]",
            ParamErrorKind::WrongType
        ),
        "{e}"
    );
}

#[test]
fn feedback_flag_accepts_booleans_and_their_strings() {
    for (value, expected) in [
        ("true", true),
        ("false", false),
        ("\"true\"", true),
        ("\"false\"", false),
        ("null", false),
    ] {
        let doc = format!(
            r#"{{"admin_email": "a@agency.gov", "enable_feedback_notifications": {value}}}"#
        );
        assert_eq!(
            ProvisionParams::from_json(&doc)
                .unwrap()
                .enable_feedback_notifications(),
            expected,
            "{value}"
        );
    }
    for value in ["\"yes\"", "\"TRUE\"", "1", "[]"] {
        let doc = format!(
            r#"{{"admin_email": "a@agency.gov", "enable_feedback_notifications": {value}}}"#
        );
        let e = provision_errors(&doc);
        assert!(
            has(
                &e,
                "enable_feedback_notifications",
                ParamErrorKind::WrongType
            ),
            "{value}: {e}"
        );
    }
}

#[test]
fn mail_from_subdomain_is_ldh_labels_and_must_fit_under_the_domain() {
    let p = ProvisionParams::from_json(r#"{"admin_email": "a@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "Bounce.Mail"}"#).unwrap();
    assert_eq!(
        p.mail_from_domain().unwrap().as_str(),
        "bounce.mail.agency.gov"
    );
    for bad in ["_x", "a..b", "-a", "a b", "mail.", "x;y"] {
        let doc = serde_json::json!({"admin_email": "a@agency.gov", "mail_from_subdomain": bad})
            .to_string();
        assert!(
            has(
                &provision_errors(&doc),
                "mail_from_subdomain",
                ParamErrorKind::InvalidValue
            ),
            "{bad}"
        );
    }
    let label = "m".repeat(63);
    let doc = serde_json::json!({
        "admin_email": "a@agency.gov",
        "domain": format!("{}.{}.gov", "d".repeat(63), "e".repeat(63)),
        "mail_from_subdomain": format!("{label}.{label}"),
    });
    let e = provision_errors(&doc.to_string());
    assert!(
        has(&e, "mail_from_subdomain", ParamErrorKind::Conflict),
        "{e}"
    );
    let p =
        ProvisionParams::from_json(r#"{"admin_email": "a@agency.gov", "mail_from_subdomain": ""}"#)
            .unwrap();
    assert_eq!(p.mail_from_subdomain(), None);
}

// ---- every document -------------------------------------------------------------------

#[test]
fn unknown_keys_are_refused_each_named_with_a_suggestion() {
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "admin_emial": 1, "domian": "x.gov", "zzz": 1}"#,
    );
    let lines: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines[0],
        "admin_emial: unknown parameter; did you mean admin_email?"
    );
    assert_eq!(lines[1], "domian: unknown parameter; did you mean domain?");
    assert!(lines[2].starts_with("zzz: unknown parameter; the known ones are domain, admin_email"));
    let e = bind_errors(r#"{"source_ip": []}"#);
    assert_eq!(
        e.to_string(),
        "source_ip: unknown parameter; did you mean source_ips?"
    );
}

#[test]
fn predecessor_keys_name_their_replacement() {
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "region": "us-gov-west-1", "create_sns_topics": true, "email_receipt_error": "x", "notifications_bounce_topic_arn": "arn"}"#,
    );
    let text = e.to_string();
    assert!(
        text.contains("region: is a parameter of the older datagov-smtp broker"),
        "{text}"
    );
    assert!(text.contains("create_sns_topics: is a parameter of the older datagov-smtp broker; use enable_feedback_notifications"), "{text}");
    // The hint names what replaced it (it claimed there was nothing).
    assert!(text.contains("email_receipt_error: is a parameter of the older datagov-smtp broker; use dmarc_report_aggregate_recipients and dmarc_report_failure_recipients (without them, reports go to admin_email)"), "{text}");
    assert!(text.contains("notifications_bounce_topic_arn: is a parameter of the older datagov-smtp broker; set enable_feedback_notifications"), "{text}");
}

#[test]
fn hostile_keys_are_escaped_in_paths() {
    let e = provision_errors("{\"admin_email\": \"a@agency.gov\", \"x\\ny: z\": 1}");
    assert_eq!(e.iter().next().unwrap().path(), "\"x\\ny: z\"");
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn every_problem_is_reported_at_once_with_its_path() {
    let e = provision_errors(
        r#"{"domain": "bad_domain.gov", "admin_email": 7, "dmarc_report_failure_recipients": ["x"], "enable_feedback_notifications": "on", "mail_from_subdomain": "_m", "extra": 1}"#,
    );
    assert_eq!(
        problems(&e),
        [
            ("domain".to_owned(), ParamErrorKind::InvalidValue),
            ("admin_email".to_owned(), ParamErrorKind::WrongType),
            (
                "dmarc_report_failure_recipients[0]".to_owned(),
                ParamErrorKind::InvalidValue
            ),
            (
                "enable_feedback_notifications".to_owned(),
                ParamErrorKind::WrongType
            ),
            (
                "mail_from_subdomain".to_owned(),
                ParamErrorKind::InvalidValue
            ),
            ("extra".to_owned(), ParamErrorKind::UnknownKey),
        ]
    );
}

#[test]
fn duplicate_keys_are_refused() {
    let e = provision_errors(r#"{"admin_email": "a@agency.gov", "admin_email": "b@agency.gov"}"#);
    assert_eq!(
        problems(&e),
        [("admin_email".to_owned(), ParamErrorKind::DuplicateKey)]
    );
    let e = bind_errors(r#"{"source_ips": [], "source_ips": ["10.0.0.0/8"]}"#);
    assert!(has(&e, "source_ips", ParamErrorKind::DuplicateKey));
}

#[test]
fn null_is_absent_for_optional_fields() {
    let p = ProvisionParams::from_json(
        r#"{"admin_email": "a@agency.gov", "domain": null, "dmarc_report_aggregate_recipients": null, "dmarc_report_failure_recipients": null, "enable_feedback_notifications": null, "mail_from_subdomain": null}"#,
    )
    .unwrap();
    assert_eq!(
        p,
        ProvisionParams::from_json(r#"{"admin_email": "a@agency.gov"}"#).unwrap()
    );
    let b = BindParams::from_json(
        r#"{"source_ips": null, "notification_email": null, "notification_webhook": null}"#,
    )
    .unwrap();
    assert_eq!(b, BindParams::from_json("{}").unwrap());
}

#[test]
fn documents_over_64_kib_are_refused() {
    let padding = " ".repeat(64 * 1024);
    let doc = format!(r#"{{"admin_email": "a@agency.gov"}}{padding}"#);
    let e = provision_errors(&doc);
    assert_eq!(
        problems(&e),
        [(ROOT_PATH.to_owned(), ParamErrorKind::TooLarge)]
    );
    let body = r#"{"admin_email": "a@agency.gov"}"#;
    let doc = format!("{body}{}", " ".repeat(64 * 1024 - body.len()));
    assert_eq!(doc.len(), 64 * 1024);
    assert!(ProvisionParams::from_json(&doc).is_ok());
}

#[test]
fn the_document_must_be_a_json_object() {
    for (doc, kind) in [
        ("[]", ParamErrorKind::NotAnObject),
        ("\"x\"", ParamErrorKind::NotAnObject),
        ("null", ParamErrorKind::NotAnObject),
        ("", ParamErrorKind::Syntax),
        ("{", ParamErrorKind::Syntax),
        ("{} {}", ParamErrorKind::Syntax),
    ] {
        assert_eq!(
            problems(&provision_errors(doc)),
            [(ROOT_PATH.to_owned(), kind)],
            "{doc:?}"
        );
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        problems(&bind_errors(&deep))[0].1,
        ParamErrorKind::NotAnObject
    );
    let deep_value = format!(
        r#"{{"source_ips": {}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(
        problems(&bind_errors(&deep_value))[0].1,
        ParamErrorKind::Syntax
    );
}

#[test]
fn errors_render_as_an_osbapi_400_body() {
    let e = provision_errors(r#"{"admin_email": "nope"}"#);
    assert_eq!(e.http_status(), 400);
    let body = e.to_osbapi_body();
    assert_eq!(body["error"], "InvalidParameters");
    assert_eq!(
        body["description"],
        "invalid parameters: admin_email: is not an email address: it has no '@'"
    );
}

// ---- hostile documents (issue 10, item 6) -------------------------------------------------

#[test]
fn at_most_20_problems_are_listed_and_the_rest_counted() {
    let keys: Vec<String> = (0..50).map(|i| format!("\"k{i}\": 0")).collect();
    let e = provision_errors(&format!("{{{}}}", keys.join(", ")));
    assert_eq!(e.len(), 20);
    // 50 unknown keys and the missing admin_email.
    assert_eq!(e.omitted(), 31);
    assert!(e.to_string().ends_with("\nand 31 more problems"), "{e}");
    let body = e.to_osbapi_body();
    let description = body["description"].as_str().unwrap();
    assert!(description.ends_with("; and 31 more"), "{description}");
    assert_eq!(description.matches("unknown parameter").count(), 20);
    // Twenty or fewer: every one, nothing counted.
    let e = provision_errors(r#"{"k": 0}"#);
    assert_eq!((e.len(), e.omitted()), (2, 0));
    assert!(
        !e.to_osbapi_body()["description"]
            .as_str()
            .unwrap()
            .contains("more")
    );
}

#[test]
fn the_known_keys_are_listed_once_not_in_every_unknown_key_message() {
    let e = provision_errors(
        r#"{"admin_email": "a@agency.gov", "zzz": 1, "admin_emial": 1, "yyy": 2, "xxx": 3}"#,
    );
    let text = e.to_string();
    assert_eq!(text.matches("the known ones are").count(), 1, "{text}");
    let lines: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(lines[0].starts_with("zzz: unknown parameter; the known ones are domain, admin_email"));
    assert_eq!(
        lines[1],
        "admin_emial: unknown parameter; did you mean admin_email?"
    );
    assert_eq!(lines[2], "yyy: unknown parameter");
    assert_eq!(lines[3], "xxx: unknown parameter");
}

#[test]
fn a_key_repeated_thousands_of_times_is_reported_once_with_its_count() {
    let entries = vec![r#""domain": "agency.gov""#; 2000].join(", ");
    let e = provision_errors(&format!(r#"{{"admin_email": "a@agency.gov", {entries}}}"#));
    assert_eq!(
        problems(&e),
        [("domain".to_owned(), ParamErrorKind::DuplicateKey)]
    );
    assert_eq!(
        e.to_string(),
        "domain: appears 2000 times in the document; give each parameter once"
    );
    // A repeated unknown key is unknown at each place it appears.
    let e = bind_errors(r#"{"zzz": 1, "zzz": 2}"#);
    assert_eq!(
        problems(&e),
        [
            ("zzz".to_owned(), ParamErrorKind::UnknownKey),
            ("zzz".to_owned(), ParamErrorKind::UnknownKey)
        ]
    );
}

#[test]
fn the_400_body_of_a_hostile_document_is_under_4_kib() {
    for (name, doc) in hostile::documents() {
        assert!(doc.len() <= 64 * 1024, "{name} is {} bytes", doc.len());
        let e = provision_errors(&doc);
        let body = serde_json::to_string(&e.to_osbapi_body()).unwrap();
        assert!(body.len() < 4096, "{name}: a {}-byte body", body.len());
        let bind = serde_json::to_string(&bind_errors(&doc).to_osbapi_body()).unwrap();
        assert!(bind.len() < 4096, "{name}: a {}-byte bind body", bind.len());
        // Still says what is wrong, and how much more there is.
        assert!(body.contains("invalid parameters: "), "{name}: {body}");
    }
}

// ---- update -----------------------------------------------------------------------------

fn stored() -> ProvisionParams {
    ProvisionParams::from_json(r#"{"domain": "agency.gov", "admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": ["r@agency.gov"]}"#).unwrap()
}

#[test]
fn update_merges_over_stored_values_and_says_what_changed() {
    let u = stored()
        .update(r#"{"enable_feedback_notifications": true, "admin_email": "b@agency.gov"}"#)
        .unwrap();
    assert_eq!(
        u.changed(),
        [
            ProvisionField::AdminEmail,
            ProvisionField::EnableFeedbackNotifications
        ]
    );
    assert_eq!(
        u.params().dmarc_report_aggregate_recipients()[0].as_str(),
        "r@agency.gov"
    );
    assert_eq!(u.params().domain().unwrap().as_str(), "agency.gov");
    let u = stored().update("{}").unwrap();
    assert!(u.changed().is_empty());
    assert_eq!(u.params(), &stored());
}

#[test]
fn update_refuses_a_changed_domain_but_accepts_the_same_one() {
    let e = stored().update(r#"{"domain": "other.gov"}"#).unwrap_err();
    assert_eq!(
        problems(&e),
        [("domain".to_owned(), ParamErrorKind::Immutable)]
    );
    assert!(e.to_string().contains("cannot change"));
    for same in [
        r#"{"domain": "agency.gov"}"#,
        r#"{"domain": "AGENCY.gov."}"#,
        r#"{"domain": null}"#,
    ] {
        assert!(
            stored().update(same).unwrap().changed().is_empty(),
            "{same}"
        );
    }
    let e = stored().update(r#"{"domain": ""}"#).unwrap_err();
    assert!(has(&e, "domain", ParamErrorKind::Immutable));
    let generated = ProvisionParams::from_json(r#"{"admin_email": "a@agency.gov"}"#).unwrap();
    assert!(generated.update(r#"{"domain": ""}"#).is_ok());
    assert!(generated.update(r#"{"domain": "agency.gov"}"#).is_err());
}

#[test]
fn update_can_clear_lists_and_the_mail_from_subdomain() {
    let with_mail = stored()
        .update(r#"{"mail_from_subdomain": "mail"}"#)
        .unwrap()
        .into_params();
    let u = with_mail
        .update(r#"{"mail_from_subdomain": "", "dmarc_report_aggregate_recipients": []}"#)
        .unwrap();
    assert_eq!(
        u.changed(),
        [
            ProvisionField::DmarcReportAggregateRecipients,
            ProvisionField::MailFromSubdomain
        ]
    );
    assert_eq!(u.params().mail_from_subdomain(), None);
    assert_eq!(
        u.params().dmarc_aggregate_addresses()[0].as_str(),
        "a@agency.gov"
    );
}

#[test]
fn update_applies_the_same_rules_as_provision() {
    let e = stored()
        .update(r#"{"admin_email": "x", "bogus": 1, "enable_feedback_notifications": "maybe"}"#)
        .unwrap_err();
    assert_eq!(
        problems(&e),
        [
            ("admin_email".to_owned(), ParamErrorKind::InvalidValue),
            ("bogus".to_owned(), ParamErrorKind::UnknownKey),
            (
                "enable_feedback_notifications".to_owned(),
                ParamErrorKind::WrongType
            ),
        ]
    );
}

// ---- bind -------------------------------------------------------------------------------

#[test]
fn source_ips_are_cidr_ranges_v4_and_v6() {
    let b = BindParams::from_json(
        r#"{"source_ips": ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]}"#,
    )
    .unwrap();
    let ranges: Vec<&str> = b.source_ips().iter().map(|s| s.as_str()).collect();
    assert_eq!(
        ranges,
        ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"]
    );
    let e = bind_errors(r#"{"source_ips": ["10.0.0.5/24", "nope", "10.0.0.0/8", "10.0.0.0/8"]}"#);
    assert_eq!(
        problems(&e),
        [
            ("source_ips[0]".to_owned(), ParamErrorKind::InvalidValue),
            ("source_ips[1]".to_owned(), ParamErrorKind::InvalidValue),
            ("source_ips[3]".to_owned(), ParamErrorKind::DuplicateItem),
        ]
    );
    assert!(e.to_string().contains("did you mean 10.0.0.0/24?"));
}

#[test]
fn webhooks_are_public_https_urls() {
    assert!(
        BindParams::from_json(r#"{"notification_webhook": "https://hooks.agency.gov/ses"}"#)
            .is_ok()
    );
    for bad in [
        "http://hooks.agency.gov/ses",
        "https://localhost/x",
        "https://127.0.0.1/x",
        "https://10.0.0.8/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/x",
        "https://[fd00:ec2::254]/x",
        "https://metadata.google.internal/x",
        "https://user:pass@hooks.agency.gov/x",
        "https://0177.0.0.1/x",
        "https://hooks.agency.gov/a b",
        "javascript:alert(1)",
    ] {
        let doc = serde_json::json!({"notification_webhook": bad}).to_string();
        let e = bind_errors(&doc);
        assert!(
            has(&e, "notification_webhook", ParamErrorKind::InvalidValue),
            "{bad}: {e}"
        );
    }
}

#[test]
fn notification_email_is_a_strict_mailbox() {
    let b = BindParams::from_json(r#"{"notification_email": "Ops@Agency.gov"}"#).unwrap();
    assert_eq!(b.notification_email().unwrap().as_str(), "Ops@agency.gov");
    let e = bind_errors(r#"{"notification_email": ["ops@agency.gov"]}"#);
    assert!(has(&e, "notification_email", ParamErrorKind::WrongType));
}

#[test]
fn source_ips_are_capped() {
    let many: Vec<String> = (0..31).map(|i| format!("203.0.113.{i}")).collect();
    let e = bind_errors(&serde_json::json!({"source_ips": many}).to_string());
    assert!(has(&e, "source_ips", ParamErrorKind::TooMany));
}

// ---- normalised forms ---------------------------------------------------------------------

#[test]
fn normalised_provision_document_has_every_field_and_reparses_equal() {
    let p = ProvisionParams::from_json(
        r#"{"admin_email": "a@Agency.gov", "enable_feedback_notifications": "true"}"#,
    )
    .unwrap();
    let normal = serde_json::to_value(&p).unwrap();
    assert_eq!(
        normal,
        serde_json::json!({
            "domain": null,
            "admin_email": "a@agency.gov",
            "dmarc_report_aggregate_recipients": [],
            "dmarc_report_failure_recipients": [],
            "enable_feedback_notifications": true,
            "mail_from_subdomain": null,
        })
    );
    assert_eq!(ProvisionParams::from_json(&normal.to_string()).unwrap(), p);
}

#[test]
fn builders_apply_the_same_rules() {
    let admin = "a@agency.gov".parse().unwrap();
    let too_many = (0..11)
        .map(|i| format!("r{i}@agency.gov").parse().unwrap())
        .collect();
    let e = ProvisionParams::builder(admin)
        .dmarc_report_failure_recipients(too_many)
        .build()
        .unwrap_err();
    assert!(has(
        &e,
        "dmarc_report_failure_recipients",
        ParamErrorKind::TooMany
    ));
    let dup = vec!["10.0.0.0/8".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
    assert!(BindParams::new(dup, None, None).is_err());
}

#[test]
fn dmarc_record_must_fit_one_dns_value() {
    let long = |i: usize| {
        format!(
            "{}{i}@{}.{}.gov",
            "l".repeat(60),
            "d".repeat(63),
            "e".repeat(63)
        )
    };
    let ten: Vec<String> = (0..10).map(long).collect();
    let doc = serde_json::json!({"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": ten, "dmarc_report_failure_recipients": ten});
    let e = provision_errors(&doc.to_string());
    assert!(
        has(
            &e,
            "dmarc_report_aggregate_recipients",
            ParamErrorKind::Conflict
        ),
        "{e}"
    );
    assert!(e.to_string().contains("Route 53"), "{e}");
    let five: Vec<String> = (0..5).map(long).collect();
    let doc = serde_json::json!({"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": five, "dmarc_report_failure_recipients": five});
    assert!(ProvisionParams::from_json(&doc.to_string()).is_ok());
}
