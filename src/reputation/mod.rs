//! Reputation protection: thresholds and their assessment, the CloudWatch alarms that watch
//! an instance, and the decision on an alarm notification.
//!
//! # Why these thresholds
//! AWS places an SES account under review at a 5 % bounce rate or a 0.1 % complaint rate,
//! and may pause the whole account's sending at 10 % / 0.5 %. One tenant's bad list must not
//! take every tenant's mail down with it, so cloud.gov acts well before: it warns at 40 % of
//! the review thresholds (2 % bounces, 0.04 % complaints) and pauses the tenant's own
//! configuration set at 80 % (4 %, 0.08 %). [`Thresholds::from_review`] builds other
//! fractions of the same review thresholds.
//!
//! # Exactness
//! Rates are fractions `0..=1`, as CloudWatch publishes them (`0.02` is 2 %). A rate *at*
//! a threshold has that threshold's level (`>=`). From counts the comparison is done in
//! integers ([`Ratio`]), so there is no floating-point edge: 200 bounces in 10 000 sent is
//! exactly 2 %, a warning; 199 is ok. Zero sent is [`Level::NoData`], never a division.
//!
//! # The pause path
//! [`AlarmDefinition::for_instance`] gives the four alarms; CloudWatch publishes their state
//! changes to SNS; the pause service parses the SNS `Message` with
//! [`AlarmNotification::from_json`] and decides with
//! [`AlarmNotification::decide_unverified`], or, when the alarm arrives over HTTPS, verifies
//! the SNS message first and decides through `sns::VerifiedMessage::decide_alarm` (the
//! `verify` feature), so that only a message SNS signed can pause sending. Why the deployed
//! path never fired, and how this one avoids each cause, is written on `decide_unverified`.

mod alarms;
mod assessment;
mod decision;
mod metric;
mod names;
mod notification;
mod ratio;
mod thresholds;

pub use alarms::{AlarmDefinition, AlarmDimension};
pub use assessment::{Assessment, MetricAssessment, NotifyTarget, Plan};
pub use decision::{AlarmDecision, IgnoreReason};
pub use metric::{AwsStanding, Level, Metric};
pub use names::{AlarmKind, AlarmNames, RecognisedAlarm, Severity};
pub use notification::{
    AlarmError, AlarmNotification, AlarmState, Dimension, MetricQuery, Trigger, TriggerShape,
    WatchedMetric,
};
pub use ratio::Ratio;
pub use thresholds::{Counts, MetricThresholds, Rates, ReputationError, Thresholds};
