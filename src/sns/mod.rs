//! Amazon SNS messages delivered to an HTTPS endpoint: parsing, the string-to-sign,
//! the certificate and subscribe URL rules, freshness, and (with the `verify` feature)
//! the signature itself.
//!
//! SNS POSTs a JSON envelope whose `Signature` covers a canonical string built from a fixed
//! list of its fields. Headers and several fields (`SigningCertURL`, `SignatureVersion`,
//! `UnsubscribeURL`) are *not* signed, so each of them is checked on its own. Fetching the
//! certificate is the caller's I/O: check its URL first ([`check_cert_url`], or
//! [`Verifier::check`]), fetch it, parse it once into a `SigningCertificate` kept by its URL,
//! then hand each message and the parsed certificate to `Verifier::verify` (the `verify`
//! feature). What it returns, a `VerifiedMessage`, is what to act on: an alarm is decided
//! through `VerifiedMessage::decide_alarm`. Reading the clock is the caller's I/O too:
//! every check takes `now`.
//!
//! ```
//! use ses_broker::sns::{Message, MessageType, Verifier};
//! let body = r#"{
//!   "Type": "SubscriptionConfirmation",
//!   "MessageId": "0f6a3c1e-2b4d-4e8f-9a1b-3c5d7e9f1a2b",
//!   "Token": "2336412f37fb",
//!   "TopicArn": "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications",
//!   "Message": "You have chosen to subscribe to the topic.",
//!   "SubscribeURL": "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37fb",
//!   "Timestamp": "2026-11-30T05:00:04.751Z",
//!   "SignatureVersion": "1",
//!   "Signature": "AAAA",
//!   "SigningCertURL": "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.pem"
//! }"#;
//! let message = Message::from_json_with_header(body, Some("SubscriptionConfirmation"))?;
//! assert_eq!(message.message_type(), MessageType::SubscriptionConfirmation);
//! assert!(message.string_to_sign().starts_with("Message\nYou have chosen"));
//!
//! let now = message.timestamp(); // in a server: the caller's clock
//! let verifier = Verifier::new("arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications");
//! verifier.check(&message, now)?; // the URLs and the topic; the signature needs the certificate
//! assert!(Verifier::new("arn:aws:sns:us-east-1:111122223333:other").check(&message, now).is_err());
//! # Ok::<(), ses_broker::sns::SnsError>(())
//! ```
//!
//! # Differences from the deployed cloud.gov helper
//! - SignatureVersion 2 (SHA256withRSA, which AWS recommends) is accepted beside 1; the
//!   helper accepts only 1.
//! - The type comes from the signed `Type`, and the `x-amz-sns-message-type` header must
//!   agree with it; the helper dispatches on the unsigned header alone.
//! - `SigningCertURL` must be `https` and end in `.pem`, and its host must be an SNS host in
//!   the topic's own region; the helper compares the host only, and fetched over plain HTTP
//!   in its tests.
//! - The topic is compared exactly (topic names are case-sensitive); the helper ignores case.
//! - An optional maximum age on `Timestamp`; the helper has none.
//! - The signing certificate must be valid at `now`; the helper does not look at its dates.
//!   It is parsed once and cached by its URL; the helper fetches and parses it per message.
//! - `SigningCertURL`/`SigningCertUrl` are both accepted on purpose; the helper accepted the
//!   Lambda spelling only because Go matches JSON keys without regard to case.

use crate::prelude::*;

mod error;
#[cfg(feature = "verify")]
mod signature;
mod urls;
mod verifier;

pub use error::SnsError;
#[cfg(feature = "verify")]
pub use signature::SigningCertificate;
pub use urls::{check_cert_url, check_subscribe_url};
#[cfg(feature = "verify")]
pub use verifier::VerifiedMessage;
pub use verifier::{MAX_CLOCK_SKEW, Verifier};

use base64::Engine as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

use crate::instance::names::TopicName;
use crate::values::{Arn, Region, excerpt, json_problem};

/// Largest body accepted. SNS payloads are at most 256 KiB; JSON escaping of the inner
/// message (up to six bytes per character for control characters) and the envelope fields
/// stay well under this.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The three kinds of message SNS delivers to an HTTP(S) subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageType {
    /// A message published to the topic.
    Notification,
    /// The first message to a new subscription; visit `SubscribeURL` to confirm it.
    SubscriptionConfirmation,
    /// Sent after the subscription was deleted; `SubscribeURL` re-subscribes.
    UnsubscribeConfirmation,
}

