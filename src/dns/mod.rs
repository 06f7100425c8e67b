//! DNS records a customer publishes for an SES sending domain: the record model, DMARC
//! and SPF, derivation, renderings, checking against what DNS answers, and the
//! difference between two record sets.
//!
//! Every record this module emits is built from validated values ([`DomainName`],
//! [`EmailAddress`], [`DkimToken`]), and every rendering escapes its own syntax anyway, so
//! a value can never break out of the string it is written into.
//!
//! [`DomainName`]: crate::values::DomainName
//! [`EmailAddress`]: crate::values::EmailAddress

use crate::prelude::*;

mod check;
mod diff;
mod dig;
mod dkim;
mod dmarc;
mod record;
mod render;
mod required;
mod spf;

pub use check::{
    CheckReport, Conflict, Mismatch, ObservedRecord, RecordCheck, RecordStatus, check,
};
pub use diff::{RecordChange, RecordDiff};
pub use dig::{DigErrors, DigLineError};
pub use dkim::{
    DKIM_NAME_OVERHEAD, DkimSigning, DkimToken, SES_DKIM_TOKEN_LEN, default_signing_zone,
};
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
pub use spf::{
    IpFamily, SPF_LOOKUP_LIMIT, SpfError, SpfLookups, SpfMerge, SpfRecord, SpfTerm, SpfTermKind,
};

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
    /// A record name derived from the inputs breaks DNS limits; `field` is the input that
    /// made it so.
    #[error("{field}: record name {name} is not a valid DNS name: {problem}")]
    DerivedName {
        /// The input the name was derived from.
        field: NameField,
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

impl DnsError {
    /// A [`Self::Name`] error as the [`Self::DerivedName`] of `field`; others unchanged.
    fn for_field(self, field: NameField) -> Self {
        match self {
            Self::Name { name, problem } => Self::DerivedName {
                field,
                name,
                problem,
            },
            other => other,
        }
    }
}

/// The input a record name is derived from, named when the name breaks DNS limits
/// ([`DnsError::DerivedName`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameField {
    /// The sending domain: `_dmarc.<domain>`, or a DKIM name when even a 32-character
    /// token (SES's usual) would not fit beside it.
    Domain,
    /// The DKIM token at this index (0 to 2) of [`DkimSigning::tokens`]: a DKIM name that
    /// a 32-character token would have kept within limits.
    DkimToken(usize),
    /// The DKIM signing zone: a CNAME target that a 32-character token would not fit.
    SigningZone,
    /// The region: the MAIL FROM MX host `feedback-smtp.<region>.amazonses.com`.
    Region,
}

impl core::fmt::Display for NameField {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Domain => f.write_str("domain"),
            Self::DkimToken(i) => write!(f, "dkim_tokens[{i}]"),
            Self::SigningZone => f.write_str("dkim_signing_zone"),
            Self::Region => f.write_str("region"),
        }
    }
}
