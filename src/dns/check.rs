//! Comparing what DNS answers with what must be published.

use crate::prelude::*;

use super::{DmarcRecord, RecordData, RecordKey, RecordSet, RequiredRecords, SpfRecord};

/// One record as a resolver (or a DNS console) reports it.
///
/// Names may be in any case and carry a trailing dot. For TXT, `data` holds the
/// character-strings of one record (they are concatenated), or one string in presentation
/// form (`"v=spf1 " "-all"`), which is unquoted. For other types `data` holds one string,
/// the presentation form of the value (`10 feedback-smtp...` for MX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedRecord {
    name: String,
    record_type: String,
    data: Vec<String>,
}

impl ObservedRecord {
    /// A record of any type (`"TXT"`, `"cname"`, `"A"`, ...).
    #[must_use]
    pub fn new(name: &str, record_type: &str, data: Vec<String>) -> Self {
        Self {
            name: normalise_name(name),
            record_type: record_type.trim().to_ascii_uppercase(),
            data,
        }
    }

    /// The name, lowercase, without the trailing dot.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The record type, uppercase.
    #[must_use]
    pub fn record_type(&self) -> &str {
        &self.record_type
    }

    /// The data as given.
    #[must_use]
    pub fn data(&self) -> &[String] {
        &self.data
    }

    /// The value: TXT strings concatenated (unquoted when in presentation form), other
    /// data joined by spaces.
    fn value(&self) -> String {
        if self.record_type == "TXT" {
            if let [only] = self.data.as_slice()
                && let Some(strings) = unquote_presentation(only)
            {
                return strings;
            }
            self.data.concat()
        } else {
            self.data.join(" ").trim().to_owned()
        }
    }
}