impl MessageType {
    /// The name as SNS writes it in `Type` and in the `x-amz-sns-message-type` header.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Notification => "Notification",
            Self::SubscriptionConfirmation => "SubscriptionConfirmation",
            Self::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }

    /// Parses a type name, exactly as SNS spells it (case-sensitive).
    ///
    /// # Errors
    /// [`SnsError::UnknownType`] for anything else.
    pub fn parse(name: &str) -> Result<Self, SnsError> {
        match name {
            "Notification" => Ok(Self::Notification),
            "SubscriptionConfirmation" => Ok(Self::SubscriptionConfirmation),
            "UnsubscribeConfirmation" => Ok(Self::UnsubscribeConfirmation),
            other => Err(SnsError::UnknownType {
                value: excerpt(other),
            }),
        }
    }

    const fn is_confirmation(self) -> bool {
        matches!(
            self,
            Self::SubscriptionConfirmation | Self::UnsubscribeConfirmation
        )
    }
}

impl core::fmt::Display for MessageType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for MessageType {
    type Err = SnsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// How the message was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// `"1"`: RSASSA-PKCS1-v1_5 with SHA-1 (SHA1withRSA), the topic default.
    V1,
    /// `"2"`: RSASSA-PKCS1-v1_5 with SHA-256 (SHA256withRSA), the version AWS recommends.
    V2,
}

impl SignatureVersion {
    /// The value as SNS writes it in `SignatureVersion`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "1",
            Self::V2 => "2",
        }
    }
}

/// The envelope exactly as SNS sends it; every field a string. Both spellings of the URL
/// keys are accepted: HTTP bodies use `SigningCertURL`, Lambda records `SigningCertUrl`.
/// A key given in both spellings is a duplicate and refused, so which value was meant is
/// never a guess.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "Type")]
    kind: Option<String>,
    #[serde(rename = "MessageId")]
    message_id: Option<String>,
    #[serde(rename = "TopicArn")]
    topic_arn: Option<String>,
    #[serde(rename = "Subject")]
    subject: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "Timestamp")]
    timestamp: Option<String>,
    #[serde(rename = "Token")]
    token: Option<String>,
    #[serde(rename = "SubscribeURL", alias = "SubscribeUrl")]
    subscribe_url: Option<String>,
    #[serde(rename = "UnsubscribeURL", alias = "UnsubscribeUrl")]
    unsubscribe_url: Option<String>,
    #[serde(rename = "SignatureVersion")]
    signature_version: Option<String>,
    #[serde(rename = "Signature")]
    signature: Option<String>,
    #[serde(rename = "SigningCertURL", alias = "SigningCertUrl")]
    signing_cert_url: Option<String>,
}

/// A parsed SNS message, with every field it needs present and well-formed.
///
/// Parsing proves only that the message is well-formed. Whether it is for you, fresh and
/// authentic is [`Verifier`]'s job.
///
/// Fields that the message's type does not sign are dropped rather than kept: a
/// Notification's `Token` or a confirmation's `Subject` could be added by anyone, so they are
/// not offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    message_type: MessageType,
    message_id: String,
    topic_arn: String,
    topic_region: Region,
    subject: Option<String>,
    message: String,
    timestamp: String,
    sent_at: OffsetDateTime,
    token: Option<String>,
    subscribe_url: Option<(String, Url)>,
    unsubscribe_url: Option<String>,
    signature_version: SignatureVersion,
    signature: Vec<u8>,
    signing_cert_url: Url,
}

fn required(value: Option<String>, field: &'static str) -> Result<String, SnsError> {
    value.ok_or(SnsError::MissingField { field })
}

fn invalid(field: &'static str, reason: impl Into<String>) -> SnsError {
    SnsError::InvalidField {
        field,
        reason: reason.into(),
    }
}

fn parse_url(value: &str, field: &'static str) -> Result<Url, SnsError> {
    Url::parse(value).map_err(|e| invalid(field, format!("{} is not a URL: {e}", excerpt(value))))
}

impl Message {
    /// Parses the body SNS POSTed, taking the type from the signed `Type` field.
    ///
    /// Requires `Type`, `MessageId`, `TopicArn` (of the ARN shape), `Message`, `Timestamp`
    /// (RFC 3339), `SignatureVersion` (`1` or `2`), `Signature` (base64) and
    /// `SigningCertURL` (or `SigningCertUrl`, a URL); confirmations also need `Token`, and a
    /// SubscriptionConfirmation its `SubscribeURL`. `Subject` may be absent or null.
    /// Unknown keys are ignored (SNS may add some).
    ///
    /// # Errors
    /// An [`SnsError`] naming the first field that is missing or malformed.
    pub fn from_json(body: &str) -> Result<Self, SnsError> {
        if body.len() > MAX_BODY_BYTES {
            return Err(SnsError::BodyTooLarge {
                len: body.len(),
                max: MAX_BODY_BYTES,
            });
        }
        let envelope: Envelope = serde_json::from_str(body).map_err(|e| SnsError::Json {
            reason: json_problem(&e),
        })?;
        Self::from_envelope(envelope)
    }

