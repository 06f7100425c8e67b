//! The DMARC and SPF parsers, the `dig` answer parser and `check`: never panic; an
//! accepted DMARC or SPF record re-parses from its rendering to an equal value; a merged
//! SPF record authorises SES and merging again changes nothing; an SPF record that checks
//! present parses; a report always serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::dns::{
    DkimSigning, DmarcRecipients, DmarcRecord, ObservedRecord, RecordKey, RecordStatus,
    RequiredRecords, SpfRecord, check, required_records,
};
use ses_broker::values::{DomainName, EmailAddress, Region};

fn fixture() -> Option<RequiredRecords> {
    let domain: DomainName = "agency.gov".parse().ok()?;
    let mail_from = domain.child("mail").ok()?;
    let region: Region = "us-gov-west-1".parse().ok()?;
    let admin: EmailAddress = "admin@agency.gov".parse().ok()?;
    let tokens = [
        "aaaa".parse().ok()?,
        "bbbb".parse().ok()?,
        "cccc".parse().ok()?,
    ];
    let dkim = DkimSigning::for_region(tokens, &region).ok()?;
    required_records(
        &domain,
        Some(&mail_from),
        &region,
        &DmarcRecipients::new(&admin),
        &dkim,
    )
    .ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = DmarcRecord::parse(input) {
        assert_eq!(DmarcRecord::parse(&r.to_string()).as_ref(), Ok(&r));
    }
    if let Ok(r) = SpfRecord::parse(input) {
        assert_eq!(SpfRecord::parse(&r.to_string()).as_ref(), Ok(&r));
    }
    if let Ok(m) = SpfRecord::merge(input) {
        assert!(m.record().authorizes_ses());
        let again = SpfRecord::merge(&m.record().to_string());
        assert!(again.is_ok_and(|a| !a.changed()));
    }
    // Observed records: lines of `name<TAB>type<TAB>data<TAB>data...`.
    let observed: Vec<ObservedRecord> = input
        .lines()
        .map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next().unwrap_or_default();
            let rtype = fields.next().unwrap_or_default();
            ObservedRecord::new(name, rtype, fields.map(str::to_owned).collect())
        })
        .collect();
    if let Some(required) = fixture() {
        let _ = check(&required, &observed);
        // The same text as `dig` answer lines (what `sesctl records --check` reads).
        if let Ok(answers) = ObservedRecord::parse_dig(input) {
            let report = check(&required, &answers);
            assert!(serde_json::to_string(&report).is_ok());
            for r in &report.records {
                if r.status == RecordStatus::Present && r.key == RecordKey::Spf {
                    assert!(r.found.iter().all(|v| SpfRecord::parse(v).is_ok()));
                }
                if r.status == RecordStatus::Present && r.key == RecordKey::Dmarc {
                    assert!(r.found.iter().all(|v| DmarcRecord::parse(v).is_ok()));
                }
            }
        }
    }
});
