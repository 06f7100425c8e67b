//! DMARC policy records: the broker's builder and a parser for the same grammar.

use crate::prelude::*;

use core::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::values::{EmailAddress, excerpt};

/// The aggregate-report address CISA requires of federal domains (BOD 18-01).
pub const CISA_AGGREGATE_ADDRESS: &str = "reports@dmarc.cyber.dhs.gov";

/// Everything in a `mailto:` address that is percent-encoded: all but letters, digits and
/// `- . _ ~ + @`. This covers what RFC 7489 §6.4 requires (`,` `!`), what RFC 6068 §2
/// requires (`%`, `/ ? # [ ]`, `& ; =`) and anything a zone file or HCL treats as syntax.
const MAILTO_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'+')
    .remove(b'@');

/// A DMARC record that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DmarcError {
    /// The record does not start with `v=DMARC1`.
    #[error("dmarc record must start with v=DMARC1, found {found}")]
    NotDmarc {
        /// An excerpt of the start of the record.
        found: String,
    },
    /// A tag is not `name=value`.
    #[error("dmarc tag {tag} is not of the form name=value")]
    MalformedTag {
        /// An excerpt of the tag.
        tag: String,
    },
    /// A tag appears twice.
    #[error("dmarc tag {tag} appears more than once")]
    DuplicateTag {
        /// The tag name.
        tag: String,
    },
    /// The `p` tag is missing.
    #[error("dmarc record has no p= tag")]
    MissingPolicy,
    /// The `p` value is not `none`, `quarantine` or `reject`.
    #[error("dmarc p= must be none, quarantine or reject, found {found}")]
    BadPolicy {
        /// An excerpt of the value.
        found: String,
    },
    /// A report URI is malformed.
    #[error("dmarc {tag}= holds an invalid report URI {uri}: {problem}")]
    BadUri {
        /// `rua` or `ruf`.
        tag: &'static str,
        /// An excerpt of the URI.
        uri: String,
        /// What is wrong.
        problem: &'static str,
    },
}

/// The policy a receiver applies to mail failing DMARC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DmarcPolicy {
    /// `p=none`: monitor only.
    None,
    /// `p=quarantine`.
    Quarantine,
    /// `p=reject`: what BOD 18-01 requires.
    Reject,
}

impl DmarcPolicy {
    /// The tag value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Quarantine => "quarantine",
            Self::Reject => "reject",
        }
    }
}

/// One report destination: a URI with an optional (obsolete) `!size` limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DmarcUri {
    uri: String,
    size: Option<String>,
}

impl DmarcUri {
    /// `mailto:` plus the percent-encoded address.
    ///
    /// ```
    /// use ses_broker::{dns::DmarcUri, values::EmailAddress};
    /// let a: EmailAddress = "dmarc+x@agency.gov".parse()?;
    /// assert_eq!(DmarcUri::mailto(&a).to_string(), "mailto:dmarc+x@agency.gov");
    /// # Ok::<(), ses_broker::values::ValueError>(())
    /// ```
    #[must_use]
    pub fn mailto(address: &EmailAddress) -> Self {
        Self {
            uri: format!(
                "mailto:{}",
                utf8_percent_encode(address.as_str(), MAILTO_ENCODE)
            ),
            size: None,
        }
    }

    /// The URI as written (percent-encoded), without the size limit.
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The `!size` limit as written (`10m`), if any.
    #[must_use]
    pub fn size(&self) -> Option<&str> {
        self.size.as_deref()
    }

    /// For a `mailto:` URI, the percent-decoded address (without any `?` header part).
    #[must_use]
    pub fn mailto_address(&self) -> Option<String> {
        let scheme = self.uri.get(..7)?;
        if !scheme.eq_ignore_ascii_case("mailto:") {
            return None;
        }
        let rest = self.uri.get(7..)?;
        let address = rest.split_once('?').map_or(rest, |(a, _)| a);
        Some(percent_decode_str(address).decode_utf8_lossy().into_owned())
    }

