//! IAM access keys and the secrets derived from them.
//!
//! The two secret types, [`SecretAccessKey`] and [`SmtpPassword`], share one discipline:
//! - `Debug` prints `SecretAccessKey([redacted])`, never the value;
//! - there is no `Display`, so `format!("{}", secret)` and `to_string()` do not compile;
//! - the memory holding the value is wiped when the value is dropped ([`ZeroizeOnDrop`]),
//!   and only then: there is no public `Zeroize`, whose `zeroize()` would leave behind an
//!   empty key or a NUL-filled password that no parser accepts;
//! - the value is readable only through the explicitly named `expose_secret()`;
//! - there is no `Serialize` impl: a payload that must carry the value (the OSBAPI bind
//!   response) opts in with `#[serde(serialize_with = "SecretAccessKey::serialize_secret")]`
//!   or the crate's `with_secrets()` wrappers;
//! - equality is constant-time;
//! - error messages about a malformed secret never quote it, not even in part.
//!
//! ```compile_fail
//! // No `Display`: a secret cannot be formatted by accident.
//! let key = ses_broker::values::SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
//! let _ = format!("{key}");
//! ```
//!
//! ```compile_fail
//! // No `Display` on the SMTP password either.
//! let key = ses_broker::values::SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
//! let region = ses_broker::values::Region::parse("us-gov-west-1").unwrap();
//! let _ = ses_broker::smtp::password(&key, &region).to_string();
//! ```
//!
//! ```compile_fail
//! // No `Serialize`: a secret cannot end up in JSON by accident.
//! let key = ses_broker::values::SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
//! let _ = serde_json::to_string(&key);
//! ```
//!
//! ```compile_fail
//! let key = ses_broker::values::SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
//! let region = ses_broker::values::Region::parse("us-gov-west-1").unwrap();
//! let _ = serde_json::to_string(&ses_broker::smtp::password(&key, &region));
//! ```
//!
//! The same lines with the explicit opt-in compile (so the refusals above fail for the
//! reason they claim):
//!
//! ```
//! let key = ses_broker::values::SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
//! let region = ses_broker::values::Region::parse("us-gov-west-1").unwrap();
//! let _ = format!("{}", key.expose_secret());
//! let _ = ses_broker::smtp::password(&key, &region).expose_secret().to_string();
//! let _ = key.serialize_secret(serde_json::value::Serializer);
//! let _ = ses_broker::smtp::password(&key, &region).serialize_secret(serde_json::value::Serializer);
//! assert_eq!(format!("{key:?}"), "SecretAccessKey([redacted])");
//! ```

use crate::prelude::*;

use core::fmt;

use base64::Engine as _;
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize as _, ZeroizeOnDrop};

use crate::values::{ValueError, ValueKind, describe_char, excerpt, string_value};

/// What `Debug` and redacted serializations print in place of a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// Shortest and longest access key id IAM documents (`AccessKeyId`, 16 to 128 characters).
const ACCESS_KEY_ID_LEN: core::ops::RangeInclusive<usize> = 16..=128;

/// Longest secret access key accepted. IAM issues 40 characters; 128 leaves room without
/// letting a pasted document through.
pub(crate) const MAX_SECRET_LEN: usize = 128;

/// An IAM access key id, such as `AKIAIOSFODNN7EXAMPLE`: the public half of an access key,
/// and the SMTP user name.
///
/// IAM documents 16 to 128 characters; the ids it issues are 20 uppercase letters and
/// digits starting `AKIA` (long-term keys, what IAM creates for a user) or `ASIA`
/// (temporary STS keys). The shape is checked (length, uppercase letters and digits), not
/// the prefix, so a future prefix still parses. Not a secret: `Display` and serde are
/// ordinary.
///
/// ```
/// use ses_broker::values::AccessKeyId;
/// let id: AccessKeyId = "AKIAIOSFODNN7EXAMPLE".parse()?;
/// assert!(!id.is_temporary());
/// assert!("akiaiosfodnn7example".parse::<AccessKeyId>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessKeyId(String);

string_value!(AccessKeyId);

