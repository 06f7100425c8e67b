//! The four reputation alarms as `PutMetricAlarm` calls: the reputation module's
//! definitions, with a description rich in context (identity, thresholds, instance, organization and space) and the tags.

use crate::prelude::*;
use core::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::serde_enums;
use super::tags::Tags;
use crate::instance::names::AlarmName;
use crate::params::Context;
use crate::reputation::{AlarmDefinition, AlarmKind, Severity, Thresholds};
use crate::values::{Arn, DomainName, EmailAddress, InstanceId};

/// The service documentation the alarm descriptions point to (the deployed broker's).
pub const DOCUMENTATION_URL: &str = "https://docs.cloud.gov/platform/services/aws-ses/";
/// The support address the alarm descriptions name.
pub const SUPPORT_ADDRESS: &str = "support@cloud.gov";

/// One `{Name, Value}` dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MetricDimension {
    /// `Name`.
    pub name: String,
    /// `Value`.
    pub value: String,
}

/// CloudWatch `PutMetricAlarm`: one of the instance's four reputation alarms, as
/// [`AlarmDefinition`] defines it (single metric `Reputation.*Rate` on dimension
/// `ses:configuration-set`, `Average` over 300 s, `GreaterThanOrEqualToThreshold`,
/// `TreatMissingData` `ignore`), with a description rich in context (severity,
/// thresholds, who is told, the documentation URL, `support@cloud.gov`, the identity, the
/// instance GUID and the organization's and space's GUIDs and names; at most 1,024
/// characters, context values shortened to fit) and the tags. Alarm and OK actions: the instance's reputation topic and the platform's topics.
/// `PutMetricAlarm` replaces an alarm of the same name, so it also rewrites descriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PutMetricAlarm {
    /// Which alarm this is.
    #[serde(with = "serde_enums::alarm_kind")]
    pub kind: AlarmKind,
    /// `AlarmName`.
    pub alarm_name: AlarmName,
    /// `AlarmDescription` (at most 1,024 characters).
    pub alarm_description: String,
    /// `ActionsEnabled`.
    pub actions_enabled: bool,
    /// `AlarmActions`.
    pub alarm_actions: Vec<Arn>,
    /// `OKActions`.
    pub ok_actions: Vec<Arn>,
    /// `InsufficientDataActions` (none).
    pub insufficient_data_actions: Vec<Arn>,
    /// `MetricName`.
    pub metric_name: String,
    /// `Namespace`.
    pub namespace: String,
    /// `Statistic`.
    pub statistic: String,
    /// `Dimensions`.
    pub dimensions: Vec<MetricDimension>,
    /// `Period` in seconds.
    pub period: u32,
    /// `EvaluationPeriods`.
    pub evaluation_periods: u32,
    /// `DatapointsToAlarm`.
    pub datapoints_to_alarm: u32,
    /// `Threshold`, a fraction.
    pub threshold: f64,
    /// `ComparisonOperator`.
    pub comparison_operator: String,
    /// `TreatMissingData`.
    pub treat_missing_data: String,
    /// `Tags` (CloudWatch applies them when the alarm is created).
    pub tags: Tags,
}

/// What an alarm description names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DescriptionInputs<'a> {
    pub(crate) identity: &'a DomainName,
    pub(crate) instance: &'a InstanceId,
    pub(crate) admin_email: &'a EmailAddress,
    pub(crate) context: &'a Context,
    pub(crate) thresholds: &'a Thresholds,
}

/// The alarm description: severity, metric and thresholds, what happens, who is
/// told, the documentation URL, `support@cloud.gov`, then the SES identity, the instance
/// GUID and the organization's and space's GUIDs and names from the OSBAPI context.
///
/// At most 1,024 characters (CloudWatch's limit): context values are shortened (with
/// `...`) until it fits, and as a last resort the text is cut.
#[must_use]
pub(crate) fn alarm_description(kind: AlarmKind, inputs: &DescriptionInputs<'_>) -> String {
    for limit in [usize::MAX, 120, 60, 24, 8] {
        let text = description_with(kind, inputs, limit);
        if text.chars().count() <= AlarmDefinition::MAX_DESCRIPTION_CHARS {
            return text;
        }
    }
    description_with(kind, inputs, 8)
        .chars()
        .take(AlarmDefinition::MAX_DESCRIPTION_CHARS)
        .collect()
}

fn shorten(value: Option<&str>, limit: usize) -> String {
    let value = value.unwrap_or("");
    if value.chars().count() <= limit {
        return value.to_owned();
    }
    let mut out: String = value.chars().take(limit.saturating_sub(3)).collect();
    out.push_str("...");
    out
}

