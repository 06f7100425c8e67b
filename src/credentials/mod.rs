//! The binding credentials an application receives: the broker's instance
//! outputs merged with the binding's, key for key as the deployed cloud.gov broker
//! delivers them, plus a few clearly named extra keys.

use crate::prelude::*;

mod read;
pub(crate) mod vcap;

pub use vcap::{SesBinding, VcapError, VcapServices, VcapWithSecrets};

use serde::Serialize;
use serde_json::Value;

use crate::instance::outputs::{InstanceOutputs, key};
use crate::smtp::SmtpPort;
use crate::values::secret::REDACTED;
use crate::values::secret::SmtpPassword;
use crate::values::{AccessKey, AccessKeyId, SecretAccessKey};
use crate::values::{Arn, DomainName, EmailAddress, Region, WebhookUrl};

/// The credentials of one binding: what an application finds under `credentials` in
/// `VCAP_SERVICES` (or in a service key).
///
/// # The payload
/// Every key the deployed cloud.gov broker delivers, with the same name and value:
///
/// | key | value |
/// |---|---|
/// | `region` | the SES region, e.g. `us-gov-west-1` |
/// | `domain` | the MAIL FROM domain when one is set, else the identity domain (the deployed broker's quirk, kept) |
/// | `identity_arn`, `domain_arn` | the SES identity's ARN, twice (`domain_arn` is the deprecated twin) |
/// | `configuration_set_arn`, `reputation_topic_arn` | ARNs |
/// | `bounce_topic_arn`, `complaint_topic_arn`, `delivery_topic_arn` | ARNs, or `""` when feedback notifications are off |
/// | `required_records`, `instructions` | strings; absent for a generated domain |
/// | `smtp_server` | the SMTP host |
/// | `smtp_user`, `aws_access_key_id` | the access key id, twice |
/// | `smtp_password`, `aws_secret_access_key` | secrets |
/// | `notification_email`, `notification_webhook` | absent when not subscribed |
///
/// and these extra keys: `identity_domain` (the domain to send from, no more regex on
/// `domain_arn`), `mail_from_domain` (absent when none), `smtp_port` (587, STARTTLS) and
/// `smtp_tls_port` (465, implicit TLS).
///
/// Twins are stored once (`domain_arn` is `identity_arn`, `smtp_user` is
/// `aws_access_key_id`, `domain` follows from the identity and MAIL FROM domains), so they
/// can never disagree.
///
/// # Secrets
/// `Debug` and [`Serialize`] redact the secret key and the SMTP password (`"[redacted]"`),
/// so logging or dumping credentials cannot leak them. The payload for the OSBAPI bind
/// response, which must carry them, is [`Credentials::with_secrets`] or
/// [`Credentials::to_json_with_secrets`].
///
/// # Reading
/// [`Credentials::from_json`], [`Credentials::from_value`] and [`serde::Deserialize`]
/// read both the deployed broker's payload (the extra keys absent: `identity_domain`
/// comes from `identity_arn`, `mail_from_domain` from a `domain` that differs from it,
/// the ports default) and this crate's. Values are checked strictly and against each
/// other; keys this crate does not know are ignored, so that a broker adding an output
/// does not break its readers. `null` counts as absent everywhere (Terraform drops null
/// outputs, other producers write them): a null optional key is absent, a null required
/// key is reported as missing. The SMTP password is not re-derived on reading (see
/// [`Credentials::smtp_password_matches`]).
///
/// ```
/// use ses_broker::Credentials;
/// let json = r#"{
///   "region": "us-gov-west-1",
///   "domain": "ses-ce93a4007031377b.appmail.cloud.gov",
///   "identity_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/ses-ce93a4007031377b.appmail.cloud.gov",
///   "domain_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/ses-ce93a4007031377b.appmail.cloud.gov",
///   "configuration_set_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-1",
///   "reputation_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-1-reputation-notifications",
///   "bounce_topic_arn": "", "complaint_topic_arn": "", "delivery_topic_arn": "",
///   "smtp_server": "email-smtp-fips.us-gov-west-1.amazonaws.com",
///   "smtp_user": "AKIAIOSFODNN7EXAMPLE",
///   "smtp_password": "BHW/eHvx1MM9YwW4wrJG6MGVQmLDCAM99G9YiSdGEIAw",
///   "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
///   "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
/// }"#;
/// let creds = Credentials::from_json(json)?;
/// assert_eq!(creds.identity_domain().as_str(), "ses-ce93a4007031377b.appmail.cloud.gov");
/// assert_eq!(creds.smtp_port().number(), 587);
/// assert!(creds.smtp_password_matches());
/// // Plain serialization redacts; the bind response opts in.
/// let redacted = serde_json::to_value(&creds)?;
/// assert_eq!(redacted["smtp_password"], "[redacted]");
/// let full = creds.to_json_with_secrets();
/// assert_eq!(full["aws_secret_access_key"], "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The instance's outputs, which every binding of the instance carries.
    pub(crate) instance: InstanceOutputs,
    /// The SMTP host.
    pub(crate) smtp_server: DomainName,
    /// A STARTTLS port (587).
    pub(crate) smtp_port: SmtpPort,
    /// An implicit-TLS port (465).
    pub(crate) smtp_tls_port: SmtpPort,
    /// The binding's IAM access key.
    pub(crate) access_key: AccessKey,
    /// Derived from `access_key`'s secret and `region`.
    pub(crate) smtp_password: SmtpPassword,
    /// Subscribed to the feedback topics by email.
    pub(crate) notification_email: Option<NotificationEndpoint<EmailAddress>>,
    /// Subscribed to the feedback topics over HTTPS.
    pub(crate) notification_webhook: Option<NotificationEndpoint<WebhookUrl>>,
}

