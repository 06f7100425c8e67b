//! SPF records (RFC 7208): the broker's record, a parser, and merging SES into an
//! existing record.

use crate::prelude::*;

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

use crate::values::excerpt;

/// The include SES needs.
const AMAZONSES: &str = "amazonses.com";
/// RFC 7208 §4.6.4: at most 10 DNS-querying terms per evaluation.
pub const SPF_LOOKUP_LIMIT: usize = 10;

/// An SPF record that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpfError {
    /// The record does not start with `v=spf1` followed by a space or its end.
    #[error("spf record must start with v=spf1, found {found}")]
    NotSpf {
        /// An excerpt of the start of the record.
        found: String,
    },
    /// A term is neither a known mechanism nor a modifier.
    #[error("spf term {term} is not a valid mechanism or modifier")]
    BadTerm {
        /// An excerpt of the term.
        term: String,
    },
    /// A prefix length (`a/24`, `mx//64`, `ip4:192.0.2.0/24`) that is out of range or not
    /// written as RFC 7208 §5.6 writes it: receivers return `permerror` for the record.
    #[error(
        "spf term {term} has an invalid {family} prefix length: it must be 0 to {max}, without a sign or leading zeros",
        max = family.max_prefix()
    )]
    BadPrefixLength {
        /// An excerpt of the term.
        term: String,
        /// Which length is wrong.
        family: IpFamily,
    },
    /// `redirect` or `exp` appears twice.
    #[error("spf modifier {name} appears more than once")]
    DuplicateModifier {
        /// The modifier name.
        name: &'static str,
    },
}

/// What a term is, for lookup counting and merging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpfTermKind {
    /// `all`.
    All,
    /// `include:`.
    Include,
    /// `a`.
    A,
    /// `mx`.
    Mx,
    /// `ptr`.
    Ptr,
    /// `ip4:`.
    Ip4,
    /// `ip6:`.
    Ip6,
    /// `exists:`.
    Exists,
    /// `redirect=`.
    Redirect,
    /// `exp=`.
    Exp,
    /// Any other `name=value` modifier (ignored by evaluators).
    OtherModifier,
}

impl SpfTermKind {
    const fn queries_dns(self) -> bool {
        matches!(
            self,
            Self::Include | Self::A | Self::Mx | Self::Ptr | Self::Exists | Self::Redirect
        )
    }

    const fn is_modifier(self) -> bool {
        matches!(self, Self::Redirect | Self::Exp | Self::OtherModifier)
    }
}

/// One term of an SPF record, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpfTerm {
    text: String,
    kind: SpfTermKind,
    target: Option<String>,
}

impl SpfTerm {
    /// The term as written (`~all`, `include:_spf.example.com`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What kind of term it is.
    #[must_use]
    pub const fn kind(&self) -> SpfTermKind {
        self.kind
    }

    /// The domain argument of `include`, `exists`, `redirect` (and of `a`, `mx`, `ptr` when
    /// given).
    #[must_use]
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    fn parse(term: &str) -> Result<Self, SpfError> {
        let bad = || SpfError::BadTerm {
            term: excerpt(term),
        };
        let ok = |kind, target: Option<&str>| {
            Ok(Self {
                text: term.to_owned(),
                kind,
                target: target.map(str::to_owned),
            })
        };
        let is_name = |n: &str| {
            n.starts_with(|c: char| c.is_ascii_alphabetic())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let is_domain_spec = |d: &str| !d.is_empty() && d.chars().all(|c| c.is_ascii_graphic());
        if let Some((name, value)) = term.split_once('=')
            && is_name(name)
        {
            if !value.chars().all(|c| c.is_ascii_graphic()) {
                return Err(bad());
            }
            return match name.to_ascii_lowercase().as_str() {
                "redirect" if is_domain_spec(value) => ok(SpfTermKind::Redirect, Some(value)),
                "exp" if is_domain_spec(value) => ok(SpfTermKind::Exp, Some(value)),
                "redirect" | "exp" => Err(bad()),
                _ => ok(SpfTermKind::OtherModifier, None),
            };
        }
        let body = term.strip_prefix(['+', '-', '~', '?']).unwrap_or(term);
        let (name, arg) = match body.split_once([':', '/']) {
            Some((name, _)) => (name, body.get(name.len()..).unwrap_or_default()),
            None => (body, ""),
        };
        let domain_arg = arg.strip_prefix(':');
        match name.to_ascii_lowercase().as_str() {
            "all" if arg.is_empty() => ok(SpfTermKind::All, None),
            "include" if domain_arg.is_some_and(is_domain_spec) => {
                ok(SpfTermKind::Include, domain_arg)
            }
            "exists" if domain_arg.is_some_and(is_domain_spec) => {
                ok(SpfTermKind::Exists, domain_arg)
            }
            kind @ ("a" | "mx" | "ptr") => {
                let (domain, cidr) = match domain_arg {
                    Some(rest) => match rest.split_once('/') {
                        Some((d, c)) => (Some(d), Some(c)),
                        None => (Some(rest), None),
                    },
                    None => (None, arg.strip_prefix('/')),
                };
                if !domain.is_none_or(is_domain_spec)
                    || (kind == "ptr" && cidr.is_some())
                    || (!arg.is_empty() && domain.is_none() && cidr.is_none())
                {
                    return Err(bad());
                }
                if let Some(cidr) = cidr {
                    dual_cidr(cidr).map_err(|family| SpfError::BadPrefixLength {
                        term: excerpt(term),
                        family,
                    })?;
                }
                let kind = match kind {
                    "a" => SpfTermKind::A,
                    "mx" => SpfTermKind::Mx,
                    _ => SpfTermKind::Ptr,
                };
                ok(kind, domain)
            }
            "ip4" => ip_term::<Ipv4Addr>(term, domain_arg, IpFamily::V4)
                .and_then(|()| ok(SpfTermKind::Ip4, None)),
            "ip6" => ip_term::<Ipv6Addr>(term, domain_arg, IpFamily::V6)
                .and_then(|()| ok(SpfTermKind::Ip6, None)),
            _ => Err(bad()),
        }
    }
}

/// Which address family a prefix length is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IpFamily {
    /// IPv4: prefix lengths 0 to 32.
    V4,
    /// IPv6: prefix lengths 0 to 128.
    V6,
}

