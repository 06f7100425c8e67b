//! Crash safety against moto, with the real binary: for every k, a provision, a bind and a
//! deprovision run by `ses-broker-server --aws sdk --crash-after-aws-calls k` abort right
//! after their k-th AWS call answers (moto made the change, the state file does not know
//! it). The broker restarts on the same SQLite file without the flag, takes the operation
//! over once the one-second lease has passed, and moto must then hold exactly what the
//! core's desired state says, the comparison the lifecycle test makes: nothing orphaned,
//! nothing made twice. One line per k says what the crash left and what the restart made
//! of it.
//!
//! The instance is the richest the broker makes (a generated domain with its hosted zone
//! and MAIL FROM, feedback notifications on); the binding has `source_ips`, an email and a
//! webhook; the deprovision finds that binding still there and removes it first.

use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ses_broker::aws::BindingState;
use ses_broker::binding::Binding;
use ses_broker::instance::{BrokerConfig, Instance};
use ses_broker::params::{BindParams, Context, ProvisionParams};
use ses_broker::reputation::Thresholds;
use ses_broker::values::{BindingId, InstanceId};
use ses_broker_server::store::Store;

use crate::support::server::Server;
use crate::support::{
    BINDING, IDS, INSTANCE_B, Observed, Snapshot, Tally, bind_body, compare, context_value,
    differences, expect_all, kind, provision_body, report,
};
use crate::{Emulator, UNCHECKED};

/// How long an operation may take to finish after the restart.
const LIMIT: Duration = Duration::from_secs(60);

fn instance_params() -> Value {
    json!({"admin_email": "ops@agency.gov", "enable_feedback_notifications": true,
           "mail_from_subdomain": "mail"})
}

fn binding_params() -> Value {
    json!({"source_ips": ["203.0.113.0/24"], "notification_email": "alerts@agency.gov",
           "notification_webhook": "https://hooks.agency.gov/ses"})
}

fn instance_path() -> String {
    format!("/v2/service_instances/{INSTANCE_B}")
}

fn binding_path() -> String {
    format!("/v2/service_instances/{INSTANCE_B}/service_bindings/{BINDING}")
}

/// The step crashed, and what comes before it.
#[derive(Clone, Copy, Debug)]
enum Step {
    Provision,
    Bind,
    Deprovision,
}

impl Step {
    /// Runs what comes before the step, synchronously.
    fn prepare(self, broker: &Server) {
        if matches!(self, Self::Bind | Self::Deprovision) {
            let (status, body) = broker.call(
                "PUT",
                &instance_path(),
                Some(&provision_body(&instance_params())),
            );
            assert_eq!(status, 201, "provision: {body}");
        }
        if matches!(self, Self::Deprovision) {
            let (status, body) =
                broker.call("PUT", &binding_path(), Some(&bind_body(&binding_params())));
            assert_eq!(status, 201, "bind: {body}");
        }
    }

    /// Starts the step asynchronously; the path whose `last_operation` reports it. A
    /// broker that `may_die` may abort before its 202 is out.
    fn start(self, broker: &Server, may_die: bool) -> String {
        let (method, path, body) = match self {
            Self::Provision => (
                "PUT",
                instance_path(),
                Some(provision_body(&instance_params())),
            ),
            Self::Bind => ("PUT", binding_path(), Some(bind_body(&binding_params()))),
            Self::Deprovision => ("DELETE", instance_path(), None),
        };
        match broker.try_call(
            method,
            &format!("{path}?accepts_incomplete=true&{IDS}"),
            body.as_ref(),
        ) {
            Ok((status, answer)) => assert_eq!(status, 202, "{self:?}: {answer}"),
            Err(e) => assert!(may_die, "{e}"),
        }
        path
    }

    /// What the broker holds once the step is done.
    const fn after(self) -> (bool, bool) {
        match self {
            Self::Provision => (true, false),
            Self::Bind => (true, true),
            Self::Deprovision => (false, false),
        }
    }

