//! DNS records (SPEC 5): derivation rules, golden renderings, checking, diffs, and
//! invariants over arbitrary valid input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "tests fail by panicking and index fixed fixtures"
)]

use proptest::prelude::*;
use ses_broker::{
    dns::{
        BrokerManagedRecords, Conflict, DkimSigning, DkimToken, DmarcPolicy, DmarcRecipients,
        DmarcRecord, Mismatch, ObservedRecord, OwnerName, RecordData, RecordFormat, RecordKey,
        RecordSet, RecordStatus, RecordType, RequiredRecords, SpfRecord, Ttl, TxtData, check,
        required_records, route53_change_batch, zone_file_fragment,
    },
    values::{DomainName, EmailAddress, Region},
};

const T1: &str = "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz";
const T2: &str = "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp";
const T3: &str = "abcdefghijklmnopqrstuvwxyz234567";

fn domain(s: &str) -> DomainName {
    s.parse().unwrap()
}
fn email(s: &str) -> EmailAddress {
    s.parse().unwrap()
}
fn region(s: &str) -> Region {
    s.parse().unwrap()
}
fn tokens() -> [DkimToken; 3] {
    [
        T1.parse().unwrap(),
        T2.parse().unwrap(),
        T3.parse().unwrap(),
    ]
}

struct Inputs {
    domain: DomainName,
    mail_from: Option<DomainName>,
    region: Region,
    admin: EmailAddress,
    aggregate: Vec<EmailAddress>,
    failure: Vec<EmailAddress>,
}

impl Inputs {
    fn simple() -> Self {
        Self {
            domain: domain("agency.gov"),
            mail_from: None,
            region: region("us-gov-west-1"),
            admin: email("admin@agency.gov"),
            aggregate: vec![],
            failure: vec![],
        }
    }
    fn full() -> Self {
        Self {
            mail_from: Some(domain("mail.agency.gov")),
            aggregate: vec![email("dmarc@agency.gov")],
            failure: vec![
                email("dmarc@agency.gov"),
                email("another-address@agency.gov"),
            ],
            ..Self::simple()
        }
    }
    fn records(&self) -> RequiredRecords {
        let dkim = DkimSigning::for_region(tokens(), &self.region).unwrap();
        required_records(
            &self.domain,
            self.mail_from.as_ref(),
            &self.region,
            &DmarcRecipients::new(&self.admin)
                .aggregate(&self.aggregate)
                .failure(&self.failure),
            &dkim,
        )
        .unwrap()
    }
}

fn txt_value(set: &RecordSet) -> String {
    match set.data() {
        RecordData::Txt(v) => v[0].value().to_owned(),
        other => panic!("not TXT: {other:?}"),
    }
}

// ---- SPEC 5, one test per rule ----

#[test]
fn spec5_dmarc_is_txt_at_underscore_dmarc_with_reject_and_cisa_first() {
    let r = Inputs::full().records();
    assert_eq!(r.dmarc().name().as_str(), "_dmarc.agency.gov");
    assert_eq!(r.dmarc().record_type(), RecordType::Txt);
    assert_eq!(
        txt_value(r.dmarc()),
        "v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:dmarc@agency.gov; \
         ruf=mailto:dmarc@agency.gov,mailto:another-address@agency.gov"
    );
}

#[test]
fn spec5_dmarc_falls_back_to_admin_email_for_both_lists() {
    let r = Inputs::simple().records();
    assert_eq!(
        txt_value(r.dmarc()),
        "v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:admin@agency.gov; \
         ruf=mailto:admin@agency.gov"
    );
}

#[test]
fn spec5_dmarc_percent_encodes_inside_uris() {
    // A valid address cannot hold ',' or '!', so check the encoder through the URI type
    // and the parser's refusal of raw commas/bangs.
    let r = Inputs {
        admin: email("a+b_c-d.e@agency.gov"),
        ..Inputs::simple()
    }
    .records();
    assert!(txt_value(r.dmarc()).ends_with("ruf=mailto:a+b_c-d.e@agency.gov"));
    assert!(DmarcRecord::parse("v=DMARC1; p=reject; rua=mailto:a!b@x.gov").is_err());
    let parsed = DmarcRecord::parse("v=DMARC1; p=reject; rua=mailto:a%2Cb%21@x.gov").unwrap();
    assert_eq!(parsed.rua()[0].mailto_address().unwrap(), "a,b!@x.gov");
}

#[test]
fn spec5_spf_is_at_the_domain_without_mail_from() {
    let r = Inputs::simple().records();
    assert_eq!(r.spf().name().as_str(), "agency.gov");
    assert_eq!(txt_value(r.spf()), "v=spf1 include:amazonses.com -all");
}

#[test]
fn spec5_spf_is_at_the_mail_from_domain_when_set() {
    let r = Inputs::full().records();
    assert_eq!(r.spf().name().as_str(), "mail.agency.gov");
    assert_eq!(txt_value(r.spf()), "v=spf1 include:amazonses.com -all");
}

#[test]
fn spec5_three_dkim_cnames_point_into_the_signing_zone() {
    let r = Inputs::simple().records();
    let got: Vec<(String, String)> = r
        .dkim()
        .iter()
        .map(|s| {
            assert_eq!(s.record_type(), RecordType::Cname);
            (s.name().to_string(), s.data().plain_values()[0].clone())
        })
        .collect();
    assert_eq!(
        got,
        [T1, T2, T3].map(|t| (
            format!("{t}._domainkey.agency.gov"),
            format!("{t}.dkim.amazonses.com")
        ))
    );
}

