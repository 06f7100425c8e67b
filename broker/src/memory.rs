//! `--aws memory`: an in-memory stand-in for SES, SNS, KMS, IAM, CloudWatch and Route 53.
//!
//! It models the services' own rules, not the core's: a name taken is "already exists"
//! (read back for the core to compare), a missing resource is "not found", a key policy
//! that would lock the account out is refused, a user with an access key cannot be
//! deleted, a zone with records cannot be deleted, a record deleted must match exactly,
//! a CNAME cannot share its name. Errors carry AWS's error codes and go through the same
//! [`classify`] as the SDK adapter's. Its [`World`] is public, so tests compare it with the
//! core's desired state.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;
use ses_broker::aws::{
    Answer, ChangeAction, HostedZoneSummary, KmsKeyId, Observed, Operation, Output, Tags,
};
use ses_broker::binding::Protocol;
use ses_broker::dns::DkimToken;
use ses_broker::values::{AccessKey, AccessKeyId, Arn, DomainName, HostedZoneId, SecretAccessKey};
use sha2::{Digest as _, Sha256};

use crate::aws::{Aws, ErrorClass, classify};

/// A tag list as AWS shows it.
pub type TagMap = BTreeMap<String, String>;

/// An SES configuration set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigurationSet {
    /// `DeliveryOptions.TlsPolicy`.
    pub tls_policy: String,
    /// `ReputationOptions.ReputationMetricsEnabled`.
    pub reputation_metrics_enabled: bool,
    /// `SuppressionOptions.SuppressedReasons`.
    pub suppressed_reasons: Vec<String>,
    /// `SendingOptions.SendingEnabled`.
    pub sending_enabled: bool,
    /// Tags.
    pub tags: TagMap,
    /// Event destinations by name.
    pub event_destinations: BTreeMap<String, EventDestination>,
}

/// An event destination of a configuration set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventDestination {
    /// `Enabled`.
    pub enabled: bool,
    /// `MatchingEventTypes` (SES v1 names).
    pub matching_event_types: Vec<String>,
    /// `SNSDestination.TopicARN`.
    pub topic_arn: String,
}

/// An SES domain identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The Easy DKIM tokens.
    pub dkim_tokens: [String; 3],
    /// The default configuration set.
    pub configuration_set: Option<String>,
    /// The custom MAIL FROM domain.
    pub mail_from_domain: Option<String>,
    /// `BehaviorOnMXFailure` (v1 name).
    pub behavior_on_mx_failure: String,
    /// Tags.
    pub tags: TagMap,
}

/// A KMS key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Key {
    /// The key ARN.
    pub arn: String,
    /// `Description`.
    pub description: String,
    /// The key policy (JSON).
    pub policy: String,
    /// Whether automatic rotation is on.
    pub rotation: bool,
    /// `Enabled` or `PendingDeletion`.
    pub state: String,
    /// The deletion window, once scheduled.
    pub pending_window_in_days: Option<u8>,
    /// Tags.
    pub tags: TagMap,
}

/// An SNS topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topic {
    /// `KmsMasterKeyId`.
    pub kms_master_key_id: String,
    /// `Policy` (JSON), once set.
    pub policy: Option<String>,
    /// Tags.
    pub tags: TagMap,
}

/// An SNS subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscription {
    /// The topic.
    pub topic_arn: String,
    /// `email` or `https`.
    pub protocol: String,
    /// The address or URL.
    pub endpoint: String,
}

/// A CloudWatch metric alarm, as `PutMetricAlarm` set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    /// `AlarmDescription`.
    pub description: String,
    /// `ActionsEnabled`.
    pub actions_enabled: bool,
    /// `AlarmActions`.
    pub alarm_actions: Vec<String>,
    /// `OKActions`.
    pub ok_actions: Vec<String>,
    /// `InsufficientDataActions`.
    pub insufficient_data_actions: Vec<String>,
    /// `Namespace`.
    pub namespace: String,
    /// `MetricName`.
    pub metric_name: String,
    /// `Statistic`.
    pub statistic: String,
    /// `Dimensions` as name to value.
    pub dimensions: BTreeMap<String, String>,
    /// `Period`.
    pub period: u32,
    /// `EvaluationPeriods`.
    pub evaluation_periods: u32,
    /// `DatapointsToAlarm`.
    pub datapoints_to_alarm: u32,
    /// `Threshold`.
    pub threshold: f64,
    /// `ComparisonOperator`.
    pub comparison_operator: String,
    /// `TreatMissingData`.
    pub treat_missing_data: String,
    /// Tags.
    pub tags: TagMap,
}

/// A Route 53 record set's TTL and values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordSet {
    /// `TTL`.
    pub ttl: u32,
    /// `ResourceRecords[].Value`.
    pub values: Vec<String>,
}