    /// Whether `last_operation` says the step is done: succeeded, or, for a deletion, gone.
    fn done(self, (status, body): &(u16, Value)) -> bool {
        match self {
            Self::Provision | Self::Bind => *status == 200 && body["state"] == "succeeded",
            Self::Deprovision => *status == 410,
        }
    }
}

/// How a resumed run that moto cannot let finish must end instead (see [`MOTO_CANNOT`]).
#[derive(Clone, Copy, Debug)]
enum Instead {
    /// `failed`, the instance still recorded for the platform to try again; what is left
    /// in AWS is counted, not compared.
    Stopped,
}

/// Crashes after which moto cannot let the resumed run reach its end: `(step, the call the
/// crash followed, how the run must end instead, why)`. A crash listed here whose run
/// finishes fails the test: moto then serves it, and the entry goes.
const MOTO_CANNOT: &[(&str, &str, Instead, &str)] = &[(
    "Deprovision",
    "sesv2:DeleteConfigurationSet",
    Instead::Stopped,
    "the resumed delete of the set moto already deleted answers 500 (moto 5.2.5 fails on a missing set; AWS answers NotFoundException, which the broker takes as deleted, as crash.rs checks against the stand-in), so the deprovision gives up after its retries with what is left recorded",
)];

/// `last_operation`'s answer in a few words.
fn said((status, body): &(u16, Value)) -> String {
    match body["state"].as_str() {
        Some("failed") => format!(
            "failed ({})",
            body["description"].as_str().unwrap_or("no description")
        ),
        Some(state) if *status == 200 => state.to_owned(),
        _ if *status == 410 => "gone (410)".to_owned(),
        _ => format!("{status} {body}"),
    }
}

/// One try on an emptied moto: its configuration and state file.
struct Attempt<'e> {
    emulator: &'e Emulator,
    file: Value,
    config: BrokerConfig,
    dir: tempfile::TempDir,
}

impl<'e> Attempt<'e> {
    fn new(emulator: &'e Emulator) -> Self {
        emulator.reset();
        let file = emulator.configuration();
        Self {
            config: emulator.broker_config(&file),
            emulator,
            file,
            // In memory where there is a tmpfs: the saves around every AWS call then cost
            // no disk flush, and a killed process loses nothing the kernel holds (the
            // flush matters when the machine dies, not the process).
            dir: tempfile::Builder::new()
                .tempdir_in(if std::path::Path::new("/dev/shm").is_dir() {
                    std::path::PathBuf::from("/dev/shm")
                } else {
                    std::env::temp_dir()
                })
                .unwrap(),
        }
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state.db")
    }

    /// A broker on this attempt's state with a one-second lease, plus `extra`.
    fn broker(&self, name: &str, extra: &[&str]) -> Server {
        let mut flags = vec!["--operation-lease", "1"];
        flags.extend_from_slice(extra);
        self.emulator
            .broker(name, &self.file, &self.state(), &flags)
            .unwrap_or_else(|said| panic!("{name} did not start:\n{said}"))
    }

    /// What the state file says of the step's last operation (no broker running).
    fn stored_last_operation(&self, step: Step) -> String {
        let rt = &self.emulator.runtime;
        let store = rt
            .block_on(Store::open(
                self.state().to_str().unwrap(),
                self.config.clone(),
            ))
            .unwrap();
        let id = InstanceId::parse(INSTANCE_B).unwrap();
        let bid = BindingId::parse(BINDING).unwrap();
        let binding = matches!(step, Step::Bind).then_some(&bid);
        let last = rt.block_on(store.last_operation(&id, binding)).unwrap();
        let held = rt.block_on(store.operation(&id)).unwrap();
        rt.block_on(store.close());
        format!(
            "{} ({})",
            last.map_or("none".to_owned(), |l| l.state.as_str().to_owned()),
            held.map_or("nothing held".to_owned(), |op| format!(
                "{} held, progress {}",
                op.kind,
                if op.progress.is_some() {
                    "saved"
                } else {
                    "none"
                }
            )),
        )
    }