/// A notification endpoint (`notification_email` or `notification_webhook`) as the
/// credentials carry it.
///
/// The broker writes these two keys from bind parameters it validated under the rules of
/// its day. This crate's rules are stricter than some brokers' (webhook hosts that are
/// private addresses, say), and an application that only wants to send mail must not be
/// refused its SMTP credentials over a feedback address it never uses. So
/// [`VcapServices`] reads the two keys leniently: a value that fails
/// today's rules is kept as [`NotificationEndpoint::Unchecked`], the raw text with the reason, instead
/// of failing the whole document. [`Credentials::from_json`] and
/// [`Credentials::from_value`], the broker side, stay strict and only ever give
/// [`NotificationEndpoint::Valid`].
///
/// ```
/// use ses_broker::{VcapServices, credentials::NotificationEndpoint};
/// # let credentials = serde_json::json!({
/// #   "region": "us-gov-west-1", "domain": "agency.gov",
/// #   "identity_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov",
/// #   "configuration_set_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-1",
/// #   "reputation_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-1-reputation-notifications",
/// #   "bounce_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-1-bounce",
/// #   "complaint_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-1-complaint",
/// #   "delivery_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-1-delivery",
/// #   "smtp_server": "email-smtp-fips.us-gov-west-1.amazonaws.com",
/// #   "smtp_user": "AKIAIOSFODNN7EXAMPLE",
/// #   "smtp_password": "BHW/eHvx1MM9YwW4wrJG6MGVQmLDCAM99G9YiSdGEIAw",
/// #   "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
/// #   "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
/// # });
/// // A webhook an older broker accepted: a private address.
/// let mut credentials = credentials;
/// credentials["notification_webhook"] = "https://10.0.0.8/ses".into();
/// let vcap = serde_json::json!({"aws-ses": [{"name": "my-ses", "credentials": credentials}]});
/// let vcap = VcapServices::from_value(&vcap)?;
/// let creds = vcap.ses()?.credentials();
/// assert_eq!(creds.smtp_user().as_str(), "AKIAIOSFODNN7EXAMPLE"); // SMTP still works
/// assert_eq!(creds.notification_webhook(), None); // no valid webhook
/// let Some(NotificationEndpoint::Unchecked { text, problem }) = creds.notification_webhook_endpoint() else {
///     panic!("expected an unchecked webhook");
/// };
/// assert_eq!(text, "https://10.0.0.8/ses");
/// assert!(problem.contains("private"), "{problem}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationEndpoint<T> {
    /// Passed this crate's rules.
    Valid(T),
    /// Failed this crate's rules when read leniently. Not validated: never send to it or
    /// fetch it without checking it yourself.
    Unchecked {
        /// The value exactly as the credentials carried it.
        text: String,
        /// Why it failed the rules.
        problem: String,
    },
}

