//! An in-memory AWS for the driver's tests: it answers each operation as AWS does
//! (already exists, not found, the dependency errors AWS raises), and is strict where
//! SPEC 10 asks for an order (a topic is not deleted while an event destination sends to
//! it, a key not while a topic uses it, a zone not while it holds records, a user not while
//! it has a policy or keys).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fake fails by panicking"
)]
#![allow(
    dead_code,
    reason = "each AWS test binary uses a part of the fake and harness"
)]

pub(crate) mod harness;

use std::collections::BTreeMap;

use ses_broker::AccessKey;
use ses_broker::aws::{
    Answer, ChangeAction, FailureKind, HostedZoneSummary, Observed, Operation, Output,
    PolicyDocument,
};
use ses_broker::values::{AccessKeyId, Arn, DomainName, SecretAccessKey};

pub(crate) const ACCOUNT: &str = "111122223333";
pub(crate) const REGION: &str = "us-gov-west-1";
pub(crate) const PARENT_ZONE_ID: &str = "ZPARENT0000001";
pub(crate) const PARENT_ZONE: &str = "appmail.cloud.gov";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) description: String,
    pub(crate) policy: String,
    pub(crate) rotation: bool,
    pub(crate) pending_deletion: bool,
    pub(crate) tags: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Topic {
    pub(crate) name: String,
    pub(crate) kms: String,
    pub(crate) policy: Option<String>,
    pub(crate) tags: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Zone {
    pub(crate) name: String,
    pub(crate) comment: String,
    pub(crate) name_servers: Vec<String>,
    pub(crate) records: BTreeMap<(String, String), (u32, Vec<String>)>,
    pub(crate) tags: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct User {
    pub(crate) path: String,
    pub(crate) policy: Option<String>,
    pub(crate) keys: Vec<String>,
    pub(crate) tags: usize,
}

/// What the fake AWS holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Aws {
    pub(crate) sets: BTreeMap<String, (String, bool, Vec<String>, bool)>,
    pub(crate) identities: BTreeMap<String, (String, [String; 3])>,
    pub(crate) mail_from: BTreeMap<String, String>,
    pub(crate) destinations: BTreeMap<(String, String), (Vec<String>, String)>,
    pub(crate) keys: BTreeMap<String, Key>,
    pub(crate) aliases: BTreeMap<String, String>,
    pub(crate) topics: BTreeMap<String, Topic>,
    pub(crate) subscriptions: BTreeMap<String, (String, String, String)>,
    pub(crate) alarms: BTreeMap<String, (String, Vec<String>)>,
    pub(crate) zones: BTreeMap<String, Zone>,
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) counter: u64,
    /// Every operation answered, as `service:Name`.
    pub(crate) log: Vec<String>,
}

fn ok() -> Answer {
    Answer::done()
}

fn permanent(code: &str) -> Answer {
    Answer::failed(FailureKind::Permanent, code, "refused by the fake")
}

fn arn(s: &str) -> Arn {
    s.parse().unwrap()
}

