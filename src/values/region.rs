//! AWS regions and the partition each belongs to.

use crate::prelude::*;

use super::{ValueError, ValueKind, excerpt, string_value};

/// An AWS region code such as `us-gov-west-1`, lowercase.
///
/// The shape is checked, not membership of a fixed list, so a region AWS opens next year
/// still parses: a two-letter area (or `eusc`), an optional `gov` or `iso*` qualifier, a
/// direction word and a number: `us-east-1`, `us-gov-west-1`, `cn-northwest-1`,
/// `us-isob-east-1`, `eusc-de-east-1`. Upper-case input is lowercased.
///
/// ```
/// use ses_broker::{values::Partition, values::Region};
/// let r: Region = "us-gov-west-1".parse()?;
/// assert_eq!(r.partition(), Partition::AwsUsGov);
/// assert_eq!(r.partition().as_str(), "aws-us-gov");
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(String);

string_value!(Region);

/// The AWS partition: the first field of every ARN, following from the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-us-gov`: AWS GovCloud (US), where cloud.gov runs.
    AwsUsGov,
    /// `aws-cn`: the China regions.
    AwsCn,
    /// `aws-iso`: `us-iso-*` regions.
    AwsIso,
    /// `aws-iso-b`: `us-isob-*` regions.
    AwsIsoB,
    /// `aws-iso-e`: `eu-isoe-*` regions.
    AwsIsoE,
    /// `aws-iso-f`: `us-isof-*` regions.
    AwsIsoF,
    /// `aws-eusc`: the AWS European Sovereign Cloud (`eusc-*`).
    AwsEusc,
}

impl Partition {
    /// The partition as it appears in ARNs (`aws-us-gov`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsUsGov => "aws-us-gov",
            Self::AwsCn => "aws-cn",
            Self::AwsIso => "aws-iso",
            Self::AwsIsoB => "aws-iso-b",
            Self::AwsIsoE => "aws-iso-e",
            Self::AwsIsoF => "aws-iso-f",
            Self::AwsEusc => "aws-eusc",
        }
    }
}

impl Partition {
    /// Every partition, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::Aws,
        Self::AwsUsGov,
        Self::AwsCn,
        Self::AwsIso,
        Self::AwsIsoB,
        Self::AwsIsoE,
        Self::AwsIsoF,
        Self::AwsEusc,
    ];

    /// The partition named `name` (`aws-us-gov`), if it is a known one.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl core::fmt::Display for Partition {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::Region, message)
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase())
}

impl Region {
    /// Parses a region code.
    ///
    /// # Errors
    /// A [`ValueError`] when the input is not shaped like an AWS region code.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let shape_error = || {
            err(format!(
                "{} is not an AWS region code such as us-gov-west-1",
                excerpt(input)
            ))
        };
        if input.is_empty() {
            return Err(err("must not be empty"));
        }
        if input.len() > 32 || !input.is_ascii() {
            return Err(shape_error());
        }
        let lower = input.to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('-').collect();
        let (area, qualifier, direction, number) = match parts.as_slice() {
            [area, direction, number] => (*area, None, *direction, *number),
            [area, qualifier, direction, number] => (*area, Some(*qualifier), *direction, *number),
            _ => return Err(shape_error()),
        };
        let area_ok = (area.len() == 2 || area == "eusc") && is_word(area);
        let qualifier_ok = match qualifier {
            None => true,
            Some(q) => {
                q == "gov"
                    || (q.starts_with("iso") && q.len() <= 4 && is_word(q))
                    || (area == "eusc" && q.len() == 2 && is_word(q))
            }
        };
        let number_ok =
            (1..=2).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
        if !(area_ok && qualifier_ok && is_word(direction) && number_ok) {
            return Err(shape_error());
        }
        Ok(Self(lower))
    }

    /// The region code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The partition the region belongs to.
    #[must_use]
    pub fn partition(&self) -> Partition {
        let r = self.0.as_str();
        if r.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else if r.starts_with("cn-") {
            Partition::AwsCn
        } else if r.starts_with("eusc-") {
            Partition::AwsEusc
        } else if r.contains("-isob-") {
            Partition::AwsIsoB
        } else if r.contains("-isoe-") {
            Partition::AwsIsoE
        } else if r.contains("-isof-") {
            Partition::AwsIsoF
        } else if r.contains("-iso-") {
            Partition::AwsIso
        } else {
            Partition::Aws
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn partition(r: &str) -> &'static str {
        Region::parse(r).unwrap().partition().as_str()
    }

    #[test]
    fn partition_follows_from_region() {
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("us-gov-east-1"), "aws-us-gov");
        assert_eq!(partition("cn-northwest-1"), "aws-cn");
        assert_eq!(partition("us-east-1"), "aws");
        assert_eq!(partition("ap-southeast-5"), "aws");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition("eusc-de-east-1"), "aws-eusc");
    }

    #[test]
    fn canonical_form_is_lowercase() {
        assert_eq!(
            Region::parse("US-GOV-WEST-1").unwrap().as_str(),
            "us-gov-west-1"
        );
    }

    #[test]
    fn malformed_regions_are_refused() {
        for bad in [
            "",
            "us",
            "us-east",
            "useast1",
            "us-east-1a",
            "us-east-123",
            "us-gov-west-1-x",
            "u-east-1",
            "us-east-1;",
            "us-east-1\n",
            "us--1",
            "ûs-east-1",
            "us-xyz-east-1",
        ] {
            assert!(Region::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
