//! Everything that makes a well-formed message one to act on.

use crate::prelude::*;

use core::time::Duration;

use time::OffsetDateTime;

#[cfg(feature = "verify")]
use super::MessageType;
#[cfg(feature = "verify")]
use super::signature::SigningCertificate;
use super::urls::untrusted;
use super::{Message, SnsError, check_cert_url, check_subscribe_url};
#[cfg(feature = "verify")]
use crate::reputation::{AlarmDecision, AlarmError, AlarmNotification};
#[cfg(feature = "verify")]
use crate::values::AccountId;
use crate::values::{Region, excerpt};

/// How far in the future a `Timestamp` may lie before the message is refused: room for
/// clock drift between SNS and the caller, nothing more.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// The checks a subscriber runs on every message: the topic it expects, the URL rules, and
/// optionally freshness; with the `verify` feature, the signature too.
///
/// A verifier holds what does not change between messages (the topic, the maximum age), so
/// one serves a whole endpoint. `now` is an argument of each call, read by the caller: the
/// library never reads a clock, and a message archived long ago is checked as of its own
/// time by passing that time.
///
/// ```
/// use core::time::Duration;
/// use ses_broker::sns::Verifier;
/// // SNS retries HTTP deliveries for up to an hour, so allow more than that.
/// let verifier = Verifier::new("arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications")
///     .with_max_age(Duration::from_secs(2 * 3600));
/// assert_eq!(verifier.max_age(), Some(Duration::from_secs(7200)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    topic_arn: String,
    max_age: Option<Duration>,
}

impl Verifier {
    /// Accepts messages from the one topic `expected_topic_arn` (compared exactly: topic
    /// names are case-sensitive).
    #[must_use]
    pub fn new(expected_topic_arn: impl Into<String>) -> Self {
        Self {
            topic_arn: expected_topic_arn.into(),
            max_age: None,
        }
    }

    /// Also refuses messages whose `Timestamp` is more than `max_age` before the `now` of
    /// each check, or more than [`MAX_CLOCK_SKEW`] after it.
    ///
    /// A Notification's `Timestamp` is the publish time and SNS retries HTTP deliveries for
    /// up to an hour; confirmation tokens live three days. Pick `max_age` accordingly, and
    /// de-duplicate on `MessageId` against replays inside the window.
    #[must_use]
    pub const fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// The expected topic.
    #[must_use]
    pub fn topic_arn(&self) -> &str {
        &self.topic_arn
    }

    /// The maximum age, when one was set.
    #[must_use]
    pub const fn max_age(&self) -> Option<Duration> {
        self.max_age
    }

    /// Every check but the signature: the topic, `SigningCertURL` ([`check_cert_url`], and
    /// its region must be the topic's), `SubscribeURL` of a confirmation
    /// ([`check_subscribe_url`], same region, and a `TopicArn` parameter, if any, naming the
    /// message's topic), and the age at `now` when a maximum age was set. Run it before
    /// fetching the certificate.
    ///
    /// # Errors
    /// The first [`SnsError`] found, in that order.
    pub fn check(&self, message: &Message, now: OffsetDateTime) -> Result<(), SnsError> {
        if message.topic_arn() != self.topic_arn {
            return Err(SnsError::TopicMismatch {
                expected: self.topic_arn.clone(),
                actual: message.topic_arn().to_owned(),
            });
        }
        in_topic_region(
            "SigningCertURL",
            &check_cert_url(message.signing_cert_url())?,
            message,
        )?;
        if let Some(url) = message.subscribe_url() {
            in_topic_region("SubscribeURL", &check_subscribe_url(url)?, message)?;
            if let Some((_, topic)) = url.query_pairs().find(|(k, _)| k == "TopicArn")
                && topic != message.topic_arn()
            {
                return Err(untrusted(
                    "SubscribeURL",
                    format!("confirms topic {} rather than TopicArn", excerpt(&topic)),
                ));
            }
        }
        if let Some(max_age) = self.max_age {
            check_age(message.timestamp(), now, max_age)?;
        }
        Ok(())
    }

    /// [`check`](Self::check), then the certificate's validity at `now`, then the
    /// signature over [`Message::string_to_sign`] with the certificate's key (SHA1withRSA
    /// for `SignatureVersion` 1, SHA256withRSA for 2). On success the message comes back as
    /// a [`VerifiedMessage`], the only way to make one; act on nothing else.
    ///
    /// `certificate` is the one fetched from the message's checked `SigningCertURL`, parsed
    /// once and cached by that URL (see [`SigningCertificate`]). The message is consumed:
    /// clone it first if a failure must still show it.
    ///
    /// # Errors
    /// As `check`; [`SnsError::Certificate`] when `now` lies outside the certificate's
    /// validity period; [`SnsError::BadSignature`].
    ///
    /// ```
    /// use ses_broker::sns::{Message, SigningCertificate, Verifier};
    /// use time::OffsetDateTime;
    /// let body = include_str!("../../tests/data/sns/notification-alarm-v1.json");
    /// let pem = include_bytes!("../../tests/data/sns/cert.pem");
    /// let certificate = SigningCertificate::parse(pem)?; // once per SigningCertURL
    /// let message = Message::from_json(body)?;
    /// let now = message.timestamp(); // an archived message, as of its own time
    /// let verifier = Verifier::new(message.topic_arn());
    /// let verified = verifier.verify(message, &certificate, now)?;
    /// assert_eq!(verified.message().message_id().len(), 36);
    /// // Past the certificate's end, the same message is refused.
    /// let late = certificate.not_after() + time::Duration::DAY;
    /// let again = Message::from_json(body)?;
    /// assert!(verifier.verify(again, &certificate, late).is_err());
    /// # Ok::<(), ses_broker::sns::SnsError>(())
    /// ```
    #[cfg(feature = "verify")]
    pub fn verify(
        &self,
        message: Message,
        certificate: &SigningCertificate,
        now: OffsetDateTime,
    ) -> Result<VerifiedMessage, SnsError> {
        self.check(&message, now)?;
        certificate.check_valid_at(now)?;
        certificate.verify_signature(&message)?;
        Ok(VerifiedMessage { message })
    }
}

