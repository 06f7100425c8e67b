//! From a step to the operation that performs it, with the values earlier answers gave
//! (key ids, topic ARNs, the zone id and name servers, the DKIM tokens).

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use super::calls::{
    ChangeAction, ChangeResourceRecordSets, ChangeTagsForResource, CreateAccessKey, CreateAlias,
    CreateConfigurationSet, CreateConfigurationSetEventDestination, CreateEmailIdentity,
    CreateHostedZone, CreateKey, CreateTopic, CreateUser, DeleteAccessKey, DeleteAlarms,
    DeleteAlias, DeleteConfigurationSet, DeleteConfigurationSetEventDestination,
    DeleteEmailIdentity, DeleteHostedZone, DeleteTopic, DeleteUser, DeleteUserPolicy, DescribeKey,
    EnableKeyRotation, EventType, GetHostedZone, ListAccessKeys, ListHostedZonesByName, ListKeys,
    MxFailure, PutConfigurationSetSendingOptions, PutUserPolicy, ScheduleKeyDeletion,
    SetIdentityMailFromDomain, SetTopicAttributes, Subscribe, SuppressionReason, TlsPolicy,
    Unsubscribe,
};
use super::error::DriveError;
use super::ids::KmsKeyId;
use super::ledger::Slot;
use super::ledger::{Ledger, Resource};
use super::operation::Operation;
use super::reconcile::{Memory, alarm_actions, desired_parent_record, desired_zone_records};
use super::state::{BindingState, InstanceState, KEY_DELETION_WINDOW_DAYS};
use super::target::Target;
use crate::binding::Protocol;
use crate::instance::Topic;
use crate::values::{DomainName, HostedZoneId};

/// What an outstanding operation is for, so its answer lands in the right place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Action {
    /// Create the slot's resource or put its settings.
    Put(Slot),
    /// Delete the resource.
    Delete(Resource),
    /// List the user's access keys (before a create, or to recover a lost one).
    ListAccessKeys,
    /// List zones of the domain's name (before a create, or to recover a lost one).
    ListZones,
    /// Read a zone found by listing, to adopt it.
    AdoptZone(HostedZoneId, DomainName),
    /// One page of the account's keys, looking for a lost one.
    ListKeys,
    /// One key's description, looking for a lost one.
    DescribeKey(KmsKeyId),
}

/// How many zones `ListHostedZonesByName` lists: our name sorts first, and Route 53 may
/// hold more than one zone of a name.
const ZONES_LISTED: u8 = 10;

const fn event_type(topic: Topic) -> EventType {
    match topic {
        Topic::Complaint => EventType::Complaint,
        Topic::Delivery => EventType::Delivery,
        _ => EventType::Bounce,
    }
}

fn missing(what: &'static str) -> DriveError {
    DriveError::MissingDependency(what)
}

/// The operation looking for what an unanswered create (`CreateKey`, `CreateAccessKey`,
/// `CreateHostedZone`) may have made, or `None` once the search is over.
pub(crate) fn recovery(create: &Operation, memory: &Memory) -> Option<(Action, Operation)> {
    match create {
        Operation::CreateKey(_) => {
            let search = &memory.key_search;
            if search.done {
                None
            } else if let Some(key_id) = search.queue.first() {
                Some((
                    Action::DescribeKey(key_id.clone()),
                    Operation::DescribeKey(DescribeKey {
                        key_id: key_id.clone(),
                    }),
                ))
            } else if !search.started || search.marker.is_some() {
                Some((
                    Action::ListKeys,
                    Operation::ListKeys(ListKeys {
                        marker: search.marker.clone(),
                    }),
                ))
            } else {
                None
            }
        }
        Operation::CreateAccessKey(create) => (!memory.keys_listed).then(|| {
            (
                Action::ListAccessKeys,
                Operation::ListAccessKeys(ListAccessKeys {
                    user_name: create.user_name.clone(),
                }),
            )
        }),
        Operation::CreateHostedZone(create) => {
            if let Some((id, zone)) = &memory.zone_candidate {
                Some((
                    Action::AdoptZone(id.clone(), zone.clone()),
                    Operation::GetHostedZone(GetHostedZone {
                        account: create.account.clone(),
                        id: id.clone(),
                    }),
                ))
            } else if memory.zones_listed {
                None
            } else {
                Some((
                    Action::ListZones,
                    Operation::ListHostedZonesByName(ListHostedZonesByName {
                        account: create.account.clone(),
                        dns_name: create.name.clone(),
                        max_items: ZONES_LISTED,
                    }),
                ))
            }
        }
        _ => None,
    }
}

