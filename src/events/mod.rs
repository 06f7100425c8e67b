//! SES sending events: bounces, complaints, deliveries and the rest, as SES publishes them
//! to SNS (the `Message` of an [`sns::Message`](crate::sns::Message)).
//!
//! Two formats exist. A configuration-set event destination (what the broker sets up)
//! publishes the **`eventType`** format, with every event type and the `mail.tags` map. The
//! older per-identity feedback notifications publish the **`notificationType`** format, with
//! Bounce, Complaint and Delivery only. [`Event::from_json`] reads both.
//!
//! Parsing is lenient where SES says it may grow ("reserves the right to add additional
//! fields"): unknown keys are ignored and open vocabularies (bounce types, feedback types,
//! delay types) keep values they do not know. An unknown event *type* is an error a caller
//! can match on, [`EventError::UnknownType`].
//!
//! ```
//! use ses_broker::events::{BounceType, Event, EventDetail, EventType};
//! let event = Event::from_json(r#"{
//!   "eventType": "Bounce",
//!   "bounce": {"bounceType": "Permanent", "bounceSubType": "NoEmail",
//!              "bouncedRecipients": [{"emailAddress": "nobody@example.gov", "status": "5.1.1"}],
//!              "timestamp": "2026-11-30T05:31:02.669Z", "feedbackId": "0100019a7c44f053"},
//!   "mail": {"timestamp": "2026-11-30T05:31:01.012Z", "messageId": "0100019a7c44e1aa",
//!            "source": "noreply@agency.example.gov", "destination": ["nobody@example.gov"],
//!            "tags": {"ses:configuration-set": ["csb-aws-ses-4f1c2d3e"]}}
//! }"#)?;
//! assert_eq!(event.event_type(), EventType::Bounce);
//! assert_eq!(event.mail.configuration_set(), Some("csb-aws-ses-4f1c2d3e"));
//! let EventDetail::Bounce(bounce) = &event.detail else { unreachable!() };
//! assert_eq!(bounce.bounce_type, BounceType::Permanent);
//! assert!(bounce.counts_toward_bounce_rate());
//! # Ok::<(), ses_broker::events::EventError>(())
//! ```

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::Deserialize;

use crate::values::{excerpt, json_problem};

/// Largest event accepted. SNS messages are at most 256 KiB; an event carries at most
/// 10 KB of headers (SES truncates beyond) and its recipients.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The document is larger than any SES event.
    #[error("event is {len} bytes long; at most {max} are accepted")]
    TooLarge {
        /// Length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The document is not JSON, or a field has the wrong JSON type.
    #[error("event is not an SES event: {reason}")]
    Json {
        /// The JSON parser's account (bounded, escaped).
        reason: String,
    },
    /// Neither `eventType` nor `notificationType` is present.
    #[error("eventType: is missing (and so is notificationType)")]
    MissingType,
    /// Both `eventType` and `notificationType` are present, so the format is ambiguous.
    #[error("eventType: must not appear together with notificationType")]
    AmbiguousFormat,
    /// The type is not one this crate knows for that format.
    #[error("{}: {name} is not a known SES event type", .format.type_key())]
    UnknownType {
        /// Which format the document used.
        format: Format,
        /// An escaped excerpt of the type name.
        name: String,
    },
    /// A field the event type requires is absent or null.
    #[error("{field}: is missing")]
    MissingField {
        /// The JSON key (`mail`, `bounce`, ...).
        field: &'static str,
    },
}

/// Which of the two SES formats an event arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Configuration-set event publishing: the `eventType` key.
    EventPublishing,
    /// Per-identity feedback notifications: the `notificationType` key.
    FeedbackNotification,
}

impl Format {
    /// The key that names the type in this format.
    #[must_use]
    pub const fn type_key(self) -> &'static str {
        match self {
            Self::EventPublishing => "eventType",
            Self::FeedbackNotification => "notificationType",
        }
    }
}

/// The kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// A bounce SES stopped retrying (hard, or soft and given up).
    Bounce,
    /// A recipient's complaint, usually through an ISP feedback loop.
    Complaint,
    /// The receiving server accepted the message.
    Delivery,
    /// SES accepted the send request (event publishing only).
    Send,
    /// SES refused the message, e.g. for a virus (event publishing only).
    Reject,
    /// The recipient opened the message (event publishing only).
    Open,
    /// The recipient clicked a link (event publishing only).
    Click,
    /// A template could not be rendered: `Rendering Failure` (event publishing only).
    RenderingFailure,
    /// A temporary delivery problem SES is still retrying (event publishing only).
    DeliveryDelay,
    /// A recipient changed their list subscription (event publishing only).
    Subscription,
}

