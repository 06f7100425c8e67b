//! Bind parameters (`cf bind-service APP NAME -c` or `cf create-service-key -c`).

use crate::prelude::*;

use serde::Serialize;
use serde_json::Value;

use super::document::{Document, optional_list, optional_str, parse_with};
use super::errors::{ParamErrors, Problems};
use crate::values::{EmailAddress, SourceIp, WebhookUrl};

/// Most `source_ips` ranges a binding may list. IAM caps a user's inline policies at 2,048
/// characters; the policy without ranges takes about 500 of them for the longest names, and
/// a quoted IPv6 range up to 46, so 30 ranges always fit.
pub const MAX_SOURCE_IPS: usize = 30;

/// The bind parameter keys.
pub(crate) const BIND_KEYS: [&str; 3] =
    ["source_ips", "notification_email", "notification_webhook"];

/// Validated bind parameters.
///
/// `source_ips` restricts the binding's IAM policy to those ranges (`aws:SourceIp`; the
/// deployed broker accepts the field and silently ignores it). `notification_email` and
/// `notification_webhook` are subscribed to the instance's feedback topics (which exist only
/// when the instance has `enable_feedback_notifications`). `Serialize` gives the normalised
/// document; parsing it again gives an equal value.
///
/// ```
/// use ses_broker::BindParams;
/// let p = BindParams::from_json(r#"{"source_ips": ["203.0.113.0/24"], "notification_webhook": "https://hooks.agency.gov/ses"}"#)?;
/// assert_eq!(p.source_ips()[0].as_str(), "203.0.113.0/24");
/// assert!(BindParams::from_json(r#"{"notification_webhook": "http://10.0.0.1/"}"#).is_err());
/// # Ok::<(), ses_broker::ParamErrors>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BindParams {
    source_ips: Vec<SourceIp>,
    notification_email: Option<EmailAddress>,
    notification_webhook: Option<WebhookUrl>,
}

impl BindParams {
    /// Parses and validates a bind parameter document.
    ///
    /// # Errors
    /// [`ParamErrors`] with every problem: syntax, size, a top level that is not an object,
    /// duplicate or unknown keys, wrong types, invalid ranges, addresses or URLs, more than
    /// 30 ranges, or a range listed twice.
    pub fn from_json(json: &str) -> Result<Self, ParamErrors> {
        Self::from_document(&Document::parse(json)?)
    }

    /// Validates an already parsed parameter object.
    ///
    /// # Errors
    /// As [`Self::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, ParamErrors> {
        Self::from_document(&Document::from_value(value)?)
    }

    fn from_document(doc: &Document<'_>) -> Result<Self, ParamErrors> {
        let mut errors = Problems::default();
        let mut params = Self::default();
        doc.read(&BIND_KEYS, &mut errors, |key, raw, errors| match key {
            "source_ips" => {
                params.source_ips = optional_list(
                    key,
                    raw,
                    MAX_SOURCE_IPS,
                    ("an array of IP ranges", "an IP range in CIDR notation"),
                    SourceIp::parse,
                    errors,
                )
                .ok()
                .flatten()
                .unwrap_or_default();
            }
            "notification_email" => {
                params.notification_email = optional_str(key, raw, errors)
                    .ok()
                    .flatten()
                    .and_then(|s| parse_with(key, s, EmailAddress::parse, errors).ok());
            }
            "notification_webhook" => {
                params.notification_webhook = optional_str(key, raw, errors)
                    .ok()
                    .flatten()
                    .and_then(|s| parse_with(key, s, WebhookUrl::parse, errors).ok());
            }
            // `read` hands over known keys only and reports the others.
            _ => {}
        });
        match errors.into_errors() {
            Some(errors) => Err(errors),
            None => Ok(params),
        }
    }

    /// Builds bind parameters in Rust.
    ///
    /// # Errors
    /// [`ParamErrors`] when `source_ips` has more than 30 ranges or repeats one.
    pub fn new(
        source_ips: Vec<SourceIp>,
        notification_email: Option<EmailAddress>,
        notification_webhook: Option<WebhookUrl>,
    ) -> Result<Self, ParamErrors> {
        let params = Self {
            source_ips,
            notification_email,
            notification_webhook,
        };
        let value = serde_json::to_value(&params).unwrap_or(Value::Null);
        Self::from_value(&value)
    }

    /// The ranges sending is limited to; empty means no restriction.
    #[must_use]
    pub fn source_ips(&self) -> &[SourceIp] {
        &self.source_ips
    }

    /// The address to subscribe to the feedback topics.
    #[must_use]
    pub const fn notification_email(&self) -> Option<&EmailAddress> {
        self.notification_email.as_ref()
    }

    /// The HTTPS endpoint to subscribe to the feedback topics.
    #[must_use]
    pub const fn notification_webhook(&self) -> Option<&WebhookUrl> {
        self.notification_webhook.as_ref()
    }
}
