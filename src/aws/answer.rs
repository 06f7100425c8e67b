//! What the caller feeds back after making an operation's call.

use crate::prelude::*;
use core::fmt;

use super::ids::KmsKeyId;
use crate::dns::DkimToken;
use crate::values::{AccessKey, AccessKeyId, Arn, DomainName, HostedZoneId};

/// The answer to one [`Operation`](super::Operation).
///
/// - [`Answer::Done`] when the call succeeded, with what AWS returned that the core needs.
/// - [`Answer::AlreadyExists`] when a create found the resource there (the adapter reads
///   the resource back and reports its settings, so the core can tell "ours, same
///   settings" from "something else").
/// - [`Answer::NotFound`] when the resource is not there (success for a delete).
/// - [`Answer::Failed`] for any other error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// The call succeeded.
    Done(Output),
    /// A create found the resource already there, with these settings.
    AlreadyExists(Observed),
    /// The resource does not exist.
    NotFound,
    /// The call failed.
    Failed(Failure),
}

impl Answer {
    /// `Done(Output::Nothing)`: success with nothing to report.
    #[must_use]
    pub const fn done() -> Self {
        Self::Done(Output::Nothing)
    }

    /// A failure of `kind` with AWS's error code and message.
    #[must_use]
    pub fn failed(kind: FailureKind, code: &str, message: &str) -> Self {
        Self::Failed(Failure::new(kind, code, message))
    }

    /// The answer's kind, for messages: `done`, `already exists`, `not found`, `failed`.
    #[must_use]
    pub const fn kind_name(&self) -> &'static str {
        match self {
            Self::Done(_) => "done",
            Self::AlreadyExists(_) => "already exists",
            Self::NotFound => "not found",
            Self::Failed(_) => "failed",
        }
    }
}

/// What a successful call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// Nothing the core needs (deletes, puts, tag changes, rotation, ...).
    Nothing,
    /// `CreateEmailIdentity`: `DkimAttributes.Tokens` and, when SES reports it,
    /// `DkimAttributes.SigningHostedZone` (without it the region's default is used).
    EmailIdentity {
        /// The three Easy DKIM tokens.
        dkim_tokens: [DkimToken; 3],
        /// The zone the DKIM CNAMEs point into.
        signing_hosted_zone: Option<DomainName>,
    },
    /// `CreateKey`: `KeyMetadata.KeyId` and `KeyMetadata.Arn`.
    Key {
        /// The key id.
        key_id: KmsKeyId,
        /// The key ARN.
        arn: Arn,
    },
    /// `ListKeys`: one page of key ids and the marker of the next page (`None` when
    /// `Truncated` is false).
    KeyList {
        /// `Keys[].KeyId`.
        key_ids: Vec<KmsKeyId>,
        /// `NextMarker`.
        next_marker: Option<String>,
    },
    /// `DescribeKey`: the key's metadata.
    KeyDescription {
        /// `KeyMetadata.KeyId`.
        key_id: KmsKeyId,
        /// `KeyMetadata.Arn`.
        arn: Arn,
        /// `KeyMetadata.Description`.
        description: String,
        /// Whether `KeyMetadata.KeyState` is `PendingDeletion` (or `PendingReplicaDeletion`).
        pending_deletion: bool,
    },
    /// `CreateTopic`: `TopicArn`.
    Topic {
        /// The topic ARN.
        arn: Arn,
    },
    /// `Subscribe`: `SubscriptionArn` (with `ReturnSubscriptionArn`, an ARN even while
    /// confirmation is pending).
    Subscription {
        /// The subscription ARN.
        arn: Arn,
    },
    /// `CreateAccessKey`: the new key and its secret.
    AccessKey(AccessKey),
    /// `ListAccessKeys`: `AccessKeyMetadata[].AccessKeyId`.
    AccessKeys(Vec<AccessKeyId>),
    /// `CreateHostedZone` or `GetHostedZone`: the zone id and `DelegationSet.NameServers`.
    HostedZone {
        /// The zone id.
        id: HostedZoneId,
        /// The zone's name servers.
        name_servers: Vec<DomainName>,
    },
    /// `ListHostedZonesByName`: the zones listed.
    HostedZones(Vec<HostedZoneSummary>),
}

/// One zone of a `ListHostedZonesByName` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedZoneSummary {
    /// `Id`.
    pub id: HostedZoneId,
    /// `Name`, without the trailing dot.
    pub name: DomainName,
    /// `Config.Comment`.
    pub comment: Option<String>,
}