/// A message whose topic, URLs, age, certificate and signature [`Verifier::verify`]
/// checked: the only way to make one. Acting on SNS input (pausing sending on an alarm,
/// say) should take this type, so an unverified message cannot be acted on by mistake.
///
/// ```compile_fail
/// // There is no other constructor.
/// let m = ses_broker::sns::Message::from_json("{}").unwrap();
/// let _ = ses_broker::sns::VerifiedMessage { message: m };
/// ```
#[cfg(feature = "verify")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedMessage {
    message: Message,
}

#[cfg(feature = "verify")]
impl VerifiedMessage {
    /// The verified message.
    #[must_use]
    pub const fn message(&self) -> &Message {
        &self.message
    }

    /// The verified message, unwrapped.
    #[must_use]
    pub fn into_message(self) -> Message {
        self.message
    }

    /// Decides what to do about the CloudWatch alarm this Notification carries (its
    /// `Message`), for a broker running in `account` and `region`: the rules of
    /// [`AlarmNotification::decide_unverified`], on a message whose signature was checked.
    ///
    /// # Errors
    /// [`AlarmError::NotANotification`] for a subscription or unsubscribe confirmation;
    /// otherwise as [`AlarmNotification::from_json`].
    ///
    /// ```
    /// use ses_broker::sns::{Message, SigningCertificate, Verifier};
    /// use ses_broker::values::{AccountId, Region};
    /// let body = include_str!("../../tests/data/sns/notification-alarm-v1.json");
    /// let certificate = SigningCertificate::parse(include_bytes!("../../tests/data/sns/cert.pem"))?;
    /// let message = Message::from_json(body)?;
    /// let now = message.timestamp();
    /// let verified = Verifier::new(message.topic_arn()).verify(message, &certificate, now)?;
    /// let account: AccountId = "111122223333".parse()?;
    /// let region: Region = "us-gov-west-1".parse()?;
    /// let decision = verified.decide_alarm(&account, &region)?;
    /// assert!(decision.pauses(), "{decision}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_alarm(
        &self,
        account: &AccountId,
        region: &Region,
    ) -> Result<AlarmDecision, AlarmError> {
        if self.message.message_type() != MessageType::Notification {
            return Err(AlarmError::NotANotification {
                message_type: self.message.message_type().as_str(),
            });
        }
        Ok(
            AlarmNotification::from_json(self.message.message())?
                .decide_unverified(account, region),
        )
    }
}

/// SNS hands out URLs on the topic's own regional endpoint; another region means someone
/// else wrote the URL.
fn in_topic_region(
    field: &'static str,
    region: &Region,
    message: &Message,
) -> Result<(), SnsError> {
    if region == message.topic_region() {
        Ok(())
    } else {
        Err(untrusted(
            field,
            format!(
                "host names region {region} but the topic is in {}",
                message.topic_region()
            ),
        ))
    }
}

fn check_age(
    sent_at: OffsetDateTime,
    now: OffsetDateTime,
    max_age: Duration,
) -> Result<(), SnsError> {
    let age = now - sent_at;
    if age > max_age {
        return Err(SnsError::TooOld {
            age_seconds: age.whole_seconds(),
            max_age_seconds: max_age.as_secs(),
        });
    }
    if -age > MAX_CLOCK_SKEW {
        return Err(SnsError::FromTheFuture {
            ahead_seconds: (-age).whole_seconds(),
            max_skew_seconds: MAX_CLOCK_SKEW.as_secs(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn age_is_measured_from_the_timestamp_both_ways() {
        let sent = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let hour = Duration::from_secs(3600);
        let at = |secs: i64| sent + time::Duration::seconds(secs);
        assert!(check_age(sent, at(3600), hour).is_ok());
        assert_eq!(
            check_age(sent, at(3601), hour),
            Err(SnsError::TooOld {
                age_seconds: 3601,
                max_age_seconds: 3600
            })
        );
        assert!(check_age(sent, at(-300), hour).is_ok());
        assert!(matches!(
            check_age(sent, at(-301), hour),
            Err(SnsError::FromTheFuture {
                ahead_seconds: 301,
                ..
            })
        ));
    }
}
