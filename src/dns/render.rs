//! The forms a user pastes records into: an RFC 1035 zone fragment, a Route 53 change
//! batch, and the HCL string of the deployed broker.

use crate::prelude::*;

use core::fmt::Write as _;

use crate::values::excerpt;

use super::{BrokerManagedRecords, DnsError, RecordData, RecordKey, RecordSet, RequiredRecords};

/// Appends `name TTL IN TYPE data` lines for `set` to `out`, names absolute.
fn zone_lines(out: &mut String, set: &RecordSet) {
    let head = format!(
        "{} {} IN {}",
        set.name().to_absolute(),
        set.ttl().seconds(),
        set.record_type()
    );
    let mut line = |data: &str| {
        let _ = writeln!(out, "{head} {data}");
    };
    match set.data() {
        RecordData::Txt(values) => {
            for value in values {
                let strings: Vec<String> = value
                    .character_strings()
                    .into_iter()
                    .map(zone_quoted)
                    .collect();
                line(&strings.join(" "));
            }
        }
        RecordData::Cname(target) => line(&format!("{target}.")),
        RecordData::Mx(values) => {
            for mx in values {
                line(&format!("{} {}.", mx.preference, mx.exchange));
            }
        }
        RecordData::Ns(hosts) => {
            for host in hosts {
                line(&format!("{host}."));
            }
        }
    }
}

/// A character-string quoted: `"` and `\` escaped with a backslash, printable ASCII
/// as is, any other byte as `\` plus three digits from `escape_byte`.
fn quoted(s: &str, escape_byte: fn(&mut String, u8)) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => escape_byte(&mut out, b),
        }
    }
    out.push('"');
    out
}

/// Master-file form (RFC 1035 §5.1): `\DDD` is decimal.
fn zone_quoted(s: &str) -> String {
    quoted(s, |out, b| {
        let _ = write!(out, "\\{b:03}");
    })
}

/// An RFC 1035 zone-file fragment for `sets`: one line per record, absolute names,
/// TXT values quoted and split into character-strings of at most 255 octets.
#[must_use]
pub fn zone_file_fragment<'a>(sets: impl IntoIterator<Item = &'a RecordSet>) -> String {
    let mut out = String::new();
    for set in sets {
        zone_lines(&mut out, set);
    }
    out
}

/// Route 53's TXT form: bytes outside printable ASCII (space aside) as octal `\ooo`.
fn route53_quoted(s: &str) -> String {
    quoted(s, |out, b| {
        let _ = write!(out, "\\{b:03o}");
    })
}

/// A Route 53 `ChangeResourceRecordSets` change batch (serialise it with serde to get the
/// JSON the AWS CLI and API take).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ChangeBatch {
    /// The changes, applied as one transaction.
    pub changes: Vec<Route53Change>,
}

/// One change of a [`ChangeBatch`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Route53Change {
    /// Always `UPSERT` here: create or replace.
    pub action: &'static str,
    /// The record set.
    pub resource_record_set: ResourceRecordSet,
}

/// A Route 53 record set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ResourceRecordSet {
    /// The owner name, without the trailing dot.
    pub name: String,
    /// `TXT`, `CNAME`, `MX` or `NS`.
    #[serde(rename = "Type")]
    pub record_type: &'static str,
    /// TTL in seconds.
    #[serde(rename = "TTL")]
    pub ttl: u32,
    /// One entry per record.
    pub resource_records: Vec<ResourceRecord>,
}

/// One record's value in Route 53's presentation format.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ResourceRecord {
    /// TXT: each character-string quoted, separated by a space; others: plain.
    pub value: String,
}

/// An `UPSERT` change batch for `sets`.
#[must_use]
pub fn route53_change_batch<'a>(sets: impl IntoIterator<Item = &'a RecordSet>) -> ChangeBatch {
    let changes = sets
        .into_iter()
        .map(|set| {
            let values: Vec<String> = match set.data() {
                RecordData::Txt(values) => values
                    .iter()
                    .map(|v| {
                        let strings: Vec<String> = v
                            .character_strings()
                            .into_iter()
                            .map(route53_quoted)
                            .collect();
                        strings.join(" ")
                    })
                    .collect(),
                other => other.plain_values(),
            };
            Route53Change {
                action: "UPSERT",
                resource_record_set: ResourceRecordSet {
                    name: set.name().to_string(),
                    record_type: set.record_type().as_str(),
                    ttl: set.ttl().seconds(),
                    resource_records: values
                        .into_iter()
                        .map(|value| ResourceRecord { value })
                        .collect(),
                },
            }
        })
        .collect();
    ChangeBatch { changes }
}

/// A value as an HCL quoted string: `"` `\` and control characters escaped, and the
/// template sequences `${` and `%{` doubled to `$${` and `%%{` so Terraform reads them
/// literally.
fn hcl_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One record value for HCL: TXT over 255 octets gets `""` between its character-strings,
/// the Terraform AWS provider's convention for long TXT values.
fn hcl_record_value(data: &RecordData) -> Vec<String> {
    match data {
        RecordData::Txt(values) => values
            .iter()
            .map(|v| hcl_quoted(&v.character_strings().join("\"\"")))
            .collect(),
        other => other.plain_values().iter().map(|v| hcl_quoted(v)).collect(),
    }
}

impl RequiredRecords {
    /// The records as an RFC 1035 zone-file fragment (see [`zone_file_fragment`]).
    #[must_use]
    pub fn to_zone_file(&self) -> String {
        zone_file_fragment(self.record_sets())
    }

    /// The records as a Route 53 `UPSERT` change batch.
    #[must_use]
    pub fn to_route53_change_batch(&self) -> ChangeBatch {
        route53_change_batch(self.record_sets())
    }

