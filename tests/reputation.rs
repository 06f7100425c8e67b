//! Reputation protection (SPEC 8): thresholds from rates and counts, the alarm
//! definitions, and the decision on an incoming alarm notification.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use proptest::prelude::*;
use serde_json::json;
use ses_broker::{
    instance::ConfigurationSetName, reputation::AlarmDecision, reputation::AlarmDefinition,
    reputation::AlarmKind, reputation::AlarmNames, reputation::AlarmNotification,
    reputation::AlarmState, reputation::AwsStanding, reputation::Counts, reputation::IgnoreReason,
    reputation::Level, reputation::Metric, reputation::NotifyTarget, reputation::Rates,
    reputation::ReputationError, reputation::Severity, reputation::Thresholds,
    reputation::TriggerShape, values::AccountId, values::Arn, values::InstanceId, values::Region,
};

const INSTANCE: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const SET: &str = "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-gov-west-1";

fn counts(sent: u64, bounces: u64, complaints: u64) -> (Level, Level) {
    let a = Thresholds::cloud_gov().assess_counts(Counts::new(sent, bounces, complaints).unwrap());
    (a.bounce().level(), a.complaint().level())
}

fn rates(bounce: f64, complaint: f64) -> (Level, Level) {
    let a = Thresholds::cloud_gov().assess(Rates::new(bounce, complaint).unwrap());
    (a.bounce().level(), a.complaint().level())
}

// ---------------------------------------------------------------- thresholds from counts

#[test]
fn spec8_bounce_warning_is_2_percent_from_counts() {
    assert_eq!(counts(10_000, 199, 0).0, Level::Ok);
    assert_eq!(counts(10_000, 200, 0).0, Level::Warning);
    assert_eq!(counts(10_000, 201, 0).0, Level::Warning);
    assert_eq!(counts(100, 1, 0).0, Level::Ok);
    assert_eq!(counts(100, 2, 0).0, Level::Warning);
    assert_eq!(counts(50, 1, 0).0, Level::Warning);
    assert_eq!(counts(51, 1, 0).0, Level::Ok);
    assert_eq!(counts(1_000_000_000_000, 19_999_999_999, 0).0, Level::Ok);
    assert_eq!(
        counts(1_000_000_000_000, 20_000_000_000, 0).0,
        Level::Warning
    );
}

#[test]
fn spec8_bounce_critical_is_4_percent_from_counts() {
    assert_eq!(counts(10_000, 399, 0).0, Level::Warning);
    assert_eq!(counts(10_000, 400, 0).0, Level::Critical);
    assert_eq!(counts(10_000, 401, 0).0, Level::Critical);
    assert_eq!(counts(25, 1, 0).0, Level::Critical);
    assert_eq!(counts(26, 1, 0).0, Level::Warning);
}

#[test]
fn spec8_complaint_warning_is_0_04_percent_from_counts() {
    assert_eq!(counts(10_000, 0, 3).1, Level::Ok);
    assert_eq!(counts(10_000, 0, 4).1, Level::Warning);
    assert_eq!(counts(10_000, 0, 5).1, Level::Warning);
    assert_eq!(counts(2_500, 0, 1).1, Level::Warning);
    assert_eq!(counts(2_501, 0, 1).1, Level::Ok);
    assert_eq!(counts(100_000, 0, 39).1, Level::Ok);
    assert_eq!(counts(100_000, 0, 40).1, Level::Warning);
}

#[test]
fn spec8_complaint_critical_is_0_08_percent_from_counts() {
    assert_eq!(counts(10_000, 0, 7).1, Level::Warning);
    assert_eq!(counts(10_000, 0, 8).1, Level::Critical);
    assert_eq!(counts(10_000, 0, 9).1, Level::Critical);
    assert_eq!(counts(1_250, 0, 1).1, Level::Critical);
    assert_eq!(counts(1_251, 0, 1).1, Level::Warning);
}

#[test]
fn spec8_zero_sent_is_no_data_not_a_division() {
    let a = Thresholds::cloud_gov().assess_counts(Counts::new(0, 0, 0).unwrap());
    assert_eq!(a.bounce().level(), Level::NoData);
    assert_eq!(a.complaint().level(), Level::NoData);
    assert_eq!(a.level(), Level::NoData);
    assert_eq!(a.aws_standing(), AwsStanding::NoData);
    assert!(!a.pause_sending());
    assert!(a.notify().is_empty());
}

// ---------------------------------------------------------------- thresholds from rates