fn normalise_name(name: &str) -> String {
    let name = name.trim();
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// Reads `"a" "b"` (RFC 1035 quoted strings with `\X` and `\DDD` escapes) into `ab`;
/// `None` when the text is not entirely quoted strings.
fn unquote_presentation(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.starts_with('"') {
        return None;
    }
    let mut bytes = Vec::new();
    let mut chars = text.chars();
    loop {
        match chars.next() {
            None => break,
            Some(' ' | '\t') => {}
            Some('"') => loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => {
                        let c = chars.next()?;
                        if let Some(d1) = c.to_digit(10) {
                            let d2 = chars.next()?.to_digit(10)?;
                            let d3 = chars.next()?.to_digit(10)?;
                            bytes.push(u8::try_from(d1 * 100 + d2 * 10 + d3).ok()?);
                        } else {
                            let mut buf = [0; 4];
                            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                    c => {
                        let mut buf = [0; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
            },
            Some(_) => return None,
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// How one required record fares.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordStatus {
    /// Published as required.
    Present,
    /// Nothing of the kind at the name.
    Missing,
    /// Something of the kind is there but differs; the values found.
    Wrong {
        /// The values found, as plain text.
        found: Vec<String>,
    },
}

/// The verdict for one required record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordCheck {
    /// Which record.
    pub key: RecordKey,
    /// What must be published.
    pub expected: RecordSet,
    /// What was found.
    pub status: RecordStatus,
}

/// A state of the observed records that breaks mail whatever the required records say.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conflict {
    /// More than one SPF record at a name: SPF evaluation gives `permerror` (RFC 7208 §4.5).
    MultipleSpf {
        /// The name.
        name: String,
        /// The SPF values found.
        found: Vec<String>,
    },
    /// More than one DMARC record at `_dmarc`: no policy applies (RFC 7489 §6.6.3).
    MultipleDmarc {
        /// The name.
        name: String,
        /// The DMARC values found.
        found: Vec<String>,
    },
    /// A CNAME beside other data at one name (RFC 1034 §3.6.2): resolvers disagree on
    /// what the name holds.
    CnameWithOtherData {
        /// The name.
        name: String,
        /// The other types found there.
        other_types: Vec<String>,
    },
    /// More than one MX at the MAIL FROM domain: SES's custom MAIL FROM setup fails.
    MultipleMailFromMx {
        /// The MAIL FROM domain.
        name: String,
        /// The MX values found.
        found: Vec<String>,
    },
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// One verdict per required record, in [`RequiredRecords::iter`] order.
    pub records: Vec<RecordCheck>,
    /// Conflicts found among the observed records.
    pub conflicts: Vec<Conflict>,
}

impl CheckReport {
    /// Every required record is present and nothing conflicts.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.conflicts.is_empty()
            && self
                .records
                .iter()
                .all(|r| r.status == RecordStatus::Present)
    }
}

/// Compares `observed` with `required`.
///
/// - DMARC: present when a `v=DMARC1` TXT at `_dmarc` equals the required value, or
///   parses to the same record (spacing and case aside).
/// - SPF: present when the SPF record at the name authorises SES (`include:amazonses.com`
///   before `all`), so a merged record counts ([`SpfRecord::merge`]).
/// - CNAME and MX: present when the target (and preference) match, case and trailing dot
///   aside.
///
/// TXT records that are not SPF (or not DMARC at `_dmarc`) are ignored: a name may hold
/// other TXT records.
#[must_use]
pub fn check(required: &RequiredRecords, observed: &[ObservedRecord]) -> CheckReport {
    let at = |name: &str, rtype: &str| -> Vec<&ObservedRecord> {
        observed
            .iter()
            .filter(|o| o.name == name && o.record_type == rtype)
            .collect()
    };
    let mut conflicts = Vec::new();
    let records = required
        .iter()
        .map(|(key, set)| {
            let name = set.name().as_str();
            let status = match set.data() {
                RecordData::Txt(expected) => {
                    let expected = expected.first().map(|t| t.value()).unwrap_or_default();
                    let values: Vec<String> = at(name, "TXT").iter().map(|o| o.value()).collect();
                    if key == RecordKey::Dmarc {
                        let found: Vec<String> = values
                            .into_iter()
                            .filter(|v| v.trim_start().starts_with("v=DMARC1"))
                            .collect();
                        if found.len() > 1 {
                            conflicts.push(Conflict::MultipleDmarc {
                                name: name.to_owned(),
                                found: found.clone(),
                            });
                        }
                        let wanted = DmarcRecord::parse(expected).ok();
                        txt_status(found, |v| {
                            v == expected || DmarcRecord::parse(v).ok() == wanted
                        })
                    } else {
                        let found: Vec<String> = values
                            .into_iter()
                            .filter(|v| SpfRecord::is_spf(v))
                            .collect();
                        if found.len() > 1 {
                            conflicts.push(Conflict::MultipleSpf {
                                name: name.to_owned(),
                                found: found.clone(),
                            });
                        }
                        txt_status(found, |v| {
                            SpfRecord::parse(v).is_ok_and(|r| r.authorizes_ses())
                        })
                    }
                }
                RecordData::Cname(target) => {
                    let found: Vec<String> = at(name, "CNAME")
                        .iter()
                        .map(|o| normalise_name(&o.value()))
                        .collect();
                    exact_status(found, &[target.to_string()])
                }
                RecordData::Mx(mx) => {
                    let found: Vec<String> = at(name, "MX")
                        .iter()
                        .map(|o| normalise_mx(&o.value()))
                        .collect();
                    if found.len() > 1 {
                        conflicts.push(Conflict::MultipleMailFromMx {
                            name: name.to_owned(),
                            found: found.clone(),
                        });
                    }
                    let wanted: Vec<String> = mx
                        .iter()
                        .map(|m| format!("{} {}", m.preference, m.exchange))
                        .collect();
                    exact_status(found, &wanted)
                }
                RecordData::Ns(hosts) => {
                    let found: Vec<String> = at(name, "NS")
                        .iter()
                        .map(|o| normalise_name(&o.value()))
                        .collect();
                    let wanted: Vec<String> = hosts.iter().map(ToString::to_string).collect();
                    exact_status(found, &wanted)
                }
            };
            RecordCheck {
                key,
                expected: set.clone(),
                status,
            }
        })
        .collect();
    cname_conflicts(observed, &mut conflicts);
    CheckReport { records, conflicts }
}

fn txt_status(found: Vec<String>, good: impl Fn(&str) -> bool) -> RecordStatus {
    if found.is_empty() {
        RecordStatus::Missing
    } else if found.len() == 1 && found.iter().all(|v| good(v)) {
        RecordStatus::Present
    } else {
        RecordStatus::Wrong { found }
    }
}

fn exact_status(mut found: Vec<String>, wanted: &[String]) -> RecordStatus {
    if found.is_empty() {
        return RecordStatus::Missing;
    }
    found.sort();
    found.dedup();
    let mut wanted = wanted.to_vec();
    wanted.sort();
    if found == wanted {
        RecordStatus::Present
    } else {
        RecordStatus::Wrong { found }
    }
}

/// `10  Host.Example.` -> `10 host.example`.
fn normalise_mx(value: &str) -> String {
    let mut parts = value.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(pref), Some(host), None) => match pref.parse::<u16>() {
            Ok(p) => format!("{p} {}", normalise_name(host)),
            Err(_) => value.trim().to_owned(),
        },
        _ => value.trim().to_owned(),
    }
}

fn cname_conflicts(observed: &[ObservedRecord], conflicts: &mut Vec<Conflict>) {
    let mut names: Vec<&str> = observed
        .iter()
        .filter(|o| o.record_type == "CNAME")
        .map(|o| o.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let mut other_types: Vec<String> = observed
            .iter()
            .filter(|o| o.name == name)
            .map(|o| o.record_type.clone())
            .filter(|t| !matches!(t.as_str(), "CNAME" | "RRSIG" | "NSEC" | "NSEC3"))
            .collect();
        let mut targets: Vec<String> = observed
            .iter()
            .filter(|o| o.name == name && o.record_type == "CNAME")
            .map(|o| normalise_name(&o.value()))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        if targets.len() > 1 {
            other_types.push("CNAME".to_owned());
        }
        other_types.sort();
        other_types.dedup();
        if !other_types.is_empty() {
            conflicts.push(Conflict::CnameWithOtherData {
                name: name.to_owned(),
                other_types,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presentation_txt_is_unquoted() {
        assert_eq!(
            unquote_presentation("\"v=spf1 \" \"-all\"").as_deref(),
            Some("v=spf1 -all")
        );
        assert_eq!(
            unquote_presentation("\"a\\\"b\\195\\169\"").as_deref(),
            Some("a\"bé")
        );
        assert_eq!(unquote_presentation("v=spf1 -all"), None);
        assert_eq!(unquote_presentation("\"open"), None);
        assert_eq!(unquote_presentation("\"\\999\""), None);
    }

    #[test]
    fn mx_values_normalise() {
        assert_eq!(
            normalise_mx(" 10  Feedback.Example. "),
            "10 feedback.example"
        );
        assert_eq!(normalise_mx("x y"), "x y");
    }
}