/// A Route 53 hosted zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Zone {
    /// The zone's name, without the trailing dot.
    pub name: String,
    /// `Config.Comment`.
    pub comment: Option<String>,
    /// `DelegationSet.NameServers`.
    pub name_servers: Vec<String>,
    /// Record sets by (name, type); SOA and NS of the apex are there from creation.
    pub records: BTreeMap<(String, String), RecordSet>,
    /// Tags.
    pub tags: TagMap,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// `Path`.
    pub path: String,
    /// Tags.
    pub tags: TagMap,
    /// Inline policies by name (JSON).
    pub policies: BTreeMap<String, String>,
    /// Access key ids.
    pub access_keys: Vec<String>,
}

/// Everything the stand-in holds, as AWS would show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct World {
    /// SES configuration sets by name.
    pub configuration_sets: BTreeMap<String, ConfigurationSet>,
    /// SES identities by domain.
    pub identities: BTreeMap<String, Identity>,
    /// KMS keys by id.
    pub keys: BTreeMap<String, Key>,
    /// KMS aliases: alias name to key id.
    pub aliases: BTreeMap<String, String>,
    /// SNS topics by ARN.
    pub topics: BTreeMap<String, Topic>,
    /// SNS subscriptions by ARN.
    pub subscriptions: BTreeMap<String, Subscription>,
    /// CloudWatch alarms by name.
    pub alarms: BTreeMap<String, Alarm>,
    /// Route 53 hosted zones by id.
    pub zones: BTreeMap<String, Zone>,
    /// IAM users by name.
    pub users: BTreeMap<String, User>,
    /// Every `CallerReference` Route 53 has seen.
    caller_references: Vec<String>,
    /// Counts every resource made, for fresh ids.
    serial: u64,
}

/// The in-memory AWS of one account and region.
#[derive(Debug)]
pub struct InMemoryAws {
    account: String,
    partition: String,
    region: String,
    principal: String,
    world: Mutex<World>,
}

/// An AWS error: the code, message and HTTP status a service would answer.
#[derive(Debug)]
struct Fault {
    code: &'static str,
    message: String,
    status: u16,
}

fn fault(code: &'static str, status: u16, message: impl Into<String>) -> Fault {
    Fault {
        code,
        message: message.into(),
        status,
    }
}

fn tag_map(tags: &Tags) -> TagMap {
    tags.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// SHA-256 of `parts` joined by NUL bytes.
fn digest(parts: &[&str]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().into()
}

/// `len` characters of a 32- or 64-letter `alphabet` drawn from the bits of `bytes`.
fn encode(bytes: &[u8; 32], alphabet: &[u8], len: usize) -> String {
    let bits = alphabet.len().trailing_zeros() as usize;
    (0..len)
        .map(|i| {
            let mut value = 0usize;
            for b in 0..bits {
                let bit = (i * bits + b) % 256;
                let byte = bytes.get(bit / 8).copied().unwrap_or(0);
                value = (value << 1) | usize::from((byte >> (7 - bit % 8)) & 1);
            }
            char::from(alphabet.get(value).copied().unwrap_or(b'a'))
        })
        .collect()
}

const LOWER32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const UPPER32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8; 16] = b"0123456789abcdef";

/// The IAM condition operators AWS knows (without `IfExists` and the set qualifiers).
const CONDITION_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// Checks a policy document the way IAM, KMS and SNS do: JSON, `Version`, statements with
/// `Effect`, an action, and known condition operators.
fn check_policy(document: &str, code: &'static str) -> Result<Value, Fault> {
    let bad = |why: &str| fault(code, 400, format!("Syntax errors in policy: {why}"));
    let value: Value = serde_json::from_str(document).map_err(|_| bad("not JSON"))?;
    if value.get("Version").and_then(Value::as_str) != Some("2012-10-17") {
        return Err(bad("Version must be 2012-10-17"));
    }
    let statements = match value.get("Statement") {
        Some(Value::Array(list)) if !list.is_empty() => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return Err(bad("no Statement")),
    };
    for statement in &statements {
        if !matches!(
            statement.get("Effect").and_then(Value::as_str),
            Some("Allow" | "Deny")
        ) {
            return Err(bad("Effect must be Allow or Deny"));
        }
        if statement.get("Action").is_none() && statement.get("NotAction").is_none() {
            return Err(bad("a statement has no Action"));
        }
        if let Some(Value::Object(conditions)) = statement.get("Condition") {
            for operator in conditions.keys() {
                let base = operator
                    .trim_start_matches("ForAllValues:")
                    .trim_start_matches("ForAnyValue:")
                    .trim_end_matches("IfExists");
                if !CONDITION_OPERATORS.contains(&base) {
                    return Err(bad(&format!("unknown condition operator {operator}")));
                }
            }
        }
    }
    Ok(value)
}

/// Whether `value` (a string or a list of strings) holds `wanted`.
fn holds(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Array(list)) => list.iter().any(|v| v.as_str() == Some(wanted)),
        _ => false,
    }
}

impl InMemoryAws {
    /// An empty account `account` in `region` (partition `partition`), called by
    /// `principal` (the ARN a key policy must keep able to manage the key).
    #[must_use]
    pub fn new(account: &str, partition: &str, region: &str, principal: &str) -> Self {
        Self {
            account: account.to_owned(),
            partition: partition.to_owned(),
            region: region.to_owned(),
            principal: principal.to_owned(),
            world: Mutex::new(World::default()),
        }
    }

