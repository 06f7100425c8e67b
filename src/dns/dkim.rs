//! Easy DKIM: the tokens SES returns and the zone their CNAMEs point into.

use crate::prelude::*;

use crate::values::{
    DomainName, MAX_LABEL_LEN, Region, ValueError, ValueKind, describe_char, excerpt, string_value,
};

/// The length of the token SES issues for Easy DKIM (32 base32 characters).
pub const SES_DKIM_TOKEN_LEN: usize = 32;

/// How much a DKIM record name adds to the sending domain: `<token>._domainkey.`, 44
/// characters for SES's 32-character tokens. A sending domain must leave this much room in
/// the 253 characters of a DNS name.
pub const DKIM_NAME_OVERHEAD: usize = SES_DKIM_TOKEN_LEN + "._domainkey.".len();

use super::DnsError;

/// Regions whose DKIM signing zone is `dkim.<region>.amazonses.com` rather than
/// `dkim.amazonses.com` (AWS General Reference, "SES DKIM domains", as cited by several
/// independent Terraform modules). GovCloud West uses the default.
const REGIONAL_DKIM_ZONES: [&str; 11] = [
    "af-south-1",
    "ap-northeast-3",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-5",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "il-central-1",
    "me-central-1",
    "us-gov-east-1",
];

/// One Easy DKIM token as SES returns it: the DKIM selector and the first label of its
/// CNAME target.
///
/// SES documents no format; observed tokens are 32 (older ones 41-42) characters of
/// lowercase base32 (`a-z`, `2-7`). Accepted: 1 to 63 ASCII letters and digits, stored
/// lowercase, so a token is always one valid DNS label and can never smuggle a dot, an
/// underscore or syntax into a record.
///
/// ```
/// use ses_broker::dns::DkimToken;
/// let t: DkimToken = "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz".parse()?;
/// assert_eq!(t.as_str(), "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz");
/// assert!("a.b".parse::<DkimToken>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DkimToken(String);

string_value!(DkimToken);

impl DkimToken {
    /// Parses a token.
    ///
    /// # Errors
    /// A [`ValueError`] when the token is empty, longer than 63 characters or holds
    /// anything but ASCII letters and digits.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let err = |m: String| ValueError::new(ValueKind::Other, m);
        if input.is_empty() {
            return Err(err("dkim token must not be empty".to_owned()));
        }
        if let Some(c) = input.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(err(format!(
                "dkim token {} contains {}; only letters and digits are allowed",
                excerpt(input),
                describe_char(c)
            )));
        }
        if input.len() > MAX_LABEL_LEN {
            return Err(err(format!(
                "dkim token is {} characters long; at most {MAX_LABEL_LEN} are allowed",
                input.len()
            )));
        }
        Ok(Self(input.to_ascii_lowercase()))
    }

    /// The token, lowercase.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What SES reports for an Easy DKIM identity: its three tokens and the hosted zone that
/// holds the public keys (`SigningHostedZone`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DkimSigning {
    tokens: [DkimToken; 3],
    signing_zone: DomainName,
}

impl DkimSigning {
    /// Tokens with the signing zone SES reported.
    ///
    /// # Errors
    /// [`DnsError::DuplicateDkimToken`] when two tokens are equal: they would give two
    /// CNAMEs at one name (SES never returns such a set).
    pub fn new(tokens: [DkimToken; 3], signing_zone: DomainName) -> Result<Self, DnsError> {
        let [a, b, c] = &tokens;
        if let Some(dup) = [(a, b), (a, c), (b, c)]
            .into_iter()
            .find_map(|(x, y)| (x == y).then_some(x))
        {
            return Err(DnsError::DuplicateDkimToken {
                token: dup.to_string(),
            });
        }
        Ok(Self {
            tokens,
            signing_zone,
        })
    }

    /// Tokens with the region's default signing zone ([`default_signing_zone`]).
    ///
    /// # Errors
    /// [`DnsError::DuplicateDkimToken`] as for [`Self::new`].
    pub fn for_region(tokens: [DkimToken; 3], region: &Region) -> Result<Self, DnsError> {
        Self::new(tokens, default_signing_zone(region)?)
    }

    /// The three tokens.
    #[must_use]
    pub const fn tokens(&self) -> &[DkimToken; 3] {
        &self.tokens
    }

    /// The zone the CNAMEs point into (`dkim.amazonses.com`).
    #[must_use]
    pub const fn signing_zone(&self) -> &DomainName {
        &self.signing_zone
    }
}

/// The DKIM signing zone for a region when SES's own report is not at hand:
/// `dkim.amazonses.com`, or `dkim.<region>.amazonses.com` in the regions listed in the
/// reference (us-gov-east-1 among them, us-gov-west-1 not).
///
/// ```
/// use ses_broker::{values::Region, dns::default_signing_zone};
/// let west: Region = "us-gov-west-1".parse()?;
/// let east: Region = "us-gov-east-1".parse()?;
/// assert_eq!(default_signing_zone(&west)?.as_str(), "dkim.amazonses.com");
/// assert_eq!(default_signing_zone(&east)?.as_str(), "dkim.us-gov-east-1.amazonses.com");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Never in practice: [`DnsError::Name`] if the zone name could not be formed.
pub fn default_signing_zone(region: &Region) -> Result<DomainName, DnsError> {
    let name = if REGIONAL_DKIM_ZONES.contains(&region.as_str()) {
        format!("dkim.{region}.amazonses.com")
    } else {
        "dkim.amazonses.com".to_owned()
    };
    host(&name)
}

/// Parses a host name this crate composes from validated parts.
pub(crate) fn host(name: &str) -> Result<DomainName, DnsError> {
    DomainName::parse(name).map_err(|e| DnsError::Name {
        name: excerpt(name),
        problem: e.message().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn tokens_are_single_alphanumeric_labels() {
        assert_eq!(DkimToken::parse("ABC234").unwrap().as_str(), "abc234");
        for bad in ["", "a.b", "a_b", "a-b", "a b", "é", &"a".repeat(64)] {
            assert!(DkimToken::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(DkimToken::parse(&"a".repeat(63)).is_ok());
    }

    #[test]
    fn duplicate_tokens_are_refused() {
        let t = |s: &str| DkimToken::parse(s).unwrap();
        let zone = DomainName::parse("dkim.amazonses.com").unwrap();
        let e = DkimSigning::new([t("a"), t("b"), t("A")], zone.clone()).unwrap_err();
        assert_eq!(e.to_string(), "dkim tokens: a appears more than once");
        assert!(DkimSigning::new([t("a"), t("b"), t("c")], zone).is_ok());
    }

    #[test]
    fn signing_zone_defaults_by_region() {
        let zone = |r: &str| {
            default_signing_zone(&Region::parse(r).unwrap())
                .unwrap()
                .to_string()
        };
        assert_eq!(zone("us-gov-west-1"), "dkim.amazonses.com");
        assert_eq!(zone("us-east-1"), "dkim.amazonses.com");
        assert_eq!(zone("eu-south-1"), "dkim.eu-south-1.amazonses.com");
        assert_eq!(zone("us-gov-east-1"), "dkim.us-gov-east-1.amazonses.com");
    }
}
