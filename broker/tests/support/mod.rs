//! What the lifecycle tests share: the desired state SPEC 10 asks for, derived from the
//! core's `InstanceState` and `BindingState`, as a normalised snapshot of AWS resources;
//! the comparison of that with what an AWS (the stand-in or moto) holds; and the scenario
//! both tests drive through OSBAPI requests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: a failed assertion is how a test reports"
)]

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use ses_broker::aws::{BindingState, InstanceState};
use ses_broker::binding::Binding;
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::dns::{DkimSigning, DkimToken};
use ses_broker::instance::{BrokerConfig, Instance, Topic};
use ses_broker::params::{BindParams, Context, ProvisionParams};
use ses_broker::reputation::Thresholds;
use ses_broker::values::{BindingId, InstanceId};
use ses_broker_server::memory::World;

/// Settings by name.
pub type Settings = BTreeMap<String, Value>;

/// Resources by `<service> <kind> <name>`, each with its settings.
pub type Snapshot = BTreeMap<String, Settings>;

/// What an AWS holds, normalised, plus what the expectation is made from (the DKIM tokens
/// and name servers AWS chose) and the keys pending deletion.
#[derive(Debug, Default)]
pub struct Observed {
    /// The resources.
    pub snapshot: Snapshot,
    /// Each identity's DKIM tokens.
    pub dkim_tokens: BTreeMap<String, Vec<String>>,
    /// Each hosted zone's name servers (no trailing dot).
    pub name_servers: BTreeMap<String, Vec<String>>,
    /// The deletion window (days) of every key pending deletion, when known.
    pub pending_keys: Vec<Option<i64>>,
}

/// A setting an AWS cannot show: `(resource kind, setting, why)`. The setting
/// [`PRESENCE`] means the AWS may not show every resource of the kind at all: a missing
/// one is counted as unchecked (the ones it shows are compared in full).
pub type Unchecked = (&'static str, &'static str, &'static str);

/// See [`Unchecked`].
pub const PRESENCE: &str = "(presence)";

/// How far the comparisons went.
#[derive(Debug, Default)]
pub struct Tally {
    /// Resources found as expected.
    pub resources: usize,
    /// Settings found equal.
    pub settings: usize,
    /// Settings the AWS could not show, by `kind setting`.
    pub unchecked: BTreeMap<String, usize>,
}

fn tags(state_tags: &ses_broker::aws::Tags) -> Value {
    Value::Object(
        state_tags
            .iter()
            .map(|t| (t.key().to_owned(), json!(t.value())))
            .collect(),
    )
}

fn sorted(mut list: Vec<String>) -> Value {
    list.sort();
    json!(list)
}

fn trim_dots(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| s.trim_end_matches('.').to_owned())
        .collect()
}

/// The resource kind of a snapshot key (`ses identity`, `kms key`, ...).
pub fn kind(key: &str) -> String {
    key.splitn(3, ' ').take(2).collect::<Vec<_>>().join(" ")
}

/// The topic name at the end of a topic ARN.
fn topic_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
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

/// Compares `expected` with `observed` resource by resource and setting by setting; every
/// difference, missing resource and unexpected resource is collected, and the test fails
/// with all of them at once. A setting the AWS cannot show (in `unchecked`) is counted,
/// not compared.
pub fn compare(
    step: &str,
    expected: &Snapshot,
    observed: &Snapshot,
    unchecked: &[Unchecked],
    tally: &mut Tally,
) {
    let mut problems = Vec::new();
    for (key, want) in expected {
        let Some(found) = observed.get(key) else {
            if unchecked
                .iter()
                .any(|(k, s, _)| *k == kind(key) && *s == PRESENCE)
            {
                *tally
                    .unchecked
                    .entry(format!("{} {PRESENCE}", kind(key)))
                    .or_default() += 1;
            } else {
                problems.push(format!("missing: {key}"));
            }
            continue;
        };
        tally.resources += 1;
        for (setting, value) in want {
            let skipped = unchecked
                .iter()
                .any(|(k, s, _)| *k == kind(key) && s == setting);
            match found.get(setting) {
                _ if skipped => {
                    *tally
                        .unchecked
                        .entry(format!("{} {setting}", kind(key)))
                        .or_default() += 1;
                }
                Some(got) if got == value => tally.settings += 1,
                Some(got) => problems.push(format!("{key}: {setting} is {got}, expected {value}")),
                None => problems.push(format!("{key}: {setting} was not read back")),
            }
        }
    }
    for key in observed.keys() {
        if !expected.contains_key(key) {
            problems.push(format!("unexpected: {key} {}", json!(observed[key])));
        }
    }
    assert!(
        problems.is_empty(),
        "{step}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    eprintln!("{step}: {} resources as expected", expected.len());
}

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

/// An AWS under test, reached through the broker.
pub trait Harness {
    /// The broker's configuration (as the broker read it).
    fn config(&self) -> &BrokerConfig;
    /// One OSBAPI request: the status and the JSON body.
    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value);
    /// What the AWS holds now.
    fn observe(&mut self) -> Observed;
    /// Settings this AWS cannot show.
    fn unchecked(&self) -> Vec<Unchecked>;
    /// A name for messages (`moto`, `stand-in`).
    fn name(&self) -> &'static str;
}

