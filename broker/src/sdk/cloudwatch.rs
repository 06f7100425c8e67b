//! CloudWatch calls.

use ses_broker::aws::{Operation, Output};
use ses_broker::values::Arn;

use super::{Outcome, SdkAws, unknown, unreadable};

impl SdkAws {
    /// Makes the one CloudWatch call `operation` names.
    pub(super) async fn cloudwatch(&self, operation: &Operation) -> Outcome {
        match operation {
            Operation::PutMetricAlarm(p) => {
                use aws_sdk_cloudwatch::types as cw;
                let arns = |list: &[Arn]| Some(list.iter().map(ToString::to_string).collect());
                self.cloudwatch
                    .put_metric_alarm()
                    .alarm_name(p.alarm_name.as_str())
                    .alarm_description(&p.alarm_description)
                    .actions_enabled(p.actions_enabled)
                    .set_alarm_actions(arns(&p.alarm_actions))
                    .set_ok_actions(arns(&p.ok_actions))
                    .set_insufficient_data_actions(arns(&p.insufficient_data_actions))
                    .metric_name(&p.metric_name)
                    .namespace(&p.namespace)
                    .statistic(cw::Statistic::from(p.statistic.as_str()))
                    .set_dimensions(Some(
                        p.dimensions
                            .iter()
                            .map(|d| {
                                cw::Dimension::builder()
                                    .name(&d.name)
                                    .value(&d.value)
                                    .build()
                            })
                            .collect(),
                    ))
                    .period(i32::try_from(p.period).map_err(|e| unreadable("Period", e))?)
                    .evaluation_periods(
                        i32::try_from(p.evaluation_periods)
                            .map_err(|e| unreadable("EvaluationPeriods", e))?,
                    )
                    .datapoints_to_alarm(
                        i32::try_from(p.datapoints_to_alarm)
                            .map_err(|e| unreadable("DatapointsToAlarm", e))?,
                    )
                    .threshold(p.threshold)
                    .comparison_operator(cw::ComparisonOperator::from(
                        p.comparison_operator.as_str(),
                    ))
                    .treat_missing_data(&p.treat_missing_data)
                    .set_tags(Some(
                        p.tags
                            .iter()
                            .map(|t| cw::Tag::builder().key(t.key()).value(t.value()).build())
                            .collect(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteAlarms(p) => {
                self.cloudwatch
                    .delete_alarms()
                    .set_alarm_names(Some(
                        p.alarm_names.iter().map(ToString::to_string).collect(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            other => Err(unknown(other)),
        }
    }
}
