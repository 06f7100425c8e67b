//! The test harness the AWS test binaries share: the configuration, desired states, and a
//! loop that drives a run against the fake, storing the progress and crashing on request.

use ses_broker::aws::{BindingState, Driver, InstanceState, Ledger, Next, Progress};
use ses_broker::params::Context;
use ses_broker::reputation::Thresholds;
use ses_broker::{BindParams, Binding, BrokerConfig, Instance, ProvisionParams};

use super::{ACCOUNT, Aws, PARENT_ZONE_ID};

pub(crate) const INSTANCE: &str = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
pub(crate) const BINDING: &str = "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b";

pub(crate) fn config() -> BrokerConfig {
    BrokerConfig::from_json(&format!(
        r#"{{"region": "us-gov-west-1", "account_id": "{ACCOUNT}", "default_zone": "appmail.cloud.gov",
            "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:platform-email"],
            "environment": "production",
            "broker_principal_arn": "arn:aws-us-gov:iam::{ACCOUNT}:user/ses-broker",
            "dns_account_id": "444455556666", "dns_partition": "aws",
            "parent_hosted_zone_id": "{PARENT_ZONE_ID}"}}"#
    ))
    .unwrap()
}

pub(crate) fn context() -> Context {
    Context::from_json(
        r#"{"organization_guid": "org-guid", "organization_name": "Agency", "space_guid": "space-guid", "space_name": "mail"}"#,
    )
    .unwrap()
}

pub(crate) fn instance(params: &str) -> Instance {
    Instance::new(
        &config(),
        INSTANCE.parse().unwrap(),
        ProvisionParams::from_json(params).unwrap(),
    )
    .unwrap()
}

pub(crate) fn state(params: &str) -> InstanceState {
    InstanceState::new(
        &config(),
        &instance(params),
        &context(),
        &Thresholds::cloud_gov(),
    )
    .unwrap()
}

pub(crate) const FULL: &str = r#"{"admin_email": "admin@agency.gov", "enable_feedback_notifications": true, "mail_from_subdomain": "mail"}"#;
pub(crate) const CUSTOMER: &str = r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov"}"#;

