//! The whole lifecycle against the in-memory stand-in, compared after every step with the
//! core's desired state (the same scenario `emulator/` runs against moto), plus the step
//! moto cannot serve: turning feedback off (SES event destination deletion).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a failed assertion is how a test reports; the tally is printed"
)]

mod support;

use std::sync::Arc;

use serde_json::Value;
use ses_broker::instance::BrokerConfig;
use ses_broker_server::config::DEMO;
use ses_broker_server::memory::InMemoryAws;

use std::time::Duration;

use support::local::{Local, stand_in};
use support::{Harness, Observed, Unchecked, observe_world, report, scenario};

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