impl IpFamily {
    /// The longest prefix.
    #[must_use]
    pub const fn max_prefix(self) -> u8 {
        match self {
            Self::V4 => 32,
            Self::V6 => 128,
        }
    }
}

impl fmt::Display for IpFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V4 => "ipv4",
            Self::V6 => "ipv6",
        })
    }
}

/// A prefix length as RFC 7208 §5.6 writes it: `0`, or digits without a leading zero, at
/// most the family's longest prefix. Rust's integer parsing alone would also take `+24`
/// and `024`, which receivers refuse.
fn prefix_len(text: &str, family: IpFamily) -> Result<(), IpFamily> {
    let canonical = text == "0"
        || (text.starts_with(|c: char| matches!(c, '1'..='9'))
            && text.chars().all(|c| c.is_ascii_digit()));
    let in_range = text
        .parse::<u16>()
        .is_ok_and(|n| n <= u16::from(family.max_prefix()));
    if canonical && in_range {
        Ok(())
    } else {
        Err(family)
    }
}

/// The dual CIDR length of `a` and `mx` after its first `/`: `N` (IPv4), `/M` (IPv6, from
/// `//M`) or `N//M`.
fn dual_cidr(cidr: &str) -> Result<(), IpFamily> {
    match cidr.strip_prefix('/') {
        Some(v6) => prefix_len(v6, IpFamily::V6),
        None => match cidr.split_once("//") {
            Some((v4, v6)) => {
                prefix_len(v4, IpFamily::V4)?;
                prefix_len(v6, IpFamily::V6)
            }
            None => prefix_len(cidr, IpFamily::V4),
        },
    }
}

/// Checks the argument of `ip4:`/`ip6:`: an address and an optional prefix length.
fn ip_term<A: core::str::FromStr>(
    term: &str,
    arg: Option<&str>,
    family: IpFamily,
) -> Result<(), SpfError> {
    let bad = || SpfError::BadTerm {
        term: excerpt(term),
    };
    let arg = arg.ok_or_else(bad)?;
    let (ip, len) = arg
        .split_once('/')
        .map_or((arg, None), |(a, l)| (a, Some(l)));
    ip.parse::<A>().map_err(|_| bad())?;
    match len {
        Some(len) => prefix_len(len, family).map_err(|family| SpfError::BadPrefixLength {
            term: excerpt(term),
            family,
        }),
        None => Ok(()),
    }
}

/// How many DNS-querying terms a record has, as far as can be counted without DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfLookups {
    counted: usize,
    unresolved: Vec<String>,
}

impl SpfLookups {
    /// Terms in this record that cost a lookup (`include`, `a`, `mx`, `ptr`, `exists`, and
    /// `redirect` when there is no `all`). `include:amazonses.com` counts as exactly one:
    /// its record has been a flat list of `ip4:` terms.
    #[must_use]
    pub const fn counted(&self) -> usize {
        self.counted
    }

    /// Targets of `include`/`redirect` whose own lookups could not be counted offline.
    #[must_use]
    pub fn unresolved(&self) -> &[String] {
        &self.unresolved
    }

