//! Validated values against hostile and differential input (issue 10, items 1, 7 and 11):
//! each finding of an outside review or a differential run against independent parsers
//! (Python `idna` and `ipaddress`, the WHATWG URL rules) as a named regression test, and
//! the property that every constructor builds only what the parser accepts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail by panicking"
)]

use core::net::IpAddr;

use proptest::prelude::*;
use ses_broker::values::{
    AccountId, Arn, DomainName, EmailAddress, MailFromSubdomain, Partition, Region, SourceIp,
    WebhookUrl, check_public_ip, is_public_ip,
};

fn webhook_error(url: &str) -> String {
    match WebhookUrl::parse(url) {
        Ok(hook) => panic!("{url:?} accepted as {hook}"),
        Err(e) => e.to_string(),
    }
}

// ---- item 1: webhooks, IPv6 forms around non-public IPv4 addresses --------------------------

#[test]
fn webhook_refuses_6to4_around_the_metadata_service() {
    let e = webhook_error("https://[2002:a9fe:a9fe::]/latest/meta-data");
    assert!(e.contains("6to4") && e.contains("169.254.169.254"), "{e}");
    assert!(e.contains("link-local"), "{e}");
}

#[test]
fn webhook_refuses_teredo_addresses() {
    // Server 65.54.227.120 in bits 32..64, client 127.0.0.1 stored inverted (80ff:fffe).
    let e = webhook_error("https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/");
    assert!(e.contains("Teredo") && e.contains("127.0.0.1"), "{e}");
    // A Teredo server inside the metadata range.
    let e = webhook_error("https://[2001:0:a9fe:a9fe::f7f7:f7f7]/");
    assert!(e.contains("169.254.169.254"), "{e}");
    // All of 2001::/32 is refused, whatever it carries: it is not globally reachable.
    assert!(webhook_error("https://[2001:0:808:808::f7f7:f7f7]/").contains("Teredo"));
}

#[test]
fn webhook_refuses_local_use_nat64() {
    let e = webhook_error("https://[64:ff9b:1::a9fe:a9fe]/");
    assert!(e.contains("local-use NAT64"), "{e}");
    // The well-known NAT64 prefix is judged by the address it carries.
    assert!(webhook_error("https://[64:ff9b::7f00:1]/").contains("127.0.0.1"));
    assert!(WebhookUrl::parse("https://[64:ff9b::808:808]/").is_ok());
}

#[test]
fn webhook_calls_fec0_site_local_not_link_local() {
    let e = webhook_error("https://[fec0::1]/");
    assert!(e.contains("site-local") && !e.contains("link-local"), "{e}");
}

#[test]
fn the_public_address_check_is_exported_for_resolved_addresses() {
    // What a caller does with the addresses `127.0.0.1.nip.io` resolves to.
    assert!(WebhookUrl::parse("https://127.0.0.1.nip.io/").is_ok());
    let resolved: IpAddr = "127.0.0.1".parse().unwrap();
    assert!(!is_public_ip(resolved));
    assert_eq!(
        check_public_ip(resolved).unwrap_err().to_string(),
        "a loopback address"
    );
    for public in ["203.0.114.9", "2600:1f14::1", "::ffff:8.8.8.8"] {
        assert!(is_public_ip(public.parse().unwrap()), "{public}");
    }
}

// ---- item 11: webhooks ------------------------------------------------------------------------

#[test]
fn webhook_refuses_the_siit_form() {
    for (url, carried) in [
        ("https://[::ffff:0:127.0.0.1]/", "127.0.0.1"),
        ("https://[::ffff:0:169.254.169.254]/", "169.254.169.254"),
        ("https://[::ffff:0:a9fe:a9fe]/", "169.254.169.254"),
    ] {
        let e = webhook_error(url);
        assert!(e.contains("SIIT") && e.contains(carried), "{url}: {e}");
    }
}

#[test]
fn webhook_refuses_invisible_characters_in_the_host() {
    for c in ['\u{AD}', '\u{200B}', '\u{FEFF}', '\u{FE0F}'] {
        let url = format!("https://hooks.agen{c}cy.gov/ses");
        let e = webhook_error(&url);
        assert!(e.contains(&format!("U+{:04X}", u32::from(c))), "{e}");
        // As DomainName refuses the same host.
        assert!(DomainName::parse(&format!("hooks.agen{c}cy.gov")).is_err());
    }
    // Percent-encoded, and behind the backslashes the URL standard reads as slashes.
    assert!(webhook_error("https://hooks.agen%C2%ADcy.gov/").contains("U+00AD"));
    assert!(webhook_error("https:\\\\agen\u{200B}cy.gov/").contains("U+200B"));
    // In the path the URL standard percent-encodes them instead of deleting them.
    assert!(WebhookUrl::parse("https://hooks.agency.gov/a\u{AD}b").is_ok());
}

