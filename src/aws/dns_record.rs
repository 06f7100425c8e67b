//! A Route 53 record set as the core stores it and hands it to `ChangeResourceRecordSets`.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use crate::dns::{OwnerName, RecordSet, route53_change_batch};
use crate::values::{ValueError, ValueKind};

/// The record types a [`DnsRecordSet`] may have.
const TYPES: [&str; 4] = ["TXT", "CNAME", "MX", "NS"];

/// One Route 53 record set: owner name (no trailing dot), type, TTL and the values in
/// Route 53's presentation form (TXT values quoted, split into 255-octet strings).
///
/// Made from the crate's DNS model ([`RecordSet`]) by the same rendering as
/// [`route53_change_batch`]; deserialising checks the name, the type and that there is a
/// value, so a stored progress cannot smuggle in another record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", try_from = "RawRecordSet")]
pub struct DnsRecordSet {
    name: String,
    #[serde(rename = "Type")]
    record_type: String,
    #[serde(rename = "TTL")]
    ttl: u32,
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRecordSet {
    name: String,
    #[serde(rename = "Type")]
    record_type: String,
    #[serde(rename = "TTL")]
    ttl: u32,
    values: Vec<String>,
}

impl TryFrom<RawRecordSet> for DnsRecordSet {
    type Error = ValueError;
    fn try_from(raw: RawRecordSet) -> Result<Self, Self::Error> {
        let name = OwnerName::parse(&raw.name)?;
        if !TYPES.contains(&raw.record_type.as_str()) {
            return Err(ValueError::new(
                ValueKind::Other,
                "record type must be TXT, CNAME, MX or NS",
            ));
        }
        if raw.values.is_empty() || raw.values.iter().any(|v| v.chars().any(char::is_control)) {
            return Err(ValueError::new(
                ValueKind::Other,
                "record set needs values without control characters",
            ));
        }
        Ok(Self {
            name: name.as_str().to_owned(),
            record_type: raw.record_type,
            ttl: raw.ttl,
            values: raw.values,
        })
    }
}

impl DnsRecordSet {
    /// The Route 53 form of `set`.
    #[must_use]
    pub fn from_record_set(set: &RecordSet) -> Self {
        let values = route53_change_batch([set])
            .changes
            .into_iter()
            .flat_map(|c| c.resource_record_set.resource_records)
            .map(|r| r.value)
            .collect();
        Self {
            name: set.name().as_str().to_owned(),
            record_type: set.record_type().as_str().to_owned(),
            ttl: set.ttl().seconds(),
            values,
        }
    }

    /// `Name`, without the trailing dot.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `Type`: `TXT`, `CNAME`, `MX` or `NS`.
    #[must_use]
    pub fn record_type(&self) -> &str {
        &self.record_type
    }

    /// `TTL` in seconds.
    #[must_use]
    pub const fn ttl(&self) -> u32 {
        self.ttl
    }

    /// `ResourceRecords[].Value`.
    #[must_use]
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether `other` is the same record set (name and type), whatever its values.
    #[must_use]
    pub fn same_key(&self, other: &Self) -> bool {
        self.name == other.name && self.record_type == other.record_type
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn deserialising_checks_name_type_and_values() {
        let ok = r#"{"Name":"_dmarc.agency.gov","Type":"TXT","TTL":600,"Values":["\"v=DMARC1\""]}"#;
        let set: DnsRecordSet = serde_json::from_str(ok).unwrap();
        assert_eq!(
            (set.name(), set.record_type(), set.ttl()),
            ("_dmarc.agency.gov", "TXT", 600)
        );
        for bad in [
            r#"{"Name":"a b.gov","Type":"TXT","TTL":600,"Values":["x"]}"#,
            r#"{"Name":"a.gov","Type":"A","TTL":600,"Values":["x"]}"#,
            r#"{"Name":"a.gov","Type":"TXT","TTL":600,"Values":[]}"#,
            r#"{"Name":"a.gov","Type":"TXT","TTL":600,"Values":["a\nb"]}"#,
        ] {
            assert!(serde_json::from_str::<DnsRecordSet>(bad).is_err(), "{bad}");
        }
    }
}
