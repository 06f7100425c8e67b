//! OSBAPI instance and binding ids, restricted to what AWS resource names can carry.

use crate::prelude::*;

use super::{ValueError, ValueKind, describe_char, string_value};

/// Longest id: `csb-aws-ses-` (12 characters) plus the id must fit the 64 characters of an
/// SES configuration set name and of an IAM user name.
pub(crate) const MAX_ID_LEN: usize = 52;

fn parse_id(kind: ValueKind, input: &str) -> Result<String, ValueError> {
    if input.is_empty() {
        return Err(ValueError::new(kind, "must not be empty"));
    }
    if let Some(c) = input
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(ValueError::new(
            kind,
            format!(
                "contains {}; only letters, digits, '-' and '_' can appear in the AWS names made from it",
                describe_char(c)
            ),
        ));
    }
    if input.len() > MAX_ID_LEN {
        return Err(ValueError::new(
            kind,
            format!(
                "is {} characters long; at most {MAX_ID_LEN} fit the AWS names made from it",
                input.len()
            ),
        ));
    }
    Ok(input.to_owned())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $ty:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(String);

        string_value!($ty);

        impl $ty {
            /// Parses an id: 1 to 52 ASCII letters, digits, `-` or `_` (a Cloud Foundry
            /// GUID is 36).
            ///
            /// # Errors
            /// A [`ValueError`] naming the offending character or the length.
            pub fn parse(input: &str) -> Result<Self, ValueError> {
                parse_id($kind, input).map(Self)
            }

            /// The id as given (ids are opaque: case is kept).
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// The OSBAPI `instance_id` of a service instance, as the platform sent it.
    ///
    /// It becomes part of the configuration set, topic, KMS alias and alarm names, so it
    /// is limited to the characters those names allow and to a length that fits them.
    ///
    /// ```
    /// use ses_broker::values::InstanceId;
    /// let id: InstanceId = "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01".parse()?;
    /// assert_eq!(id.as_str(), "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01");
    /// # Ok::<(), ses_broker::values::ValueError>(())
    /// ```
    InstanceId,
    ValueKind::InstanceId
);

id_type!(
    /// The OSBAPI `binding_id` of a service binding, as the platform sent it.
    ///
    /// It becomes part of the binding's IAM user name (`csb-aws-ses-<binding_id>`, at most
    /// 64 characters).
    ///
    /// ```
    /// use ses_broker::values::BindingId;
    /// let id: BindingId = "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b".parse()?;
    /// assert_eq!(id.to_string(), "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b");
    /// # Ok::<(), ses_broker::values::ValueError>(())
    /// ```
    BindingId,
    ValueKind::BindingId
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn guids_and_limits() {
        assert!(InstanceId::parse("5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01").is_ok());
        assert!(InstanceId::parse(&"a".repeat(52)).is_ok());
        let long = InstanceId::parse(&"a".repeat(53)).unwrap_err();
        assert!(long.to_string().contains("at most 52"));
        assert_eq!(long.kind(), ValueKind::InstanceId);
        let slash = BindingId::parse("a/b").unwrap_err();
        assert!(slash.to_string().contains("'/'"));
        assert_eq!(slash.kind(), ValueKind::BindingId);
        assert!(BindingId::parse("").is_err());
        assert!(BindingId::parse("a b").is_err());
        assert!(BindingId::parse("a.b").is_err());
    }
}
