//! Deriving the SPEC 5 records and rendering every format, beside a baseline that only
//! formats the same strings with `format!` (no validation, no record model), the cost
//! against the number of DMARC report recipients (1, 10, 100: it should grow linearly),
//! and reading and checking `dig` answers beside splitting their lines into fields.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "a benchmark over fixed, valid inputs"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ses_broker::{
    dns::{DkimSigning, DmarcRecipients, ObservedRecord, RequiredRecords, check, required_records},
    values::{DomainName, EmailAddress, Region},
};

struct Fixture {
    domain: DomainName,
    mail_from: DomainName,
    region: Region,
    admin: EmailAddress,
    aggregate: Vec<EmailAddress>,
    failure: Vec<EmailAddress>,
    dkim: DkimSigning,
}

const TOKENS: [&str; 3] = [
    "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz",
    "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp",
    "abcdefghijklmnopqrstuvwxyz234567",
];

impl Fixture {
    fn new(recipients: usize) -> Self {
        let region: Region = "us-gov-west-1".parse().unwrap();
        let list = |kind: &str| -> Vec<EmailAddress> {
            (0..recipients)
                .map(|i| format!("{kind}-reports-{i}@agency.gov").parse().unwrap())
                .collect()
        };
        Self {
            domain: "agency.gov".parse().unwrap(),
            mail_from: "mail.agency.gov".parse().unwrap(),
            admin: "admin@agency.gov".parse().unwrap(),
            aggregate: list("aggregate"),
            failure: list("failure"),
            dkim: DkimSigning::for_region(TOKENS.map(|t| t.parse().unwrap()), &region).unwrap(),
            region,
        }
    }

    fn derive(&self) -> RequiredRecords {
        required_records(
            &self.domain,
            Some(&self.mail_from),
            &self.region,
            &DmarcRecipients::new(&self.admin)
                .aggregate(&self.aggregate)
                .failure(&self.failure),
            &self.dkim,
        )
        .unwrap()
    }

    /// Derive, then every rendering; returns the total output length.
    fn derive_and_render_all(&self) -> usize {
        let r = self.derive();
        serde_json::to_string(&r).unwrap().len()
            + r.to_zone_file().len()
            + serde_json::to_string(&r.to_route53_change_batch())
                .unwrap()
                .len()
            + r.to_brokerpak_string().len()
    }

    /// Baseline: the same record strings, formatted directly from plain strings (as the
    /// deployed broker's template does), once per output format, with no escaping,
    /// splitting or validation.
    fn format_only(&self) -> usize {
        let d = self.domain.as_str();
        let mf = self.mail_from.as_str();
        let mailto = |list: &[EmailAddress]| -> String {
            list.iter()
                .map(|a| format!("mailto:{a}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let dmarc = format!(
            "v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,{}; ruf={}",
            mailto(&self.aggregate),
            mailto(&self.failure)
        );
        let mut records = vec![
            (format!("_dmarc.{d}"), "TXT", dmarc),
            (
                mf.to_owned(),
                "TXT",
                "v=spf1 include:amazonses.com -all".to_owned(),
            ),
        ];
        for t in TOKENS {
            records.push((
                format!("{t}._domainkey.{d}"),
                "CNAME",
                format!("{t}.dkim.amazonses.com"),
            ));
        }
        records.push((
            mf.to_owned(),
            "MX",
            format!("10 feedback-smtp.{}.amazonses.com", self.region),
        ));
        let mut total = 0;
        for (name, rtype, value) in &records {
            total += format!(
                "{{\"name\":\"{name}\",\"type\":\"{rtype}\",\"ttl\":600,\"records\":[\"{value}\"]}}"
            )
            .len();
            total += format!("{name}. 600 IN {rtype} \"{value}\"\n").len();
            total += format!("{{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{{\"Name\":\"{name}\",\"Type\":\"{rtype}\",\"TTL\":600,\"ResourceRecords\":[{{\"Value\":\"\\\"{value}\\\"\"}}]}}}}").len();
            total += format!("  k = {{\n    name    = \"{name}\"\n    type    = \"{rtype}\"\n    ttl     = \"600\"\n    records = [\"{value}\"]\n  }}\n").len();
        }
        total
    }
}

fn derive_and_render(c: &mut Criterion) {
    let f = Fixture::new(2);
    let mut g = c.benchmark_group("dns");
    g.bench_function("baseline_format_only", |b| {
        b.iter(|| black_box(&f).format_only())
    });
    g.bench_function("derive", |b| b.iter(|| black_box(&f).derive()));
    g.bench_function("derive_and_render_all", |b| {
        b.iter(|| black_box(&f).derive_and_render_all());
    });
    g.finish();
}

fn recipients(c: &mut Criterion) {
    let mut g = c.benchmark_group("dns_recipients");
    for n in [1usize, 10, 100] {
        let f = Fixture::new(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("baseline_format_only", n), &f, |b, f| {
            b.iter(|| black_box(f).format_only());
        });
        g.bench_with_input(BenchmarkId::new("derive_and_render_all", n), &f, |b, f| {
            b.iter(|| black_box(f).derive_and_render_all());
        });
    }
    g.finish();
}

/// `sesctl records --check`: reading answer lines (the fixture's zone lines, the shape
/// `dig` prints) and checking them, beside a baseline that only splits each line into
/// whitespace-separated fields, as a shell script's `read name ttl class type data` would.
fn check_answers(c: &mut Criterion) {
    let f = Fixture::new(2);
    let required = f.derive();
    let answers = required.to_zone_file();
    let mut g = c.benchmark_group("dns_check");
    g.bench_function("baseline_split_fields", |b| {
        b.iter(|| {
            black_box(&answers)
                .lines()
                .map(|l| l.split_whitespace().count())
                .sum::<usize>()
        });
    });
    g.bench_function("parse_dig", |b| {
        b.iter(|| {
            ObservedRecord::parse_dig(black_box(&answers))
                .unwrap()
                .len()
        });
    });
    g.bench_function("parse_dig_and_check", |b| {
        b.iter(|| {
            let observed = ObservedRecord::parse_dig(black_box(&answers)).unwrap();
            check(&required, &observed).is_ok()
        });
    });
    g.finish();
}

criterion_group!(benches, derive_and_render, recipients, check_answers);
criterion_main!(benches);
