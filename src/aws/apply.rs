//! Landing an answer: what it says exists goes into the ledger; "already exists" is
//! compared with what the core wants, and a difference stops the run.

use super::actions::Action;
use super::answer::{Answer, Observed, Output};
use super::calls::EventType;
use super::error::{Difference, DriveError};
use super::ledger::Slot;
use super::ledger::{Ledger, Resource};
use super::operation::Operation;
use super::progress::InFlight;
use super::reconcile::{Memory, alarm_actions, desired_parent_record, desired_zone_records};
use super::state::{BindingState, HOSTED_ZONE_COMMENT, InstanceState};
use super::target::Target;
use crate::dns::{DkimSigning, default_signing_zone};
use crate::instance::Topic;
use crate::prelude::*;

/// Everything an answer may touch.
pub(crate) struct Landing<'a> {
    pub(crate) target: &'a Target,
    pub(crate) ledger: &'a mut Ledger,
    pub(crate) memory: &'a mut Memory,
    /// The create being looked for, during a recovery.
    pub(crate) in_flight: Option<&'a InFlight>,
}

fn unexpected(op: &Operation, answer: &Answer) -> DriveError {
    let kind = match answer {
        Answer::Done(output) => output_name(output),
        other => other.kind_name(),
    };
    DriveError::UnexpectedAnswer {
        operation: op.to_string(),
        answer: kind,
    }
}

const fn output_name(output: &Output) -> &'static str {
    match output {
        Output::Nothing => "done",
        Output::EmailIdentity { .. } => "email identity",
        Output::Key { .. } => "key",
        Output::KeyList { .. } => "key list",
        Output::KeyDescription { .. } => "key description",
        Output::Topic { .. } => "topic",
        Output::Subscription { .. } => "subscription",
        Output::AccessKey(_) => "access key",
        Output::AccessKeys(_) => "access key list",
        Output::HostedZone { .. } => "hosted zone",
        Output::HostedZones(_) => "hosted zone list",
    }
}

fn mismatch(resource: String, differences: Vec<Difference>) -> Result<(), DriveError> {
    if differences.is_empty() {
        Ok(())
    } else {
        Err(DriveError::Mismatch {
            resource,
            differences,
        })
    }
}

