//! SPEC §6: the SMTP password, its published vectors and the common mistakes, the
//! endpoints, and the secret types' discipline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "tests fail by panicking"
)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use proptest::prelude::*;
use ses_broker::smtp::{self, SmtpEndpoint, SmtpError, SmtpPort, TlsMode};
use ses_broker::{
    AccessKey, smtp::SmtpPassword, values::AccessKeyId, values::Region, values::SecretAccessKey,
};

const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn secret(s: &str) -> SecretAccessKey {
    SecretAccessKey::parse(s).unwrap()
}

fn region(r: &str) -> Region {
    Region::parse(r).unwrap()
}

fn derive(s: &str, r: &str) -> String {
    smtp::password(&secret(s), &region(r))
        .expose_secret()
        .to_owned()
}

// ---- An independent, deliberately naive implementation of AWS's documented algorithm,
// parameterised by the mistakes public code makes. Its HMAC-SHA256 is `ring`'s (BoringSSL's
// code), which shares nothing with the `hmac` and `sha2` crates the library uses.

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::sign(&key, data).as_ref().to_vec()
}

#[derive(Default, Clone, Copy)]
struct Mistakes {
    version: Option<u8>,
    single_hmac: bool,
    url_safe: bool,
    no_prefix: bool,
    date: Option<&'static str>,
    swapped_arguments: bool,
}

fn reference(secret: &str, region: &str, m: Mistakes) -> String {
    let mac = |key: &[u8], data: &[u8]| {
        if m.swapped_arguments {
            hmac(data, key)
        } else {
            hmac(key, data)
        }
    };
    let first_key = if m.no_prefix {
        secret.as_bytes().to_vec()
    } else {
        format!("AWS4{secret}").into_bytes()
    };
    let signature = if m.single_hmac {
        mac(&first_key, b"SendRawEmail")
    } else {
        let k = mac(&first_key, m.date.unwrap_or("11111111").as_bytes());
        let k = mac(&k, region.as_bytes());
        let k = mac(&k, b"ses");
        let k = mac(&k, b"aws4_request");
        mac(&k, b"SendRawEmail")
    };
    let mut raw = vec![m.version.unwrap_or(0x04)];
    raw.extend(signature);
    if m.url_safe {
        URL_SAFE.encode(raw)
    } else {
        STANDARD.encode(raw)
    }
}

// ---- Published vectors (reference/smtp-password.md §2).

#[test]
fn spec_6_terraform_provider_vectors() {
    for (s, r, expected) in [
        (
            "some+secret+key",
            "eu-central-1",
            "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2",
        ),
        (
            "another+secret+key",
            "eu-central-1",
            "BBbphbrQmrKMx42d1N6+C7VINYEBGI5v9VsZeTxwskfh",
        ),
        (
            "some+secret+key",
            "us-west-1",
            "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj",
        ),
        (
            "another+secret+key",
            "us-west-1",
            "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF",
        ),
    ] {
        assert_eq!(derive(s, r), expected, "{s} {r}");
    }
}

#[test]
fn spec_6_aws_sdk_php_vector() {
    assert_eq!(
        derive(EXAMPLE_SECRET, "us-east-2"),
        "BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS"
    );
}

#[test]
fn spec_6_third_party_vectors_with_the_aws_example_key() {
    for (r, expected) in [
        ("us-east-1", "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"),
        ("us-west-2", "BF2PynzbSCAjX08zhZZnP/kW+T9P5zs/1Er0pi5vTEmd"),
        ("eu-west-1", "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk"),
        ("eu-west-3", "BDDdpSTzbzUY3SJq/n4Oq7heDuCWbOtogMi5S3AR673+"),
        ("eu-north-1", "BPfy85A/4ChxYc0s4mIG5bpIlvRl5AP1uupODe8KaHpf"),
    ] {
        assert_eq!(derive(EXAMPLE_SECRET, r), expected, "{r}");
    }
}