    /// The record certainly breaks the 10-lookup limit (RFC 7208 §4.6.4): `permerror`.
    #[must_use]
    pub const fn exceeds_limit(&self) -> bool {
        self.counted > SPF_LOOKUP_LIMIT
    }

    /// The record may break the limit: it does, or an uncounted include could push it over
    /// (each uncounted include may hold further lookups).
    #[must_use]
    pub const fn may_exceed_limit(&self) -> bool {
        self.exceeds_limit() || !self.unresolved.is_empty()
    }
}

/// An SPF record: `v=spf1` and its terms.
///
/// ```
/// use ses_broker::dns::SpfRecord;
/// assert_eq!(SpfRecord::amazonses().to_string(), "v=spf1 include:amazonses.com -all");
/// let merged = SpfRecord::merge("v=spf1 include:_spf.example.com ~all")?;
/// assert_eq!(
///     merged.record().to_string(),
///     "v=spf1 include:_spf.example.com include:amazonses.com ~all"
/// );
/// assert_eq!(merged.lookups().counted(), 2);
/// # Ok::<(), ses_broker::dns::SpfError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpfRecord {
    terms: Vec<SpfTerm>,
}

/// The result of [`SpfRecord::merge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfMerge {
    record: SpfRecord,
    changed: bool,
    lookups: SpfLookups,
}

impl SpfMerge {
    /// The single record to publish.
    #[must_use]
    pub const fn record(&self) -> &SpfRecord {
        &self.record
    }

    /// False when the existing record already included `amazonses.com` where it counts.
    #[must_use]
    pub const fn changed(&self) -> bool {
        self.changed
    }

    /// The merged record's lookup count.
    #[must_use]
    pub const fn lookups(&self) -> &SpfLookups {
        &self.lookups
    }
}

impl SpfRecord {
    /// `v=spf1 include:amazonses.com -all`, the record a customer publishes for SES.
    #[must_use]
    pub fn amazonses() -> Self {
        Self {
            terms: vec![
                SpfTerm {
                    text: format!("include:{AMAZONSES}"),
                    kind: SpfTermKind::Include,
                    target: Some(AMAZONSES.to_owned()),
                },
                SpfTerm {
                    text: "-all".to_owned(),
                    kind: SpfTermKind::All,
                    target: None,
                },
            ],
        }
    }

    /// Parses a record (the concatenated TXT strings). Terms are separated by spaces;
    /// mechanisms are `all include a mx ptr ip4 ip6 exists` with an optional qualifier;
    /// `redirect` and `exp` may appear once each; other modifiers are kept.
    ///
    /// # Errors
    /// An [`SpfError`] naming the first problem.
    pub fn parse(text: &str) -> Result<Self, SpfError> {
        let rest = match text.get(..6) {
            Some(v) if v.eq_ignore_ascii_case("v=spf1") => text.get(6..).unwrap_or_default(),
            _ => {
                return Err(SpfError::NotSpf {
                    found: excerpt(text),
                });
            }
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return Err(SpfError::NotSpf {
                found: excerpt(text),
            });
        }
        let terms = rest
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(SpfTerm::parse)
            .collect::<Result<Vec<_>, _>>()?;
        for (kind, name) in [
            (SpfTermKind::Redirect, "redirect"),
            (SpfTermKind::Exp, "exp"),
        ] {
            if terms.iter().filter(|t| t.kind == kind).count() > 1 {
                return Err(SpfError::DuplicateModifier { name });
            }
        }
        Ok(Self { terms })
    }

    /// Whether a TXT value is an SPF record by RFC 7208 §4.5's selection rule: `v=spf1`
    /// (any case) followed by a space or the end.
    #[must_use]
    pub fn is_spf(text: &str) -> bool {
        text.get(..6)
            .is_some_and(|v| v.eq_ignore_ascii_case("v=spf1"))
            && text
                .get(6..)
                .is_some_and(|r| r.is_empty() || r.starts_with(' '))
    }

    /// The terms, in order.
    #[must_use]
    pub fn terms(&self) -> &[SpfTerm] {
        &self.terms
    }

    fn all_position(&self) -> Option<usize> {
        self.terms.iter().position(|t| t.kind == SpfTermKind::All)
    }

    /// Whether `include:amazonses.com` is evaluated (it comes before any `all`).
    #[must_use]
    pub fn authorizes_ses(&self) -> bool {
        let end = self.all_position().unwrap_or(self.terms.len());
        self.terms.iter().take(end).any(|t| {
            t.kind == SpfTermKind::Include
                && t.target()
                    .is_some_and(|d| d.eq_ignore_ascii_case(AMAZONSES))
        })
    }

