//! The desired AWS state of an instance and of a binding, as plain serde values
//! the progress stores, so a resumed run needs nothing but the progress.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use super::alarm::{DescriptionInputs, PutMetricAlarm, alarm_description};
use super::calls::DnsAccount;
use super::policy::{
    KeyPolicyInputs, PolicyDocument, feedback_topic_policy, key_policy, reputation_topic_policy,
};
use super::serde_enums;
use super::tags::Tags;
use crate::binding::{BindingPlan, Protocol};
use crate::dns::{DkimSigning, DmarcRecipients, DnsError, RequiredRecords, required_records};
use crate::instance::names::{ConfigurationSetName, IamPath, IamUserName, KmsAlias, TopicName};
use crate::instance::{BrokerConfig, Instance, Topic};
use crate::params::Context;
use crate::reputation::{AlarmDefinition, Thresholds};
use crate::values::{
    AccountId, Arn, BindingId, DomainName, EmailAddress, HostedZoneId, InstanceId, Region,
};

/// The comment on a generated domain's hosted zone (also how the broker recognises its own
/// zone of a name before making one).
pub const HOSTED_ZONE_COMMENT: &str = "Created by ses-broker for an aws-ses service instance";

/// KMS's deletion window for the topic keys, in days.
pub const KEY_DELETION_WINDOW_DAYS: u8 = 7;

/// Why a desired state cannot be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The broker configuration lacks a setting this instance needs.
    #[error("{field}: is not configured, and {why}")]
    MissingConfig {
        /// The configuration field.
        field: &'static str,
        /// Why it is needed.
        why: &'static str,
    },
    /// The binding plan belongs to another instance's names.
    #[error("binding: {0}")]
    Binding(String),
}

/// One topic of an instance with its key, alias and policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TopicState {
    /// Which topic.
    #[serde(with = "serde_enums::topic")]
    pub topic: Topic,
    /// `<base>-<suffix>`.
    pub name: TopicName,
    /// The topic's ARN as derived (the answered ARN is used once known).
    pub arn: Arn,
    /// `alias/<base>-<suffix>`.
    pub alias: KmsAlias,
    /// The key's description, naming the topic's ARN and the instance. (The deployed
    /// broker's names only the kind; a unique description is how a key whose `CreateKey`
    /// answer was lost is found again.)
    pub key_description: String,
    /// The key policy.
    pub key_policy: PolicyDocument,
    /// The topic policy.
    pub topic_policy: PolicyDocument,
}

/// What a generated domain adds: its hosted zone in the DNS account and the delegation
/// from the parent zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GeneratedDns {
    /// The DNS account.
    pub account: DnsAccount,
    /// The parent (default) zone's hosted zone id.
    pub parent_zone_id: HostedZoneId,
    /// The hosted zone comment.
    pub comment: String,
}

/// Everything an instance owns in AWS, derived once from the instance, the
/// broker configuration, the OSBAPI context and the thresholds.
///
/// Serde: stored inside [`Progress`](super::Progress); a resumed run needs nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceState {
    /// The OSBAPI instance id.
    pub instance_id: InstanceId,
    /// The SES region.
    pub region: Region,
    /// The SES account.
    pub account_id: AccountId,
    /// The identity (sending) domain.
    pub domain: DomainName,
    /// The custom MAIL FROM domain.
    pub mail_from: Option<DomainName>,
    /// `csb-aws-ses-<instance_id>`.
    pub configuration_set: ConfigurationSetName,
    /// Its ARN.
    pub configuration_set_arn: Arn,
    /// The topics: the reputation topic always, the feedback topics with
    /// `enable_feedback_notifications`.
    pub topics: Vec<TopicState>,
    /// The address subscribed to the reputation topic.
    pub admin_email: EmailAddress,
    /// DMARC `rua` recipients (empty: the admin email).
    pub dmarc_aggregate: Vec<EmailAddress>,
    /// DMARC `ruf` recipients (empty: the admin email).
    pub dmarc_failure: Vec<EmailAddress>,
    /// The four alarms.
    pub alarms: Vec<PutMetricAlarm>,
    /// For a generated domain, its DNS.
    pub generated_dns: Option<GeneratedDns>,
    /// The tags of every taggable resource.
    pub tags: Tags,
}