#[test]
fn spec5_dkim_host_is_regional_in_us_gov_east_1_and_an_input() {
    let east = Inputs {
        region: region("us-gov-east-1"),
        ..Inputs::simple()
    }
    .records();
    assert_eq!(
        east.dkim()[0].data().plain_values(),
        [format!("{T1}.dkim.us-gov-east-1.amazonses.com")]
    );
    let reported = DkimSigning::new(tokens(), domain("dkim.example-zone.amazonses.com")).unwrap();
    let i = Inputs::simple();
    let r = required_records(
        &i.domain,
        None,
        &i.region,
        &DmarcRecipients::new(&i.admin),
        &reported,
    )
    .unwrap();
    assert_eq!(
        r.dkim()[2].data().plain_values(),
        [format!("{T3}.dkim.example-zone.amazonses.com")]
    );
}

#[test]
fn spec5_mx_only_with_mail_from() {
    assert!(Inputs::simple().records().mail_from_mx().is_none());
    let r = Inputs::full().records();
    let mx = r.mail_from_mx().unwrap();
    assert_eq!(mx.name().as_str(), "mail.agency.gov");
    assert_eq!(
        mx.data().plain_values(),
        ["10 feedback-smtp.us-gov-west-1.amazonses.com"]
    );
}

#[test]
fn spec5_every_customer_record_has_ttl_600() {
    for set in Inputs::full().records().record_sets() {
        assert_eq!(set.ttl().seconds(), 600);
    }
}

#[test]
fn spec5_mail_from_must_be_below_the_domain() {
    let i = Inputs::simple();
    let dkim = DkimSigning::for_region(tokens(), &i.region).unwrap();
    for mf in ["agency.gov", "mail.other.gov", "notagency.gov"] {
        let err = required_records(
            &i.domain,
            Some(&domain(mf)),
            &i.region,
            &DmarcRecipients::new(&i.admin),
            &dkim,
        )
        .unwrap_err();
        assert!(err.to_string().contains("not a subdomain"), "{mf}: {err}");
    }
}

#[test]
fn spec5_long_txt_is_split_into_255_byte_strings() {
    let many: Vec<EmailAddress> = (0..20)
        .map(|n| email(&format!("dmarc-report-recipient-{n:02}@agency.gov")))
        .collect();
    let r = Inputs {
        aggregate: many,
        ..Inputs::simple()
    }
    .records();
    let RecordData::Txt(v) = r.dmarc().data() else {
        panic!()
    };
    let strings = v[0].character_strings();
    assert!(strings.len() > 1);
    assert!(strings.iter().all(|s| s.len() <= 255));
    assert_eq!(strings.concat(), v[0].value());
    let zone = r.to_zone_file();
    let dmarc_line = zone.lines().next().unwrap();
    assert_eq!(dmarc_line.matches("\" \"").count(), strings.len() - 1);
}

#[test]
fn spec5_zone_file_names_are_absolute_and_txt_quoted() {
    let zone = Inputs::full().records().to_zone_file();
    for line in zone.lines() {
        let mut fields = line.split(' ');
        assert!(fields.next().unwrap().ends_with('.'), "{line}");
        if line.contains(" IN TXT ") {
            assert!(line.ends_with('"'), "{line}");
        }
        if line.contains(" IN CNAME ") || line.contains(" IN MX ") {
            assert!(line.ends_with('.'), "{line}");
        }
    }
}

#[test]
fn spec5_route53_uses_upsert_and_quoted_txt() {
    let batch = Inputs::full().records().to_route53_change_batch();
    let json = serde_json::to_value(&batch).unwrap();
    for change in json["Changes"].as_array().unwrap() {
        assert_eq!(change["Action"], "UPSERT");
        let set = &change["ResourceRecordSet"];
        if set["Type"] == "TXT" {
            let value = set["ResourceRecords"][0]["Value"].as_str().unwrap();
            assert!(value.starts_with('"') && value.ends_with('"'));
        }
    }
}

#[test]
fn spec5_generated_domain_gets_an_ns_delegation_with_ttl_30() {
    let r = Inputs {
        domain: domain("ses-ce93a4007031377b.appmail.cloud.gov"),
        ..Inputs::simple()
    }
    .records();
    let ns = [domain("ns-1.awsdns-01.org"), domain("ns-2.awsdns-02.com")];
    let managed = BrokerManagedRecords::new(r.clone(), &ns).unwrap();
    let d = managed.delegation();
    assert_eq!(d.name().as_str(), "ses-ce93a4007031377b.appmail.cloud.gov");
    assert_eq!(d.record_type(), RecordType::Ns);
    assert_eq!(d.ttl(), Ttl::DELEGATION);
    assert_eq!(
        managed.delegation_zone_file(),
        "ses-ce93a4007031377b.appmail.cloud.gov. 30 IN NS ns-1.awsdns-01.org.\n\
         ses-ce93a4007031377b.appmail.cloud.gov. 30 IN NS ns-2.awsdns-02.com.\n"
    );
    assert_eq!(managed.records(), &r);
    assert!(BrokerManagedRecords::new(r, &[]).is_err());
}

// ---- golden renderings ----

