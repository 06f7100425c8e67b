//! The ledger: what exists in AWS, as far as the answers tell, with what each resource
//! needs to be compared, depended on and deleted.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use super::calls::DnsAccount;
use super::dns_record::DnsRecordSet;
use super::ids::KmsKeyId;
use super::policy::PolicyDocument;
use super::serde_enums;
use crate::binding::Protocol;
use crate::dns::{DkimSigning, DkimToken};
use crate::instance::Topic;
use crate::instance::names::{AlarmName, ConfigurationSetName, IamUserName, KmsAlias, TopicName};
use crate::reputation::AlarmKind;
use crate::values::{AccessKeyId, Arn, DomainName, EmailAddress, HostedZoneId};

/// One resource (or one setting of a resource) the answers say exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resource", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Resource {
    /// The SES configuration set.
    ConfigurationSet {
        /// Its name.
        name: ConfigurationSetName,
    },
    /// Sending on the configuration set as the last pause or resume left it
    /// (`SendingOptions.SendingEnabled`). Absent until one ran: the set was created with
    /// sending enabled. Goes with the set.
    SendingOptions {
        /// The configuration set.
        configuration_set: ConfigurationSetName,
        /// `SendingEnabled`.
        sending_enabled: bool,
    },
    /// The SES email identity, with the DKIM tokens SES gave it.
    EmailIdentity {
        /// The domain.
        domain: DomainName,
        /// The Easy DKIM tokens.
        dkim_tokens: [DkimToken; 3],
        /// The zone the DKIM CNAMEs point into.
        signing_zone: DomainName,
    },
    /// The identity's custom MAIL FROM domain.
    MailFrom {
        /// The identity.
        identity: DomainName,
        /// The MAIL FROM domain.
        domain: DomainName,
    },
    /// A topic's KMS key.
    Key {
        /// The topic it encrypts.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// The key id.
        key_id: KmsKeyId,
        /// The key ARN.
        arn: Arn,
    },
    /// Rotation enabled on a topic's key.
    KeyRotation {
        /// The topic.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// The key id.
        key_id: KmsKeyId,
    },
    /// A topic key's alias.
    Alias {
        /// The topic.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// The alias.
        alias: KmsAlias,
    },
    /// An SNS topic.
    Topic {
        /// Which.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// Its ARN, as `CreateTopic` answered.
        arn: Arn,
    },
    /// A topic's policy.
    TopicPolicy {
        /// The topic.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// The policy set.
        policy: PolicyDocument,
    },
    /// A configuration set event destination to a feedback topic.
    EventDestination {
        /// The topic.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// The configuration set.
        configuration_set: ConfigurationSetName,
        /// The destination's name.
        name: TopicName,
    },
    /// The `admin_email` subscription to the reputation topic.
    AdminSubscription {
        /// The subscription ARN.
        arn: Arn,
        /// The address.
        endpoint: EmailAddress,
    },
    /// A reputation alarm.
    Alarm {
        /// Which.
        #[serde(with = "serde_enums::alarm_kind")]
        kind: AlarmKind,
        /// Its name.
        name: AlarmName,
        /// The description set.
        description: String,
        /// The alarm (and OK) actions set.
        actions: Vec<Arn>,
    },
    /// A generated domain's hosted zone.
    HostedZone {
        /// The DNS account.
        account: DnsAccount,
        /// The zone id.
        id: HostedZoneId,
        /// The zone's name.
        name: DomainName,
        /// Its name servers.
        name_servers: Vec<DomainName>,
    },
    /// The tags on the hosted zone.
    HostedZoneTags {
        /// The zone id.
        id: HostedZoneId,
    },
    /// A record set in the generated domain's zone.
    ZoneRecord {
        /// The DNS account.
        account: DnsAccount,
        /// The zone.
        zone_id: HostedZoneId,
        /// The record set as written.
        record: DnsRecordSet,
    },
    /// The NS delegation in the parent zone.
    ParentNsRecord {
        /// The DNS account.
        account: DnsAccount,
        /// The parent zone.
        zone_id: HostedZoneId,
        /// The record set as written.
        record: DnsRecordSet,
    },
    /// A binding's IAM user.
    User {
        /// Its name.
        name: IamUserName,
    },
    /// The user's inline policy (named as the user).
    UserPolicy {
        /// The user.
        user: IamUserName,
        /// The policy set.
        policy: PolicyDocument,
    },
    /// The user's access key (its secret is never stored).
    AccessKey {
        /// The user.
        user: IamUserName,
        /// The key id.
        id: AccessKeyId,
    },
    /// An access key of the user that no answer created (a key whose `CreateAccessKey`
    /// answer was lost): deleted before a new one is made.
    StrayAccessKey {
        /// The user.
        user: IamUserName,
        /// The key id.
        id: AccessKeyId,
    },
    /// A binding's feedback subscription.
    Subscription {
        /// The instance topic.
        #[serde(with = "serde_enums::topic")]
        topic: Topic,
        /// `email` or `https`.
        #[serde(with = "serde_enums::protocol")]
        protocol: Protocol,
        /// The address or URL.
        endpoint: String,
        /// The subscription ARN.
        arn: Arn,
    },
}

