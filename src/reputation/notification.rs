//! The CloudWatch alarm notification that an SNS Notification's `Message` carries.
//!
//! No AWS page defines this JSON; the shapes handled are those of AWS's sample events and
//! of payloads CloudWatch publishes: a single-metric `Trigger`
//! with `MetricName`, `Namespace` and lower-case `{name, value}` `Dimensions`, or a
//! metric-math `Trigger` with a `Metrics` array and no top-level dimensions;
//! `AlarmDescription` null; `StateChangeTime` with a `+0000` offset; `ReturnData` as a
//! boolean or as the string `"True"`/`"False"`; actions as an array or a single string.

use crate::prelude::*;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::values::excerpt;

/// The state of a CloudWatch alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlarmState {
    /// `OK`: the metric is below the threshold.
    Ok,
    /// `ALARM`: the metric reached the threshold.
    Alarm,
    /// `INSUFFICIENT_DATA`: no (or not enough) data.
    InsufficientData,
}

impl AlarmState {
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "OK" => Some(Self::Ok),
            "ALARM" => Some(Self::Alarm),
            "INSUFFICIENT_DATA" => Some(Self::InsufficientData),
            _ => None,
        }
    }
}

impl core::fmt::Display for AlarmState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A metric dimension named in a trigger.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dimension {
    name: String,
    value: String,
}

impl Dimension {
    /// The dimension name (`ses:configuration-set`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its value (a configuration set name).
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A metric an alarm watches: name, namespace and dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WatchedMetric {
    name: Option<String>,
    namespace: Option<String>,
    dimensions: Vec<Dimension>,
}

impl WatchedMetric {
    /// `MetricName`.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `Namespace`.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// `Dimensions`.
    #[must_use]
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    fn read(object: &Map<String, Value>) -> Option<Self> {
        let metric = Self {
            name: text(object, "MetricName"),
            namespace: text(object, "Namespace"),
            dimensions: object
                .get("Dimensions")
                .and_then(Value::as_array)
                .map(|entries| entries.iter().filter_map(dimension).collect())
                .unwrap_or_default(),
        };
        (metric != Self::default()).then_some(metric)
    }
}

/// One entry of a metric-math trigger's `Metrics`: an expression or a metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricQuery {
    id: Option<String>,
    expression: Option<String>,
    label: Option<String>,
    return_data: Option<bool>,
    metric: Option<WatchedMetric>,
    stat: Option<String>,
}

impl MetricQuery {
    /// `Id`.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// `Expression`, for an expression entry.
    #[must_use]
    pub fn expression(&self) -> Option<&str> {
        self.expression.as_deref()
    }

    /// `Label`.
    #[must_use]
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// `ReturnData` (a boolean or the strings `True`/`False` in the payload).
    #[must_use]
    pub const fn return_data(&self) -> Option<bool> {
        self.return_data
    }

    /// `MetricStat.Metric`, for a metric entry.
    #[must_use]
    pub const fn metric(&self) -> Option<&WatchedMetric> {
        self.metric.as_ref()
    }

    /// `MetricStat.Stat` (`Average`).
    #[must_use]
    pub fn stat(&self) -> Option<&str> {
        self.stat.as_deref()
    }

    fn read(entry: &Value) -> Option<Self> {
        let object = entry.as_object()?;
        let stat = object.get("MetricStat").and_then(Value::as_object);
        Some(Self {
            id: text(object, "Id"),
            expression: text(object, "Expression"),
            label: text(object, "Label"),
            return_data: object.get("ReturnData").and_then(|v| match v {
                Value::Bool(b) => Some(*b),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
                _ => None,
            }),
            metric: stat
                .and_then(|s| s.get("Metric"))
                .and_then(Value::as_object)
                .and_then(WatchedMetric::read),
            stat: stat.and_then(|s| text(s, "Stat")),
        })
    }
}

/// Which shape a trigger has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TriggerShape {
    /// `MetricName`, `Namespace`, `Dimensions` at the top of the trigger.
    SingleMetric,
    /// A `Metrics` array of expressions and metrics.
    MetricMath,
    /// Neither (or no trigger at all).
    Unknown,
}

