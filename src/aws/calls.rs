//! The parameters of each operation, one struct per AWS API call, and the vocabulary they
//! share (TLS policy, suppression reasons, event types, ...).
//!
//! Fields are public to read (`#[non_exhaustive]`: only the core makes them). Field names
//! follow the AWS API's member names in snake case, so an adapter maps each field to the
//! SDK builder method of the same name.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use super::dns_record::DnsRecordSet;
use super::ids::KmsKeyId;
use super::policy::PolicyDocument;
use super::serde_enums;
use super::tags::Tags;
use crate::binding::Protocol;
use crate::instance::names::{
    AlarmName, ConfigurationSetName, IamPath, IamUserName, KmsAlias, TopicName,
};
use crate::values::{AccessKeyId, AccountId, Arn, DomainName, HostedZoneId, Partition};

/// The account (and its partition) whose credentials a Route 53 call uses. cloud.gov keeps
/// DNS in a commercial-partition account and SES in GovCloud.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DnsAccount {
    /// The account id.
    pub account_id: AccountId,
    /// The partition of that account.
    #[serde(with = "serde_enums::partition")]
    pub partition: Partition,
}

impl DnsAccount {
    /// The DNS account `account_id` in `partition`.
    #[must_use]
    pub const fn new(account_id: AccountId, partition: Partition) -> Self {
        Self {
            account_id,
            partition,
        }
    }
}

/// A configuration set's TLS policy (`DeliveryOptions.TlsPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TlsPolicy {
    /// `REQUIRE`: SES delivers only over TLS.
    Require,
}

impl TlsPolicy {
    /// `REQUIRE`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Require => "REQUIRE",
        }
    }
}

/// A reason SES adds an address to the configuration set's suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SuppressionReason {
    /// `BOUNCE`.
    Bounce,
    /// `COMPLAINT`.
    Complaint,
}

impl SuppressionReason {
    /// `BOUNCE` or `COMPLAINT`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bounce => "BOUNCE",
            Self::Complaint => "COMPLAINT",
        }
    }
}

/// An SES event type an event destination matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum EventType {
    /// Bounces.
    Bounce,
    /// Complaints.
    Complaint,
    /// Deliveries.
    Delivery,
}

impl EventType {
    /// The SES v1 name: `bounce`, `complaint`, `delivery`.
    #[must_use]
    pub const fn v1_name(self) -> &'static str {
        match self {
            Self::Bounce => "bounce",
            Self::Complaint => "complaint",
            Self::Delivery => "delivery",
        }
    }

    /// The SES v2 name: `BOUNCE`, `COMPLAINT`, `DELIVERY`.
    #[must_use]
    pub const fn v2_name(self) -> &'static str {
        match self {
            Self::Bounce => "BOUNCE",
            Self::Complaint => "COMPLAINT",
            Self::Delivery => "DELIVERY",
        }
    }
}

/// What SES does when the MAIL FROM domain's MX record is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MxFailure {
    /// Fall back to `amazonses.com` (v1 `UseDefaultValue`, v2 `USE_DEFAULT_VALUE`), so
    /// mail still flows while the customer publishes the record.
    UseDefaultValue,
}

impl MxFailure {
    /// The SES v1 name, `UseDefaultValue`.
    #[must_use]
    pub const fn v1_name(self) -> &'static str {
        match self {
            Self::UseDefaultValue => "UseDefaultValue",
        }
    }

    /// The SES v2 name, `USE_DEFAULT_VALUE`.
    #[must_use]
    pub const fn v2_name(self) -> &'static str {
        match self {
            Self::UseDefaultValue => "USE_DEFAULT_VALUE",
        }
    }
}

/// A Route 53 change action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ChangeAction {
    /// `UPSERT`: create or replace the record set.
    Upsert,
    /// `DELETE`: the values must match the record set's exactly.
    Delete,
}

impl ChangeAction {
    /// `UPSERT` or `DELETE`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Upsert => "UPSERT",
            Self::Delete => "DELETE",
        }
    }
}

macro_rules! params {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
        }
    };
}