#[test]
fn golden_json() {
    let json = serde_json::to_string_pretty(&Inputs::full().records()).unwrap();
    let expected = format!(
        r#"{{
  "dmarc_verification_record": {{
    "name": "_dmarc.agency.gov",
    "type": "TXT",
    "ttl": 600,
    "records": [
      "v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:dmarc@agency.gov; ruf=mailto:dmarc@agency.gov,mailto:another-address@agency.gov"
    ]
  }},
  "spf_verification_record": {{
    "name": "mail.agency.gov",
    "type": "TXT",
    "ttl": 600,
    "records": [
      "v=spf1 include:amazonses.com -all"
    ]
  }},
  "dkim_record_0": {{
    "name": "{T1}._domainkey.agency.gov",
    "type": "CNAME",
    "ttl": 600,
    "records": [
      "{T1}.dkim.amazonses.com"
    ]
  }},
  "dkim_record_1": {{
    "name": "{T2}._domainkey.agency.gov",
    "type": "CNAME",
    "ttl": 600,
    "records": [
      "{T2}.dkim.amazonses.com"
    ]
  }},
  "dkim_record_2": {{
    "name": "{T3}._domainkey.agency.gov",
    "type": "CNAME",
    "ttl": 600,
    "records": [
      "{T3}.dkim.amazonses.com"
    ]
  }},
  "mx_verification_record": {{
    "name": "mail.agency.gov",
    "type": "MX",
    "ttl": 600,
    "records": [
      "10 feedback-smtp.us-gov-west-1.amazonses.com"
    ]
  }}
}}"#
    );
    assert_eq!(json, expected);
    let simple = serde_json::to_value(Inputs::simple().records()).unwrap();
    assert!(simple.get("mx_verification_record").is_none());
    assert_eq!(simple.as_object().unwrap().len(), 5);
}

#[test]
fn golden_zone_file() {
    let expected = format!(
        "_dmarc.agency.gov. 600 IN TXT \"v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:dmarc@agency.gov; ruf=mailto:dmarc@agency.gov,mailto:another-address@agency.gov\"\n\
         mail.agency.gov. 600 IN TXT \"v=spf1 include:amazonses.com -all\"\n\
         {T1}._domainkey.agency.gov. 600 IN CNAME {T1}.dkim.amazonses.com.\n\
         {T2}._domainkey.agency.gov. 600 IN CNAME {T2}.dkim.amazonses.com.\n\
         {T3}._domainkey.agency.gov. 600 IN CNAME {T3}.dkim.amazonses.com.\n\
         mail.agency.gov. 600 IN MX 10 feedback-smtp.us-gov-west-1.amazonses.com.\n"
    );
    assert_eq!(Inputs::full().records().to_zone_file(), expected);
}

#[test]
fn golden_route53_change_batch() {
    let json = serde_json::to_value(Inputs::full().records().to_route53_change_batch()).unwrap();
    let expected = serde_json::json!({"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "_dmarc.agency.gov", "Type": "TXT", "TTL": 600,
            "ResourceRecords": [{"Value": "\"v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:dmarc@agency.gov; ruf=mailto:dmarc@agency.gov,mailto:another-address@agency.gov\""}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "mail.agency.gov", "Type": "TXT", "TTL": 600,
            "ResourceRecords": [{"Value": "\"v=spf1 include:amazonses.com -all\""}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": format!("{T1}._domainkey.agency.gov"), "Type": "CNAME", "TTL": 600,
            "ResourceRecords": [{"Value": format!("{T1}.dkim.amazonses.com")}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": format!("{T2}._domainkey.agency.gov"), "Type": "CNAME", "TTL": 600,
            "ResourceRecords": [{"Value": format!("{T2}.dkim.amazonses.com")}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": format!("{T3}._domainkey.agency.gov"), "Type": "CNAME", "TTL": 600,
            "ResourceRecords": [{"Value": format!("{T3}.dkim.amazonses.com")}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "mail.agency.gov", "Type": "MX", "TTL": 600,
            "ResourceRecords": [{"Value": "10 feedback-smtp.us-gov-west-1.amazonses.com"}]}},
    ]});
    assert_eq!(json, expected);
}

#[test]
fn golden_brokerpak_string() {
    let expected = format!(
        r#"{{
  dkim_record_0 = {{
    name    = "{T1}._domainkey.agency.gov"
    type    = "CNAME"
    ttl     = "600"
    records = ["{T1}.dkim.amazonses.com"]
  }}
  dkim_record_1 = {{
    name    = "{T2}._domainkey.agency.gov"
    type    = "CNAME"
    ttl     = "600"
    records = ["{T2}.dkim.amazonses.com"]
  }}
  dkim_record_2 = {{
    name    = "{T3}._domainkey.agency.gov"
    type    = "CNAME"
    ttl     = "600"
    records = ["{T3}.dkim.amazonses.com"]
  }}
  dmarc_verification_record = {{
    name    = "_dmarc.agency.gov"
    type    = "TXT"
    ttl     = "600"
    records = ["v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:dmarc@agency.gov; ruf=mailto:dmarc@agency.gov,mailto:another-address@agency.gov"]
  }}
  spf_verification_record = {{
    name    = "mail.agency.gov"
    type    = "TXT"
    ttl     = "600"
    records = ["v=spf1 include:amazonses.com -all"]
  }}
  mx_verification_record = {{
    name    = "mail.agency.gov"
    type    = "MX"
    ttl     = "600"
    records = ["10 feedback-smtp.us-gov-west-1.amazonses.com"]
  }}
}}
"#
    );
    assert_eq!(Inputs::full().records().to_brokerpak_string(), expected);
}

#[test]
fn render_by_format_name_matches_each_rendering() {
    let r = Inputs::full().records();
    let render = |name: &str| r.render(name.parse().unwrap());
    assert_eq!(render("zone"), r.to_zone_file());
    assert_eq!(render("hcl"), r.to_brokerpak_string());
    let json: serde_json::Value = serde_json::from_str(&render("json")).unwrap();
    assert_eq!(json, serde_json::to_value(&r).unwrap());
    let batch: serde_json::Value = serde_json::from_str(&render("route53")).unwrap();
    assert_eq!(
        batch,
        serde_json::to_value(r.to_route53_change_batch()).unwrap()
    );
    assert!(render("json").ends_with("}\n"));
    let err = "yaml".parse::<RecordFormat>().unwrap_err().to_string();
    assert!(err.contains("json, zone, route53 or hcl"), "{err}");
}

// ---- hostile text never escapes its string ----

