//! Amazon Resource Names and AWS account ids.

use crate::prelude::*;

use super::{Partition, Region, ValueError, ValueKind, describe_char, excerpt, string_value};

/// Longest ARN accepted (the common AWS API limit).
const MAX_ARN_LEN: usize = 2048;

/// A 12-digit AWS account id.
///
/// ```
/// use ses_broker::values::AccountId;
/// let id: AccountId = "123456789012".parse()?;
/// assert_eq!(id.as_str(), "123456789012");
/// assert!("12345".parse::<AccountId>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

string_value!(AccountId);

impl AccountId {
    /// Parses an account id: exactly 12 ASCII digits.
    ///
    /// # Errors
    /// A [`ValueError`] when the input is not 12 digits.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.len() == 12 && input.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(input.to_owned()))
        } else {
            Err(ValueError::new(
                ValueKind::Other,
                format!("{} is not an AWS account id (12 digits)", excerpt(input)),
            ))
        }
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An Amazon Resource Name, `arn:partition:service:region:account:resource`.
///
/// The partition must be a known one, the service lowercase letters, digits and hyphens,
/// the region empty or a [`Region`] of that partition, the account empty or an
/// [`AccountId`], and the resource non-empty with no whitespace or control characters.
///
/// ```
/// use ses_broker::values::Arn;
/// let arn: Arn = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts".parse()?;
/// assert_eq!(arn.service(), "sns");
/// assert_eq!(arn.resource(), "alerts");
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: String,
    partition: Partition,
    /// Byte offsets of the service, region, account and resource fields.
    fields: [usize; 4],
}

string_value!(Arn);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::Other, message)
}

