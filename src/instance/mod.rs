//! The broker's configuration and what provisioning an instance derives from it: the sending
//! domain, resource names and ARNs.

use crate::prelude::*;

use core::fmt;

use sha2::{Digest, Sha256};

use crate::dns::{
    BrokerManagedRecords, DkimSigning, DmarcRecipients, DnsError, RequiredRecords, required_records,
};
use crate::params::ProvisionParams;
use crate::values::{AccountId, Arn, DomainName, InstanceId, Region, ValueError};

mod config;
pub(crate) mod names;
pub(crate) mod outputs;

pub use config::{BrokerConfig, ConfigError, MAX_DEFAULT_ZONE_LEN};

pub use names::{AlarmName, ConfigurationSetName, KmsAlias, NAME_PREFIX, TopicName};
pub use outputs::{InstanceOutputs, InstanceUpdate, UpdateError};

/// The domain generated for an instance that gave none:
/// `ses-<first 16 hex digits of SHA-256(instance_id)>.<zone>`. The hash hides the instance id.
///
/// ```
/// use ses_broker::{instance::generated_domain, values::DomainName, values::InstanceId};
/// let id: InstanceId = "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01".parse()?;
/// let zone: DomainName = "appmail.cloud.gov".parse()?;
/// let domain = generated_domain(&id, &zone)?;
/// assert!(domain.as_str().starts_with("ses-"));
/// assert!(domain.as_str().ends_with(".appmail.cloud.gov"));
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
///
/// # Errors
/// A [`ValueError`] when the zone is too long to hold the generated label.
pub fn generated_domain(id: &InstanceId, zone: &DomainName) -> Result<DomainName, ValueError> {
    let digest = Sha256::digest(id.as_str().as_bytes());
    let mut label = String::with_capacity(20);
    label.push_str("ses-");
    for byte in digest.iter().take(8) {
        label.push_str(&format!("{byte:02x}"));
    }
    zone.child(&label)
}

/// The SNS topics of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Topic {
    /// `<base>-reputation-notifications`: reputation alarms notify it; always created.
    Reputation,
    /// `<base>-bounce`: SES bounce events, with `enable_feedback_notifications`.
    Bounce,
    /// `<base>-complaint`: SES complaint events, with `enable_feedback_notifications`.
    Complaint,
    /// `<base>-delivery`: SES delivery events, with `enable_feedback_notifications`.
    Delivery,
}

impl Topic {
    /// Every topic.
    pub const ALL: [Self; 4] = [
        Self::Reputation,
        Self::Bounce,
        Self::Complaint,
        Self::Delivery,
    ];
    /// The feedback topics bindings can subscribe to.
    pub const FEEDBACK: [Self; 3] = [Self::Bounce, Self::Complaint, Self::Delivery];

    /// The suffix after `<base>-` in the topic name.
    #[must_use]
    pub const fn suffix(self) -> &'static str {
        match self {
            Self::Reputation => "reputation-notifications",
            Self::Bounce => "bounce",
            Self::Complaint => "complaint",
            Self::Delivery => "delivery",
        }
    }

    /// The key of the topic's ARN in the instance outputs and binding credentials.
    #[must_use]
    pub const fn output_key(self) -> &'static str {
        match self {
            Self::Reputation => "reputation_topic_arn",
            Self::Bounce => "bounce_topic_arn",
            Self::Complaint => "complaint_topic_arn",
            Self::Delivery => "delivery_topic_arn",
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.suffix())
    }
}

/// The item for `topic` in an array ordered as [`Topic::ALL`].
const fn by_topic<T>(items: &[T; 4], topic: Topic) -> &T {
    let [reputation, bounce, complaint, delivery] = items;
    match topic {
        Topic::Reputation => reputation,
        Topic::Bounce => bounce,
        Topic::Complaint => complaint,
        Topic::Delivery => delivery,
    }
}