/// A place in the ledger: a resource's identity without its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Slot {
    ConfigurationSet,
    SendingOptions,
    EmailIdentity,
    MailFrom,
    Key(#[serde(with = "serde_enums::topic")] Topic),
    KeyRotation(#[serde(with = "serde_enums::topic")] Topic),
    Alias(#[serde(with = "serde_enums::topic")] Topic),
    Topic(#[serde(with = "serde_enums::topic")] Topic),
    TopicPolicy(#[serde(with = "serde_enums::topic")] Topic),
    EventDestination(#[serde(with = "serde_enums::topic")] Topic),
    AdminSubscription,
    Alarm(#[serde(with = "serde_enums::alarm_kind")] AlarmKind),
    HostedZone,
    HostedZoneTags,
    ZoneRecord {
        name: String,
        record_type: String,
    },
    ParentNsRecord,
    User,
    UserPolicy,
    AccessKey,
    StrayAccessKey(AccessKeyId),
    Subscription(
        #[serde(with = "serde_enums::topic")] Topic,
        #[serde(with = "serde_enums::protocol")] Protocol,
        String,
    ),
}

impl Slot {
    pub(crate) fn of(resource: &Resource) -> Self {
        match resource {
            Resource::ConfigurationSet { .. } => Self::ConfigurationSet,
            Resource::SendingOptions { .. } => Self::SendingOptions,
            Resource::EmailIdentity { .. } => Self::EmailIdentity,
            Resource::MailFrom { .. } => Self::MailFrom,
            Resource::Key { topic, .. } => Self::Key(*topic),
            Resource::KeyRotation { topic, .. } => Self::KeyRotation(*topic),
            Resource::Alias { topic, .. } => Self::Alias(*topic),
            Resource::Topic { topic, .. } => Self::Topic(*topic),
            Resource::TopicPolicy { topic, .. } => Self::TopicPolicy(*topic),
            Resource::EventDestination { topic, .. } => Self::EventDestination(*topic),
            Resource::AdminSubscription { .. } => Self::AdminSubscription,
            Resource::Alarm { kind, .. } => Self::Alarm(*kind),
            Resource::HostedZone { .. } => Self::HostedZone,
            Resource::HostedZoneTags { .. } => Self::HostedZoneTags,
            Resource::ZoneRecord { record, .. } => Self::ZoneRecord {
                name: record.name().into(),
                record_type: record.record_type().into(),
            },
            Resource::ParentNsRecord { .. } => Self::ParentNsRecord,
            Resource::User { .. } => Self::User,
            Resource::UserPolicy { .. } => Self::UserPolicy,
            Resource::AccessKey { .. } => Self::AccessKey,
            Resource::StrayAccessKey { id, .. } => Self::StrayAccessKey(id.clone()),
            Resource::Subscription {
                topic,
                protocol,
                endpoint,
                ..
            } => Self::Subscription(*topic, *protocol, endpoint.clone()),
        }
    }

    /// The position in the delete order: the parent zone's NS record and the zone's records
    /// before the zone; subscriptions and access keys before users; event destinations
    /// (with the configuration set) before topics; topics before their aliases and keys.
    pub(crate) const fn delete_rank(&self) -> u8 {
        match self {
            Self::ParentNsRecord => 0,
            Self::ZoneRecord { .. } => 1,
            Self::HostedZoneTags => 2,
            Self::HostedZone => 3,
            Self::Alarm(_) => 4,
            Self::AdminSubscription => 5,
            Self::Subscription(..) => 6,
            Self::StrayAccessKey(_) => 7,
            Self::AccessKey => 8,
            Self::UserPolicy => 9,
            Self::User => 10,
            Self::EventDestination(_) => 11,
            Self::SendingOptions => 12,
            Self::MailFrom => 13,
            Self::EmailIdentity => 14,
            Self::ConfigurationSet => 15,
            Self::TopicPolicy(_) => 16,
            Self::Topic(_) => 17,
            Self::Alias(_) => 18,
            Self::KeyRotation(_) => 19,
            Self::Key(_) => 20,
        }
    }

    /// The resource whose deletion takes this one with it.
    pub(crate) fn parent(&self) -> Option<Self> {
        match self {
            Self::EventDestination(_) | Self::SendingOptions => Some(Self::ConfigurationSet),
            Self::MailFrom => Some(Self::EmailIdentity),
            Self::TopicPolicy(t) => Some(Self::Topic(*t)),
            Self::KeyRotation(t) => Some(Self::Key(*t)),
            Self::HostedZoneTags => Some(Self::HostedZone),
            _ => None,
        }
    }

    /// Whether removing this setting alone needs no call (it only ever goes with its
    /// parent). Sending options above all: deleting them would have to re-enable sending.
    pub(crate) const fn drops_silently(&self) -> bool {
        matches!(
            self,
            Self::TopicPolicy(_)
                | Self::KeyRotation(_)
                | Self::HostedZoneTags
                | Self::SendingOptions
        )
    }
}

/// Everything the answers say exists for one instance or one binding.
///
/// A caller stores the ledger of a finished provision (it is in the
/// [`Progress`](super::Progress)) and hands it to update and deprovision; likewise a
/// binding's to unbind. Serde.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ledger {
    resources: Vec<Resource>,
}

impl Resource {
    /// Whether the resource belongs to a binding (the IAM user, its policy and keys, the
    /// feedback subscriptions) rather than to an instance.
    #[must_use]
    pub const fn is_binding(&self) -> bool {
        matches!(
            self,
            Self::User { .. }
                | Self::UserPolicy { .. }
                | Self::AccessKey { .. }
                | Self::StrayAccessKey { .. }
                | Self::Subscription { .. }
        )
    }
}

impl Ledger {
    /// The entries `keep` selects (a deprovision keeps an instance's, an unbind a
    /// binding's, so a ledger handed to the wrong one deletes nothing of the other).
    pub(crate) fn only(mut self, keep: impl Fn(&Resource) -> bool) -> Self {
        self.resources.retain(|r| keep(r));
        self
    }

    /// An empty ledger (nothing exists yet).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            resources: Vec::new(),
        }
    }

    /// Every resource, in the order they came to exist.
    pub fn iter(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter()
    }

    /// How many resources.
    #[must_use]
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether nothing exists.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The configuration set, once created.
    #[must_use]
    pub fn configuration_set(&self) -> Option<&ConfigurationSetName> {
        self.resources.iter().find_map(|r| match r {
            Resource::ConfigurationSet { name } => Some(name),
            _ => None,
        })
    }

    /// Whether sending is enabled on the configuration set, as the last pause
    /// (`Some(false)`) or resume (`Some(true)`) left it; `None` when neither ran (the set
    /// was created with sending enabled).
    #[must_use]
    pub fn sending_enabled(&self) -> Option<bool> {
        self.resources.iter().find_map(|r| match r {
            Resource::SendingOptions {
                sending_enabled, ..
            } => Some(*sending_enabled),
            _ => None,
        })
    }

    /// The DKIM tokens and signing zone of the identity, once created.
    #[must_use]
    pub fn dkim_signing(&self) -> Option<DkimSigning> {
        self.resources.iter().find_map(|r| match r {
            Resource::EmailIdentity {
                dkim_tokens,
                signing_zone,
                ..
            } => DkimSigning::new(dkim_tokens.clone(), signing_zone.clone()).ok(),
            _ => None,
        })
    }

    /// A topic's ARN, once created.
    #[must_use]
    pub fn topic_arn(&self, topic: Topic) -> Option<&Arn> {
        self.resources.iter().find_map(|r| match r {
            Resource::Topic { topic: t, arn } if *t == topic => Some(arn),
            _ => None,
        })
    }

    /// A topic key's id, once created.
    #[must_use]
    pub fn key_id(&self, topic: Topic) -> Option<&KmsKeyId> {
        self.resources.iter().find_map(|r| match r {
            Resource::Key {
                topic: t, key_id, ..
            } if *t == topic => Some(key_id),
            _ => None,
        })
    }

    /// The generated domain's hosted zone id and name servers, once created.
    #[must_use]
    pub fn hosted_zone(&self) -> Option<(&HostedZoneId, &[DomainName])> {
        self.resources.iter().find_map(|r| match r {
            Resource::HostedZone {
                id, name_servers, ..
            } => Some((id, name_servers.as_slice())),
            _ => None,
        })
    }

    /// The binding's access key id, once created.
    #[must_use]
    pub fn access_key_id(&self) -> Option<&AccessKeyId> {
        self.resources.iter().find_map(|r| match r {
            Resource::AccessKey { id, .. } => Some(id),
            _ => None,
        })
    }

    pub(crate) fn find(&self, pred: impl Fn(&Resource) -> bool) -> Option<&Resource> {
        self.resources.iter().find(|r| pred(r))
    }

    /// Adds `resource`, replacing any entry of the same slot.
    pub(crate) fn put(&mut self, resource: Resource) {
        let slot = Slot::of(&resource);
        if let Some(existing) = self.resources.iter_mut().find(|r| Slot::of(r) == slot) {
            *existing = resource;
        } else {
            self.resources.push(resource);
        }
    }

    /// Removes every entry `pred` selects.
    pub(crate) fn remove(&mut self, pred: impl Fn(&Resource) -> bool) {
        self.resources.retain(|r| !pred(r));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn rank(slot: &Slot) -> u8 {
        slot.delete_rank()
    }

    #[test]
    fn delete_order_is_one_aws_accepts() {
        let t = Topic::Bounce;
        let before = |a: Slot, b: Slot| assert!(rank(&a) < rank(&b), "{a:?} before {b:?}");
        // The parent zone's NS record and the zone's records before the zone.
        before(Slot::ParentNsRecord, Slot::HostedZone);
        before(
            Slot::ZoneRecord {
                name: "a.gov".into(),
                record_type: "TXT".into(),
            },
            Slot::HostedZone,
        );
        // Subscriptions and access keys before topics and users.
        before(Slot::AdminSubscription, Slot::Topic(Topic::Reputation));
        before(
            Slot::Subscription(t, Protocol::Email, "e".into()),
            Slot::Topic(t),
        );
        before(Slot::AccessKey, Slot::User);
        before(
            Slot::StrayAccessKey(AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE").unwrap()),
            Slot::User,
        );
        before(Slot::UserPolicy, Slot::User);
        // Event destinations (alone, or with their set) before topics; topics before keys.
        before(Slot::EventDestination(t), Slot::Topic(t));
        before(Slot::ConfigurationSet, Slot::Topic(t));
        before(Slot::Topic(t), Slot::Alias(t));
        before(Slot::Topic(t), Slot::Key(t));
        before(Slot::EmailIdentity, Slot::ConfigurationSet);
    }

    #[test]
    fn put_replaces_the_entry_of_the_same_slot() {
        let mut ledger = Ledger::new();
        let identity = DomainName::parse("agency.gov").unwrap();
        for sub in ["a", "b"] {
            ledger.put(Resource::MailFrom {
                identity: identity.clone(),
                domain: DomainName::parse(&format!("{sub}.agency.gov")).unwrap(),
            });
        }
        assert_eq!(ledger.len(), 1);
        assert!(matches!(
            ledger.iter().next(),
            Some(Resource::MailFrom { domain, .. }) if domain.as_str() == "b.agency.gov"
        ));
        ledger.remove(|r| Slot::of(r) == Slot::MailFrom);
        assert!(ledger.is_empty());
    }
}