#[test]
fn spec_6_govcloud_regression_vectors() {
    for (s, r, expected) in [
        (
            EXAMPLE_SECRET,
            "us-gov-west-1",
            "BHW/eHvx1MM9YwW4wrJG6MGVQmLDCAM99G9YiSdGEIAw",
        ),
        (
            EXAMPLE_SECRET,
            "us-gov-east-1",
            "BDbjzo1L7xKOxIjPyOlWfCvgg1PUXUV1g6vaCtxyPF/r",
        ),
        (
            "some+secret+key",
            "us-gov-west-1",
            "BP+czkYcTrvnui06j1HkHa2MBKwoaUIdHSjA7s6SSOYm",
        ),
        (
            "another+secret+key",
            "us-gov-west-1",
            "BKghaA84TJL431D6sktWkMbuhwulm2jA6rJ0nBGznSoa",
        ),
        (
            "some+secret+key",
            "us-gov-east-1",
            "BLq9MIKj2Kg6IXn3kqoVVRUVrQY/N+otyrpKLL+b3fTQ",
        ),
        (
            "another+secret+key",
            "us-gov-east-1",
            "BLFEDrnwc6KHD7PUzPT0bQ3udcM5UYL2yFdeoFlBD54+",
        ),
    ] {
        assert_eq!(derive(s, r), expected, "{s} {r}");
    }
}

#[test]
fn reference_implementation_reproduces_the_vectors() {
    // So that the mistakes below are mistakes of a correct baseline.
    assert_eq!(
        reference(EXAMPLE_SECRET, "us-east-1", Mistakes::default()),
        "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"
    );
    assert_eq!(
        reference("some+secret+key", "eu-central-1", Mistakes::default()),
        "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"
    );
}

// ---- Common mistakes (reference §2.4): each gives another password than the right one.

#[test]
fn spec_6_common_mistakes_give_other_passwords() {
    let right = derive(EXAMPLE_SECRET, "us-east-1");
    let published = [
        (
            "v4 chain with version byte 0x02",
            Mistakes {
                version: Some(0x02),
                ..Mistakes::default()
            },
            "us-east-1",
            Some("ArBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"),
        ),
        (
            "single HMAC of the bare secret with 0x04",
            Mistakes {
                single_hmac: true,
                no_prefix: true,
                ..Mistakes::default()
            },
            "us-east-1",
            Some("BH60U4ZD3sd4fg+FvXUjayOipTt8LO4rUUmhpdX6ctDy"),
        ),
        (
            "URL-safe Base64",
            Mistakes {
                url_safe: true,
                ..Mistakes::default()
            },
            "us-east-1",
            Some("BLBM_9hSUELfq8Gw-rU1YcBjkOxGbhT2XG763xVLGWL9"),
        ),
        (
            "missing AWS4 prefix",
            Mistakes {
                no_prefix: true,
                ..Mistakes::default()
            },
            "us-east-1",
            Some("BKEQVFEAlCpeYFGJEnCiFbLW2okE7wQ4xRjybz7GXZ0u"),
        ),
        (
            "FIPS host name as the region",
            Mistakes::default(),
            "email-smtp-fips.us-east-1.amazonaws.com",
            Some("BFvSzurnzLAc6e9++uyFbCNzeDmdaX6aSuUN8gdzyfiC"),
        ),
        (
            "today's date instead of 11111111",
            Mistakes {
                date: Some("20261130"),
                ..Mistakes::default()
            },
            "us-east-1",
            None,
        ),
        (
            "AWS4 + secret, single HMAC, 0x02",
            Mistakes {
                single_hmac: true,
                version: Some(0x02),
                ..Mistakes::default()
            },
            "us-east-1",
            None,
        ),
        (
            "HMAC arguments swapped (data as key, as AWS's pseudocode reads)",
            Mistakes {
                swapped_arguments: true,
                ..Mistakes::default()
            },
            "us-east-1",
            None,
        ),
        ("the wrong region", Mistakes::default(), "us-east-2", None),
    ];
    for (what, mistakes, r, expected) in published {
        let wrong = reference(EXAMPLE_SECRET, r, mistakes);
        if let Some(expected) = expected {
            assert_eq!(wrong, expected, "{what}: reference mistake not reproduced");
        }
        assert_ne!(wrong, right, "{what} gives the right password");
        assert!(
            !smtp::password(&secret(EXAMPLE_SECRET), &region("us-east-1")).verify(&wrong),
            "{what} verifies"
        );
    }
}