impl EventType {
    /// The type name as SES writes it (`Rendering Failure` has a space).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bounce => "Bounce",
            Self::Complaint => "Complaint",
            Self::Delivery => "Delivery",
            Self::Send => "Send",
            Self::Reject => "Reject",
            Self::Open => "Open",
            Self::Click => "Click",
            Self::RenderingFailure => "Rendering Failure",
            Self::DeliveryDelay => "DeliveryDelay",
            Self::Subscription => "Subscription",
        }
    }

    const ALL: [Self; 10] = [
        Self::Bounce,
        Self::Complaint,
        Self::Delivery,
        Self::Send,
        Self::Reject,
        Self::Open,
        Self::Click,
        Self::RenderingFailure,
        Self::DeliveryDelay,
        Self::Subscription,
    ];

    fn parse(name: &str, format: Format) -> Option<Self> {
        let found = Self::ALL.into_iter().find(|t| t.as_str() == name)?;
        let classic = matches!(found, Self::Bounce | Self::Complaint | Self::Delivery);
        (format == Format::EventPublishing || classic).then_some(found)
    }
}

impl core::fmt::Display for EventType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One SES event: the message it is about and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event {
    /// Which format it arrived in.
    pub format: Format,
    /// The message the event is about.
    pub mail: Mail,
    /// What happened, by type.
    pub detail: EventDetail,
}

/// What happened, with the type's own object.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventDetail {
    /// `bounce`.
    Bounce(Bounce),
    /// `complaint`.
    Complaint(Complaint),
    /// `delivery`.
    Delivery(Delivery),
    /// `send` (an empty object).
    Send,
    /// `reject`.
    Reject(Reject),
    /// `open`.
    Open(Open),
    /// `click`.
    Click(Click),
    /// `failure`.
    RenderingFailure(RenderingFailure),
    /// `deliveryDelay`.
    DeliveryDelay(DeliveryDelay),
    /// `subscription`.
    Subscription(Subscription),
}

/// The `mail` object common to every event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Mail {
    /// When the message was sent, as SES wrote it (usually RFC 3339; old examples show
    /// `2018-10-08T14:05:45 +0000`, so it is kept as text).
    #[serde(default)]
    pub timestamp: String,
    /// The SES message id.
    #[serde(default)]
    pub message_id: String,
    /// The envelope sender (MAIL FROM).
    #[serde(default)]
    pub source: String,
    /// The identity ARN the message was sent under.
    pub source_arn: Option<String>,
    /// The sending client's IP address (feedback notifications).
    pub source_ip: Option<String>,
    /// The AWS account that sent it.
    pub sending_account_id: Option<String>,
    /// The IAM identity that sent it (feedback notifications).
    pub caller_identity: Option<String>,
    /// The envelope recipients.
    #[serde(default)]
    pub destination: Vec<String>,
    /// Whether `headers` was cut (SES cuts at 10 KB).
    pub headers_truncated: Option<bool>,
    /// The original headers, in order (event publishing always; notifications if enabled).
    #[serde(default)]
    pub headers: Vec<Header>,
    /// Frequently used headers, decoded.
    pub common_headers: Option<CommonHeaders>,
    /// Message tags, name to values: `ses:configuration-set`, `ses:source-ip`,
    /// `ses:from-domain`, `ses:caller-identity` and the sender's own (event publishing only).
    #[serde(default)]
    pub tags: BTreeMap<String, Vec<String>>,
}

impl Mail {
    /// The configuration set the message was sent through, from the
    /// `ses:configuration-set` tag.
    #[must_use]
    pub fn configuration_set(&self) -> Option<&str> {
        self.tags
            .get("ses:configuration-set")
            .and_then(|values| values.first())
            .map(String::as_str)
    }
}

