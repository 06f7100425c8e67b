//! The four CloudWatch alarms that watch an instance's reputation, as the JSON a caller
//! hands to CloudWatch `PutMetricAlarm`.

use crate::prelude::*;

use serde::Serialize;

use super::names::{AlarmKind, AlarmNames, Severity};
use super::thresholds::Thresholds;
use crate::instance::Instance;
use crate::instance::names::{AlarmName, ConfigurationSetName};
use crate::values::{Arn, InstanceId};

/// Seconds per evaluation period.
const PERIOD_SECONDS: u32 = 300;

/// One `{Name, Value}` metric dimension of an alarm definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlarmDimension {
    name: &'static str,
    value: String,
}

impl AlarmDimension {
    /// The dimension name (`ses:configuration-set`).
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The dimension value (the configuration set name).
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// One reputation alarm, serialised as the request of CloudWatch `PutMetricAlarm`
/// (PascalCase keys, as the AWS CLI's `--cli-input-json` and the SDKs take them).
///
/// A single-metric alarm, not metric math: the threshold is compared directly, so the
/// alarm's notification carries `Trigger.Dimensions` as well, and the warning alarm stays
/// in ALARM while the critical one fires (the deployed band expression
/// `IF(m1 >= 0.02 && m1 < 0.04, 1, 0)` turned the warning OK, and mailed "OK", just as the
/// rate became critical).
///
/// - `Statistic` `Average` over `Period` 300 s, one evaluation period, one datapoint to
///   alarm, `GreaterThanOrEqualToThreshold` (a rate at the threshold alarms, as
///   [`Thresholds`](crate::reputation::Thresholds) classifies it).
/// - `TreatMissingData` `ignore`: SES publishes the metrics only after the first bounce or
///   complaint, so a new alarm waits in `INSUFFICIENT_DATA` instead of going `OK` and
///   mailing everyone, and an alarm keeps its state through gaps (a paused set stays in
///   ALARM).
/// - Alarm and OK actions: the instance's reputation topic (the admin email) and the
///   platform topics. The pause service subscribes to a platform topic and acts only on
///   critical alarms entering ALARM (see [`AlarmNotification::decide_unverified`](crate::reputation::AlarmNotification::decide_unverified)).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlarmDefinition {
    alarm_name: AlarmName,
    alarm_description: String,
    actions_enabled: bool,
    #[serde(rename = "OKActions")]
    ok_actions: Vec<String>,
    alarm_actions: Vec<String>,
    insufficient_data_actions: Vec<String>,
    metric_name: &'static str,
    namespace: &'static str,
    statistic: &'static str,
    dimensions: Vec<AlarmDimension>,
    period: u32,
    evaluation_periods: u32,
    datapoints_to_alarm: u32,
    threshold: f64,
    comparison_operator: &'static str,
    treat_missing_data: &'static str,
    #[serde(skip)]
    kind: AlarmKind,
}

impl AlarmDefinition {
    /// The CloudWatch namespace SES publishes reputation metrics in.
    pub const NAMESPACE: &str = "AWS/SES";

    /// The dimension SES publishes per-configuration-set metrics under. (The deployed
    /// broker uses `ConfigurationSetName`, which SES does not publish: its alarms never
    /// leave `INSUFFICIENT_DATA`.)
    pub const CONFIGURATION_SET_DIMENSION: &str = "ses:configuration-set";

    /// CloudWatch's limit on `AlarmDescription`, in characters.
    pub const MAX_DESCRIPTION_CHARS: usize = 1024;

    /// The four alarms of `instance`, in the order of [`AlarmKind::ALL`]: they notify the
    /// instance's reputation topic and the platform topics of the broker configuration.
    ///
    /// ```
    /// use ses_broker::{reputation::AlarmDefinition, BrokerConfig, Instance, ProvisionParams, reputation::Thresholds};
    /// let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333",
    ///     "default_zone": "appmail.cloud.gov",
    ///     "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email"]}"#)?;
    /// let params = ProvisionParams::from_json(r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov"}"#)?;
    /// let instance = Instance::new(&config, "4f1c2d3e".parse()?, params)?;
    /// let alarms = AlarmDefinition::for_instance(&instance, &Thresholds::cloud_gov());
    /// assert_eq!(alarms[3].name(), "csb-aws-ses-4f1c2d3e-ComplaintRate-Critical");
    /// assert_eq!(alarms[3].alarm_actions(), [
    ///     "arn:aws-us-gov:sns:us-gov-west-1:111122223333:csb-aws-ses-4f1c2d3e-reputation-notifications",
    ///     "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email",
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn for_instance(instance: &Instance, thresholds: &Thresholds) -> [Self; 4] {
        Self::from_parts(
            instance.id(),
            thresholds,
            instance.reputation_topic_arn(),
            instance.platform_topic_arns(),
        )
    }

