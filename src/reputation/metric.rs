//! The vocabulary of reputation: which metric, what level, and where a rate stands
//! against AWS's own account thresholds.

use core::fmt;

use serde::Serialize;

use super::ratio::{
    AWS_PAUSE_BOUNCE, AWS_PAUSE_COMPLAINT, AWS_REVIEW_BOUNCE, AWS_REVIEW_COMPLAINT, Ratio,
};

/// Which reputation metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Metric {
    /// Hard bounces per message sent (CloudWatch `Reputation.BounceRate`).
    Bounce,
    /// Feedback-loop complaints per message sent (CloudWatch `Reputation.ComplaintRate`).
    Complaint,
}

impl Metric {
    /// Both metrics, bounce first.
    pub const ALL: [Self; 2] = [Self::Bounce, Self::Complaint];

    /// `bounce` or `complaint`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bounce => "bounce",
            Self::Complaint => "complaint",
        }
    }

    /// The CloudWatch metric name in the `AWS/SES` namespace.
    #[must_use]
    pub const fn cloudwatch_metric(self) -> &'static str {
        match self {
            Self::Bounce => "Reputation.BounceRate",
            Self::Complaint => "Reputation.ComplaintRate",
        }
    }

    /// AWS's account review threshold for this metric (5 % or 0.1 %).
    #[must_use]
    pub const fn aws_review(self) -> Ratio {
        match self {
            Self::Bounce => AWS_REVIEW_BOUNCE,
            Self::Complaint => AWS_REVIEW_COMPLAINT,
        }
    }

    /// The rate at which AWS may pause the account's sending (10 % or 0.5 %).
    #[must_use]
    pub const fn aws_pause(self) -> Ratio {
        match self {
            Self::Bounce => AWS_PAUSE_BOUNCE,
            Self::Complaint => AWS_PAUSE_COMPLAINT,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level of one metric, or of the whole assessment (the worst of the two).
///
/// Ordered: `NoData < Ok < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Level {
    /// Nothing was sent, so there is no rate (zero sends is not a division).
    NoData,
    /// Below the warning threshold.
    Ok,
    /// At or above the warning threshold, below the critical one: notify.
    Warning,
    /// At or above the critical threshold: notify and pause sending.
    Critical,
}

impl Level {
    /// `no_data`, `ok`, `warning` or `critical`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NoData => "no_data",
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rate stands against AWS's own account-level thresholds (not cloud.gov's).
///
/// AWS computes its rates over a "representative volume" of the whole account, so this
/// says where the *given* rate would stand, not what AWS has decided. Ordered from best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AwsStanding {
    /// Nothing was sent.
    NoData,
    /// Below the review threshold (5 % bounces, 0.1 % complaints).
    BelowReview,
    /// At or above the review threshold: AWS places the account under review.
    Review,
    /// At or above 10 % bounces or 0.5 % complaints: AWS may pause the whole account.
    Pause,
}

pub(super) fn standing(metric: Metric, reached: impl Fn(Ratio) -> bool) -> AwsStanding {
    if reached(metric.aws_pause()) {
        AwsStanding::Pause
    } else if reached(metric.aws_review()) {
        AwsStanding::Review
    } else {
        AwsStanding::BelowReview
    }
}