#[test]
fn webhook_refuses_non_global_ipv6_blocks() {
    for host in [
        "100::1",
        "100::ffff:ffff:ffff:ffff",
        "2001:2::1",
        "2001:10::1",
        "2001:1f:ffff::1",
        "3fff::1",
        "3fff:fff:ffff::1",
        "5f00::1",
        "1::1",
        "::2",
        "::ff:1",
        "ff::1",
    ] {
        let e = webhook_error(&format!("https://[{host}]/"));
        assert!(
            e.contains("SNS must deliver to a public address"),
            "{host}: {e}"
        );
    }
    for host in [
        "2001:200::1",
        "3fff:1000::1",
        "2600:1f14::1",
        "2620:4f:8000::1",
    ] {
        assert!(
            WebhookUrl::parse(&format!("https://[{host}]/")).is_ok(),
            "{host}"
        );
    }
}

// ---- item 11: domains, email domains, MAIL FROM subdomains, source IPs ------------------------

#[test]
fn a_label_domains_follow_the_cross_label_bidi_rule() {
    // The Unicode form was refused; its A-label form was accepted.
    assert!(DomainName::parse("لب.8v.com").is_err());
    let e = DomainName::parse("xn--ngb9c.8v.com")
        .unwrap_err()
        .to_string();
    assert!(e.contains("Bidi"), "{e}");
    assert!(DomainName::parse("XN--NGB9C.8v.com").is_err());
    assert!(EmailAddress::parse("a@xn--ngb9c.8v.com").is_err());
    assert!(WebhookUrl::parse("https://xn--ngb9c.8v.com/").is_err());
    // A right-to-left name whose every label follows the rule is fine either way.
    assert_eq!(
        DomainName::parse("xn--ngb9c.com").unwrap(),
        DomainName::parse("لب.com").unwrap()
    );
    assert!(EmailAddress::parse("a@xn--ngb9c.com").is_ok());
}

#[test]
fn a_trailing_ideographic_full_stop_is_dropped_like_an_ascii_dot() {
    for dot in ['\u{3002}', '\u{FF0E}', '\u{FF61}'] {
        assert_eq!(
            DomainName::parse(&format!("agency.gov{dot}"))
                .unwrap()
                .as_str(),
            "agency.gov",
            "U+{:04X}",
            u32::from(dot)
        );
        // Only one, as with the ASCII dot.
        assert!(DomainName::parse(&format!("agency.gov.{dot}")).is_err());
        assert!(DomainName::parse(&format!("agency.gov{dot}.")).is_err());
        // An email domain takes no trailing dot of either kind.
        assert!(EmailAddress::parse(&format!("a@agency.gov{dot}")).is_err());
    }
}

#[test]
fn source_ips_refuse_zero_padded_octets_inside_a_cidr() {
    for bad in [
        "010.8.0.0/16",
        "10.08.0.0/16",
        "10.8.00.0/16",
        "10.8.0.00/32",
        "::ffff:010.0.0.1/128",
    ] {
        let e = SourceIp::parse(bad);
        assert!(e.is_err(), "{bad:?} accepted as {e:?}");
    }
    let e = SourceIp::parse("010.8.0.0/16").unwrap_err().to_string();
    assert!(e.contains("must not start with 0"), "{e}");
    // The bare address was already refused; both now say the same.
    assert!(SourceIp::parse("010.0.0.1").is_err());
    assert!(SourceIp::parse("10.0.0.0/08").is_err());
    assert_eq!(
        SourceIp::parse("10.8.0.0/16").unwrap().as_str(),
        "10.8.0.0/16"
    );
    assert_eq!(SourceIp::parse("0.0.0.0/0").unwrap().as_str(), "0.0.0.0/0");
}