#[test]
fn spec_6_version_2_is_not_offered() {
    // The retired algorithm's published outputs: nothing here produces them, and a
    // delivered v2 password is refused with a message saying why.
    for (s, v2) in [
        (
            "some+secret+key",
            "AnkqhOiWEcszZZzTMCQbOY1sPGoLFgMH9zhp4eNgSjo4",
        ),
        (
            "another+secret+key",
            "Akwqr0Giwi8FsQFgW3DXWCC2DiiQ/jZjqLDWK8TeTBgL",
        ),
        (
            EXAMPLE_SECRET,
            "An60U4ZD3sd4fg+FvXUjayOipTt8LO4rUUmhpdX6ctDy",
        ),
    ] {
        assert_eq!(
            reference(
                s,
                "",
                Mistakes {
                    single_hmac: true,
                    no_prefix: true,
                    version: Some(0x02),
                    ..Mistakes::default()
                }
            ),
            v2
        );
        for r in ["us-east-1", "us-gov-west-1"] {
            assert_ne!(derive(s, r), v2);
        }
        let e = SmtpPassword::parse(v2).unwrap_err();
        assert!(e.to_string().contains("version 2"), "{e}");
    }
}

#[test]
fn spec_6_password_is_44_characters() {
    for r in ["us-gov-west-1", "us-east-1", "ap-northeast-3"] {
        let p = derive(EXAMPLE_SECRET, r);
        assert_eq!(p.len(), 44);
        assert!(!p.contains('='));
    }
}

#[test]
fn spec_6_long_secrets_use_the_hashed_key() {
    // "AWS4" + 61 characters is 65 bytes: past the HMAC block, so the key is hashed first.
    for len in [60, 61, 100, 128] {
        let s = "k".repeat(len);
        assert_eq!(
            derive(&s, "us-gov-west-1"),
            reference(&s, "us-gov-west-1", Mistakes::default()),
            "{len}"
        );
    }
}

#[test]
fn spec_6_smtp_user_is_the_access_key_id() {
    let key = AccessKey::new(
        AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE").unwrap(),
        secret(EXAMPLE_SECRET),
    )
    .unwrap();
    assert_eq!(key.id().as_str(), "AKIAIOSFODNN7EXAMPLE");
    // SES refuses passwords derived from temporary credentials: such keys are refused.
    assert!(
        AccessKey::new(
            AccessKeyId::parse("ASIAIOSFODNN7EXAMPLE").unwrap(),
            secret(EXAMPLE_SECRET)
        )
        .is_err()
    );
}

// ---- Endpoints.

#[test]
fn spec_6_fips_host_where_aws_has_one() {
    for (r, host, fips) in [
        (
            "us-gov-west-1",
            "email-smtp-fips.us-gov-west-1.amazonaws.com",
            true,
        ),
        ("us-east-1", "email-smtp-fips.us-east-1.amazonaws.com", true),
        ("us-west-2", "email-smtp-fips.us-west-2.amazonaws.com", true),
        ("us-east-2", "email-smtp.us-east-2.amazonaws.com", false),
        (
            "us-gov-east-1",
            "email-smtp.us-gov-east-1.amazonaws.com",
            false,
        ),
        ("eu-west-1", "email-smtp.eu-west-1.amazonaws.com", false),
        (
            "ap-northeast-3",
            "email-smtp.ap-northeast-3.amazonaws.com",
            false,
        ),
    ] {
        let e = SmtpEndpoint::for_region(&region(r)).unwrap();
        assert_eq!(e.host().as_str(), host);
        assert_eq!(e.is_fips(), fips, "{r}");
        assert_eq!(e.region().as_str(), r);
    }
}

#[test]
fn spec_6_ports_and_tls_modes() {
    let e = SmtpEndpoint::for_region(&region("us-gov-west-1")).unwrap();
    let modes: Vec<(u16, TlsMode)> = e.ports().iter().map(|p| (p.number(), p.tls())).collect();
    assert_eq!(
        modes,
        [
            (25, TlsMode::StartTls),
            (587, TlsMode::StartTls),
            (2587, TlsMode::StartTls),
            (465, TlsMode::Implicit),
            (2465, TlsMode::Implicit),
        ]
    );
    assert_eq!(e.submission_port(), SmtpPort::SUBMISSION);
    assert_eq!(e.implicit_tls_port().number(), 465);
    assert_eq!(SmtpPort::from_number(2525), None);
}

