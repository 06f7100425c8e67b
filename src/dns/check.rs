//! Comparing what DNS answers with what must be published.

use crate::prelude::*;

use super::{
    DmarcError, DmarcRecord, RecordData, RecordKey, RecordSet, RequiredRecords, SPF_LOOKUP_LIMIT,
    SpfError, SpfRecord,
};

/// One record as a resolver (or a DNS console) reports it.
///
/// Names may be in any case and carry a trailing dot. For TXT, `data` holds the
/// character-strings of one record (they are concatenated), or one string in presentation
/// form (`"v=spf1 " "-all"`), which is unquoted. For other types `data` holds one string,
/// the presentation form of the value (`10 feedback-smtp...` for MX).
///
/// [`Self::parse_dig`] reads the answer lines `dig` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedRecord {
    name: String,
    record_type: String,
    data: Vec<String>,
    /// The data is already decoded (read from `dig` text): a TXT string that starts with a
    /// quote is text, not presentation form to unquote again.
    decoded: bool,
}

impl ObservedRecord {
    /// A record of any type (`"TXT"`, `"cname"`, `"A"`, ...).
    #[must_use]
    pub fn new(name: &str, record_type: &str, data: Vec<String>) -> Self {
        Self {
            name: normalise_name(name),
            record_type: record_type.trim().to_ascii_uppercase(),
            data,
            decoded: false,
        }
    }

    /// A record whose data is decoded text: TXT character-strings as they are, never
    /// unquoted again.
    pub(super) fn decoded(name: &str, record_type: &str, data: Vec<String>) -> Self {
        Self {
            decoded: true,
            ..Self::new(name, record_type, data)
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

    /// The data as given; from [`Self::parse_dig`], a TXT record's character-strings
    /// decoded and concatenated into one, an MX as `preference host`, other data as
    /// written.
    #[must_use]
    pub fn data(&self) -> &[String] {
        &self.data
    }

    /// The value: TXT strings concatenated (unquoted when in presentation form), other
    /// data joined by spaces.
    fn value(&self) -> String {
        if self.record_type == "TXT" {
            if !self.decoded
                && let [only] = self.data.as_slice()
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
    /// Something of the kind is there but differs; the values found and why they do not do.
    #[non_exhaustive]
    Wrong {
        /// The values found, as plain text.
        found: Vec<String>,
        /// What is wrong with them.
        why: Mismatch,
    },
}

impl RecordStatus {
    /// `present`, `missing` or `wrong`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Missing => "missing",
            Self::Wrong { .. } => "wrong",
        }
    }
}

/// Why a record of the right kind at the right name does not count as present.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Mismatch {
    /// The DMARC record does not parse: receivers ignore it.
    #[error("the dmarc record does not parse ({0}): receivers ignore it")]
    DmarcUnparseable(DmarcError),
    /// The DMARC record parses but is not the required one.
    #[error("the dmarc record differs from the required one")]
    DmarcDiffers,
    /// More than one DMARC record: receivers apply none (RFC 7489 §6.6.3).
    #[error("{count} dmarc records at one name: receivers apply none of them")]
    SeveralDmarc {
        /// How many.
        count: usize,
    },
    /// The SPF record does not parse: receivers return `permerror` (RFC 7208 §4.6).
    #[error("the spf record does not parse ({0}): receivers return permerror")]
    SpfUnparseable(SpfError),
    /// The SPF record does not reach `include:amazonses.com` before `all`.
    #[error("the spf record does not include amazonses.com before its all term")]
    SpfWithoutSes,
    /// The SPF record needs more DNS lookups than receivers allow (RFC 7208 §4.6.4).
    #[error(
        "the spf record needs {counted} dns lookups, more than the {SPF_LOOKUP_LIMIT} receivers allow: they return permerror"
    )]
    SpfTooManyLookups {
        /// The lookups counted offline (a lower bound).
        counted: usize,
    },
    /// More than one SPF record: receivers return `permerror` (RFC 7208 §4.5).
    #[error("{count} spf records at one name: receivers return permerror")]
    SeveralSpf {
        /// How many.
        count: usize,
    },
    /// CNAME, MX or NS values other than the required ones.
    #[error("the values differ from the required ones")]
    Values,
}