#[test]
fn mail_from_subdomain_accepts_a_labels_as_domain_does() {
    let domain = DomainName::parse("agency.gov").unwrap();
    let sub = MailFromSubdomain::parse("xn--bcher-kva").unwrap();
    assert_eq!(sub.as_str(), "xn--bcher-kva");
    assert_eq!(
        sub.under(&domain).unwrap(),
        DomainName::parse("xn--bcher-kva.agency.gov").unwrap()
    );
    assert_eq!(
        MailFromSubdomain::parse("Mail.XN--BCHER-KVA")
            .unwrap()
            .as_str(),
        "mail.xn--bcher-kva"
    );
    // One rule for both: an invalid or mixed-script A-label is refused by each.
    for label in ["xn--zz", "xn--pple-43d"] {
        assert!(
            DomainName::parse(&format!("{label}.gov")).is_err(),
            "{label}"
        );
        assert!(MailFromSubdomain::parse(label).is_err(), "{label}");
    }
    // The Bidi rule spans the joined name: a right-to-left domain and a subdomain that
    // starts with a digit make a name that breaks it.
    let rtl = DomainName::parse("xn--ngb9c.com").unwrap();
    let digit = MailFromSubdomain::parse("8v").unwrap();
    assert!(digit.under(&domain).is_ok());
    let e = digit.under(&rtl).unwrap_err().to_string();
    assert!(e.contains("Bidi"), "{e}");
    assert!(digit.fits_under(&rtl).is_err());
}

// ---- item 7: every constructor builds only what the parser accepts ----------------------------

#[test]
fn arn_new_enforces_the_2048_character_limit() {
    let region = Region::parse("us-gov-west-1").unwrap();
    let account = AccountId::parse("123456789012").unwrap();
    let resource = "r".repeat(2048);
    assert!(
        Arn::parse(&format!(
            "arn:aws-us-gov:sns:us-gov-west-1:123456789012:{resource}"
        ))
        .is_err()
    );
    let e = Arn::new(
        Partition::AwsUsGov,
        "sns",
        Some(&region),
        Some(&account),
        &resource,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("at most 2048"), "{e}");
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
        Just("xn--bcher-kva".to_owned()),
        Just("xn--ngb9c".to_owned()),
        Just("8v".to_owned()),
        "[a-z]{60,70}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `Arn::new` accepts exactly what `Arn::parse` accepts of its text, and the text of what
    /// it builds parses back to an equal value.
    #[test]
    fn constructed_arns_display_as_text_that_parses_back(
        partition in prop::sample::select(Partition::ALL.to_vec()),
        service in "[a-z0-9-]{0,6}|[A-Z]{1,3}",
        region in prop::option::of(prop::sample::select(vec!["us-east-1", "us-gov-west-1", "cn-north-1"])),
        account in prop::option::of("[0-9]{12}"),
        resource in "[a-zA-Z0-9/:_.-]{0,40}|x{2000,2100}",
    ) {
        let region = region.map(|r| Region::parse(r).unwrap());
        let account = account.map(|a| AccountId::parse(&a).unwrap());
        let built = Arn::new(partition, &service, region.as_ref(), account.as_ref(), &resource);
        let text = format!(
            "arn:{partition}:{service}:{}:{}:{resource}",
            region.as_ref().map_or("", Region::as_str),
            account.as_ref().map_or("", AccountId::as_str),
        );
        let parsed = Arn::parse(&text);
        prop_assert_eq!(built.is_ok(), parsed.is_ok(), "{}: new {:?}, parse {:?}", text, built, parsed);
        if let Ok(built) = built {
            let shown = built.to_string();
            prop_assert_eq!(&shown, &text);
            prop_assert_eq!(Arn::parse(&shown).unwrap(), built);
        }
    }

    /// `MailFromSubdomain::under` and `DomainName::child` build only names that parse back
    /// to themselves, and refuse exactly what parsing the joined text refuses.
    #[test]
    fn joined_names_display_as_text_that_parses_back(
        sub in prop::collection::vec(label(), 1..4),
        domain in prop::collection::vec(label(), 1..4),
        tld in prop_oneof![Just("gov".to_owned()), Just("xn--ngb9c".to_owned())],
    ) {
        let domain = format!("{}.{tld}", domain.join("."));
        let sub = sub.join(".");
        let (Ok(domain), Ok(parsed_sub)) = (DomainName::parse(&domain), MailFromSubdomain::parse(&sub)) else {
            return Ok(());
        };
        let joined_text = format!("{sub}.{domain}");
        let by_parse = DomainName::parse(&joined_text);
        let under = parsed_sub.under(&domain);
        prop_assert_eq!(under.is_ok(), by_parse.is_ok(), "{}: under {:?}, parse {:?}", joined_text, under, by_parse);
        prop_assert_eq!(parsed_sub.fits_under(&domain).is_ok(), under.is_ok());
        if let Ok(name) = under {
            let shown = name.to_string();
            prop_assert_eq!(DomainName::parse(&shown).unwrap(), name);
        }
        if let Ok(child) = domain.child(&sub) {
            let shown = child.to_string();
            prop_assert_eq!(DomainName::parse(&shown).unwrap(), child);
        }
    }
}