impl Arn {
    /// Parses an ARN.
    ///
    /// # Errors
    /// A [`ValueError`] naming the field that is wrong.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let mut parts = input.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err(err(format!(
                "{} is not an ARN (arn:partition:service:region:account:resource)",
                excerpt(input)
            )));
        };
        Self::from_parts_str(partition, service, region, account, resource)
    }

    /// Builds an ARN from its fields, validating each and the whole as [`Self::parse`] does
    /// (so the result's text always parses back to an equal value).
    ///
    /// # Errors
    /// A [`ValueError`] naming the field that is wrong.
    pub fn new(
        partition: Partition,
        service: &str,
        region: Option<&Region>,
        account: Option<&AccountId>,
        resource: &str,
    ) -> Result<Self, ValueError> {
        Self::from_parts_str(
            partition.as_str(),
            service,
            region.map_or("", Region::as_str),
            account.map_or("", AccountId::as_str),
            resource,
        )
    }

    fn from_parts_str(
        partition: &str,
        service: &str,
        region: &str,
        account: &str,
        resource: &str,
    ) -> Result<Self, ValueError> {
        // Checked here, where both constructors meet, so that `new` cannot build an ARN that
        // `parse` would refuse; and first, before any work on a hostile megabyte.
        let len = "arn".len()
            + [partition, service, region, account, resource]
                .iter()
                .map(|field| 1 + field.len())
                .sum::<usize>();
        if len > MAX_ARN_LEN {
            return Err(err(format!(
                "is {len} characters long; an ARN has at most {MAX_ARN_LEN}"
            )));
        }
        let partition = Partition::parse(partition)
            .ok_or_else(|| err(format!("ARN partition {} is not known", excerpt(partition))))?;
        if service.is_empty()
            || !service
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(err(format!(
                "ARN service {} is not valid",
                excerpt(service)
            )));
        }
        if !region.is_empty() {
            let parsed = Region::parse(region).map_err(|e| err(format!("ARN region {e}")))?;
            if parsed.as_str() != region || parsed.partition() != partition {
                return Err(err(format!(
                    "ARN region {} does not belong to partition {partition}",
                    excerpt(region)
                )));
            }
        }
        if !account.is_empty() {
            AccountId::parse(account).map_err(|e| err(format!("ARN account: {e}")))?;
        }
        if resource.is_empty() {
            return Err(err("ARN resource is empty"));
        }
        if let Some(c) = resource
            .chars()
            .find(|&c| c.is_control() || c.is_whitespace())
        {
            return Err(err(format!("ARN resource contains {}", describe_char(c))));
        }
        let text = format!("arn:{partition}:{service}:{region}:{account}:{resource}");
        let service_at = 5 + partition.as_str().len();
        let region_at = service_at + service.len() + 1;
        let account_at = region_at + region.len() + 1;
        let resource_at = account_at + account.len() + 1;
        Ok(Self {
            text,
            partition,
            fields: [service_at, region_at, account_at, resource_at],
        })
    }

    /// The whole ARN.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The partition.
    #[must_use]
    pub const fn partition(&self) -> Partition {
        self.partition
    }

    fn field(&self, index: usize) -> &str {
        let [service, region, account, resource] = self.fields;
        let (start, end) = match index {
            0 => (service, region - 1),
            1 => (region, account - 1),
            2 => (account, resource - 1),
            _ => (resource, self.text.len()),
        };
        self.text.get(start..end).unwrap_or_default()
    }

    /// The service (`ses`, `sns`, `iam`, ...).
    #[must_use]
    pub fn service(&self) -> &str {
        self.field(0)
    }

    /// The region, empty for global services such as IAM.
    #[must_use]
    pub fn region(&self) -> &str {
        self.field(1)
    }

    /// The account id, empty for some AWS-owned resources.
    #[must_use]
    pub fn account(&self) -> &str {
        self.field(2)
    }

    /// The resource part, everything after the fifth colon.
    #[must_use]
    pub fn resource(&self) -> &str {
        self.field(3)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn fields_are_split() {
        let arn = Arn::parse(
            "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-x",
        )
        .unwrap();
        assert_eq!(arn.partition(), Partition::AwsUsGov);
        assert_eq!(arn.service(), "ses");
        assert_eq!(arn.region(), "us-gov-west-1");
        assert_eq!(arn.account(), "123456789012");
        assert_eq!(arn.resource(), "configuration-set/csb-aws-ses-x");
        let iam = Arn::parse("arn:aws:iam::123456789012:user/cf/x").unwrap();
        assert_eq!(iam.region(), "");
        assert_eq!(iam.resource(), "user/cf/x");
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "arn:aws:sns:us-east-1:123456789012",
            "arn:aws:sns:us-east-1:123456789012:",
            "arn:awz:sns:us-east-1:123456789012:t",
            "arn:aws:SNS:us-east-1:123456789012:t",
            "arn:aws:sns:us-gov-west-1:123456789012:t",
            "arn:aws:sns:US-EAST-1:123456789012:t",
            "arn:aws:sns:us-east-1:12345:t",
            "arn:aws:sns:us-east-1:123456789012:t x",
            "urn:aws:sns:us-east-1:123456789012:t",
        ] {
            assert!(Arn::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn new_refuses_what_parse_refuses_over_2048_characters() {
        let region = Region::parse("us-east-1").unwrap();
        let at_limit = "x".repeat(MAX_ARN_LEN - "arn:aws:sns:us-east-1::".len());
        let built = Arn::new(Partition::Aws, "sns", Some(&region), None, &at_limit).unwrap();
        assert_eq!(built.as_str().len(), MAX_ARN_LEN);
        assert_eq!(Arn::parse(built.as_str()).unwrap(), built);
        let over = format!("{at_limit}x");
        let e = Arn::new(Partition::Aws, "sns", Some(&region), None, &over).unwrap_err();
        assert!(e.to_string().contains("at most 2048"), "{e}");
        assert!(Arn::parse(&format!("arn:aws:sns:us-east-1::{over}")).is_err());
    }

    #[test]
    fn new_matches_parse() {
        let region = Region::parse("us-gov-west-1").unwrap();
        let account = AccountId::parse("123456789012").unwrap();
        let built = Arn::new(
            region.partition(),
            "sns",
            Some(&region),
            Some(&account),
            "t",
        )
        .unwrap();
        assert_eq!(
            built,
            Arn::parse("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t").unwrap()
        );
    }
}