impl Aws {
    /// An account whose parent zone exists, as a real one's would.
    pub(crate) fn new() -> Self {
        let mut aws = Self::default();
        aws.zones.insert(
            PARENT_ZONE_ID.to_owned(),
            Zone {
                name: PARENT_ZONE.to_owned(),
                comment: "platform".to_owned(),
                name_servers: vec!["ns-1.awsdns.com".to_owned()],
                records: BTreeMap::new(),
                tags: 0,
            },
        );
        aws
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Performs `op` and answers as AWS would.
    pub(crate) fn call(&mut self, op: &Operation) -> Answer {
        self.log.push(op.to_string());
        match op {
            Operation::CreateConfigurationSet(c) => {
                let name = c.configuration_set_name.to_string();
                if let Some((tls, rep, reasons, _)) = self.sets.get(&name) {
                    return Answer::AlreadyExists(Observed::ConfigurationSet {
                        tls_policy: Some(tls.clone()),
                        reputation_metrics_enabled: Some(*rep),
                        suppressed_reasons: Some(reasons.clone()),
                    });
                }
                let reasons = c
                    .suppressed_reasons
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect();
                self.sets.insert(
                    name,
                    (
                        c.tls_policy.as_str().to_owned(),
                        c.reputation_metrics_enabled,
                        reasons,
                        c.sending_enabled,
                    ),
                );
                ok()
            }
            Operation::DeleteConfigurationSet(d) => {
                let name = d.configuration_set_name.to_string();
                if self.sets.remove(&name).is_none() {
                    return Answer::NotFound;
                }
                self.destinations.retain(|(set, _), _| *set != name);
                ok()
            }
            Operation::PutConfigurationSetSendingOptions(p) => {
                match self.sets.get_mut(p.configuration_set_name.as_str()) {
                    Some((_, _, _, sending)) => {
                        *sending = p.sending_enabled;
                        ok()
                    }
                    None => Answer::NotFound,
                }
            }
            Operation::CreateEmailIdentity(c) => {
                let domain = c.email_identity.to_string();
                if let Some((set, tokens)) = self.identities.get(&domain) {
                    return Answer::AlreadyExists(Observed::EmailIdentity {
                        configuration_set_name: Some(set.clone()),
                        dkim_tokens: Some(tokens.clone().map(|t| t.parse().unwrap())),
                        signing_hosted_zone: None,
                    });
                }
                let n = self.next();
                let tokens = [0, 1, 2].map(|i| format!("tok{n}x{i}"));
                self.identities.insert(
                    domain,
                    (c.configuration_set_name.to_string(), tokens.clone()),
                );
                Answer::Done(Output::EmailIdentity {
                    dkim_tokens: tokens.map(|t| t.parse().unwrap()),
                    signing_hosted_zone: Some("dkim.amazonses.com".parse().unwrap()),
                })
            }
            Operation::DeleteEmailIdentity(d) => {
                let domain = d.email_identity.to_string();
                self.mail_from.remove(&domain);
                match self.identities.remove(&domain) {
                    Some(_) => ok(),
                    None => Answer::NotFound,
                }
            }
            Operation::SetIdentityMailFromDomain(s) => {
                let id = s.identity.to_string();
                if !self.identities.contains_key(&id) {
                    return Answer::NotFound;
                }
                match &s.mail_from_domain {
                    Some(d) => self.mail_from.insert(id, d.to_string()),
                    None => self.mail_from.remove(&id),
                };
                ok()
            }
            Operation::CreateConfigurationSetEventDestination(c) => {
                let set = c.configuration_set_name.to_string();
                let key = (set.clone(), c.event_destination_name.to_string());
                if !self.sets.contains_key(&set) {
                    return Answer::NotFound;
                }
                if let Some((types, topic)) = self.destinations.get(&key) {
                    return Answer::AlreadyExists(Observed::EventDestination {
                        enabled: Some(true),
                        matching_event_types: Some(types.clone()),
                        topic_arn: Some(arn(topic)),
                    });
                }
                if !self.topics.contains_key(c.topic_arn.as_str()) {
                    return permanent("InvalidSNSDestination");
                }
                let types = c
                    .matching_event_types
                    .iter()
                    .map(|t| t.v1_name().to_owned())
                    .collect();
                self.destinations
                    .insert(key, (types, c.topic_arn.to_string()));
                ok()
            }
            Operation::DeleteConfigurationSetEventDestination(d) => {
                let key = (
                    d.configuration_set_name.to_string(),
                    d.event_destination_name.to_string(),
                );
                match self.destinations.remove(&key) {
                    Some(_) => ok(),
                    None => Answer::NotFound,
                }
            }
            Operation::CreateKey(c) => {
                let n = self.next();
                let id = format!("key-{n:04}");
                self.keys.insert(
                    id.clone(),
                    Key {
                        description: c.description.clone(),
                        policy: c.policy.to_json(),
                        rotation: false,
                        pending_deletion: false,
                        tags: c.tags.len(),
                    },
                );
                Answer::Done(Output::Key {
                    key_id: id.parse().unwrap(),
                    arn: arn(&format!("arn:aws-us-gov:kms:{REGION}:{ACCOUNT}:key/{id}")),
                })
            }
            Operation::EnableKeyRotation(e) => match self.keys.get_mut(e.key_id.as_str()) {
                Some(k) if !k.pending_deletion => {
                    k.rotation = true;
                    ok()
                }
                _ => Answer::NotFound,
            },
            Operation::CreateAlias(c) => {
                if let Some(target) = self.aliases.get(c.alias_name.as_str()) {
                    return Answer::AlreadyExists(Observed::Alias {
                        target_key_id: Some(target.parse().unwrap()),
                    });
                }
                if !self.keys.contains_key(c.target_key_id.as_str()) {
                    return Answer::NotFound;
                }
                self.aliases
                    .insert(c.alias_name.to_string(), c.target_key_id.to_string());
                ok()
            }
            Operation::DeleteAlias(d) => match self.aliases.remove(d.alias_name.as_str()) {
                Some(_) => ok(),
                None => Answer::NotFound,
            },
            Operation::ScheduleKeyDeletion(s) => {
                assert_eq!(s.pending_window_in_days, 7);
                let id = s.key_id.to_string();
                let used = self
                    .topics
                    .values()
                    .any(|t| self.aliases.get(&t.kms).is_some_and(|k| *k == id));
                if used {
                    return permanent("KeyInUseByTopic");
                }
                match self.keys.get_mut(&id) {
                    Some(k) => {
                        k.pending_deletion = true;
                        ok()
                    }
                    None => Answer::NotFound,
                }
            }
            Operation::ListKeys(l) => {
                // Pages of two, to exercise the marker.
                let ids: Vec<&String> = self.keys.keys().collect();
                let start = l
                    .marker
                    .as_deref()
                    .map_or(0, |m| m.parse::<usize>().unwrap());
                let page: Vec<_> = ids
                    .iter()
                    .skip(start)
                    .take(2)
                    .map(|k| k.parse().unwrap())
                    .collect();
                let next = (start + 2 < ids.len()).then(|| (start + 2).to_string());
                Answer::Done(Output::KeyList {
                    key_ids: page,
                    next_marker: next,
                })
            }
            Operation::DescribeKey(d) => match self.keys.get(d.key_id.as_str()) {
                Some(k) => Answer::Done(Output::KeyDescription {
                    key_id: d.key_id.clone(),
                    arn: arn(&format!(
                        "arn:aws-us-gov:kms:{REGION}:{ACCOUNT}:key/{}",
                        d.key_id
                    )),
                    description: k.description.clone(),
                    pending_deletion: k.pending_deletion,
                }),
                None => Answer::NotFound,
            },
            Operation::CreateTopic(c) => {
                let topic_arn = format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:{}", c.name);
                if let Some(existing) = self.topics.get(&topic_arn) {
                    if existing.kms == c.kms_master_key_id.as_str() {
                        return Answer::Done(Output::Topic {
                            arn: arn(&topic_arn),
                        });
                    }
                    return Answer::AlreadyExists(Observed::Topic {
                        arn: arn(&topic_arn),
                        kms_master_key_id: Some(existing.kms.clone()),
                    });
                }
                if !self.aliases.contains_key(c.kms_master_key_id.as_str()) {
                    return permanent("KMSNotFound");
                }
                self.topics.insert(
                    topic_arn.clone(),
                    Topic {
                        name: c.name.to_string(),
                        kms: c.kms_master_key_id.to_string(),
                        policy: None,
                        tags: c.tags.len(),
                    },
                );
                Answer::Done(Output::Topic {
                    arn: arn(&topic_arn),
                })
            }
            Operation::SetTopicAttributes(s) => {
                assert_eq!(s.attribute_name(), "Policy");
                match self.topics.get_mut(s.topic_arn.as_str()) {
                    Some(t) => {
                        t.policy = Some(s.attribute_value());
                        ok()
                    }
                    None => Answer::NotFound,
                }
            }
            Operation::DeleteTopic(d) => {
                let a = d.topic_arn.to_string();
                if self.destinations.values().any(|(_, t)| *t == a) {
                    return permanent("TopicInUseByEventDestination");
                }
                self.subscriptions.retain(|_, (t, _, _)| *t != a);
                match self.topics.remove(&a) {
                    Some(_) => ok(),
                    None => Answer::NotFound,
                }
            }
            Operation::Subscribe(s) => {
                assert!(s.return_subscription_arn);
                let t = s.topic_arn.to_string();
                if !self.topics.contains_key(&t) {
                    return Answer::NotFound;
                }
                let protocol = format!("{:?}", s.protocol).to_lowercase();
                let found = self
                    .subscriptions
                    .iter()
                    .find(|(_, (topic, p, e))| *topic == t && *p == protocol && *e == s.endpoint);
                let sub_arn = match found {
                    Some((a, _)) => a.clone(),
                    None => {
                        let n = self.next();
                        let a = format!("{t}:sub-{n}");
                        self.subscriptions
                            .insert(a.clone(), (t, protocol, s.endpoint.clone()));
                        a
                    }
                };
                Answer::Done(Output::Subscription { arn: arn(&sub_arn) })
            }
            Operation::Unsubscribe(u) => {
                match self.subscriptions.remove(u.subscription_arn.as_str()) {
                    Some(_) => ok(),
                    None => Answer::NotFound,
                }
            }
            Operation::PutMetricAlarm(p) => {
                assert!(p.alarm_description.chars().count() <= 1024);
                let actions = p.alarm_actions.iter().map(ToString::to_string).collect();
                self.alarms.insert(
                    p.alarm_name.to_string(),
                    (p.alarm_description.clone(), actions),
                );
                ok()
            }
            Operation::DeleteAlarms(d) => {
                for name in &d.alarm_names {
                    self.alarms.remove(name.as_str());
                }
                ok()
            }
            Operation::ListHostedZonesByName(l) => {
                let mut zones: Vec<_> = self
                    .zones
                    .iter()
                    .filter(|(_, z)| z.name.as_str() >= l.dns_name.as_str())
                    .map(|(id, z)| HostedZoneSummary {
                        id: id.parse().unwrap(),
                        name: z.name.parse().unwrap(),
                        comment: Some(z.comment.clone()),
                    })
                    .collect();
                zones.sort_by(|a, b| a.name.cmp(&b.name));
                zones.truncate(usize::from(l.max_items));
                Answer::Done(Output::HostedZones(zones))
            }
            Operation::GetHostedZone(g) => match self.zones.get(g.id.as_str()) {
                Some(z) => Answer::Done(Output::HostedZone {
                    id: g.id.clone(),
                    name_servers: z.name_servers.iter().map(|n| n.parse().unwrap()).collect(),
                }),
                None => Answer::NotFound,
            },
            Operation::CreateHostedZone(c) => {
                let n = self.next();
                let id = format!("Z{n:013}");
                let name_servers: Vec<String> =
                    (1..=4).map(|i| format!("ns-{n}-{i}.awsdns.org")).collect();
                self.zones.insert(
                    id.clone(),
                    Zone {
                        name: c.name.to_string(),
                        comment: c.comment.clone(),
                        name_servers: name_servers.clone(),
                        records: BTreeMap::new(),
                        tags: 0,
                    },
                );
                Answer::Done(Output::HostedZone {
                    id: id.parse().unwrap(),
                    name_servers: name_servers
                        .iter()
                        .map(|s| s.parse::<DomainName>().unwrap())
                        .collect(),
                })
            }
            Operation::ChangeTagsForResource(c) => match self.zones.get_mut(c.resource_id.as_str())
            {
                Some(z) => {
                    z.tags = c.add_tags.len();
                    ok()
                }
                None => Answer::NotFound,
            },
            Operation::ChangeResourceRecordSets(c) => {
                let Some(zone) = self.zones.get_mut(c.hosted_zone_id.as_str()) else {
                    return Answer::NotFound;
                };
                let r = &c.record_set;
                let key = (r.name().to_owned(), r.record_type().to_owned());
                let value = (r.ttl(), r.values().to_vec());
                match c.action {
                    ChangeAction::Upsert => {
                        zone.records.insert(key, value);
                        ok()
                    }
                    ChangeAction::Delete => match zone.records.get(&key) {
                        None => Answer::NotFound,
                        Some(v) if *v != value => permanent("InvalidChangeBatch"),
                        Some(_) => {
                            zone.records.remove(&key);
                            ok()
                        }
                    },
                    _ => permanent("UnknownAction"),
                }
            }
            Operation::DeleteHostedZone(d) => match self.zones.get(d.id.as_str()) {
                None => Answer::NotFound,
                Some(z) if !z.records.is_empty() => permanent("HostedZoneNotEmpty"),
                Some(_) => {
                    self.zones.remove(d.id.as_str());
                    ok()
                }
            },
            Operation::CreateUser(c) => {
                if let Some(u) = self.users.get(c.user_name.as_str()) {
                    return Answer::AlreadyExists(Observed::User {
                        path: Some(u.path.clone()),
                    });
                }
                self.users.insert(
                    c.user_name.to_string(),
                    User {
                        path: c.path.to_string(),
                        tags: c.tags.len(),
                        ..User::default()
                    },
                );
                ok()
            }
            Operation::PutUserPolicy(p) => {
                let json = p.policy_document.to_json();
                // IAM validates the grammar; the typed document reads back.
                let _: PolicyDocument = serde_json::from_str(&json).unwrap();
                match self.users.get_mut(p.user_name.as_str()) {
                    Some(u) => {
                        u.policy = Some(json);
                        ok()
                    }
                    None => Answer::NotFound,
                }
            }
            Operation::ListAccessKeys(l) => match self.users.get(l.user_name.as_str()) {
                Some(u) => Answer::Done(Output::AccessKeys(
                    u.keys.iter().map(|k| k.parse().unwrap()).collect(),
                )),
                None => Answer::NotFound,
            },
            Operation::CreateAccessKey(c) => {
                let n = self.next();
                let Some(user) = self.users.get_mut(c.user_name.as_str()) else {
                    return Answer::NotFound;
                };
                if user.keys.len() >= 2 {
                    return permanent("LimitExceeded");
                }
                let id = format!("AKIA{n:016}");
                user.keys.push(id.clone());
                Answer::Done(Output::AccessKey(
                    AccessKey::new(
                        AccessKeyId::parse(&id).unwrap(),
                        SecretAccessKey::parse(&format!("secret/{n:036}")).unwrap(),
                    )
                    .unwrap(),
                ))
            }
            Operation::DeleteAccessKey(d) => match self.users.get_mut(d.user_name.as_str()) {
                Some(u) if u.keys.contains(&d.access_key_id.to_string()) => {
                    u.keys.retain(|k| *k != d.access_key_id.as_str());
                    ok()
                }
                _ => Answer::NotFound,
            },
            Operation::DeleteUserPolicy(d) => match self.users.get_mut(d.user_name.as_str()) {
                Some(u) if u.policy.is_some() => {
                    u.policy = None;
                    ok()
                }
                _ => Answer::NotFound,
            },
            Operation::DeleteUser(d) => match self.users.get(d.user_name.as_str()) {
                None => Answer::NotFound,
                Some(u) if u.policy.is_some() || !u.keys.is_empty() => permanent("DeleteConflict"),
                Some(_) => {
                    self.users.remove(d.user_name.as_str());
                    ok()
                }
            },
            _ => permanent("NotImplementedByTheFake"),
        }
    }

    /// Keys not pending deletion.
    pub(crate) fn live_keys(&self) -> usize {
        self.keys.values().filter(|k| !k.pending_deletion).count()
    }

    /// Whether nothing of an instance or binding is left: only keys pending deletion and
    /// the platform's parent zone, without delegations.
    pub(crate) fn is_clean(&self) -> bool {
        self.sets.is_empty()
            && self.identities.is_empty()
            && self.mail_from.is_empty()
            && self.destinations.is_empty()
            && self.live_keys() == 0
            && self.aliases.is_empty()
            && self.topics.is_empty()
            && self.subscriptions.is_empty()
            && self.alarms.is_empty()
            && self.users.is_empty()
            && self.zones.len() == 1
            && self
                .zones
                .get(PARENT_ZONE_ID)
                .is_some_and(|z| z.records.is_empty())
    }
}