    fn parse(tag: &'static str, text: &str) -> Result<Self, DmarcError> {
        let bad = |problem| DmarcError::BadUri {
            tag,
            uri: excerpt(text),
            problem,
        };
        let (uri, size) = match text.split_once('!') {
            Some((uri, size)) => (uri, Some(size)),
            None => (text, None),
        };
        let Some((scheme, rest)) = uri.split_once(':') else {
            return Err(bad("it has no scheme such as mailto:"));
        };
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !scheme_ok || rest.is_empty() {
            return Err(bad("it has no scheme such as mailto:"));
        }
        if !uri.chars().all(is_uri_char) {
            return Err(bad("it holds a character a URI cannot hold unencoded"));
        }
        let mut bytes = uri.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex = (bytes.next(), bytes.next());
                if !matches!(hex, (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit())
                {
                    return Err(bad("a '%' is not followed by two hex digits"));
                }
            }
        }
        if let Some(size) = size {
            let digits = size.trim_end_matches(['k', 'm', 'g', 't', 'K', 'M', 'G', 'T']);
            let unit_ok = size.len() - digits.len() <= 1;
            if digits.is_empty() || !unit_ok || digits.parse::<u64>().is_err() {
                return Err(bad(
                    "the size after '!' is not a number with an optional k, m, g or t",
                ));
            }
        }
        Ok(Self {
            uri: uri.to_owned(),
            size: size.map(str::to_owned),
        })
    }
}

/// Characters a URI may hold unencoded (RFC 3986), less `,` `;` and `!`, which DMARC
/// uses as syntax.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | ':'
                | '/'
                | '?'
                | '#'
                | '['
                | ']'
                | '@'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | '+'
                | '='
                | '%'
        )
}

impl fmt::Display for DmarcUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)?;
        if let Some(size) = &self.size {
            write!(f, "!{size}")?;
        }
        Ok(())
    }
}

/// A DMARC policy record (RFC 7489 §6.3, RFC 9989).
///
/// [`DmarcRecord::parse`] reads the grammar [`fmt::Display`] writes, so a record built here
/// parses back to an equal value. Tags other than `p`, `rua` and `ruf` are kept, in order.
///
/// ```
/// use ses_broker::{dns::DmarcRecipients, dns::DmarcRecord, values::EmailAddress};
/// let admin: EmailAddress = "admin@agency.gov".parse()?;
/// let record = DmarcRecord::for_broker(&DmarcRecipients::new(&admin));
/// let text = record.to_string();
/// assert_eq!(
///     text,
///     "v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:admin@agency.gov; ruf=mailto:admin@agency.gov"
/// );
/// assert_eq!(DmarcRecord::parse(&text)?, record);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DmarcRecord {
    policy: DmarcPolicy,
    rua: Vec<DmarcUri>,
    ruf: Vec<DmarcUri>,
    other: Vec<(String, String)>,
}

/// Who receives a domain's DMARC reports.
///
/// The aggregate and failure lists default to empty; an empty list means `admin_email`
/// receives those reports (as the deployed broker does).
#[derive(Debug, Clone, Copy)]
pub struct DmarcRecipients<'a> {
    admin_email: &'a EmailAddress,
    aggregate: &'a [EmailAddress],
    failure: &'a [EmailAddress],
}

impl<'a> DmarcRecipients<'a> {
    /// Reports to `admin_email` only (plus CISA for aggregate reports).
    #[must_use]
    pub const fn new(admin_email: &'a EmailAddress) -> Self {
        Self {
            admin_email,
            aggregate: &[],
            failure: &[],
        }
    }

    /// Sets `dmarc_report_aggregate_recipients`.
    #[must_use]
    pub const fn aggregate(mut self, recipients: &'a [EmailAddress]) -> Self {
        self.aggregate = recipients;
        self
    }

    /// Sets `dmarc_report_failure_recipients`.
    #[must_use]
    pub const fn failure(mut self, recipients: &'a [EmailAddress]) -> Self {
        self.failure = recipients;
        self
    }
}

impl DmarcRecord {
    /// The broker's record: `p=reject`; `rua` is CISA's address first, then the aggregate
    /// recipients (or `admin_email`); `ruf` is the failure recipients (or `admin_email`).
    /// Addresses are percent-encoded inside their `mailto:` URIs.
    #[must_use]
    pub fn for_broker(recipients: &DmarcRecipients<'_>) -> Self {
        let or_admin = |list: &[EmailAddress]| -> Vec<DmarcUri> {
            if list.is_empty() {
                vec![DmarcUri::mailto(recipients.admin_email)]
            } else {
                list.iter().map(DmarcUri::mailto).collect()
            }
        };
        let mut rua = vec![DmarcUri {
            uri: format!("mailto:{CISA_AGGREGATE_ADDRESS}"),
            size: None,
        }];
        rua.extend(or_admin(recipients.aggregate));
        Self {
            policy: DmarcPolicy::Reject,
            rua,
            ruf: or_admin(recipients.failure),
            other: Vec::new(),
        }
    }

