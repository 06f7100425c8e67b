//! The whole lifecycle against moto's AWS emulator, through `ses-broker-server --aws sdk
//! --aws-endpoint URL`: the same scenario as `standin.rs`, with the emulator's state read
//! back after every step and compared with the core's desired state.
//!
//! Reading back: through the AWS SDK for Rust, except SES v2 configuration sets, whose
//! `GetConfigurationSet` answer from moto the Rust SDK cannot deserialize; those are read
//! with boto3 (`support/moto_configuration_sets.py`).
//!
//! `pause.rs` checks that a pause reaches moto (which does not serve it), through the
//! recording forwarder in `wire.rs`; `readback.rs` has that forwarder throttle the read of a
//! create that found its resource there, and checks the adapter asks for a retry. `crash.rs` kills the broker after every AWS call of a
//! provision, a bind and a deprovision, restarts it and compares again. The tests take
//! moto one at a time, each from empty.
//!
//! Ignored by default (it needs moto): `.ci/check-emulator.sh` starts moto and runs it with
//! `SES_BROKER_EMULATOR=http://127.0.0.1:PORT` and `SES_BROKER_EMULATOR_PYTHON` (a Python
//! with boto3). Asked to run without them, it fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a failed assertion is how a test reports; the tally is printed"
)]

mod crash;
mod pause;
mod read;
mod readback;
#[path = "../support/mod.rs"]
mod support;
mod wire;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use aws_config::SdkConfig;
use serde_json::{Value, json};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::config::{CallerIdentity, with_identity};

use support::server::{Server, credentials};
use support::{Harness, Observed, Unchecked, report, scenario};

const REGION: &str = "us-gov-west-1";
const PARENT_ZONE: &str = "appmail.cloud.gov";

/// What moto cannot show.
pub(crate) const UNCHECKED: &[Unchecked] = &[
    (
        "ses identity",
        "ConfigurationSetName",
        "moto's GetEmailIdentity does not return the identity's default configuration set",
    ),
    (
        "ses event-destination",
        support::PRESENCE,
        "moto keeps only the last event destination created on a configuration set (each replaces the one before in DescribeConfigurationSet); the one it shows is compared in full",
    ),
    (
        "ses configuration-set",
        "SendingEnabled",
        "moto does not serve sending options (SendingEnabled always reads false)",
    ),
];

/// moto, reached by the AWS SDK for Rust (to read its state back) and by brokers started
/// against it.
pub(crate) struct Emulator {
    runtime: tokio::runtime::Runtime,
    sdk: SdkConfig,
    python: String,
    endpoint: String,
    identity: CallerIdentity,
}

/// One test at a time: the crash tests empty moto between their runs.
static EMULATOR: Mutex<()> = Mutex::new(());

