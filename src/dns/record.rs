//! The record model: owner names (which may hold `_dmarc`-style labels), TTLs, record data
//! and record sets.

use crate::prelude::*;

use crate::values::{DomainName, ValueError, ValueKind, describe_char, excerpt, string_value};

use super::DnsError;

/// Longest name in presentation form without the trailing dot (RFC 1035 §2.3.4).
pub(crate) const MAX_NAME_LEN: usize = 253;
/// Longest label (RFC 1035 §2.3.4).
pub(crate) const MAX_LABEL_LEN: usize = 63;
/// Longest TXT character-string in octets (RFC 1035 §3.3).
pub const MAX_CHARACTER_STRING: usize = 255;
/// Largest RDATA of one record in octets (the 16-bit RDLENGTH).
const MAX_RDATA: usize = 65_535;

/// The name a record is published at (its owner), lowercase, without the trailing dot.
///
/// Unlike a [`DomainName`], which names hosts and must stay letter-digit-hyphen, an owner
/// name may carry underscore labels (`_dmarc`, `_domainkey`: RFC 8552 attribute leaves).
/// It is built from a `DomainName` ([`From`]) and [`OwnerName::prefixed`], or parsed from
/// text ([`OwnerName::parse`]: letters, digits, hyphens and underscores only, labels of at
/// most 63 and names of at most 253 characters, at least two labels).
///
/// ```
/// use ses_broker::{values::DomainName, dns::OwnerName};
/// let domain: DomainName = "agency.gov".parse()?;
/// let dmarc = OwnerName::prefixed("_dmarc", &domain)?;
/// assert_eq!(dmarc.as_str(), "_dmarc.agency.gov");
/// assert_eq!(dmarc.to_absolute(), "_dmarc.agency.gov.");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OwnerName(String);

string_value!(OwnerName);

fn name_err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::Other, message)
}

impl OwnerName {
    /// Parses an owner name: ASCII letters, digits, `-` and `_`, any case (stored
    /// lowercase), an optional trailing dot.
    ///
    /// # Errors
    /// A [`ValueError`] naming the first problem.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let name = input.strip_suffix('.').unwrap_or(input);
        if name.is_empty() {
            return Err(name_err("owner name must not be empty"));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(name_err(format!(
                "owner name contains {}; only letters, digits, '-', '_' and dots are allowed",
                describe_char(c)
            )));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(name_err(format!(
                "owner name is {} characters long; a name has at most {MAX_NAME_LEN}",
                name.len()
            )));
        }
        let mut labels = 0usize;
        for label in name.split('.') {
            labels += 1;
            if label.is_empty() {
                return Err(name_err("owner name has an empty label"));
            }
            if label.len() > MAX_LABEL_LEN {
                return Err(name_err(format!(
                    "owner name label {} is longer than {MAX_LABEL_LEN} characters",
                    excerpt(label)
                )));
            }
        }
        if labels < 2 {
            return Err(name_err(format!(
                "owner name {} has a single label",
                excerpt(name)
            )));
        }
        Ok(Self(name.to_ascii_lowercase()))
    }

    /// `label.base`, such as `_dmarc.agency.gov` or `mail.agency.gov`.
    ///
    /// # Errors
    /// [`DnsError::Name`] when the label is not a valid owner label or the name would be
    /// longer than 253 characters.
    pub fn prefixed(label: &str, base: &DomainName) -> Result<Self, DnsError> {
        Self::parse(&format!("{label}.{base}")).map_err(|e| DnsError::Name {
            name: excerpt(&format!("{label}.{base}")),
            problem: e.message().to_owned(),
        })
    }

    /// The name, lowercase, without the trailing dot.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name with its trailing dot, as zone files need it.
    #[must_use]
    pub fn to_absolute(&self) -> String {
        format!("{}.", self.0)
    }

    /// The labels, left to right.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }
}

impl From<DomainName> for OwnerName {
    fn from(domain: DomainName) -> Self {
        Self(domain.as_str().to_owned())
    }
}