impl AccessKeyId {
    /// Parses an access key id.
    ///
    /// # Errors
    /// A [`ValueError`] naming the length or the first character that is not an uppercase
    /// letter or digit.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let err = |message: String| ValueError::new(ValueKind::Other, message);
        if input.is_empty() {
            return Err(err("access key id must not be empty".to_owned()));
        }
        if let Some(c) = input
            .chars()
            .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        {
            return Err(err(format!(
                "access key id {} contains {}; IAM access key ids are uppercase letters and digits",
                excerpt(input),
                describe_char(c)
            )));
        }
        if !ACCESS_KEY_ID_LEN.contains(&input.len()) {
            return Err(err(format!(
                "access key id {} is {} characters long; IAM access key ids have 16 to 128",
                excerpt(input),
                input.len()
            )));
        }
        Ok(Self(input.to_owned()))
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a temporary (STS) key id, `ASIA...`. SES refuses SMTP passwords
    /// derived from temporary credentials.
    #[must_use]
    pub fn is_temporary(&self) -> bool {
        self.0.starts_with("ASIA")
    }
}

/// An IAM secret access key: the private half of an access key, from which the SMTP
/// password is derived.
///
/// Kept secret like [`SmtpPassword`]: `Debug` prints `SecretAccessKey([redacted])`; no
/// `Display` and no `Serialize` (a payload opts in with [`SecretAccessKey::serialize_secret`]
/// or a `with_secrets()` wrapper); the value is read only through
/// [`SecretAccessKey::expose_secret`]; the memory is wiped on drop; equality is
/// constant-time; messages about a malformed key never quote it.
///
/// Accepted: 1 to 128 bytes with no whitespace or control characters (IAM issues 40
/// characters of letters, digits, `+` and `/`).
///
/// ```
/// use ses_broker::values::SecretAccessKey;
/// let key = SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
/// assert_eq!(format!("{key:?}"), "SecretAccessKey([redacted])");
/// assert_eq!(key.expose_secret(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// // The message names the problem, never the value.
/// let err = SecretAccessKey::parse("hunter2 hunter2").unwrap_err();
/// assert!(!err.to_string().contains("hunter2"));
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Clone, ZeroizeOnDrop)]
pub struct SecretAccessKey(String);

impl SecretAccessKey {
    /// Parses a secret access key. The input is copied; the caller's copy is the caller's
    /// to wipe.
    ///
    /// # Errors
    /// A [`ValueError`] saying what is wrong (empty, too long, a whitespace or control
    /// character), without quoting the input.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let err = |message: String| ValueError::new(ValueKind::Other, message);
        if input.is_empty() {
            return Err(err("secret access key must not be empty".to_owned()));
        }
        if input.len() > MAX_SECRET_LEN {
            return Err(err(format!(
                "secret access key is longer than {MAX_SECRET_LEN} bytes (IAM issues 40 characters)"
            )));
        }
        // Describing the offending character is safe: whitespace and control characters
        // are by definition not part of a valid secret.
        if let Some(c) = input.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(err(format!(
                "secret access key contains {}",
                describe_char(c)
            )));
        }
        Ok(Self(input.to_owned()))
    }

    /// The secret itself. Named so that every use is visible in review.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Serializes the secret's value: the one explicit way to put it in a payload, e.g.
    /// `#[serde(serialize_with = "SecretAccessKey::serialize_secret")]`.
    ///
    /// # Errors
    /// Whatever the serializer reports.
    pub fn serialize_secret<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretAccessKey({REDACTED})")
    }
}

impl PartialEq for SecretAccessKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretAccessKey {}

/// An access key as IAM's `CreateAccessKey` returned it for a binding's user: the id (the
/// SMTP user name) and the secret (from which the SMTP password is derived).
///
/// Only long-term keys are accepted: SES refuses SMTP passwords derived from temporary
/// (`ASIA...`) credentials, so such a key could never work.
///
/// ```
/// use ses_broker::{AccessKey, values::AccessKeyId, values::SecretAccessKey};
/// let key = AccessKey::new(
///     AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE")?,
///     SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?,
/// )?;
/// assert_eq!(key.id().as_str(), "AKIAIOSFODNN7EXAMPLE");
/// assert_eq!(
///     format!("{key:?}"),
///     "AccessKey { id: AccessKeyId(\"AKIAIOSFODNN7EXAMPLE\"), secret: SecretAccessKey([redacted]) }"
/// );
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    id: AccessKeyId,
    secret: SecretAccessKey,
}