fn description_with(kind: AlarmKind, inputs: &DescriptionInputs<'_>, limit: usize) -> String {
    let metric = kind.metric();
    let levels = inputs.thresholds.of(metric);
    let (severity, reached, consequence) = match kind.severity() {
        Severity::Warning => (
            "Warning",
            levels.warning(),
            format!(
                "At {}, cloud.gov pauses sending through this instance to protect every tenant's reputation.",
                levels.critical()
            ),
        ),
        Severity::Critical => (
            "Critical",
            levels.critical(),
            "cloud.gov pauses sending through this instance to protect every tenant's reputation; sending stays paused until support lifts the pause.".to_owned(),
        ),
    };
    let mut text = String::new();
    let _ = write!(
        text,
        "{severity}: the {metric} rate of SES identity {identity} reached {reached} \
         (AWS reviews the account at {review}). {consequence} \
         Notifies {admin} and the cloud.gov operators. \
         More: {DOCUMENTATION_URL} Support: {SUPPORT_ADDRESS}\n\
         - SES identity: {identity}\n\
         - CF service instance GUID: {instance}\n\
         - CF organization GUID: {org_guid}\n\
         - CF organization name: {org_name}\n\
         - CF space GUID: {space_guid}\n\
         - CF space name: {space_name}",
        identity = inputs.identity,
        review = metric.aws_review(),
        admin = inputs.admin_email,
        instance = inputs.instance,
        org_guid = shorten(inputs.context.organization_guid(), limit),
        org_name = shorten(inputs.context.organization_name(), limit),
        space_guid = shorten(inputs.context.space_guid(), limit),
        space_name = shorten(inputs.context.space_name(), limit),
    );
    text
}

impl PutMetricAlarm {
    /// The call for `definition`, with `description` and `tags`.
    pub(crate) fn from_definition(
        definition: &AlarmDefinition,
        description: String,
        tags: Tags,
    ) -> Self {
        let arns = |list: &[String]| -> Vec<Arn> {
            list.iter().filter_map(|a| Arn::parse(a).ok()).collect()
        };
        Self {
            kind: definition.kind(),
            alarm_name: AlarmName::from_trusted(definition.name()),
            alarm_description: description,
            actions_enabled: true,
            alarm_actions: arns(definition.alarm_actions()),
            ok_actions: arns(definition.ok_actions()),
            insufficient_data_actions: Vec::new(),
            metric_name: definition.metric_name().to_owned(),
            namespace: definition.namespace().to_owned(),
            statistic: definition.statistic().to_owned(),
            dimensions: definition
                .dimensions()
                .iter()
                .map(|d| MetricDimension {
                    name: d.name().to_owned(),
                    value: d.value().to_owned(),
                })
                .collect(),
            period: definition.period(),
            evaluation_periods: definition.evaluation_periods(),
            datapoints_to_alarm: definition.datapoints_to_alarm(),
            threshold: definition.threshold(),
            comparison_operator: definition.comparison_operator().to_owned(),
            treat_missing_data: definition.treat_missing_data().to_owned(),
            tags,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;
    use crate::reputation::AlarmKind;

    fn inputs<'a>(
        domain: &'a DomainName,
        id: &'a InstanceId,
        admin: &'a EmailAddress,
        context: &'a Context,
        thresholds: &'a Thresholds,
    ) -> DescriptionInputs<'a> {
        DescriptionInputs {
            identity: domain,
            instance: id,
            admin_email: admin,
            context,
            thresholds,
        }
    }

    #[test]
    fn description_names_everything_spec_10_lists() {
        let domain = DomainName::parse("agency.gov").unwrap();
        let id = InstanceId::parse("4f1c2d3e").unwrap();
        let admin = EmailAddress::parse("admin@agency.gov").unwrap();
        let context = Context::from_json(r#"{"organization_guid": "org-1", "organization_name": "Agency", "space_guid": "space-1", "space_name": "mail"}"#).unwrap();
        let t = Thresholds::cloud_gov();
        let text = alarm_description(
            AlarmKind::ALL[0],
            &inputs(&domain, &id, &admin, &context, &t),
        );
        for needle in [
            "agency.gov",
            "2%",
            "4%",
            "4f1c2d3e",
            "org-1",
            "Agency",
            "space-1",
            "mail",
            DOCUMENTATION_URL,
            SUPPORT_ADDRESS,
            "admin@agency.gov",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
        let critical = alarm_description(
            AlarmKind::ALL[3],
            &inputs(&domain, &id, &admin, &context, &t),
        );
        assert!(critical.starts_with("Critical: the complaint rate"));
        assert!(critical.contains("0.08%"));
    }

    #[test]
    fn description_never_passes_1024_characters() {
        let label = "a".repeat(63);
        let domain =
            DomainName::parse(&format!("{label}.{label}.{label}.{}.gov", "b".repeat(57))).unwrap();
        let id = InstanceId::parse(&"i".repeat(52)).unwrap();
        let admin =
            EmailAddress::parse(&format!("{}@{}.gov", "x".repeat(64), "y".repeat(60))).unwrap();
        let long = "é".repeat(1024);
        let json = format!(
            r#"{{"organization_guid": "{long}", "organization_name": "{long}", "space_guid": "{long}", "space_name": "{long}"}}"#
        );
        let context = Context::from_json(&json).unwrap();
        let t = Thresholds::cloud_gov();
        for kind in AlarmKind::ALL {
            let text = alarm_description(kind, &inputs(&domain, &id, &admin, &context, &t));
            assert!(text.chars().count() <= 1024, "{}", text.chars().count());
            assert!(text.contains(domain.as_str()));
        }
    }
}
