//! What the stand-in holds, as AWS would show it.

use std::collections::BTreeMap;

use serde::Serialize;

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
    pub(super) caller_references: Vec<String>,
    /// Counts every resource made, for fresh ids.
    pub(super) serial: u64,
}