/// The verdict for one required record.
///
/// Serialises as `{"key", "name", "type", "status", "found", "why"}`: the record's key,
/// name and type, `present`, `missing` or `wrong`, the values of its kind found at the
/// name, and why it is not present (`null` when it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordCheck {
    /// Which record.
    pub key: RecordKey,
    /// What must be published.
    pub expected: RecordSet,
    /// What was found.
    pub status: RecordStatus,
    /// The values of the record's kind found at its name, in plain form: DMARC (at
    /// `_dmarc`) or SPF TXT values, CNAME targets, MX `preference host`, NS hosts.
    pub found: Vec<String>,
}

impl RecordCheck {
    /// Why the record is not present, with what to publish; `None` when it is.
    #[must_use]
    pub fn why(&self) -> Option<String> {
        let name = self.expected.name();
        let rtype = self.expected.record_type();
        let wanted = self.expected.data().plain_values().join(", ");
        match &self.status {
            RecordStatus::Present => None,
            RecordStatus::Missing => Some(match self.key {
                RecordKey::Dmarc => {
                    format!("no {rtype} record at {name} starts with v=DMARC1; publish: {wanted}")
                }
                RecordKey::Spf => {
                    format!("no {rtype} record at {name} starts with v=spf1; publish: {wanted}")
                }
                _ => format!("no {rtype} record at {name}; publish: {wanted}"),
            }),
            RecordStatus::Wrong { why, .. } => Some(match why {
                Mismatch::DmarcDiffers | Mismatch::Values | Mismatch::SeveralDmarc { .. } => {
                    format!("{why}; publish: {wanted}")
                }
                other => other.to_string(),
            }),
        }
    }
}

impl serde::Serialize for RecordCheck {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RecordCheck", 6)?;
        st.serialize_field("key", self.key.as_str())?;
        st.serialize_field("name", self.expected.name().as_str())?;
        st.serialize_field("type", &self.expected.record_type())?;
        st.serialize_field("status", self.status.as_str())?;
        st.serialize_field("found", &self.found)?;
        st.serialize_field("why", &self.why())?;
        st.end()
    }
}

/// A state of the observed records that breaks mail whatever the required records say.
///
/// Displays as the reason; serialises as `{"kind", "name", "found", "why"}` (`found`: the
/// values, or for a CNAME beside other data the other types).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Conflict {
    /// More than one SPF record at a name: SPF evaluation gives `permerror` (RFC 7208 §4.5).
    #[error("{} spf records at {name}: receivers return permerror for every one", found.len())]
    MultipleSpf {
        /// The name.
        name: String,
        /// The SPF values found.
        found: Vec<String>,
    },
    /// More than one DMARC record at `_dmarc`: no policy applies (RFC 7489 §6.6.3).
    #[error("{} dmarc records at {name}: receivers apply none of them", found.len())]
    MultipleDmarc {
        /// The name.
        name: String,
        /// The DMARC values found.
        found: Vec<String>,
    },
    /// A CNAME beside other data at one name (RFC 1034 §3.6.2): resolvers disagree on
    /// what the name holds.
    #[error("{name} holds a cname beside {}: a cname must be alone at its name", other_types.join(", "))]
    CnameWithOtherData {
        /// The name.
        name: String,
        /// The other types found there.
        other_types: Vec<String>,
    },
    /// More than one MX at the MAIL FROM domain: SES's custom MAIL FROM setup fails.
    #[error("{} mx records at the mail from domain {name}: ses needs exactly one", found.len())]
    MultipleMailFromMx {
        /// The MAIL FROM domain.
        name: String,
        /// The MX values found.
        found: Vec<String>,
    },
}

