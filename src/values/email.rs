//! Email addresses: a strict, practical mailbox that is safe in DMARC, zone files and HCL.

use crate::prelude::*;

use super::domain::{FULL_STOPS, is_plain_valid};
use super::{DomainName, ValueError, ValueKind, describe_char, string_value};

/// Longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL_LEN: usize = 64;
/// Longest address (RFC 5321 path limit of 256 less the angle brackets).
const MAX_ADDRESS_LEN: usize = 254;

/// A mailbox `local@domain`.
///
/// The local part is a dot-atom restricted to letters, digits and `.`, `_`, `-`, `+`
/// (no leading, trailing or doubled dot, at most 64 characters); the domain follows every
/// rule of [`DomainName`] and is stored as lowercase A-labels; the whole address has at most
/// 254 characters. The restriction is deliberate: these addresses end up inside DMARC
/// records (where `;`, `,` and `!` are syntax), zone files (quotes, `\`, spaces), Terraform
/// HCL and mail headers, so nothing that is syntax in any of them is accepted. The local
/// part keeps its case (RFC 5321 lets a mailbox be case-sensitive).
///
/// ```
/// use ses_broker::values::EmailAddress;
/// let a: EmailAddress = "Admin+dmarc@Agency.GOV".parse()?;
/// assert_eq!(a.as_str(), "Admin+dmarc@agency.gov");
/// assert!("a;rua=mailto:evil@x.com@agency.gov".parse::<EmailAddress>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress {
    address: String,
    at: usize,
}

string_value!(EmailAddress);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::EmailAddress, message)
}

impl EmailAddress {
    /// Parses and canonicalises an address.
    ///
    /// # Errors
    /// A [`ValueError`] naming the first problem found.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.is_empty() {
            return Err(err("must not be empty"));
        }
        let Some((local, domain)) = input.rsplit_once('@') else {
            return Err(err("is not an email address: it has no '@'"));
        };
        if local.is_empty() {
            return Err(err("is not an email address: nothing before the '@'"));
        }
        // The length first: it bounds the work on a hostile input to 64 characters.
        if local.len() > MAX_LOCAL_LEN {
            return Err(err(format!(
                "has {} characters before the '@'; at most {MAX_LOCAL_LEN} are allowed",
                local.len()
            )));
        }
        if let Some(c) = local
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')))
            .and_then(|at| local.get(at..))
            .and_then(|rest| rest.chars().next())
        {
            let why = if c == '@' {
                "has more than one '@'".to_owned()
            } else {
                format!(
                    "contains {} before the '@'; only letters, digits and . _ - + are allowed there",
                    describe_char(c)
                )
            };
            return Err(err(format!("is not an email address: {why}")));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(err(
                "is not an email address: a dot starts, ends or is doubled in the part before the '@'",
            ));
        }
        if domain.is_empty() {
            return Err(err("is not an email address: nothing after the '@'"));
        }
        if domain.ends_with(FULL_STOPS) {
            return Err(err("has a trailing dot after the domain"));
        }
        let mut address = String::with_capacity(local.len() + 1 + domain.len());
        address.push_str(local);
        address.push('@');
        if is_plain_valid(domain) {
            address.push_str(domain);
            if let Some(tail) = address.get_mut(local.len() + 1..) {
                tail.make_ascii_lowercase();
            }
        } else {
            let domain = DomainName::parse(domain)
                .map_err(|e| err(format!("has an invalid domain: {}", e.message())))?;
            address.push_str(domain.as_str());
        }
        if address.len() > MAX_ADDRESS_LEN {
            return Err(err(format!(
                "is {} characters long; an address has at most {MAX_ADDRESS_LEN}",
                address.len()
            )));
        }
        Ok(Self {
            at: local.len(),
            address,
        })
    }

    /// The canonical form, `local@domain` with the domain in lowercase A-labels.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The part before the `@`.
    #[must_use]
    pub fn local_part(&self) -> &str {
        self.address.get(..self.at).unwrap_or_default()
    }

    /// The domain after the `@`, as a string in canonical form.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.address.get(self.at + 1..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn bad(s: &str) -> String {
        EmailAddress::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn accepts_practical_mailboxes() {
        let a = EmailAddress::parse("First.Last+tag_x-y@Sub.Agency.gov").unwrap();
        assert_eq!(a.as_str(), "First.Last+tag_x-y@sub.agency.gov");
        assert_eq!(a.local_part(), "First.Last+tag_x-y");
        assert_eq!(a.domain(), "sub.agency.gov");
        let idn = EmailAddress::parse("info@bücher.example").unwrap();
        assert_eq!(idn.as_str(), "info@xn--bcher-kva.example");
    }

    #[test]
    fn refuses_syntax_of_dmarc_zone_files_hcl_and_headers() {
        assert!(bad("a;b@agency.gov").contains("';'"));
        assert!(bad("a,b@agency.gov").contains("','"));
        assert!(bad("a!b@agency.gov").contains("'!'"));
        assert!(bad("\"a\"@agency.gov").contains("'\"'"));
        assert!(bad("a'b@agency.gov").contains("'''"));
        assert!(bad("a b@agency.gov").contains("a space"));
        assert!(bad("a\r\nBcc:x@agency.gov").contains("U+000D"));
        assert!(bad("${var}@agency.gov").contains("'$'"));
        assert!(bad("a\\b@agency.gov").contains("'\\'"));
        assert!(bad("a@b@agency.gov").contains("more than one"));
        assert!(bad("a@agency.gov;p=none").contains("invalid domain"));
        assert!(bad("a@agency.gov.").contains("trailing dot"));
        assert!(bad("a@agency.gov\u{3002}").contains("trailing dot"));
    }

    #[test]
    fn refuses_malformed_addresses() {
        assert!(bad("").contains("empty"));
        assert!(bad("agency.gov").contains("no '@'"));
        assert!(bad("@agency.gov").contains("nothing before"));
        assert!(bad("a@").contains("nothing after"));
        assert!(bad(".a@agency.gov").contains("dot"));
        assert!(bad("a.@agency.gov").contains("dot"));
        assert!(bad("a..b@agency.gov").contains("dot"));
        assert!(bad("a@localhost").contains("single label"));
        assert!(bad(&format!("{}@agency.gov", "a".repeat(65))).contains("at most 64"));
        assert!(bad("é@agency.gov").contains("U+00E9"));
    }

    #[test]
    fn length_limit_is_exact() {
        let domain = format!(
            "{}.{}.{}.gov",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63)
        );
        let at_limit = format!("{}@{domain}", "a".repeat(254 - 1 - domain.len()));
        assert_eq!(at_limit.len(), 254);
        assert!(EmailAddress::parse(&at_limit).is_ok());
        let over = format!("{}@{domain}", "a".repeat(255 - 1 - domain.len()));
        assert!(bad(&over).contains("at most 254"));
    }
}