    /// Adds a hosted zone that exists before the broker runs (the parent zone of generated
    /// domains, as in a real account), with the given id.
    pub fn add_hosted_zone(&self, id: &HostedZoneId, name: &DomainName) {
        let mut world = self.lock();
        let zone = Self::new_zone(
            &mut world,
            name.as_str(),
            Some("made before the broker ran"),
        );
        world.zones.insert(id.as_str().to_owned(), zone);
    }

    /// Adds an SNS topic that exists before the broker runs (a platform topic).
    pub fn add_topic(&self, name: &str) -> String {
        let arn = self.arn("sns", name);
        self.lock().topics.insert(
            arn.clone(),
            Topic {
                kms_master_key_id: String::new(),
                policy: None,
                tags: TagMap::new(),
            },
        );
        arn
    }

    /// A copy of everything it holds.
    #[must_use]
    pub fn world(&self) -> World {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }

    fn new_zone(world: &mut World, name: &str, comment: Option<&str>) -> Zone {
        world.serial += 1;
        let serial = world.serial.to_string();
        let name_servers: Vec<String> = (1..=4)
            .map(|n| {
                let d = digest(&["ns", name, &serial, &n.to_string()]);
                let tld = ["org", "co.uk", "com", "net"]
                    .get(n - 1)
                    .copied()
                    .unwrap_or("com");
                format!(
                    "ns-{}.awsdns-{:02}.{tld}",
                    u16::from_be_bytes([d[0], d[1]]) % 2048,
                    d[2] % 64
                )
            })
            .collect();
        let mut records = BTreeMap::new();
        records.insert(
            (name.to_owned(), "NS".to_owned()),
            RecordSet {
                ttl: 172_800,
                values: name_servers.iter().map(|ns| format!("{ns}.")).collect(),
            },
        );
        records.insert(
            (name.to_owned(), "SOA".to_owned()),
            RecordSet {
                ttl: 900,
                values: vec![format!(
                    "{}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
                    name_servers
                        .first()
                        .map_or("ns-1.awsdns-01.org", String::as_str)
                )],
            },
        );
        Zone {
            name: name.to_owned(),
            comment: comment.map(ToOwned::to_owned),
            name_servers,
            records,
            tags: TagMap::new(),
        }
    }

