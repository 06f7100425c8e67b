//! Deriving the records a customer publishes for a sending domain, and the records a broker
//! publishes for a generated domain.

use crate::prelude::*;

use serde::ser::SerializeMap;

use crate::values::{DomainName, MAX_DOMAIN_LEN, Region};

use super::dkim::host;
use super::{
    DkimSigning, DmarcRecipients, DmarcRecord, DnsError, MxData, NameField, OwnerName, RecordData,
    RecordSet, SES_DKIM_TOKEN_LEN, SpfRecord, Ttl, TxtData,
};

/// Which of the required records a record set is; the key names are those of the deployed
/// broker's `required_records` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RecordKey {
    /// `dmarc_verification_record`: TXT at `_dmarc.D`.
    Dmarc,
    /// `spf_verification_record`: TXT at the MAIL FROM domain, or D.
    Spf,
    /// `dkim_record_0`.
    Dkim0,
    /// `dkim_record_1`.
    Dkim1,
    /// `dkim_record_2`.
    Dkim2,
    /// `mx_verification_record`: MX at the MAIL FROM domain.
    MailFromMx,
}

impl RecordKey {
    /// The key as it appears in the JSON and HCL renderings.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dmarc => "dmarc_verification_record",
            Self::Spf => "spf_verification_record",
            Self::Dkim0 => "dkim_record_0",
            Self::Dkim1 => "dkim_record_1",
            Self::Dkim2 => "dkim_record_2",
            Self::MailFromMx => "mx_verification_record",
        }
    }
}

impl core::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The records a customer publishes for an SES sending domain: DMARC, SPF, three DKIM
/// CNAMEs and, with a MAIL FROM domain, its MX (see [`required_records`]).
///
/// Serialises (serde) to the JSON object keyed like the deployed broker's output, each
/// value `{"name", "type", "ttl", "records"}` with names lacking the trailing dot, the TTL a
/// number and TXT values whole and unquoted; `mx_verification_record` is absent without a
/// MAIL FROM domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredRecords {
    domain: DomainName,
    mail_from: Option<DomainName>,
    dmarc: RecordSet,
    spf: RecordSet,
    dkim: [RecordSet; 3],
    mail_from_mx: Option<RecordSet>,
}

/// Derives the records a customer publishes for `domain`.
///
/// - DMARC: TXT at `_dmarc.<domain>`, [`DmarcRecord::for_broker`].
/// - SPF: TXT `v=spf1 include:amazonses.com -all` at `mail_from` when given, else `domain`.
/// - DKIM: CNAME `<token>._domainkey.<domain>` to `<token>.<signing zone>`, one per token.
/// - MX `10 feedback-smtp.<region>.amazonses.com` at `mail_from`, only when given.
///
/// All with TTL 600.
///
/// ```
/// use ses_broker::{dns::DkimSigning, dns::DmarcRecipients, values::DomainName, values::EmailAddress, values::Region, dns::required_records};
/// let domain: DomainName = "agency.gov".parse()?;
/// let mail_from: DomainName = "mail.agency.gov".parse()?;
/// let region: Region = "us-gov-west-1".parse()?;
/// let admin: EmailAddress = "admin@agency.gov".parse()?;
/// let tokens = ["aaaa".parse()?, "bbbb".parse()?, "cccc".parse()?];
/// let dkim = DkimSigning::for_region(tokens, &region)?;
/// let records = required_records(&domain, Some(&mail_from), &region, &DmarcRecipients::new(&admin), &dkim)?;
/// assert_eq!(records.iter().count(), 6);
/// assert_eq!(records.spf().name().as_str(), "mail.agency.gov");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`DnsError::MailFromNotSubdomain`] when `mail_from` is not strictly below `domain`;
/// [`DnsError::DerivedName`] when a derived name would break DNS length limits, naming
/// the input that made it so ([`NameField`]): a `domain` of more than 209 characters
/// leaves no room for `<32-character token>._domainkey.`, and a longer token needs a
/// shorter domain.
pub fn required_records(
    domain: &DomainName,
    mail_from: Option<&DomainName>,
    region: &Region,
    recipients: &DmarcRecipients<'_>,
    dkim: &DkimSigning,
) -> Result<RequiredRecords, DnsError> {
    if let Some(mf) = mail_from
        && (mf == domain || !mf.is_within(domain))
    {
        return Err(DnsError::MailFromNotSubdomain {
            mail_from: mf.to_string(),
            domain: domain.to_string(),
        });
    }
    let txt = |name: OwnerName, value: String| -> Result<RecordSet, DnsError> {
        RecordSet::new(
            name,
            Ttl::RECORDS,
            RecordData::Txt(vec![TxtData::new(value)?]),
        )
    };
    let dmarc = txt(
        OwnerName::prefixed("_dmarc", domain).map_err(|e| e.for_field(NameField::Domain))?,
        DmarcRecord::for_broker(recipients).to_string(),
    )?;
    let spf = txt(
        OwnerName::from(mail_from.unwrap_or(domain)),
        SpfRecord::amazonses().to_string(),
    )?;
    let [t0, t1, t2] = dkim.tokens();
    // Which input to name when a DKIM name or target is too long: the token, unless the
    // other part leaves no room even for a token of SES's usual length.
    let zone = dkim.signing_zone();
    let cname = |index: usize, token: &super::DkimToken| -> Result<RecordSet, DnsError> {
        let blame = |other_len: usize, affix: usize, other: NameField| {
            if other_len + affix + SES_DKIM_TOKEN_LEN <= MAX_DOMAIN_LEN {
                NameField::DkimToken(index)
            } else {
                other
            }
        };
        let name = OwnerName::prefixed(&format!("{token}._domainkey"), domain).map_err(|e| {
            e.for_field(blame(
                domain.as_str().len(),
                "._domainkey.".len(),
                NameField::Domain,
            ))
        })?;
        let target = host(&format!("{token}.{zone}"))
            .map_err(|e| e.for_field(blame(zone.as_str().len(), 1, NameField::SigningZone)))?;
        RecordSet::new(name, Ttl::RECORDS, RecordData::Cname(target))
    };
    let mail_from_mx = match mail_from {
        Some(mf) => Some(RecordSet::new(
            OwnerName::from(mf),
            Ttl::RECORDS,
            RecordData::Mx(vec![MxData {
                preference: 10,
                exchange: host(&format!("feedback-smtp.{region}.amazonses.com"))
                    .map_err(|e| e.for_field(NameField::Region))?,
            }]),
        )?),
        None => None,
    };
    Ok(RequiredRecords {
        domain: domain.clone(),
        mail_from: mail_from.cloned(),
        dmarc,
        spf,
        dkim: [cname(0, t0)?, cname(1, t1)?, cname(2, t2)?],
        mail_from_mx,
    })
}

