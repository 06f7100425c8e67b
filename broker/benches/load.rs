//! The broker under load: provision -> bind -> unbind -> deprovision cycles from concurrent
//! clients over real HTTP on loopback, against a broker in this process (axum on
//! 127.0.0.1, the in-memory stand-in for AWS, its state in SQLite in a temporary
//! directory). Requests are synchronous (no `accepts_incomplete`). Each cycle has its own
//! instance id and its own domain: even cycles a customer domain (`load-N.agency.gov`),
//! odd ones a generated domain (the broker makes its hosted zone and delegates it from the
//! parent zone).
//!
//! It prints the wall time, cycles and requests per second, p50/p90/p99/max latency per
//! request kind and per whole cycle, and the errors; then checks that the cycles left
//! nothing behind: the stand-in holds only the parent zone (and KMS keys pending deletion,
//! which AWS keeps for 7 days), the database no instance, binding or operation. It exits
//! 1 if any request failed or anything is left.
//!
//! - `cargo bench -p ses-broker-server --bench load`: the measurement (release build),
//!   1,000 cycles from 16 clients.
//! - `cargo test -p ses-broker-server --bench load`: one short run in the debug build, 50
//!   cycles (the CI smoke, `.ci/bench-load.sh`).
//!
//! `LOAD_CYCLES` and `LOAD_CLIENTS` override the number of cycles and of clients.
//!
//! Not criterion: one run of a thousand cycles is the measurement, and its answer is a
//! distribution of latencies under concurrency, not the time of one repeated call.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark reports on the terminal"
)]

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ses_broker::aws::{Answer, Operation};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::alarms::{AlarmReceiver, HttpsSns, ReceiverSettings};
use ses_broker_server::aws::Aws;
use ses_broker_server::broker::Broker;
use ses_broker_server::config::DEMO;
use ses_broker_server::http;
use ses_broker_server::memory::{InMemoryAws, World};
use ses_broker_server::pausing::AlarmEndpoint;
use ses_broker_server::store::{Counts, Store};
use ses_broker_server::telemetry::{MeteredAws, Metrics};

const USER: &str = "load";
const PASSWORD: &str = "load-password";

/// The request kinds of a cycle, in order, with the status a success answers.
const KINDS: [(&str, u16); 4] = [
    ("provision", 201),
    ("bind", 201),
    ("unbind", 200),
    ("deprovision", 200),
];

/// The stand-in, counting its calls: the broker saves its progress before and after each
/// one, so the count says how many database writes the cycles cost.
#[derive(Debug)]
struct Counted {
    aws: Arc<InMemoryAws>,
    calls: AtomicU64,
}

impl Aws for Counted {
    async fn call(&self, operation: &Operation) -> Answer {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.aws.call(operation).await
    }

    fn describe(&self) -> String {
        self.aws.describe()
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("load: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A positive count from the environment variable `name`, or `default`.
fn count_from_env(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Err(std::env::VarError::NotPresent) => Ok(default),
        Err(e) => Err(format!("{name}: {e}")),
        Ok(text) => match text.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{name}: {text:?} is not a positive whole number")),
        },
    }
}

/// Runs the load; `Ok(false)` when a request failed or something was left behind.
fn run() -> Result<bool, String> {
    // `cargo bench` passes `--bench`; `cargo test` runs the same binary without it, where
    // a short run is enough to show that the cycle works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let cycles = count_from_env("LOAD_CYCLES", if measuring { 1000 } else { 50 })?;
    let clients = count_from_env("LOAD_CLIENTS", 16)?;

    let config = BrokerConfig::from_json(DEMO).map_err(|e| format!("configuration: {e}"))?;
    let aws = Arc::new(InMemoryAws::new(
        config.account_id().as_str(),
        &config.partition().to_string(),
        config.region().as_str(),
        config
            .broker_principal_arn()
            .map(ToString::to_string)
            .unwrap_or_default()
            .as_str(),
    ));
    let parent = config
        .parent_hosted_zone_id()
        .ok_or("the demonstration configuration has no parent zone")?;
    aws.add_hosted_zone(parent, config.default_zone());

    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let state = dir.path().join("state.db");
    let state = state.to_str().ok_or("the temporary path is not UTF-8")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let store = runtime
        .block_on(Store::open(state, config))
        .map_err(|e| format!("store: {e}"))?;
    // As `main.rs` builds it: the AWS calls metered, the watcher keeping operations alive.
    let counted = Arc::new(Counted {
        aws: Arc::clone(&aws),
        calls: AtomicU64::new(0),
    });
    let metrics = Metrics::new();
    let broker = Broker::new(
        MeteredAws::new(Arc::clone(&counted), metrics.clone()),
        store.clone(),
        metrics,
        USER,
        PASSWORD,
        Duration::from_secs(30),
    );
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("the listening address: {e}"))?;
    runtime.spawn(broker.watch());
    // The alarm endpoint is mounted as the binary mounts it; no cycle posts to it.
    let receiver = AlarmReceiver::new(
        broker.config(),
        HttpsSns::new(),
        ReceiverSettings::default(),
    );
    let alarms = AlarmEndpoint::new(broker.clone(), receiver);
    runtime.spawn(async move { axum::serve(listener, http::router(broker, alarms)).await });
    let url = format!("http://{address}");