/// Why an instance cannot be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InstanceError {
    /// The MAIL FROM subdomain does not fit under the generated domain.
    #[error("mail_from_subdomain: {0}")]
    MailFromTooLong(String),
    /// A derived name or ARN breaks an AWS limit (the field says which).
    #[error("{field}: {message}")]
    Name {
        /// The derived value, e.g. `configuration_set_name`.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

fn name_error(field: &'static str) -> impl Fn(ValueError) -> InstanceError {
    move |e| InstanceError::Name {
        field,
        message: e.to_string(),
    }
}

/// A provisioned `aws-ses` instance: its parameters and everything derived from them and the
/// broker configuration.
///
/// ```
/// use ses_broker::{BrokerConfig, Instance, ProvisionParams, instance::Topic};
/// let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "123456789012", "default_zone": "appmail.cloud.gov"}"#)?;
/// let params = ProvisionParams::from_json(r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#)?;
/// let instance = Instance::new(&config, "5b3c1f4e".parse()?, params)?;
/// assert_eq!(instance.configuration_set_name().as_str(), "csb-aws-ses-5b3c1f4e");
/// assert_eq!(instance.identity_arn().as_str(), "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov");
/// assert_eq!(instance.mail_from_domain().map(|d| d.as_str()), Some("mail.agency.gov"));
/// assert!(instance.topic_arn(Topic::Bounce).is_none()); // feedback is off
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    id: InstanceId,
    params: ProvisionParams,
    region: Region,
    account_id: AccountId,
    domain: DomainName,
    domain_is_generated: bool,
    mail_from_domain: Option<DomainName>,
    configuration_set: ConfigurationSetName,
    topics: [TopicName; 4],
    kms_aliases: [KmsAlias; 4],
    identity_arn: Arn,
    configuration_set_arn: Arn,
    topic_arns: [Arn; 4],
    platform_topic_arns: Vec<Arn>,
}