/// One header of `mail.headers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Header {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// `mail.commonHeaders`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CommonHeaders {
    /// `From` addresses.
    #[serde(default)]
    pub from: Vec<String>,
    /// `To` addresses.
    #[serde(default)]
    pub to: Vec<String>,
    /// `Cc` addresses.
    #[serde(default)]
    pub cc: Vec<String>,
    /// `Bcc` addresses.
    #[serde(default)]
    pub bcc: Vec<String>,
    /// `Reply-To` addresses.
    #[serde(default)]
    pub reply_to: Vec<String>,
    /// `Return-Path`.
    pub return_path: Option<String>,
    /// `Message-ID`.
    pub message_id: Option<String>,
    /// `Date`.
    pub date: Option<String>,
    /// `Subject`.
    pub subject: Option<String>,
}

/// Declares an open vocabulary: the values SES documents, plus `Other` for what it adds
/// later, read from a JSON string without ever failing.
macro_rules! open_vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
        #[serde(from = "String")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this crate does not know, as given.
            Other(String),
        }

        impl $name {
            /// The value as SES writes it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => Self::$variant,)*
                    _ => Self::Other(s),
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_vocabulary! {
    /// `bounceType`.
    BounceType {
        /// SES could not tell.
        Undetermined = "Undetermined",
        /// A hard bounce: do not send to this address again.
        Permanent = "Permanent",
        /// A soft bounce SES gave up retrying.
        Transient = "Transient",
    }
}

open_vocabulary! {
    /// `bounceSubType`.
    BounceSubType {
        /// SES could not tell.
        Undetermined = "Undetermined",
        /// Unspecified reason.
        General = "General",
        /// The address does not exist.
        NoEmail = "NoEmail",
        /// On the SES global suppression list.
        Suppressed = "Suppressed",
        /// On the account's suppression list; does not count toward the bounce rate.
        OnAccountSuppressionList = "OnAccountSuppressionList",
        /// The mailbox is full.
        MailboxFull = "MailboxFull",
        /// The message is too large for the recipient.
        MessageTooLarge = "MessageTooLarge",
        /// The content was refused.
        ContentRejected = "ContentRejected",
        /// An attachment was refused.
        AttachmentRejected = "AttachmentRejected",
    }
}

open_vocabulary! {
    /// `complaintFeedbackType` (the IANA feedback types of RFC 5965 and its registry).
    FeedbackType {
        /// Unsolicited mail or some other abuse.
        Abuse = "abuse",
        /// An authentication failure report.
        AuthFailure = "auth-failure",
        /// Fraud or phishing.
        Fraud = "fraud",
        /// The recipient says it is not spam.
        NotSpam = "not-spam",
        /// The registry's own `other`.
        Unclassified = "other",
        /// A virus.
        Virus = "virus",
    }
}

open_vocabulary! {
    /// `deliveryDelay.delayType`. The archived SES documentation names only this value
    /// for certain; the others arrive as `Other`.
    DelayType {
        /// SES had trouble talking to the receiving server.
        TransientCommunicationFailure = "TransientCommunicationFailure",
    }
}

/// `bounce`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Bounce {
    /// `bounceType`.
    pub bounce_type: BounceType,
    /// `bounceSubType`.
    pub bounce_sub_type: BounceSubType,
    /// `bouncedRecipients`.
    #[serde(default)]
    pub bounced_recipients: Vec<BouncedRecipient>,
    /// When the bounce was reported, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
    /// `feedbackId`.
    #[serde(default)]
    pub feedback_id: String,
    /// `reportingMTA`, when a DSN was attached.
    #[serde(rename = "reportingMTA")]
    pub reporting_mta: Option<String>,
    /// `remoteMtaIp` (feedback notifications, when SES reached the receiving server).
    pub remote_mta_ip: Option<String>,
}

impl Bounce {
    /// Whether AWS counts this bounce toward the account's bounce rate: a permanent
    /// (hard) bounce, except one to an address on the account's suppression list.
    #[must_use]
    pub fn counts_toward_bounce_rate(&self) -> bool {
        self.bounce_type == BounceType::Permanent
            && self.bounce_sub_type != BounceSubType::OnAccountSuppressionList
    }
}

/// One of `bouncedRecipients`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BouncedRecipient {
    /// `emailAddress`, as SES gives it.
    pub email_address: String,
    /// `action` from the DSN (`failed`, ...).
    pub action: Option<String>,
    /// `status`: the enhanced status code (`5.1.1`).
    pub status: Option<String>,
    /// `diagnosticCode`: the receiving server's words.
    pub diagnostic_code: Option<String>,
}

