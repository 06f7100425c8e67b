//! What binding an application to an instance makes: an IAM user with a send-only policy,
//! subscriptions to the feedback topics, and warnings for what cannot take effect.

use crate::prelude::*;

use serde::Serialize;

use crate::credentials::{Credentials, CredentialsError, NotificationEndpoint};
pub use crate::instance::names::{IamPath, IamUserName};
use crate::instance::outputs::{InstanceOutputs, key};
use crate::instance::{Instance, Topic};
use crate::params::BindParams;
use crate::smtp::{self, SmtpEndpoint, SmtpError};
use crate::values::secret::{AccessKey, SmtpPassword};
use crate::values::{Arn, BindingId, EmailAddress, WebhookUrl};

/// The IAM path of every binding's user.
pub const IAM_PATH: &str = "/cf/";

/// IAM's limit on the inline policies of one user, in characters (whitespace not counted).
pub const MAX_INLINE_POLICY_CHARS: usize = 2048;

/// The IAM policy document attached inline to a binding's user: `ses:SendEmail` and
/// `ses:SendRawEmail` on the instance's identity and configuration set, from the binding's
/// `source_ips` only when it set them (`aws:SourceIp`; the deployed broker accepts the
/// parameter and ignores it).
///
/// `aws:SourceIp` is the address AWS sees the request come from: an application behind a
/// NAT gateway sends from the NAT's public address, and requests through a VPC endpoint
/// carry no `aws:SourceIp` at all (a condition on it then denies them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policy {
    version: &'static str,
    statement: [Statement; 1],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Statement {
    sid: &'static str,
    effect: &'static str,
    action: [&'static str; 2],
    resource: [String; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Condition {
    #[serde(rename = "IpAddress")]
    ip_address: SourceIpCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct SourceIpCondition {
    #[serde(rename = "aws:SourceIp")]
    source_ip: Vec<String>,
}

impl Policy {
    fn new(instance: &Instance, params: &BindParams) -> Self {
        let condition = (!params.source_ips().is_empty()).then(|| Condition {
            ip_address: SourceIpCondition {
                source_ip: params
                    .source_ips()
                    .iter()
                    .map(|ip| ip.as_str().to_owned())
                    .collect(),
            },
        });
        Self {
            version: "2012-10-17",
            statement: [Statement {
                sid: "SendFromThisInstanceOnly",
                effect: "Allow",
                action: ["ses:SendEmail", "ses:SendRawEmail"],
                resource: [
                    instance.identity_arn().to_string(),
                    instance.configuration_set_arn().to_string(),
                ],
                condition,
            }],
        }
    }

    /// The policy as compact JSON, as IAM's `PutUserPolicy` takes it.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The policy as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// How SNS delivers to a subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Protocol {
    /// Email to `notification_email` (the recipient confirms by following a link).
    Email,
    /// HTTPS POSTs to `notification_webhook` (the endpoint confirms the subscription).
    Https,
}

/// One subscription the broker must create (SNS `Subscribe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscription {
    topic: Topic,
    topic_arn: Arn,
    protocol: Protocol,
    endpoint: String,
}

impl Serialize for Topic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.suffix())
    }
}

impl Subscription {
    /// Which of the instance's topics.
    #[must_use]
    pub const fn topic(&self) -> Topic {
        self.topic
    }

    /// The topic's ARN.
    #[must_use]
    pub const fn topic_arn(&self) -> &Arn {
        &self.topic_arn
    }

    /// The delivery protocol.
    #[must_use]
    pub const fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The address or URL notified.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

/// Something in the bind parameters that was accepted but cannot take effect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindWarning {
    /// `notification_email` or `notification_webhook` was given, but the instance has no
    /// feedback topics to subscribe it to. (The deployed broker ignores it silently.)
    #[error(
        "{field}: the instance was created without enable_feedback_notifications, so there are no feedback topics to subscribe to; run cf update-service with -c '{{\"enable_feedback_notifications\": true}}' and bind again"
    )]
    FeedbackOff {
        /// The bind parameter that has no effect.
        field: &'static str,
    },
}