impl<T: AsRef<str>> NotificationEndpoint<T> {
    /// The validated value, or `None` when it is [`NotificationEndpoint::Unchecked`].
    #[must_use]
    pub const fn valid(&self) -> Option<&T> {
        match self {
            Self::Valid(value) => Some(value),
            Self::Unchecked { .. } => None,
        }
    }

    /// Whether the value passed this crate's rules.
    #[must_use]
    pub const fn is_valid(&self) -> bool {
        matches!(self, Self::Valid(_))
    }

    /// The text as the credentials carried it, validated or not.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Valid(value) => value.as_ref(),
            Self::Unchecked { text, .. } => text,
        }
    }
}

/// Why a credentials object could not be read. Every message names the key; none quotes
/// a secret, not even in part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The text is not JSON.
    #[error("credentials are not valid JSON: {message}")]
    NotJson {
        /// The parser's message (position and problem, never the input).
        message: String,
    },
    /// The JSON is not an object.
    #[error("credentials: expected an object, found {found}")]
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// A required key is absent.
    #[error("{key}: missing")]
    Missing {
        /// The key.
        key: &'static str,
    },
    /// A key holds the wrong JSON type.
    #[error("{key}: expected {expected}, found {found}")]
    WrongType {
        /// The key.
        key: &'static str,
        /// The JSON type expected.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A key's value is not valid.
    #[error("{key}: {message}")]
    Malformed {
        /// The key.
        key: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A key's value contradicts another key's.
    #[error("{key}: {message}")]
    Inconsistent {
        /// The key.
        key: &'static str,
        /// What it contradicts.
        message: String,
    },
}

impl CredentialsError {
    /// The credential key the error is about, if it is about one.
    #[must_use]
    pub const fn key(&self) -> Option<&'static str> {
        match self {
            Self::Missing { key }
            | Self::WrongType { key, .. }
            | Self::Malformed { key, .. }
            | Self::Inconsistent { key, .. } => Some(key),
            Self::NotJson { .. } | Self::NotAnObject { .. } => None,
        }
    }

    /// The message without the key (`missing`, `expected a string, found a number`).
    #[must_use]
    pub fn problem(&self) -> String {
        match self {
            Self::Missing { .. } => "missing".to_owned(),
            Self::WrongType {
                expected, found, ..
            } => format!("expected {expected}, found {found}"),
            Self::Malformed { message, .. } | Self::Inconsistent { message, .. } => message.clone(),
            Self::NotJson { .. } | Self::NotAnObject { .. } => self.to_string(),
        }
    }
}

/// Getters, one per key.
impl Credentials {
    /// The instance outputs these credentials carry.
    #[must_use]
    pub const fn instance_outputs(&self) -> &InstanceOutputs {
        &self.instance
    }

    /// `region`: the SES region.
    #[must_use]
    pub const fn region(&self) -> &Region {
        &self.instance.region
    }

    /// `domain`, as the deployed broker fills it: the MAIL FROM domain when one is set,
    /// else the identity domain. To choose a From address, use
    /// [`Credentials::identity_domain`]: SES checks the From domain against the identity.
    #[must_use]
    pub fn domain(&self) -> &DomainName {
        self.instance.domain()
    }

    /// `identity_domain` (extra key): the verified SES identity, the domain to send from.
    #[must_use]
    pub const fn identity_domain(&self) -> &DomainName {
        &self.instance.identity_domain
    }

    /// `mail_from_domain` (extra key): the custom MAIL FROM (envelope sender) domain.
    #[must_use]
    pub const fn mail_from_domain(&self) -> Option<&DomainName> {
        self.instance.mail_from_domain.as_ref()
    }