    println!(
        "load: {cycles} provision -> bind -> unbind -> deprovision cycles from {clients} clients \
         over HTTP to {url} (stand-in AWS, synchronous requests, {} build), SQLite in {}",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        dir.path().display()
    );
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let results: Vec<Samples> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..clients)
            .map(|_| scope.spawn(|| client(&url, &next, cycles)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Samples::failed("a client panicked"))
            })
            .collect()
    });
    let wall = started.elapsed();

    let mut all = Samples::default();
    for samples in results {
        all.merge(samples);
    }
    report(&all, cycles, wall);
    let calls = counted.calls.load(Ordering::Relaxed);
    println!(
        "AWS calls to the stand-in: {calls} ({:.1} per cycle), each with a progress save \
         before and after it",
        calls as f64 / cycles as f64
    );

    let counts = runtime
        .block_on(store.counts())
        .map_err(|e| format!("counting what the database holds: {e}"))?;
    let left = left_behind(&aws.world(), counts);
    runtime.shutdown_timeout(Duration::from_secs(1));

    let pending = aws
        .world()
        .keys
        .values()
        .filter(|k| k.state == "PendingDeletion")
        .count();
    if left.is_empty() {
        println!(
            "left behind: nothing (the stand-in holds the parent zone and {pending} KMS keys \
             pending deletion; the database no instance, binding or operation)"
        );
    } else {
        println!("left behind: {}", left.join("; "));
    }
    Ok(all.errors.is_empty() && left.is_empty() && all.cycles.len() == cycles)
}

/// What one client measured.
#[derive(Debug, Default)]
struct Samples {
    /// Per request kind (the order of [`KINDS`]), each successful request's latency.
    requests: [Vec<Duration>; 4],
    /// Each completed cycle's time, its four requests back to back.
    cycles: Vec<Duration>,
    /// What went wrong, one line each.
    errors: Vec<String>,
}

impl Samples {
    fn failed(why: &str) -> Self {
        Self {
            errors: vec![why.to_owned()],
            ..Self::default()
        }
    }

    fn merge(&mut self, other: Self) {
        for (mine, theirs) in self.requests.iter_mut().zip(other.requests) {
            mine.extend(theirs);
        }
        self.cycles.extend(other.cycles);
        self.errors.extend(other.errors);
    }
}

/// One client: its own connection (a `ureq` agent), taking cycle numbers until none is
/// left.
fn client(url: &str, next: &AtomicUsize, cycles: usize) -> Samples {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent();
    let mut samples = Samples::default();
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        if n >= cycles {
            return samples;
        }
        let started = Instant::now();
        match cycle(&agent, url, n, &mut samples.requests) {
            Ok(()) => samples.cycles.push(started.elapsed()),
            // The cycle stops at its first failure; what it made stays, and the check
            // after the run reports it.
            Err(e) => samples.errors.push(format!("cycle {n}: {e}")),
        }
    }
}

