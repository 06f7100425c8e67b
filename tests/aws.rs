//! SPEC 10: the AWS side driven end to end against an in-memory AWS: provision, update,
//! bind, unbind and deprovision, with a crash (before a call, and with its answer lost) and
//! a rollback at every step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod aws_fake;

use aws_fake::Aws;
use aws_fake::harness::{
    BINDING, CUSTOMER, FULL, INSTANCE, Then, assert_full_instance, at_every_crash, binding_state,
    calls_of, drive, state, store, update,
};
use proptest::prelude::*;
use ses_broker::aws::{
    Answer, DriveError, Driver, FailureKind, Ledger, Lifecycle, Next, Operation, Progress,
    RollbackError, Status,
};

#[test]
fn provision_creates_everything_once_and_deprovision_removes_it() {
    let mut aws = Aws::new();
    let done = drive(Driver::provision(state(FULL)), &mut aws, None);
    assert!(done.progress().is_done());
    assert_full_instance(&aws);
    let ledger = done.into_progress().into_ledger();
    drive(Driver::deprovision(ledger), &mut aws, None);
    assert!(aws.is_clean(), "{aws:#?}");
    assert_eq!(aws.keys.len(), 4);
}

#[test]
fn progress_round_trips_at_every_step() {
    let mut aws = Aws::new();
    let mut driver = Driver::provision(state(FULL));
    while let Next::Operation(op) = driver.next_operation() {
        for _ in 0..2 {
            let json = store(driver.progress());
            let back: Progress = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, driver.progress());
            assert!(!json.contains("secret"));
        }
        driver.handle_answer(aws.call(&op)).unwrap();
    }
    assert!(driver.progress().is_done());
}

#[test]
fn deprovision_deletes_in_an_order_aws_accepts() {
    let mut aws = Aws::new();
    let ledger = drive(Driver::provision(state(FULL)), &mut aws, None)
        .into_progress()
        .into_ledger();
    let start = aws.log.len();
    drive(Driver::deprovision(ledger), &mut aws, None);
    let log = &aws.log[start..];
    let first = |name: &str| log.iter().position(|l| l.ends_with(name)).unwrap();
    let last = |name: &str| log.iter().rposition(|l| l.ends_with(name)).unwrap();
    assert!(last("Unsubscribe") < first("DeleteTopic"));
    assert!(last("DeleteConfigurationSet") < first("DeleteTopic"));
    assert!(last("DeleteTopic") < first("ScheduleKeyDeletion"));
    assert!(last("ChangeResourceRecordSets") < first("DeleteHostedZone"));
    // Event destinations go with their configuration set: no v1 delete, which moto lacks.
    assert!(
        !log.iter()
            .any(|l| l.ends_with("DeleteConfigurationSetEventDestination"))
    );
}

#[test]
fn a_crash_at_any_step_resumes_to_the_same_end_state() {
    let start = || Driver::provision(state(FULL));
    at_every_crash(&Aws::new(), start, Then::Resume, |aws, _, _, _| {
        assert_full_instance(aws);
    });
}

#[test]
fn a_rollback_at_any_step_leaves_nothing_behind() {
    let start = || Driver::provision(state(FULL));
    at_every_crash(&Aws::new(), start, Then::Rollback, |aws, _, at, how| {
        assert!(aws.is_clean(), "rollback at {at} ({how:?}) left {aws:#?}");
    });
}

#[test]
fn deprovision_crashing_at_any_step_still_finishes() {
    let mut base = Aws::new();
    let ledger = drive(Driver::provision(state(FULL)), &mut base, None)
        .into_progress()
        .into_ledger();
    let start = || Driver::deprovision(ledger.clone());
    at_every_crash(&base, start, Then::Resume, |aws, _, _, _| {
        assert!(aws.is_clean());
    });
    let rolled = Driver::deprovision(ledger).rollback();
    assert!(matches!(
        rolled,
        Err(RollbackError::Irreversible(Lifecycle::Deprovision))
    ));
}

#[test]
fn deprovision_of_what_is_already_gone_succeeds() {
    let mut aws = Aws::new();
    let ledger = drive(Driver::provision(state(FULL)), &mut aws, None)
        .into_progress()
        .into_ledger();
    drive(Driver::deprovision(ledger.clone()), &mut aws, None);
    // Everything answers "not found" now: still success.
    drive(Driver::deprovision(ledger), &mut aws, None);
    assert!(aws.is_clean());
}

#[test]
fn an_update_that_changes_nothing_makes_no_call() {
    let (calls, _) = update(&mut Aws::new(), FULL, FULL);
    assert!(calls.is_empty(), "{calls:?}");
}

