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
use ses_broker_server::broker::Broker;
use ses_broker_server::config::DEMO;
use ses_broker_server::memory::InMemoryAws;
use ses_broker_server::osbapi::Request;
use ses_broker_server::store::MemoryStore;

use support::{Harness, Observed, Unchecked, observe_world, report, scenario};

const AUTH: &str = "Basic dXNlcjpwYXNz"; // user:pass

struct StandIn {
    runtime: tokio::runtime::Runtime,
    aws: Arc<InMemoryAws>,
    broker: Broker<Arc<InMemoryAws>, MemoryStore>,
}

impl StandIn {
    fn new() -> Self {
        let config = BrokerConfig::from_json(DEMO).unwrap();
        let aws = Arc::new(InMemoryAws::new(
            config.account_id().as_str(),
            &config.partition().to_string(),
            config.region().as_str(),
            config.broker_principal_arn().unwrap().as_ref(),
        ));
        aws.add_hosted_zone(
            config.parent_hosted_zone_id().unwrap(),
            config.default_zone(),
        );
        Self {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            broker: Broker::new(
                config,
                Arc::clone(&aws),
                MemoryStore::default(),
                "user",
                "pass",
            ),
            aws,
        }
    }
}

impl Harness for StandIn {
    fn config(&self) -> &BrokerConfig {
        self.broker.config()
    }

    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let response = self.runtime.block_on(self.broker.handle(&Request {
            method,
            path,
            query,
            authorization: Some(AUTH),
            api_version: Some("2.17"),
            body: &body,
        }));
        (response.status, response.body)
    }

    fn observe(&mut self) -> Observed {
        observe_world(
            &self.aws.world(),
            self.broker.config().default_zone().as_str(),
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
