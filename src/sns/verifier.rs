//! Everything that makes a well-formed message one to act on.

use crate::prelude::*;

use core::time::Duration;

use time::OffsetDateTime;

use super::urls::untrusted;
use super::{Message, SnsError, check_cert_url, check_subscribe_url};
use crate::values::{Region, excerpt};

/// How far in the future a `Timestamp` may lie before the message is refused: room for
/// clock drift between SNS and the caller, nothing more.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// The checks a subscriber runs on every message: the topic it expects, the URL rules, and
/// optionally freshness against the caller's clock; with the `verify` feature, the signature
/// too.
///
/// ```
/// use core::time::Duration;
/// use ses_broker::sns::Verifier;
/// use time::OffsetDateTime;
/// # let now = OffsetDateTime::UNIX_EPOCH;
/// // SNS retries HTTP deliveries for up to an hour, so allow more than that.
/// let verifier = Verifier::new("arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications")
///     .with_max_age(now, Duration::from_secs(2 * 3600));
/// # let _ = verifier;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    topic_arn: String,
    freshness: Option<(OffsetDateTime, Duration)>,
}

impl Verifier {
    /// Accepts messages from the one topic `expected_topic_arn` (compared exactly: topic
    /// names are case-sensitive).
    #[must_use]
    pub fn new(expected_topic_arn: impl Into<String>) -> Self {
        Self {
            topic_arn: expected_topic_arn.into(),
            freshness: None,
        }
    }

    /// Also refuses messages whose `Timestamp` is more than `max_age` before `now`, or more
    /// than [`MAX_CLOCK_SKEW`] after it. With the `verify` feature, `now` must also lie
    /// within the certificate's validity period.
    ///
    /// A Notification's `Timestamp` is the publish time and SNS retries HTTP deliveries for
    /// up to an hour; confirmation tokens live three days. Pick `max_age` accordingly, and
    /// de-duplicate on `MessageId` against replays inside the window.
    #[must_use]
    pub const fn with_max_age(mut self, now: OffsetDateTime, max_age: Duration) -> Self {
        self.freshness = Some((now, max_age));
        self
    }

    /// The expected topic.
    #[must_use]
    pub fn topic_arn(&self) -> &str {
        &self.topic_arn
    }

    /// Every check but the signature: the topic, `SigningCertURL` ([`check_cert_url`], and
    /// its region must be the topic's), `SubscribeURL` of a confirmation
    /// ([`check_subscribe_url`], same region, and a `TopicArn` parameter, if any, naming the
    /// message's topic), and freshness when asked for. Run it before fetching the
    /// certificate.
    ///
    /// # Errors
    /// The first [`SnsError`] found, in that order.
    pub fn check(&self, message: &Message) -> Result<(), SnsError> {
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
        if let Some((now, max_age)) = self.freshness {
            check_age(message.timestamp(), now, max_age)?;
        }
        Ok(())
    }

    /// [`check`](Self::check), then the signature over
    /// [`Message::string_to_sign`] with the RSA key of `certificate` (PEM or DER bytes the
    /// caller fetched from the checked `SigningCertURL`): SHA1withRSA for `SignatureVersion`
    /// 1, SHA256withRSA for 2. The key must have at least 2048 bits.
    ///
    /// The certificate's chain is not checked here: its authority is the HTTPS fetch from
    /// an SNS host, which is why the URL rules matter.
    ///
    /// # Errors
    /// As `check`; [`SnsError::Certificate`] when the bytes are not a usable certificate
    /// (or `now` lies outside its validity); [`SnsError::BadSignature`].
    #[cfg(feature = "verify")]
    pub fn verify(&self, message: &Message, certificate: &[u8]) -> Result<(), SnsError> {
        self.check(message)?;
        super::signature::verify(message, certificate, self.freshness.map(|(now, _)| now))
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
