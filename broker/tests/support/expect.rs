//! The desired state SPEC 10 asks for, from the core's `InstanceState` and `BindingState`,
//! as a normalised snapshot.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test support: a failed assertion is how a test reports"
)]

use serde_json::{Map, Value, json};
use ses_broker::aws::{BindingState, InstanceState};
use ses_broker::dns::{DkimSigning, DkimToken};
use ses_broker::instance::{BrokerConfig, Instance, Topic};
use ses_broker::params::Context;
use ses_broker::reputation::Thresholds;

use super::{Observed, Settings, Snapshot, sorted, tags, topic_name};

/// SPEC 10 for `instances` (provisioned with `context`) and `binding` (its desired state
/// and the access key the broker handed out): everything that must exist in AWS.
/// `observed` gives what AWS chose (DKIM tokens, name servers).
pub fn expect_all<'a>(
    config: &BrokerConfig,
    context: &Context,
    thresholds: &Thresholds,
    instances: impl IntoIterator<Item = &'a Instance>,
    binding: Option<(&BindingState, &str)>,
    observed: &Observed,
) -> Snapshot {
    let mut expected = Snapshot::new();
    for instance in instances {
        let state = InstanceState::new(config, instance, context, thresholds).unwrap();
        expect_instance(&mut expected, &state, observed);
    }
    if let Some((state, key)) = binding {
        expect_binding(&mut expected, state, key);
    }
    expected
}