impl From<&DomainName> for OwnerName {
    fn from(domain: &DomainName) -> Self {
        Self(domain.as_str().to_owned())
    }
}

/// A record's time to live in seconds, at most 2^31 - 1 (RFC 2181 §8).
///
/// ```
/// use ses_broker::dns::Ttl;
/// assert_eq!(Ttl::RECORDS.seconds(), 600);
/// assert_eq!(Ttl::DELEGATION.seconds(), 30);
/// assert!(Ttl::new(1 << 31).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Ttl(u32);

impl Ttl {
    /// 600 seconds: every record a customer publishes.
    pub const RECORDS: Self = Self(600);
    /// 30 seconds: the NS delegation of a generated domain in its parent zone.
    pub const DELEGATION: Self = Self(30);

    /// A TTL, or `None` above 2^31 - 1.
    #[must_use]
    pub const fn new(seconds: u32) -> Option<Self> {
        if seconds > i32::MAX as u32 {
            None
        } else {
            Some(Self(seconds))
        }
    }

    /// The TTL in seconds.
    #[must_use]
    pub const fn seconds(self) -> u32 {
        self.0
    }
}

/// The record types this crate emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RecordType {
    /// Text: DMARC and SPF policies.
    Txt,
    /// Canonical name: the Easy DKIM selectors.
    Cname,
    /// Mail exchange: the custom MAIL FROM domain's bounce endpoint.
    Mx,
    /// Name server: the delegation of a generated domain.
    Ns,
}

impl RecordType {
    /// The type's mnemonic (`TXT`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Txt => "TXT",
            Self::Cname => "CNAME",
            Self::Mx => "MX",
            Self::Ns => "NS",
        }
    }
}

impl core::fmt::Display for RecordType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RecordType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The text of one TXT record: a logical value that is published as one or more
/// character-strings of at most 255 octets each, which readers concatenate with nothing in
/// between (RFC 7208 §3.3, DMARC §4.7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxtData(String);

impl TxtData {
    /// Wraps a value.
    ///
    /// # Errors
    /// [`DnsError::TxtTooLong`] when the value cannot fit one record's 65,535-octet RDATA.
    pub fn new(value: impl Into<String>) -> Result<Self, DnsError> {
        let value = value.into();
        let strings = value.len().div_ceil(MAX_CHARACTER_STRING).max(1);
        if value.len() + strings > MAX_RDATA {
            return Err(DnsError::TxtTooLong { len: value.len() });
        }
        Ok(Self(value))
    }

    /// The whole value.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.0
    }

    /// The value cut into character-strings of at most 255 octets, never inside a UTF-8
    /// sequence. An empty value is one empty string.
    #[must_use]
    pub fn character_strings(&self) -> Vec<&str> {
        split_character_strings(&self.0)
    }
}

/// Cuts `value` into pieces of at most 255 octets at character boundaries.
pub(crate) fn split_character_strings(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    while rest.len() > MAX_CHARACTER_STRING {
        let mut cut = MAX_CHARACTER_STRING;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        out.push(head);
        rest = tail;
    }
    out.push(rest);
    out
}

/// One MX value: preference and exchange host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MxData {
    /// Lower is preferred.
    pub preference: u16,
    /// The mail exchange host.
    pub exchange: DomainName,
}

/// The data of a record set: one type, one or more values (exactly one for CNAME).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecordData {
    /// TXT records, one per value.
    Txt(Vec<TxtData>),
    /// A CNAME target (a CNAME set holds exactly one).
    Cname(DomainName),
    /// MX records.
    Mx(Vec<MxData>),
    /// NS records.
    Ns(Vec<DomainName>),
}

impl RecordData {
    /// The record type.
    #[must_use]
    pub const fn record_type(&self) -> RecordType {
        match self {
            Self::Txt(_) => RecordType::Txt,
            Self::Cname(_) => RecordType::Cname,
            Self::Mx(_) => RecordType::Mx,
            Self::Ns(_) => RecordType::Ns,
        }
    }