    /// `identity_arn`: the SES identity's ARN.
    #[must_use]
    pub const fn identity_arn(&self) -> &Arn {
        &self.instance.identity_arn
    }

    /// `domain_arn`: the deprecated twin of `identity_arn`, always equal to it.
    #[must_use]
    pub const fn domain_arn(&self) -> &Arn {
        &self.instance.identity_arn
    }

    /// `configuration_set_arn`: the instance's SES configuration set.
    #[must_use]
    pub const fn configuration_set_arn(&self) -> &Arn {
        &self.instance.configuration_set_arn
    }

    /// `reputation_topic_arn`: the SNS topic of reputation alarms.
    #[must_use]
    pub const fn reputation_topic_arn(&self) -> &Arn {
        &self.instance.reputation_topic_arn
    }

    /// `bounce_topic_arn`: `None` (`""` in the payload) when feedback notifications are off.
    #[must_use]
    pub const fn bounce_topic_arn(&self) -> Option<&Arn> {
        self.instance.bounce_topic_arn.as_ref()
    }

    /// `complaint_topic_arn`: `None` (`""`) when feedback notifications are off.
    #[must_use]
    pub const fn complaint_topic_arn(&self) -> Option<&Arn> {
        self.instance.complaint_topic_arn.as_ref()
    }

    /// `delivery_topic_arn`: `None` (`""`) when feedback notifications are off.
    #[must_use]
    pub const fn delivery_topic_arn(&self) -> Option<&Arn> {
        self.instance.delivery_topic_arn.as_ref()
    }

    /// Whether feedback notifications (bounce, complaint, delivery topics) are on.
    #[must_use]
    pub const fn feedback_enabled(&self) -> bool {
        self.instance.bounce_topic_arn.is_some()
    }

    /// `required_records`: the DNS records to publish, as the deployed broker's HCL-like
    /// text; `None` for a generated domain.
    #[must_use]
    pub fn required_records(&self) -> Option<&str> {
        self.instance.required_records.as_deref()
    }

    /// `instructions`: what to do with `required_records`; `None` for a generated domain.
    #[must_use]
    pub fn instructions(&self) -> Option<&str> {
        self.instance.instructions.as_deref()
    }

    /// `smtp_server`: the SMTP host.
    #[must_use]
    pub const fn smtp_server(&self) -> &DomainName {
        &self.smtp_server
    }

    /// `smtp_port` (extra key): a STARTTLS port, 587.
    #[must_use]
    pub const fn smtp_port(&self) -> SmtpPort {
        self.smtp_port
    }

    /// `smtp_tls_port` (extra key): an implicit-TLS port, 465.
    #[must_use]
    pub const fn smtp_tls_port(&self) -> SmtpPort {
        self.smtp_tls_port
    }

    /// `smtp_user`: the access key id.
    #[must_use]
    pub const fn smtp_user(&self) -> &AccessKeyId {
        self.access_key.id()
    }

    /// `smtp_password`: a secret.
    #[must_use]
    pub const fn smtp_password(&self) -> &SmtpPassword {
        &self.smtp_password
    }

    /// `aws_access_key_id`: the binding's IAM access key id.
    #[must_use]
    pub const fn aws_access_key_id(&self) -> &AccessKeyId {
        self.access_key.id()
    }

    /// `aws_secret_access_key`: a secret.
    #[must_use]
    pub const fn aws_secret_access_key(&self) -> &SecretAccessKey {
        self.access_key.secret()
    }

    /// The access key (id and secret) together.
    #[must_use]
    pub const fn access_key(&self) -> &AccessKey {
        &self.access_key
    }

    /// `notification_email`: `None` when no email address was subscribed, or when the one
    /// read leniently from `VCAP_SERVICES` fails this crate's rules (see
    /// [`Credentials::notification_email_endpoint`]).
    #[must_use]
    pub fn notification_email(&self) -> Option<&EmailAddress> {
        self.notification_email
            .as_ref()
            .and_then(NotificationEndpoint::valid)
    }