#[test]
fn spec8_rates_at_each_threshold_take_its_level() {
    // (threshold, level below, level at and just above) for bounce, then complaint.
    let bounce = [
        (0.02_f64, Level::Ok, Level::Warning),
        (0.04, Level::Warning, Level::Critical),
    ];
    for (at, below, above) in bounce {
        assert_eq!(rates(at.next_down(), 0.0).0, below, "just below {at}");
        assert_eq!(rates(at, 0.0).0, above, "at {at}");
        assert_eq!(rates(at.next_up(), 0.0).0, above, "just above {at}");
    }
    let complaint = [
        (0.0004_f64, Level::Ok, Level::Warning),
        (0.0008, Level::Warning, Level::Critical),
    ];
    for (at, below, above) in complaint {
        assert_eq!(rates(0.0, at.next_down()).1, below, "just below {at}");
        assert_eq!(rates(0.0, at).1, above, "at {at}");
        assert_eq!(rates(0.0, at.next_up()).1, above, "just above {at}");
    }
    assert_eq!(rates(0.0199, 0.000_39), (Level::Ok, Level::Ok));
    assert_eq!(rates(0.0201, 0.000_41), (Level::Warning, Level::Warning));
    assert_eq!(rates(1.0, 1.0), (Level::Critical, Level::Critical));
    assert_eq!(rates(0.0, 0.0), (Level::Ok, Level::Ok));
}

#[test]
fn spec8_rates_are_fractions_and_are_validated() {
    assert!(matches!(
        Rates::new(2.0, 0.0),
        Err(ReputationError::RateOutOfRange {
            field: "bounce_rate",
            ..
        })
    ));
    assert!(matches!(
        Rates::new(0.0, -0.0001),
        Err(ReputationError::RateOutOfRange {
            field: "complaint_rate",
            ..
        })
    ));
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(matches!(
            Rates::new(bad, 0.0),
            Err(ReputationError::NotFinite {
                field: "bounce_rate"
            })
        ));
    }
    assert!(matches!(
        Counts::new(5, 0, 6),
        Err(ReputationError::MoreThanSent {
            field: "complaints",
            count: 6,
            sent: 5
        })
    ));
    assert!(Counts::new(5, 5, 5).is_ok());
}

// ---------------------------------------------------------------- what follows

#[test]
fn spec8_warnings_notify_admin_email_and_platform_topics() {
    let a = Thresholds::cloud_gov().assess_counts(Counts::new(10_000, 0, 4).unwrap());
    assert_eq!(a.level(), Level::Warning);
    assert_eq!(
        a.notify(),
        [NotifyTarget::AdminEmail, NotifyTarget::PlatformTopics]
    );
    assert!(!a.pause_sending());
    let id = InstanceId::parse(INSTANCE).unwrap();
    assert_eq!(a.plan(&id).pause(), None);
    let ok = Thresholds::cloud_gov().assess_counts(Counts::new(10_000, 199, 3).unwrap());
    assert!(ok.notify().is_empty());
    assert_eq!(ok.level(), Level::Ok);
}

#[test]
fn spec8_critical_pauses_the_instance_configuration_set() {
    let id = InstanceId::parse(INSTANCE).unwrap();
    for (b, c) in [(400, 0), (0, 8), (10_000, 10_000)] {
        let a = Thresholds::cloud_gov().assess_counts(Counts::new(10_000, b, c).unwrap());
        assert_eq!(a.level(), Level::Critical);
        assert!(a.pause_sending());
        let plan = a.plan(&id);
        assert_eq!(plan.pause().map(ConfigurationSetName::as_str), Some(SET));
        assert_eq!(
            plan.notify(),
            [NotifyTarget::AdminEmail, NotifyTarget::PlatformTopics]
        );
    }
}

#[test]
fn spec8_standing_against_aws_review_and_pause_thresholds() {
    let standing = |b: u64, c: u64| {
        let a = Thresholds::cloud_gov().assess_counts(Counts::new(10_000, b, c).unwrap());
        (a.bounce().aws_standing(), a.complaint().aws_standing())
    };
    assert_eq!(
        standing(499, 9),
        (AwsStanding::BelowReview, AwsStanding::BelowReview)
    );
    assert_eq!(
        standing(500, 10),
        (AwsStanding::Review, AwsStanding::Review)
    );
    assert_eq!(
        standing(999, 49),
        (AwsStanding::Review, AwsStanding::Review)
    );
    assert_eq!(
        standing(1_000, 50),
        (AwsStanding::Pause, AwsStanding::Pause)
    );
    let a = Thresholds::cloud_gov().assess(Rates::new(0.05, 0.005).unwrap());
    assert_eq!(a.bounce().aws_standing(), AwsStanding::Review);
    assert_eq!(a.complaint().aws_standing(), AwsStanding::Pause);
    assert_eq!(a.aws_standing(), AwsStanding::Pause);
    assert_eq!(Metric::Bounce.aws_review().to_string(), "5%");
    assert_eq!(Metric::Complaint.aws_pause().to_string(), "0.5%");
}

