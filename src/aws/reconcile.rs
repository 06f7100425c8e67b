//! Choosing the next step: compare the target with the ledger, delete what should not be
//! there (in an order AWS accepts), then create or update what is missing or differs (in
//! dependency order).
//!
//! The choice is recomputed from the target and the ledger at every step, so provision,
//! update (only the difference), deprovision, bind, unbind, a pause or re-enable of
//! sending, resume and rollback are one procedure: a rollback is the same walk towards
//! another target.

use super::dns_record::DnsRecordSet;
use super::ledger::{Ledger, Resource, Slot};
use super::state::{BindingState, InstanceState};
use super::target::Target;
use crate::dns::{BrokerManagedRecords, DnsError};
use crate::instance::Topic;
use crate::prelude::*;
use crate::values::{AccessKey, Arn};

/// What the driver knows that the progress does not store.
#[derive(Debug, Default)]
pub(crate) struct Memory {
    /// The binding's access key, from the `CreateAccessKey` answer of this process.
    pub(crate) access_key: Option<AccessKey>,
    /// Whether the user's keys were listed since the last `CreateAccessKey`.
    pub(crate) keys_listed: bool,
    /// Whether zones of the domain's name were listed since the last `CreateHostedZone`.
    pub(crate) zones_listed: bool,
    /// A zone of our name and comment found by listing, to adopt.
    pub(crate) zone_candidate: Option<(crate::values::HostedZoneId, crate::values::DomainName)>,
    /// The search for a key whose `CreateKey` answer may have been lost.
    pub(crate) key_search: KeySearch,
}

/// A walk through the account's keys (`ListKeys`, then `DescribeKey` each) for one whose
/// description is ours.
#[derive(Debug, Default)]
pub(crate) struct KeySearch {
    pub(crate) done: bool,
    pub(crate) started: bool,
    pub(crate) marker: Option<String>,
    pub(crate) queue: Vec<super::ids::KmsKeyId>,
}

/// The next thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Create the slot's resource, or put its new settings.
    Put(Slot),
    /// Delete a resource with a call.
    Delete(Resource),
    /// Forget a setting that needs no call to remove.
    Drop(Slot),
}

/// What a generated domain's DNS should hold, as far as the answers allow: the customer-facing
/// records (DMARC, SPF, DKIM, MAIL FROM) in its zone (once the identity's DKIM tokens are known) and the NS delegation in
/// the parent zone, TTL 30 (once the zone's name servers are known too), both from the
/// DNS module's [`BrokerManagedRecords`].
fn desired_dns(
    state: &InstanceState,
    ledger: &Ledger,
) -> Result<(Option<Vec<DnsRecordSet>>, Option<DnsRecordSet>), DnsError> {
    let Some(dkim) = ledger.dkim_signing() else {
        return Ok((None, None));
    };
    let records = state.required_records(&dkim)?;
    let zone: Vec<DnsRecordSet> = records
        .record_sets()
        .map(DnsRecordSet::from_record_set)
        .collect();
    let parent = match ledger.hosted_zone() {
        Some((_, name_servers)) => Some(DnsRecordSet::from_record_set(
            BrokerManagedRecords::new(records, name_servers)?.delegation(),
        )),
        None => None,
    };
    Ok((Some(zone), parent))
}

/// The zone records a generated domain should hold, once the identity's DKIM tokens are
/// known; `Ok(None)` before.
pub(crate) fn desired_zone_records(
    state: &InstanceState,
    ledger: &Ledger,
) -> Result<Option<Vec<DnsRecordSet>>, DnsError> {
    Ok(desired_dns(state, ledger)?.0)
}

/// The NS delegation for the zone in the ledger; `Ok(None)` before the zone exists.
pub(crate) fn desired_parent_record(
    state: &InstanceState,
    ledger: &Ledger,
) -> Result<Option<DnsRecordSet>, DnsError> {
    Ok(desired_dns(state, ledger)?.1)
}

/// The alarm actions with the reputation topic's answered ARN in place of the derived one.
pub(crate) fn alarm_actions(actions: &[Arn], state: &InstanceState, ledger: &Ledger) -> Vec<Arn> {
    let derived = state.topic(Topic::Reputation).map(|t| &t.arn);
    let answered = ledger.topic_arn(Topic::Reputation);
    actions
        .iter()
        .map(|a| match (derived, answered) {
            (Some(d), Some(n)) if a == d => n.clone(),
            _ => a.clone(),
        })
        .collect()
}

/// The target and the ledger, with the records derived from both computed once.
struct View<'a> {
    target: &'a Target,
    ledger: &'a Ledger,
    memory: &'a Memory,
    zone_records: Option<Vec<DnsRecordSet>>,
    parent_record: Option<DnsRecordSet>,
}

