//! The `mail` object every SES event carries: the message, its headers and recipients.

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::Deserialize;

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