#[test]
fn spec8_thresholds_are_40_and_80_percent_of_aws_review() {
    let t = Thresholds::from_review(0.4, 0.8).unwrap();
    assert_eq!(t, Thresholds::cloud_gov());
    let pairs = |m: Metric| {
        let x = t.of(m);
        (x.warning().to_string(), x.critical().to_string())
    };
    assert_eq!(pairs(Metric::Bounce), ("2%".to_owned(), "4%".to_owned()));
    assert_eq!(
        pairs(Metric::Complaint),
        ("0.04%".to_owned(), "0.08%".to_owned())
    );
    // Another choice: half and all of the review thresholds.
    let t = Thresholds::from_review(0.5, 1.0).unwrap();
    let a = t.assess_counts(Counts::new(1000, 25, 1).unwrap());
    assert_eq!(
        (a.bounce().level(), a.complaint().level()),
        (Level::Warning, Level::Critical)
    );
    assert!(matches!(
        Thresholds::from_review(0.9, 0.8),
        Err(ReputationError::WarningNotBelowCritical { .. })
    ));
    assert!(matches!(
        Thresholds::from_review(0.4, 1.5),
        Err(ReputationError::ReviewFraction {
            field: "critical_fraction",
            ..
        })
    ));
}

/// An independent evaluation of cloud.gov's thresholds: percentages scaled to integers.
fn oracle(sent: u64, count: u64, warning_per_10k: u128, critical_per_10k: u128) -> Level {
    let (sent, count) = (u128::from(sent), u128::from(count));
    if sent == 0 {
        Level::NoData
    } else if count * 10_000 >= critical_per_10k * sent {
        Level::Critical
    } else if count * 10_000 >= warning_per_10k * sent {
        Level::Warning
    } else {
        Level::Ok
    }
}

fn oracle_both(sent: u64, bounces: u64, complaints: u64) -> (Level, Level) {
    // 2 % = 200 per 10 000, 4 % = 400; complaints 0.04 % = 4 per 10 000, 0.08 % = 8.
    (
        oracle(sent, bounces, 200, 400),
        oracle(sent, complaints, 4, 8),
    )
}

#[test]
fn spec8_counts_grid_agrees_with_exact_rational_arithmetic() {
    for sent in 0..=2_600_u64 {
        // Every bounce count near the two bounce boundaries, every complaint count near
        // the complaint ones, and a few in between.
        let near = |num: u64, den: u64| {
            let at = sent * num / den;
            at.saturating_sub(2)..=at + 2
        };
        let bounces = near(2, 100).chain(near(4, 100)).chain([0, sent / 3, sent]);
        for b in bounces.filter(|b| *b <= sent) {
            let complaints = near(4, 10_000).chain(near(8, 10_000)).chain([0, sent]);
            for c in complaints.filter(|c| *c <= sent) {
                assert_eq!(
                    counts(sent, b, c),
                    oracle_both(sent, b, c),
                    "{sent} {b} {c}"
                );
            }
        }
    }
}

proptest! {
    #[test]
    fn counts_path_agrees_with_exact_arithmetic(
        sent in any::<u64>(), b in any::<u64>(), c in any::<u64>()
    ) {
        // Any count from 0 to sent (sent + 1 saturates at u64::MAX, still <= sent).
        let (b, c) = (b % sent.saturating_add(1).max(1), c % sent.saturating_add(1).max(1));
        prop_assert_eq!(counts(sent, b, c), oracle_both(sent, b, c));
    }

    #[test]
    fn counts_near_boundaries_agree_with_exact_arithmetic(
        scale in 1..=1_000_000_u64, delta in -3_i64..=3, metric_level in 0_usize..4
    ) {
        // sent = 10 000 * scale; count = boundary +- delta.
        let sent = 10_000 * scale;
        let per_10k = [200, 400, 4, 8][metric_level];
        let count = (per_10k * scale).saturating_add_signed(delta);
        let (b, c) = if metric_level < 2 { (count, 0) } else { (0, count) };
        prop_assert_eq!(counts(sent, b, c), oracle_both(sent, b, c));
    }

    #[test]
    fn rates_path_compares_with_the_alarm_thresholds(b in 0.0..=1.0_f64, c in 0.0..=0.01_f64) {
        let expect = |r: f64, w: f64, k: f64| if r >= k { Level::Critical } else if r >= w { Level::Warning } else { Level::Ok };
        prop_assert_eq!(rates(b, c), (expect(b, 0.02, 0.04), expect(c, 0.0004, 0.0008)));
    }

    #[test]
    fn from_review_agrees_with_exact_arithmetic(
        w in 1_u64..1_000_000, gap in 1_u64..1_000_000, sent in 1_u64..10_000_000, b in any::<u64>(), c in any::<u64>()
    ) {
        let k = (w + gap).min(1_000_000);
        prop_assume!(w < k);
        #[allow(clippy::cast_precision_loss, reason = "below 2^53")]
        let t = Thresholds::from_review(w as f64 / 1e6, k as f64 / 1e6).unwrap();
        let (b, c) = (b % (sent + 1), c % (sent + 1));
        let a = t.assess_counts(Counts::new(sent, b, c).unwrap());
        // bounce threshold = 5/100 * w/1e6; complaint = 1/1000 * w/1e6.
        let level = |count: u64, num: u128, den: u128| {
            let reached = |m: u64| u128::from(count) * den >= num * u128::from(m) * u128::from(sent);
            if reached(k) { Level::Critical } else if reached(w) { Level::Warning } else { Level::Ok }
        };
        prop_assert_eq!(a.bounce().level(), level(b, 5, 100 * 1_000_000));
        prop_assert_eq!(a.complaint().level(), level(c, 1, 1_000 * 1_000_000));
        // AWS standing: review at 1/20 and 1/1000, pause at 1/10 and 1/200.
        let aws = |count: u64, review: u64, pause: u64| {
            let (count, sent) = (u128::from(count), u128::from(sent));
            if count * u128::from(pause) >= sent { AwsStanding::Pause }
            else if count * u128::from(review) >= sent { AwsStanding::Review }
            else { AwsStanding::BelowReview }
        };
        prop_assert_eq!(a.bounce().aws_standing(), aws(b, 20, 10));
        prop_assert_eq!(a.complaint().aws_standing(), aws(c, 1000, 200));
    }
}

