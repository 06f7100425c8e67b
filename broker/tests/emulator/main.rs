//! The whole lifecycle against moto's AWS emulator, through `ses-broker-server --aws sdk
//! --aws-endpoint URL`: the same scenario as `standin.rs`, with the emulator's state read
//! back after every step and compared with the core's desired state.
//!
//! Reading back: through the AWS SDK for Rust, except SES v2 configuration sets, whose
//! `GetConfigurationSet` answer from moto the Rust SDK cannot deserialize; those are read
//! with boto3 (`support/moto_configuration_sets.py`).
//!
//! `pause.rs` checks that a pause reaches moto (which does not serve it), through the
//! recording forwarder in `wire.rs`.
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

mod pause;
mod read;
#[path = "../support/mod.rs"]
mod support;
mod wire;

use aws_config::SdkConfig;
use serde_json::{Value, json};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::config::{CallerIdentity, with_identity};

use support::server::{Server, agent, basic, send};
use support::{Harness, Observed, Unchecked, report, scenario};

const REGION: &str = "us-gov-west-1";
const PARENT_ZONE: &str = "appmail.cloud.gov";
const USER: &str = "broker-user";
const PASSWORD: &str = "emulator-test";

/// What moto cannot show.
const UNCHECKED: &[Unchecked] = &[
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

struct Moto {
    runtime: tokio::runtime::Runtime,
    sdk: SdkConfig,
    python: String,
    config: BrokerConfig,
    broker: Server,
    agent: ureq::Agent,
}

/// Starts the broker binary with `config` (JSON) against `endpoint`; answers the server,
/// or the lines it printed when it exits instead of listening.
fn start_broker(endpoint: &str, config: &str) -> Result<Server, String> {
    Server::start(|command, dir| {
        let file = dir.join("config.json");
        std::fs::write(&file, config).unwrap();
        command
            .args(["--username", USER, "--password", PASSWORD])
            .args(["--aws", "sdk", "--aws-endpoint", endpoint, "--config"])
            .arg(&file)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env_remove("AWS_PROFILE");
    })
}

impl Moto {
    fn new() -> Self {
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
        // The parent zone of generated domains exists before the broker runs, as in a real
        // account.
        let parent = runtime.block_on(async {
            aws_sdk_route53::Client::new(&sdk)
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
            identity.account
        );
        let file = json!({
            "region": REGION,
            "default_zone": PARENT_ZONE,
            "parent_hosted_zone_id": parent,
            "environment": "ci",
            "platform_topic_arns": [platform_topic],
        });

        // A configuration naming another account than the credentials' is refused.
        let mut other = file.clone();
        other["account_id"] = json!("111122223333");
        match start_broker(&endpoint, &other.to_string()) {
            Ok(_) => {
                panic!("the broker started with another account's configuration");
            }
            Err(said) => assert!(
                said.contains("account_id: the configuration names \"111122223333\"")
                    && said.contains(&identity.account),
                "{said}"
            ),
        }

        let broker = start_broker(&endpoint, &file.to_string())
            .unwrap_or_else(|said| panic!("the broker did not start:\n{said}"));
        // The test derives the desired state from the configuration the broker read: the
        // file with STS's account and principal.
        let config =
            BrokerConfig::from_json(&with_identity(&file.to_string(), &identity).unwrap()).unwrap();
        let agent = agent();
        Self {
            runtime,
            sdk,
            python,
            config,
            broker,
            agent,
        }
    }
}

impl Harness for Moto {
    fn config(&self) -> &BrokerConfig {
        &self.config
    }

    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let reply = send(
            &self.agent,
            method,
            &format!("{}{path}", self.broker.url()),
            &[
                ("Authorization", &basic(USER, PASSWORD)),
                ("X-Broker-API-Version", "2.17"),
                ("Content-Type", "application/json"),
            ],
            body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        );
        (reply.status, reply.body)
    }

    fn observe(&mut self) -> Observed {
        let mut observed = self.runtime.block_on(read::read(&self.sdk));
        for (name, settings) in read::configuration_sets(&self.python, &self.url_of_emulator()) {
            observed
                .snapshot
                .insert(format!("ses configuration-set {name}"), settings);
        }
        observed
    }

    fn unchecked(&self) -> Vec<Unchecked> {
        UNCHECKED.to_vec()
    }

    fn name(&self) -> &'static str {
        "moto"
    }
}

impl Moto {
    fn url_of_emulator(&self) -> String {
        std::env::var("SES_BROKER_EMULATOR").unwrap()
    }
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn lifecycle_against_moto_matches_the_desired_state() {
    let mut moto = Moto::new();
    let tally = scenario(&mut moto, false);
    report("moto", &tally, UNCHECKED);
    println!(
        "moto: not run against moto (tested against the stand-in in standin.rs): turning feedback off (SES DeleteConfigurationSetEventDestination answers 500)"
    );
    assert!(tally.resources > 100 && tally.settings > 500, "{tally:?}");
}