impl<'a> View<'a> {
    fn new(target: &'a Target, ledger: &'a Ledger, memory: &'a Memory) -> Result<Self, DnsError> {
        let (zone_records, parent_record) = match target {
            Target::Instance(state) if state.generated_dns.is_some() => desired_dns(state, ledger)?,
            _ => (None, None),
        };
        Ok(Self {
            target,
            ledger,
            memory,
            zone_records,
            parent_record,
        })
    }

    /// Whether `resource` belongs in the target (possibly with other settings, which a put
    /// fixes). `false` means delete it.
    fn keep(&self, resource: &Resource) -> bool {
        match self.target {
            Target::Nothing => false,
            Target::Instance(state) => self.keep_instance(state, resource),
            Target::Binding(state) => self.keep_binding(state, resource),
            // A pause or resume changes one setting and deletes nothing.
            Target::Sending { .. } => true,
        }
    }

    fn keep_instance(&self, state: &InstanceState, resource: &Resource) -> bool {
        let generated = state.generated_dns.is_some();
        match resource {
            Resource::ConfigurationSet { name } => *name == state.configuration_set,
            // Kept, never put: an update leaves a pause alone.
            Resource::SendingOptions {
                configuration_set, ..
            } => *configuration_set == state.configuration_set,
            Resource::EmailIdentity { domain, .. } => *domain == state.domain,
            Resource::MailFrom { identity, .. } => {
                state.mail_from.is_some() && *identity == state.domain
            }
            Resource::Key { topic, .. }
            | Resource::KeyRotation { topic, .. }
            | Resource::Alias { topic, .. }
            | Resource::Topic { topic, .. }
            | Resource::TopicPolicy { topic, .. } => state.topic(*topic).is_some(),
            Resource::EventDestination { topic, .. } => {
                *topic != Topic::Reputation && state.topic(*topic).is_some()
            }
            Resource::AdminSubscription { endpoint, .. } => *endpoint == state.admin_email,
            Resource::Alarm { .. } => true,
            Resource::HostedZone { name, .. } => generated && *name == state.domain,
            Resource::HostedZoneTags { .. } | Resource::ParentNsRecord { .. } => generated,
            // A record set no longer derived (a MAIL FROM domain removed or moved) goes; one
            // whose values changed stays and is put again.
            Resource::ZoneRecord { record, .. } => {
                generated
                    && self
                        .zone_records
                        .as_ref()
                        .is_none_or(|wanted| wanted.iter().any(|w| w.same_key(record)))
            }
            _ => false,
        }
    }

    fn keep_binding(&self, state: &BindingState, resource: &Resource) -> bool {
        match resource {
            Resource::User { name } => *name == state.user_name,
            Resource::UserPolicy { user, .. } => *user == state.user_name,
            // A key whose secret this process does not hold is of no use to the bind
            // (after a resume): it is replaced.
            Resource::AccessKey { user, id } => {
                *user == state.user_name
                    && self
                        .memory
                        .access_key
                        .as_ref()
                        .is_some_and(|k| k.id() == id)
            }
            Resource::Subscription {
                topic,
                protocol,
                endpoint,
                ..
            } => state
                .subscriptions
                .iter()
                .any(|s| s.topic == *topic && s.protocol == *protocol && s.endpoint == *endpoint),
            _ => false,
        }
    }

    /// The slots the target wants, in creation order.
    fn wanted(&self) -> Vec<Slot> {
        let mut slots = Vec::new();
        match self.target {
            Target::Nothing => {}
            Target::Instance(state) => {
                slots.push(Slot::ConfigurationSet);
                slots.push(Slot::EmailIdentity);
                if state.mail_from.is_some() {
                    slots.push(Slot::MailFrom);
                }
                for topic in &state.topics {
                    let t = topic.topic;
                    slots.extend([
                        Slot::Key(t),
                        Slot::KeyRotation(t),
                        Slot::Alias(t),
                        Slot::Topic(t),
                        Slot::TopicPolicy(t),
                    ]);
                }
                for topic in &state.topics {
                    if topic.topic != Topic::Reputation {
                        slots.push(Slot::EventDestination(topic.topic));
                    }
                }
                slots.push(Slot::AdminSubscription);
                slots.extend(state.alarms.iter().map(|a| Slot::Alarm(a.kind)));
                if state.generated_dns.is_some() {
                    slots.push(Slot::HostedZone);
                    slots.push(Slot::HostedZoneTags);
                    for record in self.zone_records.iter().flatten() {
                        slots.push(Slot::ZoneRecord {
                            name: record.name().into(),
                            record_type: record.record_type().into(),
                        });
                    }
                    slots.push(Slot::ParentNsRecord);
                }
            }
            Target::Binding(state) => {
                slots.extend([Slot::User, Slot::UserPolicy, Slot::AccessKey]);
                for s in &state.subscriptions {
                    slots.push(Slot::Subscription(s.topic, s.protocol, s.endpoint.clone()));
                }
            }
            Target::Sending { .. } => slots.push(Slot::SendingOptions),
        }
        slots
    }

