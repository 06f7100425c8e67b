//! Reading credentials: every key typed, checked alone and against the others.

use crate::prelude::*;

use crate::instance::outputs::{InstanceOutputs, key};
use crate::smtp::{SmtpPort, TlsMode};
use crate::values::secret::REDACTED;
use crate::values::secret::SmtpPassword;
use crate::values::{AccessKey, AccessKeyId, SecretAccessKey};
use crate::values::{Arn, DomainName, EmailAddress, Region, ValueError, WebhookUrl};
use serde_json::{Map, Value};

use super::{Credentials, CredentialsError, NotificationEndpoint};
use crate::values::json_type;

fn inconsistent(key: &'static str, message: impl Into<String>) -> CredentialsError {
    CredentialsError::Inconsistent {
        key,
        message: message.into(),
    }
}

fn malformed(key: &'static str) -> impl Fn(ValueError) -> CredentialsError {
    move |e| CredentialsError::Malformed {
        key,
        message: e.to_string(),
    }
}

/// Typed access to the keys of a credentials object; `lenient` keeps notification
/// endpoints that fail today's rules as unchecked text (the application side).
struct Reader<'a> {
    map: &'a Map<String, Value>,
    lenient: bool,
}

impl<'a> Reader<'a> {
    /// The value under `key`; `null` counts as absent (Terraform drops null outputs, and
    /// other producers write them).
    fn get(&self, key: &'static str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn optional_str(&self, key: &'static str) -> Result<Option<&'a str>, CredentialsError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(CredentialsError::WrongType {
                key,
                expected: "a string",
                found: json_type(other),
            }),
        }
    }

    /// A required string; `null` is reported as missing, as [`Self::get`] treats it.
    fn required_str(&self, key: &'static str) -> Result<&'a str, CredentialsError> {
        match self.get(key) {
            None => Err(CredentialsError::Missing { key }),
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(CredentialsError::WrongType {
                key,
                expected: "a string",
                found: json_type(other),
            }),
        }
    }

    fn required<T>(
        &self,
        key: &'static str,
        parse: fn(&str) -> Result<T, ValueError>,
    ) -> Result<T, CredentialsError> {
        parse(self.required_str(key)?).map_err(malformed(key))
    }

    fn optional<T>(
        &self,
        key: &'static str,
        parse: fn(&str) -> Result<T, ValueError>,
    ) -> Result<Option<T>, CredentialsError> {
        self.optional_str(key)?
            .map(parse)
            .transpose()
            .map_err(malformed(key))
    }

    /// A secret: like `required`, and the redaction marker gets its own message, since
    /// it means someone serialized redacted credentials and fed them back.
    fn secret<T>(
        &self,
        key: &'static str,
        parse: fn(&str) -> Result<T, ValueError>,
    ) -> Result<T, CredentialsError> {
        let text = self.required_str(key)?;
        if text == REDACTED {
            return Err(CredentialsError::Malformed {
                key,
                message: format!(
                    "is the redaction marker {REDACTED:?}, not a secret (serialize with with_secrets())"
                ),
            });
        }
        parse(text).map_err(malformed(key))
    }

    /// `notification_email` or `notification_webhook`: optional; a value that fails
    /// `parse` is an error, or when reading leniently is kept unchecked.
    fn endpoint<T>(
        &self,
        key: &'static str,
        parse: fn(&str) -> Result<T, ValueError>,
    ) -> Result<Option<NotificationEndpoint<T>>, CredentialsError> {
        let Some(text) = self.optional_str(key)? else {
            return Ok(None);
        };
        match parse(text) {
            Ok(value) => Ok(Some(NotificationEndpoint::Valid(value))),
            Err(e) if self.lenient => Ok(Some(NotificationEndpoint::Unchecked {
                text: text.to_owned(),
                problem: e.to_string(),
            })),
            Err(e) => Err(malformed(key)(e)),
        }
    }

    /// A feedback topic ARN: required, `""` when feedback is off.
    fn topic(&self, key: &'static str) -> Result<Option<Arn>, CredentialsError> {
        match self.required_str(key)? {
            "" => Ok(None),
            text => Arn::parse(text).map(Some).map_err(malformed(key)),
        }
    }

    fn port(
        &self,
        key: &'static str,
        default: SmtpPort,
        tls: TlsMode,
    ) -> Result<SmtpPort, CredentialsError> {
        let Some(value) = self.get(key) else {
            return Ok(default);
        };
        let Value::Number(number) = value else {
            return Err(CredentialsError::WrongType {
                key,
                expected: "a number",
                found: json_type(value),
            });
        };
        let port = number
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .and_then(SmtpPort::from_number)
            .filter(|p| p.tls() == tls);
        port.ok_or_else(|| CredentialsError::Malformed {
            key,
            message: match tls {
                TlsMode::StartTls => "is not an SES SMTP STARTTLS port (25, 587, 2587)",
                TlsMode::Implicit => "is not an SES SMTP implicit-TLS port (465, 2465)",
            }
            .to_owned(),
        })
    }
}

