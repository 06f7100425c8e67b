//! DNS records a customer publishes for an SES sending domain: the record model, DMARC
//! and SPF, derivation, renderings, checking against what DNS answers, and the
//! difference between two record sets.
//!
//! Every record this module emits is built from validated values ([`DomainName`],
//! [`EmailAddress`], [`DkimToken`]), and every rendering escapes its own syntax anyway, so
//! a value can never break out of the string it is written into.
//!
//! [`DomainName`]: crate::DomainName
//! [`EmailAddress`]: crate::EmailAddress

mod check;
mod diff;
mod dkim;
mod dmarc;
mod record;
mod render;
mod required;
mod spf;

pub use check::{CheckReport, Conflict, ObservedRecord, RecordCheck, RecordStatus, check};
pub use diff::{RecordChange, RecordDiff};
pub use dkim::{DkimSigning, DkimToken, default_signing_zone};
pub use dmarc::{
    CISA_AGGREGATE_ADDRESS, DmarcError, DmarcPolicy, DmarcRecipients, DmarcRecord, DmarcUri,
};
pub use record::{
    MAX_CHARACTER_STRING, MxData, OwnerName, RecordData, RecordSet, RecordType, Ttl, TxtData,
};
pub use render::{
    ChangeBatch, RecordFormat, ResourceRecord, ResourceRecordSet, Route53Change,
    route53_change_batch, zone_file_fragment,
};
pub use required::{BrokerManagedRecords, RecordKey, RequiredRecords, required_records};
pub use spf::{SPF_LOOKUP_LIMIT, SpfError, SpfLookups, SpfMerge, SpfRecord, SpfTerm, SpfTermKind};

/// Why records could not be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DnsError {
    /// A derived name breaks DNS limits (253 characters, 63 per label).
    #[error("record name {name} is not a valid DNS name: {problem}")]
    Name {
        /// An excerpt of the name.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// The MAIL FROM domain is not strictly below the sending domain.
    #[error("mail_from_subdomain: {mail_from} is not a subdomain of {domain}")]
    MailFromNotSubdomain {
        /// The MAIL FROM domain.
        mail_from: String,
        /// The sending domain.
        domain: String,
    },
    /// A TXT value too long for one record.
    #[error("txt value is {len} bytes long, more than one record can hold")]
    TxtTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// An output format name that is not `json`, `zone`, `route53` or `hcl`.
    #[error("format must be json, zone, route53 or hcl, found {found}")]
    UnknownFormat {
        /// An excerpt of the name given.
        found: String,
    },
    /// Two DKIM tokens are the same.
    #[error("dkim tokens: {token} appears more than once")]
    DuplicateDkimToken {
        /// The repeated token (tokens are letters and digits, safe to show).
        token: String,
    },
    /// A record set without values.
    #[error("record set {name} has no values")]
    EmptyRecordSet {
        /// The owner name.
        name: String,
    },
}