/// The `Trigger` of an alarm notification: what the alarm watches and how it compares.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trigger {
    metric: Option<WatchedMetric>,
    metrics: Vec<MetricQuery>,
    statistic: Option<String>,
    period: Option<u64>,
    evaluation_periods: Option<u64>,
    comparison_operator: Option<String>,
    threshold: Option<f64>,
    treat_missing_data: Option<String>,
}

impl Trigger {
    fn read(object: &Map<String, Value>) -> Self {
        Self {
            metric: WatchedMetric::read(object),
            metrics: object
                .get("Metrics")
                .and_then(Value::as_array)
                .map(|entries| entries.iter().filter_map(MetricQuery::read).collect())
                .unwrap_or_default(),
            statistic: text(object, "Statistic"),
            period: object.get("Period").and_then(Value::as_u64),
            evaluation_periods: object.get("EvaluationPeriods").and_then(Value::as_u64),
            comparison_operator: text(object, "ComparisonOperator"),
            threshold: object.get("Threshold").and_then(Value::as_f64),
            treat_missing_data: text(object, "TreatMissingData"),
        }
    }

    /// Single-metric, metric-math, or unknown.
    #[must_use]
    pub fn shape(&self) -> TriggerShape {
        if !self.metrics.is_empty() {
            TriggerShape::MetricMath
        } else if self.metric.is_some() {
            TriggerShape::SingleMetric
        } else {
            TriggerShape::Unknown
        }
    }

    /// The metric of a single-metric trigger.
    #[must_use]
    pub const fn metric(&self) -> Option<&WatchedMetric> {
        self.metric.as_ref()
    }

    /// The entries of a metric-math trigger.
    #[must_use]
    pub fn metrics(&self) -> &[MetricQuery] {
        &self.metrics
    }

    /// Every metric watched, in either shape.
    pub fn watched(&self) -> impl Iterator<Item = &WatchedMetric> {
        self.metric
            .iter()
            .chain(self.metrics.iter().filter_map(MetricQuery::metric))
    }

    /// The values of every dimension called `name`, in either shape.
    pub fn dimension_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.watched()
            .flat_map(|m| m.dimensions.iter())
            .filter(move |d| d.name == name)
            .map(|d| d.value.as_str())
    }

    /// `Statistic` (upper case in payloads: `AVERAGE`).
    #[must_use]
    pub fn statistic(&self) -> Option<&str> {
        self.statistic.as_deref()
    }

    /// `Period` in seconds.
    #[must_use]
    pub const fn period(&self) -> Option<u64> {
        self.period
    }

    /// `EvaluationPeriods`.
    #[must_use]
    pub const fn evaluation_periods(&self) -> Option<u64> {
        self.evaluation_periods
    }

    /// `ComparisonOperator`.
    #[must_use]
    pub fn comparison_operator(&self) -> Option<&str> {
        self.comparison_operator.as_deref()
    }

    /// `Threshold`.
    #[must_use]
    pub const fn threshold(&self) -> Option<f64> {
        self.threshold
    }

    /// `TreatMissingData`.
    #[must_use]
    pub fn treat_missing_data(&self) -> Option<&str> {
        self.treat_missing_data.as_deref()
    }
}

/// A CloudWatch alarm state change, as published to SNS (the `Message` of the
/// Notification, a JSON string).
///
/// Only `AlarmName`, `AWSAccountId` and `NewStateValue` are required. Every other field
/// is read when present with the expected type and otherwise left empty, so a change in an
/// informational field never stops a pause.
///
/// ```
/// use ses_broker::{reputation::AlarmNotification, reputation::AlarmState};
/// let alarm = AlarmNotification::from_json(r#"{
///   "AlarmName": "csb-aws-ses-i1-ComplaintRate-Warning", "AlarmDescription": null,
///   "AWSAccountId": "111122223333", "NewStateValue": "ALARM", "OldStateValue": "OK",
///   "StateChangeTime": "2026-11-30T05:40:12.345+0000",
///   "Trigger": {"MetricName": "Reputation.ComplaintRate", "Namespace": "AWS/SES",
///     "Dimensions": [{"value": "csb-aws-ses-i1", "name": "ses:configuration-set"}]}
/// }"#)?;
/// assert_eq!(alarm.new_state(), AlarmState::Alarm);
/// assert_eq!(alarm.description(), None);
/// assert_eq!(alarm.state_change_time().map(|t| t.unix_timestamp()), Some(1_796_017_212));
/// # Ok::<(), ses_broker::reputation::AlarmError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmNotification {
    name: String,
    description: Option<String>,
    account_id: String,
    new_state: AlarmState,
    old_state: Option<AlarmState>,
    new_state_reason: Option<String>,
    state_change_time: Option<String>,
    region_name: Option<String>,
    alarm_arn: Option<String>,
    ok_actions: Vec<String>,
    alarm_actions: Vec<String>,
    insufficient_data_actions: Vec<String>,
    trigger: Trigger,
}