    /// Whether the ledger's `resource` has the settings the target wants.
    fn current(&self, resource: &Resource) -> bool {
        match (self.target, resource) {
            (Target::Binding(state), Resource::UserPolicy { policy, .. }) => {
                *policy == state.policy
            }
            (
                Target::Sending { enabled },
                Resource::SendingOptions {
                    sending_enabled, ..
                },
            ) => enabled == sending_enabled,
            (Target::Instance(state), _) => match resource {
                Resource::MailFrom { domain, .. } => state.mail_from.as_ref() == Some(domain),
                Resource::TopicPolicy { topic, policy } => state
                    .topic(*topic)
                    .is_some_and(|t| t.topic_policy == *policy),
                Resource::Alarm {
                    kind,
                    description,
                    actions,
                    ..
                } => state.alarms.iter().any(|a| {
                    a.kind == *kind
                        && a.alarm_description == *description
                        && alarm_actions(&a.alarm_actions, state, self.ledger) == *actions
                }),
                Resource::ZoneRecord { record, .. } => self
                    .zone_records
                    .as_ref()
                    .is_none_or(|records| records.iter().any(|r| r == record)),
                Resource::ParentNsRecord { record, .. } => {
                    self.parent_record.as_ref().is_none_or(|r| r == record)
                }
                _ => true,
            },
            _ => true,
        }
    }
}

/// The next step from `ledger` towards `target`, or `None` when it is reached.
pub(crate) fn next_step(
    target: &Target,
    ledger: &Ledger,
    memory: &Memory,
) -> Result<Option<Step>, DnsError> {
    let view = View::new(target, ledger, memory)?;
    let doomed = |slot: &Slot| {
        ledger
            .find(|r| Slot::of(r) == *slot)
            .is_some_and(|r| !view.keep(r))
    };
    let mut deletions: Vec<&Resource> = ledger.iter().filter(|r| !view.keep(r)).collect();
    deletions.sort_by_key(|r| Slot::of(r).delete_rank());
    for resource in deletions {
        let slot = Slot::of(resource);
        // Goes with its parent, which is leaving too.
        if slot.parent().is_some_and(|p| doomed(&p)) {
            continue;
        }
        if slot.drops_silently() {
            return Ok(Some(Step::Drop(slot)));
        }
        return Ok(Some(Step::Delete(resource.clone())));
    }
    for slot in view.wanted() {
        match ledger.find(|r| Slot::of(r) == slot) {
            None => return Ok(Some(Step::Put(slot))),
            Some(resource) if !view.current(resource) => return Ok(Some(Step::Put(slot))),
            Some(_) => {}
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail by panicking")]
    use super::*;
    use crate::instance::names::{ConfigurationSetName, TopicName};

    #[test]
    fn children_go_with_their_parent_and_alone_with_a_call() {
        let set = ConfigurationSetName::parse("csb-aws-ses-x").unwrap();
        let mut ledger = Ledger::new();
        ledger.put(Resource::ConfigurationSet { name: set.clone() });
        ledger.put(Resource::EventDestination {
            topic: Topic::Bounce,
            configuration_set: set,
            name: TopicName::parse("csb-aws-ses-x-bounce").unwrap(),
        });
        // Deleting the set takes its destination: no call of its own.
        let step = next_step(&Target::Nothing, &ledger, &Memory::default()).unwrap();
        assert!(matches!(
            step,
            Some(Step::Delete(Resource::ConfigurationSet { .. }))
        ));
        ledger.remove(|r| Slot::of(r) == Slot::ConfigurationSet);
        // Alone, the destination is deleted by its own call.
        let step = next_step(&Target::Nothing, &ledger, &Memory::default()).unwrap();
        assert!(matches!(
            step,
            Some(Step::Delete(Resource::EventDestination { .. }))
        ));
    }

    #[test]
    fn an_empty_ledger_towards_nothing_is_done() {
        assert_eq!(
            next_step(&Target::Nothing, &Ledger::new(), &Memory::default()).unwrap(),
            None
        );
    }
}