fn hostile_set(value: &str) -> RecordSet {
    RecordSet::new(
        OwnerName::parse("_x.agency.gov").unwrap(),
        Ttl::RECORDS,
        RecordData::Txt(vec![TxtData::new(value).unwrap()]),
    )
    .unwrap()
}

/// Decodes the quoted character-strings after `IN TXT ` on a zone line (RFC 1035 §5.1).
fn decode_zone_txt(line: &str) -> Vec<Vec<u8>> {
    let data = line.split_once(" IN TXT ").unwrap().1;
    let bytes = data.as_bytes();
    let mut strings = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' => i += 1,
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                loop {
                    match bytes[i] {
                        b'"' => break,
                        b'\\' if bytes[i + 1].is_ascii_digit() => {
                            let n: u32 = data[i + 1..i + 4].parse().unwrap();
                            s.push(u8::try_from(n).unwrap());
                            i += 4;
                        }
                        b'\\' => {
                            s.push(bytes[i + 1]);
                            i += 2;
                        }
                        b => {
                            assert!((0x20..0x7f).contains(&b), "raw byte {b} in {line:?}");
                            s.push(b);
                            i += 1;
                        }
                    }
                }
                i += 1;
                strings.push(s);
            }
            b => panic!("unquoted byte {b} in {line:?}"),
        }
    }
    strings
}

#[test]
fn hostile_text_is_escaped_in_every_rendering() {
    let evil = "\"; rm -rf / ${jndi} %{x} \\ \n\r\t\u{0} é \u{202E} ) ( $ORIGIN evil.";
    let set = hostile_set(evil);
    let zone = zone_file_fragment([&set]);
    assert_eq!(zone.lines().count(), 1);
    let decoded: Vec<u8> = decode_zone_txt(zone.lines().next().unwrap()).concat();
    assert_eq!(decoded, evil.as_bytes());

    let batch = serde_json::to_value(route53_change_batch([&set])).unwrap();
    let value = batch["Changes"][0]["ResourceRecordSet"]["ResourceRecords"][0]["Value"]
        .as_str()
        .unwrap();
    assert!(value.starts_with('"') && value.ends_with('"'));
    assert!(value.contains("\\\"; rm"));
    assert!(value.contains("\\303\\251"), "é in octal: {value}");
    assert!(!value.chars().any(char::is_control));
}

#[test]
fn hcl_rendering_escapes_template_sequences() {
    // Real names and values are validated, so they hold nothing to escape; the escaping
    // itself is a property test beside the renderer (src/dns/render.rs).
    let r = Inputs::full().records().to_brokerpak_string();
    assert!(!r.contains("${") && !r.contains("%{"));
    assert!(r.lines().all(|l| !l.chars().any(char::is_control)));
}

// ---- check ----

fn observed_from(records: &RequiredRecords) -> Vec<ObservedRecord> {
    records
        .record_sets()
        .flat_map(|s| {
            s.data().plain_values().into_iter().map(|v| {
                ObservedRecord::new(
                    &s.name().to_absolute().to_uppercase(),
                    s.record_type().as_str(),
                    vec![v],
                )
            })
        })
        .collect()
}

#[test]
fn check_reports_all_present_for_published_records() {
    let r = Inputs::full().records();
    let report = check(&r, &observed_from(&r));
    assert!(report.is_ok(), "{report:#?}");
}

#[test]
fn check_accepts_split_and_presentation_txt_and_a_merged_spf() {
    let r = Inputs::full().records();
    let mut observed = observed_from(&r);
    let dmarc = txt_value(r.dmarc());
    let (a, b) = dmarc.split_at(20);
    observed[0] = ObservedRecord::new("_dmarc.agency.gov", "txt", vec![a.into(), b.into()]);
    observed[1] = ObservedRecord::new(
        "mail.agency.gov.",
        "TXT",
        vec!["\"v=spf1 ip4:192.0.2.1 \" \"include:amazonses.com ~all\"".into()],
    );
    let report = check(&r, &observed);
    assert!(report.is_ok(), "{report:#?}");
}