    /// The four alarms of the instance with id `instance`, from the topic ARNs alone (for a
    /// service that has no [`Instance`] at hand), in the order of [`AlarmKind::ALL`].
    ///
    /// ```
    /// use ses_broker::{reputation::AlarmDefinition, values::Arn, values::InstanceId, reputation::Thresholds};
    /// let id: InstanceId = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?;
    /// let topic: Arn = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-reputation-notifications".parse()?;
    /// let platform: Arn = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications".parse()?;
    /// let alarms = AlarmDefinition::from_parts(&id, &Thresholds::cloud_gov(), &topic, &[platform]);
    /// let json = serde_json::to_value(&alarms[1]).unwrap();
    /// assert_eq!(json["AlarmName"], "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical");
    /// assert_eq!(json["MetricName"], "Reputation.BounceRate");
    /// assert_eq!(json["Dimensions"][0]["Name"], "ses:configuration-set");
    /// assert_eq!(json["Threshold"], 0.04);
    /// # Ok::<(), ses_broker::values::ValueError>(())
    /// ```
    #[must_use]
    pub fn from_parts(
        instance: &InstanceId,
        thresholds: &Thresholds,
        reputation_topic: &Arn,
        platform_topics: &[Arn],
    ) -> [Self; 4] {
        let names = AlarmNames::for_instance(instance);
        let actions: Vec<String> = core::iter::once(reputation_topic)
            .chain(platform_topics)
            .map(|arn| arn.as_str().to_owned())
            .collect();
        AlarmKind::ALL.map(|kind| {
            let threshold = thresholds.of(kind.metric());
            let threshold = match kind.severity() {
                Severity::Warning => threshold.warning(),
                Severity::Critical => threshold.critical(),
            };
            Self {
                alarm_name: names.name(kind),
                alarm_description: description(
                    kind,
                    names.configuration_set(),
                    &threshold.to_string(),
                ),
                actions_enabled: true,
                ok_actions: actions.clone(),
                alarm_actions: actions.clone(),
                insufficient_data_actions: Vec::new(),
                metric_name: kind.metric().cloudwatch_metric(),
                namespace: Self::NAMESPACE,
                statistic: "Average",
                dimensions: vec![AlarmDimension {
                    name: Self::CONFIGURATION_SET_DIMENSION,
                    value: names.configuration_set().as_str().to_owned(),
                }],
                period: PERIOD_SECONDS,
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                threshold: threshold.to_f64(),
                comparison_operator: "GreaterThanOrEqualToThreshold",
                treat_missing_data: "ignore",
                kind,
            }
        })
    }

    /// Which of the four alarms this is.
    #[must_use]
    pub const fn kind(&self) -> AlarmKind {
        self.kind
    }

    /// `AlarmName`.
    #[must_use]
    pub fn name(&self) -> &str {
        self.alarm_name.as_str()
    }

    /// `AlarmDescription` (at most [`Self::MAX_DESCRIPTION_CHARS`] characters).
    #[must_use]
    pub fn description(&self) -> &str {
        &self.alarm_description
    }

    /// `MetricName`: `Reputation.BounceRate` or `Reputation.ComplaintRate`.
    #[must_use]
    pub const fn metric_name(&self) -> &'static str {
        self.metric_name
    }

    /// `Namespace`: `AWS/SES`.
    #[must_use]
    pub const fn namespace(&self) -> &'static str {
        self.namespace
    }

    /// `Dimensions`: the configuration set.
    #[must_use]
    pub fn dimensions(&self) -> &[AlarmDimension] {
        &self.dimensions
    }

    /// `Threshold`, a fraction (`0.02` is 2 %).
    #[must_use]
    pub const fn threshold(&self) -> f64 {
        self.threshold
    }

    /// `Period` in seconds.
    #[must_use]
    pub const fn period(&self) -> u32 {
        self.period
    }

    /// `EvaluationPeriods`.
    #[must_use]
    pub const fn evaluation_periods(&self) -> u32 {
        self.evaluation_periods
    }

    /// `DatapointsToAlarm`.
    #[must_use]
    pub const fn datapoints_to_alarm(&self) -> u32 {
        self.datapoints_to_alarm
    }

    /// `Statistic`: `Average`.
    #[must_use]
    pub const fn statistic(&self) -> &'static str {
        self.statistic
    }

    /// `ComparisonOperator`: `GreaterThanOrEqualToThreshold`.
    #[must_use]
    pub const fn comparison_operator(&self) -> &'static str {
        self.comparison_operator
    }

    /// `TreatMissingData`: `ignore`.
    #[must_use]
    pub const fn treat_missing_data(&self) -> &'static str {
        self.treat_missing_data
    }

    /// `AlarmActions`: topic ARNs notified on entering ALARM.
    #[must_use]
    pub fn alarm_actions(&self) -> &[String] {
        &self.alarm_actions
    }

    /// `OKActions`: topic ARNs notified on entering OK.
    #[must_use]
    pub fn ok_actions(&self) -> &[String] {
        &self.ok_actions
    }

    /// The `PutMetricAlarm` request as JSON.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

fn description(kind: AlarmKind, set: &ConfigurationSetName, threshold: &str) -> String {
    let metric = kind.metric();
    let consequence = match kind.severity() {
        Severity::Warning => {
            "The admin email and the platform operators are notified; sending continues."
        }
        Severity::Critical => {
            "Sending through this configuration set is paused by the broker; the admin email and the platform operators are notified."
        }
    };
    format!(
        "{severity}: the {metric} rate of SES configuration set {set} reached {threshold} \
         (AWS reviews the account at {review} and may pause all its sending at {pause}). \
         {consequence}",
        severity = kind.severity().as_str(),
        review = metric.aws_review(),
        pause = metric.aws_pause(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail by panicking"
    )]
    use super::*;

    #[test]
    fn descriptions_fit_cloudwatch() {
        let id = InstanceId::parse(&"z".repeat(52)).unwrap();
        let topic = Arn::parse("arn:aws:sns:us-east-1:111122223333:t").unwrap();
        for alarm in AlarmDefinition::from_parts(&id, &Thresholds::cloud_gov(), &topic, &[]) {
            assert!(alarm.description().chars().count() <= AlarmDefinition::MAX_DESCRIPTION_CHARS);
            assert!(alarm.description().contains(alarm.dimensions()[0].value()));
            assert_eq!(alarm.alarm_actions(), [topic.as_str()]);
        }
    }
}