/// A binding: the IAM user the broker creates for an application (or service key), its
/// policy, and the feedback subscriptions to make.
///
/// ```
/// use ses_broker::{BindParams, Binding, BrokerConfig, Instance, ProvisionParams};
/// let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "123456789012", "default_zone": "appmail.cloud.gov"}"#)?;
/// let params = ProvisionParams::from_json(r#"{"admin_email": "admin@agency.gov"}"#)?;
/// let instance = Instance::new(&config, "i-1".parse()?, params)?;
/// let bind = BindParams::from_json(r#"{"notification_email": "ops@agency.gov", "source_ips": ["203.0.113.0/24"]}"#)?;
/// let binding = Binding::plan(&instance, "b-1".parse()?, bind);
/// assert_eq!(binding.iam_user_name().as_str(), "csb-aws-ses-b-1");
/// assert!(binding.policy().to_json().contains("aws:SourceIp"));
/// assert_eq!(binding.warnings().len(), 1); // feedback is off: nothing to subscribe to
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingPlan {
    id: BindingId,
    params: BindParams,
    /// The instance's identity and configuration set ARNs (the policy's resources) and
    /// its four topic ARNs ([`Topic::ALL`] order, named whether or not feedback is on): the
    /// outputs [`Binding::credentials`] merges must carry exactly these.
    instance_arns: InstanceArns,
    iam_user_name: IamUserName,
    iam_path: IamPath,
    policy: Policy,
    subscriptions: Vec<Subscription>,
    warnings: Vec<BindWarning>,
}

/// The ARNs of the instance a binding was planned for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InstanceArns {
    identity: Arn,
    configuration_set: Arn,
    topics: [(Topic, Arn); 4],
}

impl InstanceArns {
    fn of(instance: &Instance) -> Self {
        Self {
            identity: instance.identity_arn().clone(),
            configuration_set: instance.configuration_set_arn().clone(),
            topics: Topic::ALL.map(|t| (t, instance.topic_arn_by_name(t).clone())),
        }
    }
}

/// Why a binding cannot be completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The instance's region has no SES SMTP endpoint this crate knows.
    #[error("region: {0}")]
    Smtp(#[from] SmtpError),
    /// The merged credentials contradict each other (instance outputs of another region).
    #[error("credentials: {0}")]
    Credentials(#[from] CredentialsError),
    /// The instance outputs are another instance's: an ARN in them is not the one this
    /// binding's policy or subscriptions were made for. The credentials would name a
    /// resource the binding's user may not send through.
    #[error(
        "{key}: the instance outputs name {found}, but this binding was made for {expected}; pass the outputs of the binding's own instance"
    )]
    OtherInstance {
        /// The output key whose ARN differs, e.g. `identity_arn`.
        key: &'static str,
        /// The ARN the binding was made for (`""` for a feedback topic that was off and
        /// the binding subscribed to nothing on it).
        expected: String,
        /// The ARN the outputs carry (`""` when they carry none).
        found: String,
    },
}

/// A completed binding: the [`BindingPlan`] plus the access key IAM issued for its user,
/// the SMTP password derived from it and the SMTP endpoint of the instance's region.
///
/// ```
/// use ses_broker::{AccessKey, values::AccessKeyId, BindParams, Binding, BrokerConfig, dns::DkimSigning, Instance, ProvisionParams, values::SecretAccessKey};
/// let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "123456789012", "default_zone": "appmail.cloud.gov"}"#)?;
/// let instance = Instance::new(&config, "i-1".parse()?, ProvisionParams::from_json(r#"{"admin_email": "admin@agency.gov"}"#)?)?;
/// let tokens = ["abcdefghijklmnopqrstuvwxyz234567", "bcdefghijklmnopqrstuvwxyz2345678", "cdefghijklmnopqrstuvwxyz23456789"];
/// let dkim = DkimSigning::for_region(tokens.map(|t| t.parse()).map(Result::unwrap), instance.region())?;
/// let outputs = instance.outputs(&dkim)?; // stored by the broker after provisioning
///
/// let key = AccessKey::new(
///     AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE")?,
///     SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?,
/// )?;
/// let binding = Binding::new(&instance, "b-1".parse()?, BindParams::default(), key)?;
/// let credentials = binding.credentials(&outputs)?;
/// assert_eq!(credentials.smtp_user().as_str(), "AKIAIOSFODNN7EXAMPLE");
/// assert_eq!(credentials.smtp_server().as_str(), "email-smtp-fips.us-gov-west-1.amazonaws.com");
/// assert_eq!(serde_json::to_value(&credentials)?["smtp_password"], "[redacted]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    plan: BindingPlan,
    access_key: AccessKey,
    smtp: SmtpEndpoint,
    smtp_password: SmtpPassword,
}

