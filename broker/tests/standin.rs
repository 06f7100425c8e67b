//! The whole lifecycle against the in-memory stand-in, compared after every step with the
//! core's desired state (the same scenario `emulator/` runs against moto), plus the steps
//! moto cannot serve: turning feedback off (SES event destination deletion) and pausing and
//! re-enabling sending.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a failed assertion is how a test reports; the tally is printed"
)]

mod support;

use std::sync::Arc;

use serde_json::Value;
use ses_broker::aws::{DriveError, Driver, Ledger, Next};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::aws::Aws as _;
use ses_broker_server::config::DEMO;
use ses_broker_server::memory::InMemoryAws;

use std::time::Duration;

use support::local::{Local, stand_in};
use support::{Harness, Observed, Unchecked, instance_state, observe_world, report, scenario};

struct StandIn {
    aws: Arc<InMemoryAws>,
    local: Local<Arc<InMemoryAws>>,
}

impl StandIn {
    fn new() -> Self {
        let config = BrokerConfig::from_json(DEMO).unwrap();
        let aws = Arc::new(stand_in(&config));
        Self {
            local: Local::new(Arc::clone(&aws), config, Duration::from_secs(30)),
            aws,
        }
    }
}

impl Harness for StandIn {
    fn config(&self) -> &BrokerConfig {
        self.local.broker.config()
    }

    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let response = self.local.call(method, path, body);
        (response.status, response.body)
    }

    fn observe(&mut self) -> Observed {
        observe_world(
            &self.aws.world(),
            self.local.broker.config().default_zone().as_str(),
        )
    }

    fn unchecked(&self) -> Vec<Unchecked> {
        Vec::new()
    }

    fn name(&self) -> &'static str {
        "stand-in"
    }
}

#[test]
fn lifecycle_against_the_stand_in_matches_the_desired_state() {
    let mut standin = StandIn::new();
    let tally = scenario(&mut standin, true);
    report("stand-in", &tally, &[]);
    assert!(tally.resources > 100 && tally.settings > 500, "{tally:?}");
}

impl StandIn {
    /// Drives `driver` against the stand-in to its end: the ledger, or the error it
    /// stopped on.
    fn run(&self, mut driver: Driver) -> Result<Ledger, DriveError> {
        loop {
            match driver.next_operation() {
                Next::Operation(op) => {
                    let answer = self.local.runtime().block_on(self.aws.call(&op));
                    driver.handle_answer(answer)?;
                }
                Next::Done => return Ok(driver.into_progress().into_ledger()),
                Next::Failed(error) => return Err(error),
                other => panic!("{other:?}"),
            }
        }
    }

    /// An instance of the customer domain `agency.gov`, provisioned.
    fn provisioned(&self) -> Ledger {
        let state = instance_state(
            self.local.broker.config(),
            "7d2c9b4e-1f3a-4e5d-8c6b-0a9f8e7d6c5b",
            r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov", "enable_feedback_notifications": true}"#,
        );
        self.run(Driver::provision(state)).unwrap()
    }
}

#[test]
fn a_pause_disables_sending_an_enable_restores_it_and_a_second_pause_is_harmless() {
    let standin = StandIn::new();
    let ledger = standin.provisioned();
    let set = ledger.configuration_set().unwrap().clone();
    assert_eq!(standin.aws.sending_enabled(&set), Some(true));

    let ledger = standin.run(Driver::pause_sending(ledger)).unwrap();
    assert_eq!(standin.aws.sending_enabled(&set), Some(false));
    assert_eq!(ledger.sending_enabled(), Some(false));
    let before = standin.aws.world();
    let ledger = standin.run(Driver::pause_sending(ledger)).unwrap();
    assert_eq!(
        standin.aws.world(),
        before,
        "a second pause changed something"
    );
    assert_eq!(ledger.sending_enabled(), Some(false));

    let ledger = standin.run(Driver::enable_sending(ledger)).unwrap();
    assert_eq!(standin.aws.sending_enabled(&set), Some(true));
    assert_eq!(ledger.sending_enabled(), Some(true));
    // Nothing but the switch moved.
    let mut expected = before;
    expected
        .configuration_sets
        .values_mut()
        .for_each(|s| s.sending_enabled = true);
    assert_eq!(standin.aws.world(), expected);
}

#[test]
fn a_pause_of_a_configuration_set_the_stand_in_does_not_have_stops_with_not_found() {
    let standin = StandIn::new();
    let ledger = standin.provisioned();
    let set = ledger.configuration_set().unwrap().clone();
    let gone = standin.run(Driver::deprovision(ledger.clone())).unwrap();
    assert!(gone.is_empty());
    assert_eq!(standin.aws.sending_enabled(&set), None);
    let error = standin.run(Driver::pause_sending(ledger)).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("sesv2:PutConfigurationSetSendingOptions: configuration set {set} does not exist")
    );
}
