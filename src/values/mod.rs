//! Validated vocabulary: every value a parameter, a name or an ARN is built from.
//!
//! Each type has a private field and can only be made through its parser (`FromStr`,
//! `TryFrom<&str>`, `TryFrom<String>`, or serde, which goes through the same parser), so an
//! invalid value never exists. `Display` gives the canonical form, and parsing that form
//! again gives back an equal value.

use crate::prelude::*;

mod arn;
mod domain;
mod email;
mod hosted_zone;
mod ids;
mod ip;
mod mail_from;
mod region;
pub(crate) mod secret;
mod source_ip;
mod webhook;

pub use arn::{AccountId, Arn};
pub use domain::{DomainName, MAX_DOMAIN_LEN, MAX_LABEL_LEN};
pub use email::EmailAddress;
pub use hosted_zone::HostedZoneId;
pub use ids::{BindingId, InstanceId};
pub use ip::{NonPublicIp, check_public_ip, is_public_ip};
pub use mail_from::MailFromSubdomain;
pub use region::{Partition, Region};
pub use secret::{AccessKey, AccessKeyId, SecretAccessKey};
pub use source_ip::SourceIp;
pub use webhook::WebhookUrl;

use core::fmt;

/// Which kind of value failed to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// A [`DomainName`].
    DomainName,
    /// An [`EmailAddress`].
    EmailAddress,
    /// A [`Region`].
    Region,
    /// An [`InstanceId`].
    InstanceId,
    /// A [`BindingId`].
    BindingId,
    /// A [`WebhookUrl`].
    WebhookUrl,
    /// A [`SourceIp`].
    SourceIp,
    /// A [`MailFromSubdomain`].
    MailFromSubdomain,
    /// Any other validated value of this crate (account ids, access keys, ARNs, ...).
    Other,
}

impl ValueKind {
    /// A short lowercase noun for the kind, as used in messages ("domain name").
    #[must_use]
    pub const fn noun(self) -> &'static str {
        match self {
            Self::DomainName => "domain name",
            Self::EmailAddress => "email address",
            Self::Region => "AWS region",
            Self::InstanceId => "instance id",
            Self::BindingId => "binding id",
            Self::WebhookUrl => "webhook URL",
            Self::SourceIp => "IP address range",
            Self::MailFromSubdomain => "MAIL FROM subdomain",
            Self::Other => "value",
        }
    }
}

/// A value that failed validation: which kind of value it was and what is wrong with it.
///
/// The message is lowercase, has no trailing period, and reads as the continuation of a
/// field name (`admin_email: is not an email address: ...`). It quotes at most a short,
/// escaped excerpt of the input, so control characters never reach a terminal or a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValueError {
    kind: ValueKind,
    message: String,
}

impl ValueError {
    pub(crate) fn new(kind: ValueKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Which kind of value was being parsed.
    #[must_use]
    pub const fn kind(&self) -> ValueKind {
        self.kind
    }

    /// The problem, without the field name.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Longest excerpt of user input quoted in a message.
const EXCERPT_CHARS: usize = 40;

/// A short, escaped, quoted excerpt of untrusted input for an error message: control,
/// format and non-ASCII characters are shown as escapes, and long input is cut.
pub(crate) fn excerpt(input: &str) -> String {
    let mut out = String::from("\"");
    for (count, c) in input.chars().enumerate() {
        if count == EXCERPT_CHARS {
            out.push_str("...");
            break;
        }
        if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out.push('"');
    out
}

/// Longest JSON parser message quoted in an error.
const JSON_PROBLEM_CHARS: usize = 160;

/// `serde_json`'s account of why a document did not parse, cut to a bounded length. Its
/// messages quote offending strings only in Rust debug form (control characters escaped), so
/// cutting is all that is needed to keep a hostile document from flooding a log.
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.char_indices().nth(JSON_PROBLEM_CHARS) {
        Some((cut, _)) => format!("{}...", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}

/// The JSON type of a value, for messages (never the value itself).
pub(crate) const fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Describes one character for a message: printable ASCII quoted, anything else by code point.
pub(crate) fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".to_owned()
    } else if c.is_control() {
        format!("a control character (U+{:04X})", u32::from(c))
    } else if c.is_ascii_graphic() {
        format!("'{c}'")
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// Implements the conversions every string-backed validated value shares: `FromStr`,
/// `TryFrom<&str>`, `TryFrom<String>`, `Display`, `AsRef<str>`, `From<T> for String`, and
/// serde through the same parser. The type must have a `fn parse(&str) -> Result<Self,
/// ValueError>` and an `fn as_str(&self) -> &str`.
macro_rules! string_value {
    ($ty:ident) => {
        impl core::str::FromStr for $ty {
            type Err = $crate::values::ValueError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<&str> for $ty {
            type Error = $crate::values::ValueError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $ty {
            type Error = $crate::values::ValueError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl From<$ty> for String {
            fn from(v: $ty) -> Self {
                v.as_str().to_owned()
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <alloc::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_value;

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_escapes_controls_and_cuts_long_input() {
        assert_eq!(excerpt("a\nb"), "\"a\\nb\"");
        assert_eq!(excerpt("x\"y"), "\"x\\\"y\"");
        assert_eq!(excerpt("é"), "\"\\u{e9}\"");
        let long = "a".repeat(100);
        assert_eq!(excerpt(&long), format!("\"{}...\"", "a".repeat(40)));
    }

    #[test]
    fn describe_char_names_invisible_characters() {
        assert_eq!(describe_char(' '), "a space");
        assert_eq!(describe_char('\u{7}'), "a control character (U+0007)");
        assert_eq!(describe_char(';'), "';'");
        assert_eq!(describe_char('\u{200B}'), "U+200B");
    }
}
