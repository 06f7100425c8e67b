//! The stand-in's CloudWatch: metric alarms.

use ses_broker::aws::{Operation, Output};
use ses_broker::values::Arn;

use super::{Alarm, Fault, InMemoryAws, World, fault, tag_map, unmodelled};

impl InMemoryAws {
    /// Applies one CloudWatch operation to `world`, as the service would.
    pub(super) fn cloudwatch(
        &self,
        world: &mut World,
        operation: &Operation,
    ) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
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
            other => Err(unmodelled(other)),
        }
    }
}