/// The settings of a resource a create found already there, as the adapter read them back.
/// A field the adapter could not read is `None` and is not compared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observed {
    /// `CreateConfigurationSet` found a set (SES v2 `GetConfigurationSet`).
    ConfigurationSet {
        /// `DeliveryOptions.TlsPolicy` (`REQUIRE`, `OPTIONAL`).
        tls_policy: Option<String>,
        /// `ReputationOptions.ReputationMetricsEnabled`.
        reputation_metrics_enabled: Option<bool>,
        /// `SuppressionOptions.SuppressedReasons`.
        suppressed_reasons: Option<Vec<String>>,
    },
    /// `CreateEmailIdentity` found an identity (SES v2 `GetEmailIdentity`).
    EmailIdentity {
        /// `ConfigurationSetName`, the identity's default set.
        configuration_set_name: Option<String>,
        /// `DkimAttributes.Tokens` (needed: the records are made from them).
        dkim_tokens: Option<[DkimToken; 3]>,
        /// `DkimAttributes.SigningHostedZone`.
        signing_hosted_zone: Option<DomainName>,
    },
    /// `CreateAlias` found the alias (KMS `ListAliases`).
    Alias {
        /// `TargetKeyId`.
        target_key_id: Option<KmsKeyId>,
    },
    /// `CreateTopic` refused because the topic exists with other attributes (SNS
    /// `GetTopicAttributes`).
    Topic {
        /// `TopicArn`.
        arn: Arn,
        /// `KmsMasterKeyId`.
        kms_master_key_id: Option<String>,
    },
    /// `CreateConfigurationSetEventDestination` found one of that name.
    EventDestination {
        /// `Enabled`.
        enabled: Option<bool>,
        /// `MatchingEventTypes`, as SES returned them (either API's spelling).
        matching_event_types: Option<Vec<String>>,
        /// `SNSDestination.TopicARN`.
        topic_arn: Option<Arn>,
    },
    /// `CreateUser` found the user (IAM `GetUser`).
    User {
        /// `Path`.
        path: Option<String>,
    },
    /// `CreateHostedZone` found a zone (Route 53 `GetHostedZone`).
    HostedZone {
        /// `Id`.
        id: HostedZoneId,
        /// `DelegationSet.NameServers`.
        name_servers: Vec<DomainName>,
        /// `Config.Comment`.
        comment: Option<String>,
    },
}

impl Observed {
    /// The resource kind, for messages.
    #[must_use]
    pub const fn kind_name(&self) -> &'static str {
        match self {
            Self::ConfigurationSet { .. } => "configuration set",
            Self::EmailIdentity { .. } => "email identity",
            Self::Alias { .. } => "kms alias",
            Self::Topic { .. } => "sns topic",
            Self::EventDestination { .. } => "event destination",
            Self::User { .. } => "iam user",
            Self::HostedZone { .. } => "hosted zone",
        }
    }
}

/// How a failed call failed, which decides what the driver does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// AWS throttled the call (`Throttling`, `TooManyRequestsException`, HTTP 429): retry
    /// the same operation after a back-off.
    Throttling,
    /// A failure that may pass (HTTP 5xx, a timeout, a dropped connection): retry the same
    /// operation. The call may have taken effect; the driver allows for that.
    Transient,
    /// A failure retrying will not fix (access denied, a validation error, a limit): the
    /// driver stops, and the caller can roll back.
    Permanent,
}

/// Longest AWS error message kept, in characters.
const MAX_FAILURE_MESSAGE_CHARS: usize = 512;

/// A failed call: its kind, AWS's error code and message (cut to 512 characters, control
/// characters dropped, so a hostile answer cannot flood a log).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Failure {
    kind: FailureKind,
    code: String,
    message: String,
}

impl Failure {
    /// A failure of `kind`, with AWS's error `code` (e.g. `AccessDenied`) and `message`.
    #[must_use]
    pub fn new(kind: FailureKind, code: &str, message: &str) -> Self {
        let clean = |s: &str, max: usize| -> String {
            s.chars().filter(|c| !c.is_control()).take(max).collect()
        };
        Self {
            kind,
            code: clean(code, 128),
            message: clean(message, MAX_FAILURE_MESSAGE_CHARS),
        }
    }

    /// The kind.
    #[must_use]
    pub const fn kind(&self) -> FailureKind {
        self.kind
    }

    /// AWS's error code.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// AWS's message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether retrying the same operation may succeed.
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        matches!(self.kind, FailureKind::Throttling | FailureKind::Transient)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FailureKind::Throttling => "throttled",
            FailureKind::Transient => "transient failure",
            FailureKind::Permanent => "failure",
        };
        if self.message.is_empty() {
            write!(f, "{kind} {}", self.code)
        } else {
            write!(f, "{kind} {}: {}", self.code, self.message)
        }
    }
}

impl From<Failure> for Answer {
    fn from(f: Failure) -> Self {
        Self::Failed(f)
    }
}

impl From<Output> for Answer {
    fn from(o: Output) -> Self {
        Self::Done(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_drop_control_characters_and_are_cut() {
        let long = "m".repeat(2000);
        let f = Failure::new(
            FailureKind::Permanent,
            "Access\nDenied",
            &format!("a\u{1b}[31m{long}"),
        );
        assert_eq!(f.code(), "AccessDenied");
        assert!(!f.message().contains('\u{1b}'));
        assert_eq!(f.message().chars().count(), MAX_FAILURE_MESSAGE_CHARS);
        assert!(!f.is_retryable());
        assert!(Failure::new(FailureKind::Throttling, "Throttling", "").is_retryable());
        assert_eq!(
            Failure::new(FailureKind::Transient, "Timeout", "").to_string(),
            "transient failure Timeout"
        );
    }
}