impl Conflict {
    /// `multiple_spf`, `multiple_dmarc`, `cname_with_other_data` or `multiple_mail_from_mx`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::MultipleSpf { .. } => "multiple_spf",
            Self::MultipleDmarc { .. } => "multiple_dmarc",
            Self::CnameWithOtherData { .. } => "cname_with_other_data",
            Self::MultipleMailFromMx { .. } => "multiple_mail_from_mx",
        }
    }
}

impl serde::Serialize for Conflict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (name, found) = match self {
            Self::MultipleSpf { name, found }
            | Self::MultipleDmarc { name, found }
            | Self::MultipleMailFromMx { name, found }
            | Self::CnameWithOtherData {
                name,
                other_types: found,
            } => (name, found),
        };
        let mut st = s.serialize_struct("Conflict", 4)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("name", name)?;
        st.serialize_field("found", found)?;
        st.serialize_field("why", &self.to_string())?;
        st.end()
    }
}

/// The result of [`check`].
///
/// Serialises as `{"ok", "records", "conflicts"}`: [`Self::is_ok`], each [`RecordCheck`]
/// and each [`Conflict`].
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

impl serde::Serialize for CheckReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("CheckReport", 3)?;
        st.serialize_field("ok", &self.is_ok())?;
        st.serialize_field("records", &self.records)?;
        st.serialize_field("conflicts", &self.conflicts)?;
        st.end()
    }
}

/// Compares `observed` with `required`.
///
/// - DMARC: the TXT records at `_dmarc` that start with the version tag
///   ([`DmarcRecord::is_dmarc`]); present when there is one and it parses to the required
///   record (spacing and case aside). One that does not parse is wrong, never present.
/// - SPF: the TXT records at the name that are SPF ([`SpfRecord::is_spf`]); present when
///   there is one, it parses, it authorises SES (`include:amazonses.com` before `all`, so
///   a merged record counts: [`SpfRecord::merge`]) and it needs at most 10 DNS lookups as
///   far as they can be counted offline ([`SpfRecord::lookups`]).
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
            let (found, status) = match set.data() {
                RecordData::Txt(expected) => {
                    let values = at(name, "TXT").into_iter().map(ObservedRecord::value);
                    if key == RecordKey::Dmarc {
                        let found: Vec<String> =
                            values.filter(|v| DmarcRecord::is_dmarc(v)).collect();
                        if found.len() > 1 {
                            conflicts.push(Conflict::MultipleDmarc {
                                name: name.to_owned(),
                                found: found.clone(),
                            });
                        }
                        let wanted = expected
                            .first()
                            .and_then(|t| DmarcRecord::parse(t.value()).ok());
                        let status = dmarc_status(&found, wanted.as_ref());
                        (found, status)
                    } else {
                        let found: Vec<String> = values.filter(|v| SpfRecord::is_spf(v)).collect();
                        if found.len() > 1 {
                            conflicts.push(Conflict::MultipleSpf {
                                name: name.to_owned(),
                                found: found.clone(),
                            });
                        }
                        let status = spf_status(&found);
                        (found, status)
                    }
                }
                RecordData::Cname(target) => {
                    let found: Vec<String> = at(name, "CNAME")
                        .iter()
                        .map(|o| normalise_name(&o.value()))
                        .collect();
                    let status = exact_status(&found, &[target.to_string()]);
                    (found, status)
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
                    let status = exact_status(&found, &wanted);
                    (found, status)
                }
                RecordData::Ns(hosts) => {
                    let found: Vec<String> = at(name, "NS")
                        .iter()
                        .map(|o| normalise_name(&o.value()))
                        .collect();
                    let wanted: Vec<String> = hosts.iter().map(ToString::to_string).collect();
                    let status = exact_status(&found, &wanted);
                    (found, status)
                }
            };
            RecordCheck {
                key,
                expected: set.clone(),
                status,
                found,
            }
        })
        .collect();
    cname_conflicts(observed, &mut conflicts);
    CheckReport { records, conflicts }
}

