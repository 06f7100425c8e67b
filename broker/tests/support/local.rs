//! A broker in this process: a multi-threaded runtime (its operations run in tasks of their
//! own), its state in a SQLite file in a temporary directory, and requests given as plain
//! values. `restart` drops the runtime (every task in it stops where it is, as a killed
//! process does) and starts a new broker on the same file.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use ses_broker::instance::BrokerConfig;
use ses_broker_server::aws::Aws;
use ses_broker_server::broker::Broker;
use ses_broker_server::memory::InMemoryAws;
use ses_broker_server::osbapi::{Request, Response};
use ses_broker_server::store::Store;
use ses_broker_server::telemetry::Metrics;

/// `Basic user:pass`.
pub const AUTH: &str = "Basic dXNlcjpwYXNz";

/// A broker in this process.
pub struct Local<A: Aws + Clone> {
    runtime: Option<tokio::runtime::Runtime>,
    /// The broker.
    pub broker: Broker<A>,
    aws: A,
    config: BrokerConfig,
    lease: Duration,
    _dir: tempfile::TempDir,
    /// The SQLite file.
    pub state: PathBuf,
}

/// The in-memory stand-in for `config`'s account, with the parent zone of generated domains
/// (as a real account has it before the broker runs).
pub fn stand_in(config: &BrokerConfig) -> InMemoryAws {
    let aws = InMemoryAws::new(
        config.account_id().as_str(),
        &config.partition().to_string(),
        config.region().as_str(),
        config.broker_principal_arn().unwrap().as_ref(),
    );
    aws.add_hosted_zone(
        config.parent_hosted_zone_id().unwrap(),
        config.default_zone(),
    );
    aws
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn open<A: Aws + Clone>(
    runtime: &tokio::runtime::Runtime,
    aws: &A,
    config: &BrokerConfig,
    state: &std::path::Path,
    lease: Duration,
) -> Broker<A> {
    let store = runtime
        .block_on(Store::open(state.to_str().unwrap(), config.clone()))
        .unwrap();
    Broker::new(aws.clone(), store, Metrics::new(), "user", "pass", lease)
}

impl<A: Aws + Clone> Local<A> {
    /// A broker over `aws` with `config`; operations silent for `lease` are taken over.
    pub fn new(aws: A, config: BrokerConfig, lease: Duration) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.db");
        let runtime = runtime();
        let broker = open(&runtime, &aws, &config, &state, lease);
        Self {
            runtime: Some(runtime),
            broker,
            aws,
            config,
            lease,
            _dir: dir,
            state,
        }
    }

    /// The runtime.
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime.as_ref().unwrap()
    }

    /// Answers `method target` (`target` may carry a query) with `body`.
    pub fn call(&self, method: &str, target: &str, body: Option<&Value>) -> Response {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.runtime().block_on(self.broker.handle(&Request {
            method,
            path,
            query,
            authorization: Some(AUTH),
            api_version: Some("2.17"),
            body: &body,
        }))
    }

    /// Kills the broker (its runtime and every task in it stop where they are) and starts
    /// a new one on the same state and AWS, which takes over what was in flight once the
    /// lease has passed.
    pub fn restart(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_millis(100));
        }
        let runtime = runtime();
        self.broker = open(&runtime, &self.aws, &self.config, &self.state, self.lease);
        runtime.spawn(self.broker.watch());
        self.runtime = Some(runtime);
    }

    /// Polls `last_operation` of `target` (an instance or binding path) until it is no
    /// longer in progress; its final answer.
    pub fn wait(&self, target: &str) -> Response {
        for _ in 0..600 {
            let response = self.call("GET", &format!("{target}/last_operation"), None);
            if response.status != 200 || response.body["state"] != "in progress" {
                return response;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{target}: still in progress after 30 s");
    }
}
