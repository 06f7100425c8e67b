//! The custom MAIL FROM subdomain.

use crate::prelude::*;

use super::domain::{MAX_DOMAIN_LEN, check_bidi, to_a_labels};
use super::{DomainName, ValueError, ValueKind, describe_char, string_value};

/// The label(s) put in front of the sending domain to make its custom MAIL FROM domain
/// (`mail` gives `mail.agency.gov`): one or more labels, lowercase, no trailing dot.
///
/// Each label follows exactly the label rules of [`DomainName`] (so a valid A-label such as
/// `xn--bcher-kva` is accepted here as it is there), but the input is ASCII: letters, digits,
/// hyphens and the dots between labels, as the catalog documents the field. Underscores are
/// refused: the MAIL FROM domain is used in the SMTP envelope, where RFC 5321 allows only
/// letters, digits and inner hyphens. Whether the full name is still a valid domain (its
/// length, and the Bidi rule across the labels of both parts when one is right-to-left) is
/// checked when it is joined to a domain ([`Self::under`]).
///
/// ```
/// use ses_broker::{values::DomainName, values::MailFromSubdomain};
/// let sub: MailFromSubdomain = "Mail".parse()?;
/// let domain: DomainName = "agency.gov".parse()?;
/// assert_eq!(sub.under(&domain)?.as_str(), "mail.agency.gov");
/// assert!("xn--bcher-kva".parse::<MailFromSubdomain>().is_ok());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailFromSubdomain(String);

string_value!(MailFromSubdomain);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::MailFromSubdomain, message)
}

/// Longest subdomain: with a dot and the shortest domain (`a.b`) it must fit 253 characters.
const MAX_SUBDOMAIN_LEN: usize = MAX_DOMAIN_LEN - 3;

impl MailFromSubdomain {
    /// Parses the subdomain labels.
    ///
    /// # Errors
    /// A [`ValueError`] naming the first problem found.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.is_empty() {
            return Err(err("must not be empty"));
        }
        if let Some(c) = input
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
        {
            return Err(err(format!(
                "contains {}; only letters, digits, hyphens and dots between labels are allowed",
                describe_char(c)
            )));
        }
        if input.len() > MAX_SUBDOMAIN_LEN {
            return Err(err(format!(
                "is {} characters long; no domain could hold it",
                input.len()
            )));
        }
        // The one label rule of domain names, A-labels included.
        let labels = to_a_labels(input).map_err(|e| err(e.message()))?;
        Ok(Self(labels))
    }

    /// The labels, lowercase, joined by dots.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The MAIL FROM domain: these labels in front of `domain`.
    ///
    /// # Errors
    /// A [`ValueError`] when the full name breaks a domain rule: it is longer than 253
    /// characters, or it has a right-to-left label and a label that breaks the Bidi rule.
    pub fn under(&self, domain: &DomainName) -> Result<DomainName, ValueError> {
        let name = self.joined(domain)?;
        // Both parts are valid and canonical, the labels of each obey every label rule on their
        // own, and `joined` checked the two rules of the whole name (length and Bidi).
        Ok(DomainName::from_canonical(name))
    }

    /// Whether the MAIL FROM domain under `domain` would be a valid name, without keeping it.
    ///
    /// # Errors
    /// As [`Self::under`].
    pub fn fits_under(&self, domain: &DomainName) -> Result<(), ValueError> {
        self.joined(domain).map(drop)
    }

    fn joined(&self, domain: &DomainName) -> Result<String, ValueError> {
        let len = self.0.len() + 1 + domain.as_str().len();
        if len > MAX_DOMAIN_LEN {
            return Err(err(format!(
                "makes the MAIL FROM domain {len} characters long; a domain name has at most {MAX_DOMAIN_LEN}"
            )));
        }
        let mut name = String::with_capacity(len);
        name.push_str(&self.0);
        name.push('.');
        name.push_str(domain.as_str());
        check_bidi(&name)
            .map_err(|e| err(format!("makes a MAIL FROM domain that {}", e.message())))?;
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn labels_are_ldh() {
        assert_eq!(
            MailFromSubdomain::parse("Bounce.Mail").unwrap().as_str(),
            "bounce.mail"
        );
        for bad in [
            "", "mail.", ".mail", "a..b", "_mail", "-mail", "mail-", "m ail", "ab--c", "m;x",
        ] {
            assert!(MailFromSubdomain::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn under_agrees_with_parsing_the_joined_name() {
        let domain = DomainName::parse("agency.gov").unwrap();
        for sub in ["mail", "a.b-c.d1", "9"] {
            let sub = MailFromSubdomain::parse(sub).unwrap();
            let joined = sub.under(&domain).unwrap();
            assert_eq!(
                joined,
                DomainName::parse(&format!("{sub}.{domain}")).unwrap()
            );
        }
    }

    #[test]
    fn full_name_must_fit() {
        let domain = DomainName::parse(&format!("{}.gov", "d".repeat(63))).unwrap();
        let sub = MailFromSubdomain::parse(&vec!["s".repeat(63); 3].join(".")).unwrap();
        let e = sub.under(&domain).unwrap_err();
        assert!(e.to_string().contains("at most 253"), "{e}");
        assert_eq!(e.kind(), ValueKind::MailFromSubdomain);
    }
}
