//! Crash safety against the stand-in: for every k, a provision, a bind and a deprovision
//! die right after their k-th AWS call answers (AWS made the change, the database does
//! not know), the broker restarts on the same SQLite file, takes the operation over once
//! its lease has passed, and the test checks the end: `last_operation` succeeded, and AWS
//! holds exactly what an uninterrupted run leaves (nothing orphaned, nothing twice).
//!
//! The "death" is the runtime being dropped with every task in it, the in-process twin of
//! `kill -9` (the emulator test kills a real process the same way, with
//! `--crash-after-aws-calls`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "a failed assertion is how a test reports; the table of steps is printed"
)]

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use ses_broker::aws::{Answer, Operation};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::aws::Aws;
use ses_broker_server::config::DEMO;
use ses_broker_server::memory::{InMemoryAws, World};

use support::local::{Local, stand_in};

const INSTANCE: &str = "/v2/service_instances/crash-1";
const BINDING: &str = "/v2/service_instances/crash-1/service_bindings/b-1";

/// The stand-in behind a switch: once `dead`, every call hangs (the process is gone) right
/// after the `crash_at`-th call answered.
struct Mortal {
    aws: InMemoryAws,
    calls: AtomicU64,
    crash_at: AtomicU64,
    dead: AtomicBool,
    log: Mutex<Vec<String>>,
}

impl Aws for Mortal {
    async fn call(&self, operation: &Operation) -> Answer {
        if self.dead.load(Ordering::SeqCst) {
            return std::future::pending().await;
        }
        let answer = self.aws.call(operation).await;
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.log.lock().unwrap().push(operation.to_string());
        if n == self.crash_at.load(Ordering::SeqCst) {
            self.dead.store(true, Ordering::SeqCst);
            // The answer never reaches the broker.
            return std::future::pending().await;
        }
        answer
    }

    fn describe(&self) -> String {
        "a stand-in that dies on cue".to_owned()
    }
}

fn mortal(config: &BrokerConfig) -> Arc<Mortal> {
    Arc::new(Mortal {
        aws: stand_in(config),
        calls: AtomicU64::new(0),
        crash_at: AtomicU64::new(0),
        dead: AtomicBool::new(false),
        log: Mutex::new(Vec::new()),
    })
}

/// What AWS holds, as counts and names that a duplicate or an orphan would change (ids
/// AWS chooses, such as key ids, are left out: a resumed run may choose others).
fn fingerprint(world: &World) -> BTreeMap<String, Value> {
    let mut print = BTreeMap::new();
    print.insert(
        "configuration sets".to_owned(),
        json!(world.configuration_sets.keys().collect::<Vec<_>>()),
    );
    print.insert(
        "identities".to_owned(),
        json!(world.identities.keys().collect::<Vec<_>>()),
    );
    print.insert(
        "aliases".to_owned(),
        json!(world.aliases.keys().collect::<Vec<_>>()),
    );
    print.insert(
        "live keys".to_owned(),
        json!(
            world
                .keys
                .values()
                .filter(|k| k.state != "PendingDeletion")
                .count()
        ),
    );
    print.insert(
        "topics".to_owned(),
        json!(world.topics.keys().collect::<Vec<_>>()),
    );
    print.insert("subscriptions".to_owned(), json!(world.subscriptions.len()));
    print.insert(
        "alarms".to_owned(),
        json!(world.alarms.keys().collect::<Vec<_>>()),
    );
    print.insert(
        "zones".to_owned(),
        json!(
            world
                .zones
                .values()
                .map(|z| (z.name.clone(), z.records.len()))
                .collect::<Vec<_>>()
        ),
    );
    print.insert(
        "users".to_owned(),
        json!(
            world
                .users
                .iter()
                .map(|(name, u)| (
                    name,
                    u.policies.keys().collect::<Vec<_>>(),
                    u.access_keys.len()
                ))
                .collect::<Vec<_>>()
        ),
    );
    print
}

/// A one-line summary of a fingerprint for the printed table.
fn counts(world: &World) -> String {
    format!(
        "{} sets, {} identities, {} live keys, {} topics, {} subscriptions, {} alarms, {} users, {} access keys",
        world.configuration_sets.len(),
        world.identities.len(),
        world
            .keys
            .values()
            .filter(|k| k.state != "PendingDeletion")
            .count(),
        world.topics.len(),
        world.subscriptions.len(),
        world.alarms.len(),
        world.users.len(),
        world
            .users
            .values()
            .map(|u| u.access_keys.len())
            .sum::<usize>(),
    )
}

fn provision_body() -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
           "space_guid": "s", "context": {"platform": "cloudfoundry", "organization_name": "org",
           "space_name": "space"},
           "parameters": {"domain": "crash.example.gov", "admin_email": "admin@example.gov", "enable_feedback_notifications": true}})
}

fn bind_body() -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
           "parameters": {"notification_webhook": "https://hooks.example.com/ses"}})
}

/// One lifecycle step, asynchronous, and what must be true before it.
#[derive(Clone, Copy, Debug)]
enum Step {
    Provision,
    Bind,
    Deprovision,
}

