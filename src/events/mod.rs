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

use serde::Deserialize;

use crate::values::{excerpt, json_problem};

mod feedback;
mod mail;

pub use feedback::{
    Bounce, BounceSubType, BounceType, BouncedRecipient, Click, Complaint, DelayType, Delivery,
    DeliveryDelay, FeedbackType, Open, Recipient, Reject, RenderingFailure, Subscription,
    TopicPreferences, TopicSubscriptionStatus,
};
pub use mail::{CommonHeaders, Header, Mail};

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