pub const INSTANCE_A: &str = "0a5e5b7c-1d2e-4f30-8a4b-5c6d7e8f9a01";
pub const INSTANCE_B: &str = "0a5e5b7c-1d2e-4f30-8a4b-5c6d7e8f9a02";
pub const BINDING: &str = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a51";

fn context_value() -> Value {
    json!({
        "platform": "cloudfoundry",
        "organization_guid": "6e1b2c3d-0000-4000-8000-00000000000e",
        "organization_name": "agency-prod",
        "space_guid": "6e1b2c3d-0000-4000-8000-00000000000f",
        "space_name": "mail (prod)",
        "instance_name": "my-ses"
    })
}

const IDS: &str =
    "service_id=260f2ead-b9e9-48b5-9a01-6e3097208ad7&plan_id=35ffb84b-a898-442e-b5f9-0a6a5229827d";

/// One run of the scenario: the requests made, the core's view of what should exist, and
/// the tally of comparisons.
struct Run<'h, H: Harness> {
    h: &'h mut H,
    config: BrokerConfig,
    context: Context,
    thresholds: Thresholds,
    instances: BTreeMap<String, Instance>,
    binding: Option<(BindingState, String)>,
    tally: Tally,
    unchecked: Vec<Unchecked>,
    last: Observed,
}

impl<H: Harness> Run<'_, H> {
    fn dkim(&self, instance: &Instance) -> DkimSigning {
        let tokens = &self.last.dkim_tokens[instance.domain().as_str()];
        let tokens = [
            DkimToken::parse(&tokens[0]).unwrap(),
            DkimToken::parse(&tokens[1]).unwrap(),
            DkimToken::parse(&tokens[2]).unwrap(),
        ];
        DkimSigning::for_region(tokens, instance.region()).unwrap()
    }

    fn check(&mut self, step: &str) {
        let observed = self.h.observe();
        let mut expected = Snapshot::new();
        for instance in self.instances.values() {
            let state = InstanceState::new(&self.config, instance, &self.context, &self.thresholds)
                .unwrap();
            expect_instance(&mut expected, &state, &observed);
        }
        if let Some((state, key)) = &self.binding {
            expect_binding(&mut expected, state, key);
        }
        compare(
            &format!("{} {step}", self.h.name()),
            &expected,
            &observed.snapshot,
            &self.unchecked,
            &mut self.tally,
        );
        self.last = observed;
    }

    fn provision(&mut self, id: &str, parameters: Value) -> Value {
        let body = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
            "organization_guid": "6e1b2c3d-0000-4000-8000-00000000000e",
            "space_guid": "6e1b2c3d-0000-4000-8000-00000000000f",
            "context": context_value(), "parameters": parameters});
        let (status, answer) =
            self.h
                .call("PUT", &format!("/v2/service_instances/{id}"), Some(&body));
        assert_eq!(status, 201, "provision {id}: {answer}");
        let params = ProvisionParams::from_value(&parameters).unwrap();
        let instance = Instance::new(&self.config, InstanceId::parse(id).unwrap(), params).unwrap();
        self.instances.insert(id.to_owned(), instance);
        answer
    }

    fn update(&mut self, id: &str, parameters: Value) {
        let body = json!({"service_id": SERVICE_ID, "context": context_value(),
            "parameters": parameters});
        let (status, answer) =
            self.h
                .call("PATCH", &format!("/v2/service_instances/{id}"), Some(&body));
        assert_eq!(status, 200, "update {id}: {answer}");
        let old = &self.instances[id];
        let new = old
            .update(&self.config, &parameters.to_string(), &self.dkim(old))
            .unwrap()
            .into_instance();
        self.instances.insert(id.to_owned(), new);
    }

    fn bind(&mut self, id: &str, bid: &str, parameters: Value) -> Value {
        let body = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
            "context": context_value(), "bind_resource": {"app_guid": "app"},
            "parameters": parameters});
        let (status, answer) = self.h.call(
            "PUT",
            &format!("/v2/service_instances/{id}/service_bindings/{bid}"),
            Some(&body),
        );
        assert_eq!(status, 201, "bind {bid}: {answer}");
        let instance = &self.instances[id];
        let plan = Binding::plan(
            instance,
            BindingId::parse(bid).unwrap(),
            BindParams::from_value(&parameters).unwrap(),
        );
        let state = BindingState::new(&self.config, instance, &plan, &self.context).unwrap();
        let key = answer["credentials"]["aws_access_key_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(answer["credentials"]["smtp_user"], json!(key));
        self.binding = Some((state, key));
        answer
    }

    fn unbind(&mut self, id: &str, bid: &str) {
        let (status, answer) = self.h.call(
            "DELETE",
            &format!("/v2/service_instances/{id}/service_bindings/{bid}?{IDS}"),
            None,
        );
        assert_eq!(status, 200, "unbind {bid}: {answer}");
        self.binding = None;
    }

    fn deprovision(&mut self, id: &str) {
        let (status, answer) =
            self.h
                .call("DELETE", &format!("/v2/service_instances/{id}?{IDS}"), None);
        assert_eq!(status, 200, "deprovision {id}: {answer}");
        self.instances.remove(id);
    }
}