impl Binding {
    /// The IAM user, policy and subscriptions for binding `id` to `instance`: everything the
    /// broker must create before it has the user's access key.
    #[must_use]
    pub fn plan(instance: &Instance, id: BindingId, params: BindParams) -> BindingPlan {
        BindingPlan::new(instance, id, params)
    }

    /// The binding, once IAM has issued `access_key` for its user.
    ///
    /// # Errors
    /// [`BindError::Smtp`] when the instance's region has no known SES SMTP endpoint.
    pub fn new(
        instance: &Instance,
        id: BindingId,
        params: BindParams,
        access_key: AccessKey,
    ) -> Result<Self, BindError> {
        Self::plan(instance, id, params).with_access_key(instance, access_key)
    }

    /// What was planned before the key existed.
    #[must_use]
    pub const fn plan_details(&self) -> &BindingPlan {
        &self.plan
    }

    /// The SMTP endpoint of the instance's region.
    #[must_use]
    pub const fn smtp_endpoint(&self) -> &SmtpEndpoint {
        &self.smtp
    }

    /// The binding's credentials as the application sees them: the stored instance
    /// outputs with this binding's outputs layered on top (the binding wins a
    /// clash, though the two sets share no key).
    ///
    /// # Errors
    /// [`BindError::Credentials`] when `outputs` belong to an instance in another region,
    /// or contradict each other; [`BindError::OtherInstance`] when they are another
    /// instance's: the identity and configuration set ARNs must be the two the binding's
    /// policy allows, the reputation topic the instance's, and each feedback topic the one
    /// the binding subscribed to (or, when it subscribed to none, absent or the instance's).
    pub fn credentials(&self, outputs: &InstanceOutputs) -> Result<Credentials, BindError> {
        let subscribed = |protocol: Protocol| {
            self.plan
                .subscriptions
                .iter()
                .any(|s| s.protocol == protocol)
        };
        let credentials = Credentials {
            instance: outputs.clone(),
            smtp_server: self.smtp.host().clone(),
            smtp_port: self.smtp.submission_port(),
            smtp_tls_port: self.smtp.implicit_tls_port(),
            access_key: self.access_key.clone(),
            smtp_password: self.smtp_password.clone(),
            // Present only when actually subscribed, as the deployed broker's outputs.
            notification_email: self
                .plan
                .params
                .notification_email()
                .filter(|_| subscribed(Protocol::Email))
                .cloned()
                .map(NotificationEndpoint::Valid),
            notification_webhook: self
                .plan
                .params
                .notification_webhook()
                .filter(|_| subscribed(Protocol::Https))
                .cloned()
                .map(NotificationEndpoint::Valid),
        };
        if outputs.region != *self.smtp.region() {
            return Err(BindError::Credentials(CredentialsError::Inconsistent {
                key: "region",
                message: "the instance outputs are of another region than the binding".to_owned(),
            }));
        }
        self.check_same_instance(outputs)?;
        credentials.check()?;
        Ok(credentials)
    }