    /// Counts the DNS-querying terms (RFC 7208 §4.6.4), as far as possible offline.
    #[must_use]
    pub fn lookups(&self) -> SpfLookups {
        let has_all = self.all_position().is_some();
        let mut counted = 0;
        let mut unresolved = Vec::new();
        for term in &self.terms {
            if !term.kind.queries_dns() || (term.kind == SpfTermKind::Redirect && has_all) {
                continue;
            }
            counted += 1;
            if matches!(term.kind, SpfTermKind::Include | SpfTermKind::Redirect)
                && let Some(target) = term.target()
                && !target.eq_ignore_ascii_case(AMAZONSES)
            {
                unresolved.push(target.to_owned());
            }
        }
        SpfLookups {
            counted,
            unresolved,
        }
    }

    /// Adds `include:amazonses.com` to an existing record, keeping one record: the include
    /// goes just before `all` (terms after `all` are never evaluated), or after the last
    /// mechanism when there is no `all`. The existing qualifier of `all` is kept. A record
    /// that already authorises SES comes back unchanged.
    ///
    /// # Errors
    /// An [`SpfError`] when `existing` is not a valid SPF record.
    pub fn merge(existing: &str) -> Result<SpfMerge, SpfError> {
        let mut record = Self::parse(existing)?;
        let changed = !record.authorizes_ses();
        if changed {
            let at = record.all_position().unwrap_or_else(|| {
                record
                    .terms
                    .iter()
                    .rposition(|t| !t.kind.is_modifier())
                    .map_or(0, |i| i + 1)
            });
            let include = Self::amazonses().terms.into_iter().next();
            if let Some(include) = include {
                record.terms.insert(at, include);
            }
        }
        let lookups = record.lookups();
        Ok(SpfMerge {
            record,
            changed,
            lookups,
        })
    }
}

impl fmt::Display for SpfRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("v=spf1")?;
        for term in &self.terms {
            write!(f, " {}", term.text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn merged(existing: &str) -> String {
        SpfRecord::merge(existing).unwrap().record().to_string()
    }

    #[test]
    fn merge_inserts_before_all_and_keeps_the_qualifier() {
        assert_eq!(merged("v=spf1 ~all"), "v=spf1 include:amazonses.com ~all");
        assert_eq!(
            merged("v=spf1 ip4:192.0.2.0/24 -all exp=explain.example.com"),
            "v=spf1 ip4:192.0.2.0/24 include:amazonses.com -all exp=explain.example.com"
        );
        assert_eq!(
            merged("v=spf1 mx redirect=_spf.example.com"),
            "v=spf1 mx include:amazonses.com redirect=_spf.example.com"
        );
        assert_eq!(merged("v=spf1"), "v=spf1 include:amazonses.com");
    }

    #[test]
    fn merge_is_idempotent_but_not_fooled_by_dead_terms() {
        let once = SpfRecord::merge("v=spf1 include:AmazonSES.com -all").unwrap();
        assert!(!once.changed());
        let dead = SpfRecord::merge("v=spf1 -all include:amazonses.com").unwrap();
        assert!(dead.changed());
        assert!(dead.record().authorizes_ses());
    }

    #[test]
    fn lookups_are_counted_and_uncertainty_reported() {
        let m = SpfRecord::merge(
            "v=spf1 a mx ptr exists:%{i}.x.example include:a.example include:b.example \
             include:c.example include:d.example include:e.example -all",
        )
        .unwrap();
        assert_eq!(m.lookups().counted(), 10);
        assert!(!m.lookups().exceeds_limit());
        assert!(m.lookups().may_exceed_limit());
        let m = SpfRecord::merge(
            "v=spf1 a mx a:x.example mx:y.example a:z.example a/24 mx//64 ptr exists:e.example a:w.example ~all",
        )
        .unwrap();
        assert_eq!(m.lookups().counted(), 11);
        assert!(m.lookups().exceeds_limit());
        let plain = SpfRecord::amazonses().lookups();
        assert_eq!(plain.counted(), 1);
        assert!(!plain.may_exceed_limit());
    }

    #[test]
    fn parser_refusals() {
        for bad in [
            "v=spf10 -all",
            "spf1 -all",
            "v=spf1 -al",
            "v=spf1 include:",
            "v=spf1 ip4:300.0.0.1",
            "v=spf1 ip4:10.0.0.0/33",
            "v=spf1 ip6:zz::1",
            "v=spf1 all:x",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 ptr/24",
        ] {
            assert!(SpfRecord::parse(bad).is_err(), "{bad:?} accepted");
        }
        let r = SpfRecord::parse("V=SPF1  +a:x.example/24//64 ?ip6:2001:db8::/32 foo=bar").unwrap();
        assert_eq!(
            r.to_string(),
            "v=spf1 +a:x.example/24//64 ?ip6:2001:db8::/32 foo=bar"
        );
        assert_eq!(SpfRecord::parse(&r.to_string()).unwrap(), r);
    }
}