/// Lands `answer` to `op`, made for `action`.
pub(crate) fn apply(
    action: &Action,
    op: &Operation,
    answer: Answer,
    land: &mut Landing<'_>,
) -> Result<(), DriveError> {
    match action {
        Action::Delete(resource) => match answer {
            Answer::Done(_) | Answer::NotFound => {
                let slot = Slot::of(resource);
                land.ledger
                    .remove(|r| Slot::of(r) == slot || Slot::of(r).parent() == Some(slot.clone()));
                Ok(())
            }
            other => Err(unexpected(op, &other)),
        },
        Action::ListAccessKeys => match answer {
            Answer::Done(Output::AccessKeys(ids)) => {
                if let Operation::ListAccessKeys(list) = op {
                    for id in ids {
                        let known = land.ledger.find(|r| match r {
                            Resource::AccessKey { id: k, .. }
                            | Resource::StrayAccessKey { id: k, .. } => *k == id,
                            _ => false,
                        });
                        if known.is_none() {
                            land.ledger.put(Resource::StrayAccessKey {
                                user: list.user_name.clone(),
                                id,
                            });
                        }
                    }
                }
                land.memory.keys_listed = true;
                Ok(())
            }
            Answer::NotFound => {
                land.memory.keys_listed = true;
                Ok(())
            }
            other => Err(unexpected(op, &other)),
        },
        Action::ListZones => match answer {
            Answer::Done(Output::HostedZones(zones)) => {
                let Operation::ListHostedZonesByName(list) = op else {
                    return Err(unexpected(op, &Answer::done()));
                };
                let named: Vec<_> = zones.iter().filter(|z| z.name == list.dns_name).collect();
                let ours = named
                    .iter()
                    .find(|z| z.comment.as_deref() == Some(HOSTED_ZONE_COMMENT));
                land.memory.zones_listed = true;
                match (ours, named.first()) {
                    (Some(zone), _) => {
                        land.memory.zone_candidate = Some((zone.id.clone(), zone.name.clone()));
                        Ok(())
                    }
                    (None, Some(other)) => mismatch(
                        format!("hosted zone {}", list.dns_name),
                        Vec::from([Difference::new(
                            "Config.Comment",
                            HOSTED_ZONE_COMMENT,
                            other.comment.clone().unwrap_or_default(),
                        )]),
                    ),
                    (None, None) => Ok(()),
                }
            }
            other => Err(unexpected(op, &other)),
        },
        Action::AdoptZone(_, name) => match answer {
            Answer::Done(Output::HostedZone { id, name_servers }) => {
                let Operation::GetHostedZone(get) = op else {
                    return Err(unexpected(op, &Answer::done()));
                };
                land.ledger.put(Resource::HostedZone {
                    account: get.account.clone(),
                    id,
                    name: name.clone(),
                    name_servers,
                });
                land.memory.zone_candidate = None;
                Ok(())
            }
            Answer::NotFound => {
                land.memory.zone_candidate = None;
                Ok(())
            }
            other => Err(unexpected(op, &other)),
        },
        Action::ListKeys => match answer {
            Answer::Done(Output::KeyList {
                key_ids,
                next_marker,
            }) => {
                let search = &mut land.memory.key_search;
                search.started = true;
                search.marker = next_marker;
                for id in key_ids {
                    let known = land
                        .ledger
                        .find(|r| matches!(r, Resource::Key { key_id, .. } if *key_id == id));
                    if known.is_none() {
                        search.queue.push(id);
                    }
                }
                Ok(())
            }
            other => Err(unexpected(op, &other)),
        },
        Action::DescribeKey(asked) => {
            land.memory.key_search.queue.retain(|k| k != asked);
            match answer {
                Answer::Done(Output::KeyDescription {
                    key_id,
                    arn,
                    description,
                    pending_deletion,
                }) => {
                    if let Some(InFlight {
                        action: Action::Put(Slot::Key(topic)),
                        operation: Operation::CreateKey(create),
                        ..
                    }) = land.in_flight
                        && create.description == description
                        && !pending_deletion
                    {
                        land.ledger.put(Resource::Key {
                            topic: *topic,
                            key_id,
                            arn,
                        });
                        land.memory.key_search.done = true;
                    }
                    Ok(())
                }
                Answer::NotFound => Ok(()),
                other => Err(unexpected(op, &other)),
            }
        }
        Action::Put(slot) => match land.target {
            Target::Instance(state) => {
                let state: &InstanceState = state;
                put_instance(slot, state, op, answer, land)
            }
            Target::Binding(state) => {
                let state: &BindingState = state;
                put_binding(slot, state, op, answer, land)
            }
            Target::Sending { .. } => put_sending(slot, op, answer, land.ledger),
            Target::Nothing => Err(unexpected(op, &answer)),
        },
    }
}

/// A pause or resume answered: the ledger records what AWS was told.
fn put_sending(
    slot: &Slot,
    op: &Operation,
    answer: Answer,
    ledger: &mut Ledger,
) -> Result<(), DriveError> {
    let Operation::PutConfigurationSetSendingOptions(put) = op else {
        return Err(unexpected(op, &answer));
    };
    match (slot, answer) {
        (Slot::SendingOptions, Answer::Done(_)) => {
            ledger.put(Resource::SendingOptions {
                configuration_set: put.configuration_set_name.clone(),
                sending_enabled: put.sending_enabled,
            });
            Ok(())
        }
        (_, Answer::NotFound) => Err(gone(
            op,
            &format!("configuration set {}", put.configuration_set_name),
        )),
        (_, other) => Err(unexpected(op, &other)),
    }
}

fn gone(op: &Operation, what: &str) -> DriveError {
    DriveError::Gone {
        operation: op.to_string(),
        resource: what.to_owned(),
    }
}

