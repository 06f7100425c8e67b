//! Route 53 hosted zone ids.

use crate::prelude::*;

use super::{ValueError, ValueKind, describe_char, excerpt, string_value};

/// Longest hosted zone id accepted (Route 53 documents at most 32 characters).
const MAX_HOSTED_ZONE_ID_LEN: usize = 32;

/// A Route 53 hosted zone id such as `Z0123456789ABCDEFGHIJ`.
///
/// Route 53 answers some calls with the resource path `/hostedzone/Z...`; the prefix is
/// dropped, so both forms give the same id. 1 to 32 uppercase letters and digits.
///
/// ```
/// use ses_broker::values::HostedZoneId;
/// let id: HostedZoneId = "/hostedzone/Z0123456789ABC".parse()?;
/// assert_eq!(id.as_str(), "Z0123456789ABC");
/// assert!("z-1".parse::<HostedZoneId>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostedZoneId(String);

string_value!(HostedZoneId);

impl HostedZoneId {
    /// Parses a hosted zone id, with or without the `/hostedzone/` prefix.
    ///
    /// # Errors
    /// A [`ValueError`] when the id is empty, too long, or holds anything but uppercase
    /// letters and digits.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let err = |m: String| ValueError::new(ValueKind::Other, m);
        let id = input.strip_prefix("/hostedzone/").unwrap_or(input);
        if id.is_empty() {
            return Err(err("hosted zone id must not be empty".to_owned()));
        }
        if let Some(c) = id
            .chars()
            .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        {
            return Err(err(format!(
                "hosted zone id {} contains {}; Route 53 zone ids are uppercase letters and digits",
                excerpt(input),
                describe_char(c)
            )));
        }
        if id.len() > MAX_HOSTED_ZONE_ID_LEN {
            return Err(err(format!(
                "hosted zone id {} is longer than {MAX_HOSTED_ZONE_ID_LEN} characters",
                excerpt(input)
            )));
        }
        Ok(Self(id.to_owned()))
    }

    /// The id, without the `/hostedzone/` prefix.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_give_one_id_and_limits_hold() {
        assert_eq!(
            HostedZoneId::parse("/hostedzone/Z1").ok(),
            HostedZoneId::parse("Z1").ok()
        );
        assert!(HostedZoneId::parse(&"Z".repeat(32)).is_ok());
        assert!(HostedZoneId::parse(&"Z".repeat(33)).is_err());
        assert!(HostedZoneId::parse("/hostedzone/").is_err());
        assert!(HostedZoneId::parse("z1").is_err());
    }
}