    /// The `p` policy.
    #[must_use]
    pub const fn policy(&self) -> DmarcPolicy {
        self.policy
    }

    /// The aggregate-report destinations.
    #[must_use]
    pub fn rua(&self) -> &[DmarcUri] {
        &self.rua
    }

    /// The failure-report destinations.
    #[must_use]
    pub fn ruf(&self) -> &[DmarcUri] {
        &self.ruf
    }

    /// Any other tags, as `(name, value)` in record order.
    #[must_use]
    pub fn other_tags(&self) -> &[(String, String)] {
        &self.other
    }

    /// Whether a TXT value is meant as a DMARC record: it starts with the version tag as
    /// [`Self::parse`] reads it (`v`, `=`, `DMARC1`, spaces or tabs allowed around the
    /// `=`), followed by a space, a tab, `;` or the end. A value selected here that does
    /// not parse is a broken DMARC record, not some other TXT record.
    ///
    /// ```
    /// use ses_broker::dns::DmarcRecord;
    /// assert!(DmarcRecord::is_dmarc("v = DMARC1; p=reject"));
    /// assert!(DmarcRecord::is_dmarc("v=DMARC1; p=bogus"));
    /// assert!(!DmarcRecord::is_dmarc("v=DMARC10; p=reject"));
    /// assert!(!DmarcRecord::is_dmarc("v=spf1 -all"));
    /// ```
    #[must_use]
    pub fn is_dmarc(text: &str) -> bool {
        let is_wsp = |c: char| c == ' ' || c == '\t';
        text.trim_start_matches(is_wsp)
            .strip_prefix('v')
            .and_then(|r| r.trim_start_matches(is_wsp).strip_prefix('='))
            .and_then(|r| r.trim_start_matches(is_wsp).strip_prefix("DMARC1"))
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', ';']))
    }

    /// Parses a DMARC record (the concatenated TXT strings).
    ///
    /// `v=DMARC1` must come first (case-sensitive value); `p` must be present; tags are
    /// separated by `;` with optional spaces or tabs, and a trailing `;` is allowed;
    /// `rua`/`ruf` are comma-separated URIs in which `,`, `;` and `!` (except the size
    /// suffix) cannot appear unencoded.
    ///
    /// # Errors
    /// A [`DmarcError`] naming the first problem.
    pub fn parse(text: &str) -> Result<Self, DmarcError> {
        let is_wsp = |c: char| c == ' ' || c == '\t';
        let mut parts = text.split(';').map(|p| p.trim_matches(is_wsp)).peekable();
        let first = parts.next().unwrap_or_default();
        let version_ok = first.split_once('=').is_some_and(|(n, v)| {
            n.trim_matches(is_wsp) == "v" && v.trim_matches(is_wsp) == "DMARC1"
        });
        if !version_ok {
            return Err(DmarcError::NotDmarc {
                found: excerpt(first),
            });
        }
        let mut policy = None;
        let mut rua = None;
        let mut ruf = None;
        let mut other: Vec<(String, String)> = Vec::new();
        while let Some(part) = parts.next() {
            if part.is_empty() && parts.peek().is_none() {
                break;
            }
            let Some((name, value)) = part.split_once('=') else {
                return Err(DmarcError::MalformedTag { tag: excerpt(part) });
            };
            let name = name.trim_matches(is_wsp).to_ascii_lowercase();
            let value = value.trim_matches(is_wsp);
            let name_ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !name_ok {
                return Err(DmarcError::MalformedTag { tag: excerpt(part) });
            }
            let duplicate = match name.as_str() {
                "v" => true,
                "p" => policy.is_some(),
                "rua" => rua.is_some(),
                "ruf" => ruf.is_some(),
                _ => other.iter().any(|(n, _)| *n == name),
            };
            if duplicate {
                return Err(DmarcError::DuplicateTag { tag: name });
            }
            match name.as_str() {
                "p" => policy = Some(parse_policy(value)?),
                "rua" => rua = Some(parse_uris("rua", value)?),
                "ruf" => ruf = Some(parse_uris("ruf", value)?),
                _ => other.push((name, value.to_owned())),
            }
        }
        Ok(Self {
            policy: policy.ok_or(DmarcError::MissingPolicy)?,
            rua: rua.unwrap_or_default(),
            ruf: ruf.unwrap_or_default(),
            other,
        })
    }
}