    /// `notification_webhook`: `None` when no webhook was subscribed, or when the one read
    /// leniently from `VCAP_SERVICES` fails this crate's rules (see
    /// [`Credentials::notification_webhook_endpoint`]).
    #[must_use]
    pub fn notification_webhook(&self) -> Option<&WebhookUrl> {
        self.notification_webhook
            .as_ref()
            .and_then(NotificationEndpoint::valid)
    }

    /// `notification_email` as carried: valid, or (read leniently) unchecked text.
    #[must_use]
    pub const fn notification_email_endpoint(&self) -> Option<&NotificationEndpoint<EmailAddress>> {
        self.notification_email.as_ref()
    }

    /// `notification_webhook` as carried: valid, or (read leniently) unchecked text.
    #[must_use]
    pub const fn notification_webhook_endpoint(&self) -> Option<&NotificationEndpoint<WebhookUrl>> {
        self.notification_webhook.as_ref()
    }

    /// Whether `smtp_password` is the one derived from the secret key for the region.
    /// Not checked on reading: a payload is read as delivered, and this tells an app (or
    /// a test) whether it will authenticate.
    #[must_use]
    pub fn smtp_password_matches(&self) -> bool {
        let mut buf = [0_u8; crate::values::secret::SMTP_PASSWORD_LEN];
        let derived =
            crate::smtp::password_into(self.access_key.secret(), &self.instance.region, &mut buf);
        let matches = self.smtp_password.verify(derived);
        zeroize::Zeroize::zeroize(&mut buf);
        matches
    }

    /// The payload with the real secrets, as a JSON value. The value is an ordinary
    /// `serde_json::Value`, the caller's copy of the secrets, and is not wiped on drop: to
    /// write the OSBAPI bind response, serialize [`Credentials::with_secrets`] straight into
    /// the response body instead, which copies the secrets nowhere else.
    #[must_use]
    pub fn to_json_with_secrets(&self) -> Value {
        serde_json::to_value(self.with_secrets()).unwrap_or_default()
    }

    /// A view whose [`Serialize`] writes the real secrets (plain `Serialize` on
    /// `Credentials` redacts them). The secrets go to the serializer straight from the
    /// secret types, through no intermediate map or string.
    #[must_use]
    pub const fn with_secrets(&self) -> WithSecrets<'_> {
        WithSecrets(self)
    }

    /// Writes the payload, the secrets real or `"[redacted]"`, key by key from the fields:
    /// no intermediate map holds a copy of a secret that would outlive the call unwiped.
    pub(crate) fn serialize_payload<S: serde::Serializer>(
        &self,
        serializer: S,
        secrets: bool,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let secret = |s| if secrets { s } else { REDACTED };
        let mut map = serializer.serialize_map(None)?;
        self.instance.serialize_entries(&mut map)?;
        map.serialize_entry(key::SMTP_SERVER, self.smtp_server.as_str())?;
        map.serialize_entry(key::SMTP_PORT, &self.smtp_port.number())?;
        map.serialize_entry(key::SMTP_TLS_PORT, &self.smtp_tls_port.number())?;
        map.serialize_entry(key::SMTP_USER, self.access_key.id().as_str())?;
        map.serialize_entry(
            key::SMTP_PASSWORD,
            secret(self.smtp_password.expose_secret()),
        )?;
        map.serialize_entry(key::AWS_ACCESS_KEY_ID, self.access_key.id().as_str())?;
        map.serialize_entry(
            key::AWS_SECRET_ACCESS_KEY,
            secret(self.access_key.secret().expose_secret()),
        )?;
        // Written as carried, so reading back (leniently) gives the same value.
        if let Some(email) = &self.notification_email {
            map.serialize_entry(key::NOTIFICATION_EMAIL, email.as_str())?;
        }
        if let Some(webhook) = &self.notification_webhook {
            map.serialize_entry(key::NOTIFICATION_WEBHOOK, webhook.as_str())?;
        }
        map.end()
    }
}

/// Writes the payload with the secrets replaced by `"[redacted]"`.
impl Serialize for Credentials {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_payload(serializer, false)
    }
}