#[test]
fn turning_feedback_on_creates_only_the_feedback_resources() {
    let off = r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov"}"#;
    let on = r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov", "enable_feedback_notifications": true}"#;
    let mut aws = Aws::new();
    let (calls, ledger) = update(&mut aws, off, on);
    let count = |n: &str| calls.iter().filter(|c| c.ends_with(n)).count();
    assert_eq!(count("CreateKey"), 3);
    assert_eq!(count("CreateTopic"), 3);
    assert_eq!(count("CreateConfigurationSetEventDestination"), 3);
    assert_eq!(calls.len(), 3 * 6, "{calls:?}");
    assert_eq!(
        (aws.topics.len(), aws.destinations.len(), aws.live_keys()),
        (4, 3, 4)
    );
    // And off again: the destinations one by one (the set stays), topics, aliases, keys.
    let start = aws.log.len();
    drive(
        Driver::update(ledger, state(on), state(off)),
        &mut aws,
        None,
    );
    let calls = &aws.log[start..];
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.ends_with("DeleteConfigurationSetEventDestination"))
            .count(),
        3
    );
    assert_eq!(
        (
            aws.topics.len(),
            aws.destinations.len(),
            aws.live_keys(),
            aws.aliases.len()
        ),
        (1, 0, 1, 1)
    );
    assert_eq!(aws.sets.len(), 1);
}

#[test]
fn moving_admin_email_moves_the_subscription_and_rewrites_the_alarms() {
    let new = FULL.replace("admin@agency.gov", "ops@agency.gov");
    let mut aws = Aws::new();
    let (calls, _) = update(&mut aws, FULL, &new);
    assert_eq!(calls[0], "sns:Unsubscribe");
    assert_eq!(calls[1], "sns:Subscribe");
    assert_eq!(calls[2..6], ["cloudwatch:PutMetricAlarm"; 4], "{calls:?}");
    // The DMARC record of the generated domain reports to the admin email: it moves too.
    assert_eq!(
        calls[6..],
        ["route53:ChangeResourceRecordSets"],
        "{calls:?}"
    );
    let (_, (_, endpoint)) = aws
        .subscriptions
        .iter()
        .map(|(a, (t, _, e))| (a, (t, e)))
        .next()
        .unwrap();
    assert_eq!(endpoint, "ops@agency.gov");
    assert!(
        aws.alarms
            .values()
            .all(|(d, _)| d.contains("ops@agency.gov"))
    );
}

#[test]
fn mail_from_added_changed_and_removed_touches_only_its_attribute_and_records() {
    let none = r#"{"admin_email": "admin@agency.gov"}"#;
    let mail = r#"{"admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#;
    let bounce = r#"{"admin_email": "admin@agency.gov", "mail_from_subdomain": "bounce"}"#;
    let mut aws = Aws::new();
    let (calls, ledger) = update(&mut aws, none, mail);
    // The attribute, the SPF record moving from D to mail.D, and the MX.
    assert_eq!(calls[0], "route53:ChangeResourceRecordSets"); // delete SPF at D
    assert!(calls.contains(&"ses:SetIdentityMailFromDomain".to_owned()));
    assert_eq!(calls.len(), 4, "{calls:?}");
    let zone = |aws: &Aws| {
        aws.zones
            .values()
            .find(|z| z.name.starts_with("ses-"))
            .unwrap()
            .clone()
    };
    let domain = zone(&aws).name;
    assert!(
        zone(&aws)
            .records
            .contains_key(&(format!("mail.{domain}"), "MX".to_owned()))
    );
    let start = aws.log.len();
    let ledger = drive(
        Driver::update(ledger, state(mail), state(bounce)),
        &mut aws,
        None,
    )
    .into_progress()
    .into_ledger();
    assert_eq!(aws.log.len() - start, 5, "{:?}", &aws.log[start..]);
    assert_eq!(aws.mail_from[&domain], format!("bounce.{domain}"));
    assert_eq!(zone(&aws).records.len(), 6);
    drive(
        Driver::update(ledger, state(bounce), state(none)),
        &mut aws,
        None,
    );
    assert!(aws.mail_from.is_empty());
    assert_eq!(zone(&aws).records.len(), 5);
}

