//! Identifiers AWS assigns: KMS key ids.

use crate::prelude::*;
use crate::values::{ValueError, ValueKind, describe_char, excerpt, string_value};

/// Longest key id accepted (KMS's `KeyId` limit).
const MAX_KEY_ID_LEN: usize = 2048;

/// A KMS key id as `CreateKey` returns it (`1234abcd-12ab-34cd-56ef-1234567890ab`, or
/// `mrk-...` for multi-Region keys): 1 to 2,048 ASCII letters, digits and hyphens. A key
/// ARN or an alias is not a key id.
///
/// ```
/// use ses_broker::aws::KmsKeyId;
/// let id: KmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab".parse()?;
/// assert_eq!(id.as_str(), "1234abcd-12ab-34cd-56ef-1234567890ab");
/// assert!("alias/x".parse::<KmsKeyId>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KmsKeyId(String);

string_value!(KmsKeyId);

impl KmsKeyId {
    /// Parses a key id.
    ///
    /// # Errors
    /// A [`ValueError`] when the id is empty, too long or holds anything but ASCII letters,
    /// digits and hyphens.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let err = |m: String| ValueError::new(ValueKind::Other, m);
        if input.is_empty() {
            return Err(err("kms key id must not be empty".to_owned()));
        }
        if let Some(c) = input
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(err(format!(
                "kms key id {} contains {}; key ids are letters, digits and '-'",
                excerpt(input),
                describe_char(c)
            )));
        }
        if input.len() > MAX_KEY_ID_LEN {
            return Err(err(format!(
                "kms key id is longer than {MAX_KEY_ID_LEN} characters"
            )));
        }
        Ok(Self(input.to_owned()))
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