    /// The records as the deployed broker's `required_records` string: an HCL object that
    /// can be pasted into Terraform `locals`, keys in the order Terraform iterates a map
    /// (DKIM, DMARC, SPF), then `mx_verification_record`; `ttl` a string as deployed.
    ///
    /// Deviation: every string is escaped for HCL (the deployed template interpolates raw
    /// values), and TXT values over 255 octets are split with `""`.
    #[must_use]
    pub fn to_brokerpak_string(&self) -> String {
        let mut entries: Vec<(RecordKey, &RecordSet)> = self.iter().collect();
        entries.sort_by_key(|(key, _)| (*key == RecordKey::MailFromMx, key.as_str()));
        let mut out = String::from("{\n");
        for (key, set) in entries {
            let _ = write!(
                out,
                "  {key} = {{\n    name    = {}\n    type    = \"{}\"\n    ttl     = \"{}\"\n    records = [{}]\n  }}\n",
                hcl_quoted(set.name().as_str()),
                set.record_type(),
                set.ttl().seconds(),
                hcl_record_value(set.data()).join(", ")
            );
        }
        out.push_str("}\n");
        out
    }
}

/// The output forms of [`RequiredRecords::render`], named as a command line takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RecordFormat {
    /// `json`: the serde JSON object, pretty-printed.
    #[default]
    Json,
    /// `zone`: an RFC 1035 zone-file fragment.
    Zone,
    /// `route53`: a Route 53 change batch as JSON.
    Route53,
    /// `hcl`: the deployed broker's `required_records` string.
    Hcl,
}

impl RecordFormat {
    /// Every format's name, for usage text.
    pub const NAMES: [&'static str; 4] = ["json", "zone", "route53", "hcl"];
}

impl core::str::FromStr for RecordFormat {
    type Err = DnsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "zone" => Ok(Self::Zone),
            "route53" => Ok(Self::Route53),
            "hcl" => Ok(Self::Hcl),
            _ => Err(DnsError::UnknownFormat { found: excerpt(s) }),
        }
    }
}

impl RequiredRecords {
    /// The records in `format`, ending with a newline.
    ///
    /// ```
    /// # use ses_broker::dns::*;
    /// # fn demo(records: &RequiredRecords) -> Result<(), DnsError> {
    /// let format: RecordFormat = "zone".parse()?;
    /// print!("{}", records.render(format));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn render(&self, format: RecordFormat) -> String {
        let json = |v: Result<String, serde_json::Error>| {
            // Serialising these plain structs cannot fail; an empty object is the
            // harmless answer if it ever did.
            v.unwrap_or_else(|_| "{}".to_owned()) + "\n"
        };
        match format {
            RecordFormat::Json => json(serde_json::to_string_pretty(self)),
            RecordFormat::Zone => self.to_zone_file(),
            RecordFormat::Route53 => json(serde_json::to_string_pretty(
                &self.to_route53_change_batch(),
            )),
            RecordFormat::Hcl => self.to_brokerpak_string(),
        }
    }
}

impl BrokerManagedRecords {
    /// The NS delegation as a zone-file fragment for the parent zone.
    #[must_use]
    pub fn delegation_zone_file(&self) -> String {
        zone_file_fragment([self.delegation()])
    }

    /// The generated domain's own records as a zone-file fragment.
    #[must_use]
    pub fn to_zone_file(&self) -> String {
        self.records().to_zone_file()
    }

    /// The change batch for the parent zone (the delegation).
    #[must_use]
    pub fn delegation_change_batch(&self) -> ChangeBatch {
        route53_change_batch([self.delegation()])
    }

    /// The change batch for the generated domain's hosted zone.
    #[must_use]
    pub fn to_route53_change_batch(&self) -> ChangeBatch {
        self.records().to_route53_change_batch()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail by panicking")]
    use super::*;
    use proptest::prelude::*;

    /// Reads an HCL quoted string back (the escapes `hcl_quoted` writes).
    fn hcl_unquote(s: &str) -> String {
        let inner = s.strip_prefix('"').unwrap().strip_suffix('"').unwrap();
        let mut out = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next().unwrap() {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    other => out.push(other),
                },
                '"' => panic!("unescaped quote in {s}"),
                '$' | '%'
                    if {
                        let mut ahead = chars.clone();
                        ahead.next() == Some(c) && ahead.next() == Some('{')
                    } =>
                {
                    chars.next();
                    out.push(c);
                }
                '$' | '%' => {
                    assert_ne!(chars.peek(), Some(&'{'), "live template sequence in {s}");
                    out.push(c);
                }
                c => {
                    assert!(!c.is_control());
                    out.push(c);
                }
            }
        }
        out
    }

    proptest! {
        #[test]
        fn hcl_quoting_round_trips_and_leaves_no_template(s in "(\\PC|[$%{}\"\\\\\n\t\u{0}])*") {
            prop_assert_eq!(hcl_unquote(&hcl_quoted(&s)), s);
        }
    }

    #[test]
    fn zone_strings_escape_quotes_backslashes_and_bytes_in_decimal() {
        assert_eq!(zone_quoted("a\"b\\c;d"), "\"a\\\"b\\\\c;d\"");
        assert_eq!(zone_quoted("é\n"), "\"\\195\\169\\010\"");
    }

    #[test]
    fn route53_strings_escape_bytes_in_octal() {
        assert_eq!(route53_quoted("ä \""), "\"\\303\\244 \\\"\"");
    }

    #[test]
    fn hcl_strings_escape_templates() {
        assert_eq!(
            hcl_quoted("${a} %{b} $c \"\\\n\u{1}"),
            "\"$${a} %%{b} $c \\\"\\\\\\n\\u0001\""
        );
    }
}