/// Why an alarm notification could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AlarmError {
    /// The text is not JSON.
    #[error("alarm notification is not JSON: {0}")]
    NotJson(String),
    /// The JSON is not an object.
    #[error("alarm notification is not a JSON object")]
    NotAnObject,
    /// A required field is absent or null.
    #[error("{field}: is missing")]
    Missing {
        /// `AlarmName`, `AWSAccountId` or `NewStateValue`.
        field: &'static str,
    },
    /// A required field is not a string.
    #[error("{field}: is not a string")]
    NotAString {
        /// `AlarmName`, `AWSAccountId` or `NewStateValue`.
        field: &'static str,
    },
    /// `NewStateValue` is not a CloudWatch alarm state.
    #[error("NewStateValue: {value} is not OK, ALARM or INSUFFICIENT_DATA")]
    UnknownState {
        /// An escaped excerpt of the value.
        value: String,
    },
    /// The SNS message is a subscription or unsubscribe confirmation, which carries no
    /// alarm.
    #[error("Type: the SNS message is a {message_type}, not a Notification carrying an alarm")]
    NotANotification {
        /// The SNS message type, e.g. `SubscriptionConfirmation`.
        message_type: &'static str,
    },
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn required<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, AlarmError> {
    match object.get(field) {
        None | Some(Value::Null) => Err(AlarmError::Missing { field }),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(AlarmError::NotAString { field }),
    }
}

fn dimension(entry: &Value) -> Option<Dimension> {
    let object = entry.as_object()?;
    let pick = |lower: &str, upper: &str| text(object, lower).or_else(|| text(object, upper));
    Some(Dimension {
        name: pick("name", "Name")?,
        value: pick("value", "Value")?,
    })
}

fn actions(object: &Map<String, Value>, key: &str) -> Vec<String> {
    match object.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(one)) if !one.is_empty() => vec![one.clone()],
        _ => Vec::new(),
    }
}