    /// Each value in the plain form people paste into a DNS console: TXT unquoted and
    /// whole, host names without the trailing dot, MX as `10 host`.
    #[must_use]
    pub fn plain_values(&self) -> Vec<String> {
        match self {
            Self::Txt(values) => values.iter().map(|t| t.value().to_owned()).collect(),
            Self::Cname(target) => vec![target.to_string()],
            Self::Mx(values) => values
                .iter()
                .map(|mx| format!("{} {}", mx.preference, mx.exchange))
                .collect(),
            Self::Ns(hosts) => hosts.iter().map(ToString::to_string).collect(),
        }
    }
}

/// All records of one type at one name, with their TTL.
///
/// Serialises as `{"name", "type", "ttl", "records"}`, the values in their plain form (the
/// shape of one entry of [`RequiredRecords`](super::RequiredRecords)' JSON rendering).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordSet {
    name: OwnerName,
    ttl: Ttl,
    data: RecordData,
}

impl RecordSet {
    /// A record set.
    ///
    /// # Errors
    /// [`DnsError::EmptyRecordSet`] when `data` holds no value.
    pub fn new(name: OwnerName, ttl: Ttl, data: RecordData) -> Result<Self, DnsError> {
        let empty = match &data {
            RecordData::Txt(v) => v.is_empty(),
            RecordData::Mx(v) => v.is_empty(),
            RecordData::Ns(v) => v.is_empty(),
            RecordData::Cname(_) => false,
        };
        if empty {
            return Err(DnsError::EmptyRecordSet {
                name: name.to_string(),
            });
        }
        Ok(Self { name, ttl, data })
    }

    /// The owner name.
    #[must_use]
    pub const fn name(&self) -> &OwnerName {
        &self.name
    }

    /// The TTL.
    #[must_use]
    pub const fn ttl(&self) -> Ttl {
        self.ttl
    }

    /// The record type.
    #[must_use]
    pub const fn record_type(&self) -> RecordType {
        self.data.record_type()
    }

    /// The values.
    #[must_use]
    pub const fn data(&self) -> &RecordData {
        &self.data
    }
}

impl serde::Serialize for RecordSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RecordSet", 4)?;
        st.serialize_field("name", self.name.as_str())?;
        st.serialize_field("type", &self.record_type())?;
        st.serialize_field("ttl", &self.ttl)?;
        st.serialize_field("records", &self.data.plain_values())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn owner_names_allow_underscores_but_nothing_else() {
        assert_eq!(
            OwnerName::parse("_DMARC.Agency.gov.").unwrap().as_str(),
            "_dmarc.agency.gov"
        );
        for bad in [
            "", ".", "gov", "a..gov", "a b.gov", "a\"b.gov", "a;b.gov", "é.gov",
        ] {
            assert!(OwnerName::parse(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}.gov", "a".repeat(64));
        assert!(OwnerName::parse(&long).is_err());
    }

    #[test]
    fn prefixed_checks_the_total_length() {
        let label63 = "a".repeat(63);
        let d = DomainName::parse(&format!("{label63}.{label63}.{label63}.{}", "a".repeat(57)))
            .unwrap();
        assert!(OwnerName::prefixed("abc", &d).is_ok());
        assert!(OwnerName::prefixed("_dmarc", &d).is_err());
    }

    #[test]
    fn long_text_splits_at_255_octets_on_char_boundaries() {
        let t = TxtData::new("a".repeat(600)).unwrap();
        let lens: Vec<usize> = t.character_strings().iter().map(|s| s.len()).collect();
        assert_eq!(lens, [255, 255, 90]);
        let t = TxtData::new(format!("{}é", "a".repeat(254))).unwrap();
        let lens: Vec<usize> = t.character_strings().iter().map(|s| s.len()).collect();
        assert_eq!(lens, [254, 2]);
        assert_eq!(TxtData::new("").unwrap().character_strings(), [""]);
        assert!(TxtData::new("a".repeat(70_000)).is_err());
    }

    #[test]
    fn empty_sets_are_refused() {
        let name = OwnerName::parse("a.gov").unwrap();
        assert!(RecordSet::new(name, Ttl::RECORDS, RecordData::Txt(vec![])).is_err());
    }
}