    fn check_same_instance(&self, outputs: &InstanceOutputs) -> Result<(), BindError> {
        let expected = &self.plan.instance_arns;
        let other = |key: &'static str, expected: Option<&Arn>, found: Option<&Arn>| {
            Err(BindError::OtherInstance {
                key,
                expected: expected.map(Arn::to_string).unwrap_or_default(),
                found: found.map(Arn::to_string).unwrap_or_default(),
            })
        };
        for (key, want, got) in [
            (key::IDENTITY_ARN, &expected.identity, &outputs.identity_arn),
            (
                key::CONFIGURATION_SET_ARN,
                &expected.configuration_set,
                &outputs.configuration_set_arn,
            ),
        ] {
            if want != got {
                return other(key, Some(want), Some(got));
            }
        }
        for (topic, want) in &expected.topics {
            let got = match topic {
                Topic::Reputation => Some(&outputs.reputation_topic_arn),
                Topic::Bounce => outputs.bounce_topic_arn.as_ref(),
                Topic::Complaint => outputs.complaint_topic_arn.as_ref(),
                Topic::Delivery => outputs.delivery_topic_arn.as_ref(),
            };
            let subscribed = *topic == Topic::Reputation
                || self.plan.subscriptions.iter().any(|s| s.topic == *topic);
            match got {
                Some(got) if got != want => {
                    return other(topic.output_key(), Some(want), Some(got));
                }
                None if subscribed => return other(topic.output_key(), Some(want), None),
                _ => {}
            }
        }
        Ok(())
    }
}

impl BindingPlan {
    fn new(instance: &Instance, id: BindingId, params: BindParams) -> Self {
        // A binding id has at most 52 characters of [A-Za-z0-9_-], so `csb-aws-ses-<id>`
        // always fits IAM's 64 characters and alphabet; the property test
        // `every_derived_name_satisfies_its_aws_limits` parses every such name to prove it.
        let iam_user_name = IamUserName::for_binding(&id);
        let iam_path = IamPath::from_trusted(IAM_PATH);
        let policy = Policy::new(instance, &params);
        let feedback_on = instance.params().enable_feedback_notifications();
        let mut warnings = Vec::new();
        let mut subscriptions = Vec::new();
        let endpoints: [(&'static str, Protocol, Option<String>); 2] = [
            (
                "notification_email",
                Protocol::Email,
                params.notification_email().map(EmailAddress::to_string),
            ),
            (
                "notification_webhook",
                Protocol::Https,
                params.notification_webhook().map(WebhookUrl::to_string),
            ),
        ];
        for (field, protocol, endpoint) in endpoints {
            let Some(endpoint) = endpoint else { continue };
            if !feedback_on {
                warnings.push(BindWarning::FeedbackOff { field });
                continue;
            }
            for topic in Topic::FEEDBACK {
                if let Some(topic_arn) = instance.topic_arn(topic) {
                    subscriptions.push(Subscription {
                        topic,
                        topic_arn: topic_arn.clone(),
                        protocol,
                        endpoint: endpoint.clone(),
                    });
                }
            }
        }
        Self {
            id,
            params,
            instance_arns: InstanceArns::of(instance),
            iam_user_name,
            iam_path,
            policy,
            subscriptions,
            warnings,
        }
    }

    /// Completes the binding with the access key IAM issued for [`Self::iam_user_name`].
    ///
    /// # Errors
    /// [`BindError::Smtp`] when the instance's region has no known SES SMTP endpoint.
    pub fn with_access_key(
        self,
        instance: &Instance,
        access_key: AccessKey,
    ) -> Result<Binding, BindError> {
        let smtp = SmtpEndpoint::for_region(instance.region())?;
        let smtp_password = smtp::password(access_key.secret(), instance.region());
        Ok(Binding {
            plan: self,
            access_key,
            smtp,
            smtp_password,
        })
    }

    /// The OSBAPI binding id.
    #[must_use]
    pub const fn id(&self) -> &BindingId {
        &self.id
    }

    /// The bind parameters.
    #[must_use]
    pub const fn params(&self) -> &BindParams {
        &self.params
    }

    /// The IAM user to create, `csb-aws-ses-<binding_id>`.
    #[must_use]
    pub const fn iam_user_name(&self) -> &IamUserName {
        &self.iam_user_name
    }

    /// The IAM path of the user, `/cf/`.
    #[must_use]
    pub const fn iam_path(&self) -> &IamPath {
        &self.iam_path
    }

    /// The inline policy to attach to the user.
    #[must_use]
    pub const fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The feedback subscriptions to create (none when feedback is off).
    #[must_use]
    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    /// What was accepted but cannot take effect; show these to the user.
    #[must_use]
    pub fn warnings(&self) -> &[BindWarning] {
        &self.warnings
    }
}