/// A recipient named only by address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Recipient {
    /// `emailAddress`.
    pub email_address: String,
}

/// `complaint`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Complaint {
    /// `complainedRecipients` (ISPs usually redact, so SES lists the recipients on the
    /// complaining domain).
    #[serde(default)]
    pub complained_recipients: Vec<Recipient>,
    /// When the complaint was reported, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
    /// `feedbackId`.
    #[serde(default)]
    pub feedback_id: String,
    /// `complaintSubType`: absent, null or `OnAccountSuppressionList`.
    pub complaint_sub_type: Option<String>,
    /// `userAgent` of the feedback report.
    pub user_agent: Option<String>,
    /// `complaintFeedbackType` of the feedback report.
    pub complaint_feedback_type: Option<FeedbackType>,
    /// `arrivalDate` of the feedback report.
    pub arrival_date: Option<String>,
}

/// `delivery`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Delivery {
    /// When the receiving server accepted it, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
    /// `processingTimeMillis`.
    pub processing_time_millis: Option<u64>,
    /// `recipients`.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// `smtpResponse`.
    pub smtp_response: Option<String>,
    /// `reportingMTA`.
    #[serde(rename = "reportingMTA")]
    pub reporting_mta: Option<String>,
    /// `remoteMtaIp` (feedback notifications).
    pub remote_mta_ip: Option<String>,
}

/// `reject`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Reject {
    /// `reason`, such as `Bad content`.
    #[serde(default)]
    pub reason: String,
}

/// `open`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Open {
    /// `ipAddress` of the reader.
    pub ip_address: Option<String>,
    /// When, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
    /// `userAgent`.
    pub user_agent: Option<String>,
}

/// `click`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Click {
    /// `ipAddress` of the reader.
    pub ip_address: Option<String>,
    /// When, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
    /// `userAgent`.
    pub user_agent: Option<String>,
    /// `link`: the URL clicked.
    #[serde(default)]
    pub link: String,
    /// `linkTags`: the tags on the link, name to values.
    #[serde(default)]
    pub link_tags: BTreeMap<String, Vec<String>>,
}

/// `failure` of a `Rendering Failure`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RenderingFailure {
    /// `templateName`.
    #[serde(default)]
    pub template_name: String,
    /// `errorMessage`.
    #[serde(default)]
    pub error_message: String,
}

/// `deliveryDelay`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeliveryDelay {
    /// `delayType`.
    pub delay_type: DelayType,
    /// `delayedRecipients`.
    #[serde(default)]
    pub delayed_recipients: Vec<BouncedRecipient>,
    /// `expirationTime`: when SES stops retrying.
    pub expiration_time: Option<String>,
    /// `reportingMTA`.
    #[serde(rename = "reportingMTA")]
    pub reporting_mta: Option<String>,
    /// When, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
}

/// `subscription`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Subscription {
    /// `contactList`.
    #[serde(default)]
    pub contact_list: String,
    /// When, as SES wrote it.
    #[serde(default)]
    pub timestamp: String,
    /// `source`: how the change was made (`UnsubscribeHeader`, ...).
    pub source: Option<String>,
    /// `newTopicPreferences`.
    pub new_topic_preferences: Option<TopicPreferences>,
    /// `oldTopicPreferences`.
    pub old_topic_preferences: Option<TopicPreferences>,
}

/// Topic preferences of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TopicPreferences {
    /// `unsubscribeAll`.
    #[serde(default)]
    pub unsubscribe_all: bool,
    /// `topicSubscriptionStatus`.
    #[serde(default)]
    pub topic_subscription_status: Vec<TopicSubscriptionStatus>,
}

/// One topic's status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TopicSubscriptionStatus {
    /// `topicName`.
    pub topic_name: String,
    /// `subscriptionStatus`: `OptIn` or `OptOut`.
    pub subscription_status: String,
}

/// The whole document, each type's object optional; which one is required follows from
/// the type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    event_type: Option<String>,
    notification_type: Option<String>,
    mail: Option<Mail>,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    delivery: Option<Delivery>,
    reject: Option<Reject>,
    open: Option<Open>,
    click: Option<Click>,
    failure: Option<RenderingFailure>,
    delivery_delay: Option<DeliveryDelay>,
    subscription: Option<Subscription>,
}