fn parse_policy(value: &str) -> Result<DmarcPolicy, DmarcError> {
    match value.to_ascii_lowercase().as_str() {
        "none" => Ok(DmarcPolicy::None),
        "quarantine" => Ok(DmarcPolicy::Quarantine),
        "reject" => Ok(DmarcPolicy::Reject),
        _ => Err(DmarcError::BadPolicy {
            found: excerpt(value),
        }),
    }
}

fn parse_uris(tag: &'static str, value: &str) -> Result<Vec<DmarcUri>, DmarcError> {
    value
        .split(',')
        .map(|u| DmarcUri::parse(tag, u.trim_matches([' ', '\t'])))
        .collect()
}

impl fmt::Display for DmarcRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v=DMARC1; p={}", self.policy.as_str())?;
        for (tag, uris) in [("rua", &self.rua), ("ruf", &self.ruf)] {
            if let Some((first, rest)) = uris.split_first() {
                write!(f, "; {tag}={first}")?;
                for uri in rest {
                    write!(f, ",{uri}")?;
                }
            }
        }
        for (name, value) in &self.other {
            write!(f, "; {name}={value}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn addr(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap()
    }

    #[test]
    fn rua_puts_cisa_first_then_the_recipients() {
        let admin = addr("admin@agency.gov");
        let agg = [addr("a@agency.gov"), addr("b@agency.gov")];
        let fail = [addr("f@agency.gov")];
        let r =
            DmarcRecord::for_broker(&DmarcRecipients::new(&admin).aggregate(&agg).failure(&fail));
        assert_eq!(
            r.to_string(),
            "v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:a@agency.gov,mailto:b@agency.gov; ruf=mailto:f@agency.gov"
        );
    }

    #[test]
    fn parser_accepts_spacing_case_and_trailing_separator() {
        let r = DmarcRecord::parse(
            "v = DMARC1 ;P=Reject;\trua=mailto:a@b.gov , mailto:c@d.gov!10m; sp=none;",
        )
        .unwrap();
        assert_eq!(r.policy(), DmarcPolicy::Reject);
        assert_eq!(r.rua().len(), 2);
        assert_eq!(r.rua().get(1).unwrap().size(), Some("10m"));
        assert_eq!(r.other_tags(), [("sp".to_owned(), "none".to_owned())]);
        assert_eq!(DmarcRecord::parse(&r.to_string()).unwrap(), r);
    }

    #[test]
    fn parser_refusals() {
        for (text, needle) in [
            ("p=reject; v=DMARC1", "start with"),
            ("v=dmarc1; p=reject", "start with"),
            ("v=DMARC1", "no p="),
            ("v=DMARC1; p=block", "none, quarantine"),
            ("v=DMARC1; p=reject; p=none", "more than once"),
            ("v=DMARC1; p=reject; rua", "name=value"),
            ("v=DMARC1; p=reject; rua=a@b.gov", "scheme"),
            ("v=DMARC1; p=reject; rua=mailto:a b@c.gov", "unencoded"),
            ("v=DMARC1; p=reject; rua=mailto:a%zz@c.gov", "hex"),
            ("v=DMARC1; p=reject; rua=mailto:a@c.gov!x", "size"),
            ("v=DMARC1; p=reject; rua=mailto:a@c.gov!1!2", "size"),
            ("v=DMARC1; ; p=reject", "name=value"),
        ] {
            let e = DmarcRecord::parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text:?} gave {e:?}");
        }
    }

    #[test]
    fn mailto_decodes_percent_escapes() {
        let r = DmarcRecord::parse("v=DMARC1; p=none; rua=mailto:a%2Cb@c.gov?subject=x").unwrap();
        assert_eq!(
            r.rua().first().unwrap().mailto_address().unwrap(),
            "a,b@c.gov"
        );
    }
}