// ---------------------------------------------------------------- alarm definitions

fn alarms() -> [AlarmDefinition; 4] {
    let id = InstanceId::parse(INSTANCE).unwrap();
    let reputation = Arn::parse(&format!(
        "arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:{SET}-reputation-notifications"
    ))
    .unwrap();
    let platform = [
        Arn::parse(&format!(
            "arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email"
        ))
        .unwrap(),
        Arn::parse(&format!(
            "arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-chat"
        ))
        .unwrap(),
    ];
    AlarmDefinition::from_parts(&id, &Thresholds::cloud_gov(), &reputation, &platform)
}

#[test]
fn spec4_four_alarms_named_after_the_instance() {
    let names: Vec<String> = alarms().iter().map(|a| a.name().to_owned()).collect();
    assert_eq!(
        names,
        [
            format!("{SET}-BounceRate-Warning"),
            format!("{SET}-BounceRate-Critical"),
            format!("{SET}-ComplaintRate-Warning"),
            format!("{SET}-ComplaintRate-Critical"),
        ]
    );
    let id = InstanceId::parse(INSTANCE).unwrap();
    let from_builder: Vec<String> = AlarmNames::for_instance(&id)
        .all()
        .into_iter()
        .map(|(_, n)| n.into())
        .collect();
    assert_eq!(names, from_builder);
}

#[test]
fn spec8_alarms_watch_the_metrics_ses_publishes() {
    let expected = [
        ("Reputation.BounceRate", 0.02),
        ("Reputation.BounceRate", 0.04),
        ("Reputation.ComplaintRate", 0.0004),
        ("Reputation.ComplaintRate", 0.0008),
    ];
    for (alarm, (metric, threshold)) in alarms().iter().zip(expected) {
        let json = alarm.to_json();
        assert_eq!(json["Namespace"], "AWS/SES");
        assert_eq!(json["MetricName"], metric);
        assert_eq!(json["Threshold"], threshold);
        assert_eq!(
            json["Dimensions"],
            json!([{"Name": "ses:configuration-set", "Value": SET}])
        );
        assert_eq!(json["ComparisonOperator"], "GreaterThanOrEqualToThreshold");
        assert_eq!(json["Statistic"], "Average");
        assert!(alarm.description().chars().count() < 1024);
        assert!(alarm.description().contains(SET));
    }
}

#[test]
fn alarm_definition_is_a_put_metric_alarm_request() {
    let json = alarms()[1].to_json();
    let topics = json!([
        format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:{SET}-reputation-notifications"),
        format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email"),
        format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-chat"),
    ]);
    assert_eq!(
        json,
        json!({
            "AlarmName": format!("{SET}-BounceRate-Critical"),
            "AlarmDescription": json["AlarmDescription"],
            "ActionsEnabled": true,
            "OKActions": topics,
            "AlarmActions": topics,
            "InsufficientDataActions": [],
            "MetricName": "Reputation.BounceRate",
            "Namespace": "AWS/SES",
            "Statistic": "Average",
            "Dimensions": [{"Name": "ses:configuration-set", "Value": SET}],
            "Period": 300,
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "Threshold": 0.04,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "ignore",
        })
    );
    assert!(
        json["AlarmDescription"]
            .as_str()
            .unwrap()
            .starts_with("Critical: the bounce rate of SES configuration set csb-aws-ses-")
    );
}

// ---------------------------------------------------------------- alarm notifications

fn account() -> AccountId {
    AccountId::parse(ACCOUNT).unwrap()
}

fn region() -> Region {
    Region::parse(REGION).unwrap()
}