#[test]
fn check_reports_missing_and_wrong_with_what_was_found() {
    let r = Inputs::full().records();
    let observed = vec![
        ObservedRecord::new("_dmarc.agency.gov", "TXT", vec!["v=DMARC1; p=none".into()]),
        ObservedRecord::new("mail.agency.gov", "TXT", vec!["v=spf1 -all".into()]),
        ObservedRecord::new(
            &format!("{T1}._domainkey.agency.gov"),
            "CNAME",
            vec![format!("{T1}.dkim.amazonses.com.agency.gov.")],
        ),
    ];
    let report = check(&r, &observed);
    let status = |k| {
        report
            .records
            .iter()
            .find(|c| c.key == k)
            .unwrap()
            .status
            .clone()
    };
    let found = |k| match status(k) {
        RecordStatus::Wrong { found, why, .. } => (found, why),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(
        found(RecordKey::Dmarc),
        (vec!["v=DMARC1; p=none".into()], Mismatch::DmarcDiffers)
    );
    assert_eq!(
        found(RecordKey::Spf),
        (vec!["v=spf1 -all".into()], Mismatch::SpfWithoutSes)
    );
    assert_eq!(
        found(RecordKey::Dkim0),
        (
            vec![format!("{T1}.dkim.amazonses.com.agency.gov")],
            Mismatch::Values
        )
    );
    assert_eq!(status(RecordKey::Dkim1), RecordStatus::Missing);
    assert_eq!(status(RecordKey::MailFromMx), RecordStatus::Missing);
    assert!(!report.is_ok());
}

#[test]
fn check_reports_conflicts_that_break_mail() {
    let r = Inputs::full().records();
    let mut observed = observed_from(&r);
    observed.push(ObservedRecord::new(
        "mail.agency.gov",
        "TXT",
        vec!["v=spf1 include:other.example -all".into()],
    ));
    observed.push(ObservedRecord::new(
        "mail.agency.gov",
        "MX",
        vec!["20 mx.other.example".into()],
    ));
    observed.push(ObservedRecord::new(
        &format!("{T2}._domainkey.agency.gov"),
        "TXT",
        vec!["v=DKIM1; p=abc".into()],
    ));
    observed.push(ObservedRecord::new(
        "_dmarc.agency.gov",
        "TXT",
        vec!["v=DMARC1; p=none".into()],
    ));
    let report = check(&r, &observed);
    let has = |f: &dyn Fn(&Conflict) -> bool| report.conflicts.iter().any(f);
    assert!(has(
        &|c| matches!(c, Conflict::MultipleSpf { name, found } if name == "mail.agency.gov" && found.len() == 2)
    ));
    assert!(has(
        &|c| matches!(c, Conflict::MultipleMailFromMx { found, .. } if found.len() == 2)
    ));
    assert!(has(
        &|c| matches!(c, Conflict::CnameWithOtherData { other_types, .. } if other_types == &["TXT"])
    ));
    assert!(has(&|c| matches!(c, Conflict::MultipleDmarc { .. })));
    assert_eq!(report.conflicts.len(), 4);
}

// ---- diff ----

#[test]
fn diff_of_an_update_lists_adds_changes_and_removals() {
    let before = Inputs::simple().records();
    let after = Inputs::full().records();
    assert!(before.diff(&before).is_empty());
    let d = before.diff(&after);
    // DMARC recipients change; SPF moves from the apex to mail.; the MX appears.
    assert_eq!(d.change.len(), 1);
    assert_eq!(d.change[0].new.name().as_str(), "_dmarc.agency.gov");
    let added: Vec<(String, RecordType)> = d
        .add
        .iter()
        .map(|s| (s.name().to_string(), s.record_type()))
        .collect();
    assert_eq!(
        added,
        [
            ("mail.agency.gov".to_owned(), RecordType::Txt),
            ("mail.agency.gov".to_owned(), RecordType::Mx)
        ]
    );
    assert_eq!(d.remove.len(), 1);
    assert_eq!(d.remove[0].name().as_str(), "agency.gov");
    let back = after.diff(&before);
    assert_eq!(
        (back.add.len(), back.change.len(), back.remove.len()),
        (1, 1, 2)
    );
}

// ---- SPF merge ----

#[test]
fn spf_merge_keeps_one_record_and_reports_the_lookup_budget() {
    let m = SpfRecord::merge("v=spf1 include:_spf.google.com include:mailgun.org ~all").unwrap();
    assert_eq!(
        m.record().to_string(),
        "v=spf1 include:_spf.google.com include:mailgun.org include:amazonses.com ~all"
    );
    assert_eq!(m.lookups().counted(), 3);
    assert!(m.lookups().may_exceed_limit());
    assert!(!m.lookups().exceeds_limit());
    let over = SpfRecord::merge(&format!(
        "v=spf1 {} -all",
        (0..10)
            .map(|n| format!("a:h{n}.example"))
            .collect::<Vec<_>>()
            .join(" ")
    ))
    .unwrap();
    assert_eq!(over.lookups().counted(), 11);
    assert!(over.lookups().exceeds_limit());
}

// ---- properties over arbitrary valid input ----

fn arb_label() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9]{0,10}", "[a-z][a-z0-9-]{0,61}[a-z0-9]"]
}

fn arb_domain() -> impl Strategy<Value = DomainName> {
    (proptest::collection::vec(arb_label(), 1..5), "[a-z]{2,6}")
        .prop_filter_map("valid domain", |(labels, tld)| {
            DomainName::parse(&format!("{}.{tld}", labels.join("."))).ok()
        })
}

fn arb_email() -> impl Strategy<Value = EmailAddress> {
    ("[a-zA-Z0-9][a-zA-Z0-9_+-]{0,30}", arb_domain()).prop_filter_map("valid email", |(l, d)| {
        EmailAddress::parse(&format!("{l}@{d}")).ok()
    })
}

fn arb_token() -> impl Strategy<Value = DkimToken> {
    "[a-z2-7]{1,63}".prop_map(|t| DkimToken::parse(&t).unwrap())
}