/// The operation deleting `resource`, or `None` for a setting that goes with its parent
/// and needs no call of its own.
pub(crate) fn delete(resource: &Resource) -> Option<Operation> {
    Some(match resource {
        Resource::ConfigurationSet { name } => {
            Operation::DeleteConfigurationSet(DeleteConfigurationSet {
                configuration_set_name: name.clone(),
            })
        }
        Resource::EmailIdentity { domain, .. } => {
            Operation::DeleteEmailIdentity(DeleteEmailIdentity {
                email_identity: domain.clone(),
            })
        }
        Resource::MailFrom { identity, .. } => {
            Operation::SetIdentityMailFromDomain(SetIdentityMailFromDomain {
                identity: identity.clone(),
                mail_from_domain: None,
                behavior_on_mx_failure: MxFailure::UseDefaultValue,
            })
        }
        Resource::Key { key_id, .. } => Operation::ScheduleKeyDeletion(ScheduleKeyDeletion {
            key_id: key_id.clone(),
            pending_window_in_days: KEY_DELETION_WINDOW_DAYS,
        }),
        Resource::Alias { alias, .. } => Operation::DeleteAlias(DeleteAlias {
            alias_name: alias.clone(),
        }),
        Resource::Topic { arn, .. } => Operation::DeleteTopic(DeleteTopic {
            topic_arn: arn.clone(),
        }),
        Resource::EventDestination {
            configuration_set,
            name,
            ..
        } => Operation::DeleteConfigurationSetEventDestination(
            DeleteConfigurationSetEventDestination {
                configuration_set_name: configuration_set.clone(),
                event_destination_name: name.clone(),
            },
        ),
        Resource::AdminSubscription { arn, .. } | Resource::Subscription { arn, .. } => {
            Operation::Unsubscribe(Unsubscribe {
                subscription_arn: arn.clone(),
            })
        }
        Resource::Alarm { name, .. } => Operation::DeleteAlarms(DeleteAlarms {
            alarm_names: vec![name.clone()],
        }),
        Resource::HostedZone { account, id, .. } => Operation::DeleteHostedZone(DeleteHostedZone {
            account: account.clone(),
            id: id.clone(),
        }),
        Resource::ZoneRecord {
            account,
            zone_id,
            record,
        }
        | Resource::ParentNsRecord {
            account,
            zone_id,
            record,
        } => Operation::ChangeResourceRecordSets(ChangeResourceRecordSets {
            account: account.clone(),
            hosted_zone_id: zone_id.clone(),
            action: ChangeAction::Delete,
            record_set: record.clone(),
        }),
        Resource::User { name } => Operation::DeleteUser(DeleteUser {
            user_name: name.clone(),
        }),
        Resource::UserPolicy { user, .. } => Operation::DeleteUserPolicy(DeleteUserPolicy {
            user_name: user.clone(),
            policy_name: user.clone(),
        }),
        Resource::AccessKey { user, id } | Resource::StrayAccessKey { user, id } => {
            Operation::DeleteAccessKey(DeleteAccessKey {
                user_name: user.clone(),
                access_key_id: id.clone(),
            })
        }
        Resource::TopicPolicy { .. }
        | Resource::HostedZoneTags { .. }
        | Resource::KeyRotation { .. }
        | Resource::SendingOptions { .. } => return None,
    })
}

/// The operation creating or putting `slot` (or, before a create that is not idempotent,
/// the listing that makes it safe).
pub(crate) fn put(
    slot: &Slot,
    target: &Target,
    ledger: &Ledger,
    memory: &Memory,
) -> Result<(Action, Operation), DriveError> {
    match target {
        Target::Instance(state) => put_instance(slot, state, ledger, memory),
        Target::Binding(state) => put_binding(slot, state, memory),
        Target::Sending { enabled } => match slot {
            Slot::SendingOptions => simple(
                slot,
                Operation::PutConfigurationSetSendingOptions(PutConfigurationSetSendingOptions {
                    configuration_set_name: ledger
                        .configuration_set()
                        .cloned()
                        .ok_or(missing("configuration set"))?,
                    sending_enabled: *enabled,
                }),
            ),
            _ => Err(missing("instance or binding target")),
        },
        Target::Nothing => Err(missing("target")),
    }
}