/// A single-metric payload (as our own alarms send), in the shape of AWS's samples.
fn simple(name: &str, new: &str, old: &str) -> String {
    json!({
        "AlarmName": name,
        "AlarmDescription": null,
        "AWSAccountId": ACCOUNT,
        "AlarmConfigurationUpdatedTimestamp": "2026-11-02T14:00:03.120+0000",
        "NewStateValue": new,
        "NewStateReason": "Threshold Crossed: 1 out of the last 1 datapoints [0.05 (30/11/26 05:35:00)] was greater than or equal to the threshold (0.04) (minimum 1 datapoint for OK -> ALARM transition).",
        "StateChangeTime": "2026-11-30T05:40:12.345+0000",
        "Region": "AWS GovCloud (US-West)",
        "AlarmArn": format!("arn:aws-us-gov:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"),
        "OldStateValue": old,
        "OKActions": [format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email")],
        "AlarmActions": [format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email")],
        "InsufficientDataActions": [],
        "Trigger": {
            "MetricName": if name.contains("Complaint") { "Reputation.ComplaintRate" } else { "Reputation.BounceRate" },
            "Namespace": "AWS/SES",
            "StatisticType": "Statistic",
            "Statistic": "AVERAGE",
            "Unit": null,
            "Dimensions": [{"value": SET, "name": "ses:configuration-set"}],
            "Period": 300,
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 0.04,
            "TreatMissingData": "ignore",
            "EvaluateLowSampleCountPercentile": ""
        }
    })
    .to_string()
}

/// A metric-math payload (the deployed broker's alarms): no `Trigger.Dimensions`, string
/// `ReturnData`, actions as a single string.
fn math(name: &str, new: &str, old: &str) -> String {
    json!({
        "AlarmName": name,
        "AlarmDescription": null,
        "AWSAccountId": ACCOUNT,
        "NewStateValue": new,
        "NewStateReason": "Threshold Crossed",
        "StateChangeTime": "2026-11-30T05:40:12.345+0000",
        "Region": "AWS GovCloud (US-West)",
        "AlarmArn": format!("arn:aws-us-gov:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"),
        "OldStateValue": old,
        "OKActions": format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email"),
        "AlarmActions": format!("arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email"),
        "Trigger": {
            "Period": 300,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1.0,
            "TreatMissingData": "- TreatMissingData:                    missing",
            "EvaluateLowSampleCountPercentile": "",
            "Metrics": [
                {"Expression": "IF(m1 >= 0.04, 1, 0)", "Id": "critical_e1", "Label": "BounceRateAbove5", "ReturnData": "True"},
                {"Id": "m1", "MetricStat": {"Metric": {
                    "Dimensions": [{"value": SET, "name": "ConfigurationSetName"}],
                    "MetricName": "BounceRate", "Namespace": "AWS/SES"},
                    "Period": 300, "Stat": "Average"}, "ReturnData": "False"}
            ]
        }
    })
    .to_string()
}

fn decide(json: &str) -> AlarmDecision {
    AlarmNotification::from_json(json)
        .unwrap()
        .decide_unverified(&account(), &region())
}

fn name(metric: &str, severity: &str) -> String {
    format!("{SET}-{metric}Rate-{severity}")
}

#[test]
fn spec8_critical_alarm_entering_alarm_pauses_its_configuration_set() {
    for payload in [simple, math] {
        for metric in ["Bounce", "Complaint"] {
            let decision = decide(&payload(&name(metric, "Critical"), "ALARM", "OK"));
            let AlarmDecision::PauseSending {
                configuration_set,
                alarm,
            } = &decision
            else {
                panic!("{metric}: {decision}");
            };
            assert_eq!(configuration_set.as_str(), SET);
            assert_eq!(alarm.instance().as_str(), INSTANCE);
            assert_eq!(alarm.kind().severity(), Severity::Critical);
            assert!(decision.pauses());
            assert_eq!(decision.notify().len(), 2);
        }
    }
    // From INSUFFICIENT_DATA straight to ALARM too.
    assert!(
        decide(&simple(
            &name("Bounce", "Critical"),
            "ALARM",
            "INSUFFICIENT_DATA"
        ))
        .pauses()
    );
}

#[test]
fn spec8_warning_alarm_entering_alarm_notifies_only() {
    for payload in [simple, math] {
        for metric in ["Bounce", "Complaint"] {
            let decision = decide(&payload(&name(metric, "Warning"), "ALARM", "OK"));
            let AlarmDecision::Notify { alarm } = &decision else {
                panic!("{metric}: {decision}");
            };
            assert_eq!(alarm.kind().severity(), Severity::Warning);
            assert!(!decision.pauses());
            assert_eq!(
                decision.notify(),
                [NotifyTarget::AdminEmail, NotifyTarget::PlatformTopics]
            );
        }
    }
}

#[test]
fn spec8_ok_and_insufficient_data_transitions_are_ignored() {
    for payload in [simple, math] {
        for (_, alarm_name) in AlarmNames::for_instance(&InstanceId::parse(INSTANCE).unwrap()).all()
        {
            for (new, old) in [
                ("OK", "ALARM"),
                ("OK", "INSUFFICIENT_DATA"),
                ("INSUFFICIENT_DATA", "OK"),
                ("INSUFFICIENT_DATA", "ALARM"),
            ] {
                let decision = decide(&payload(alarm_name.as_str(), new, old));
                let AlarmDecision::Ignore(IgnoreReason::NotAlarm { state }) = &decision else {
                    panic!("{alarm_name} {old}->{new}: {decision}");
                };
                assert_eq!(state.as_str(), new);
                assert!(decision.notify().is_empty());
            }
        }
    }
}

#[test]
fn spec8_unknown_alarm_names_are_ignored() {
    for alarm_name in [
        "SES-BounceRate-Critical-Identity-agency.example.gov",
        "SES-ComplaintRate-Critical-Identity-agency.example.gov",
        "csb-aws-ses-x-bouncerate-critical",
        "my-own-alarm",
    ] {
        let decision = decide(&simple(alarm_name, "ALARM", "OK"));
        assert!(
            matches!(
                decision,
                AlarmDecision::Ignore(IgnoreReason::UnknownAlarm { .. })
            ),
            "{alarm_name}: {decision}"
        );
    }
}

#[test]
fn spec8_alarms_of_other_accounts_and_regions_are_ignored() {
    let critical = name("Bounce", "Critical");
    let other_account = simple(&critical, "ALARM", "OK").replace(ACCOUNT, "999988887777");
    assert!(matches!(
        decide(&other_account),
        AlarmDecision::Ignore(IgnoreReason::OtherAccount { .. })
    ));
    // The body claims our account but the ARN says otherwise.
    let mut v: serde_json::Value = serde_json::from_str(&simple(&critical, "ALARM", "OK")).unwrap();
    v["AlarmArn"] = json!(format!(
        "arn:aws-us-gov:cloudwatch:{REGION}:999988887777:alarm:{critical}"
    ));
    assert!(matches!(
        decide(&v.to_string()),
        AlarmDecision::Ignore(IgnoreReason::OtherAccount { .. })
    ));
    v["AlarmArn"] = json!(format!(
        "arn:aws-us-gov:cloudwatch:us-gov-east-1:{ACCOUNT}:alarm:{critical}"
    ));
    let d = decide(&v.to_string());
    assert!(
        matches!(d, AlarmDecision::Ignore(IgnoreReason::OtherRegion { .. })),
        "{d}"
    );
    assert_eq!(
        d.to_string(),
        "ignore: alarm is from region \"us-gov-east-1\", not the broker's"
    );
    v["AlarmArn"] = json!(format!(
        "arn:aws-us-gov:cloudwatch:{REGION}:{ACCOUNT}:alarm:other"
    ));
    assert!(matches!(
        decide(&v.to_string()),
        AlarmDecision::Ignore(IgnoreReason::InconsistentArn { .. })
    ));
    v["AlarmArn"] = json!("not an arn");
    assert!(matches!(
        decide(&v.to_string()),
        AlarmDecision::Ignore(IgnoreReason::InconsistentArn { .. })
    ));
    // Without an ARN only the account is checked.
    v.as_object_mut().unwrap().remove("AlarmArn");
    assert!(decide(&v.to_string()).pauses());
}

#[test]
fn alarm_whose_dimension_names_another_set_is_ignored() {
    let payload = simple(&name("Bounce", "Critical"), "ALARM", "OK").replace(
        &format!("\"value\":\"{SET}\""),
        "\"value\":\"csb-aws-ses-someone-else\"",
    );
    let d = decide(&payload);
    assert!(
        matches!(
            d,
            AlarmDecision::Ignore(IgnoreReason::OtherConfigurationSet { .. })
        ),
        "{d}"
    );
}

#[test]
fn alarm_payload_details_are_read() {
    let alarm =
        AlarmNotification::from_json(&math(&name("Bounce", "Critical"), "ALARM", "OK")).unwrap();
    assert_eq!(alarm.description(), None);
    assert_eq!(alarm.new_state(), AlarmState::Alarm);
    assert_eq!(alarm.old_state(), Some(AlarmState::Ok));
    assert_eq!(alarm.region_name(), Some("AWS GovCloud (US-West)"));
    assert_eq!(alarm.alarm_actions().len(), 1);
    let t = alarm.state_change_time().unwrap();
    assert_eq!((t.unix_timestamp(), t.millisecond()), (1_796_017_212, 345));
    let trigger = alarm.trigger();
    assert_eq!(trigger.shape(), TriggerShape::MetricMath);
    assert_eq!(trigger.metrics()[0].return_data(), Some(true));
    assert_eq!(trigger.metrics()[1].return_data(), Some(false));
    assert_eq!(
        trigger.metrics()[0].expression(),
        Some("IF(m1 >= 0.04, 1, 0)")
    );
    assert_eq!(
        trigger
            .dimension_values("ConfigurationSetName")
            .collect::<Vec<_>>(),
        [SET]
    );
    assert_eq!(trigger.threshold(), Some(1.0));

    let alarm = AlarmNotification::from_json(&simple(&name("Complaint", "Warning"), "OK", "ALARM"))
        .unwrap();
    let trigger = alarm.trigger();
    assert_eq!(trigger.shape(), TriggerShape::SingleMetric);
    assert_eq!(
        trigger.metric().unwrap().name(),
        Some("Reputation.ComplaintRate")
    );
    assert_eq!(trigger.metric().unwrap().namespace(), Some("AWS/SES"));
    assert_eq!(
        trigger
            .dimension_values("ses:configuration-set")
            .collect::<Vec<_>>(),
        [SET]
    );
    assert_eq!(trigger.period(), Some(300));
    assert_eq!(trigger.statistic(), Some("AVERAGE"));
}

#[test]
fn reference_payload_of_the_deployed_critical_alarm_pauses() {
    // reference/reputation-sns.md §3.4, verbatim shape: metric math, ConfigurationSetName.
    let payload = r#"{
      "AlarmName": "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical",
      "AlarmDescription": "Critical: bounce rate for this SES identity exceeded 4%.",
      "AWSAccountId": "111122223333",
      "AlarmConfigurationUpdatedTimestamp": "2026-11-02T14:00:03.120+0000",
      "NewStateValue": "ALARM",
      "NewStateReason": "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (30/11/26 05:35:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).",
      "StateChangeTime": "2026-11-30T05:40:12.345+0000",
      "Region": "AWS GovCloud (US-West)",
      "AlarmArn": "arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical",
      "OldStateValue": "OK",
      "OKActions": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications"],
      "AlarmActions": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications"],
      "InsufficientDataActions": [],
      "Trigger": {
        "Period": 300, "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Threshold": 1.0, "TreatMissingData": "missing", "EvaluateLowSampleCountPercentile": "",
        "Metrics": [
          { "Expression": "IF(m1 >= 0.04, 1, 0)", "Id": "critical_e1", "Label": "BounceRateAbove5", "ReturnData": true },
          { "Id": "m1", "MetricStat": { "Metric": {
              "Dimensions": [ { "value": "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "ConfigurationSetName" } ],
              "MetricName": "BounceRate", "Namespace": "AWS/SES" }, "Period": 300, "Stat": "Average" },
            "ReturnData": false }
        ]
      }
    }"#;
    let d = decide(payload);
    assert_eq!(
        d.to_string(),
        format!("pause sending on configuration set {SET}: bounce critical alarm entered ALARM")
    );
}

#[test]
fn unrelated_cloudwatch_payload_is_ignored() {
    // The shape of AWS's single-metric sample event, for an alarm that is not ours.
    let payload = r#"{"AlarmName":"EC2 High CPU","AlarmDescription":"cpu","AWSAccountId":"111122223333",
      "NewStateValue":"ALARM","NewStateReason":"Threshold Crossed","StateChangeTime":"2026-11-30T05:00:00.000+0000",
      "Region":"US East (N. Virginia)","OldStateValue":"OK",
      "Trigger":{"MetricName":"CPUUtilization","Namespace":"AWS/EC2","StatisticType":"Statistic","Statistic":"AVERAGE",
      "Unit":null,"Dimensions":[{"value":"i-0123","name":"InstanceId"}],"Period":300,"EvaluationPeriods":1,
      "ComparisonOperator":"GreaterThanThreshold","Threshold":80.0,"TreatMissingData":"","EvaluateLowSampleCountPercentile":""}}"#;
    let d = decide(payload);
    assert_eq!(
        d.to_string(),
        "ignore: alarm \"EC2 High CPU\" is not a reputation alarm of this broker"
    );
}

#[test]
fn unreadable_notifications_are_errors_not_panics() {
    for bad in [
        "",
        "null",
        "[1]",
        "{\"AlarmName\":\"x\"}",
        "{\"AlarmName\":\"x\",\"AWSAccountId\":\"1\",\"NewStateValue\":\"BAD\"}",
    ] {
        assert!(AlarmNotification::from_json(bad).is_err(), "{bad:?}");
    }
}

proptest! {
    #[test]
    fn from_json_never_panics(text in any::<String>()) {
        if let Ok(alarm) = AlarmNotification::from_json(&text) {
            let _ = alarm.decide_unverified(&account(), &region());
        }
    }

    #[test]
    fn arbitrary_field_values_never_panic(
        name in "\\PC{0,80}", state in "(OK|ALARM|INSUFFICIENT_DATA|\\PC{0,5})",
        arn in "\\PC{0,100}", dimension in "\\PC{0,70}", return_data in any::<bool>()
    ) {
        let payload = json!({
            "AlarmName": name, "AWSAccountId": ACCOUNT, "NewStateValue": state, "AlarmArn": arn,
            "Trigger": {"Dimensions": [{"name": "ses:configuration-set", "value": dimension}],
                        "Metrics": [{"ReturnData": return_data}, 7, null]}
        });
        if let Ok(alarm) = AlarmNotification::from_json(&payload.to_string()) {
            let _ = alarm.decide_unverified(&account(), &region()).to_string();
        }
    }

    #[test]
    fn every_generated_critical_name_pauses_its_own_set(id in "[A-Za-z0-9_-]{1,52}", kind in 0_usize..4) {
        let instance = InstanceId::parse(&id).unwrap();
        let kind: AlarmKind = AlarmKind::ALL[kind];
        let alarm_name = AlarmNames::for_instance(&instance).name(kind).to_string();
        let json = json!({"AlarmName": alarm_name, "AWSAccountId": ACCOUNT, "NewStateValue": "ALARM"});
        let decision = decide(&json.to_string());
        match kind.severity() {
            Severity::Critical => {
                let AlarmDecision::PauseSending { configuration_set, .. } = decision else {
                    panic!("{decision}");
                };
                prop_assert_eq!(configuration_set, ConfigurationSetName::for_instance(&instance));
            }
            _ => {
                let notifies = matches!(decision, AlarmDecision::Notify { .. });
                prop_assert!(notifies);
            }
        }
    }
}

/// The quickstart story: a tenant's daily counts cross the thresholds, the critical alarm
/// arrives, and the decision pauses the tenant's configuration set.
#[test]
fn quickstart_rate_series_alarm_and_decision() {
    let thresholds = Thresholds::cloud_gov();
    let instance: InstanceId = INSTANCE.parse().unwrap();
    // (sent, bounces, complaints) per day.
    let days = [
        (10_000, 150, 2),
        (10_000, 200, 3),
        (10_000, 390, 4),
        (10_000, 410, 9),
    ];
    let levels: Vec<(Level, bool)> = days
        .iter()
        .map(|&(sent, bounces, complaints)| {
            let a = thresholds.assess_counts(Counts::new(sent, bounces, complaints).unwrap());
            (a.level(), a.plan(&instance).pause().is_some())
        })
        .collect();
    assert_eq!(
        levels,
        [
            (Level::Ok, false),
            (Level::Warning, false),
            (Level::Warning, false),
            (Level::Critical, true),
        ]
    );
    // CloudWatch's critical alarm fires and SNS delivers its state change.
    let message = simple(&format!("{SET}-BounceRate-Critical"), "ALARM", "OK");
    let alarm = AlarmNotification::from_json(&message).unwrap();
    let decision = alarm.decide_unverified(&account(), &region());
    assert_eq!(
        decision.to_string(),
        format!("pause sending on configuration set {SET}: bounce critical alarm entered ALARM")
    );
    // When the rate recovers the OK transition changes nothing (resuming is a human's call).
    let recovered = simple(&format!("{SET}-BounceRate-Critical"), "OK", "ALARM");
    let decision = AlarmNotification::from_json(&recovered)
        .unwrap()
        .decide_unverified(&account(), &region());
    assert_eq!(
        decision.to_string(),
        "ignore: alarm entered OK; only entering ALARM is acted on"
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Thresholds>();
    check::<ses_broker::reputation::Assessment>();
    check::<ses_broker::reputation::Plan>();
    check::<AlarmDefinition>();
    check::<AlarmNotification>();
    check::<AlarmDecision>();
    check::<ReputationError>();
    check::<ses_broker::reputation::AlarmError>();
}

#[test]
fn spec4_names_agree_with_the_instance_model() {
    use ses_broker::{BrokerConfig, Instance, ProvisionParams};
    let config = BrokerConfig::from_json(&format!(
        r#"{{"region": "{REGION}", "account_id": "{ACCOUNT}", "default_zone": "appmail.cloud.gov",
            "platform_topic_arns": ["arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-email",
                                    "arn:aws-us-gov:sns:{REGION}:{ACCOUNT}:platform-chat"]}}"#
    ))
    .unwrap();
    let params = ProvisionParams::from_json(
        r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov"}"#,
    )
    .unwrap();
    let instance = Instance::new(&config, INSTANCE.parse().unwrap(), params).unwrap();
    assert_eq!(
        &ConfigurationSetName::for_instance(instance.id()),
        instance.configuration_set_name()
    );
    let from_instance = AlarmDefinition::for_instance(&instance, &Thresholds::cloud_gov());
    assert_eq!(from_instance, alarms());
    // The alarms' own actions reach the instance's reputation topic first.
    assert_eq!(
        from_instance[0].alarm_actions()[0],
        instance.reputation_topic_arn().as_str()
    );
}