    /// A key policy must leave the account able to manage the key (KMS's lockout check):
    /// some `Allow` statement gives `kms:*` or `kms:PutKeyPolicy` to the account root or
    /// to the caller.
    fn check_key_policy(&self, policy: &str) -> Result<(), Fault> {
        let value = check_policy(policy, "MalformedPolicyDocumentException")?;
        let root = format!("arn:{}:iam::{}:root", self.partition, self.account);
        let statements = value
            .get("Statement")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let manages = statements.iter().any(|s| {
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && (holds(s.get("Action"), "kms:*") || holds(s.get("Action"), "kms:PutKeyPolicy"))
                && s.get("Principal").is_some_and(|p| {
                    holds(p.get("AWS"), &root) || holds(p.get("AWS"), &self.principal)
                })
        });
        if manages {
            Ok(())
        } else {
            Err(fault(
                "MalformedPolicyDocumentException",
                400,
                "The new key policy will not allow you to update the key policy in the future.",
            ))
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per operation, each a small model of the service's rule"
    )]
    fn apply(&self, world: &mut World, operation: &Operation) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
            Operation::CreateConfigurationSet(p) => {
                let name = p.configuration_set_name.to_string();
                if world.configuration_sets.contains_key(&name) {
                    return Err(fault(
                        "AlreadyExistsException",
                        400,
                        format!("Configuration set <{name}> already exists"),
                    ));
                }
                world.configuration_sets.insert(
                    name,
                    ConfigurationSet {
                        tls_policy: p.tls_policy.as_str().to_owned(),
                        reputation_metrics_enabled: p.reputation_metrics_enabled,
                        suppressed_reasons: p
                            .suppressed_reasons
                            .iter()
                            .map(|r| r.as_str().to_owned())
                            .collect(),
                        sending_enabled: p.sending_enabled,
                        tags: tag_map(&p.tags),
                        event_destinations: BTreeMap::new(),
                    },
                );
                nothing
            }
            Operation::DeleteConfigurationSet(p) => {
                world
                    .configuration_sets
                    .remove(p.configuration_set_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NotFoundException",
                            404,
                            format!(
                                "Configuration set <{}> does not exist",
                                p.configuration_set_name
                            ),
                        )
                    })?;
                nothing
            }
            Operation::CreateEmailIdentity(p) => {
                let domain = p.email_identity.to_string();
                if world.identities.contains_key(&domain) {
                    return Err(fault(
                        "AlreadyExistsException",
                        400,
                        format!("Email identity {domain} already exist."),
                    ));
                }
                if !world
                    .configuration_sets
                    .contains_key(p.configuration_set_name.as_str())
                {
                    return Err(fault(
                        "NotFoundException",
                        404,
                        format!(
                            "Configuration set <{}> does not exist",
                            p.configuration_set_name
                        ),
                    ));
                }
                // SES's tokens are 32 lowercase base32 characters; these are derived from the
                // domain, so a rerun gives the same records.
                let tokens =
                    ["1", "2", "3"].map(|n| encode(&digest(&["dkim", &domain, n]), LOWER32, 32));
                let parsed = [
                    DkimToken::parse(&tokens[0]),
                    DkimToken::parse(&tokens[1]),
                    DkimToken::parse(&tokens[2]),
                ];
                let [Ok(a), Ok(b), Ok(c)] = parsed else {
                    return Err(fault("InternalFailure", 500, "token generation failed"));
                };
                world.identities.insert(
                    domain,
                    Identity {
                        dkim_tokens: tokens,
                        configuration_set: Some(p.configuration_set_name.to_string()),
                        mail_from_domain: None,
                        behavior_on_mx_failure: "UseDefaultValue".to_owned(),
                        tags: tag_map(&p.tags),
                    },
                );
                Ok(Output::EmailIdentity {
                    dkim_tokens: [a, b, c],
                    signing_hosted_zone: None,
                })
            }
            Operation::DeleteEmailIdentity(p) => {
                world
                    .identities
                    .remove(p.email_identity.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NotFoundException",
                            404,
                            format!("Email identity {} does not exist.", p.email_identity),
                        )
                    })?;
                nothing
            }
            Operation::SetIdentityMailFromDomain(p) => {
                let identity = world
                    .identities
                    .get_mut(p.identity.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NotFoundException",
                            404,
                            format!("Identity {} does not exist", p.identity),
                        )
                    })?;
                if let Some(mail_from) = &p.mail_from_domain
                    && !mail_from
                        .as_str()
                        .ends_with(&format!(".{}", p.identity.as_str()))
                {
                    return Err(fault(
                        "InvalidParameterValue",
                        400,
                        format!(
                            "MAIL FROM domain {mail_from} is not a subdomain of {}",
                            p.identity
                        ),
                    ));
                }
                identity.mail_from_domain = p.mail_from_domain.as_ref().map(ToString::to_string);
                identity.behavior_on_mx_failure = p.behavior_on_mx_failure.v1_name().to_owned();
                nothing
            }
            Operation::CreateConfigurationSetEventDestination(p) => {
                let topic_exists = world.topics.contains_key(p.topic_arn.as_str());
                let set = world
                    .configuration_sets
                    .get_mut(p.configuration_set_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "ConfigurationSetDoesNotExist",
                            400,
                            format!(
                                "Configuration set <{}> does not exist",
                                p.configuration_set_name
                            ),
                        )
                    })?;
                let name = p.event_destination_name.to_string();
                if set.event_destinations.contains_key(&name) {
                    return Err(fault(
                        "EventDestinationAlreadyExists",
                        400,
                        format!("Event destination {name} already exists"),
                    ));
                }
                if !topic_exists {
                    return Err(fault(
                        "InvalidSNSDestination",
                        400,
                        format!("SNS topic <{}> does not exist", p.topic_arn),
                    ));
                }
                set.event_destinations.insert(
                    name,
                    EventDestination {
                        enabled: p.enabled,
                        matching_event_types: p
                            .matching_event_types
                            .iter()
                            .map(|t| t.v1_name().to_owned())
                            .collect(),
                        topic_arn: p.topic_arn.to_string(),
                    },
                );
                nothing
            }
            Operation::DeleteConfigurationSetEventDestination(p) => {
                let set = world
                    .configuration_sets
                    .get_mut(p.configuration_set_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "ConfigurationSetDoesNotExist",
                            400,
                            format!(
                                "Configuration set <{}> does not exist",
                                p.configuration_set_name
                            ),
                        )
                    })?;
                set.event_destinations
                    .remove(p.event_destination_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "EventDestinationDoesNotExist",
                            400,
                            format!(
                                "Event destination {} does not exist",
                                p.event_destination_name
                            ),
                        )
                    })?;
                nothing
            }
            Operation::CreateKey(p) => {
                let policy = p.policy.to_json();
                self.check_key_policy(&policy)?;
                world.serial += 1;
                let d = digest(&["key", &world.serial.to_string()]);
                let hex = encode(&d, HEX, 32);
                let id = format!(
                    "{}-{}-{}-{}-{}",
                    &hex[0..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..32]
                );
                let arn = self.arn("kms", &format!("key/{id}"));
                world.keys.insert(
                    id.clone(),
                    Key {
                        arn: arn.clone(),
                        description: p.description.clone(),
                        policy,
                        rotation: false,
                        state: "Enabled".to_owned(),
                        pending_window_in_days: None,
                        tags: tag_map(&p.tags),
                    },
                );
                Ok(Output::Key {
                    key_id: KmsKeyId::parse(&id)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                    arn: Arn::parse(&arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                })
            }
            Operation::EnableKeyRotation(p) => {
                let key = Self::key_mut(world, &p.key_id)?;
                if key.state != "Enabled" {
                    return Err(fault(
                        "KMSInvalidStateException",
                        400,
                        format!("{} is pending deletion.", key.arn),
                    ));
                }
                key.rotation = true;
                nothing
            }
            Operation::CreateAlias(p) => {
                let alias = p.alias_name.to_string();
                if !alias.starts_with("alias/") || alias.starts_with("alias/aws/") {
                    return Err(fault(
                        "InvalidAliasNameException",
                        400,
                        format!("{alias} is not allowed"),
                    ));
                }
                if world.aliases.contains_key(&alias) {
                    return Err(fault(
                        "AlreadyExistsException",
                        400,
                        format!("An alias with the name {alias} already exists"),
                    ));
                }
                Self::key_mut(world, &p.target_key_id)?;
                world.aliases.insert(alias, p.target_key_id.to_string());
                nothing
            }
            Operation::DeleteAlias(p) => {
                world.aliases.remove(p.alias_name.as_str()).ok_or_else(|| {
                    fault(
                        "NotFoundException",
                        400,
                        format!("Alias {} is not found.", p.alias_name),
                    )
                })?;
                nothing
            }
            Operation::ScheduleKeyDeletion(p) => {
                if !(7..=30).contains(&p.pending_window_in_days) {
                    return Err(fault(
                        "ValidationException",
                        400,
                        "PendingWindowInDays must be between 7 and 30",
                    ));
                }
                let key = Self::key_mut(world, &p.key_id)?;
                if key.state == "PendingDeletion" {
                    return Err(fault(
                        "KMSInvalidStateException",
                        400,
                        format!("{} is pending deletion.", key.arn),
                    ));
                }
                key.state = "PendingDeletion".to_owned();
                key.pending_window_in_days = Some(p.pending_window_in_days);
                nothing
            }
            Operation::ListKeys(_) => Ok(Output::KeyList {
                key_ids: world
                    .keys
                    .keys()
                    .filter_map(|id| KmsKeyId::parse(id).ok())
                    .collect(),
                next_marker: None,
            }),
            Operation::DescribeKey(p) => {
                let key = Self::key_mut(world, &p.key_id)?;
                Ok(Output::KeyDescription {
                    key_id: p.key_id.clone(),
                    arn: Arn::parse(&key.arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                    description: key.description.clone(),
                    pending_deletion: key.state == "PendingDeletion",
                })
            }
            Operation::CreateTopic(p) => {
                let arn = self.arn("sns", p.name.as_str());
                if let Some(existing) = world.topics.get(&arn) {
                    if existing.kms_master_key_id != p.kms_master_key_id.as_str() {
                        return Err(fault(
                            "InvalidParameter",
                            400,
                            "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
                        ));
                    }
                } else {
                    world.topics.insert(
                        arn.clone(),
                        Topic {
                            kms_master_key_id: p.kms_master_key_id.to_string(),
                            policy: None,
                            tags: tag_map(&p.tags),
                        },
                    );
                }
                Ok(Output::Topic {
                    arn: Arn::parse(&arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                })
            }
            Operation::SetTopicAttributes(p) => {
                let value = p.attribute_value();
                check_policy(&value, "InvalidParameter")?;
                let topic = world.topics.get_mut(p.topic_arn.as_str()).ok_or_else(|| {
                    fault(
                        "NotFound",
                        404,
                        format!("Topic {} does not exist", p.topic_arn),
                    )
                })?;
                topic.policy = Some(value);
                nothing
            }
            Operation::DeleteTopic(p) => {
                // SNS deletes a topic's subscriptions with it, and answers success for a
                // topic that is not there.
                world.topics.remove(p.topic_arn.as_str());
                world
                    .subscriptions
                    .retain(|_, s| s.topic_arn != p.topic_arn.as_str());
                nothing
            }
            Operation::Subscribe(p) => {
                if !world.topics.contains_key(p.topic_arn.as_str()) {
                    return Err(fault(
                        "NotFound",
                        404,
                        format!("Topic {} does not exist", p.topic_arn),
                    ));
                }
                let protocol = match p.protocol {
                    Protocol::Email if p.endpoint.contains('@') => "email",
                    Protocol::Https if p.endpoint.starts_with("https://") => "https",
                    _ => {
                        return Err(fault(
                            "InvalidParameter",
                            400,
                            "Invalid parameter: Endpoint does not match the protocol",
                        ));
                    }
                };
                // Subscribing the same endpoint again answers the same subscription.
                let id = encode(
                    &digest(&["subscription", p.topic_arn.as_str(), protocol, &p.endpoint]),
                    HEX,
                    32,
                );
                let arn = format!(
                    "{}:{}-{}-{}-{}-{}",
                    p.topic_arn,
                    &id[0..8],
                    &id[8..12],
                    &id[12..16],
                    &id[16..20],
                    &id[20..32]
                );
                world.subscriptions.insert(
                    arn.clone(),
                    Subscription {
                        topic_arn: p.topic_arn.to_string(),
                        protocol: protocol.to_owned(),
                        endpoint: p.endpoint.clone(),
                    },
                );
                Ok(Output::Subscription {
                    arn: Arn::parse(&arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                })
            }
            Operation::Unsubscribe(p) => {
                world
                    .subscriptions
                    .remove(p.subscription_arn.as_str())
                    .ok_or_else(|| fault("NotFound", 404, "Subscription does not exist"))?;
                nothing
            }
            Operation::PutMetricAlarm(p) => {
                if p.alarm_description.chars().count() > 1024 {
                    return Err(fault(
                        "ValidationError",
                        400,
                        "AlarmDescription must have length less than or equal to 1024",
                    ));
                }
                let arns = |list: &[Arn]| list.iter().map(ToString::to_string).collect();
                world.alarms.insert(
                    p.alarm_name.to_string(),
                    Alarm {
                        description: p.alarm_description.clone(),
                        actions_enabled: p.actions_enabled,
                        alarm_actions: arns(&p.alarm_actions),
                        ok_actions: arns(&p.ok_actions),
                        insufficient_data_actions: arns(&p.insufficient_data_actions),
                        namespace: p.namespace.clone(),
                        metric_name: p.metric_name.clone(),
                        statistic: p.statistic.clone(),
                        dimensions: p
                            .dimensions
                            .iter()
                            .map(|d| (d.name.clone(), d.value.clone()))
                            .collect(),
                        period: p.period,
                        evaluation_periods: p.evaluation_periods,
                        datapoints_to_alarm: p.datapoints_to_alarm,
                        threshold: p.threshold,
                        comparison_operator: p.comparison_operator.clone(),
                        treat_missing_data: p.treat_missing_data.clone(),
                        tags: tag_map(&p.tags),
                    },
                );
                nothing
            }
            Operation::DeleteAlarms(p) => {
                let mut missing = Vec::new();
                for name in &p.alarm_names {
                    if world.alarms.remove(name.as_str()).is_none() {
                        missing.push(name.to_string());
                    }
                }
                if missing.is_empty() {
                    nothing
                } else {
                    Err(fault(
                        "ResourceNotFound",
                        404,
                        format!("alarms not found: {}", missing.join(", ")),
                    ))
                }
            }
            Operation::ListHostedZonesByName(p) => {
                let mut zones: Vec<(&String, &Zone)> = world
                    .zones
                    .iter()
                    .filter(|(_, z)| z.name.as_str() >= p.dns_name.as_str())
                    .collect();
                zones.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(b.0)));
                Ok(Output::HostedZones(
                    zones
                        .into_iter()
                        .take(usize::from(p.max_items))
                        .filter_map(|(id, z)| {
                            Some(HostedZoneSummary {
                                id: HostedZoneId::parse(id).ok()?,
                                name: DomainName::parse(&z.name).ok()?,
                                comment: z.comment.clone(),
                            })
                        })
                        .collect(),
                ))
            }
            Operation::GetHostedZone(p) => {
                let zone = Self::zone_mut(world, &p.id)?;
                Ok(Output::HostedZone {
                    id: p.id.clone(),
                    name_servers: zone
                        .name_servers
                        .iter()
                        .filter_map(|ns| DomainName::parse(ns).ok())
                        .collect(),
                })
            }
            Operation::CreateHostedZone(p) => {
                let reference = format!("{}-{}", p.caller_reference_stem, world.serial);
                if world.caller_references.contains(&reference) {
                    return Err(fault(
                        "HostedZoneAlreadyExists",
                        409,
                        "A hosted zone has already been created with the specified caller reference.",
                    ));
                }
                world.caller_references.push(reference);
                let zone = Self::new_zone(world, p.name.as_str(), Some(&p.comment));
                let id = format!(
                    "Z{}",
                    encode(&digest(&["zone", &world.serial.to_string()]), UPPER32, 20)
                );
                let name_servers = zone
                    .name_servers
                    .iter()
                    .filter_map(|ns| DomainName::parse(ns).ok())
                    .collect();
                world.zones.insert(id.clone(), zone);
                Ok(Output::HostedZone {
                    id: HostedZoneId::parse(&id)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                    name_servers,
                })
            }
            Operation::ChangeTagsForResource(p) => {
                let zone = Self::zone_mut(world, &p.resource_id)?;
                zone.tags.extend(tag_map(&p.add_tags));
                nothing
            }
            Operation::ChangeResourceRecordSets(p) => {
                let zone = Self::zone_mut(world, &p.hosted_zone_id)?;
                let set = &p.record_set;
                let name = set.name().to_owned();
                let kind = set.record_type().to_owned();
                if name != zone.name && !name.ends_with(&format!(".{}", zone.name)) {
                    return Err(fault(
                        "InvalidChangeBatch",
                        400,
                        format!(
                            "RRSet with DNS name {name}. is not permitted in zone {}.",
                            zone.name
                        ),
                    ));
                }
                let key = (name.clone(), kind.clone());
                let wanted = RecordSet {
                    ttl: set.ttl(),
                    values: set.values().to_vec(),
                };
                match p.action {
                    ChangeAction::Delete => match zone.records.get(&key) {
                        None => Err(fault(
                            "InvalidChangeBatch",
                            400,
                            format!(
                                "Tried to delete resource record set [name='{name}.', type='{kind}'] but it was not found"
                            ),
                        )),
                        Some(existing) if *existing != wanted => Err(fault(
                            "InvalidChangeBatch",
                            400,
                            format!(
                                "Tried to delete resource record set [name='{name}.', type='{kind}'] but the values provided do not match the current values"
                            ),
                        )),
                        Some(_) => {
                            zone.records.remove(&key);
                            nothing
                        }
                    },
                    _ => {
                        let clash = zone.records.keys().any(|(n, t)| {
                            *n == name && *t != kind && (t == "CNAME" || kind == "CNAME")
                        });
                        if clash {
                            return Err(fault(
                                "InvalidChangeBatch",
                                400,
                                format!(
                                    "RRSet of type {kind} with DNS name {name}. is not permitted as it conflicts with other records with the same DNS name"
                                ),
                            ));
                        }
                        zone.records.insert(key, wanted);
                        nothing
                    }
                }
            }
            Operation::DeleteHostedZone(p) => {
                let zone = Self::zone_mut(world, &p.id)?;
                let apex = zone.name.clone();
                if zone
                    .records
                    .keys()
                    .any(|(n, t)| !(*n == apex && (t == "NS" || t == "SOA")))
                {
                    return Err(fault(
                        "HostedZoneNotEmpty",
                        400,
                        "The specified hosted zone contains non-required resource record sets and so cannot be deleted.",
                    ));
                }
                world.zones.remove(p.id.as_str());
                nothing
            }
            Operation::CreateUser(p) => {
                let name = p.user_name.to_string();
                if world.users.contains_key(&name) {
                    return Err(fault(
                        "EntityAlreadyExists",
                        409,
                        format!("User with name {name} already exists."),
                    ));
                }
                let path = p.path.to_string();
                if !(path.starts_with('/') && path.ends_with('/')) {
                    return Err(fault(
                        "ValidationError",
                        400,
                        "Path must begin and end with /",
                    ));
                }
                world.users.insert(
                    name,
                    User {
                        path,
                        tags: tag_map(&p.tags),
                        policies: BTreeMap::new(),
                        access_keys: Vec::new(),
                    },
                );
                nothing
            }
            Operation::PutUserPolicy(p) => {
                let document = p.policy_document.to_json();
                check_policy(&document, "MalformedPolicyDocument")?;
                Self::user_mut(world, p.user_name.as_str())?
                    .policies
                    .insert(p.policy_name.to_string(), document);
                nothing
            }
            Operation::ListAccessKeys(p) => Ok(Output::AccessKeys(
                Self::user_mut(world, p.user_name.as_str())?
                    .access_keys
                    .iter()
                    .filter_map(|id| AccessKeyId::parse(id).ok())
                    .collect(),
            )),
            Operation::CreateAccessKey(p) => {
                world.serial += 1;
                let serial = world.serial.to_string();
                let user = Self::user_mut(world, p.user_name.as_str())?;
                if user.access_keys.len() >= 2 {
                    return Err(fault(
                        "LimitExceeded",
                        409,
                        "Cannot exceed quota for AccessKeysPerUser: 2",
                    ));
                }
                // IAM's long-term key ids are `AKIA` and 16 uppercase base32 characters;
                // secrets are 40 base64 characters.
                let id = format!(
                    "AKIA{}",
                    encode(
                        &digest(&["key id", p.user_name.as_str(), &serial]),
                        UPPER32,
                        16
                    )
                );
                let secret = encode(
                    &digest(&["secret", p.user_name.as_str(), &serial]),
                    BASE64,
                    40,
                );
                let key = AccessKeyId::parse(&id)
                    .and_then(|id| AccessKey::new(id, SecretAccessKey::parse(&secret)?))
                    .map_err(|e| fault("InternalFailure", 500, e.to_string()))?;
                user.access_keys.push(id);
                Ok(Output::AccessKey(key))
            }
            Operation::DeleteAccessKey(p) => {
                let user = Self::user_mut(world, p.user_name.as_str())?;
                let before = user.access_keys.len();
                user.access_keys.retain(|id| id != p.access_key_id.as_str());
                if user.access_keys.len() == before {
                    return Err(fault(
                        "NoSuchEntity",
                        404,
                        format!("The Access Key with id {} cannot be found", p.access_key_id),
                    ));
                }
                nothing
            }
            Operation::DeleteUserPolicy(p) => {
                Self::user_mut(world, p.user_name.as_str())?
                    .policies
                    .remove(p.policy_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NoSuchEntity",
                            404,
                            format!(
                                "The user policy with name {} cannot be found.",
                                p.policy_name
                            ),
                        )
                    })?;
                nothing
            }
            Operation::DeleteUser(p) => {
                let user = Self::user_mut(world, p.user_name.as_str())?;
                if !user.policies.is_empty() || !user.access_keys.is_empty() {
                    return Err(fault(
                        "DeleteConflict",
                        409,
                        "Cannot delete entity, must delete policies and access keys first.",
                    ));
                }
                world.users.remove(p.user_name.as_str());
                nothing
            }
            other => Err(fault(
                "InvalidAction",
                400,
                format!("{other}: the stand-in does not model this operation"),
            )),
        }
    }

    fn key_mut<'w>(world: &'w mut World, id: &KmsKeyId) -> Result<&'w mut Key, Fault> {
        world.keys.get_mut(id.as_str()).ok_or_else(|| {
            fault(
                "NotFoundException",
                400,
                format!("Key '{id}' does not exist"),
            )
        })
    }

    fn zone_mut<'w>(world: &'w mut World, id: &HostedZoneId) -> Result<&'w mut Zone, Fault> {
        world.zones.get_mut(id.as_str()).ok_or_else(|| {
            fault(
                "NoSuchHostedZone",
                404,
                format!("No hosted zone found with ID: {id}"),
            )
        })
    }

    fn user_mut<'w>(world: &'w mut World, name: &str) -> Result<&'w mut User, Fault> {
        world.users.get_mut(name).ok_or_else(|| {
            fault(
                "NoSuchEntity",
                404,
                format!("The user with name {name} cannot be found."),
            )
        })
    }

    /// What a create found in place of the resource it would have made.
    fn read_back(world: &World, operation: &Operation) -> Option<Observed> {
        match operation {
            Operation::CreateConfigurationSet(p) => {
                let set = world
                    .configuration_sets
                    .get(p.configuration_set_name.as_str())?;
                Some(Observed::ConfigurationSet {
                    tls_policy: Some(set.tls_policy.clone()),
                    reputation_metrics_enabled: Some(set.reputation_metrics_enabled),
                    suppressed_reasons: Some(set.suppressed_reasons.clone()),
                })
            }
            Operation::CreateEmailIdentity(p) => {
                let identity = world.identities.get(p.email_identity.as_str())?;
                let [a, b, c] = &identity.dkim_tokens;
                let tokens = match (
                    DkimToken::parse(a),
                    DkimToken::parse(b),
                    DkimToken::parse(c),
                ) {
                    (Ok(a), Ok(b), Ok(c)) => Some([a, b, c]),
                    _ => None,
                };
                Some(Observed::EmailIdentity {
                    configuration_set_name: identity.configuration_set.clone(),
                    dkim_tokens: tokens,
                    signing_hosted_zone: None,
                })
            }
            Operation::CreateAlias(p) => Some(Observed::Alias {
                target_key_id: world
                    .aliases
                    .get(p.alias_name.as_str())
                    .and_then(|id| KmsKeyId::parse(id).ok()),
            }),
            Operation::CreateTopic(p) => {
                let suffix = format!(":{}", p.name);
                let (arn, topic) = world
                    .topics
                    .iter()
                    .find(|(arn, _)| arn.ends_with(&suffix))?;
                Some(Observed::Topic {
                    arn: Arn::parse(arn).ok()?,
                    kms_master_key_id: Some(topic.kms_master_key_id.clone()),
                })
            }
            Operation::CreateConfigurationSetEventDestination(p) => {
                let found = world
                    .configuration_sets
                    .get(p.configuration_set_name.as_str())?
                    .event_destinations
                    .get(p.event_destination_name.as_str())?;
                Some(Observed::EventDestination {
                    enabled: Some(found.enabled),
                    matching_event_types: Some(found.matching_event_types.clone()),
                    topic_arn: Arn::parse(&found.topic_arn).ok(),
                })
            }
            Operation::CreateUser(p) => Some(Observed::User {
                path: world
                    .users
                    .get(p.user_name.as_str())
                    .map(|u| u.path.clone()),
            }),
            _ => None,
        }
    }
}

impl Aws for InMemoryAws {
    async fn call(&self, operation: &Operation) -> Answer {
        let mut world = self.lock();
        match self.apply(&mut world, operation) {
            Ok(output) => Answer::Done(output),
            Err(f) => match classify(operation, f.code, &f.message, Some(f.status)) {
                ErrorClass::AlreadyExists => match Self::read_back(&world, operation) {
                    Some(observed) => Answer::AlreadyExists(observed),
                    None => {
                        Answer::failed(ses_broker::aws::FailureKind::Permanent, f.code, &f.message)
                    }
                },
                ErrorClass::NotFound => Answer::NotFound,
                ErrorClass::Failure(kind) => Answer::failed(kind, f.code, &f.message),
            },
        }
    }

    fn describe(&self) -> String {
        format!(
            "an in-memory stand-in for AWS (account {}, {}); nothing reaches AWS, and stopping forgets everything",
            self.account, self.region
        )
    }
}