fn put_instance(
    slot: &Slot,
    state: &InstanceState,
    op: &Operation,
    answer: Answer,
    land: &mut Landing<'_>,
) -> Result<(), DriveError> {
    let ledger = &mut *land.ledger;
    let resource = match (slot, answer) {
        (Slot::ConfigurationSet, Answer::Done(Output::Nothing)) => Resource::ConfigurationSet {
            name: state.configuration_set.clone(),
        },
        (
            Slot::ConfigurationSet,
            Answer::AlreadyExists(Observed::ConfigurationSet {
                tls_policy,
                reputation_metrics_enabled,
                suppressed_reasons,
            }),
        ) => {
            let mut diffs = Vec::new();
            if let Some(tls) = tls_policy.filter(|t| t != "REQUIRE") {
                diffs.push(Difference::new("DeliveryOptions.TlsPolicy", "REQUIRE", tls));
            }
            if reputation_metrics_enabled == Some(false) {
                diffs.push(Difference::new(
                    "ReputationOptions.ReputationMetricsEnabled",
                    "true",
                    "false",
                ));
            }
            if let Some(mut reasons) = suppressed_reasons {
                reasons.sort();
                reasons.dedup();
                if reasons != ["BOUNCE", "COMPLAINT"] {
                    diffs.push(Difference::new(
                        "SuppressionOptions.SuppressedReasons",
                        "BOUNCE, COMPLAINT",
                        reasons.join(", "),
                    ));
                }
            }
            mismatch(
                format!("configuration set {}", state.configuration_set),
                diffs,
            )?;
            Resource::ConfigurationSet {
                name: state.configuration_set.clone(),
            }
        }
        (
            Slot::EmailIdentity,
            Answer::Done(Output::EmailIdentity {
                dkim_tokens,
                signing_hosted_zone,
            }),
        ) => identity(state, dkim_tokens, signing_hosted_zone)?,
        (
            Slot::EmailIdentity,
            Answer::AlreadyExists(Observed::EmailIdentity {
                configuration_set_name,
                dkim_tokens,
                signing_hosted_zone,
            }),
        ) => {
            let mut diffs = Vec::new();
            if let Some(set) =
                configuration_set_name.filter(|s| s != state.configuration_set.as_str())
            {
                diffs.push(Difference::new(
                    "ConfigurationSetName",
                    state.configuration_set.as_str(),
                    set,
                ));
            }
            mismatch(format!("email identity {}", state.domain), diffs)?;
            let tokens = dkim_tokens.ok_or_else(|| DriveError::Incomplete {
                operation: op.to_string(),
                what: "the identity's dkim tokens",
            })?;
            identity(state, tokens, signing_hosted_zone)?
        }
        (Slot::MailFrom, Answer::Done(_)) => match &state.mail_from {
            Some(domain) => Resource::MailFrom {
                identity: state.domain.clone(),
                domain: domain.clone(),
            },
            None => return Ok(()),
        },
        (Slot::Key(t), Answer::Done(Output::Key { key_id, arn })) => Resource::Key {
            topic: *t,
            key_id,
            arn,
        },
        (Slot::KeyRotation(t), Answer::Done(_)) => Resource::KeyRotation {
            topic: *t,
            key_id: ledger
                .key_id(*t)
                .cloned()
                .ok_or(DriveError::MissingDependency("kms key"))?,
        },
        (Slot::Alias(t), answer @ (Answer::Done(_) | Answer::AlreadyExists(_))) => {
            let ours = ledger
                .key_id(*t)
                .cloned()
                .ok_or(DriveError::MissingDependency("kms key"))?;
            let alias = state
                .topic(*t)
                .map(|s| s.alias.clone())
                .ok_or(DriveError::MissingDependency("topic"))?;
            match answer {
                Answer::AlreadyExists(Observed::Alias { target_key_id }) => {
                    let diffs = target_key_id
                        .filter(|k| *k != ours)
                        .map(|k| Difference::new("TargetKeyId", ours.as_str(), k.as_str()))
                        .into_iter()
                        .collect();
                    mismatch(format!("kms alias {alias}"), diffs)?;
                }
                Answer::AlreadyExists(other) => {
                    return Err(unexpected(op, &Answer::AlreadyExists(other)));
                }
                _ => {}
            }
            Resource::Alias { topic: *t, alias }
        }
        (Slot::Topic(t), Answer::Done(Output::Topic { arn })) => Resource::Topic { topic: *t, arn },
        (
            Slot::Topic(t),
            Answer::AlreadyExists(Observed::Topic {
                arn,
                kms_master_key_id,
            }),
        ) => {
            let alias = state
                .topic(*t)
                .map(|s| s.alias.clone())
                .ok_or(DriveError::MissingDependency("topic"))?;
            // SNS reports the attribute as it was given; an ARN of the alias is the same key.
            let same = |k: &str| k == alias.as_str() || k.ends_with(&format!(":{alias}"));
            let diffs = kms_master_key_id
                .filter(|k| !same(k))
                .map(|k| Difference::new("KmsMasterKeyId", alias.as_str(), k))
                .into_iter()
                .collect();
            mismatch(format!("sns topic {arn}"), diffs)?;
            Resource::Topic { topic: *t, arn }
        }
        (Slot::TopicPolicy(t), Answer::Done(_)) => Resource::TopicPolicy {
            topic: *t,
            policy: state
                .topic(*t)
                .map(|s| s.topic_policy.clone())
                .ok_or(DriveError::MissingDependency("topic"))?,
        },
        (Slot::EventDestination(t), answer @ (Answer::Done(_) | Answer::AlreadyExists(_))) => {
            let name = state
                .topic(*t)
                .map(|s| s.name.clone())
                .ok_or(DriveError::MissingDependency("topic"))?;
            if let Answer::AlreadyExists(observed) = answer {
                let Observed::EventDestination {
                    enabled,
                    matching_event_types,
                    topic_arn,
                } = observed
                else {
                    return Err(unexpected(op, &Answer::AlreadyExists(observed)));
                };
                let want = match t {
                    Topic::Complaint => EventType::Complaint,
                    Topic::Delivery => EventType::Delivery,
                    _ => EventType::Bounce,
                };
                let mut diffs = Vec::new();
                if enabled == Some(false) {
                    diffs.push(Difference::new("Enabled", "true", "false"));
                }
                if let Some(types) = matching_event_types
                    && !(types.len() == 1
                        && types.iter().all(|x| x.eq_ignore_ascii_case(want.v1_name())))
                {
                    diffs.push(Difference::new(
                        "MatchingEventTypes",
                        want.v1_name(),
                        types.join(", "),
                    ));
                }
                let ours = ledger.topic_arn(*t);
                if let Some(arn) = topic_arn.filter(|a| Some(a) != ours) {
                    diffs.push(Difference::new(
                        "SNSDestination.TopicARN",
                        ours.map(ToString::to_string).unwrap_or_default(),
                        arn.as_str(),
                    ));
                }
                mismatch(format!("event destination {name}"), diffs)?;
            }
            Resource::EventDestination {
                topic: *t,
                configuration_set: state.configuration_set.clone(),
                name,
            }
        }
        (Slot::AdminSubscription, Answer::Done(Output::Subscription { arn })) => {
            Resource::AdminSubscription {
                arn,
                endpoint: state.admin_email.clone(),
            }
        }
        (Slot::Alarm(kind), Answer::Done(_)) => {
            let alarm = state
                .alarms
                .iter()
                .find(|a| a.kind == *kind)
                .ok_or(DriveError::MissingDependency("alarm"))?;
            Resource::Alarm {
                kind: *kind,
                name: alarm.alarm_name.clone(),
                description: alarm.alarm_description.clone(),
                actions: alarm_actions(&alarm.alarm_actions, state, ledger),
            }
        }
        (Slot::HostedZone, Answer::Done(Output::HostedZone { id, name_servers })) => {
            zone(state, id, name_servers)?
        }
        (
            Slot::HostedZone,
            Answer::AlreadyExists(Observed::HostedZone {
                id,
                name_servers,
                comment,
            }),
        ) => {
            let diffs = comment
                .filter(|c| c != HOSTED_ZONE_COMMENT)
                .map(|c| Difference::new("Config.Comment", HOSTED_ZONE_COMMENT, c))
                .into_iter()
                .collect();
            mismatch(format!("hosted zone {}", state.domain), diffs)?;
            zone(state, id, name_servers)?
        }
        (Slot::HostedZoneTags, Answer::Done(_)) => Resource::HostedZoneTags {
            id: ledger
                .hosted_zone()
                .map(|(id, _)| id.clone())
                .ok_or(DriveError::MissingDependency("hosted zone"))?,
        },
        (Slot::ZoneRecord { name, record_type }, Answer::Done(_)) => {
            let Operation::ChangeResourceRecordSets(change) = op else {
                return Err(unexpected(op, &Answer::done()));
            };
            let record = desired_zone_records(state, ledger)?
                .unwrap_or_default()
                .into_iter()
                .find(|r| r.name() == name && r.record_type() == record_type)
                .ok_or(DriveError::MissingDependency("dkim tokens"))?;
            Resource::ZoneRecord {
                account: change.account.clone(),
                zone_id: change.hosted_zone_id.clone(),
                record,
            }
        }
        (Slot::ParentNsRecord, Answer::Done(_)) => {
            let Operation::ChangeResourceRecordSets(change) = op else {
                return Err(unexpected(op, &Answer::done()));
            };
            Resource::ParentNsRecord {
                account: change.account.clone(),
                zone_id: change.hosted_zone_id.clone(),
                record: desired_parent_record(state, ledger)?
                    .ok_or(DriveError::MissingDependency("hosted zone"))?,
            }
        }
        (_, Answer::NotFound) => return Err(gone(op, "the resource it acts on")),
        (_, other) => return Err(unexpected(op, &other)),
    };
    ledger.put(resource);
    Ok(())
}