impl AlarmNotification {
    /// Parses the alarm JSON (the SNS Notification's `Message`, already decoded from the
    /// envelope).
    ///
    /// # Errors
    /// An [`AlarmError`] when the text is not a JSON object or lacks a required field.
    pub fn from_json(text: &str) -> Result<Self, AlarmError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| AlarmError::NotJson(e.to_string()))?;
        let Value::Object(object) = value else {
            return Err(AlarmError::NotAnObject);
        };
        let name = required(&object, "AlarmName")?.to_owned();
        let account_id = required(&object, "AWSAccountId")?.to_owned();
        let state = required(&object, "NewStateValue")?;
        let new_state = AlarmState::parse(state).ok_or_else(|| AlarmError::UnknownState {
            value: excerpt(state),
        })?;
        Ok(Self {
            name,
            description: self::text(&object, "AlarmDescription"),
            account_id,
            new_state,
            old_state: object
                .get("OldStateValue")
                .and_then(Value::as_str)
                .and_then(AlarmState::parse),
            new_state_reason: self::text(&object, "NewStateReason"),
            state_change_time: self::text(&object, "StateChangeTime"),
            region_name: self::text(&object, "Region"),
            alarm_arn: self::text(&object, "AlarmArn"),
            ok_actions: actions(&object, "OKActions"),
            alarm_actions: actions(&object, "AlarmActions"),
            insufficient_data_actions: actions(&object, "InsufficientDataActions"),
            trigger: object
                .get("Trigger")
                .and_then(Value::as_object)
                .map(Trigger::read)
                .unwrap_or_default(),
        })
    }

    /// `AlarmName`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `AlarmDescription` (`None` when null or absent).
    #[must_use]
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// `AWSAccountId`, as sent (not validated).
    #[must_use]
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// `NewStateValue`.
    #[must_use]
    pub const fn new_state(&self) -> AlarmState {
        self.new_state
    }

    /// `OldStateValue`, when present and known.
    #[must_use]
    pub const fn old_state(&self) -> Option<AlarmState> {
        self.old_state
    }

    /// `NewStateReason`.
    #[must_use]
    pub fn new_state_reason(&self) -> Option<&str> {
        self.new_state_reason.as_deref()
    }

    /// `StateChangeTime` as sent.
    #[must_use]
    pub fn state_change_time_text(&self) -> Option<&str> {
        self.state_change_time.as_deref()
    }

    /// `StateChangeTime`, parsed: CloudWatch writes `2026-11-30T05:40:12.345+0000` (an
    /// offset without a colon); RFC 3339 is accepted too. `None` when absent or unreadable.
    #[must_use]
    pub fn state_change_time(&self) -> Option<OffsetDateTime> {
        let text = self.state_change_time.as_deref()?;
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .or_else(|| OffsetDateTime::parse(&with_offset_colon(text)?, &Rfc3339).ok())
    }

    /// `Region`: a display name such as `US East (N. Virginia)`, not a region code.
    #[must_use]
    pub fn region_name(&self) -> Option<&str> {
        self.region_name.as_deref()
    }

    /// `AlarmArn`, as sent.
    #[must_use]
    pub fn alarm_arn(&self) -> Option<&str> {
        self.alarm_arn.as_deref()
    }

    /// `OKActions`.
    #[must_use]
    pub fn ok_actions(&self) -> &[String] {
        &self.ok_actions
    }

    /// `AlarmActions`.
    #[must_use]
    pub fn alarm_actions(&self) -> &[String] {
        &self.alarm_actions
    }

    /// `InsufficientDataActions`.
    #[must_use]
    pub fn insufficient_data_actions(&self) -> &[String] {
        &self.insufficient_data_actions
    }

    /// `Trigger` (empty when absent).
    #[must_use]
    pub const fn trigger(&self) -> &Trigger {
        &self.trigger
    }
}

/// `...+0000` becomes `...+00:00`; `None` when the text does not end in `±HHMM`.
fn with_offset_colon(text: &str) -> Option<String> {
    let split = text.len().checked_sub(4)?;
    let (head, minutes) = (text.get(..split + 2)?, text.get(split + 2..)?);
    let digits = text.get(split..)?;
    let sign = text.get(split.checked_sub(1)?..split)?;
    (matches!(sign, "+" | "-") && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{head}:{minutes}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn offsets_without_colon_are_read() {
        assert_eq!(
            with_offset_colon("2024-07-05T15:20:44.959+0000").unwrap(),
            "2024-07-05T15:20:44.959+00:00"
        );
        assert_eq!(with_offset_colon("2024-07-05T15:20:44Z"), None);
        assert_eq!(with_offset_colon("é+00"), None);
        assert_eq!(with_offset_colon(""), None);
    }

    #[test]
    fn required_fields_are_named() {
        assert_eq!(
            AlarmNotification::from_json(r#"{"AlarmName": "a", "NewStateValue": "OK"}"#),
            Err(AlarmError::Missing {
                field: "AWSAccountId"
            })
        );
        assert_eq!(
            AlarmNotification::from_json(
                r#"{"AlarmName": 1, "AWSAccountId": "1", "NewStateValue": "OK"}"#
            ),
            Err(AlarmError::NotAString { field: "AlarmName" })
        );
        let e = AlarmNotification::from_json(
            r#"{"AlarmName": "a", "AWSAccountId": "1", "NewStateValue": "ok"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "NewStateValue: \"ok\" is not OK, ALARM or INSUFFICIENT_DATA"
        );
        assert_eq!(
            AlarmNotification::from_json("[]"),
            Err(AlarmError::NotAnObject)
        );
        assert!(matches!(
            AlarmNotification::from_json("{"),
            Err(AlarmError::NotJson(_))
        ));
    }
}
