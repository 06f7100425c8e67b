//! Reputation thresholds and the assessment of a bounce and complaint rate against them.

use super::assessment::{Assessment, MetricAssessment};
use super::metric::{Level, Metric};
use super::ratio::{AWS_REVIEW_BOUNCE, AWS_REVIEW_COMPLAINT, Ratio};

/// A fraction of a review threshold is taken to millionths.
const MILLIONTHS: u64 = 1_000_000;

/// Warning and critical thresholds of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MetricThresholds {
    warning: Ratio,
    critical: Ratio,
}

impl MetricThresholds {
    /// The warning threshold (a rate at or above it is at least a warning).
    #[must_use]
    pub const fn warning(self) -> Ratio {
        self.warning
    }

    /// The critical threshold (a rate at or above it is critical).
    #[must_use]
    pub const fn critical(self) -> Ratio {
        self.critical
    }

    fn level(self, reached: impl Fn(Ratio) -> bool) -> Level {
        if reached(self.critical) {
            Level::Critical
        } else if reached(self.warning) {
            Level::Warning
        } else {
            Level::Ok
        }
    }
}

/// The warning and critical thresholds for both metrics.
///
/// A rate **at** a threshold is classified as that threshold's level (`>=`, as the
/// alarms' `GreaterThanOrEqualToThreshold` compares): exactly 2 %
/// bounces is a warning, exactly 4 % is critical.
///
/// - From counts ([`Thresholds::assess_counts`]) the comparison is exact integer
///   arithmetic: 200 bounces in 10 000 sent is a warning, 199 is ok.
/// - From rates ([`Thresholds::assess`]) the rate is compared with the `f64` nearest the
///   exact threshold, the same double the CloudWatch alarm holds: `0.02` is a warning, the
///   next double below it is ok.
///
/// ```
/// use ses_broker::{reputation::Counts, reputation::Level, reputation::Rates, reputation::Thresholds};
/// let t = Thresholds::cloud_gov();
/// let at = t.assess_counts(Counts::new(10_000, 200, 0)?);
/// assert_eq!(at.bounce().level(), Level::Warning);
/// let below = t.assess_counts(Counts::new(10_000, 199, 0)?);
/// assert_eq!(below.bounce().level(), Level::Ok);
/// let critical = t.assess(Rates::new(0.01, 0.0008)?);
/// assert_eq!(critical.complaint().level(), Level::Critical);
/// assert!(critical.pause_sending());
/// # Ok::<(), ses_broker::reputation::ReputationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thresholds {
    bounce: MetricThresholds,
    complaint: MetricThresholds,
}

impl Thresholds {
    /// cloud.gov's thresholds: bounces warning 2 %, critical 4 %; complaints warning
    /// 0.04 %, critical 0.08 % (40 % and 80 % of AWS's review thresholds).
    #[must_use]
    pub const fn cloud_gov() -> Self {
        Self {
            bounce: MetricThresholds {
                warning: Ratio::reduced(1, 50),
                critical: Ratio::reduced(1, 25),
            },
            complaint: MetricThresholds {
                warning: Ratio::reduced(1, 2500),
                critical: Ratio::reduced(1, 1250),
            },
        }
    }

    /// Thresholds as fractions of AWS's review thresholds (5 % bounces, 0.1 % complaints):
    /// cloud.gov's are `from_review(0.4, 0.8)`.
    ///
    /// Each fraction is taken to millionths (rounded to nearest), must lie in `(0, 1]` (a
    /// critical threshold above AWS's own review line would pause only after AWS had
    /// already put the account under review), and the warning must be below the critical.
    ///
    /// ```
    /// use ses_broker::reputation::Thresholds;
    /// assert_eq!(Thresholds::from_review(0.4, 0.8)?, Thresholds::cloud_gov());
    /// let strict = Thresholds::from_review(0.2, 0.5)?;
    /// assert_eq!(strict.bounce().warning().to_string(), "1%");
    /// assert_eq!(strict.complaint().critical().to_string(), "0.05%");
    /// assert!(Thresholds::from_review(0.8, 0.4).is_err());
    /// # Ok::<(), ses_broker::reputation::ReputationError>(())
    /// ```
    ///
    /// # Errors
    /// [`ReputationError::ReviewFraction`] for a fraction that is not a number in `(0, 1]`,
    /// [`ReputationError::WarningNotBelowCritical`] when the order is wrong.
    pub fn from_review(
        warning_fraction: f64,
        critical_fraction: f64,
    ) -> Result<Self, ReputationError> {
        let warning = millionths("warning_fraction", warning_fraction)?;
        let critical = millionths("critical_fraction", critical_fraction)?;
        if warning >= critical {
            return Err(ReputationError::WarningNotBelowCritical {
                warning: warning_fraction,
                critical: critical_fraction,
            });
        }
        let of = |review: Ratio, millionths: u64| {
            Ratio::reduced(
                review.numerator() * millionths,
                review.denominator() * MILLIONTHS,
            )
        };
        Ok(Self {
            bounce: MetricThresholds {
                warning: of(AWS_REVIEW_BOUNCE, warning),
                critical: of(AWS_REVIEW_BOUNCE, critical),
            },
            complaint: MetricThresholds {
                warning: of(AWS_REVIEW_COMPLAINT, warning),
                critical: of(AWS_REVIEW_COMPLAINT, critical),
            },
        })
    }

