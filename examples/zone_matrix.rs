//! Writes zone files (and the JSON rendering, `<case>.json`) for a matrix of inputs into the
//! directory given as the only argument, plus `manifest.txt` with one `ORIGIN FILE TXT_RECORDS` line per zone, for `.ci/check-zones.sh` to
//! load each with BIND's `named-checkzone`.
//!
//! The cases: customer and generated domains, with and without MAIL FROM, many report
//! recipients (TXT values split over many 255-octet strings), internationalised domains
//! and addresses, the longest domain that still leaves room for `<token>._domainkey.`, and
//! the parent zone holding a generated domain's NS delegation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "an example: failing loudly is the point"
)]

use std::fmt::Write as _;
use std::path::PathBuf;

use ses_broker::{
    dns::BrokerManagedRecords, dns::DkimSigning, dns::DkimToken, dns::DmarcRecipients,
    dns::RecordFormat, dns::RecordType, dns::RequiredRecords, dns::required_records,
    values::DomainName, values::EmailAddress, values::Region,
};

struct Case {
    file: &'static str,
    domain: String,
    mail_from: Option<&'static str>,
    region: &'static str,
    admin: String,
    aggregate: Vec<String>,
    failure: Vec<String>,
    token_len: usize,
}

impl Case {
    fn new(file: &'static str, domain: &str) -> Self {
        Self {
            file,
            domain: domain.to_owned(),
            mail_from: None,
            region: "us-gov-west-1",
            admin: format!("admin@{domain}"),
            aggregate: vec![],
            failure: vec![],
            token_len: 32,
        }
    }

    fn records(&self) -> RequiredRecords {
        let domain: DomainName = self.domain.parse().unwrap();
        let mail_from = self.mail_from.map(|s| domain.child(s).unwrap());
        let region: Region = self.region.parse().unwrap();
        let parse = |list: &[String]| -> Vec<EmailAddress> {
            list.iter().map(|a| a.parse().unwrap()).collect()
        };
        let (admin, aggregate, failure) = (
            self.admin.parse::<EmailAddress>().unwrap(),
            parse(&self.aggregate),
            parse(&self.failure),
        );
        let alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        let token = |n: usize| -> DkimToken {
            alphabet
                .chars()
                .cycle()
                .skip(n)
                .take(self.token_len)
                .collect::<String>()
                .parse()
                .unwrap()
        };
        let dkim = DkimSigning::for_region([token(0), token(1), token(2)], &region).unwrap();
        required_records(
            &domain,
            mail_from.as_ref(),
            &region,
            &DmarcRecipients::new(&admin)
                .aggregate(&aggregate)
                .failure(&failure),
            &dkim,
        )
        .unwrap()
    }
}

/// An SOA and an NS at the apex, so the fragment loads as a whole zone.
fn header(origin: &str) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 600\n\
         @ 600 IN SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 600\n\
         @ 600 IN NS ns1.example.net.\n@ 600 IN NS ns2.example.org.\n"
    )
}

fn addresses(prefix: &str, domain: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}@{domain}")).collect()
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: zone_matrix DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let long_domain = {
        // The longest name (178 characters) that leaves room for a 63-character token.
        let labels = ["a".repeat(63), "b".repeat(63), "c".repeat(44)];
        format!("{}.gov", labels.join("."))
    };
    let cases = vec![
        Case::new("customer-plain", "agency.gov"),
        Case {
            mail_from: Some("mail"),
            aggregate: vec!["dmarc@agency.gov".into()],
            failure: vec![
                "dmarc@agency.gov".into(),
                "another-address@agency.gov".into(),
            ],
            ..Case::new("customer-mail-from", "agency.gov")
        },
        Case {
            mail_from: Some("bounce.mail"),
            aggregate: addresses("aggregate-reports", "agency.gov", 100),
            failure: addresses("failure+reports", "reports.agency.gov", 100),
            ..Case::new("customer-many-recipients", "agency.gov")
        },
        Case {
            mail_from: Some("post"),
            admin: "admin@bücher.example".into(),
            aggregate: vec![
                "dmarc@bücher.example".into(),
                "rapports@exemple.québec".into(),
            ],
            ..Case::new("customer-idn", "bücher.example")
        },
        Case {
            region: "us-gov-east-1",
            admin: "admin@пример.испытание".into(),
            ..Case::new("customer-idn-cyrillic-east", "почта.пример.испытание")
        },
        Case {
            token_len: 63,
            mail_from: Some("m"),
            admin: "admin@agency.gov".into(),
            ..Case::new("customer-longest-domain", &long_domain)
        },
        Case {
            admin: "admin@agency.gov".into(),
            ..Case::new("generated-plain", "ses-ce93a4007031377b.appmail.cloud.gov")
        },
        Case {
            mail_from: Some("mail"),
            region: "us-gov-east-1",
            admin: "admin@agency.gov".into(),
            aggregate: addresses("r", "agency.gov", 10),
            ..Case::new(
                "generated-mail-from",
                "ses-0123456789abcdef.appmail.cloud.gov",
            )
        },
    ];
    let mut manifest = String::new();
    let ns: Vec<DomainName> = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.com"]
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
    let mut parent = header("appmail.cloud.gov");
    for case in &cases {
        let records = case.records();
        let origin = records.domain().to_string();
        let zone = format!("{}{}", header(&origin), records.to_zone_file());
        let json = dir.join(format!("{}.json", case.file));
        std::fs::write(&json, records.render(RecordFormat::Json)).unwrap();
        let path = dir.join(format!("{}.zone", case.file));
        std::fs::write(&path, zone).unwrap();
        let txt_records = records
            .record_sets()
            .filter(|s| s.record_type() == RecordType::Txt)
            .count();
        writeln!(manifest, "{origin} {} {txt_records}", path.display()).unwrap();
        if case.file.starts_with("generated") {
            let managed = BrokerManagedRecords::new(records, &ns).unwrap();
            parent.push_str(&managed.delegation_zone_file());
        }
    }
    let path = dir.join("parent-appmail.zone");
    std::fs::write(&path, parent).unwrap();
    writeln!(manifest, "appmail.cloud.gov {} 0", path.display()).unwrap();
    std::fs::write(dir.join("manifest.txt"), &manifest).unwrap();
    print!("{manifest}");
}