/// Holds moto for one test (while the guard lives).
pub(crate) fn one_at_a_time() -> MutexGuard<'static, ()> {
    EMULATOR.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Emulator {
    /// moto at `SES_BROKER_EMULATOR`, emptied, for this test alone (while the guard lives).
    pub(crate) fn take() -> (Self, MutexGuard<'static, ()>) {
        let guard = one_at_a_time();
        let endpoint = std::env::var("SES_BROKER_EMULATOR").expect(
            "SES_BROKER_EMULATOR=http://127.0.0.1:PORT (moto's server) is required: run .ci/check-emulator.sh",
        );
        let python = std::env::var("SES_BROKER_EMULATOR_PYTHON")
            .expect("SES_BROKER_EMULATOR_PYTHON (a Python with boto3) is required: run .ci/check-emulator.sh");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sdk = runtime.block_on(
            aws_config::from_env()
                .region(aws_config::Region::new(REGION))
                .endpoint_url(&endpoint)
                .credentials_provider(aws_sdk_sts::config::Credentials::new(
                    "test", "test", None, None, "test",
                ))
                .load(),
        );
        let identity = runtime.block_on(async {
            let out = aws_sdk_sts::Client::new(&sdk)
                .get_caller_identity()
                .send()
                .await
                .unwrap_or_else(|e| panic!("moto at {endpoint} does not answer STS: {e:?}"));
            CallerIdentity {
                account: out.account().unwrap().to_owned(),
                arn: out.arn().unwrap().to_owned(),
            }
        });
        let emulator = Self {
            runtime,
            sdk,
            python,
            endpoint,
            identity,
        };
        emulator.reset();
        (emulator, guard)
    }

    /// Empties moto (every service).
    pub(crate) fn reset(&self) {
        let answer = ureq::post(format!("{}/moto-api/reset", self.endpoint)).send_empty();
        assert!(answer.is_ok(), "moto did not reset: {answer:?}");
    }

    /// A broker configuration (JSON) for this account, with a parent zone for generated
    /// domains made now, as it exists in a real account before the broker runs.
    pub(crate) fn configuration(&self) -> Value {
        let parent = self.runtime.block_on(async {
            aws_sdk_route53::Client::new(&self.sdk)
                .create_hosted_zone()
                .name(PARENT_ZONE)
                .caller_reference(format!("parent-{}", std::process::id()))
                .send()
                .await
                .unwrap()
                .hosted_zone()
                .unwrap()
                .id()
                .trim_start_matches("/hostedzone/")
                .to_owned()
        });
        let platform_topic = format!(
            "arn:aws-us-gov:sns:{REGION}:{}:platform-email",
            self.identity.account
        );
        json!({
            "region": REGION,
            "default_zone": PARENT_ZONE,
            "parent_hosted_zone_id": parent,
            "environment": "ci",
            "platform_topic_arns": [platform_topic],
        })
    }

    /// The configuration a broker reads from `file`: the file with STS's account and
    /// principal (the desired state is derived from it).
    pub(crate) fn broker_config(&self, file: &Value) -> BrokerConfig {
        BrokerConfig::from_json(&with_identity(&file.to_string(), &self.identity).unwrap()).unwrap()
    }

    /// Starts `ses-broker-server --aws sdk` against moto, named `name`, with the
    /// configuration `file` (written beside `state`), its state in the SQLite file `state`,
    /// and `extra` flags.
    pub(crate) fn broker(
        &self,
        name: &str,
        file: &Value,
        state: &Path,
        extra: &[&str],
    ) -> Result<Server, String> {
        let config = state.with_extension("json");
        std::fs::write(&config, file.to_string()).unwrap();
        Server::start_named(name, |command, _| {
            credentials(command)
                .args(["--aws", "sdk", "--aws-endpoint", &self.endpoint, "--config"])
                .arg(&config)
                .arg("--state")
                .arg(state)
                .args(extra)
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                .env_remove("AWS_PROFILE");
        })
    }

    /// Everything moto holds, normalised.
    pub(crate) fn observe(&self) -> Observed {
        let sets = read::configuration_sets(&self.python, &self.endpoint);
        let mut observed = self.runtime.block_on(read::read(&self.sdk));
        for (name, settings) in sets() {
            observed
                .snapshot
                .insert(format!("ses configuration-set {name}"), settings);
        }
        observed
    }
}

/// The lifecycle's harness: one broker on moto.
struct Moto {
    emulator: Emulator,
    config: BrokerConfig,
    broker: Server,
    _state: tempfile::TempDir,
}

impl Moto {
    fn new(emulator: Emulator) -> Self {
        let file = emulator.configuration();
        let state = tempfile::tempdir().unwrap();
        // A configuration naming another account than the credentials' is refused.
        let mut other = file.clone();
        other["account_id"] = json!("111122223333");
        match emulator.broker("other-account", &other, &state.path().join("other.db"), &[]) {
            Ok(_) => panic!("the broker started with another account's configuration"),
            Err(said) => assert!(
                said.contains("account_id: the configuration names \"111122223333\"")
                    && said.contains(&emulator.identity.account),
                "{said}"
            ),
        }
        let broker = emulator
            .broker("broker", &file, &state.path().join("state.db"), &[])
            .unwrap_or_else(|said| panic!("the broker did not start:\n{said}"));
        Self {
            config: emulator.broker_config(&file),
            emulator,
            broker,
            _state: state,
        }
    }
}

impl Harness for Moto {
    fn config(&self) -> &BrokerConfig {
        &self.config
    }

    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.broker.call(method, path, body)
    }

    fn observe(&mut self) -> Observed {
        self.emulator.observe()
    }

    fn unchecked(&self) -> Vec<Unchecked> {
        UNCHECKED.to_vec()
    }

    fn name(&self) -> &'static str {
        "moto"
    }
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn lifecycle_against_moto_matches_the_desired_state() {
    let (emulator, _one_at_a_time) = Emulator::take();
    let mut moto = Moto::new(emulator);
    let tally = scenario(&mut moto, false);
    report("moto", &tally, UNCHECKED);
    println!(
        "moto: not run against moto (tested against the stand-in in standin.rs): turning feedback off (SES DeleteConfigurationSetEventDestination answers 500)"
    );
    assert!(tally.resources > 100 && tally.settings > 500, "{tally:?}");
}