    /// Parses the body as [`from_json`](Self::from_json) does, then requires the
    /// `x-amz-sns-message-type` header, when the caller has it, to equal the signed `Type`.
    /// The header is not signed, so routing on it alone would let anyone relabel a message.
    ///
    /// # Errors
    /// As `from_json`, and [`SnsError::TypeMismatch`] when the header disagrees.
    pub fn from_json_with_header(body: &str, header: Option<&str>) -> Result<Self, SnsError> {
        let message = Self::from_json(body)?;
        if let Some(header) = header {
            message.check_header(header)?;
        }
        Ok(message)
    }

    /// Requires the `x-amz-sns-message-type` header value to name this message's type,
    /// exactly (surrounding whitespace aside).
    ///
    /// # Errors
    /// [`SnsError::TypeMismatch`].
    pub fn check_header(&self, header: &str) -> Result<(), SnsError> {
        if header.trim() == self.message_type.as_str() {
            Ok(())
        } else {
            Err(SnsError::TypeMismatch {
                header: excerpt(header),
                body: self.message_type,
            })
        }
    }

    fn from_envelope(e: Envelope) -> Result<Self, SnsError> {
        let message_type = MessageType::parse(&required(e.kind, "Type")?)?;
        let message_id = required(e.message_id, "MessageId")?;
        if message_id.is_empty() {
            return Err(invalid("MessageId", "must not be empty"));
        }
        let topic_arn = required(e.topic_arn, "TopicArn")?;
        let topic_region = topic_region(&topic_arn)?;
        let message = required(e.message, "Message")?;
        let timestamp = required(e.timestamp, "Timestamp")?;
        let sent_at = OffsetDateTime::parse(&timestamp, &Rfc3339).map_err(|_| {
            invalid(
                "Timestamp",
                format!(
                    "{} is not an RFC 3339 time such as 2026-11-30T05:40:12.402Z",
                    excerpt(&timestamp)
                ),
            )
        })?;
        let version = required(e.signature_version, "SignatureVersion")?;
        let signature_version = match version.as_str() {
            "1" => SignatureVersion::V1,
            "2" => SignatureVersion::V2,
            other => {
                return Err(SnsError::UnsupportedSignatureVersion {
                    value: excerpt(other),
                });
            }
        };
        let signature_text = required(e.signature, "Signature")?;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(signature_text.as_bytes())
            .map_err(|err| invalid("Signature", format!("is not base64: {err}")))?;
        if signature.is_empty() {
            return Err(invalid("Signature", "must not be empty"));
        }
        let cert_text = required(e.signing_cert_url, "SigningCertURL")?;
        let signing_cert_url = parse_url(&cert_text, "SigningCertURL")?;

        let (subject, token, subscribe_url, unsubscribe_url) = if message_type.is_confirmation() {
            let token = required(e.token, "Token")?;
            if token.is_empty() {
                return Err(invalid("Token", "must not be empty"));
            }
            let subscribe_url = match e.subscribe_url {
                Some(text) => {
                    let url = parse_url(&text, "SubscribeURL")?;
                    Some((text, url))
                }
                None if message_type == MessageType::SubscriptionConfirmation => {
                    return Err(SnsError::MissingField {
                        field: "SubscribeURL",
                    });
                }
                None => None,
            };
            (None, Some(token), subscribe_url, None)
        } else {
            (e.subject, None, None, e.unsubscribe_url)
        };

        Ok(Self {
            message_type,
            message_id,
            topic_arn,
            topic_region,
            subject,
            message,
            timestamp,
            sent_at,
            token,
            subscribe_url,
            unsubscribe_url,
            signature_version,
            signature,
            signing_cert_url,
        })
    }