impl AccessKey {
    /// Pairs an id with its secret.
    ///
    /// # Errors
    /// A [`ValueError`] when the id is a temporary (STS) key id.
    pub fn new(id: AccessKeyId, secret: SecretAccessKey) -> Result<Self, ValueError> {
        if id.is_temporary() {
            return Err(ValueError::new(
                ValueKind::Other,
                format!(
                    "access key id {} is a temporary (STS) key; SES SMTP needs a long-term IAM user key",
                    excerpt(id.as_str())
                ),
            ));
        }
        Ok(Self { id, secret })
    }

    /// The access key id (also the SMTP user name).
    #[must_use]
    pub const fn id(&self) -> &AccessKeyId {
        &self.id
    }

    /// The secret access key.
    #[must_use]
    pub const fn secret(&self) -> &SecretAccessKey {
        &self.secret
    }
}

/// Length of every SMTP password: Base64 of 33 bytes.
pub(crate) const SMTP_PASSWORD_LEN: usize = 44;

/// The version byte of current (SigV4) SMTP passwords.
pub(crate) const SMTP_PASSWORD_VERSION: u8 = 0x04;

/// An Amazon SES SMTP password: 44 characters of Base64 of the version byte `0x04` and a
/// 32-byte HMAC (see [`smtp::password`](crate::smtp::password)). Kept secret like
/// [`SecretAccessKey`]: `SmtpPassword([redacted])` in `Debug`, no `Display` or
/// `Serialize`, [`SmtpPassword::expose_secret`] to read it, wiped on drop.
///
/// ```
/// use ses_broker::{values::Region, values::SecretAccessKey, smtp};
/// let key = SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
/// let password = smtp::password(&key, &Region::parse("us-east-1")?);
/// assert_eq!(format!("{password:?}"), "SmtpPassword([redacted])");
/// assert!(password.verify("BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"));
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Clone, ZeroizeOnDrop)]
pub struct SmtpPassword([u8; SMTP_PASSWORD_LEN]);

impl SmtpPassword {
    /// Wraps the Base64 text that [`smtp::password_into`](crate::smtp::password_into)
    /// wrote: always 44 ASCII characters, so no check is needed.
    pub(crate) const fn from_encoded(bytes: [u8; SMTP_PASSWORD_LEN]) -> Self {
        Self(bytes)
    }

    /// Parses a password as a broker delivered it (in credentials or `VCAP_SERVICES`):
    /// exactly 44 characters of standard Base64 decoding to 33 bytes that start with the
    /// version byte `0x04`.
    ///
    /// # Errors
    /// A [`ValueError`] saying what is wrong, without quoting the input. A password of the
    /// retired version 2 (`A...`, refused by SES since March 2021) is named as such.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let err = |message: &str| ValueError::new(ValueKind::Other, message);
        let Ok(bytes) = <[u8; SMTP_PASSWORD_LEN]>::try_from(input.as_bytes()) else {
            return Err(err(
                "SMTP password must be exactly 44 characters (Base64 of 33 bytes)",
            ));
        };
        let mut decoded = [0_u8; 33];
        let decoded_ok = base64::engine::general_purpose::STANDARD
            .decode_slice(bytes, &mut decoded)
            .is_ok_and(|n| n == decoded.len());
        let version = decoded.first().copied();
        decoded.zeroize();
        if !decoded_ok {
            return Err(err(
                "SMTP password is not standard Base64 (letters, digits, '+' and '/')",
            ));
        }
        match version {
            Some(SMTP_PASSWORD_VERSION) => Ok(Self(bytes)),
            Some(0x02) => Err(err(
                "SMTP password is a version 2 password, which SES has refused since March 2021; derive a version 4 password",
            )),
            _ => Err(err(
                "SMTP password does not start with the version byte 0x04",
            )),
        }
    }

    /// The password text (44 ASCII characters). Named so that every use is visible in
    /// review.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        // Always ASCII by construction; the empty fallback is unreachable.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Whether `candidate` is this password, compared in constant time (for equal
    /// lengths; every password has 44 characters, so the length tells nothing).
    #[must_use]
    pub fn verify(&self, candidate: &str) -> bool {
        self.0.as_slice().ct_eq(candidate.as_bytes()).into()
    }

    /// Serializes the password's value: the one explicit way to put it in a payload, e.g.
    /// `#[serde(serialize_with = "SmtpPassword::serialize_secret")]`.
    ///
    /// # Errors
    /// Whatever the serializer reports.
    pub fn serialize_secret<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpPassword({REDACTED})")
    }
}