impl RequiredRecords {
    /// The sending domain.
    #[must_use]
    pub const fn domain(&self) -> &DomainName {
        &self.domain
    }

    /// The custom MAIL FROM domain, when set.
    #[must_use]
    pub const fn mail_from(&self) -> Option<&DomainName> {
        self.mail_from.as_ref()
    }

    /// The DMARC TXT record set.
    #[must_use]
    pub const fn dmarc(&self) -> &RecordSet {
        &self.dmarc
    }

    /// The SPF TXT record set.
    #[must_use]
    pub const fn spf(&self) -> &RecordSet {
        &self.spf
    }

    /// The three DKIM CNAME record sets.
    #[must_use]
    pub const fn dkim(&self) -> &[RecordSet; 3] {
        &self.dkim
    }

    /// The MAIL FROM MX record set, when a MAIL FROM domain is set.
    #[must_use]
    pub const fn mail_from_mx(&self) -> Option<&RecordSet> {
        self.mail_from_mx.as_ref()
    }

    /// Every record set with its key: DMARC, SPF, DKIM 0-2, then MX when present.
    pub fn iter(&self) -> impl Iterator<Item = (RecordKey, &RecordSet)> {
        let [d0, d1, d2] = &self.dkim;
        [
            (RecordKey::Dmarc, &self.dmarc),
            (RecordKey::Spf, &self.spf),
            (RecordKey::Dkim0, d0),
            (RecordKey::Dkim1, d1),
            (RecordKey::Dkim2, d2),
        ]
        .into_iter()
        .chain(
            self.mail_from_mx
                .as_ref()
                .map(|mx| (RecordKey::MailFromMx, mx)),
        )
    }

    /// The record sets alone, in [`Self::iter`] order.
    pub fn record_sets(&self) -> impl Iterator<Item = &RecordSet> {
        self.iter().map(|(_, set)| set)
    }
}

impl serde::Serialize for RequiredRecords {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (key, set) in self.iter() {
            map.serialize_entry(key.as_str(), set)?;
        }
        map.end()
    }
}

/// What a broker publishes itself for a domain it generated (`ses-<hash>.<zone>`): the NS
/// delegation in the parent zone (TTL 30) and, in the generated domain's own zone, the
/// same records a customer would publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerManagedRecords {
    delegation: RecordSet,
    records: RequiredRecords,
}

impl BrokerManagedRecords {
    /// Adds the delegation of `records.domain()` to `name_servers` (the hosted zone's NS
    /// set) to the records: an NS record set at the generated domain itself, in the parent
    /// zone, as the deployed broker publishes it.
    ///
    /// # Errors
    /// [`DnsError::EmptyRecordSet`] when `name_servers` is empty.
    pub fn new(records: RequiredRecords, name_servers: &[DomainName]) -> Result<Self, DnsError> {
        let delegation = RecordSet::new(
            OwnerName::from(records.domain()),
            Ttl::DELEGATION,
            RecordData::Ns(name_servers.to_vec()),
        )?;
        Ok(Self {
            delegation,
            records,
        })
    }

    /// The NS record set to create in the parent zone.
    #[must_use]
    pub const fn delegation(&self) -> &RecordSet {
        &self.delegation
    }

    /// The records to create in the generated domain's zone.
    #[must_use]
    pub const fn records(&self) -> &RequiredRecords {
        &self.records
    }
}