pub(crate) fn binding_state(instance_params: &str, bind: &str) -> BindingState {
    let instance = instance(instance_params);
    let plan = Binding::plan(
        &instance,
        BINDING.parse().unwrap(),
        BindParams::from_json(bind).unwrap(),
    );
    BindingState::new(&config(), &instance, &plan, &context()).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Crash {
    /// The process dies before making the call.
    BeforeCall,
    /// The call is made, the answer is lost.
    AnswerLost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Then {
    Resume,
    Rollback,
}

/// Drives to the end, storing (and round-tripping) the progress before each call and after
/// each answer; at call number `crash.0` the process dies and a new driver starts from the
/// last stored progress.
pub(crate) fn drive(
    mut driver: Driver,
    aws: &mut Aws,
    mut crash: Option<(usize, Crash, Then)>,
) -> Driver {
    let mut calls = 0;
    loop {
        let op = match driver.next_operation() {
            Next::Done => return driver,
            Next::Failed(e) => panic!("run failed: {e}\n{:?}", aws.log),
            Next::Operation(op) => op,
            _ => unreachable!(),
        };
        // What the caller stores before the call (kept only when a crash will read it).
        let stored = crash.is_some().then(|| driver.progress().clone());
        calls += 1;
        assert!(calls < 500, "runaway run: {:?}", aws.log);
        if let Some((at, how, then)) = crash
            && at == calls
        {
            if how == Crash::AnswerLost {
                let _ = aws.call(&op);
            }
            let progress: Progress =
                serde_json::from_str(&store(stored.as_ref().unwrap())).unwrap();
            driver = Driver::resume(progress);
            if then == Then::Rollback {
                driver = driver.rollback().unwrap();
            }
            crash = None;
            continue;
        }
        let answer = aws.call(&op);
        driver
            .handle_answer(answer)
            .unwrap_or_else(|e| panic!("{op}: {e}"));
        store(driver.progress());
    }
}

/// What a caller stores. (Reading it back is checked at every step by
/// `progress_round_trips_at_every_step`, and happens at every crash.)
pub(crate) fn store(progress: &Progress) -> String {
    serde_json::to_string(progress).unwrap()
}

pub(crate) fn calls_of(driver: Driver, aws: &mut Aws) -> usize {
    let before = aws.log.len();
    drive(driver, aws, None);
    aws.log.len() - before
}

/// Everything SPEC 10 lists for a generated domain with feedback and MAIL FROM, exactly
/// once.
pub(crate) fn assert_full_instance(aws: &Aws) {
    let set = format!("csb-aws-ses-{INSTANCE}");
    assert_eq!(aws.sets.len(), 1);
    let (tls, reputation, reasons, sending) = &aws.sets[&set];
    assert_eq!(
        (tls.as_str(), *reputation, *sending),
        ("REQUIRE", true, true)
    );
    assert_eq!(reasons, &["BOUNCE", "COMPLAINT"]);
    assert_eq!(aws.identities.len(), 1);
    let (domain, (default_set, _)) = aws.identities.iter().next().unwrap();
    assert_eq!(default_set, &set);
    assert_eq!(aws.mail_from[domain], format!("mail.{domain}"));
    assert_eq!(aws.live_keys(), 4);
    for key in aws.keys.values().filter(|k| !k.pending_deletion) {
        assert!(key.rotation);
        assert_eq!(key.tags, 10);
        assert!(key.description.contains(&set));
    }
    assert_eq!(aws.aliases.len(), 4);
    for key in aws.aliases.values() {
        assert!(!aws.keys[key].pending_deletion);
    }
    assert_eq!(aws.topics.len(), 4);
    for topic in aws.topics.values() {
        assert_eq!(topic.kms, format!("alias/{}", topic.name));
        assert!(
            topic
                .policy
                .as_ref()
                .unwrap()
                .contains(&format!("{}-policy", topic.name))
        );
    }
    assert_eq!(aws.destinations.len(), 3);
    assert_eq!(aws.subscriptions.len(), 1);
    assert_eq!(aws.alarms.len(), 4);
    for (description, actions) in aws.alarms.values() {
        assert!(description.contains("Agency") && description.contains("space-guid"));
        assert_eq!(actions.len(), 2);
        assert!(aws.topics.contains_key(&actions[0]));
    }
    assert_eq!(aws.zones.len(), 2);
    let zone = aws.zones.values().find(|z| z.name == *domain).unwrap();
    assert_eq!(zone.records.len(), 6);
    assert_eq!(zone.tags, 10);
    let parent = &aws.zones[PARENT_ZONE_ID];
    assert_eq!(parent.records.len(), 1);
    let (ttl, values) = &parent.records[&(domain.clone(), "NS".to_owned())];
    assert_eq!(*ttl, 30);
    assert_eq!(values, &zone.name_servers);
}

/// Provisions `old`, updates to `new`, and returns the calls of the update.
pub(crate) fn update(aws: &mut Aws, old: &str, new: &str) -> (Vec<String>, Ledger) {
    let ledger = drive(Driver::provision(state(old)), aws, None)
        .into_progress()
        .into_ledger();
    let start = aws.log.len();
    let done = drive(Driver::update(ledger, state(old), state(new)), aws, None);
    (
        aws.log[start..].to_vec(),
        done.into_progress().into_ledger(),
    )
}

/// Runs `start()` against a copy of `base` once per call it makes and per kind of crash,
/// crashing at that call and then doing `then`; `check` sees each end.
pub(crate) fn at_every_crash(
    base: &Aws,
    start: impl Fn() -> Driver,
    then: Then,
    check: impl Fn(&Aws, Driver, usize, Crash),
) {
    let total = calls_of(start(), &mut base.clone());
    for at in 1..=total {
        for how in [Crash::BeforeCall, Crash::AnswerLost] {
            let mut aws = base.clone();
            let done = drive(start(), &mut aws, Some((at, how, then)));
            check(&aws, done, at, how);
        }
    }
}
