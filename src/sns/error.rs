//! What can be wrong with an SNS message.

use crate::prelude::*;

use super::MessageType;

/// Why an SNS message was refused: unparseable, malformed, not for us, stale, or not
/// authentic.
///
/// Messages are lowercase, name the field (the JSON key as SNS spells it, or the header),
/// and quote untrusted input only as a short escaped excerpt. Values the crate has already
/// validated (a `TopicArn` of the ARN shape) are shown whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnsError {
    /// The body is larger than any SNS message can be.
    #[error("body is {len} bytes long; at most {max} are accepted")]
    BodyTooLarge {
        /// Length of the body in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not a JSON object of string fields.
    #[error("body is not an SNS message: {reason}")]
    Json {
        /// The JSON parser's account of the problem (bounded, escaped).
        reason: String,
    },
    /// A field the message type requires is absent (or null).
    #[error("{field}: is missing")]
    MissingField {
        /// The JSON key.
        field: &'static str,
    },
    /// A field is present but malformed (empty id, bad base64, bad timestamp, bad ARN, ...).
    #[error("{field}: {reason}")]
    InvalidField {
        /// The JSON key.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The signed `Type` is none of the three SNS message types.
    #[error(
        "Type: {value} is not Notification, SubscriptionConfirmation or UnsubscribeConfirmation"
    )]
    UnknownType {
        /// An escaped excerpt of the value.
        value: String,
    },
    /// The `x-amz-sns-message-type` header disagrees with the signed `Type` in the body.
    #[error("x-amz-sns-message-type: the header says {header} but the signed Type is {body}")]
    TypeMismatch {
        /// An escaped excerpt of the header value.
        header: String,
        /// The type the body carries.
        body: MessageType,
    },
    /// `SignatureVersion` is neither `1` nor `2`.
    #[error(
        "SignatureVersion: {value} is not supported; only 1 (SHA1withRSA) and 2 (SHA256withRSA) are"
    )]
    UnsupportedSignatureVersion {
        /// An escaped excerpt of the value.
        value: String,
    },
    /// The message was published to another topic than the one expected.
    #[error("TopicArn: {actual} is not the expected topic {expected}")]
    TopicMismatch {
        /// The topic the caller expects.
        expected: String,
        /// The topic the message names (already checked to be ARN-shaped).
        actual: String,
    },
    /// `SigningCertURL` or `SubscribeURL` does not point where SNS would point.
    #[error("{field}: {reason}")]
    UntrustedUrl {
        /// `SigningCertURL` or `SubscribeURL`.
        field: &'static str,
        /// Which rule it breaks.
        reason: String,
    },
    /// The message is older than the caller's maximum age.
    #[error(
        "Timestamp: the message is {age_seconds} s old; at most {max_age_seconds} s is accepted"
    )]
    TooOld {
        /// Age of the message at the caller's `now`, in whole seconds.
        age_seconds: i64,
        /// The caller's maximum age, in whole seconds.
        max_age_seconds: u64,
    },
    /// The message is dated later than the caller's `now` plus the allowed clock skew.
    #[error(
        "Timestamp: the message is dated {ahead_seconds} s after now; at most {max_skew_seconds} s of clock skew is accepted"
    )]
    FromTheFuture {
        /// How far past `now` the message is dated, in whole seconds.
        ahead_seconds: i64,
        /// The allowed skew, in whole seconds.
        max_skew_seconds: u64,
    },
    /// The certificate the caller supplied cannot be used.
    #[error("certificate: {reason}")]
    Certificate {
        /// Why not.
        reason: String,
    },
    /// The signature does not verify over the message's string-to-sign with the certificate's
    /// key: the message was altered, or signed by someone else.
    #[error("Signature: does not match the message under the given certificate")]
    BadSignature,
}
