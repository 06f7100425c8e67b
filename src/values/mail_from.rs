//! The custom MAIL FROM subdomain.

use super::{DomainName, ValueError, ValueKind, describe_char, excerpt, string_value};

/// The label(s) put in front of the sending domain to make its custom MAIL FROM domain
/// (`mail` gives `mail.agency.gov`): one or more LDH labels, lowercase, no trailing dot.
///
/// Underscores are refused: the MAIL FROM domain is used in the SMTP envelope, where
/// RFC 5321 allows only letters, digits and inner hyphens. Whether the full name still fits
/// the limits of a domain is checked when it is joined to a domain ([`Self::under`]).
///
/// ```
/// use ses_broker::{DomainName, MailFromSubdomain};
/// let sub: MailFromSubdomain = "Mail".parse()?;
/// let domain: DomainName = "agency.gov".parse()?;
/// assert_eq!(sub.under(&domain)?.as_str(), "mail.agency.gov");
/// # Ok::<(), ses_broker::ValueError>(())
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
        domain.child(&self.0).map_err(|e| {
            err(format!(
                "makes the MAIL FROM domain {}.{} invalid: {}",
                self.0,
                domain,
                e.message()
            ))
        })
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
    fn full_name_must_fit() {
        let domain = DomainName::parse(&format!("{}.gov", "d".repeat(63))).unwrap();
        let sub = MailFromSubdomain::parse(&vec!["s".repeat(63); 3].join(".")).unwrap();
        let e = sub.under(&domain).unwrap_err();
        assert!(e.to_string().contains("at most 253"), "{e}");
        assert_eq!(e.kind(), ValueKind::MailFromSubdomain);
    }
}
