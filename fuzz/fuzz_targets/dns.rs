//! The DMARC and SPF parsers and `check`: never panic; an accepted DMARC or SPF record
//! re-parses from its rendering to an equal value; a merged SPF record authorises SES
//! and merging again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::{dns::DkimSigning, dns::DmarcRecipients, dns::DmarcRecord, values::DomainName, values::EmailAddress, dns::ObservedRecord, values::Region, dns::RequiredRecords, dns::SpfRecord, dns::check, dns::required_records};

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
    }
});