    /// The bounce-rate thresholds.
    #[must_use]
    pub const fn bounce(&self) -> MetricThresholds {
        self.bounce
    }

    /// The complaint-rate thresholds.
    #[must_use]
    pub const fn complaint(&self) -> MetricThresholds {
        self.complaint
    }

    /// The thresholds of `metric`.
    #[must_use]
    pub const fn of(&self, metric: Metric) -> MetricThresholds {
        match metric {
            Metric::Bounce => self.bounce,
            Metric::Complaint => self.complaint,
        }
    }

    /// Assesses rates as CloudWatch reports them (fractions 0..=1).
    #[must_use]
    #[inline]
    pub fn assess(&self, rates: Rates) -> Assessment {
        let one = |metric: Metric, rate: f64| {
            let reached = |r: Ratio| r.reached_by_rate(rate);
            MetricAssessment::new(metric, self.of(metric).level(reached), reached)
        };
        Assessment::new(
            one(Metric::Bounce, rates.bounce),
            one(Metric::Complaint, rates.complaint),
        )
    }

    /// Assesses counts exactly: `count / sent` against each threshold with integers only.
    /// Zero sent is [`Level::NoData`] for both metrics (and nothing to do).
    #[must_use]
    #[inline]
    pub fn assess_counts(&self, counts: Counts) -> Assessment {
        let one = |metric: Metric, count: u64| {
            if counts.sent == 0 {
                return MetricAssessment::NO_DATA;
            }
            let reached = |r: Ratio| r.reached_by_counts(count, counts.sent);
            MetricAssessment::new(metric, self.of(metric).level(reached), reached)
        };
        Assessment::new(
            one(Metric::Bounce, counts.bounces),
            one(Metric::Complaint, counts.complaints),
        )
    }
}

/// `x.round()` for `x` in `[0, 2^52)`, which `core` lacks (`f64::round` needs `std`).
/// Exact: the fractional part `x - trunc(x)` of such an `x` is computed without rounding.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "callers pass a finite x in [0, 2^52), where the casts are exact"
)]
fn round_half_away(x: f64) -> u64 {
    let whole = x as u64;
    if x - whole as f64 >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

fn millionths(field: &'static str, fraction: f64) -> Result<u64, ReputationError> {
    let out_of_range = ReputationError::ReviewFraction {
        field,
        value: fraction,
    };
    if !fraction.is_finite() || fraction <= 0.0 || fraction > 1.0 {
        return Err(out_of_range);
    }
    let scaled = round_half_away(fraction * 1_000_000.0);
    if scaled == 0 {
        return Err(out_of_range);
    }
    Ok(scaled)
}

/// A bounce rate and a complaint rate, each a finite fraction in `0..=1` (`0.02` is 2 %),
/// as CloudWatch's `Reputation.BounceRate` and `Reputation.ComplaintRate` report them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    bounce: f64,
    complaint: f64,
}

impl Rates {
    /// Validates both rates. `-0.0` is taken as `0.0`.
    ///
    /// # Errors
    /// [`ReputationError::NotFinite`] or [`ReputationError::RateOutOfRange`], naming
    /// `bounce_rate` or `complaint_rate`.
    pub fn new(bounce: f64, complaint: f64) -> Result<Self, ReputationError> {
        Ok(Self {
            bounce: rate("bounce_rate", bounce)?,
            complaint: rate("complaint_rate", complaint)?,
        })
    }

    /// The bounce rate.
    #[must_use]
    pub const fn bounce(&self) -> f64 {
        self.bounce
    }

    /// The complaint rate.
    #[must_use]
    pub const fn complaint(&self) -> f64 {
        self.complaint
    }
}

fn rate(field: &'static str, value: f64) -> Result<f64, ReputationError> {
    if !value.is_finite() {
        return Err(ReputationError::NotFinite { field });
    }
    if !(0.0..=1.0).contains(&value) {
        return Err(ReputationError::RateOutOfRange { field, value });
    }
    // `-0.0 + 0.0` is `+0.0`: one zero only.
    Ok(value + 0.0)
}

/// Messages sent and the bounces and complaints among them; neither may exceed `sent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Counts {
    sent: u64,
    bounces: u64,
    complaints: u64,
}

