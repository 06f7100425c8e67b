//! Typed AWS resource names, each checked against the limits AWS documents for it.

use crate::prelude::*;

use crate::values::{
    BindingId, InstanceId, ValueError, ValueKind, describe_char, excerpt, string_value,
};

/// The prefix of every resource name the broker makes (the deployed broker's, kept so that
/// existing instances keep their names).
pub const NAME_PREFIX: &str = "csb-aws-ses-";

fn check(
    what: &str,
    input: &str,
    max: usize,
    allowed: fn(char) -> bool,
    allowed_text: &str,
) -> Result<(), ValueError> {
    if input.is_empty() {
        return Err(ValueError::new(
            ValueKind::Other,
            format!("{what} must not be empty"),
        ));
    }
    if input.chars().count() > max {
        return Err(ValueError::new(
            ValueKind::Other,
            format!("{what} {} is longer than {max} characters", excerpt(input)),
        ));
    }
    if let Some(c) = input.chars().find(|c| !allowed(*c)) {
        return Err(ValueError::new(
            ValueKind::Other,
            format!(
                "{what} contains {}; only {allowed_text} are allowed",
                describe_char(c)
            ),
        ));
    }
    Ok(())
}

macro_rules! aws_name {
    ($(#[$doc:meta])* $ty:ident, $what:literal, max $max:literal, $allowed:expr, $allowed_text:literal $(, extra $extra:expr)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(String);

        string_value!($ty);

        impl $ty {
            #[doc = concat!("Parses a ", $what, ", checking AWS's limits.")]
            ///
            /// # Errors
            /// A [`ValueError`] naming the limit that is broken.
            pub fn parse(input: &str) -> Result<Self, ValueError> {
                check($what, input, $max, $allowed, $allowed_text)?;
                $( $extra(input)?; )?
                Ok(Self(input.to_owned()))
            }

            /// The name.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps a constant the crate knows to be valid.
            #[allow(dead_code, reason = "not every name has a constant")]
            pub(crate) fn from_trusted(name: &str) -> Self {
                Self(name.to_owned())
            }
        }
    };
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

aws_name!(
    /// An SES configuration set name: at most 64 letters, digits, `-` and `_`.
    ConfigurationSetName, "configuration set name", max 64, name_char, "letters, digits, '-' and '_'"
);

aws_name!(
    /// An SNS topic name: at most 256 letters, digits, `-` and `_`.
    TopicName, "topic name", max 256, name_char, "letters, digits, '-' and '_'"
);

aws_name!(
    /// A KMS key alias: `alias/` then letters, digits, `/`, `_` and `-`, at most 256 in all,
    /// never under the AWS-reserved `alias/aws/`.
    KmsAlias, "KMS alias", max 256,
    |c: char| name_char(c) || c == '/',
    "letters, digits, '/', '_' and '-'",
    extra |s: &str| {
        if !s.starts_with("alias/") || s.len() == "alias/".len() {
            Err(ValueError::new(ValueKind::Other, format!("KMS alias {} must start with alias/ and name something", excerpt(s))))
        } else if s.starts_with("alias/aws/") {
            Err(ValueError::new(ValueKind::Other, "KMS alias must not be under the AWS-reserved alias/aws/"))
        } else {
            Ok(())
        }
    }
);

aws_name!(
    /// An IAM user name: at most 64 letters, digits and `+=,.@_-`.
    IamUserName, "IAM user name", max 64,
    |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
    "letters, digits and + = , . @ _ -"
);

aws_name!(
    /// An IAM path: `/` or `/segments/`, at most 512 printable ASCII characters.
    IamPath, "IAM path", max 512,
    |c: char| c.is_ascii_graphic(),
    "printable ASCII characters",
    extra |s: &str| {
        if s.starts_with('/') && s.ends_with('/') {
            Ok(())
        } else {
            Err(ValueError::new(ValueKind::Other, format!("IAM path {} must start and end with '/'", excerpt(s))))
        }
    }
);

aws_name!(
    /// A CloudWatch alarm name: at most 255 characters, no control characters.
    AlarmName, "alarm name", max 255,
    |c: char| !c.is_control(),
    "characters other than control characters"
);

impl ConfigurationSetName {
    /// The configuration set of an instance, `csb-aws-ses-<instance_id>`: also the base of
    /// its topic, key alias and alarm names. The one place the name is built. Always
    /// valid: an [`InstanceId`] is at most 52 characters of the set name alphabet, so the
    /// whole is at most 64.
    ///
    /// ```
    /// use ses_broker::instance::ConfigurationSetName;
    /// let id = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?;
    /// assert_eq!(
    ///     ConfigurationSetName::for_instance(&id).as_str(),
    ///     "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    /// );
    /// # Ok::<(), ses_broker::values::ValueError>(())
    /// ```
    #[must_use]
    pub fn for_instance(instance: &InstanceId) -> Self {
        Self::from_trusted(&format!("{NAME_PREFIX}{instance}"))
    }
}

impl IamUserName {
    /// The IAM user of a binding, `csb-aws-ses-<binding_id>`: at most 64 characters,
    /// since a [`BindingId`] is at most 52 of the IAM alphabet. The one place it is built.
    #[must_use]
    pub fn for_binding(binding: &BindingId) -> Self {
        Self::from_trusted(&format!("{NAME_PREFIX}{binding}"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn limits_are_exact() {
        assert!(ConfigurationSetName::parse(&"a".repeat(64)).is_ok());
        assert!(ConfigurationSetName::parse(&"a".repeat(65)).is_err());
        assert!(ConfigurationSetName::parse("a.b").is_err());
        assert!(TopicName::parse(&"t".repeat(256)).is_ok());
        assert!(TopicName::parse(&"t".repeat(257)).is_err());
        assert!(TopicName::parse("a:b").is_err());
        assert!(IamUserName::parse(&"u".repeat(64)).is_ok());
        assert!(IamUserName::parse(&"u".repeat(65)).is_err());
        assert!(IamUserName::parse("a b").is_err());
        assert!(IamPath::parse("/cf/").is_ok());
        assert!(IamPath::parse("cf/").is_err());
        assert!(IamPath::parse("/cf").is_err());
        assert!(KmsAlias::parse("alias/x").is_ok());
        assert!(KmsAlias::parse("alias/").is_err());
        assert!(KmsAlias::parse("alias/aws/sns").is_err());
        assert!(KmsAlias::parse("x").is_err());
        assert!(KmsAlias::parse(&format!("alias/{}", "k".repeat(250))).is_ok());
        assert!(KmsAlias::parse(&format!("alias/{}", "k".repeat(251))).is_err());
        assert!(AlarmName::parse(&"n".repeat(255)).is_ok());
        assert!(AlarmName::parse(&"n".repeat(256)).is_err());
        assert!(AlarmName::parse("a\nb").is_err());
    }
}
