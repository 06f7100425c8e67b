//! The operations the core hands out: each one AWS API call, named by its service and its
//! API operation, with typed parameters.
//!
//! The parameter structs are in the sibling `calls` module, re-exported here.

use serde::{Deserialize, Serialize};

use super::alarm::PutMetricAlarm;
use super::calls::{
    ChangeAction, ChangeResourceRecordSets, ChangeTagsForResource, CreateAccessKey, CreateAlias,
    CreateConfigurationSet, CreateConfigurationSetEventDestination, CreateEmailIdentity,
    CreateHostedZone, CreateKey, CreateTopic, CreateUser, DeleteAccessKey, DeleteAlarms,
    DeleteAlias, DeleteConfigurationSet, DeleteConfigurationSetEventDestination,
    DeleteEmailIdentity, DeleteHostedZone, DeleteTopic, DeleteUser, DeleteUserPolicy, DescribeKey,
    EnableKeyRotation, GetHostedZone, ListAccessKeys, ListHostedZonesByName, ListKeys,
    PutConfigurationSetSendingOptions, PutUserPolicy, ScheduleKeyDeletion,
    SetIdentityMailFromDomain, SetTopicAttributes, Subscribe, Unsubscribe,
};

/// The AWS service an operation goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Service {
    /// Amazon SES API v2 (`sesv2`; the Rust SDK crate `aws-sdk-sesv2`).
    SesV2,
    /// Amazon SES API v1 (`ses`; `aws-sdk-ses`), for the settings the v2 API and moto do not
    /// share (event destinations, MAIL FROM). In AWS both act on the same resources.
    Ses,
    /// Amazon SNS.
    Sns,
    /// AWS KMS.
    Kms,
    /// AWS IAM.
    Iam,
    /// Amazon CloudWatch.
    CloudWatch,
    /// Amazon Route 53, always in the DNS account ([`DnsAccount`](crate::aws::DnsAccount)).
    Route53,
}

impl Service {
    /// The service's name in SDKs and endpoints: `sesv2`, `ses`, `sns`, `kms`, `iam`,
    /// `cloudwatch`, `route53`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SesV2 => "sesv2",
            Self::Ses => "ses",
            Self::Sns => "sns",
            Self::Kms => "kms",
            Self::Iam => "iam",
            Self::CloudWatch => "cloudwatch",
            Self::Route53 => "route53",
        }
    }
}