params!(
    /// SES v2 `CreateConfigurationSet`: every option given at creation (moto serves them
    /// only there). `SendingOptions.SendingEnabled` is set here and afterwards only by
    /// [`PutConfigurationSetSendingOptions`] (a pause or an operator's resume), never by an
    /// update, so an update cannot undo a pause.
    CreateConfigurationSet {
        /// `ConfigurationSetName`.
        configuration_set_name: ConfigurationSetName,
        /// `DeliveryOptions.TlsPolicy`: `REQUIRE`.
        tls_policy: TlsPolicy,
        /// `ReputationOptions.ReputationMetricsEnabled`: `true` (without it the alarms see
        /// no metric).
        reputation_metrics_enabled: bool,
        /// `SuppressionOptions.SuppressedReasons`: `BOUNCE`, `COMPLAINT`.
        suppressed_reasons: Vec<SuppressionReason>,
        /// `SendingOptions.SendingEnabled`: `true`.
        sending_enabled: bool,
        /// `Tags`.
        tags: Tags,
    }
);

params!(
    /// SES v2 `PutConfigurationSetSendingOptions`: pauses (`false`) or re-enables (`true`)
    /// sending on the configuration set. A PUT, so making it twice is harmless. Only
    /// [`Driver::pause_sending`](super::Driver::pause_sending) and
    /// [`Driver::enable_sending`](super::Driver::enable_sending) hand it out; an update never
    /// does, so nothing but an operator's resume re-enables a paused set. A set that is not
    /// there answers [`Answer::NotFound`](super::Answer), which stops the run.
    PutConfigurationSetSendingOptions {
        /// `ConfigurationSetName`.
        configuration_set_name: ConfigurationSetName,
        /// `SendingEnabled`.
        sending_enabled: bool,
    }
);

params!(
    /// SES v2 `DeleteConfigurationSet` (its event destinations go with it).
    DeleteConfigurationSet {
        /// `ConfigurationSetName`.
        configuration_set_name: ConfigurationSetName,
    }
);

params!(
    /// SES v2 `CreateEmailIdentity` for a domain, with Easy DKIM (no `DkimSigningAttributes`)
    /// and its default configuration set. Answer: [`Output::EmailIdentity`](super::Output).
    CreateEmailIdentity {
        /// `EmailIdentity`: the domain.
        email_identity: DomainName,
        /// `ConfigurationSetName`: the default set, so SMTP mail (which names no set) is
        /// seen by the reputation metrics and event destinations.
        configuration_set_name: ConfigurationSetName,
        /// `Tags`.
        tags: Tags,
    }
);

params!(
    /// SES v2 `DeleteEmailIdentity`.
    DeleteEmailIdentity {
        /// `EmailIdentity`.
        email_identity: DomainName,
    }
);

params!(
    /// SES v1 `SetIdentityMailFromDomain` (v2: `PutEmailIdentityMailFromAttributes`, which
    /// moto does not serve). `None` removes the custom MAIL FROM domain.
    SetIdentityMailFromDomain {
        /// `Identity`.
        identity: DomainName,
        /// `MailFromDomain`, or none to remove it.
        mail_from_domain: Option<DomainName>,
        /// `BehaviorOnMXFailure`: use the default value.
        behavior_on_mx_failure: MxFailure,
    }
);

params!(
    /// SES v1 `CreateConfigurationSetEventDestination` with an SNS destination (v2 has an
    /// operation of the same name, which moto does not serve; the resources are the same).
    CreateConfigurationSetEventDestination {
        /// `ConfigurationSetName`.
        configuration_set_name: ConfigurationSetName,
        /// `EventDestination.Name`: `<base>-<kind>`.
        event_destination_name: TopicName,
        /// `EventDestination.Enabled`: `true`.
        enabled: bool,
        /// `EventDestination.MatchingEventTypes` (use [`EventType::v1_name`]).
        matching_event_types: Vec<EventType>,
        /// `EventDestination.SNSDestination.TopicARN`.
        topic_arn: Arn,
    }
);

params!(
    /// SES v1 `DeleteConfigurationSetEventDestination`.
    DeleteConfigurationSetEventDestination {
        /// `ConfigurationSetName`.
        configuration_set_name: ConfigurationSetName,
        /// `EventDestinationName`.
        event_destination_name: TopicName,
    }
);