impl Counts {
    /// Validates the counts.
    ///
    /// # Errors
    /// [`ReputationError::MoreThanSent`] naming `bounces` or `complaints`.
    pub const fn new(sent: u64, bounces: u64, complaints: u64) -> Result<Self, ReputationError> {
        if bounces > sent {
            return Err(ReputationError::MoreThanSent {
                field: "bounces",
                count: bounces,
                sent,
            });
        }
        if complaints > sent {
            return Err(ReputationError::MoreThanSent {
                field: "complaints",
                count: complaints,
                sent,
            });
        }
        Ok(Self {
            sent,
            bounces,
            complaints,
        })
    }

    /// Messages sent.
    #[must_use]
    pub const fn sent(&self) -> u64 {
        self.sent
    }

    /// Hard bounces among them.
    #[must_use]
    pub const fn bounces(&self) -> u64 {
        self.bounces
    }

    /// Complaints among them.
    #[must_use]
    pub const fn complaints(&self) -> u64 {
        self.complaints
    }
}

/// Invalid rates, counts or threshold fractions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReputationError {
    /// A rate is NaN or infinite.
    #[error("{field}: is not a finite number")]
    NotFinite {
        /// `bounce_rate` or `complaint_rate`.
        field: &'static str,
    },
    /// A rate is below 0 or above 1.
    #[error("{field}: {value} is outside 0..=1 (rates are fractions: 0.02 is 2 %)")]
    RateOutOfRange {
        /// `bounce_rate` or `complaint_rate`.
        field: &'static str,
        /// The rate given.
        value: f64,
    },
    /// Bounces or complaints exceed the messages sent.
    #[error("{field}: {count} is more than the {sent} messages sent")]
    MoreThanSent {
        /// `bounces` or `complaints`.
        field: &'static str,
        /// The count given.
        count: u64,
        /// Messages sent.
        sent: u64,
    },
    /// A fraction of AWS's review threshold is not a number in `(0, 1]` to six decimals.
    #[error(
        "{field}: {value} is not in (0, 1] (a fraction of AWS's review threshold: 0.4 is 40 %)"
    )]
    ReviewFraction {
        /// `warning_fraction` or `critical_fraction`.
        field: &'static str,
        /// The fraction given.
        value: f64,
    },
    /// The warning fraction is not below the critical one.
    #[error("warning_fraction: {warning} is not below critical_fraction {critical}")]
    WarningNotBelowCritical {
        /// The warning fraction given.
        warning: f64,
        /// The critical fraction given.
        critical: f64,
    },
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;
    use crate::prelude::*;
    use crate::reputation::metric::AwsStanding;

    #[test]
    fn round_half_away_matches_std_round() {
        for x in [
            0.0_f64,
            0.4,
            0.5,
            0.49999999999999994,
            1.5,
            2.5,
            19_999.5,
            20_000.0,
            1e6,
            4e15,
        ] {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "test values"
            )]
            let expected = x.round() as u64;
            assert_eq!(round_half_away(x), expected, "{x}");
        }
    }

    #[test]
    fn from_review_rounds_to_millionths() {
        let t = Thresholds::from_review(0.400_000_4, 0.8).unwrap();
        assert_eq!(t, Thresholds::cloud_gov());
        assert!(matches!(
            Thresholds::from_review(0.000_000_1, 0.8),
            Err(ReputationError::ReviewFraction {
                field: "warning_fraction",
                ..
            })
        ));
        assert!(Thresholds::from_review(0.4, 1.0).is_ok());
        assert!(Thresholds::from_review(0.4, 1.000_001).is_err());
        assert!(Thresholds::from_review(f64::NAN, 0.8).is_err());
        assert!(Thresholds::from_review(0.4, 0.4).is_err());
    }

    #[test]
    fn rate_validation_names_the_field() {
        let e = Rates::new(0.5, 1.5).unwrap_err();
        assert_eq!(
            e.to_string(),
            "complaint_rate: 1.5 is outside 0..=1 (rates are fractions: 0.02 is 2 %)"
        );
        let e = Rates::new(f64::NAN, 0.0).unwrap_err();
        assert_eq!(e.to_string(), "bounce_rate: is not a finite number");
        assert!(Rates::new(-0.0, 0.0).unwrap().bounce().is_sign_positive());
        let e = Counts::new(10, 11, 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "bounces: 11 is more than the 10 messages sent"
        );
    }

    #[test]
    fn counts_compare_without_overflow_at_the_top() {
        let t = Thresholds::cloud_gov();
        let all = t.assess_counts(Counts::new(u64::MAX, u64::MAX, 0).unwrap());
        assert_eq!(all.bounce().level(), Level::Critical);
        assert_eq!(all.bounce().aws_standing(), AwsStanding::Pause);
        assert_eq!(all.complaint().level(), Level::Ok);
    }
}