#[test]
fn an_update_rolled_back_at_any_step_returns_to_the_old_state() {
    let old = r#"{"admin_email": "admin@agency.gov"}"#;
    let mut base = Aws::new();
    let ledger = drive(Driver::provision(state(old)), &mut base, None)
        .into_progress()
        .into_ledger();
    let start = || Driver::update(ledger.clone(), state(old), state(FULL));
    at_every_crash(&base, start, Then::Rollback, |aws, done, _, _| {
        assert_eq!(aws.topics.len(), 1);
        assert_eq!(aws.live_keys(), 1);
        assert!(aws.mail_from.is_empty() && aws.destinations.is_empty());
        let records: usize = aws.zones.values().map(|z| z.records.len()).sum();
        assert_eq!(records, 6);
        // Nothing more to do towards the old state.
        let again = Driver::update(done.into_progress().into_ledger(), state(FULL), state(old));
        assert_eq!(calls_of(again, &mut aws.clone()), 0);
    });
}

#[test]
fn bind_and_unbind_crash_anywhere_leave_one_key_or_none() {
    let bind = r#"{"notification_email": "ops@agency.gov", "notification_webhook": "https://hooks.agency.gov/ses", "source_ips": ["203.0.113.0/24"]}"#;
    let mut base = Aws::new();
    drive(Driver::provision(state(FULL)), &mut base, None);
    let start = || Driver::bind(binding_state(FULL, bind));
    at_every_crash(&base, start, Then::Resume, |aws, done, at, how| {
        let user = &aws.users[&format!("csb-aws-ses-{BINDING}")];
        assert_eq!(user.keys.len(), 1, "crash at {at} {how:?}: {:?}", aws.log);
        assert_eq!(user.keys[0], done.access_key().unwrap().id().as_str());
        assert_eq!((user.path.as_str(), user.tags), ("/cf/", 10));
        assert!(user.policy.as_ref().unwrap().contains("aws:SourceIp"));
        assert_eq!(aws.subscriptions.len(), 1 + 6);
        let mut unbound = aws.clone();
        drive(
            Driver::unbind(done.into_progress().into_ledger()),
            &mut unbound,
            None,
        );
        assert!(unbound.users.is_empty());
        assert_eq!(unbound.subscriptions.len(), 1);
    });
    at_every_crash(&base, start, Then::Rollback, |aws, _, at, _| {
        assert!(
            aws.users.is_empty() && aws.subscriptions.len() == 1,
            "rollback at {at}"
        );
    });
}

#[test]
fn a_finished_bind_resumed_without_its_secret_replaces_the_key() {
    let mut aws = Aws::new();
    let provision = drive(Driver::provision(state(FULL)), &mut aws, None);
    let done = drive(Driver::bind(binding_state(FULL, "{}")), &mut aws, None);
    let first = done.access_key().unwrap().id().clone();
    let stored = store(done.progress());
    assert!(!stored.contains(done.access_key().unwrap().secret().expose_secret()));
    // The process died before the bind response went out: the secret is gone.
    let start = aws.log.len();
    let resumed = drive(
        Driver::resume(serde_json::from_str(&stored).unwrap()),
        &mut aws,
        None,
    );
    assert_eq!(
        aws.log[start..],
        [
            "iam:DeleteAccessKey",
            "iam:ListAccessKeys",
            "iam:CreateAccessKey"
        ]
    );
    let second = resumed.access_key().unwrap().id();
    assert_ne!(second, &first);
    assert_eq!(
        aws.users[&format!("csb-aws-ses-{BINDING}")].keys,
        [second.as_str()]
    );
    // A finished provision resumed has nothing to do.
    let again = Driver::resume(provision.into_progress());
    assert_eq!(calls_of(again, &mut aws), 0);
}

#[test]
fn a_rollback_is_refused_twice_and_for_deletions() {
    let rolled = Driver::provision(state(FULL)).rollback().unwrap();
    assert!(matches!(
        rolled.rollback(),
        Err(RollbackError::AlreadyRollingBack(Lifecycle::Provision))
    ));
    let unbind = Driver::unbind(ses_broker::aws::Ledger::new()).rollback();
    assert_eq!(
        unbind.unwrap_err().to_string(),
        "the unbind cannot be rolled back: what it deleted cannot be restored as it was; resume it instead"
    );
}

/// Whether sending is enabled on the instance's configuration set in `aws`.
fn sending(aws: &Aws) -> bool {
    aws.sets[&format!("csb-aws-ses-{INSTANCE}")].3
}

/// The calls `aws` answered since `start`.
fn since(aws: &Aws, start: usize) -> Vec<&str> {
    aws.log[start..].iter().map(String::as_str).collect()
}

/// What the ledger a run ended with records about sending.
fn recorded(driver: Driver) -> Option<bool> {
    driver.into_progress().into_ledger().sending_enabled()
}