params!(
    /// KMS `CreateKey`: a symmetric encryption key (the defaults of `KeySpec` and
    /// `KeyUsage`). Answer: [`Output::Key`](super::Output).
    CreateKey {
        /// `Description`: names the topic the key encrypts (unique per instance and topic,
        /// which is how a key whose answer was lost is found again).
        description: String,
        /// `Policy`.
        policy: PolicyDocument,
        /// `Tags` (`TagKey`/`TagValue`).
        tags: Tags,
    }
);

params!(
    /// KMS `EnableKeyRotation`.
    EnableKeyRotation {
        /// `KeyId`.
        key_id: KmsKeyId,
    }
);

params!(
    /// KMS `CreateAlias`.
    CreateAlias {
        /// `AliasName`.
        alias_name: KmsAlias,
        /// `TargetKeyId`.
        target_key_id: KmsKeyId,
    }
);

params!(
    /// KMS `DeleteAlias`.
    DeleteAlias {
        /// `AliasName`.
        alias_name: KmsAlias,
    }
);

params!(
    /// KMS `ScheduleKeyDeletion`. A key already pending deletion answers as done.
    ScheduleKeyDeletion {
        /// `KeyId`.
        key_id: KmsKeyId,
        /// `PendingWindowInDays`: 7.
        pending_window_in_days: u8,
    }
);

params!(
    /// KMS `ListKeys`, one page: asked only to find a key whose `CreateKey` answer was lost
    /// (after a resume or an ambiguous failure). Answer: [`Output::KeyList`](super::Output).
    ListKeys {
        /// `Marker` of the page, none for the first.
        marker: Option<String>,
    }
);

params!(
    /// KMS `DescribeKey`, asked while looking for a lost key. Answer:
    /// [`Output::KeyDescription`](super::Output).
    DescribeKey {
        /// `KeyId`.
        key_id: KmsKeyId,
    }
);

params!(
    /// SNS `CreateTopic` with `KmsMasterKeyId` (the topic's own key, by alias). Answer:
    /// [`Output::Topic`](super::Output).
    CreateTopic {
        /// `Name`.
        name: TopicName,
        /// `Attributes.KmsMasterKeyId`.
        kms_master_key_id: KmsAlias,
        /// `Tags`.
        tags: Tags,
    }
);

params!(
    /// SNS `SetTopicAttributes` of `Policy`: `AttributeName` is `Policy`, `AttributeValue`
    /// the document's JSON.
    SetTopicAttributes {
        /// `TopicArn`.
        topic_arn: Arn,
        /// The `Policy` attribute's value.
        policy: PolicyDocument,
    }
);

impl SetTopicAttributes {
    /// `AttributeName`: `Policy`.
    #[must_use]
    pub const fn attribute_name(&self) -> &'static str {
        "Policy"
    }

    /// `AttributeValue`: the policy as JSON.
    #[must_use]
    pub fn attribute_value(&self) -> String {
        self.policy.to_json()
    }
}

params!(
    /// SNS `DeleteTopic` (its subscriptions go with it).
    DeleteTopic {
        /// `TopicArn`.
        topic_arn: Arn,
    }
);

params!(
    /// SNS `Subscribe` with `ReturnSubscriptionArn` true, so even a subscription pending
    /// confirmation has an ARN to unsubscribe later. Answer:
    /// [`Output::Subscription`](super::Output).
    Subscribe {
        /// `TopicArn`.
        topic_arn: Arn,
        /// `Protocol`: `email` or `https`.
        #[serde(with = "serde_enums::protocol")]
        protocol: Protocol,
        /// `Endpoint`: the address or URL.
        endpoint: String,
        /// `ReturnSubscriptionArn`: `true`.
        return_subscription_arn: bool,
    }
);

params!(
    /// SNS `Unsubscribe`.
    Unsubscribe {
        /// `SubscriptionArn`.
        subscription_arn: Arn,
    }
);

params!(
    /// CloudWatch `DeleteAlarms`.
    DeleteAlarms {
        /// `AlarmNames`.
        alarm_names: Vec<AlarmName>,
    }
);

