//! The tags on every taggable resource: the deployed provider's default tags.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use crate::catalog::{PLAN_NAME, SERVICE_NAME};
use crate::params::Context;
use crate::values::{ValueError, ValueKind, describe_char};

/// AWS's limit on a tag key, in characters.
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// AWS's limit on a tag value, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 256;

/// The value of the `broker` tag. The deployed broker's, kept so that cost reports and
/// operators' filters keep finding the resources.
pub const BROKER_TAG_VALUE: &str = "Cloud Service Broker";
/// The value of the `client` tag (the deployed broker's).
pub const CLIENT_TAG_VALUE: &str = "Cloud Foundry";

/// Whether `c` is in the character set every tagging API accepts (IAM, KMS, SNS, SES,
/// CloudWatch, Route 53): letters, digits and spaces in any script, and `_ . : / = + - @`.
#[must_use]
pub fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c)
}

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", try_from = "RawTag")]
pub struct Tag {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawTag {
    key: String,
    value: String,
}

impl TryFrom<RawTag> for Tag {
    type Error = ValueError;
    fn try_from(raw: RawTag) -> Result<Self, Self::Error> {
        Self::new(&raw.key, &raw.value)
    }
}

impl Tag {
    /// A tag, refused when the key or value breaks AWS's limits: a key of 1 to 128
    /// characters not starting `aws:`, a value of at most 256, both of [`is_tag_char`].
    ///
    /// # Errors
    /// A [`ValueError`] naming the limit.
    pub fn new(key: &str, value: &str) -> Result<Self, ValueError> {
        let err = |m: String| ValueError::new(ValueKind::Other, m);
        if key.is_empty() || key.chars().count() > MAX_TAG_KEY_CHARS {
            return Err(err(format!(
                "tag key must have 1 to {MAX_TAG_KEY_CHARS} characters"
            )));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(err(
                "tag key must not start with the reserved aws:".to_owned()
            ));
        }
        if value.chars().count() > MAX_TAG_VALUE_CHARS {
            return Err(err(format!(
                "tag value is longer than {MAX_TAG_VALUE_CHARS} characters"
            )));
        }
        if let Some(c) = key.chars().chain(value.chars()).find(|c| !is_tag_char(*c)) {
            return Err(err(format!(
                "tag contains {}; only letters, digits, spaces and _ . : / = + - @ are allowed",
                describe_char(c)
            )));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.to_owned(),
        })
    }

    /// A tag whose value is made to fit: every character outside [`is_tag_char`] becomes
    /// `_`, and the value is cut at 256 characters. Used for values the platform supplies
    /// (organization and space names), which the broker cannot refuse.
    fn sanitised(key: &'static str, value: &str) -> Self {
        let value: String = value
            .chars()
            .map(|c| if is_tag_char(c) { c } else { '_' })
            .take(MAX_TAG_VALUE_CHARS)
            .collect();
        Self {
            key: key.to_owned(),
            value,
        }
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// The tags of a resource, in a fixed order.
///
/// Keys are the deployed broker's: `broker`, `client`, `environment`, `Instance GUID`,
/// `Organization GUID`, `Organization name`, `Space GUID`, `Space name`, `Service offering
/// name`, `Service plan name`. A value the context lacks is `""`. Values from the platform
/// are sanitised ([`Tag`]: characters AWS refuses become `_`, cut at 256 characters); the
/// environment name is checked when the configuration is read, so it is never altered.
///
/// ```
/// use ses_broker::aws::Tags;
/// use ses_broker::params::Context;
/// let context = Context::from_json(r#"{"organization_name": "Agency (prod)", "space_name": "mail"}"#)?;
/// let tags = Tags::new("production", "4f1c2d3e", &context);
/// assert_eq!(tags.get("Organization name"), Some("Agency _prod_"));
/// assert_eq!(tags.get("Space GUID"), Some(""));
/// assert_eq!(tags.get("Service offering name"), Some("aws-ses"));
/// assert_eq!(tags.iter().count(), 10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tags(Vec<Tag>);

impl Tags {
    /// The ten tags for a resource of instance `instance_guid` in `environment`.
    #[must_use]
    pub fn new(environment: &str, instance_guid: &str, context: &Context) -> Self {
        let or_empty = |v: Option<&str>| v.unwrap_or("").to_owned();
        let pairs: [(&'static str, String); 10] = [
            ("broker", BROKER_TAG_VALUE.to_owned()),
            ("client", CLIENT_TAG_VALUE.to_owned()),
            ("environment", environment.to_owned()),
            ("Instance GUID", instance_guid.to_owned()),
            ("Organization GUID", or_empty(context.organization_guid())),
            ("Organization name", or_empty(context.organization_name())),
            ("Space GUID", or_empty(context.space_guid())),
            ("Space name", or_empty(context.space_name())),
            ("Service offering name", SERVICE_NAME.to_owned()),
            ("Service plan name", PLAN_NAME.to_owned()),
        ];
        Self(pairs.iter().map(|(k, v)| Tag::sanitised(k, v)).collect())
    }

    /// Every tag.
    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.0.iter()
    }

    /// The value of the tag `key`, if present.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|t| t.key == key).map(Tag::value)
    }

    /// The number of tags.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn every_tag_fits_aws_limits() {
        let long = "é".repeat(400);
        let json = format!(r#"{{"organization_name": "{long}", "space_name": "a;b\"c"}}"#);
        let context = Context::from_json(&json).unwrap();
        for tag in Tags::new("prod", "id", &context).iter() {
            assert!(Tag::new(tag.key(), tag.value()).is_ok(), "{tag:?}");
        }
        let tags = Tags::new("prod", "id", &context);
        assert_eq!(tags.get("Organization name").unwrap().chars().count(), 256);
        assert_eq!(tags.get("Space name"), Some("a_b_c"));
    }

    #[test]
    fn new_refuses_what_aws_refuses() {
        assert!(Tag::new("", "v").is_err());
        assert!(Tag::new(&"k".repeat(129), "v").is_err());
        assert!(Tag::new("aws:x", "v").is_err());
        assert!(Tag::new("k", &"v".repeat(257)).is_err());
        assert!(Tag::new("k", "a;b").is_err());
        assert!(Tag::new("Space name", "").is_ok());
        assert!(serde_json::from_str::<Tag>(r#"{"Key":"k","Value":"a;b"}"#).is_err());
    }
}