impl core::fmt::Display for Service {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One AWS API call the core asks the caller to make.
///
/// [`Self::service`] and [`Self::name`] name the call; the variant's parameters are typed.
/// The caller maps each variant to exactly one SDK call and answers with an
/// [`Answer`](super::Answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "operation", content = "parameters")]
#[non_exhaustive]
pub enum Operation {
    /// SES v2 `CreateConfigurationSet`.
    CreateConfigurationSet(CreateConfigurationSet),
    /// SES v2 `DeleteConfigurationSet`.
    DeleteConfigurationSet(DeleteConfigurationSet),
    /// SES v2 `PutConfigurationSetSendingOptions` (pause or re-enable sending).
    PutConfigurationSetSendingOptions(PutConfigurationSetSendingOptions),
    /// SES v2 `CreateEmailIdentity`.
    CreateEmailIdentity(CreateEmailIdentity),
    /// SES v2 `DeleteEmailIdentity`.
    DeleteEmailIdentity(DeleteEmailIdentity),
    /// SES v1 `SetIdentityMailFromDomain`.
    SetIdentityMailFromDomain(SetIdentityMailFromDomain),
    /// SES v1 `CreateConfigurationSetEventDestination`.
    CreateConfigurationSetEventDestination(CreateConfigurationSetEventDestination),
    /// SES v1 `DeleteConfigurationSetEventDestination`.
    DeleteConfigurationSetEventDestination(DeleteConfigurationSetEventDestination),
    /// KMS `CreateKey`.
    CreateKey(CreateKey),
    /// KMS `EnableKeyRotation`.
    EnableKeyRotation(EnableKeyRotation),
    /// KMS `CreateAlias`.
    CreateAlias(CreateAlias),
    /// KMS `DeleteAlias`.
    DeleteAlias(DeleteAlias),
    /// KMS `ScheduleKeyDeletion`.
    ScheduleKeyDeletion(ScheduleKeyDeletion),
    /// KMS `ListKeys`.
    ListKeys(ListKeys),
    /// KMS `DescribeKey`.
    DescribeKey(DescribeKey),
    /// SNS `CreateTopic`.
    CreateTopic(CreateTopic),
    /// SNS `SetTopicAttributes`.
    SetTopicAttributes(SetTopicAttributes),
    /// SNS `DeleteTopic`.
    DeleteTopic(DeleteTopic),
    /// SNS `Subscribe`.
    Subscribe(Subscribe),
    /// SNS `Unsubscribe`.
    Unsubscribe(Unsubscribe),
    /// CloudWatch `PutMetricAlarm`.
    PutMetricAlarm(PutMetricAlarm),
    /// CloudWatch `DeleteAlarms`.
    DeleteAlarms(DeleteAlarms),
    /// Route 53 `ListHostedZonesByName`.
    ListHostedZonesByName(ListHostedZonesByName),
    /// Route 53 `GetHostedZone`.
    GetHostedZone(GetHostedZone),
    /// Route 53 `CreateHostedZone`.
    CreateHostedZone(CreateHostedZone),
    /// Route 53 `ChangeTagsForResource`.
    ChangeTagsForResource(ChangeTagsForResource),
    /// Route 53 `ChangeResourceRecordSets`.
    ChangeResourceRecordSets(ChangeResourceRecordSets),
    /// Route 53 `DeleteHostedZone`.
    DeleteHostedZone(DeleteHostedZone),
    /// IAM `CreateUser`.
    CreateUser(CreateUser),
    /// IAM `PutUserPolicy`.
    PutUserPolicy(PutUserPolicy),
    /// IAM `ListAccessKeys`.
    ListAccessKeys(ListAccessKeys),
    /// IAM `CreateAccessKey`.
    CreateAccessKey(CreateAccessKey),
    /// IAM `DeleteAccessKey`.
    DeleteAccessKey(DeleteAccessKey),
    /// IAM `DeleteUserPolicy`.
    DeleteUserPolicy(DeleteUserPolicy),
    /// IAM `DeleteUser`.
    DeleteUser(DeleteUser),
}

impl Operation {
    /// The service the call goes to.
    #[must_use]
    pub const fn service(&self) -> Service {
        match self {
            Self::CreateConfigurationSet(_)
            | Self::DeleteConfigurationSet(_)
            | Self::PutConfigurationSetSendingOptions(_)
            | Self::CreateEmailIdentity(_)
            | Self::DeleteEmailIdentity(_) => Service::SesV2,
            Self::SetIdentityMailFromDomain(_)
            | Self::CreateConfigurationSetEventDestination(_)
            | Self::DeleteConfigurationSetEventDestination(_) => Service::Ses,
            Self::CreateKey(_)
            | Self::EnableKeyRotation(_)
            | Self::CreateAlias(_)
            | Self::DeleteAlias(_)
            | Self::ScheduleKeyDeletion(_)
            | Self::ListKeys(_)
            | Self::DescribeKey(_) => Service::Kms,
            Self::CreateTopic(_)
            | Self::SetTopicAttributes(_)
            | Self::DeleteTopic(_)
            | Self::Subscribe(_)
            | Self::Unsubscribe(_) => Service::Sns,
            Self::PutMetricAlarm(_) | Self::DeleteAlarms(_) => Service::CloudWatch,
            Self::ListHostedZonesByName(_)
            | Self::GetHostedZone(_)
            | Self::CreateHostedZone(_)
            | Self::ChangeTagsForResource(_)
            | Self::ChangeResourceRecordSets(_)
            | Self::DeleteHostedZone(_) => Service::Route53,
            Self::CreateUser(_)
            | Self::PutUserPolicy(_)
            | Self::ListAccessKeys(_)
            | Self::CreateAccessKey(_)
            | Self::DeleteAccessKey(_)
            | Self::DeleteUserPolicy(_)
            | Self::DeleteUser(_) => Service::Iam,
        }
    }