impl InstanceState {
    /// The desired state of `instance`.
    ///
    /// # Errors
    /// [`StateError::MissingConfig`] when the configuration has no broker principal (every
    /// topic key's policy names it), or, for a generated domain, no parent hosted zone.
    pub fn new(
        config: &BrokerConfig,
        instance: &Instance,
        context: &Context,
        thresholds: &Thresholds,
    ) -> Result<Self, StateError> {
        let principal = config
            .broker_principal_arn()
            .ok_or(StateError::MissingConfig {
                field: "broker_principal_arn",
                why: "every topic key's policy grants the broker kms:* (set it, or learn it from STS GetCallerIdentity)",
            })?;
        let generated_dns = if instance.domain_is_generated() {
            let parent = config
                .parent_hosted_zone_id()
                .ok_or(StateError::MissingConfig {
                    field: "parent_hosted_zone_id",
                    why: "a generated domain is delegated from the default zone's hosted zone",
                })?;
            Some(GeneratedDns {
                account: DnsAccount::new(config.dns_account_id().clone(), config.dns_partition()),
                parent_zone_id: parent.clone(),
                comment: HOSTED_ZONE_COMMENT.to_owned(),
            })
        } else {
            None
        };
        let params = instance.params();
        let tags = Tags::new(config.environment(), instance.id().as_str(), context);
        let topics = instance
            .topics()
            .filter_map(|topic| {
                let arn = instance.topic_arn(topic)?.clone();
                let name = instance.topic_name(topic).clone();
                let key_policy = key_policy(&KeyPolicyInputs {
                    partition: instance.region().partition(),
                    account: instance.account_id(),
                    broker_principal: principal,
                    topic_arn: &arn,
                    cloudwatch: topic == Topic::Reputation,
                });
                let topic_policy = if topic == Topic::Reputation {
                    reputation_topic_policy(name.as_str(), &arn, instance.account_id())
                } else {
                    feedback_topic_policy(
                        name.as_str(),
                        &arn,
                        instance.account_id(),
                        instance.configuration_set_arn(),
                    )
                };
                Some(TopicState {
                    topic,
                    key_description: format!(
                        "Encrypts SNS topic {arn} of SES service instance {} (ses-broker)",
                        instance.id()
                    ),
                    name,
                    alias: instance.kms_alias(topic).clone(),
                    key_policy,
                    topic_policy,
                    arn,
                })
            })
            .collect();
        let inputs = DescriptionInputs {
            identity: instance.domain(),
            instance: instance.id(),
            admin_email: params.admin_email(),
            context,
            thresholds,
        };
        let alarms = AlarmDefinition::for_instance(instance, thresholds)
            .iter()
            .map(|definition| {
                PutMetricAlarm::from_definition(
                    definition,
                    alarm_description(definition.kind(), &inputs),
                    tags.clone(),
                )
            })
            .collect();
        Ok(Self {
            instance_id: instance.id().clone(),
            region: instance.region().clone(),
            account_id: instance.account_id().clone(),
            domain: instance.domain().clone(),
            mail_from: instance.mail_from_domain().cloned(),
            configuration_set: instance.configuration_set_name().clone(),
            configuration_set_arn: instance.configuration_set_arn().clone(),
            topics,
            admin_email: params.admin_email().clone(),
            dmarc_aggregate: params.dmarc_report_aggregate_recipients().to_vec(),
            dmarc_failure: params.dmarc_report_failure_recipients().to_vec(),
            alarms,
            generated_dns,
            tags,
        })
    }

    /// The state of `topic`, when the instance has it.
    #[must_use]
    pub fn topic(&self, topic: Topic) -> Option<&TopicState> {
        self.topics.iter().find(|t| t.topic == topic)
    }

    /// The records a customer would publish for this domain (DMARC, SPF, DKIM, MAIL FROM), given the identity's DKIM tokens (for a
    /// generated domain, the broker publishes them in the domain's zone).
    ///
    /// # Errors
    /// [`DnsError`] as [`required_records`].
    pub fn required_records(&self, dkim: &DkimSigning) -> Result<RequiredRecords, DnsError> {
        let recipients = DmarcRecipients::new(&self.admin_email)
            .aggregate(&self.dmarc_aggregate)
            .failure(&self.dmarc_failure);
        required_records(
            &self.domain,
            self.mail_from.as_ref(),
            &self.region,
            &recipients,
            dkim,
        )
    }
}

/// One feedback subscription of a binding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionState {
    /// The instance's topic.
    #[serde(with = "serde_enums::topic")]
    pub topic: Topic,
    /// The topic's ARN.
    pub topic_arn: Arn,
    /// `email` or `https`.
    #[serde(with = "serde_enums::protocol")]
    pub protocol: Protocol,
    /// The address or URL.
    pub endpoint: String,
}

/// Everything a binding owns in AWS: the IAM user at `/cf/` (tagged), its inline
/// policy named as the user, one access key, and the subscriptions of
/// `notification_email` and `notification_webhook` to the instance's feedback topics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BindingState {
    /// The instance bound to.
    pub instance_id: InstanceId,
    /// The OSBAPI binding id.
    pub binding_id: BindingId,
    /// `csb-aws-ses-<binding_id>`.
    pub user_name: IamUserName,
    /// `/cf/`.
    pub path: IamPath,
    /// The inline policy (the binding module's [`Policy`](crate::binding::Policy)).
    pub policy: PolicyDocument,
    /// The feedback subscriptions.
    pub subscriptions: Vec<SubscriptionState>,
    /// The tags of the user.
    pub tags: Tags,
}

impl BindingState {
    /// The desired state of binding `plan` of `instance`.
    ///
    /// # Errors
    /// [`StateError::Binding`] if the plan's policy does not read back as a policy
    /// document (it always does: a test pins it).
    pub fn new(
        config: &BrokerConfig,
        instance: &Instance,
        plan: &BindingPlan,
        context: &Context,
    ) -> Result<Self, StateError> {
        let policy: PolicyDocument = serde_json::from_value(plan.policy().to_value())
            .map_err(|e| StateError::Binding(format!("policy is not a policy document: {e}")))?;
        Ok(Self {
            instance_id: instance.id().clone(),
            binding_id: plan.id().clone(),
            user_name: plan.iam_user_name().clone(),
            path: plan.iam_path().clone(),
            policy,
            subscriptions: plan
                .subscriptions()
                .iter()
                .map(|s| SubscriptionState {
                    topic: s.topic(),
                    topic_arn: s.topic_arn().clone(),
                    protocol: s.protocol(),
                    endpoint: s.endpoint().to_owned(),
                })
                .collect(),
            tags: Tags::new(config.environment(), instance.id().as_str(), context),
        })
    }
}