fn simple(slot: &Slot, op: Operation) -> Result<(Action, Operation), DriveError> {
    Ok((Action::Put(slot.clone()), op))
}

fn put_instance(
    slot: &Slot,
    state: &InstanceState,
    ledger: &Ledger,
    memory: &Memory,
) -> Result<(Action, Operation), DriveError> {
    let topic_state = |t: Topic| state.topic(t).ok_or(missing("topic in the target"));
    let topic_arn = |t: Topic| ledger.topic_arn(t).cloned().ok_or(missing("topic"));
    let key_id = |t: Topic| ledger.key_id(t).cloned().ok_or(missing("kms key"));
    let dns = || {
        state
            .generated_dns
            .as_ref()
            .ok_or(missing("generated domain"))
    };
    let zone_id = || {
        ledger
            .hosted_zone()
            .map(|(id, _)| id.clone())
            .ok_or(missing("hosted zone"))
    };
    match slot {
        Slot::ConfigurationSet => simple(
            slot,
            Operation::CreateConfigurationSet(CreateConfigurationSet {
                configuration_set_name: state.configuration_set.clone(),
                tls_policy: TlsPolicy::Require,
                reputation_metrics_enabled: true,
                suppressed_reasons: vec![SuppressionReason::Bounce, SuppressionReason::Complaint],
                sending_enabled: true,
                tags: state.tags.clone(),
            }),
        ),
        Slot::EmailIdentity => simple(
            slot,
            Operation::CreateEmailIdentity(CreateEmailIdentity {
                email_identity: state.domain.clone(),
                configuration_set_name: state.configuration_set.clone(),
                tags: state.tags.clone(),
            }),
        ),
        Slot::MailFrom => simple(
            slot,
            Operation::SetIdentityMailFromDomain(SetIdentityMailFromDomain {
                identity: state.domain.clone(),
                mail_from_domain: state.mail_from.clone(),
                behavior_on_mx_failure: MxFailure::UseDefaultValue,
            }),
        ),
        Slot::Key(t) => {
            let topic = topic_state(*t)?;
            Ok((
                Action::Put(slot.clone()),
                Operation::CreateKey(CreateKey {
                    description: topic.key_description.clone(),
                    policy: topic.key_policy.clone(),
                    tags: state.tags.clone(),
                }),
            ))
        }
        Slot::KeyRotation(t) => simple(
            slot,
            Operation::EnableKeyRotation(EnableKeyRotation {
                key_id: key_id(*t)?,
            }),
        ),
        Slot::Alias(t) => simple(
            slot,
            Operation::CreateAlias(CreateAlias {
                alias_name: topic_state(*t)?.alias.clone(),
                target_key_id: key_id(*t)?,
            }),
        ),
        Slot::Topic(t) => {
            let topic = topic_state(*t)?;
            simple(
                slot,
                Operation::CreateTopic(CreateTopic {
                    name: topic.name.clone(),
                    kms_master_key_id: topic.alias.clone(),
                    tags: state.tags.clone(),
                }),
            )
        }
        Slot::TopicPolicy(t) => simple(
            slot,
            Operation::SetTopicAttributes(SetTopicAttributes {
                topic_arn: topic_arn(*t)?,
                policy: topic_state(*t)?.topic_policy.clone(),
            }),
        ),
        Slot::EventDestination(t) => simple(
            slot,
            Operation::CreateConfigurationSetEventDestination(
                CreateConfigurationSetEventDestination {
                    configuration_set_name: state.configuration_set.clone(),
                    event_destination_name: topic_state(*t)?.name.clone(),
                    enabled: true,
                    matching_event_types: vec![event_type(*t)],
                    topic_arn: topic_arn(*t)?,
                },
            ),
        ),
        Slot::AdminSubscription => simple(
            slot,
            Operation::Subscribe(Subscribe {
                topic_arn: topic_arn(Topic::Reputation)?,
                protocol: Protocol::Email,
                endpoint: state.admin_email.as_str().to_owned(),
                return_subscription_arn: true,
            }),
        ),
        Slot::Alarm(kind) => {
            let mut alarm = state
                .alarms
                .iter()
                .find(|a| a.kind == *kind)
                .cloned()
                .ok_or(missing("alarm in the target"))?;
            alarm.alarm_actions = alarm_actions(&alarm.alarm_actions, state, ledger);
            alarm.ok_actions = alarm_actions(&alarm.ok_actions, state, ledger);
            simple(slot, Operation::PutMetricAlarm(alarm))
        }
        Slot::HostedZone => {
            let dns = dns()?;
            if let Some((id, zone)) = &memory.zone_candidate {
                return Ok((
                    Action::AdoptZone(id.clone(), zone.clone()),
                    Operation::GetHostedZone(GetHostedZone {
                        account: dns.account.clone(),
                        id: id.clone(),
                    }),
                ));
            }
            if !memory.zones_listed {
                return Ok((
                    Action::ListZones,
                    Operation::ListHostedZonesByName(ListHostedZonesByName {
                        account: dns.account.clone(),
                        dns_name: state.domain.clone(),
                        max_items: ZONES_LISTED,
                    }),
                ));
            }
            Ok((
                Action::Put(slot.clone()),
                Operation::CreateHostedZone(CreateHostedZone {
                    account: dns.account.clone(),
                    name: state.domain.clone(),
                    caller_reference_stem: format!("ses-broker/{}", state.instance_id),
                    comment: dns.comment.clone(),
                }),
            ))
        }
        Slot::HostedZoneTags => simple(
            slot,
            Operation::ChangeTagsForResource(ChangeTagsForResource {
                account: dns()?.account.clone(),
                resource_id: zone_id()?,
                add_tags: state.tags.clone(),
            }),
        ),
        Slot::ZoneRecord { name, record_type } => {
            let record = desired_zone_records(state, ledger)?
                .unwrap_or_default()
                .into_iter()
                .find(|r| r.name() == name && r.record_type() == record_type)
                .ok_or(missing("dkim tokens"))?;
            simple(
                slot,
                Operation::ChangeResourceRecordSets(ChangeResourceRecordSets {
                    account: dns()?.account.clone(),
                    hosted_zone_id: zone_id()?,
                    action: ChangeAction::Upsert,
                    record_set: record,
                }),
            )
        }
        Slot::ParentNsRecord => {
            let dns = dns()?;
            simple(
                slot,
                Operation::ChangeResourceRecordSets(ChangeResourceRecordSets {
                    account: dns.account.clone(),
                    hosted_zone_id: dns.parent_zone_id.clone(),
                    action: ChangeAction::Upsert,
                    record_set: desired_parent_record(state, ledger)?
                        .ok_or(missing("hosted zone"))?,
                }),
            )
        }
        _ => Err(missing("binding target")),
    }
}