fn check_name(name: &str) {
    assert!(name.len() <= 253, "{name}");
    assert!(
        name.split('.').all(|l| !l.is_empty() && l.len() <= 63),
        "{name}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn derived_records_respect_dns_limits_and_dmarc_round_trips(
        d in arb_domain(),
        sub in proptest::option::of(arb_label()),
        region in prop_oneof![Just("us-gov-west-1"), Just("us-gov-east-1"), Just("eu-south-1")],
        admin in arb_email(),
        aggregate in proptest::collection::vec(arb_email(), 0..12),
        failure in proptest::collection::vec(arb_email(), 0..12),
        tokens in [arb_token(), arb_token(), arb_token()],
    ) {
        let region = Region::parse(region).unwrap();
        let mail_from = sub.and_then(|s| d.child(&s).ok());
        let Ok(dkim) = DkimSigning::for_region(tokens, &region) else {
            return Ok(()); // two equal tokens: refused, tested beside DkimSigning
        };
        let recipients = DmarcRecipients::new(&admin).aggregate(&aggregate).failure(&failure);
        let Ok(r) = required_records(&d, mail_from.as_ref(), &region, &recipients, &dkim) else {
            // Only a name too long for `_dmarc.` or `<token>._domainkey.` is refused.
            prop_assert!(d.as_str().len() > 253 - 75);
            return Ok(());
        };
        for set in r.record_sets() {
            check_name(set.name().as_str());
            for v in set.data().plain_values() {
                if set.record_type() != RecordType::Txt {
                    check_name(v.rsplit(' ').next().unwrap());
                }
            }
            if let RecordData::Txt(values) = set.data() {
                for t in values {
                    prop_assert!(t.character_strings().iter().all(|s| s.len() <= 255));
                    prop_assert_eq!(t.character_strings().concat(), t.value());
                }
            }
        }
        let text = txt_value(r.dmarc());
        let parsed = DmarcRecord::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &DmarcRecord::for_broker(&recipients));
        prop_assert_eq!(parsed.policy(), DmarcPolicy::Reject);
        prop_assert_eq!(parsed.rua()[0].uri(), "mailto:reports@dmarc.cyber.dhs.gov");
        let want_rua = if aggregate.is_empty() { 2 } else { aggregate.len() + 1 };
        prop_assert_eq!(parsed.rua().len(), want_rua);
        // Every zone line decodes back to the exact TXT value.
        for (line, set) in r.to_zone_file().lines().zip(r.record_sets()) {
            if set.record_type() == RecordType::Txt {
                let decoded = decode_zone_txt(line);
                prop_assert!(decoded.iter().all(|s| s.len() <= 255));
                prop_assert_eq!(decoded.concat(), txt_value(set).into_bytes());
            }
        }
        // What was rendered checks as present, given plainly or as zone (dig) lines.
        prop_assert!(check(&r, &observed_from(&r)).is_ok());
        let from_zone = ObservedRecord::parse_dig(&r.to_zone_file()).unwrap();
        prop_assert!(check(&r, &from_zone).is_ok());
    }

    #[test]
    fn any_txt_value_survives_the_zone_rendering(value in "\\PC{0,600}|[\\x00-\\x7f]{0,300}") {
        let set = hostile_set(&value);
        let zone = zone_file_fragment([&set]);
        prop_assert_eq!(zone.lines().count(), 1);
        let decoded = decode_zone_txt(zone.lines().next().unwrap());
        prop_assert!(decoded.iter().all(|s| s.len() <= 255));
        prop_assert_eq!(decoded.concat(), value.as_bytes().to_vec());
    }

    #[test]
    fn parsers_and_check_never_panic(text in "\\PC{0,200}", name in "\\PC{0,40}", rtype in "TXT|MX|CNAME|A|\\PC{0,5}") {
        if let Ok(r) = DmarcRecord::parse(&text) {
            prop_assert_eq!(DmarcRecord::parse(&r.to_string()).unwrap(), r);
        }
        if let Ok(r) = SpfRecord::parse(&text) {
            prop_assert_eq!(SpfRecord::parse(&r.to_string()).unwrap(), r);
        }
        let _ = SpfRecord::merge(&text);
        let r = Inputs::full().records();
        let _ = check(&r, &[ObservedRecord::new(&name, &rtype, vec![text])]);
    }

    #[test]
    fn dig_parser_never_panics_and_reads_every_zone_txt_back(
        lines in proptest::collection::vec(
            "[a-zA-Z_.]{1,12}( 600| 1h)?( IN)? (TXT|CNAME|MX|NS|A|TYPE65) ([\"\\\\; ()a-z0-9.\t]|\\\\[0-9]{1,3}){0,40}",
            0..6,
        ),
        value in "\\PC{0,600}|[\\x00-\\x7f]{0,300}",
    ) {
        if let Ok(records) = ObservedRecord::parse_dig(&lines.join("\n")) {
            let _ = check(&Inputs::full().records(), &records);
        }
        let zone = zone_file_fragment([&hostile_set(&value)]);
        let back = ObservedRecord::parse_dig(&zone).unwrap();
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(back[0].data().concat(), value);
    }

    #[test]
    fn parsed_dmarc_and_spf_round_trip(text in "v=DMARC1; ?p=(none|reject)(; ?rua=mailto:[a-z%0-9]{1,8}@[a-z]{1,5}\\.gov(!1[0-9]{0,3}[kmgt]?)?){0,1}(; ?[a-z]{2,4}=[a-z0-9]{0,4}){0,3};?") {
        if let Ok(r) = DmarcRecord::parse(&text) {
            prop_assert_eq!(DmarcRecord::parse(&r.to_string()).unwrap(), r);
        }
    }

    #[test]
    fn spf_merge_is_idempotent(text in "v=spf1( [-~?+]?(a|mx|ptr|include:[a-z]{1,6}\\.example|ip4:192\\.0\\.2\\.[0-9]{1,2}|all)){0,8}") {
        if let Ok(m) = SpfRecord::merge(&text) {
            prop_assert!(m.record().authorizes_ses());
            let again = SpfRecord::merge(&m.record().to_string()).unwrap();
            prop_assert!(!again.changed());
            prop_assert_eq!(again.record(), m.record());
            let spf_count = m.record().to_string().matches("v=spf1").count();
            prop_assert_eq!(spf_count, 1);
        }
    }
}

#[test]
fn public_dns_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RequiredRecords>();
    assert_send_sync::<BrokerManagedRecords>();
    assert_send_sync::<DkimSigning>();
    assert_send_sync::<DmarcRecipients<'static>>();
    assert_send_sync::<ses_broker::dns::CheckReport>();
    assert_send_sync::<ses_broker::dns::Mismatch>();
    assert_send_sync::<ses_broker::dns::DigErrors>();
    assert_send_sync::<ses_broker::dns::NameField>();
    assert_send_sync::<ses_broker::dns::RecordDiff>();
    assert_send_sync::<ses_broker::dns::ChangeBatch>();
    assert_send_sync::<ses_broker::dns::DnsError>();
}