fn identity(
    state: &InstanceState,
    tokens: [crate::dns::DkimToken; 3],
    zone: Option<crate::values::DomainName>,
) -> Result<Resource, DriveError> {
    let zone = match zone {
        Some(zone) => zone,
        None => default_signing_zone(&state.region)?,
    };
    let signing = DkimSigning::new(tokens, zone)?;
    Ok(Resource::EmailIdentity {
        domain: state.domain.clone(),
        dkim_tokens: signing.tokens().clone(),
        signing_zone: signing.signing_zone().clone(),
    })
}

fn zone(
    state: &InstanceState,
    id: crate::values::HostedZoneId,
    name_servers: Vec<crate::values::DomainName>,
) -> Result<Resource, DriveError> {
    let dns = state
        .generated_dns
        .as_ref()
        .ok_or(DriveError::MissingDependency("generated domain"))?;
    if name_servers.is_empty() {
        return Err(DriveError::Incomplete {
            operation: "route53:CreateHostedZone".to_owned(),
            what: "the zone's name servers",
        });
    }
    Ok(Resource::HostedZone {
        account: dns.account.clone(),
        id,
        name: state.domain.clone(),
        name_servers,
    })
}

fn put_binding(
    slot: &Slot,
    state: &BindingState,
    op: &Operation,
    answer: Answer,
    land: &mut Landing<'_>,
) -> Result<(), DriveError> {
    let resource = match (slot, answer) {
        (Slot::User, Answer::Done(_)) => Resource::User {
            name: state.user_name.clone(),
        },
        (Slot::User, Answer::AlreadyExists(Observed::User { path })) => {
            let diffs = path
                .filter(|p| p != state.path.as_str())
                .map(|p| Difference::new("Path", state.path.as_str(), p))
                .into_iter()
                .collect();
            mismatch(format!("iam user {}", state.user_name), diffs)?;
            Resource::User {
                name: state.user_name.clone(),
            }
        }
        (Slot::UserPolicy, Answer::Done(_)) => Resource::UserPolicy {
            user: state.user_name.clone(),
            policy: state.policy.clone(),
        },
        (Slot::AccessKey, Answer::Done(Output::AccessKey(key))) => {
            let resource = Resource::AccessKey {
                user: state.user_name.clone(),
                id: key.id().clone(),
            };
            land.memory.access_key = Some(key);
            resource
        }
        (
            Slot::Subscription(topic, protocol, endpoint),
            Answer::Done(Output::Subscription { arn }),
        ) => Resource::Subscription {
            topic: *topic,
            protocol: *protocol,
            endpoint: endpoint.clone(),
            arn,
        },
        (_, Answer::NotFound) => return Err(gone(op, "the resource it acts on")),
        (_, other) => return Err(unexpected(op, &other)),
    };
    land.ledger.put(resource);
    Ok(())
}