/// SPEC 10, for one instance: what its desired state says must exist. `observed` gives
/// what AWS chose (the identity's DKIM tokens, the generated zone's name servers).
pub fn expect_instance(expected: &mut Snapshot, state: &InstanceState, observed: &Observed) {
    let set = state.configuration_set.to_string();
    let domain = state.domain.to_string();
    // The configuration set: TLS required, reputation metrics on (the alarms need them),
    // bounces and complaints suppressed, sending enabled at creation.
    expected.insert(
        format!("ses configuration-set {set}"),
        Settings::from([
            ("TlsPolicy".into(), json!("REQUIRE")),
            ("ReputationMetricsEnabled".into(), json!(true)),
            ("SuppressedReasons".into(), json!(["BOUNCE", "COMPLAINT"])),
            ("SendingEnabled".into(), json!(true)),
            ("Tags".into(), tags(&state.tags)),
        ]),
    );
    // The identity, its default configuration set and MAIL FROM.
    let mut identity = Settings::from([
        ("ConfigurationSetName".into(), json!(set)),
        (
            "MailFromDomain".into(),
            json!(state.mail_from.as_ref().map(ToString::to_string)),
        ),
        ("Tags".into(), tags(&state.tags)),
    ]);
    if state.mail_from.is_some() {
        identity.insert("BehaviorOnMxFailure".into(), json!("UseDefaultValue"));
    }
    expected.insert(format!("ses identity {domain}"), identity);
    for topic in &state.topics {
        expected.insert(
            format!("kms key {}", topic.alias),
            Settings::from([
                ("Description".into(), json!(topic.key_description)),
                ("Policy".into(), topic.key_policy.to_value()),
                ("KeyRotationEnabled".into(), json!(true)),
                ("KeyState".into(), json!("Enabled")),
                ("Tags".into(), tags(&state.tags)),
            ]),
        );
        expected.insert(
            format!("sns topic {}", topic.name),
            Settings::from([
                ("KmsMasterKeyId".into(), json!(topic.alias.to_string())),
                ("Policy".into(), topic.topic_policy.to_value()),
                ("Tags".into(), tags(&state.tags)),
            ]),
        );
        let event = match topic.topic {
            Topic::Bounce => Some("bounce"),
            Topic::Complaint => Some("complaint"),
            Topic::Delivery => Some("delivery"),
            _ => None,
        };
        if let Some(event) = event {
            expected.insert(
                format!("ses event-destination {set}/{}", topic.name),
                Settings::from([
                    ("Enabled".into(), json!(true)),
                    ("MatchingEventTypes".into(), json!([event])),
                    ("TopicArn".into(), json!(topic.arn.to_string())),
                ]),
            );
        }
        if topic.topic == Topic::Reputation {
            expected.insert(
                format!(
                    "sns subscription {} email {}",
                    topic.name, state.admin_email
                ),
                Settings::from([("TopicArn".into(), json!(topic.arn.to_string()))]),
            );
        }
    }
    for alarm in &state.alarms {
        let arns = |list: &[ses_broker::values::Arn]| {
            sorted(list.iter().map(ToString::to_string).collect())
        };
        expected.insert(
            format!("cloudwatch alarm {}", alarm.alarm_name),
            Settings::from([
                ("AlarmDescription".into(), json!(alarm.alarm_description)),
                ("ActionsEnabled".into(), json!(alarm.actions_enabled)),
                ("AlarmActions".into(), arns(&alarm.alarm_actions)),
                ("OKActions".into(), arns(&alarm.ok_actions)),
                (
                    "InsufficientDataActions".into(),
                    arns(&alarm.insufficient_data_actions),
                ),
                ("Namespace".into(), json!(alarm.namespace)),
                ("MetricName".into(), json!(alarm.metric_name)),
                ("Statistic".into(), json!(alarm.statistic)),
                (
                    "Dimensions".into(),
                    Value::Object(
                        alarm
                            .dimensions
                            .iter()
                            .map(|d| (d.name.clone(), json!(d.value)))
                            .collect(),
                    ),
                ),
                ("Period".into(), json!(alarm.period)),
                ("EvaluationPeriods".into(), json!(alarm.evaluation_periods)),
                ("DatapointsToAlarm".into(), json!(alarm.datapoints_to_alarm)),
                ("Threshold".into(), json!(alarm.threshold)),
                (
                    "ComparisonOperator".into(),
                    json!(alarm.comparison_operator),
                ),
                ("TreatMissingData".into(), json!(alarm.treat_missing_data)),
                ("Tags".into(), tags(&alarm.tags)),
            ]),
        );
    }
    if let Some(dns) = &state.generated_dns {
        expected.insert(
            format!("route53 zone {domain}"),
            Settings::from([
                ("Comment".into(), json!(dns.comment)),
                ("Tags".into(), tags(&state.tags)),
            ]),
        );
        let tokens = observed
            .dkim_tokens
            .get(&domain)
            .unwrap_or_else(|| panic!("no DKIM tokens observed for {domain}"));
        let tokens: [DkimToken; 3] = [
            DkimToken::parse(&tokens[0]).unwrap(),
            DkimToken::parse(&tokens[1]).unwrap(),
            DkimToken::parse(&tokens[2]).unwrap(),
        ];
        let dkim = DkimSigning::for_region(tokens, &state.region).unwrap();
        for set in state.required_records(&dkim).unwrap().record_sets() {
            let record = ses_broker::aws::DnsRecordSet::from_record_set(set);
            expected.insert(
                format!(
                    "route53 record {domain} {} {}",
                    record.name(),
                    record.record_type()
                ),
                Settings::from([
                    ("TTL".into(), json!(record.ttl())),
                    ("Values".into(), sorted(record.values().to_vec())),
                ]),
            );
        }
        let name_servers = observed
            .name_servers
            .get(&domain)
            .unwrap_or_else(|| panic!("no hosted zone observed for {domain}"));
        expected.insert(
            format!("route53 record PARENT {domain} NS"),
            Settings::from([
                ("TTL".into(), json!(30)),
                ("Values".into(), sorted(name_servers.clone())),
            ]),
        );
    }
}

/// SPEC 10, for one binding: the user at `/cf/` with its tags, its inline policy named as
/// the user, one access key, and the feedback subscriptions.
pub fn expect_binding(expected: &mut Snapshot, state: &BindingState, access_key_id: &str) {
    let user = state.user_name.to_string();
    let mut policies = Map::new();
    policies.insert(user.clone(), state.policy.to_value());
    expected.insert(
        format!("iam user {user}"),
        Settings::from([
            ("Path".into(), json!(state.path.to_string())),
            ("Tags".into(), tags(&state.tags)),
            ("Policies".into(), Value::Object(policies)),
            ("AccessKeys".into(), json!([access_key_id])),
        ]),
    );
    for sub in &state.subscriptions {
        let protocol = serde_json::to_value(sub.protocol).unwrap();
        expected.insert(
            format!(
                "sns subscription {} {} {}",
                topic_name(sub.topic_arn.as_str()),
                protocol.as_str().unwrap(),
                sub.endpoint
            ),
            Settings::from([("TopicArn".into(), json!(sub.topic_arn.to_string()))]),
        );
    }
}