fn present<T>(value: Option<T>, field: &'static str) -> Result<T, EventError> {
    value.ok_or(EventError::MissingField { field })
}

impl Event {
    /// Parses one SES event in either format.
    ///
    /// # Errors
    /// [`EventError::UnknownType`] for a type this crate does not know (including the
    /// event-publishing-only types under `notificationType`); `MissingType`,
    /// `AmbiguousFormat`, `MissingField` (`mail` or the type's own object), `Json` for
    /// malformed JSON or a field of the wrong JSON type, `TooLarge`.
    pub fn from_json(json: &str) -> Result<Self, EventError> {
        if json.len() > MAX_EVENT_BYTES {
            return Err(EventError::TooLarge {
                len: json.len(),
                max: MAX_EVENT_BYTES,
            });
        }
        let doc: Document = serde_json::from_str(json).map_err(|e| EventError::Json {
            reason: json_problem(&e),
        })?;
        let (format, name) = match (doc.event_type, doc.notification_type) {
            (Some(name), None) => (Format::EventPublishing, name),
            (None, Some(name)) => (Format::FeedbackNotification, name),
            (Some(_), Some(_)) => return Err(EventError::AmbiguousFormat),
            (None, None) => return Err(EventError::MissingType),
        };
        let Some(event_type) = EventType::parse(&name, format) else {
            return Err(EventError::UnknownType {
                format,
                name: excerpt(&name),
            });
        };
        let detail = match event_type {
            EventType::Bounce => EventDetail::Bounce(present(doc.bounce, "bounce")?),
            EventType::Complaint => EventDetail::Complaint(present(doc.complaint, "complaint")?),
            EventType::Delivery => EventDetail::Delivery(present(doc.delivery, "delivery")?),
            // `send` is an empty object; nothing is lost when it is absent.
            EventType::Send => EventDetail::Send,
            EventType::Reject => EventDetail::Reject(present(doc.reject, "reject")?),
            EventType::Open => EventDetail::Open(present(doc.open, "open")?),
            EventType::Click => EventDetail::Click(present(doc.click, "click")?),
            EventType::RenderingFailure => {
                EventDetail::RenderingFailure(present(doc.failure, "failure")?)
            }
            EventType::DeliveryDelay => {
                EventDetail::DeliveryDelay(present(doc.delivery_delay, "deliveryDelay")?)
            }
            EventType::Subscription => {
                EventDetail::Subscription(present(doc.subscription, "subscription")?)
            }
        };
        Ok(Self {
            format,
            mail: present(doc.mail, "mail")?,
            detail,
        })
    }

    /// The event's type.
    #[must_use]
    pub const fn event_type(&self) -> EventType {
        match self.detail {
            EventDetail::Bounce(_) => EventType::Bounce,
            EventDetail::Complaint(_) => EventType::Complaint,
            EventDetail::Delivery(_) => EventType::Delivery,
            EventDetail::Send => EventType::Send,
            EventDetail::Reject(_) => EventType::Reject,
            EventDetail::Open(_) => EventType::Open,
            EventDetail::Click(_) => EventType::Click,
            EventDetail::RenderingFailure(_) => EventType::RenderingFailure,
            EventDetail::DeliveryDelay(_) => EventType::DeliveryDelay,
            EventDetail::Subscription(_) => EventType::Subscription,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn classic_format_knows_only_three_types() {
        assert_eq!(
            EventType::parse("Bounce", Format::FeedbackNotification),
            Some(EventType::Bounce)
        );
        assert_eq!(EventType::parse("Open", Format::FeedbackNotification), None);
        assert_eq!(
            EventType::parse("Rendering Failure", Format::EventPublishing),
            Some(EventType::RenderingFailure)
        );
        assert_eq!(EventType::parse("bounce", Format::EventPublishing), None);
    }

    #[test]
    fn open_vocabularies_keep_unknown_values() {
        assert_eq!(
            BounceSubType::from("Brand New".to_owned()),
            BounceSubType::Other("Brand New".to_owned())
        );
        assert_eq!(FeedbackType::from("other".to_owned()).as_str(), "other");
        assert_eq!(
            FeedbackType::from("auth-failure".to_owned()),
            FeedbackType::AuthFailure
        );
    }
}