    /// What must exist in AWS when the broker holds the instance (`instance`) and the
    /// binding (`binding`, whose key `broker` hands out).
    fn expected(
        &self,
        (instance, binding): (bool, bool),
        broker: &Server,
        observed: &Observed,
    ) -> Snapshot {
        let context = Context::from_value(&context_value()).unwrap();
        let made = Instance::new(
            &self.config,
            InstanceId::parse(INSTANCE_B).unwrap(),
            ProvisionParams::from_value(&instance_params()).unwrap(),
        )
        .unwrap();
        let binding = binding.then(|| {
            let (status, body) = broker.call("GET", &binding_path(), None);
            assert_eq!(status, 200, "the binding: {body}");
            let plan = Binding::plan(
                &made,
                BindingId::parse(BINDING).unwrap(),
                BindParams::from_value(&binding_params()).unwrap(),
            );
            let state = BindingState::new(&self.config, &made, &plan, &context).unwrap();
            let key = body["credentials"]["aws_access_key_id"]
                .as_str()
                .unwrap()
                .to_owned();
            (state, key)
        });
        expect_all(
            &self.config,
            &context,
            &Thresholds::cloud_gov(),
            instance.then_some(&made),
            binding.as_ref().map(|(state, key)| (state, key.as_str())),
            observed,
        )
    }
}

/// The AWS calls a broker logged (`service:Operation`), in order.
fn calls(broker: &Server) -> Vec<String> {
    broker
        .lines()
        .iter()
        .filter(|line| line.contains(" aws call "))
        .filter_map(|line| line.split(" call=").nth(1))
        .map(|rest| rest.split(' ').next().unwrap_or(rest).to_owned())
        .collect()
}

/// Resources by service, and keys pending deletion: `ses 3, kms 4, ... (+4 keys pending)`.
fn counts(observed: &Observed) -> String {
    let mut by_service = std::collections::BTreeMap::<String, usize>::new();
    for key in observed.snapshot.keys() {
        let service = kind(key).split(' ').next().unwrap_or("").to_owned();
        *by_service.entry(service).or_default() += 1;
    }
    let total: usize = by_service.values().sum();
    let list: Vec<String> = by_service
        .iter()
        .map(|(service, n)| format!("{service} {n}"))
        .collect();
    format!(
        "{total:>2} ({}; {} keys pending deletion)",
        list.join(", "),
        observed.pending_keys.len()
    )
}