#[test]
fn spec_6_regions_without_smtp_are_refused_clearly() {
    for r in [
        "af-south-1",
        "ap-southeast-3",
        "eu-south-1",
        "il-central-1",
        "me-south-1",
    ] {
        let e = SmtpEndpoint::for_region(&region(r)).unwrap_err();
        assert!(matches!(e, SmtpError::NotOffered { .. }), "{r}");
        assert_eq!(
            e.to_string(),
            format!("region {r}: AWS does not offer SES SMTP endpoints there")
        );
    }
    for r in ["ap-east-2", "cn-north-1", "eusc-de-east-1", "us-iso-east-1"] {
        let e = SmtpEndpoint::for_region(&region(r)).unwrap_err();
        assert!(matches!(e, SmtpError::UnknownRegion { .. }), "{r}");
        assert!(e.to_string().contains("snapshot"), "{e}");
        // The password does not need an endpoint.
        assert_eq!(derive(EXAMPLE_SECRET, r).len(), 44);
    }
}

// ---- The secret discipline, pinned.

#[test]
fn secrets_debug_is_redacted_exactly() {
    let s = secret(EXAMPLE_SECRET);
    assert_eq!(format!("{s:?}"), "SecretAccessKey([redacted])");
    assert_eq!(format!("{s:#?}"), "SecretAccessKey([redacted])");
    let p = smtp::password(&s, &region("us-east-1"));
    assert_eq!(format!("{p:?}"), "SmtpPassword([redacted])");
    let key = AccessKey::new(AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE").unwrap(), s).unwrap();
    let debug = format!("{key:?}");
    assert!(
        !debug.contains(EXAMPLE_SECRET) && !debug.contains("wJalr"),
        "{debug}"
    );
}

#[test]
fn secrets_are_zeroized_on_drop() {
    fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroize_on_drop::<SecretAccessKey>();
    zeroize_on_drop::<SmtpPassword>();
}

/// Trait detection without extra crates: `Probe::<T>::IMPLEMENTS` resolves to the
/// inherent `true` only when `T` has the trait, else to the blanket trait's `false`.
macro_rules! implements {
    ($ty:ty: $tr:path) => {{
        #[allow(dead_code, reason = "unused when the probed trait is implemented")]
        trait Fallback {
            const IMPLEMENTS: bool = false;
        }
        struct Probe<T: ?Sized>(core::marker::PhantomData<T>);
        impl<T: ?Sized> Fallback for Probe<T> {}
        #[allow(dead_code, reason = "unused when the probed trait is not implemented")]
        impl<T: ?Sized + $tr> Probe<T> {
            const IMPLEMENTS: bool = true;
        }
        Probe::<$ty>::IMPLEMENTS
    }};
}

#[test]
fn secrets_have_no_display_and_no_serialize() {
    assert!(!implements!(SecretAccessKey: core::fmt::Display));
    assert!(!implements!(SmtpPassword: core::fmt::Display));
    assert!(!implements!(SecretAccessKey: serde::Serialize));
    assert!(!implements!(SmtpPassword: serde::Serialize));
    // The probe does see traits that are there.
    assert!(implements!(Region: core::fmt::Display));
    assert!(implements!(Region: serde::Serialize));
    assert!(implements!(SecretAccessKey: core::fmt::Debug));
}

/// Issue 10 item 5: a public `zeroize()` left an empty `SecretAccessKey` or a NUL-filled
/// `SmtpPassword` behind, values no parser accepts. The memory is wiped on drop only.
#[test]
fn secret_types_have_no_public_zeroize() {
    assert!(!implements!(SecretAccessKey: zeroize::Zeroize));
    assert!(!implements!(SmtpPassword: zeroize::Zeroize));
    assert!(!implements!(AccessKey: zeroize::Zeroize));
    // Still wiped when dropped.
    assert!(implements!(SecretAccessKey: zeroize::ZeroizeOnDrop));
    assert!(implements!(SmtpPassword: zeroize::ZeroizeOnDrop));
    // The probe sees the trait where it is.
    assert!(implements!(String: zeroize::Zeroize));
}

#[test]
fn secrets_serialize_only_through_the_named_method() {
    let s = secret(EXAMPLE_SECRET);
    let p = smtp::password(&s, &region("us-east-1"));
    assert_eq!(
        s.serialize_secret(serde_json::value::Serializer).unwrap(),
        EXAMPLE_SECRET
    );
    assert_eq!(
        p.serialize_secret(serde_json::value::Serializer).unwrap(),
        "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"
    );
    #[derive(serde::Serialize)]
    struct Payload<'a> {
        #[serde(serialize_with = "SmtpPassword::serialize_secret")]
        smtp_password: &'a SmtpPassword,
    }
    assert_eq!(
        serde_json::to_string(&Payload { smtp_password: &p }).unwrap(),
        r#"{"smtp_password":"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"}"#
    );
}