impl PartialEq for SmtpPassword {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SmtpPassword {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn access_key_id_shapes() {
        for good in [
            "AKIAIOSFODNN7EXAMPLE",
            "ASIAIOSFODNN7EXAMPLE",
            "AKIAEXAMPLEEXAMPLE01",
            "AKIA012345678901",
        ] {
            assert!(AccessKeyId::parse(good).is_ok(), "{good} refused");
        }
        for bad in [
            "",
            "AKIA01234567890",
            "akiaiosfodnn7example",
            "AKIAIOSFODNN7EXAMPL ",
            "AKIAIOSFODNN7EXAMP_E",
            "AKIAIOSFODNN7EXAMPLE\n",
        ] {
            assert!(AccessKeyId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(AccessKeyId::parse(&"A".repeat(128)).is_ok());
        assert!(AccessKeyId::parse(&"A".repeat(129)).is_err());
    }

    #[test]
    fn secret_access_key_refusals_never_quote_the_input() {
        for bad in [
            "",
            "abc def",
            "abc\ndef",
            "abcdef\r",
            "abc\u{0}def",
            "abc\u{a0}def",
        ] {
            let e = SecretAccessKey::parse(bad).unwrap_err();
            let msg = e.to_string();
            assert!(!msg.contains("abc") && !msg.contains("def"), "{msg}");
        }
        let long = "x".repeat(129);
        let msg = SecretAccessKey::parse(&long).unwrap_err().to_string();
        assert!(!msg.contains("xxx"), "{msg}");
        assert!(SecretAccessKey::parse(&"x".repeat(128)).is_ok());
        assert_eq!(
            SecretAccessKey::parse("a\nb").unwrap_err().to_string(),
            "secret access key contains a control character (U+000A)"
        );
    }

    #[test]
    fn temporary_keys_are_refused_for_smtp() {
        let id = AccessKeyId::parse("ASIAIOSFODNN7EXAMPLE").unwrap();
        let secret = SecretAccessKey::parse(EXAMPLE_SECRET).unwrap();
        let e = AccessKey::new(id, secret).unwrap_err();
        assert!(e.to_string().contains("temporary"), "{e}");
    }

    #[test]
    fn smtp_password_parse() {
        let good = "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9";
        assert_eq!(SmtpPassword::parse(good).unwrap().expose_secret(), good);
        let v2 = "An60U4ZD3sd4fg+FvXUjayOipTt8LO4rUUmhpdX6ctDy";
        assert!(
            SmtpPassword::parse(v2)
                .unwrap_err()
                .to_string()
                .contains("version 2")
        );
        for bad in [
            "",
            "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL",
            "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9=",
            "BLBM_9hSUELfq8Gw-rU1YcBjkOxGbhT2XG763xVLGWL9",
            "CLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9",
            "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGW=9",
        ] {
            let msg = SmtpPassword::parse(bad).unwrap_err().to_string();
            assert!(!msg.contains("BLBM") && !msg.contains("LGWL"), "{msg}");
        }
    }

    #[test]
    fn verify_is_exact() {
        let good = "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9";
        let password = SmtpPassword::parse(good).unwrap();
        assert!(password.verify(good));
        assert!(!password.verify("BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL8"));
        assert!(!password.verify("BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL"));
        assert!(!password.verify(""));
        assert!(!password.verify(&format!("{good}\n")));
    }
}