#[test]
fn a_domain_too_long_for_dkim_names_is_refused_not_truncated() {
    let long = domain(&format!(
        "{}.{}.{}.{}.gov",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(20)
    ));
    // 216 characters: `_dmarc.` fits, `<32-character token>._domainkey.` does not.
    let err = Inputs {
        domain: long,
        ..Inputs::simple()
    };
    let dkim = DkimSigning::for_region(tokens(), &err.region).unwrap();
    let e = required_records(
        &err.domain,
        None,
        &err.region,
        &DmarcRecipients::new(&err.admin),
        &dkim,
    )
    .unwrap_err();
    // A 32-character token cannot fit beside this domain: the domain is to blame.
    assert!(
        matches!(
            e,
            ses_broker::dns::DnsError::DerivedName {
                field: ses_broker::dns::NameField::Domain,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with("domain: record name "), "{e}");
    assert!(e.to_string().contains("at most 253"), "{e}");
}

// ---- issue 10: what hostile inputs found in `check` and the record names ----

fn status_of(report: &ses_broker::dns::CheckReport, key: RecordKey) -> RecordStatus {
    report
        .records
        .iter()
        .find(|c| c.key == key)
        .unwrap()
        .status
        .clone()
}

fn with_txt(records: &RequiredRecords, name: &str, value: &str) -> Vec<ObservedRecord> {
    let mut observed: Vec<ObservedRecord> = observed_from(records)
        .into_iter()
        .filter(|o| !(o.name() == name && o.record_type() == "TXT"))
        .collect();
    observed.push(ObservedRecord::new(name, "TXT", vec![value.to_owned()]));
    observed
}

#[test]
fn check_finds_a_dmarc_record_with_spaces_around_the_equals_sign() {
    let r = Inputs::full().records();
    let spaced = txt_value(r.dmarc()).replacen("v=DMARC1", "v = DMARC1", 1);
    assert!(
        DmarcRecord::parse(&spaced).is_ok(),
        "the parser accepts {spaced}"
    );
    let report = check(&r, &with_txt(&r, "_dmarc.agency.gov", &spaced));
    assert_eq!(status_of(&report, RecordKey::Dmarc), RecordStatus::Present);
    // A spaced record that says something else is wrong, not missing.
    let report = check(&r, &with_txt(&r, "_dmarc.agency.gov", "v =DMARC1; p=none"));
    assert!(matches!(
        status_of(&report, RecordKey::Dmarc),
        RecordStatus::Wrong { .. }
    ));
    // Two DMARC records, one of them spaced, are a conflict.
    let mut observed = observed_from(&r);
    observed.push(ObservedRecord::new(
        "_dmarc.agency.gov",
        "TXT",
        vec![spaced],
    ));
    let report = check(&r, &observed);
    assert!(
        report
            .conflicts
            .iter()
            .any(|c| matches!(c, Conflict::MultipleDmarc { found, .. } if found.len() == 2)),
        "{report:#?}"
    );
}

#[test]
fn check_never_counts_an_unparseable_spf_record_as_present() {
    let r = Inputs::full().records();
    // Each of these includes amazonses.com before `all`, but a receiver refuses the record
    // as a whole (RFC 7208 §4.6: a syntax error anywhere is permerror).
    for bad in [
        "v=spf1 a/33 include:amazonses.com -all",
        "v=spf1 mx//129 include:amazonses.com -all",
        "v=spf1 a:x.example/24//200 include:amazonses.com -all",
        "v=spf1 a/24/64 include:amazonses.com -all",
        "v=spf1 mx/024 include:amazonses.com -all",
        "v=spf1 a/+24 include:amazonses.com -all",
        "v=spf1 a/ include:amazonses.com -all",
        "v=spf1 ip4:192.0.2.0/024 include:amazonses.com -all",
    ] {
        assert!(SpfRecord::parse(bad).is_err(), "{bad} parses");
        let report = check(&r, &with_txt(&r, "mail.agency.gov", bad));
        assert!(
            matches!(
                status_of(&report, RecordKey::Spf),
                RecordStatus::Wrong { .. }
            ),
            "{bad}: {:?}",
            status_of(&report, RecordKey::Spf)
        );
    }
    // The dual form at its limits is fine.
    for good in [
        "v=spf1 a/32 mx//128 a:x.example/0//0 mx:y.example/24//64 include:amazonses.com -all",
        "v=spf1 ip4:192.0.2.0/0 ip6:2001:db8::/128 include:amazonses.com -all",
    ] {
        let report = check(&r, &with_txt(&r, "mail.agency.gov", good));
        assert_eq!(
            status_of(&report, RecordKey::Spf),
            RecordStatus::Present,
            "{good}"
        );
    }
}

#[test]
fn check_reports_an_spf_record_over_ten_lookups_as_wrong() {
    let r = Inputs::full().records();
    let hosts: Vec<String> = (0..10).map(|n| format!("a:h{n}.example")).collect();
    let over = format!("v=spf1 {} include:amazonses.com -all", hosts.join(" "));
    let report = check(&r, &with_txt(&r, "mail.agency.gov", &over));
    let status = status_of(&report, RecordKey::Spf);
    assert!(matches!(status, RecordStatus::Wrong { .. }), "{status:?}");
    // Ten lookups in all is still within the limit.
    let at = format!("v=spf1 {} include:amazonses.com -all", hosts[..9].join(" "));
    let report = check(&r, &with_txt(&r, "mail.agency.gov", &at));
    assert_eq!(status_of(&report, RecordKey::Spf), RecordStatus::Present);
}

#[test]
fn an_over_long_dkim_record_name_names_the_token_that_made_it() {
    // 209 characters: the longest sending domain, which leaves room for SES's 32-character
    // tokens but not for a 63-character one.
    let d = domain(&format!(
        "{}.{}.{}.{}.gov",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(13)
    ));
    assert_eq!(d.as_str().len(), 209);
    let inputs = Inputs {
        domain: d,
        ..Inputs::simple()
    };
    let long: DkimToken = "x".repeat(63).parse().unwrap();
    let [t0, t1, _] = tokens();
    let dkim = DkimSigning::for_region([t0, t1, long], &inputs.region).unwrap();
    let e = required_records(
        &inputs.domain,
        None,
        &inputs.region,
        &DmarcRecipients::new(&inputs.admin),
        &dkim,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("dkim_tokens[2]: "), "{e}");
    assert!(e.to_string().contains("at most 253"), "{e}");
}

// ---- dig answers, captured from BIND by .ci/check-dig.sh --capture tests/data/dns ----

/// The records .ci/check-dig.sh serves: its provision parameters and tokens.
fn dig_case_records() -> RequiredRecords {
    let aggregate = [
        "dmarc-aggregate-reports+ses@agency.gov",
        "security-operations-center@agency.gov",
        "email-security-team@agency.gov",
    ]
    .map(email);
    let failure = [
        "dmarc-failure-reports@agency.gov",
        "incident-response-team@agency.gov",
    ]
    .map(email);
    let region = region("us-gov-west-1");
    let tokens = [
        "abcdefghijklmnopqrstuvwxyz234567",
        "bcdefghijklmnopqrstuvwxyz2345678",
        "cdefghijklmnopqrstuvwxyz23456789",
    ]
    .map(|t| t.parse().unwrap());
    required_records(
        &domain("agency.gov"),
        Some(&domain("mail.agency.gov")),
        &region,
        &DmarcRecipients::new(&email("admin@agency.gov"))
            .aggregate(&aggregate)
            .failure(&failure),
        &DkimSigning::for_region(tokens, &region).unwrap(),
    )
    .unwrap()
}

fn dig_case(text: &str) -> ses_broker::dns::CheckReport {
    check(
        &dig_case_records(),
        &ObservedRecord::parse_dig(text).unwrap(),
    )
}

#[test]
fn dig_answers_of_the_published_records_check_ok() {
    let published = dig_case(include_str!("data/dns/dig-published.txt"));
    assert!(published.is_ok(), "{published:#?}");
    // `v = DMARC1` split in three strings, a merged SPF split in two, upper-case names,
    // other TXT records with dig's escapes, and dig's `+cmd` comment lines.
    let edited = dig_case(include_str!("data/dns/dig-edited.txt"));
    assert!(edited.is_ok(), "{edited:#?}");
    let json = serde_json::to_value(&edited).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["conflicts"], serde_json::json!([]));
    assert_eq!(
        json["records"][1]["found"][0],
        "v=spf1 ip4:192.0.2.0/24 a/24//64 include:amazonses.com ~all"
    );
    assert_eq!(json["records"][1]["why"], serde_json::Value::Null);
    // The escapes of the other TXT record at _dmarc were read (and it was set aside).
    let observed = ObservedRecord::parse_dig(include_str!("data/dns/dig-edited.txt")).unwrap();
    assert!(
        observed
            .iter()
            .any(|o| o.data() == ["a note; with \"quotes\", a tab\tand café"])
    );
}

#[test]
fn dig_answers_of_a_broken_zone_name_each_problem() {
    let report = dig_case(include_str!("data/dns/dig-broken.txt"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["ok"], false);
    let records = json["records"].as_array().unwrap();
    for r in records {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["key", "name", "type", "status", "found", "why"]);
    }
    let status: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        status,
        [
            ("dmarc_verification_record", "wrong"),
            ("spf_verification_record", "wrong"),
            ("dkim_record_0", "present"),
            ("dkim_record_1", "missing"),
            ("dkim_record_2", "wrong"),
            ("mx_verification_record", "wrong"),
        ]
    );
    let why = |i: usize| records[i]["why"].as_str().unwrap();
    assert!(
        why(0).starts_with(
            "the dmarc record differs from the required one; publish: v=DMARC1; p=reject;"
        ),
        "{}",
        why(0)
    );
    assert_eq!(
        why(1),
        "the spf record needs 11 dns lookups, more than the 10 receivers allow: they return permerror"
    );
    assert!(why(3).starts_with(
        "no CNAME record at bcdefghijklmnopqrstuvwxyz2345678._domainkey.agency.gov; publish: "
    ));
    assert_eq!(
        records[4]["found"],
        serde_json::json!(["cdefghijklmnopqrstuvwxyz23456789.dkim.amazonses.com.agency.gov"])
    );
    assert_eq!(
        json["conflicts"],
        serde_json::json!([{
            "kind": "multiple_mail_from_mx",
            "name": "mail.agency.gov",
            "found": ["10 feedback-smtp.us-gov-west-1.amazonses.com", "20 mx.other.example"],
            "why": "2 mx records at the mail from domain mail.agency.gov: ses needs exactly one"
        }])
    );
}

#[test]
fn a_zone_fragment_reads_back_as_dig_answers() {
    let r = dig_case_records();
    let observed = ObservedRecord::parse_dig(&r.to_zone_file()).unwrap();
    assert_eq!(observed.len(), 6);
    assert!(check(&r, &observed).is_ok());
}

#[test]
fn check_never_counts_a_signed_mx_preference_as_present() {
    let r = Inputs::full().records();
    let mut observed: Vec<ObservedRecord> = observed_from(&r)
        .into_iter()
        .filter(|o| o.record_type() != "MX")
        .collect();
    observed.push(ObservedRecord::new(
        "mail.agency.gov",
        "MX",
        vec!["+10 feedback-smtp.us-gov-west-1.amazonses.com".into()],
    ));
    let report = check(&r, &observed);
    assert!(matches!(
        status_of(&report, RecordKey::MailFromMx),
        RecordStatus::Wrong { .. }
    ));
}