/// Reads as [`Credentials::from_value`] does.
impl<'de> serde::Deserialize<'de> for Credentials {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through `Value`, whose own errors never quote the input, so a secret of the
        // wrong type is not echoed by serde's "invalid type" message.
        let value = Value::deserialize(deserializer)?;
        Self::from_value(&value).map_err(serde::de::Error::custom)
    }
}

/// [`Credentials`] serialized with the real secrets: the bind response payload. Made by
/// [`Credentials::with_secrets`]; its `Debug` still redacts.
#[derive(Debug, Clone, Copy)]
pub struct WithSecrets<'a>(&'a Credentials);

impl Serialize for WithSecrets<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_payload(serializer, true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail by panicking"
    )]
    use super::*;

    fn sample() -> Value {
        serde_json::json!({
            "region": "us-gov-west-1",
            "domain": "mail.agency.gov",
            "identity_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov",
            "domain_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov",
            "configuration_set_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-i1",
            "reputation_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-i1-reputation-notifications",
            "bounce_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-i1-bounce",
            "complaint_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-i1-complaint",
            "delivery_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-i1-delivery",
            "required_records": "{\n}",
            "instructions": "Publish the records.",
            "smtp_server": "email-smtp-fips.us-gov-west-1.amazonaws.com",
            "smtp_user": "AKIAIOSFODNN7EXAMPLE",
            "smtp_password": "BHW/eHvx1MM9YwW4wrJG6MGVQmLDCAM99G9YiSdGEIAw",
            "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "notification_email": "ops@agency.gov"
        })
    }

    fn with(key: &str, value: Value) -> Result<Credentials, CredentialsError> {
        let mut v = sample();
        v[key] = value;
        Credentials::from_value(&v)
    }

    #[test]
    fn deployed_domain_quirk_infers_the_mail_from_domain() {
        let c = Credentials::from_value(&sample()).unwrap();
        assert_eq!(c.identity_domain().as_str(), "agency.gov");
        assert_eq!(c.mail_from_domain().unwrap().as_str(), "mail.agency.gov");
        assert_eq!(c.domain().as_str(), "mail.agency.gov");
    }

    #[test]
    fn cross_field_rules() {
        let bad = [
            ("domain", serde_json::json!("other.gov"), "domain"),
            (
                "domain_arn",
                serde_json::json!("arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/x.gov"),
                "domain_arn",
            ),
            (
                "smtp_user",
                serde_json::json!("AKIAIOSFODNN7EXAMPL2"),
                "smtp_user",
            ),
            (
                "delivery_topic_arn",
                serde_json::json!(""),
                "delivery_topic_arn",
            ),
            ("instructions", Value::Null, "required_records"),
            (
                "reputation_topic_arn",
                serde_json::json!("arn:aws-us-gov:sns:us-gov-east-1:123456789012:t"),
                "reputation_topic_arn",
            ),
            (
                "bounce_topic_arn",
                serde_json::json!("arn:aws-us-gov:sns:us-gov-west-1:210987654321:t"),
                "bounce_topic_arn",
            ),
            (
                "configuration_set_arn",
                serde_json::json!("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t"),
                "configuration_set_arn",
            ),
            ("smtp_port", serde_json::json!(465), "smtp_port"),
            ("smtp_tls_port", serde_json::json!(587), "smtp_tls_port"),
            ("smtp_port", serde_json::json!("587"), "smtp_port"),
        ];
        for (k, v, expected) in bad {
            let e = with(k, v).unwrap_err();
            assert_eq!(e.key(), Some(expected), "{k}: {e}");
        }
    }

    #[test]
    fn round_trip_with_secrets() {
        let c = Credentials::from_value(&sample()).unwrap();
        let again = Credentials::from_value(&c.to_json_with_secrets()).unwrap();
        assert_eq!(c, again);
        let redacted = serde_json::to_value(&c).unwrap();
        let e = Credentials::from_value(&redacted).unwrap_err();
        assert_eq!(e.key(), Some("aws_secret_access_key"));
        assert!(e.to_string().contains("redaction marker"), "{e}");
    }
}