impl Instance {
    /// Derives an instance from the broker configuration, the OSBAPI instance id and the
    /// validated provision parameters.
    ///
    /// # Errors
    /// [`InstanceError`] when a MAIL FROM subdomain does not fit under the generated domain,
    /// or (defensively; valid ids always fit) a derived name breaks an AWS limit.
    pub fn new(
        config: &BrokerConfig,
        id: InstanceId,
        params: ProvisionParams,
    ) -> Result<Self, InstanceError> {
        let (domain, domain_is_generated) = match params.domain() {
            Some(domain) => (domain.clone(), false),
            None => (
                generated_domain(&id, config.default_zone()).map_err(name_error("domain"))?,
                true,
            ),
        };
        let mail_from_domain = params
            .mail_from_subdomain()
            .map(|sub| sub.under(&domain))
            .transpose()
            .map_err(|e| InstanceError::MailFromTooLong(e.to_string()))?;
        let configuration_set = ConfigurationSetName::for_instance(&id);
        let base = configuration_set.as_str();
        let topic = |t: Topic| {
            TopicName::parse(&format!("{base}-{}", t.suffix())).map_err(name_error("topic_name"))
        };
        let [a, b, c, d] = Topic::ALL.map(topic);
        let topics = [a?, b?, c?, d?];
        // Every topic gets a customer-managed key: CloudWatch alarms cannot publish to a
        // topic encrypted with the AWS-managed alias/aws/sns (the deployed broker's
        // reputation topic uses it, so its alarm notifications fail).
        let alias =
            |t: &TopicName| KmsAlias::parse(&format!("alias/{t}")).map_err(name_error("kms_alias"));
        let [a, b, c, d] = topics.each_ref().map(alias);
        let kms_aliases = [a?, b?, c?, d?];
        let region = config.region().clone();
        let account = config.account_id().clone();
        let arn = |service: &str, resource: String, field: &'static str| {
            Arn::new(
                region.partition(),
                service,
                Some(&region),
                Some(&account),
                &resource,
            )
            .map_err(name_error(field))
        };
        let identity_arn = arn("ses", format!("identity/{domain}"), "identity_arn")?;
        let configuration_set_arn = arn(
            "ses",
            format!("configuration-set/{configuration_set}"),
            "configuration_set_arn",
        )?;
        let [a, b, c, d] = topics
            .each_ref()
            .map(|t| arn("sns", t.to_string(), "topic_arn"));
        let topic_arns = [a?, b?, c?, d?];
        Ok(Self {
            id,
            params,
            region,
            account_id: account,
            domain,
            domain_is_generated,
            mail_from_domain,
            configuration_set,
            topics,
            kms_aliases,
            identity_arn,
            configuration_set_arn,
            topic_arns,
            platform_topic_arns: config.platform_topic_arns().to_vec(),
        })
    }

    /// The OSBAPI instance id.
    #[must_use]
    pub const fn id(&self) -> &InstanceId {
        &self.id
    }

    /// The provision parameters the instance was made from.
    #[must_use]
    pub const fn params(&self) -> &ProvisionParams {
        &self.params
    }

    /// The SES region.
    #[must_use]
    pub const fn region(&self) -> &Region {
        &self.region
    }

    /// The AWS account.
    #[must_use]
    pub const fn account_id(&self) -> &AccountId {
        &self.account_id
    }

    /// The identity (sending) domain: the customer's, or the generated one.
    #[must_use]
    pub const fn domain(&self) -> &DomainName {
        &self.domain
    }

    /// Whether the domain was generated (the broker then publishes its DNS records itself).
    #[must_use]
    pub const fn domain_is_generated(&self) -> bool {
        self.domain_is_generated
    }

    /// The custom MAIL FROM domain, when `mail_from_subdomain` is set.
    #[must_use]
    pub const fn mail_from_domain(&self) -> Option<&DomainName> {
        self.mail_from_domain.as_ref()
    }

    /// The base of every resource name, `csb-aws-ses-<instance_id>`.
    #[must_use]
    pub fn base_name(&self) -> &str {
        self.configuration_set.as_str()
    }

    /// The SES configuration set name (the base name).
    #[must_use]
    pub const fn configuration_set_name(&self) -> &ConfigurationSetName {
        &self.configuration_set
    }

    /// A topic's name (made whether or not feedback is on; see [`Self::topic_arn`]).
    #[must_use]
    pub fn topic_name(&self, topic: Topic) -> &TopicName {
        by_topic(&self.topics, topic)
    }

    /// The KMS alias of the customer-managed key that encrypts a topic.
    #[must_use]
    pub fn kms_alias(&self, topic: Topic) -> &KmsAlias {
        by_topic(&self.kms_aliases, topic)
    }

    /// The topics the instance has: the reputation topic always, the feedback topics with
    /// `enable_feedback_notifications`.
    pub fn topics(&self) -> impl Iterator<Item = Topic> + '_ {
        Topic::ALL
            .into_iter()
            .filter(|t| *t == Topic::Reputation || self.params.enable_feedback_notifications())
    }

    /// A topic's ARN, or `None` for a feedback topic when feedback is off.
    #[must_use]
    pub fn topic_arn(&self, topic: Topic) -> Option<&Arn> {
        if topic != Topic::Reputation && !self.params.enable_feedback_notifications() {
            return None;
        }
        Some(by_topic(&self.topic_arns, topic))
    }

    /// A topic's ARN whether or not the topic exists (feedback topics exist only with
    /// `enable_feedback_notifications`): what a binding compares outputs against.
    pub(crate) const fn topic_arn_by_name(&self, topic: Topic) -> &Arn {
        by_topic(&self.topic_arns, topic)
    }

    /// The reputation topic's ARN (the topic always exists).
    #[must_use]
    pub const fn reputation_topic_arn(&self) -> &Arn {
        by_topic(&self.topic_arns, Topic::Reputation)
    }

    /// The SES identity ARN, `arn:<partition>:ses:<region>:<account>:identity/<domain>`.
    #[must_use]
    pub const fn identity_arn(&self) -> &Arn {
        &self.identity_arn
    }

    /// The configuration set ARN.
    #[must_use]
    pub const fn configuration_set_arn(&self) -> &Arn {
        &self.configuration_set_arn
    }

    /// The platform's notification topics (from the broker configuration).
    #[must_use]
    pub fn platform_topic_arns(&self) -> &[Arn] {
        &self.platform_topic_arns
    }

    /// The DNS records the customer must publish, given the DKIM tokens and
    /// signing zone SES reported for the identity. For a generated domain these are the
    /// records the broker publishes itself (see [`Self::broker_managed_records`]).
    ///
    /// # Errors
    /// [`DnsError`] when a record name would break DNS limits (a DKIM token longer than
    /// SES's 32 characters under a long domain).
    pub fn required_records(&self, dkim: &DkimSigning) -> Result<RequiredRecords, DnsError> {
        let recipients = DmarcRecipients::new(self.params.admin_email())
            .aggregate(self.params.dmarc_report_aggregate_recipients())
            .failure(self.params.dmarc_report_failure_recipients());
        required_records(
            &self.domain,
            self.mail_from_domain.as_ref(),
            &self.region,
            &recipients,
            dkim,
        )
    }

    /// For a generated domain: its records plus the NS delegation (TTL 30) the broker
    /// publishes in the default zone, given the name servers of the domain's hosted zone.
    ///
    /// # Errors
    /// [`DnsError`] as [`Self::required_records`], or when `name_servers` is empty.
    pub fn broker_managed_records(
        &self,
        dkim: &DkimSigning,
        name_servers: &[DomainName],
    ) -> Result<BrokerManagedRecords, DnsError> {
        BrokerManagedRecords::new(self.required_records(dkim)?, name_servers)
    }

    /// The instructions shown to a customer who must publish DNS records, or `None` for a
    /// generated domain (the broker publishes those itself).
    #[must_use]
    pub fn instructions(&self) -> Option<String> {
        if self.domain_is_generated {
            return None;
        }
        Some(format!(
            "Your SMTP service was provisioned, but is not yet verified. To verify your control of the {} domain, create the 'required_records' provided in these credentials in your DNS zone (DKIM, DMARC, SPF{}). SES then verifies the domain; until it does, sending fails.",
            self.domain,
            if self.mail_from_domain.is_some() {
                " and the MAIL FROM MX"
            } else {
                ""
            },
        ))
    }
}