#[test]
fn secrets_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SecretAccessKey>();
    send_sync::<SmtpPassword>();
    send_sync::<AccessKey>();
    send_sync::<SmtpEndpoint>();
    send_sync::<SmtpError>();
}

#[test]
fn verify_checks_the_whole_password() {
    let p = smtp::password(&secret(EXAMPLE_SECRET), &region("us-east-1"));
    let right = "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9";
    assert!(p.verify(right));
    for i in 0..right.len() {
        let mut wrong = right.as_bytes().to_vec();
        wrong[i] = if wrong[i] == b'A' { b'B' } else { b'A' };
        assert!(!p.verify(std::str::from_utf8(&wrong).unwrap()), "{i}");
    }
    assert!(!p.verify(&right[..43]));
    assert!(!p.verify(""));
}

// ---- Properties.

fn any_secret() -> impl Strategy<Value = String> {
    // Printable ASCII without space, as IAM secrets are, plus the odd non-ASCII letter.
    proptest::string::string_regex("[!-~é]{1,128}")
        .unwrap()
        .prop_filter("at most 128 bytes", |s| s.len() <= 128)
}

fn any_region() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "us-gov-west-1",
            "us-gov-east-1",
            "us-east-1",
            "eu-central-1",
            "ap-southeast-2",
            "cn-northwest-1",
        ])
        .prop_map(str::to_owned),
        proptest::string::string_regex("[a-z]{2}(-gov)?-[a-z]{4,9}-[0-9]{1,2}").unwrap(),
    ]
}

proptest! {
    // More cases than the default: the differential check of the library's chain (`hmac`
    // on `sha2`) against the one on `ring`, with secrets on both sides of the HMAC block.
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn password_matches_the_independent_implementation(s in any_secret(), r in any_region()) {
        prop_assert_eq!(derive(&s, &r), reference(&s, &r, Mistakes::default()));
    }
}

proptest! {
    #[test]
    fn password_shape(s in any_secret(), r in any_region()) {
        let p = derive(&s, &r);
        prop_assert_eq!(p.len(), 44);
        let raw = STANDARD.decode(&p).unwrap();
        prop_assert_eq!(raw.len(), 33);
        prop_assert_eq!(raw[0], 0x04);
    }

    #[test]
    fn password_into_equals_password(s in any_secret(), r in any_region()) {
        let (s, r) = (secret(&s), region(&r));
        let mut buf = [0_u8; 44];
        let text = smtp::password_into(&s, &r, &mut buf).to_owned();
        let password = smtp::password(&s, &r);
        prop_assert_eq!(text.as_str(), password.expose_secret());
    }


    #[test]
    fn derived_passwords_parse_and_verify(s in any_secret(), r in any_region()) {
        let p = smtp::password(&secret(&s), &region(&r));
        let parsed = SmtpPassword::parse(p.expose_secret()).unwrap();
        prop_assert!(parsed == p);
        prop_assert!(p.verify(parsed.expose_secret()));
    }

    #[test]
    fn password_parse_never_panics(text in "\\PC{0,60}") {
        let _ = SmtpPassword::parse(&text);
        let _ = SecretAccessKey::parse(&text);
        let _ = AccessKeyId::parse(&text);
    }
}