impl Credentials {
    /// Reads credentials from JSON text.
    ///
    /// # Errors
    /// A [`CredentialsError`] naming the first key that is missing, of the wrong type,
    /// malformed, or inconsistent with another.
    pub fn from_json(text: &str) -> Result<Self, CredentialsError> {
        let value: Value = serde_json::from_str(text).map_err(|e| CredentialsError::NotJson {
            message: e.to_string(),
        })?;
        Self::from_value(&value)
    }

    /// Reads credentials from a JSON value (the `credentials` member of a
    /// `VCAP_SERVICES` entry, or a bind response's).
    ///
    /// # Errors
    /// As [`Credentials::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, CredentialsError> {
        Self::read(value, false)
    }

    /// Reads as [`Credentials::from_value`], except that a `notification_email` or
    /// `notification_webhook` string failing today's rules is kept as
    /// [`NotificationEndpoint::Unchecked`] rather than refused: the application side.
    pub(crate) fn from_value_lenient(value: &Value) -> Result<Self, CredentialsError> {
        Self::read(value, true)
    }

    fn read(value: &Value, lenient: bool) -> Result<Self, CredentialsError> {
        let Value::Object(map) = value else {
            return Err(CredentialsError::NotAnObject {
                found: json_type(value),
            });
        };
        let r = Reader { map, lenient };
        let region = r.required(key::REGION, Region::parse)?;

        let identity_arn = r.optional(key::IDENTITY_ARN, Arn::parse)?;
        let domain_arn = r.optional(key::DOMAIN_ARN, Arn::parse)?;
        let identity_arn = match (identity_arn, domain_arn) {
            (Some(identity), Some(twin)) if identity != twin => {
                return Err(inconsistent(
                    key::DOMAIN_ARN,
                    "differs from identity_arn, of which it is the deprecated twin",
                ));
            }
            (Some(arn), _) | (None, Some(arn)) => arn,
            (None, None) => {
                return Err(CredentialsError::Missing {
                    key: key::IDENTITY_ARN,
                });
            }
        };
        let identity_domain = identity_domain_of(&identity_arn)?;
        if let Some(given) = r.optional(key::IDENTITY_DOMAIN, DomainName::parse)?
            && given != identity_domain
        {
            return Err(inconsistent(
                key::IDENTITY_DOMAIN,
                "differs from the domain in identity_arn",
            ));
        }
        let domain = r.required(key::DOMAIN, DomainName::parse)?;
        let mail_from_domain = match r.optional(key::MAIL_FROM_DOMAIN, DomainName::parse)? {
            Some(mail_from) if mail_from != domain => {
                return Err(inconsistent(
                    key::DOMAIN,
                    "differs from mail_from_domain (domain is the MAIL FROM domain when one is set)",
                ));
            }
            Some(mail_from) => Some(mail_from),
            // The deployed payload has no mail_from_domain: a `domain` other than the
            // identity's is the MAIL FROM domain (its quirk).
            None if domain == identity_domain => None,
            None if domain.is_within(&identity_domain) => Some(domain),
            None => {
                return Err(inconsistent(
                    key::DOMAIN,
                    "is neither the identity domain (from identity_arn) nor a subdomain of it",
                ));
            }
        };

        let smtp_user = r.required(key::SMTP_USER, AccessKeyId::parse)?;
        let key_id = r.required(key::AWS_ACCESS_KEY_ID, AccessKeyId::parse)?;
        if smtp_user != key_id {
            return Err(inconsistent(
                key::SMTP_USER,
                "differs from aws_access_key_id (the SMTP user is the access key id)",
            ));
        }
        let secret = r.secret(key::AWS_SECRET_ACCESS_KEY, SecretAccessKey::parse)?;
        let access_key =
            AccessKey::new(key_id, secret).map_err(malformed(key::AWS_ACCESS_KEY_ID))?;

        let credentials = Self {
            instance: InstanceOutputs {
                region,
                identity_domain,
                mail_from_domain,
                identity_arn,
                configuration_set_arn: r.required(key::CONFIGURATION_SET_ARN, Arn::parse)?,
                reputation_topic_arn: r.required(key::REPUTATION_TOPIC_ARN, Arn::parse)?,
                bounce_topic_arn: r.topic(key::BOUNCE_TOPIC_ARN)?,
                complaint_topic_arn: r.topic(key::COMPLAINT_TOPIC_ARN)?,
                delivery_topic_arn: r.topic(key::DELIVERY_TOPIC_ARN)?,
                required_records: r.optional_str(key::REQUIRED_RECORDS)?.map(str::to_owned),
                instructions: r.optional_str(key::INSTRUCTIONS)?.map(str::to_owned),
            },
            smtp_server: r.required(key::SMTP_SERVER, DomainName::parse)?,
            smtp_port: r.port(key::SMTP_PORT, SmtpPort::SUBMISSION, TlsMode::StartTls)?,
            smtp_tls_port: r.port(key::SMTP_TLS_PORT, SmtpPort::SMTPS, TlsMode::Implicit)?,
            smtp_password: r.secret(key::SMTP_PASSWORD, SmtpPassword::parse)?,
            access_key,
            notification_email: r.endpoint(key::NOTIFICATION_EMAIL, EmailAddress::parse)?,
            notification_webhook: r.endpoint(key::NOTIFICATION_WEBHOOK, WebhookUrl::parse)?,
        };
        credentials.check()?;
        Ok(credentials)
    }

    /// Checks the rules that tie fields together: every ARN in the region (and the SES and
    /// SNS ones in one account), the identity ARN naming the identity domain, the MAIL
    /// FROM domain under it, the feedback topics all set or all off, `required_records`
    /// and `instructions` together, and each port's TLS mode. Reading calls it; code
    /// building credentials field by field should call it in its tests.
    pub(crate) fn check(&self) -> Result<(), CredentialsError> {
        let account = self.instance.identity_arn.account();
        let arns = [
            (key::IDENTITY_ARN, Some(&self.instance.identity_arn), "ses"),
            (
                key::CONFIGURATION_SET_ARN,
                Some(&self.instance.configuration_set_arn),
                "ses",
            ),
            (
                key::REPUTATION_TOPIC_ARN,
                Some(&self.instance.reputation_topic_arn),
                "sns",
            ),
            (
                key::BOUNCE_TOPIC_ARN,
                self.instance.bounce_topic_arn.as_ref(),
                "sns",
            ),
            (
                key::COMPLAINT_TOPIC_ARN,
                self.instance.complaint_topic_arn.as_ref(),
                "sns",
            ),
            (
                key::DELIVERY_TOPIC_ARN,
                self.instance.delivery_topic_arn.as_ref(),
                "sns",
            ),
        ];
        for (name, arn, service) in arns {
            let Some(arn) = arn else { continue };
            if arn.service() != service {
                return Err(inconsistent(
                    name,
                    format!("is an {} ARN, not an {service} one", arn.service()),
                ));
            }
            if arn.region() != self.instance.region.as_str() {
                return Err(inconsistent(name, "is not in the credentials' region"));
            }
            if arn.account() != account {
                return Err(inconsistent(
                    name,
                    "is not in the same account as identity_arn",
                ));
            }
        }
        if identity_domain_of(&self.instance.identity_arn)? != self.instance.identity_domain {
            return Err(inconsistent(
                key::IDENTITY_ARN,
                "does not name the identity domain",
            ));
        }
        if self
            .instance
            .configuration_set_arn
            .resource()
            .strip_prefix("configuration-set/")
            .is_none_or(|name| name.is_empty())
        {
            return Err(inconsistent(
                key::CONFIGURATION_SET_ARN,
                "is not an SES configuration set ARN (resource configuration-set/<name>)",
            ));
        }
        if let Some(mail_from) = &self.instance.mail_from_domain
            && (mail_from == &self.instance.identity_domain
                || !mail_from.is_within(&self.instance.identity_domain))
        {
            return Err(inconsistent(
                key::MAIL_FROM_DOMAIN,
                "is not a subdomain of the identity domain",
            ));
        }
        let feedback = [
            (
                key::BOUNCE_TOPIC_ARN,
                self.instance.bounce_topic_arn.is_some(),
            ),
            (
                key::COMPLAINT_TOPIC_ARN,
                self.instance.complaint_topic_arn.is_some(),
            ),
            (
                key::DELIVERY_TOPIC_ARN,
                self.instance.delivery_topic_arn.is_some(),
            ),
        ];
        let on = feedback.iter().filter(|(_, set)| *set).count();
        if on != 0 && on != feedback.len() {
            let name = feedback
                .iter()
                .find(|(_, set)| !*set)
                .map_or(key::BOUNCE_TOPIC_ARN, |(name, _)| name);
            return Err(inconsistent(
                name,
                "is empty while other feedback topics are set; the three are on or off together",
            ));
        }
        match (&self.instance.required_records, &self.instance.instructions) {
            (Some(_), None) => {
                return Err(inconsistent(
                    key::REQUIRED_RECORDS,
                    "is present without instructions; the two come together",
                ));
            }
            (None, Some(_)) => {
                return Err(inconsistent(
                    key::INSTRUCTIONS,
                    "is present without required_records; the two come together",
                ));
            }
            _ => {}
        }
        if self.smtp_port.tls() != TlsMode::StartTls {
            return Err(inconsistent(key::SMTP_PORT, "is not a STARTTLS port"));
        }
        if self.smtp_tls_port.tls() != TlsMode::Implicit {
            return Err(inconsistent(
                key::SMTP_TLS_PORT,
                "is not an implicit-TLS port",
            ));
        }
        Ok(())
    }
}

/// The domain of an SES domain identity ARN (`identity/<domain>`).
fn identity_domain_of(arn: &Arn) -> Result<DomainName, CredentialsError> {
    let not_identity = || {
        inconsistent(
            key::IDENTITY_ARN,
            "is not an SES domain identity ARN (resource identity/<domain>)",
        )
    };
    let domain = arn
        .resource()
        .strip_prefix("identity/")
        .ok_or_else(not_identity)?;
    DomainName::parse(domain).map_err(|_| not_identity())
}
