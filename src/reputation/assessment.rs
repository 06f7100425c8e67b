//! What an assessment says and what follows from it: levels, AWS standing, whom to
//! notify, which configuration set to pause.

use serde::Serialize;

use super::metric::{AwsStanding, Level, Metric, standing};
use super::ratio::Ratio;
use crate::instance::names::ConfigurationSetName;
use crate::values::InstanceId;

/// The assessment of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct MetricAssessment {
    level: Level,
    aws: AwsStanding,
}

impl MetricAssessment {
    /// Nothing sent.
    pub(super) const NO_DATA: Self = Self {
        level: Level::NoData,
        aws: AwsStanding::NoData,
    };

    /// Every critical threshold is at or below AWS's review threshold (`from_review` takes
    /// fractions up to 1), so below critical the standing is known without comparing.
    pub(super) fn new(metric: Metric, level: Level, reached: impl Fn(Ratio) -> bool) -> Self {
        let aws = if level == Level::Critical {
            standing(metric, reached)
        } else {
            AwsStanding::BelowReview
        };
        Self { level, aws }
    }

    /// Against the thresholds assessed with.
    #[must_use]
    pub const fn level(&self) -> Level {
        self.level
    }

    /// Against AWS's review and pause thresholds.
    #[must_use]
    pub const fn aws_standing(&self) -> AwsStanding {
        self.aws
    }
}

/// Who is told about a warning or critical level. Abstract: the broker maps these to the
/// instance's `admin_email` (through its reputation topic) and the platform's email and
/// chat topics (the broker configuration's `platform_topic_arns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotifyTarget {
    /// The instance's `admin_email`.
    AdminEmail,
    /// The platform operators' notification topics (email and chat).
    PlatformTopics,
}

/// Everyone a warning or a critical level notifies.
const NOTIFY_ALL: &[NotifyTarget] = &[NotifyTarget::AdminEmail, NotifyTarget::PlatformTopics];

/// Bounce and complaint assessed together, and what follows from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Assessment {
    bounce: MetricAssessment,
    complaint: MetricAssessment,
}

impl Assessment {
    pub(super) const fn new(bounce: MetricAssessment, complaint: MetricAssessment) -> Self {
        Self { bounce, complaint }
    }

    /// The bounce rate's assessment.
    #[must_use]
    pub const fn bounce(&self) -> MetricAssessment {
        self.bounce
    }

    /// The complaint rate's assessment.
    #[must_use]
    pub const fn complaint(&self) -> MetricAssessment {
        self.complaint
    }

    /// The assessment of `metric`.
    #[must_use]
    pub const fn of(&self, metric: Metric) -> MetricAssessment {
        match metric {
            Metric::Bounce => self.bounce,
            Metric::Complaint => self.complaint,
        }
    }

    /// The worse of the two levels.
    #[must_use]
    #[inline]
    pub fn level(&self) -> Level {
        self.bounce.level.max(self.complaint.level)
    }

    /// The worse of the two standings against AWS's thresholds.
    #[must_use]
    pub fn aws_standing(&self) -> AwsStanding {
        self.bounce.aws.max(self.complaint.aws)
    }

    /// Whether sending must be paused on the instance's configuration set: either metric
    /// is critical.
    #[must_use]
    #[inline]
    pub fn pause_sending(&self) -> bool {
        self.level() == Level::Critical
    }

    /// Who to notify: nobody when both metrics are ok (or have no data), else the admin
    /// email and the platform topics.
    #[must_use]
    pub fn notify(&self) -> &'static [NotifyTarget] {
        if self.level() >= Level::Warning {
            NOTIFY_ALL
        } else {
            &[]
        }
    }

    /// What to do for instance `instance`: whom to notify, and which configuration set to
    /// pause (`csb-aws-ses-<instance_id>`) when a metric is critical.
    #[must_use]
    pub fn plan(&self, instance: &InstanceId) -> Plan {
        Plan {
            notify: self.notify(),
            pause: self
                .pause_sending()
                .then(|| ConfigurationSetName::for_instance(instance)),
        }
    }
}

/// What an assessment asks the broker to do for one instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Plan {
    notify: &'static [NotifyTarget],
    pause: Option<ConfigurationSetName>,
}

impl Plan {
    /// Who to notify (empty when all is well).
    #[must_use]
    pub const fn notify(&self) -> &'static [NotifyTarget] {
        self.notify
    }

    /// The configuration set to pause sending on, when a metric is critical.
    #[must_use]
    pub const fn pause(&self) -> Option<&ConfigurationSetName> {
        self.pause.as_ref()
    }
}