fn put_binding(
    slot: &Slot,
    state: &BindingState,
    memory: &Memory,
) -> Result<(Action, Operation), DriveError> {
    match slot {
        Slot::User => simple(
            slot,
            Operation::CreateUser(CreateUser {
                user_name: state.user_name.clone(),
                path: state.path.clone(),
                tags: state.tags.clone(),
            }),
        ),
        Slot::UserPolicy => simple(
            slot,
            Operation::PutUserPolicy(PutUserPolicy {
                user_name: state.user_name.clone(),
                policy_name: state.user_name.clone(),
                policy_document: state.policy.clone(),
            }),
        ),
        Slot::AccessKey if !memory.keys_listed => Ok((
            Action::ListAccessKeys,
            Operation::ListAccessKeys(ListAccessKeys {
                user_name: state.user_name.clone(),
            }),
        )),
        Slot::AccessKey => Ok((
            Action::Put(slot.clone()),
            Operation::CreateAccessKey(CreateAccessKey {
                user_name: state.user_name.clone(),
            }),
        )),
        Slot::Subscription(topic, protocol, endpoint) => {
            let wanted = state
                .subscriptions
                .iter()
                .find(|s| s.topic == *topic && s.protocol == *protocol && s.endpoint == *endpoint)
                .ok_or(missing("subscription in the target"))?;
            simple(
                slot,
                Operation::Subscribe(Subscribe {
                    topic_arn: wanted.topic_arn.clone(),
                    protocol: *protocol,
                    endpoint: endpoint.clone(),
                    return_subscription_arn: true,
                }),
            )
        }
        _ => Err(missing("instance target")),
    }
}