params!(
    /// Route 53 `ListHostedZonesByName` from `DNSName`, one page of at most `MaxItems`:
    /// asked before every `CreateHostedZone`, so a zone whose answer was lost is found
    /// instead of made twice. Answer: [`Output::HostedZones`](super::Output).
    ListHostedZonesByName {
        /// The DNS account.
        account: DnsAccount,
        /// `DNSName`.
        dns_name: DomainName,
        /// `MaxItems`.
        max_items: u8,
    }
);

params!(
    /// Route 53 `GetHostedZone`, for the name servers of a zone found by
    /// [`ListHostedZonesByName`]. Answer: [`Output::HostedZone`](super::Output).
    GetHostedZone {
        /// The DNS account.
        account: DnsAccount,
        /// `Id`.
        id: HostedZoneId,
    }
);

params!(
    /// Route 53 `CreateHostedZone` (public). Answer: [`Output::HostedZone`](super::Output).
    CreateHostedZone {
        /// The DNS account.
        account: DnsAccount,
        /// `Name`.
        name: DomainName,
        /// `CallerReference`: the core has no source of uniqueness (no clock, no random),
        /// and Route 53 refuses a reference used before even for a deleted zone, so the
        /// adapter appends a unique suffix (a UUID or a timestamp) to this stem. Creating a
        /// zone twice is prevented by the [`ListHostedZonesByName`] asked first.
        caller_reference_stem: String,
        /// `HostedZoneConfig.Comment`.
        comment: String,
    }
);

params!(
    /// Route 53 `ChangeTagsForResource` on a hosted zone (`ResourceType` `hostedzone`):
    /// Route 53 takes no tags at creation.
    ChangeTagsForResource {
        /// The DNS account.
        account: DnsAccount,
        /// `ResourceId`.
        resource_id: HostedZoneId,
        /// `AddTags`.
        add_tags: Tags,
    }
);

params!(
    /// Route 53 `ChangeResourceRecordSets` with one change. A `DELETE` of a record set that
    /// is not there answers [`Answer::NotFound`](super::Answer).
    ChangeResourceRecordSets {
        /// The DNS account.
        account: DnsAccount,
        /// `HostedZoneId`.
        hosted_zone_id: HostedZoneId,
        /// `ChangeBatch.Changes[0].Action`.
        action: ChangeAction,
        /// `ChangeBatch.Changes[0].ResourceRecordSet`.
        record_set: DnsRecordSet,
    }
);

params!(
    /// Route 53 `DeleteHostedZone` (its records other than SOA and NS deleted first).
    DeleteHostedZone {
        /// The DNS account.
        account: DnsAccount,
        /// `Id`.
        id: HostedZoneId,
    }
);

params!(
    /// IAM `CreateUser`.
    CreateUser {
        /// `UserName`.
        user_name: IamUserName,
        /// `Path`: `/cf/`.
        path: IamPath,
        /// `Tags`.
        tags: Tags,
    }
);

params!(
    /// IAM `PutUserPolicy` (an inline policy, named as the user).
    PutUserPolicy {
        /// `UserName`.
        user_name: IamUserName,
        /// `PolicyName`.
        policy_name: IamUserName,
        /// `PolicyDocument`.
        policy_document: PolicyDocument,
    }
);

params!(
    /// IAM `ListAccessKeys`: asked before every `CreateAccessKey`, so a key whose answer
    /// (and secret) was lost is deleted instead of left behind. Answer:
    /// [`Output::AccessKeys`](super::Output).
    ListAccessKeys {
        /// `UserName`.
        user_name: IamUserName,
    }
);

params!(
    /// IAM `CreateAccessKey`. Answer: [`Output::AccessKey`](super::Output) (the secret is
    /// kept in memory only, never in the progress).
    CreateAccessKey {
        /// `UserName`.
        user_name: IamUserName,
    }
);

params!(
    /// IAM `DeleteAccessKey`.
    DeleteAccessKey {
        /// `UserName`.
        user_name: IamUserName,
        /// `AccessKeyId`.
        access_key_id: AccessKeyId,
    }
);

params!(
    /// IAM `DeleteUserPolicy`.
    DeleteUserPolicy {
        /// `UserName`.
        user_name: IamUserName,
        /// `PolicyName`.
        policy_name: IamUserName,
    }
);

params!(
    /// IAM `DeleteUser` (its inline policy and access keys deleted first).
    DeleteUser {
        /// `UserName`.
        user_name: IamUserName,
    }
);