    /// The exact bytes SNS signed: for each key of the type's fixed list that is present,
    /// the key, a newline, the value, a newline (so the string ends with a newline).
    ///
    /// - Notification: `Message`, `MessageId`, `Subject` (if present), `Timestamp`,
    ///   `TopicArn`, `Type`.
    /// - SubscriptionConfirmation and UnsubscribeConfirmation: `Message`, `MessageId`,
    ///   `SubscribeURL` (if present), `Timestamp`, `Token`, `TopicArn`, `Type`.
    ///
    /// Values are the JSON-decoded strings, byte for byte as received. The string is the
    /// same for both signature versions; only the hash differs.
    #[must_use]
    pub fn string_to_sign(&self) -> String {
        let varying = if self.message_type.is_confirmation() {
            self.subscribe_url
                .as_ref()
                .map(|(text, _)| ("SubscribeURL", text.as_str()))
        } else {
            self.subject.as_deref().map(|s| ("Subject", s))
        };
        let fields = [
            Some(("Message", self.message.as_str())),
            Some(("MessageId", self.message_id.as_str())),
            varying,
            Some(("Timestamp", self.timestamp.as_str())),
            self.token.as_deref().map(|t| ("Token", t)),
            Some(("TopicArn", self.topic_arn.as_str())),
            Some(("Type", self.message_type.as_str())),
        ];
        let len = fields
            .iter()
            .flatten()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum();
        let mut out = String::with_capacity(len);
        for (key, value) in fields.iter().flatten() {
            out.push_str(key);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
        out
    }

    /// The signed type.
    #[must_use]
    pub const fn message_type(&self) -> MessageType {
        self.message_type
    }

    /// `MessageId`; SNS reuses it when it retries, so it is the key for de-duplication.
    #[must_use]
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// `TopicArn`.
    #[must_use]
    pub fn topic_arn(&self) -> &str {
        &self.topic_arn
    }

    /// The region named in `TopicArn`.
    #[must_use]
    pub const fn topic_region(&self) -> &Region {
        &self.topic_region
    }

    /// `Subject` of a Notification, when it was published with one. Never parse it: SNS
    /// and CloudWatch cut long subjects.
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// `Message`: the published payload (for SES events and CloudWatch alarms, a JSON
    /// document in a string) or the confirmation text.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `Timestamp`: when the message was published (Notification) or sent (confirmations).
    #[must_use]
    pub const fn timestamp(&self) -> OffsetDateTime {
        self.sent_at
    }

    /// `Token` of a confirmation, for the `ConfirmSubscription` API.
    #[must_use]
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// `SubscribeURL` of a confirmation. Check it with [`check_subscribe_url`] (or
    /// [`Verifier::check`]) before visiting it.
    #[must_use]
    pub fn subscribe_url(&self) -> Option<&Url> {
        self.subscribe_url.as_ref().map(|(_, url)| url)
    }

    /// `UnsubscribeURL` of a Notification, as given. It is not signed.
    #[must_use]
    pub fn unsubscribe_url(&self) -> Option<&str> {
        self.unsubscribe_url.as_deref()
    }

    /// `SignatureVersion`. It is not signed: a v1 signature relabelled `2` simply fails.
    #[must_use]
    pub const fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The decoded `Signature` bytes.
    #[must_use]
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// `SigningCertURL`. It is not signed: check it with [`check_cert_url`] (or
    /// [`Verifier::check`]) before fetching it.
    #[must_use]
    pub const fn signing_cert_url(&self) -> &Url {
        &self.signing_cert_url
    }
}

/// Checks that `arn` is an SNS topic ARN ([`Arn`] rules, service `sns`, a region and an
/// account, a [`TopicName`] resource, `.fifo` allowed) and returns its region. A checked ARN
/// holds no character that needs escaping, so it may be shown whole in messages.
fn topic_region(arn: &str) -> Result<Region, SnsError> {
    let shape = || {
        invalid(
            "TopicArn",
            format!(
                "{} is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)",
                excerpt(arn)
            ),
        )
    };
    let parsed = Arn::parse(arn).map_err(|e| invalid("TopicArn", e.to_string()))?;
    let name = parsed.resource();
    if parsed.service() != "sns" || parsed.account().is_empty() {
        return Err(shape());
    }
    TopicName::parse(name.strip_suffix(".fifo").unwrap_or(name)).map_err(|_| shape())?;
    Region::parse(parsed.region()).map_err(|_| shape())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn topic_arns_must_have_the_arn_shape() {
        for good in [
            "arn:aws:sns:us-east-1:111122223333:my-topic",
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform_email",
            "arn:aws-cn:sns:cn-north-1:111122223333:t.fifo",
        ] {
            assert!(topic_region(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "arn:aws:sns:us-east-1:111122223333:",
            "arn:aws:sqs:us-east-1:111122223333:t",
            "arn:aws:sns:us-gov-west-1:111122223333:t",
            "arn:aws:sns:US-EAST-1:111122223333:t",
            "arn:aws:sns:us-east-1:11112222333:t",
            "arn:aws:sns:us-east-1:111122223333:t:x",
            "arn:aws:sns:us-east-1:111122223333:t\n",
            "arn:aws:sns:us-east-1:111122223333:.fifo",
        ] {
            assert!(topic_region(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn header_must_name_the_signed_type() {
        assert_eq!(
            MessageType::parse("notification").unwrap_err(),
            SnsError::UnknownType {
                value: "\"notification\"".to_owned()
            }
        );
        assert_eq!(
            "UnsubscribeConfirmation".parse::<MessageType>().unwrap(),
            MessageType::UnsubscribeConfirmation
        );
    }
}