fn crash_after_every_call(step: Step) {
    let (emulator, _one_at_a_time) = Emulator::take();
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut problems: Vec<String> = Vec::new();

    // The uninterrupted run: its calls, and its end compared with the desired state.
    let attempt = Attempt::new(&emulator);
    let broker = attempt.broker("reference", &[]);
    step.prepare(&broker);
    let before = calls(&broker).len();
    let path = step.start(&broker, false);
    let last = broker.wait(&path, LIMIT);
    assert!(step.done(&last), "{step:?} uninterrupted: {}", said(&last));
    let reference: Vec<String> = calls(&broker)[before..].to_vec();
    let observed = emulator.observe();
    compare(
        &format!("moto {step:?} uninterrupted"),
        &attempt.expected(step.after(), &broker, &observed),
        &observed.snapshot,
        UNCHECKED,
        &mut tally,
    );
    let pending = observed.pending_keys.len();
    println!(
        "moto crash {step:?}: {} AWS calls uninterrupted, leaving {}; crashing after each",
        reference.len(),
        counts(&observed)
    );
    drop(broker);

    for (k, call) in (1..).zip(&reference) {
        let attempt = Attempt::new(&emulator);
        step.prepare(&attempt.broker(&format!("prepare-{k}"), &[]));
        let mut doomed = attempt.broker(
            &format!("crash-{k}"),
            &["--crash-after-aws-calls", &k.to_string()],
        );
        let path = step.start(&doomed, true);
        let exit = doomed
            .exited(LIMIT)
            .unwrap_or_else(|| panic!("{step:?} k={k}: the broker did not die"));
        assert_eq!(
            exit.signal(),
            Some(6),
            "{step:?} k={k}: not an abort: {exit:?}"
        );
        let logged = calls(&doomed);
        assert_eq!(
            logged,
            reference[..k - 1],
            "{step:?} k={k}: the calls before the crash differ from the uninterrupted run's"
        );
        let aborted = doomed
            .lines()
            .iter()
            .any(|line| line.starts_with("ses-broker-server: crash test: aborting after "));
        assert!(aborted, "{step:?} k={k}: no abort line");
        drop(doomed);
        let stored = attempt.stored_last_operation(step);
        let left = counts(&emulator.observe());

        let survivor = attempt.broker(&format!("restart-{k}"), &[]);
        let last = survivor.wait(&path, LIMIT);
        let cannot = MOTO_CANNOT
            .iter()
            .find(|(s, c, _, _)| *s == format!("{step:?}") && c == call);
        let observed = emulator.observe();
        let name = format!("{step:?} k={k} (crashed after {call})");
        let mut found = Vec::new();
        let outcome = match cannot {
            None => {
                if !step.done(&last) {
                    found.push(format!("last_operation is {}", said(&last)));
                }
                found.extend(differences(
                    &attempt.expected(step.after(), &survivor, &observed),
                    &observed.snapshot,
                    UNCHECKED,
                    &mut tally,
                ));
                if observed.pending_keys.len() != pending {
                    found.push(format!(
                        "{} keys pending deletion, {pending} uninterrupted",
                        observed.pending_keys.len()
                    ));
                }
                said(&last)
            }
            Some((_, _, instead, why)) => {
                if !(last.0 == 200 && last.1["state"] == "failed") {
                    found.push(format!(
                        "listed as what moto cannot serve ({why}), but last_operation is {}: remove it from MOTO_CANNOT",
                        said(&last)
                    ));
                }
                match instead {
                    Instead::Stopped => {
                        let (status, body) = survivor.call("GET", &instance_path(), None);
                        if status != 200 {
                            found.push(format!(
                                "the instance cannot be read for the platform to retry: {status} {body}"
                            ));
                        }
                    }
                }
                format!("failed, as moto makes it ({instead:?})")
            }
        };
        println!(
            "moto crash {step:?} k={k:>2} died after {call:<42} | before restart: last_operation {stored}; resources {left} | after: {outcome}; resources {}{}",
            counts(&observed),
            if found.is_empty() { "" } else { " | PROBLEM" },
        );
        problems.extend(
            found
                .into_iter()
                .map(|problem| format!("{name}: {problem}")),
        );
    }
    for (s, call, _, _) in MOTO_CANNOT {
        assert!(
            *s != format!("{step:?}") || reference.iter().any(|c| c == call),
            "MOTO_CANNOT names {s} after {call}, which the {step:?} no longer calls"
        );
    }
    report(&format!("moto crash {step:?}"), &tally, UNCHECKED);
    println!(
        "moto crash {step:?}: {} crashes in {:.0} s, {} problem(s)",
        reference.len(),
        started.elapsed().as_secs_f64(),
        problems.len()
    );
    for (s, call, instead, why) in MOTO_CANNOT {
        if *s == format!("{step:?}") {
            println!(
                "moto crash {step:?}: after {call}, moto cannot let the run finish ({instead:?}): {why}"
            );
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn a_provision_killed_after_any_aws_call_resumes_to_the_desired_state_in_moto() {
    crash_after_every_call(Step::Provision);
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn a_bind_killed_after_any_aws_call_resumes_to_the_desired_state_in_moto() {
    crash_after_every_call(Step::Bind);
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn a_deprovision_killed_after_any_aws_call_resumes_to_the_desired_state_in_moto() {
    crash_after_every_call(Step::Deprovision);
}