/// The lifecycle both tests run through OSBAPI requests, with everything in AWS compared
/// with the core's desired state after every step: provision with a customer domain
/// (feedback off) and with a generated one (feedback on, a MAIL FROM subdomain); update
/// (feedback toggled on, `admin_email` changed, MAIL FROM added; a MAIL FROM changed in a
/// zone the broker keeps); bind with `source_ips`, a notification email and a webhook;
/// unbind; deprovision, after which nothing is left but keys pending deletion (7 days).
///
/// With `feedback_off`, an update also turns feedback off on the generated-domain
/// instance: that deletes SES event destinations, which moto answers with a 500, so only
/// the stand-in runs it.
pub fn scenario(h: &mut impl Harness, feedback_off: bool) -> Tally {
    let unchecked = h.unchecked();
    let mut run = Run {
        config: h.config().clone(),
        h,
        context: Context::from_value(&context_value()).unwrap(),
        thresholds: Thresholds::cloud_gov(),
        instances: BTreeMap::new(),
        binding: None,
        tally: Tally::default(),
        unchecked,
        last: Observed::default(),
    };
    run.check("before provisioning");

    let answer = run.provision(
        INSTANCE_A,
        json!({"domain": "agency.gov", "admin_email": "admin@agency.gov"}),
    );
    let records = &answer["metadata"]["attributes"]["required_records"];
    run.provision(
        INSTANCE_B,
        json!({"admin_email": "ops@agency.gov", "enable_feedback_notifications": true,
               "mail_from_subdomain": "mail"}),
    );
    run.check("after provisioning a customer domain and a generated one");
    // The DKIM records handed to the customer name the tokens the identity has in AWS.
    let tokens = &run.last.dkim_tokens["agency.gov"];
    for (n, token) in tokens.iter().enumerate() {
        let record = &records[format!("dkim_record_{n}")];
        assert_eq!(
            record["name"],
            json!(format!("{token}._domainkey.agency.gov")),
            "{record}"
        );
        run.tally.settings += 1;
    }

    run.update(
        INSTANCE_A,
        json!({"enable_feedback_notifications": true, "admin_email": "new-admin@agency.gov",
               "mail_from_subdomain": "bounce"}),
    );
    run.check("after feedback on, a new admin_email and a MAIL FROM");
    run.update(INSTANCE_B, json!({"mail_from_subdomain": "mx"}));
    run.check("after a MAIL FROM change in a broker-kept zone");

    let answer = run.bind(
        INSTANCE_A,
        BINDING,
        json!({"source_ips": ["203.0.113.0/24"], "notification_email": "alerts@agency.gov",
               "notification_webhook": "https://hooks.agency.gov/ses"}),
    );
    assert_eq!(
        answer["credentials"]["notification_email"],
        "alerts@agency.gov"
    );
    run.check("after binding with source_ips, an email and a webhook");

    if feedback_off {
        run.update(INSTANCE_B, json!({"enable_feedback_notifications": false}));
        run.check("after feedback off");
    }

    run.unbind(INSTANCE_A, BINDING);
    run.check("after unbinding");
    run.deprovision(INSTANCE_A);
    run.deprovision(INSTANCE_B);
    run.check("after deprovisioning");
    let pending = &run.last.pending_keys;
    // Four topic keys each (feedback on, at the end or before), none left behind.
    assert_eq!(pending.len(), 8, "keys pending deletion: {pending:?}");
    for window in pending {
        assert_eq!(*window, Some(7), "deletion windows: {pending:?}");
        run.tally.settings += 1;
    }
    run.tally
}

/// Prints the tally the way CI shows it.
pub fn report(name: &str, tally: &Tally, unchecked: &[Unchecked]) {
    println!(
        "{name}: {} resources and {} settings compared with the core's desired state",
        tally.resources, tally.settings
    );
    for (what, count) in &tally.unchecked {
        let why = unchecked
            .iter()
            .find(|(k, s, _)| format!("{k} {s}") == *what)
            .map_or("", |(_, _, why)| why);
        println!("{name}: not checked ({count}x): {what}: {why}");
    }
}