fn provisioned(aws: &mut Aws, params: &str) -> Ledger {
    drive(Driver::provision(state(params)), aws, None)
        .into_progress()
        .into_ledger()
}

fn paused(aws: &mut Aws, ledger: Ledger) -> Ledger {
    drive(Driver::pause_sending(ledger), aws, None)
        .into_progress()
        .into_ledger()
}

const PAUSE: &str = "sesv2:PutConfigurationSetSendingOptions";

#[test]
fn a_pause_disables_sending_and_an_enable_turns_it_back_on() {
    let mut aws = Aws::new();
    let ledger = provisioned(&mut aws, FULL);
    assert!(sending(&aws));
    assert_eq!(ledger.sending_enabled(), None);

    let start = aws.log.len();
    let driver = drive(Driver::pause_sending(ledger.clone()), &mut aws, None);
    assert_eq!(since(&aws, start), [PAUSE]);
    assert!(!sending(&aws));
    assert_eq!(driver.progress().lifecycle(), Lifecycle::PauseSending);
    assert_eq!(driver.progress().lifecycle().to_string(), "pause_sending");
    let after = driver.into_progress().into_ledger();
    assert_eq!(after.sending_enabled(), Some(false));
    // Nothing else in the ledger moved: one entry more.
    assert_eq!(after.len(), ledger.len() + 1);
    assert!(ledger.iter().all(|r| after.iter().any(|a| a == r)));

    let start = aws.log.len();
    let driver = drive(Driver::enable_sending(after), &mut aws, None);
    assert_eq!(since(&aws, start), [PAUSE]);
    assert!(sending(&aws));
    assert_eq!(driver.progress().lifecycle(), Lifecycle::EnableSending);
    assert_eq!(recorded(driver), Some(true));
}

#[test]
fn pausing_twice_is_harmless_and_calls_aws_even_when_the_ledger_says_paused() {
    let mut aws = Aws::new();
    let ledger = provisioned(&mut aws, CUSTOMER);
    let ledger = paused(&mut aws, ledger);
    let ledger = paused(&mut aws, ledger);
    assert!(!sending(&aws));
    assert_eq!(ledger.sending_enabled(), Some(false));
    // Sending re-enabled outside the broker: the ledger's record is stale, and a pause
    // still pauses.
    aws.sets.values_mut().for_each(|set| set.3 = true);
    let start = aws.log.len();
    let ledger = paused(&mut aws, ledger);
    assert_eq!(since(&aws, start), [PAUSE]);
    assert!(!sending(&aws));
    assert_eq!(ledger.sending_enabled(), Some(false));
}

#[test]
fn a_pause_crashing_at_any_step_still_pauses_and_a_finished_one_is_not_repeated() {
    let mut base = Aws::new();
    let ledger = provisioned(&mut base, FULL);
    let start = || Driver::pause_sending(ledger.clone());
    at_every_crash(&base, start, Then::Resume, |aws, done, _, _| {
        assert!(!sending(aws));
        assert_eq!(recorded(done), Some(false));
    });
    let finished = drive(Driver::pause_sending(ledger), &mut base, None).into_progress();
    let stored: Progress = serde_json::from_str(&store(&finished)).unwrap();
    assert_eq!(stored, finished);
    assert_eq!(calls_of(Driver::resume(stored), &mut base), 0);
}

#[test]
fn a_pause_without_a_configuration_set_fails_before_any_call() {
    let mut aws = Aws::new();
    // An empty ledger, and a binding's (a ledger handed to the wrong run).
    let binding = drive(Driver::bind(binding_state(FULL, "{}")), &mut aws, None)
        .into_progress()
        .into_ledger();
    for ledger in [Ledger::new(), binding] {
        for mut driver in [
            Driver::pause_sending(ledger.clone()),
            Driver::enable_sending(ledger),
        ] {
            let next = driver.next_operation();
            assert_eq!(
                next,
                Next::Failed(DriveError::MissingDependency("configuration set"))
            );
            assert_eq!(
                driver.progress().status(),
                &Status::Failed(
                    "the ledger has no configuration set, which this step needs".to_owned()
                )
            );
            assert_eq!(
                driver.handle_answer(Answer::done()),
                Err(DriveError::NothingOutstanding)
            );
        }
    }
}

#[test]
fn a_pause_of_a_set_gone_from_aws_stops_and_says_which() {
    let mut aws = Aws::new();
    let ledger = provisioned(&mut aws, CUSTOMER);
    aws.sets.clear();
    let mut driver = Driver::pause_sending(ledger);
    let Next::Operation(op) = driver.next_operation() else {
        panic!("no operation");
    };
    let error = driver.handle_answer(aws.call(&op)).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{PAUSE}: configuration set csb-aws-ses-{INSTANCE} does not exist")
    );
    assert_eq!(driver.next_operation(), Next::Failed(error));
}

