//! The per-type objects of SES events: bounce, complaint, delivery, reject, open, click,
//! rendering failure, delivery delay and subscription.

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::Deserialize;

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
