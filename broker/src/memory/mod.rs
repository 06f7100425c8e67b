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

use serde_json::Value;
use ses_broker::aws::{Answer, KmsKeyId, Observed, Operation, Output, Service, Tags};
use ses_broker::dns::DkimToken;
use ses_broker::instance::ConfigurationSetName;
use ses_broker::values::{Arn, DomainName, HostedZoneId};
use sha2::{Digest as _, Sha256};

use crate::aws::{Aws, ErrorClass, classify};

mod cloudwatch;
mod iam;
mod kms;
mod route53;
mod ses;
mod sns;
mod world;

pub use world::{
    Alarm, ConfigurationSet, EventDestination, Identity, Key, RecordSet, Subscription, TagMap,
    Topic, User, World, Zone,
};

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

/// The error for an operation the stand-in does not model.
fn unmodelled(operation: &Operation) -> Fault {
    fault(
        "InvalidAction",
        400,
        format!("{operation}: the stand-in does not model this operation"),
    )
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

    /// Whether sending is enabled on the configuration set `name`
    /// (`SendingOptions.SendingEnabled`: true at creation, switched by
    /// `PutConfigurationSetSendingOptions`); `None` when there is no such set.
    #[must_use]
    pub fn sending_enabled(&self, name: &ConfigurationSetName) -> Option<bool> {
        self.lock()
            .configuration_sets
            .get(name.as_str())
            .map(|set| set.sending_enabled)
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

    /// Applies `operation` to `world`, as the service would.
    fn apply(&self, world: &mut World, operation: &Operation) -> Result<Output, Fault> {
        match operation.service() {
            Service::SesV2 | Service::Ses => self.ses(world, operation),
            Service::Kms => self.kms(world, operation),
            Service::Sns => self.sns(world, operation),
            Service::CloudWatch => self.cloudwatch(world, operation),
            Service::Route53 => self.route53(world, operation),
            Service::Iam => self.iam(world, operation),
            _ => Err(unmodelled(operation)),
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