    /// The AWS API operation name, e.g. `CreateEmailIdentity`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::CreateConfigurationSet(_) => "CreateConfigurationSet",
            Self::DeleteConfigurationSet(_) => "DeleteConfigurationSet",
            Self::PutConfigurationSetSendingOptions(_) => "PutConfigurationSetSendingOptions",
            Self::CreateEmailIdentity(_) => "CreateEmailIdentity",
            Self::DeleteEmailIdentity(_) => "DeleteEmailIdentity",
            Self::SetIdentityMailFromDomain(_) => "SetIdentityMailFromDomain",
            Self::CreateConfigurationSetEventDestination(_) => {
                "CreateConfigurationSetEventDestination"
            }
            Self::DeleteConfigurationSetEventDestination(_) => {
                "DeleteConfigurationSetEventDestination"
            }
            Self::CreateKey(_) => "CreateKey",
            Self::EnableKeyRotation(_) => "EnableKeyRotation",
            Self::CreateAlias(_) => "CreateAlias",
            Self::DeleteAlias(_) => "DeleteAlias",
            Self::ScheduleKeyDeletion(_) => "ScheduleKeyDeletion",
            Self::ListKeys(_) => "ListKeys",
            Self::DescribeKey(_) => "DescribeKey",
            Self::CreateTopic(_) => "CreateTopic",
            Self::SetTopicAttributes(_) => "SetTopicAttributes",
            Self::DeleteTopic(_) => "DeleteTopic",
            Self::Subscribe(_) => "Subscribe",
            Self::Unsubscribe(_) => "Unsubscribe",
            Self::PutMetricAlarm(_) => "PutMetricAlarm",
            Self::DeleteAlarms(_) => "DeleteAlarms",
            Self::ListHostedZonesByName(_) => "ListHostedZonesByName",
            Self::GetHostedZone(_) => "GetHostedZone",
            Self::CreateHostedZone(_) => "CreateHostedZone",
            Self::ChangeTagsForResource(_) => "ChangeTagsForResource",
            Self::ChangeResourceRecordSets(_) => "ChangeResourceRecordSets",
            Self::DeleteHostedZone(_) => "DeleteHostedZone",
            Self::CreateUser(_) => "CreateUser",
            Self::PutUserPolicy(_) => "PutUserPolicy",
            Self::ListAccessKeys(_) => "ListAccessKeys",
            Self::CreateAccessKey(_) => "CreateAccessKey",
            Self::DeleteAccessKey(_) => "DeleteAccessKey",
            Self::DeleteUserPolicy(_) => "DeleteUserPolicy",
            Self::DeleteUser(_) => "DeleteUser",
        }
    }

    /// Whether the call deletes something (a `NotFound` answer to it is success).
    #[must_use]
    pub const fn is_delete(&self) -> bool {
        matches!(
            self,
            Self::DeleteConfigurationSet(_)
                | Self::DeleteEmailIdentity(_)
                | Self::DeleteConfigurationSetEventDestination(_)
                | Self::DeleteAlias(_)
                | Self::ScheduleKeyDeletion(_)
                | Self::DeleteTopic(_)
                | Self::Unsubscribe(_)
                | Self::DeleteAlarms(_)
                | Self::DeleteHostedZone(_)
                | Self::DeleteAccessKey(_)
                | Self::DeleteUserPolicy(_)
                | Self::DeleteUser(_)
        ) || matches!(
            self,
            Self::ChangeResourceRecordSets(ChangeResourceRecordSets {
                action: ChangeAction::Delete,
                ..
            })
        )
    }
}

impl core::fmt::Display for Operation {
    /// `sesv2:CreateEmailIdentity`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}", self.service(), self.name())
    }
}
