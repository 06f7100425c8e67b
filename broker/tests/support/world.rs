//! The stand-in's state, normalised like the emulator's.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test support: a failed assertion is how a test reports"
)]

use std::collections::BTreeMap;

use serde_json::{Value, json};
use ses_broker_server::memory::World;

use super::{Observed, Settings, sorted, topic_name, trim_dots};

/// The stand-in's state, normalised like the emulator's.
pub fn observe_world(world: &World, parent_zone: &str) -> Observed {
    let mut observed = Observed::default();
    let snap = &mut observed.snapshot;
    let map = |tags: &BTreeMap<String, String>| {
        Value::Object(tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
    };
    for (name, set) in &world.configuration_sets {
        snap.insert(
            format!("ses configuration-set {name}"),
            Settings::from([
                ("TlsPolicy".into(), json!(set.tls_policy)),
                (
                    "ReputationMetricsEnabled".into(),
                    json!(set.reputation_metrics_enabled),
                ),
                (
                    "SuppressedReasons".into(),
                    sorted(set.suppressed_reasons.clone()),
                ),
                ("SendingEnabled".into(), json!(set.sending_enabled)),
                ("Tags".into(), map(&set.tags)),
            ]),
        );
        for (dest, d) in &set.event_destinations {
            snap.insert(
                format!("ses event-destination {name}/{dest}"),
                Settings::from([
                    ("Enabled".into(), json!(d.enabled)),
                    (
                        "MatchingEventTypes".into(),
                        sorted(d.matching_event_types.clone()),
                    ),
                    ("TopicArn".into(), json!(d.topic_arn)),
                ]),
            );
        }
    }
    for (domain, identity) in &world.identities {
        let mut settings = Settings::from([
            (
                "ConfigurationSetName".into(),
                json!(identity.configuration_set),
            ),
            ("MailFromDomain".into(), json!(identity.mail_from_domain)),
            ("Tags".into(), map(&identity.tags)),
        ]);
        if identity.mail_from_domain.is_some() {
            settings.insert(
                "BehaviorOnMxFailure".into(),
                json!(identity.behavior_on_mx_failure),
            );
        }
        snap.insert(format!("ses identity {domain}"), settings);
        observed
            .dkim_tokens
            .insert(domain.clone(), identity.dkim_tokens.to_vec());
    }
    for (id, key) in &world.keys {
        if key.state == "PendingDeletion" {
            observed
                .pending_keys
                .push(key.pending_window_in_days.map(i64::from));
            continue;
        }
        let aliases: Vec<&String> = world
            .aliases
            .iter()
            .filter(|(_, target)| *target == id)
            .map(|(alias, _)| alias)
            .collect();
        let name = match aliases.as_slice() {
            [alias] => (*alias).clone(),
            _ => format!("(aliases {aliases:?}) {id}"),
        };
        snap.insert(
            format!("kms key {name}"),
            Settings::from([
                ("Description".into(), json!(key.description)),
                (
                    "Policy".into(),
                    serde_json::from_str(&key.policy).unwrap_or(json!(key.policy)),
                ),
                ("KeyRotationEnabled".into(), json!(key.rotation)),
                ("KeyState".into(), json!(key.state)),
                ("Tags".into(), map(&key.tags)),
            ]),
        );
    }
    for alias in world.aliases.keys() {
        let target = &world.aliases[alias];
        if world
            .keys
            .get(target)
            .is_none_or(|k| k.state == "PendingDeletion")
        {
            snap.insert(format!("kms alias {alias}"), Settings::new());
        }
    }
    for (arn, topic) in &world.topics {
        let mut settings = Settings::from([
            ("KmsMasterKeyId".into(), json!(topic.kms_master_key_id)),
            ("Tags".into(), map(&topic.tags)),
        ]);
        if let Some(policy) = &topic.policy {
            settings.insert("Policy".into(), serde_json::from_str(policy).unwrap());
        }
        snap.insert(format!("sns topic {}", topic_name(arn)), settings);
    }
    for sub in world.subscriptions.values() {
        snap.insert(
            format!(
                "sns subscription {} {} {}",
                topic_name(&sub.topic_arn),
                sub.protocol,
                sub.endpoint
            ),
            Settings::from([("TopicArn".into(), json!(sub.topic_arn))]),
        );
    }
    for (name, alarm) in &world.alarms {
        snap.insert(
            format!("cloudwatch alarm {name}"),
            Settings::from([
                ("AlarmDescription".into(), json!(alarm.description)),
                ("ActionsEnabled".into(), json!(alarm.actions_enabled)),
                ("AlarmActions".into(), sorted(alarm.alarm_actions.clone())),
                ("OKActions".into(), sorted(alarm.ok_actions.clone())),
                (
                    "InsufficientDataActions".into(),
                    sorted(alarm.insufficient_data_actions.clone()),
                ),
                ("Namespace".into(), json!(alarm.namespace)),
                ("MetricName".into(), json!(alarm.metric_name)),
                ("Statistic".into(), json!(alarm.statistic)),
                ("Dimensions".into(), map(&alarm.dimensions)),
                ("Period".into(), json!(alarm.period)),
                ("EvaluationPeriods".into(), json!(alarm.evaluation_periods)),
                ("DatapointsToAlarm".into(), json!(alarm.datapoints_to_alarm)),
                ("Threshold".into(), json!(alarm.threshold)),
                (
                    "ComparisonOperator".into(),
                    json!(alarm.comparison_operator),
                ),
                ("TreatMissingData".into(), json!(alarm.treat_missing_data)),
                ("Tags".into(), map(&alarm.tags)),
            ]),
        );
    }
    for zone in world.zones.values() {
        let label = if zone.name == parent_zone {
            "PARENT".to_owned()
        } else {
            snap.insert(
                format!("route53 zone {}", zone.name),
                Settings::from([
                    ("Comment".into(), json!(zone.comment)),
                    ("Tags".into(), map(&zone.tags)),
                ]),
            );
            zone.name.clone()
        };
        observed
            .name_servers
            .insert(zone.name.clone(), trim_dots(&zone.name_servers));
        for ((name, kind), set) in &zone.records {
            if *name == zone.name && (kind == "NS" || kind == "SOA") {
                continue;
            }
            let values = if kind == "NS" {
                trim_dots(&set.values)
            } else {
                set.values.clone()
            };
            snap.insert(
                format!("route53 record {label} {name} {kind}"),
                Settings::from([
                    ("TTL".into(), json!(set.ttl)),
                    ("Values".into(), sorted(values)),
                ]),
            );
        }
    }
    for (name, user) in &world.users {
        snap.insert(
            format!("iam user {name}"),
            Settings::from([
                ("Path".into(), json!(user.path)),
                ("Tags".into(), map(&user.tags)),
                (
                    "Policies".into(),
                    Value::Object(
                        user.policies
                            .iter()
                            .map(|(n, doc)| (n.clone(), serde_json::from_str(doc).unwrap()))
                            .collect(),
                    ),
                ),
                ("AccessKeys".into(), sorted(user.access_keys.clone())),
            ]),
        );
    }
    observed
}