/// Cycle `n`: provision, bind, unbind, deprovision; each latency into `latencies`.
fn cycle(
    agent: &ureq::Agent,
    url: &str,
    n: usize,
    latencies: &mut [Vec<Duration>; 4],
) -> Result<(), String> {
    let instance = format!("{url}/v2/service_instances/load-{n:06}");
    let binding = format!("{instance}/service_bindings/load-{n:06}-app");
    let ids = format!("service_id={SERVICE_ID}&plan_id={PLAN_ID}");
    let parameters = if n.is_multiple_of(2) {
        json!({"admin_email": "admin@agency.gov", "domain": format!("load-{n}.agency.gov")})
    } else {
        json!({"admin_email": "admin@agency.gov"})
    };
    let provision = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
        "organization_guid": "load-org", "space_guid": "load-space", "parameters": parameters});
    let bind = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID});
    let steps = [
        ("PUT", instance.clone(), Some(provision)),
        ("PUT", binding.clone(), Some(bind)),
        ("DELETE", format!("{binding}?{ids}"), None),
        ("DELETE", format!("{instance}?{ids}"), None),
    ];
    for (((method, target, body), (kind, expected)), latencies) in
        steps.into_iter().zip(KINDS).zip(latencies.iter_mut())
    {
        let started = Instant::now();
        let (status, text) =
            request(agent, method, &target, body.as_ref()).map_err(|e| format!("{kind}: {e}"))?;
        let took = started.elapsed();
        if status != expected {
            let excerpt: String = text.chars().take(300).collect();
            return Err(format!(
                "{kind} answered {status}, not {expected}: {excerpt}"
            ));
        }
        latencies.push(took);
    }
    Ok(())
}

/// One request, its answer read to the end.
fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<&Value>,
) -> Result<(u16, String), String> {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", format!("Basic {token}"))
        .header("X-Broker-API-Version", "2.17")
        .header("Content-Type", "application/json")
        .body(body.map(ToString::to_string).unwrap_or_default())
        .map_err(|e| format!("building the request: {e}"))?;
    let mut response = agent.run(request).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("reading the answer: {e}"))?;
    Ok((status, text))
}

/// The sample at `permille` (nearest rank) of `sorted`.
fn percentile(sorted: &[Duration], permille: usize) -> Duration {
    let rank = (permille * sorted.len()).div_ceil(1000);
    sorted
        .get(rank.saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

fn report(samples: &Samples, cycles: usize, wall: Duration) {
    let seconds = wall.as_secs_f64();
    let requests: usize = samples.requests.iter().map(Vec::len).sum();
    println!(
        "wall time {seconds:.2} s: {} cycles completed, {:.1} cycles/s, {requests} requests, \
         {:.1} requests/s",
        samples.cycles.len(),
        samples.cycles.len() as f64 / seconds,
        requests as f64 / seconds
    );
    println!("latency (ms)      p50      p90      p99      max   samples");
    let kinds = KINDS.iter().map(|(kind, _)| *kind).chain(["cycle"]);
    let series = samples.requests.iter().chain([&samples.cycles]);
    for (kind, series) in kinds.zip(series) {
        // Sorting every sample (4 x 1,000 by default) is exact and cheap at this size; a
        // histogram crate would only bucket what is already all here.
        let mut sorted = series.clone();
        sorted.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{kind:<13} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>9}",
            ms(percentile(&sorted, 500)),
            ms(percentile(&sorted, 900)),
            ms(percentile(&sorted, 990)),
            ms(sorted.last().copied().unwrap_or_default()),
            sorted.len()
        );
    }
    println!("errors: {} of {cycles} cycles failed", samples.errors.len());
    for error in samples.errors.iter().take(10) {
        println!("  {error}");
    }
}

/// What the run left: in the stand-in, anything but the parent zone (with its SOA and NS
/// records only) and KMS keys pending deletion; in the database, any row.
fn left_behind(world: &World, counts: Counts) -> Vec<String> {
    let mut left = Vec::new();
    let mut note = |count: usize, what: &str| {
        if count > 0 {
            left.push(format!("{what}: {count}"));
        }
    };
    note(world.configuration_sets.len(), "SES configuration sets");
    note(world.identities.len(), "SES identities");
    note(
        world
            .keys
            .values()
            .filter(|k| k.state != "PendingDeletion")
            .count(),
        "KMS keys not pending deletion",
    );
    note(world.aliases.len(), "KMS aliases");
    note(world.topics.len(), "SNS topics");
    note(world.subscriptions.len(), "SNS subscriptions");
    note(world.alarms.len(), "CloudWatch alarms");
    note(world.users.len(), "IAM users");
    note(
        world.zones.len().saturating_sub(1),
        "hosted zones besides the parent",
    );
    note(
        world
            .zones
            .values()
            .map(|z| z.records.len().saturating_sub(2))
            .sum(),
        "record sets beyond the zones' SOA and NS",
    );
    for (count, what) in [
        (counts.instances, "instances in the database"),
        (counts.bindings, "bindings in the database"),
        (
            counts.instance_operations + counts.binding_operations,
            "operations in the database",
        ),
    ] {
        note(usize::try_from(count).unwrap_or(usize::MAX), what);
    }
    left
}