#[test]
fn a_pause_or_an_enable_is_not_rolled_back() {
    let mut aws = Aws::new();
    let ledger = provisioned(&mut aws, CUSTOMER);
    for (driver, lifecycle) in [
        (
            Driver::pause_sending(ledger.clone()),
            Lifecycle::PauseSending,
        ),
        (Driver::enable_sending(ledger), Lifecycle::EnableSending),
    ] {
        let refused = driver.rollback().unwrap_err();
        assert_eq!(refused, RollbackError::SendingSwitch(lifecycle));
        assert!(
            refused
                .to_string()
                .contains(&format!("the {lifecycle} cannot"))
        );
    }
}

/// SPEC 10: an update never re-enables sending. Each thing an update changes, from a
/// paused instance, with a crash at every step and then a resume or a rollback: AWS stays
/// paused, the ledger keeps the pause, and no operation handed out re-enables sending.
#[test]
fn an_update_never_re_enables_sending() {
    let off = r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov"}"#;
    let on = r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov", "enable_feedback_notifications": true, "mail_from_subdomain": "mail"}"#;
    let moved = r#"{"domain": "agency.gov", "admin_email": "other@agency.gov", "enable_feedback_notifications": true, "mail_from_subdomain": "bounce"}"#;
    for (old, new) in [(off, on), (on, off), (on, moved), (off, off)] {
        let mut base = Aws::new();
        let ledger = provisioned(&mut base, old);
        let ledger = paused(&mut base, ledger);
        let start = || Driver::update(ledger.clone(), state(old), state(new));
        // Every operation handed out, looked at before AWS sees it.
        let mut driver = start();
        let mut aws = base.clone();
        while let Next::Operation(op) = driver.next_operation() {
            assert!(
                !matches!(op, Operation::PutConfigurationSetSendingOptions(_)),
                "{op}"
            );
            driver.handle_answer(aws.call(&op)).unwrap();
        }
        assert_eq!(driver.next_operation(), Next::Done);
        for then in [Then::Resume, Then::Rollback] {
            at_every_crash(&base, start, then, |aws, done, at, how| {
                assert!(
                    !sending(aws),
                    "{then:?} at {at} ({how:?}) re-enabled sending"
                );
                assert!(!aws.log.iter().skip(base.log.len()).any(|l| l == PAUSE));
                assert_eq!(recorded(done), Some(false));
            });
        }
    }
}

#[test]
fn deprovision_of_a_paused_instance_leaves_nothing_and_switches_nothing() {
    let mut aws = Aws::new();
    let ledger = provisioned(&mut aws, FULL);
    let ledger = paused(&mut aws, ledger);
    let start = aws.log.len();
    drive(Driver::deprovision(ledger), &mut aws, None);
    assert!(aws.is_clean(), "{aws:#?}");
    assert!(!since(&aws, start).contains(&PAUSE));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random throttles, timeouts after the call took effect, crashes and a final
    /// rollback or not: the end state is always exact.
    #[test]
    fn any_mix_of_failures_ends_exact(
        faults in proptest::collection::vec(0u8..8, 60),
        rollback in any::<bool>(),
    ) {
        let mut aws = Aws::new();
        let mut driver = Driver::provision(state(FULL));
        let mut step = 0;
        loop {
            let op = match driver.next_operation() {
                Next::Done => break,
                Next::Operation(op) => op,
                other => panic!("{other:?}"),
            };
            let fault = faults.get(step).copied().unwrap_or(0);
            let stored = (fault == 3).then(|| store(driver.progress()));
            step += 1;
            prop_assert!(step < 1000);
            match fault {
                1 => driver.handle_answer(Answer::failed(FailureKind::Throttling, "Throttling", "")).unwrap(),
                2 => {
                    let _ = aws.call(&op);
                    driver.handle_answer(Answer::failed(FailureKind::Transient, "Timeout", "")).unwrap();
                }
                3 => {
                    let _ = aws.call(&op);
                    driver = Driver::resume(serde_json::from_str(&stored.unwrap()).unwrap());
                }
                _ => driver.handle_answer(aws.call(&op)).unwrap(),
            }
        }
        assert_full_instance(&aws);
        if rollback {
            let ledger = driver.into_progress().into_ledger();
            drive(Driver::deprovision(ledger), &mut aws, None);
            prop_assert!(aws.is_clean());
        }
    }
}