impl Step {
    /// Runs what comes before the step (without crashing).
    fn prepare(self, local: &Local<Arc<Mortal>>) {
        if matches!(self, Self::Bind | Self::Deprovision) {
            let response = local.call("PUT", INSTANCE, Some(&provision_body()));
            assert_eq!(response.status, 201, "{}", response.body);
        }
        if matches!(self, Self::Deprovision) {
            let response = local.call("PUT", BINDING, Some(&bind_body()));
            assert_eq!(response.status, 201, "{}", response.body);
            let query = format!("?service_id={SERVICE_ID}&plan_id={PLAN_ID}");
            let response = local.call("DELETE", &format!("{BINDING}{query}"), None);
            assert_eq!(response.status, 200, "{}", response.body);
        }
    }

    /// Starts the step asynchronously; the path to poll.
    fn start(self, local: &Local<Arc<Mortal>>) -> &'static str {
        let query = format!("?accepts_incomplete=true&service_id={SERVICE_ID}&plan_id={PLAN_ID}");
        let (method, path, body) = match self {
            Self::Provision => ("PUT", INSTANCE, Some(provision_body())),
            Self::Bind => ("PUT", BINDING, Some(bind_body())),
            Self::Deprovision => ("DELETE", INSTANCE, None),
        };
        let response = local.call(method, &format!("{path}{query}"), body.as_ref());
        assert_eq!(response.status, 202, "{}", response.body);
        assert!(response.body["operation"].is_string(), "{}", response.body);
        path
    }

    /// What `last_operation` answers once the step succeeded.
    const fn done_status(self) -> u16 {
        match self {
            Self::Provision | Self::Bind => 200,
            // A finished asynchronous delete is gone.
            Self::Deprovision => 410,
        }
    }
}

fn config() -> BrokerConfig {
    BrokerConfig::from_json(DEMO).unwrap()
}

/// The step without a crash: how many AWS calls it makes and what AWS holds after it.
fn reference(step: Step) -> (u64, BTreeMap<String, Value>, Vec<String>) {
    let config = config();
    let aws = mortal(&config);
    let local = Local::new(Arc::clone(&aws), config, Duration::from_millis(300));
    step.prepare(&local);
    let before = aws.calls.load(Ordering::SeqCst);
    let path = step.start(&local);
    let last = local.wait(path);
    assert_eq!(last.status, step.done_status(), "{}", last.body);
    let calls = aws.calls.load(Ordering::SeqCst) - before;
    let log = aws.log.lock().unwrap()[usize::try_from(before).unwrap()..].to_vec();
    (calls, fingerprint(&aws.aws.world()), log)
}

fn crash_every_step(step: Step) {
    let (calls, expected, log) = reference(step);
    assert!(calls > 1, "{step:?} made {calls} calls");
    println!("{step:?}: {calls} AWS calls; crashing after each");
    for k in 1..=calls {
        let config = config();
        let aws = mortal(&config);
        let mut local = Local::new(Arc::clone(&aws), config, Duration::from_millis(300));
        step.prepare(&local);
        let before = aws.calls.load(Ordering::SeqCst);
        aws.crash_at.store(before + k, Ordering::SeqCst);
        let path = step.start(&local);
        for _ in 0..400 {
            if aws.dead.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            aws.dead.load(Ordering::SeqCst),
            "{step:?}: call {k} never came"
        );
        let seen = local.call("GET", &format!("{path}/last_operation"), None);
        assert_eq!(
            seen.body["state"], "in progress",
            "{step:?} k={k}: {}",
            seen.body
        );
        let left = counts(&aws.aws.world());

        aws.dead.store(false, Ordering::SeqCst);
        aws.crash_at.store(0, Ordering::SeqCst);
        local.restart();
        let last = local.wait(path);
        assert_eq!(
            last.status,
            step.done_status(),
            "{step:?} k={k} ({}): {}",
            log[usize::try_from(k - 1).unwrap()],
            last.body
        );
        if last.status == 200 {
            assert_eq!(
                last.body["state"], "succeeded",
                "{step:?} k={k}: {}",
                last.body
            );
        }
        let world = aws.aws.world();
        assert_eq!(
            fingerprint(&world),
            expected,
            "{step:?}: crash after call {k} ({}) left AWS different from an uninterrupted run",
            log[usize::try_from(k - 1).unwrap()]
        );
        if matches!(step, Step::Bind) {
            // The resumed bind's credentials are the ones IAM holds.
            let binding = local.call("GET", BINDING, None);
            assert_eq!(binding.status, 200, "{}", binding.body);
            let key = binding.body["credentials"]["aws_access_key_id"]
                .as_str()
                .or_else(|| binding.body["credentials"]["smtp_user"].as_str())
                .unwrap()
                .to_owned();
            let user = world.users.values().next().unwrap();
            assert_eq!(user.access_keys, vec![key], "{step:?} k={k}");
        }
        println!(
            "{step:?} crash after call {k:>2} {:<48} before restart: in progress; {left} | after: {} {}",
            log[usize::try_from(k - 1).unwrap()],
            last.status,
            last.body["state"].as_str().unwrap_or("gone"),
        );
    }
}

#[test]
fn a_provision_killed_after_any_aws_call_resumes_to_the_same_end() {
    crash_every_step(Step::Provision);
}

#[test]
fn a_bind_killed_after_any_aws_call_resumes_to_the_same_end() {
    crash_every_step(Step::Bind);
}

#[test]
fn a_deprovision_killed_after_any_aws_call_resumes_to_the_same_end() {
    crash_every_step(Step::Deprovision);
}