fn wrong(found: &[String], why: Mismatch) -> RecordStatus {
    RecordStatus::Wrong {
        found: found.to_vec(),
        why,
    }
}

/// Present only when the one DMARC record parses to `wanted`: a record that does not
/// parse never matches, whatever `wanted` is.
fn dmarc_status(found: &[String], wanted: Option<&DmarcRecord>) -> RecordStatus {
    match found {
        [] => RecordStatus::Missing,
        [one] => match DmarcRecord::parse(one) {
            Err(e) => wrong(found, Mismatch::DmarcUnparseable(e)),
            Ok(record) if Some(&record) == wanted => RecordStatus::Present,
            Ok(_) => wrong(found, Mismatch::DmarcDiffers),
        },
        several => wrong(
            found,
            Mismatch::SeveralDmarc {
                count: several.len(),
            },
        ),
    }
}

fn spf_status(found: &[String]) -> RecordStatus {
    match found {
        [] => RecordStatus::Missing,
        [one] => match SpfRecord::parse(one) {
            Err(e) => wrong(found, Mismatch::SpfUnparseable(e)),
            Ok(record) if !record.authorizes_ses() => wrong(found, Mismatch::SpfWithoutSes),
            Ok(record) if record.lookups().exceeds_limit() => wrong(
                found,
                Mismatch::SpfTooManyLookups {
                    counted: record.lookups().counted(),
                },
            ),
            Ok(_) => RecordStatus::Present,
        },
        several => wrong(
            found,
            Mismatch::SeveralSpf {
                count: several.len(),
            },
        ),
    }
}

fn exact_status(found: &[String], wanted: &[String]) -> RecordStatus {
    if found.is_empty() {
        return RecordStatus::Missing;
    }
    let mut distinct = found.to_vec();
    distinct.sort();
    distinct.dedup();
    let mut wanted = wanted.to_vec();
    wanted.sort();
    if distinct == wanted {
        RecordStatus::Present
    } else {
        wrong(&distinct, Mismatch::Values)
    }
}

/// `10  Host.Example.` -> `10 host.example`.
fn normalise_mx(value: &str) -> String {
    let mut parts = value.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(pref), Some(host), None) => match mx_preference(pref) {
            Some(p) => format!("{p} {}", normalise_name(host)),
            None => value.trim().to_owned(),
        },
        _ => value.trim().to_owned(),
    }
}

/// An MX preference: decimal digits only (Rust's parser alone would take `+10`), 0 to
/// 65535.
pub(super) fn mx_preference(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
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
    fn a_dmarc_record_that_does_not_parse_is_never_present() {
        // Were the comparison `parse(found).ok() == parse(required).ok()`, two failures
        // would compare equal: here nothing parses, and nothing may count as present.
        for found in [
            "v=DMARC1; p=bogus",
            "v=DMARC1",
            "v = DMARC1; p=reject; p=none",
        ] {
            let status = dmarc_status(&[found.to_owned()], None);
            assert!(
                matches!(
                    status,
                    RecordStatus::Wrong {
                        why: Mismatch::DmarcUnparseable(_),
                        ..
                    }
                ),
                "{found}: {status:?}"
            );
        }
        let good = DmarcRecord::parse("v=DMARC1; p=reject").ok();
        assert_eq!(
            dmarc_status(&["v = DMARC1 ;p=REJECT;".to_owned()], good.as_ref()),
            RecordStatus::Present
        );
    }

    #[test]
    fn mx_values_normalise() {
        assert_eq!(
            normalise_mx(" 10  Feedback.Example. "),
            "10 feedback.example"
        );
        assert_eq!(normalise_mx("x y"), "x y");
        assert_eq!(
            normalise_mx("+10 feedback.example."),
            "+10 feedback.example."
        );
    }
}
