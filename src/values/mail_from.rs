//! The custom MAIL FROM subdomain.

use crate::prelude::*;

use super::domain::MAX_DOMAIN_LEN;
use super::{DomainName, ValueError, ValueKind, describe_char, excerpt, string_value};

/// The label(s) put in front of the sending domain to make its custom MAIL FROM domain
/// (`mail` gives `mail.agency.gov`): one or more LDH labels, lowercase, no trailing dot.
///
/// Underscores are refused: the MAIL FROM domain is used in the SMTP envelope, where
/// RFC 5321 allows only letters, digits and inner hyphens. Whether the full name still fits
/// the limits of a domain is checked when it is joined to a domain ([`Self::under`]).
///
/// ```
/// use ses_broker::{values::DomainName, values::MailFromSubdomain};
/// let sub: MailFromSubdomain = "Mail".parse()?;
/// let domain: DomainName = "agency.gov".parse()?;
/// assert_eq!(sub.under(&domain)?.as_str(), "mail.agency.gov");
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailFromSubdomain(String);

string_value!(MailFromSubdomain);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::MailFromSubdomain, message)
}

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
        let lower = input.to_ascii_lowercase();
        for label in lower.split('.') {
            if label.is_empty() {
                return Err(err(
                    "has an empty label (a leading, trailing or doubled dot)",
                ));
            }
            if label.len() > 63 {
                return Err(err(format!(
                    "label {} is {} characters long; a label has at most 63",
                    excerpt(label),
                    label.len()
                )));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(err(format!(
                    "label {} starts or ends with a hyphen",
                    excerpt(label)
                )));
            }
            if label.get(2..4) == Some("--") {
                return Err(err(format!(
                    "label {} has '--' in the third and fourth position, which is reserved",
                    excerpt(label)
                )));
            }
        }
        if lower.len() > 250 {
            return Err(err(format!(
                "is {} characters long; no domain could hold it",
                lower.len()
            )));
        }
        Ok(Self(lower))
    }

    /// The labels, lowercase, joined by dots.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The MAIL FROM domain: these labels in front of `domain`.
    ///
    /// # Errors
    /// A [`ValueError`] when the full name breaks a domain rule (most often, it is longer
    /// than 253 characters).
    pub fn under(&self, domain: &DomainName) -> Result<DomainName, ValueError> {
        self.fits_under(domain)?;
        let mut name = String::with_capacity(self.0.len() + 1 + domain.as_str().len());
        name.push_str(&self.0);
        name.push('.');
        name.push_str(domain.as_str());
        // Both parts are valid and canonical, and the labels of each obey every rule on
        // their own, so the only way the joined name can break a rule is its length.
        Ok(DomainName::from_canonical(name))
    }

    /// Whether the MAIL FROM domain under `domain` would be a valid name, without making it.
    ///
    /// # Errors
    /// A [`ValueError`] when the full name would be longer than 253 characters.
    pub fn fits_under(&self, domain: &DomainName) -> Result<(), ValueError> {
        let len = self.0.len() + 1 + domain.as_str().len();
        if len > MAX_DOMAIN_LEN {
            return Err(err(format!(
                "makes the MAIL FROM domain {len} characters long; a domain name has at most {MAX_DOMAIN_LEN}"
            )));
        }
        Ok(())
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
