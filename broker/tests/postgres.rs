//! Two broker processes (the built binary) on one PostgreSQL database, many clients at once:
//! one operation at a time per instance across both processes (the others get 422
//! `ConcurrencyError`), no lost update, and a killed process's operation taken over by the
//! other once its lease has passed.
//!
//! Each process runs the in-memory stand-in (`--aws memory`), which lives inside the
//! process: the two processes share the database, not AWS. So the requests that cross
//! processes are the ones whose AWS side works in either: DMARC recipients of a customer
//! domain (an update with no AWS call), binds without notifications (IAM only) and the
//! deletions (a resource the other process made answers "not found", which a deletion
//! takes as done). The facts checked are the store's: what each process answers, what the
//! database holds, and, from both processes' logs, that no two operations on an instance
//! ever made AWS calls at the same time.
//!
//! Ignored by default (it needs a PostgreSQL server): `.ci/check-postgres.sh` starts one and
//! runs it with `SES_BROKER_TEST_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/DATABASE` (a
//! role that may create databases: each test gets a database of its own). Asked to run
//! without it, it fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a failed assertion is how a test reports; the tally is printed"
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt as _;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::BrokerConfig;
use ses_broker::values::{BindingId, InstanceId};
use ses_broker_server::config::DEMO;
use ses_broker_server::store::{OpState, Store};
use sqlx::Row as _;

use support::server::{Server, credentials};

const VAR: &str = "SES_BROKER_TEST_POSTGRES";
const IDS: &str =
    "service_id=260f2ead-b9e9-48b5-9a01-6e3097208ad7&plan_id=35ffb84b-a898-442e-b5f9-0a6a5229827d";
/// How long an operation may wait for its result.
const LIMIT: Duration = Duration::from_secs(30);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A database of the test's own on the server `SES_BROKER_TEST_POSTGRES` names (dropped
/// and created again, so a rerun starts empty); its URL.
fn database(name: &str) -> String {
    let base = std::env::var(VAR).unwrap_or_else(|_| {
        panic!("{VAR}=postgres://USER:PASSWORD@HOST:PORT/DATABASE is required: run .ci/check-postgres.sh")
    });
    let (server, query) = match base.split_once('?') {
        Some((server, query)) => (server, format!("?{query}")),
        None => (base.as_str(), String::new()),
    };
    let server = server.rsplit_once('/').map_or(server, |(s, _)| s);
    runtime().block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&base)
            .await
            .unwrap_or_else(|e| panic!("{VAR}: cannot connect: {e}"));
        // The name is the test's own constant, never input.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    format!("{server}/{name}{query}")
}

/// Starts the broker named `name` on `url` with the stand-in, a one-second lease and JSON
/// logs, plus `extra`.
fn broker(name: &str, url: &str, extra: &[&str]) -> Result<Server, String> {
    Server::start_named(name, |command, _| {
        credentials(command)
            .args(["--aws", "memory", "--state", url, "--operation-lease", "1"])
            .args(["--log-format", "json"])
            .args(extra);
    })
}

/// Two processes on `url`, started at the same moment (both run the migrations on an
/// empty database at once); the second with `extra` flags.
fn pair(url: &str, extra: &[&str]) -> (Server, Server) {
    std::thread::scope(|s| {
        let a = s.spawn(|| broker("A", url, &[]));
        let b = s.spawn(|| broker("B", url, extra));
        let a = a
            .join()
            .unwrap()
            .unwrap_or_else(|said| panic!("A did not start:\n{said}"));
        let b = b
            .join()
            .unwrap()
            .unwrap_or_else(|said| panic!("B did not start:\n{said}"));
        (a, b)
    })
}

/// The store the processes share, read through the broker's own `Store`.
fn store(rt: &tokio::runtime::Runtime, url: &str) -> Store {
    rt.block_on(Store::open(url, BrokerConfig::from_json(DEMO).unwrap()))
        .unwrap()
}

/// Rows of `sql` (one count) on `url`.
fn count(rt: &tokio::runtime::Runtime, url: &str, sql: &'static str) -> i64 {
    rt.block_on(async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .unwrap();
        let n: i64 = sqlx::query(sql).fetch_one(&pool).await.unwrap().get(0);
        pool.close().await;
        n
    })
}

fn instance_path(id: &str) -> String {
    format!("/v2/service_instances/{id}")
}

fn binding_path(id: &str, bid: &str) -> String {
    format!("/v2/service_instances/{id}/service_bindings/{bid}")
}

fn provision_body(domain: &str) -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
           "space_guid": "s", "context": {"platform": "cloudfoundry"},
           "parameters": {"domain": domain, "admin_email": format!("admin@{domain}")}})
}

fn bind_body() -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID})
}

/// An update of one DMARC recipient list (no AWS call for a customer domain).
fn dmarc_body(field: &str, address: &str) -> Value {
    json!({"service_id": SERVICE_ID, "parameters": {field: [address]}})
}

/// The DMARC list `field` of the instance as `p` answers it; `None` while an update holds
/// the instance (422: OSBAPI lets no one fetch an instance being updated).
fn dmarc_list(p: &Server, id: &str, field: &str) -> Option<Value> {
    let (status, body) = p.call("GET", &instance_path(id), None);
    match status {
        200 => Some(body["parameters"].get(field).cloned().unwrap_or(json!([]))),
        422 => None,
        _ => panic!("{} GET {id}: {status} {body}", p.name()),
    }
}

/// `(timestamp in microseconds of the day, process, operation id)` of every `aws call` line
/// a process logged (JSON logs).
fn aws_calls(p: &Server) -> Vec<(String, u64, String, String)> {
    p.lines()
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "aws call")
        .map(|line| {
            let stamp = line["timestamp"].as_str().unwrap();
            let (date, time) = stamp.split_once('T').unwrap();
            let time = time.trim_end_matches('Z');
            let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
            let seconds = hms
                .split(':')
                .map(|n| n.parse::<u64>().unwrap())
                .fold(0, |total, n| total * 60 + n);
            let micros: u64 = format!("{fraction:0<6}")[..6].parse().unwrap();
            (
                date.to_owned(),
                seconds * 1_000_000 + micros,
                p.name().to_owned(),
                line["operation_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The operations whose AWS calls overlapped in time with another's (every process's
/// operations here act on one instance); and how many operations and calls there were.
fn overlapping(processes: &[&Server]) -> (Vec<String>, usize, usize) {
    let mut calls: Vec<_> = processes.iter().flat_map(|p| aws_calls(p)).collect();
    calls.sort();
    let mut finished = BTreeSet::new();
    let mut current: Option<(String, String)> = None;
    let mut problems = Vec::new();
    for (_, _, process, operation) in &calls {
        let key = (process.clone(), operation.clone());
        if current.as_ref() == Some(&key) {
            continue;
        }
        if finished.contains(&key) {
            problems.push(format!(
                "{process} {operation} called AWS again after {:?} had",
                current
            ));
        }
        if let Some(previous) = current.replace(key) {
            finished.insert(previous);
        }
    }
    if let Some(last) = current {
        finished.insert(last);
    }
    (problems, finished.len(), calls.len())
}

#[test]
#[ignore = "needs PostgreSQL: .ci/check-postgres.sh starts a server and runs this test"]
fn one_operation_at_a_time_per_instance_across_two_processes() {
    const CLIENTS: usize = 8;
    const ROUNDS: usize = 12;
    let url = database("ses_broker_test_one_at_a_time");
    let (a, b) = pair(&url, &[]);
    let processes = [&a, &b];
    let id = "busy-1";
    let (status, body) = a.call("PUT", &instance_path(id), Some(&provision_body("busy.gov")));
    assert_eq!(status, 201, "{body}");

    // Each round, every client asks at the same moment (half through each process) for a
    // binding of its own on the one instance.
    let mut accepted: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut refused: Vec<(String, String)> = Vec::new();
    let mut accepted_by = [0usize; 2];
    let started = Instant::now();
    for round in 0..ROUNDS {
        let barrier = Barrier::new(CLIENTS);
        let answers: Vec<(usize, String, u16, Value)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..CLIENTS)
                .map(|client| {
                    let barrier = &barrier;
                    let p = processes[client % 2];
                    s.spawn(move || {
                        let bid = format!("b-{round}-{client}");
                        let path = format!("{}?accepts_incomplete=true", binding_path(id, &bid));
                        barrier.wait();
                        let (status, body) = p.call("PUT", &path, Some(&bind_body()));
                        (client, bid, status, body)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (client, bid, status, body) in answers {
            match status {
                202 => {
                    let operation = body["operation"].as_str().unwrap().to_owned();
                    accepted_by[client % 2] += 1;
                    accepted.insert(operation, (bid, processes[client % 2].name().to_owned()));
                }
                422 => {
                    assert_eq!(body["error"], "ConcurrencyError", "{body}");
                    refused.push((bid, body["description"].as_str().unwrap().to_owned()));
                }
                _ => panic!(
                    "bind {bid} through {}: {status} {body}",
                    processes[client % 2].name()
                ),
            }
        }
        // The round's binds finish (asked through the other process than each ran in).
        for (bid, through) in accepted.values() {
            let other = if through == "A" { &b } else { &a };
            let (status, body) = other.wait(&binding_path(id, bid), LIMIT);
            assert_eq!(
                (status, &body["state"]),
                (200, &json!("succeeded")),
                "{bid}: {body}"
            );
        }
    }
    let elapsed = started.elapsed();

    // Every refusal names an operation some client had been handed: the one holding the
    // instance.
    let mut problems = Vec::new();
    for (bid, description) in &refused {
        let holder = description
            .split(['(', ')'])
            .nth(1)
            .and_then(|inside| inside.split(' ').nth(1))
            .unwrap_or("");
        if !accepted.contains_key(holder) {
            problems.push(format!(
                "{bid} was refused for {holder:?}, which no client started: {description}"
            ));
        }
    }
    // What was accepted exists through both processes, with the same credentials; what was
    // refused exists nowhere.
    for (bid, _) in accepted.values() {
        let (sa, ba) = a.call("GET", &binding_path(id, bid), None);
        let (sb, bb) = b.call("GET", &binding_path(id, bid), None);
        if (sa, sb) != (200, 200) || ba["credentials"] != bb["credentials"] {
            problems.push(format!("binding {bid}: A {sa} B {sb}"));
        }
    }
    for (bid, _) in &refused {
        for p in processes {
            let (status, _) = p.call("GET", &binding_path(id, bid), None);
            if status != 404 {
                problems.push(format!(
                    "refused binding {bid} through {}: {status}",
                    p.name()
                ));
            }
        }
    }
    let (overlaps, operations, calls) = overlapping(&processes);
    problems.extend(overlaps);
    let rt = runtime();
    let counts = rt.block_on(store(&rt, &url).counts()).unwrap();
    if counts.bindings != i64::try_from(accepted.len()).unwrap() {
        problems.push(format!(
            "{} bindings stored, {} accepted",
            counts.bindings,
            accepted.len()
        ));
    }
    if counts.instance_operations + counts.binding_operations != 0 {
        problems.push(format!("operations left in flight: {counts:?}"));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    assert!(
        !refused.is_empty(),
        "no request ever met another's operation: the test proved nothing"
    );
    assert_eq!(operations, accepted.len() + 1, "operations that called AWS");
    println!(
        "postgres one-at-a-time: {} bind requests on one instance, {CLIENTS} at once through 2 processes ({ROUNDS} rounds, {:.1} s): {} accepted (A {}, B {}), {} refused with 422 ConcurrencyError naming the holder; {operations} operations made {calls} AWS calls, none overlapping another's; {} bindings in the database",
        CLIENTS * ROUNDS,
        elapsed.as_secs_f64(),
        accepted.len(),
        accepted_by[0],
        accepted_by[1],
        refused.len(),
        counts.bindings,
    );
}

/// What one client of the churn did, and what it left.
#[derive(Default)]
struct Churn {
    provisioned: usize,
    updated: usize,
    bound: usize,
    unbound: usize,
    deprovisioned: usize,
    refused: usize,
    /// Instances kept: id -> the DMARC aggregate list last set, and the binding.
    kept: BTreeMap<String, (Value, String)>,
    problems: Vec<String>,
}

/// Retries `call` while it answers 422 `ConcurrencyError` (counting them); its answer.
fn until_free(refused: &mut usize, mut call: impl FnMut() -> (u16, Value)) -> (u16, Value) {
    loop {
        let (status, body) = call();
        if status == 422 && body["error"] == "ConcurrencyError" {
            *refused += 1;
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        return (status, body);
    }
}

/// One client's instances: each provisioned through one process, read, updated, bound,
/// unbound and deprovisioned through alternating processes; every third kept.
fn churn(client: usize, instances: usize, processes: [&Server; 2]) -> Churn {
    let mut done = Churn::default();
    for j in 0..instances {
        let id = format!("churn-{client}-{j}");
        let domain = format!("churn-{client}-{j}.gov");
        let home = processes[(client + j) % 2];
        let other = processes[(client + j + 1) % 2];
        let (status, body) = home.call("PUT", &instance_path(&id), Some(&provision_body(&domain)));
        assert_eq!(
            status,
            201,
            "provision {id} through {}: {body}",
            home.name()
        );
        done.provisioned += 1;
        let mut last = json!([]);
        for u in 0..3 {
            let through = processes[(client + j + u) % 2];
            let address = format!("rua-{u}@{domain}");
            let (status, body) = until_free(&mut done.refused, || {
                through.call(
                    "PATCH",
                    &instance_path(&id),
                    Some(&dmarc_body("dmarc_report_aggregate_recipients", &address)),
                )
            });
            assert_eq!(
                status,
                200,
                "update {id} through {}: {body}",
                through.name()
            );
            done.updated += 1;
            last = json!([address]);
            for p in processes {
                let seen = dmarc_list(p, &id, "dmarc_report_aggregate_recipients");
                if seen.as_ref() != Some(&last) {
                    done.problems.push(format!(
                        "{id} through {} after update {u}: {seen:?}, not {last}",
                        p.name()
                    ));
                }
            }
        }
        let bid = format!("bind-{client}-{j}");
        let (status, made) = other.call("PUT", &binding_path(&id, &bid), Some(&bind_body()));
        assert_eq!(status, 201, "bind {bid} through {}: {made}", other.name());
        done.bound += 1;
        let (status, fetched) = home.call("GET", &binding_path(&id, &bid), None);
        if status != 200 || fetched["credentials"] != made["credentials"] {
            done.problems.push(format!(
                "{bid} through {}: {status}, other credentials",
                home.name()
            ));
        }
        if j % 3 == 0 {
            done.kept.insert(id, (last, bid));
            continue;
        }
        let (status, body) = home.call(
            "DELETE",
            &format!("{}?{IDS}", binding_path(&id, &bid)),
            None,
        );
        assert_eq!(status, 200, "unbind {bid} through {}: {body}", home.name());
        done.unbound += 1;
        let (status, body) = other.call("DELETE", &format!("{}?{IDS}", instance_path(&id)), None);
        assert_eq!(
            status,
            200,
            "deprovision {id} through {}: {body}",
            other.name()
        );
        done.deprovisioned += 1;
        for p in processes {
            let gone = (
                p.call("GET", &instance_path(&id), None).0,
                p.call("DELETE", &format!("{}?{IDS}", instance_path(&id)), None)
                    .0,
            );
            if gone != (404, 410) {
                done.problems.push(format!(
                    "{id} deleted, through {}: GET/DELETE {gone:?}",
                    p.name()
                ));
            }
        }
    }
    done
}

/// Two clients update different DMARC lists of one instance at once, through different
/// processes; before each update each reads the instance and finds its own list as it last
/// set it (a lost update would show the other's stale copy). How many updates were
/// refused with 422 while the other's held the instance, and what was wrong.
fn contend(id: &str, processes: [&Server; 2], updates: usize) -> (usize, Vec<String>) {
    let fields = [
        "dmarc_report_aggregate_recipients",
        "dmarc_report_failure_recipients",
    ];
    let outcomes: Vec<(usize, Vec<String>, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|side| {
                let through = processes[side];
                let reader = processes[1 - side];
                let field = fields[side];
                s.spawn(move || {
                    let mut refused = 0;
                    let mut problems = Vec::new();
                    let mut last = json!([]);
                    for u in 0..updates {
                        let seen = loop {
                            match dmarc_list(reader, id, field) {
                                Some(seen) => break seen,
                                None => {
                                    refused += 1;
                                    std::thread::sleep(Duration::from_millis(2));
                                }
                            }
                        };
                        if seen != last {
                            problems.push(format!(
                                "{id} {field} before update {u}: {seen}, but it was last set to {last} (lost update)"
                            ));
                        }
                        let address = format!("{side}-{u}@{id}.gov");
                        let (status, body) = until_free(&mut refused, || {
                            through.call("PATCH", &instance_path(id), Some(&dmarc_body(field, &address)))
                        });
                        assert_eq!(status, 200, "{body}");
                        last = json!([address]);
                    }
                    (refused, problems, last)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut refused = 0;
    let mut problems = Vec::new();
    for (side, (r, p, last)) in outcomes.into_iter().enumerate() {
        refused += r;
        problems.extend(p);
        for reader in processes {
            let seen = dmarc_list(reader, id, fields[side]);
            if seen.as_ref() != Some(&last) {
                problems.push(format!(
                    "{id} {} at the end through {}: {seen:?}, last set {last} (lost update)",
                    fields[side],
                    reader.name()
                ));
            }
        }
    }
    (refused, problems)
}

#[test]
#[ignore = "needs PostgreSQL: .ci/check-postgres.sh starts a server and runs this test"]
fn no_lost_update_across_two_processes() {
    const CLIENTS: usize = 4;
    const INSTANCES: usize = 6;
    const SHARED: usize = 2;
    const UPDATES: usize = 25;
    let url = database("ses_broker_test_no_lost_update");
    let (a, b) = pair(&url, &[]);
    let processes = [&a, &b];
    let started = Instant::now();
    let shared: Vec<String> = (0..SHARED).map(|n| format!("shared-{n}")).collect();
    for (n, id) in shared.iter().enumerate() {
        let (status, body) = processes[n % 2].call(
            "PUT",
            &instance_path(id),
            Some(&provision_body(&format!("{id}.gov"))),
        );
        assert_eq!(status, 201, "{body}");
    }
    let (churns, contended): (Vec<Churn>, Vec<(usize, Vec<String>)>) = std::thread::scope(|s| {
        let churns: Vec<_> = (0..CLIENTS)
            .map(|client| s.spawn(move || churn(client, INSTANCES, processes)))
            .collect();
        let contended: Vec<_> = shared
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let order = [processes[n % 2], processes[(n + 1) % 2]];
                s.spawn(move || contend(id, order, UPDATES))
            })
            .collect();
        (
            churns.into_iter().map(|h| h.join().unwrap()).collect(),
            contended.into_iter().map(|h| h.join().unwrap()).collect(),
        )
    });
    let elapsed = started.elapsed();

    let mut problems: Vec<String> = Vec::new();
    let mut kept = BTreeMap::new();
    let mut total = Churn::default();
    for done in churns {
        total.provisioned += done.provisioned;
        total.updated += done.updated;
        total.bound += done.bound;
        total.unbound += done.unbound;
        total.deprovisioned += done.deprovisioned;
        total.refused += done.refused;
        problems.extend(done.problems);
        kept.extend(done.kept);
    }
    let mut contention_refused = 0;
    for (refused, found) in contended {
        contention_refused += refused;
        problems.extend(found);
    }
    // Every instance kept reads the same through both processes, with its last update.
    for (id, (last, bid)) in &kept {
        for p in processes {
            let seen = dmarc_list(p, id, "dmarc_report_aggregate_recipients");
            if seen.as_ref() != Some(last) {
                problems.push(format!(
                    "kept {id} through {}: {seen:?}, last set {last}",
                    p.name()
                ));
            }
            let (status, _) = p.call("GET", &binding_path(id, bid), None);
            if status != 200 {
                problems.push(format!("kept {bid} through {}: {status}", p.name()));
            }
        }
    }
    // The database holds what the clients saw succeed, and nothing in flight or failed.
    let rt = runtime();
    let counts = rt.block_on(store(&rt, &url).counts()).unwrap();
    let instances = total.provisioned - total.deprovisioned + SHARED;
    let bindings = total.bound - total.unbound;
    let table = [
        ("instances", counts.instances, instances),
        ("bindings", counts.bindings, bindings),
        (
            "operations in flight",
            counts.instance_operations + counts.binding_operations,
            0,
        ),
        (
            "deleted instances and bindings",
            count(&rt, &url, "SELECT COUNT(*) FROM deleted"),
            total.deprovisioned + total.unbound,
        ),
        (
            "last operations not succeeded",
            count(
                &rt,
                &url,
                "SELECT COUNT(*) FROM last_operations WHERE state <> 'succeeded'",
            ),
            0,
        ),
    ];
    for (what, stored, seen) in table {
        if stored != i64::try_from(seen).unwrap() {
            problems.push(format!(
                "{what}: {stored} in the database, {seen} from what the clients saw"
            ));
        }
    }
    println!(
        "postgres no-lost-update: {CLIENTS} clients x {INSTANCES} instances through alternating processes ({} provisioned, {} updated, {} bound, {} unbound, {} deprovisioned, {} 422 retried) and {SHARED} instances each updated {UPDATES}x by 2 clients at once through different processes ({contention_refused} 422 retried), {:.1} s; the database holds {} instances and {} bindings; {} problem(s)",
        total.provisioned,
        total.updated,
        total.bound,
        total.unbound,
        total.deprovisioned,
        total.refused,
        elapsed.as_secs_f64(),
        counts.instances,
        counts.bindings,
        problems.len(),
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// Starts an operation through `doomed` (with `--crash-after-aws-calls 1`), checks it dies
/// with the operation stored as its own, and that `survivor` takes it over and finishes it;
/// the seconds from the death to `last_operation` succeeded.
fn taken_over(
    rt: &tokio::runtime::Runtime,
    store: &Store,
    survivor: &Server,
    doomed: &mut Server,
    body: &Value,
    instance: &InstanceId,
    binding: Option<&BindingId>,
) -> f64 {
    let target = &binding.map_or_else(
        || instance_path(instance.as_str()),
        |bid| binding_path(instance.as_str(), bid.as_str()),
    );
    // The stand-in answers at once, so the process may die before its 202 is out: then
    // the operation's id comes from the database.
    let answered = doomed.try_call(
        "PUT",
        &format!("{target}?accepts_incomplete=true"),
        Some(body),
    );
    let exit = doomed
        .exited(LIMIT)
        .expect("the doomed process did not die");
    assert_eq!(
        exit.signal(),
        Some(6),
        "{} should abort (SIGABRT): {exit:?}",
        doomed.name()
    );
    let died = Instant::now();
    let stored = rt
        .block_on(store.operation(instance))
        .unwrap()
        .expect("no operation stored");
    if let Ok((status, answer)) = answered {
        assert_eq!(status, 202, "{answer}");
        assert_eq!(answer["operation"], json!(stored.id));
    }
    let operation = stored.id.clone();
    assert!(
        stored.progress.is_some(),
        "no progress saved before the first AWS call"
    );
    let (status, body) = survivor.call("GET", &format!("{target}/last_operation"), None);
    assert_eq!(
        (status, &body["state"]),
        (200, &json!("in progress")),
        "{body}"
    );

    let (status, body) = survivor.wait(target, LIMIT);
    let seconds = died.elapsed().as_secs_f64();
    assert_eq!(
        (status, &body["state"]),
        (200, &json!("succeeded")),
        "{body}"
    );
    let last = rt
        .block_on(store.last_operation(instance, binding))
        .unwrap()
        .unwrap();
    assert_eq!(
        (last.id.as_str(), last.state),
        (operation.as_str(), OpState::Succeeded)
    );
    assert!(
        rt.block_on(store.operation(instance)).unwrap().is_none(),
        "the operation is still held"
    );
    let took_over = survivor.lines().iter().any(|line| {
        serde_json::from_str::<Value>(line).is_ok_and(|line| {
            line["message"] == "taking over an operation whose process stopped"
                && line["operation_id"] == json!(operation)
        })
    });
    assert!(
        took_over,
        "{} never said it took {operation} over",
        survivor.name()
    );
    let (status, body) = survivor.call("GET", target, None);
    assert_eq!(status, 200, "{body}");
    seconds
}

#[test]
#[ignore = "needs PostgreSQL: .ci/check-postgres.sh starts a server and runs this test"]
fn a_killed_process_s_operation_is_taken_over_by_the_other() {
    let url = database("ses_broker_test_take_over");
    // The doomed process dies right after its first AWS call answers (its stand-in dies
    // with it); the survivor resumes with that call, so its own stand-in ends holding
    // everything.
    let (a, mut b) = pair(&url, &["--crash-after-aws-calls", "1"]);
    let rt = runtime();
    let store = store(&rt, &url);
    let id = InstanceId::parse("taken-1").unwrap();
    let provision = taken_over(
        &rt,
        &store,
        &a,
        &mut b,
        &provision_body("taken.gov"),
        &id,
        None,
    );
    let mut c = broker("C", &url, &["--crash-after-aws-calls", "1"])
        .unwrap_or_else(|said| panic!("C did not start:\n{said}"));
    let bid = BindingId::parse("taken-b").unwrap();
    let bind = taken_over(&rt, &store, &a, &mut c, &bind_body(), &id, Some(&bid));
    let counts = rt.block_on(store.counts()).unwrap();
    assert_eq!((counts.instances, counts.bindings), (1, 1), "{counts:?}");
    println!(
        "postgres take-over: a provision and a bind each started through a process that aborted after its first AWS call; A took each over after the 1 s lease and finished it ({provision:.1} s and {bind:.1} s from the death to last_operation succeeded)"
    );
}

/// Sends `call` until it answers something but 422 `ConcurrencyError` (or `limit`
/// passes); every answer but those 422s, in order.
fn hammer(limit: Duration, mut call: impl FnMut() -> (u16, Value)) -> Vec<(u16, Value)> {
    let started = Instant::now();
    let mut answers = Vec::new();
    while started.elapsed() < limit {
        let (status, body) = call();
        if status == 422 && body["error"] == "ConcurrencyError" {
            continue;
        }
        let done = status != 200;
        answers.push((status, body));
        if done {
            break;
        }
    }
    answers
}

#[test]
#[ignore = "needs PostgreSQL: .ci/check-postgres.sh starts a server and runs this test"]
fn an_update_racing_a_deprovision_leaves_no_operation_behind() {
    // Updates sent without pause through both processes while a deprovision runs: the one
    // whose instance vanishes between its read and its start must not leave its operation
    // holding the deleted instance.
    const ROUNDS: usize = 6;
    const CLIENTS: usize = 4;
    let url = database("ses_broker_test_update_vs_deprovision");
    let (a, b) = pair(&url, &[]);
    let processes = [&a, &b];
    let rt = runtime();
    let store = store(&rt, &url);
    let mut problems = Vec::new();
    let mut raced = 0;
    for round in 0..ROUNDS {
        let id = format!("race-{round}");
        let (status, body) = a.call(
            "PUT",
            &instance_path(&id),
            Some(&provision_body(&format!("{id}.gov"))),
        );
        assert_eq!(status, 201, "{body}");
        let (deleted, answers) = std::thread::scope(|s| {
            let updates: Vec<_> = (0..CLIENTS)
                .map(|client| {
                    let p = processes[client % 2];
                    let id = &id;
                    s.spawn(move || {
                        hammer(LIMIT, || {
                            p.call(
                                "PATCH",
                                &instance_path(id),
                                Some(&dmarc_body(
                                    "dmarc_report_aggregate_recipients",
                                    &format!("{client}@{id}.gov"),
                                )),
                            )
                        })
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_millis(20));
            let mut refused = 0;
            let deleted = until_free(&mut refused, || {
                b.call("DELETE", &format!("{}?{IDS}", instance_path(&id)), None)
            });
            let answers: Vec<_> = updates
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect();
            (deleted, answers)
        });
        assert_eq!(deleted.0, 200, "deprovision {id}: {}", deleted.1);
        for (status, body) in &answers {
            match status {
                200 | 404 => {}
                410 => raced += 1,
                _ => problems.push(format!("update of {id}: {status} {body}")),
            }
        }
        // Whatever raced, once the deprovision is answered nothing holds the instance.
        std::thread::sleep(Duration::from_millis(200));
        if let Some(held) = rt
            .block_on(store.operation(&InstanceId::parse(&id).unwrap()))
            .unwrap()
        {
            problems.push(format!(
                "{id} is deleted but still held by {} {} (owner {}): every later request on it gets 422",
                held.kind, held.id, held.owner
            ));
        }
        let (status, body) = a.call(
            "GET",
            &format!("{}/last_operation", instance_path(&id)),
            None,
        );
        if status != 410 {
            problems.push(format!(
                "{id} last_operation after its deprovision: {status} {body}, not 410"
            ));
        }
    }
    println!(
        "postgres update-vs-deprovision: {ROUNDS} deprovisions, each raced by {CLIENTS} clients updating through both processes; {raced} update(s) started on an instance deleted in between"
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
#[ignore = "needs PostgreSQL: .ci/check-postgres.sh starts a server and runs this test"]
fn a_provision_racing_a_finishing_one_gets_409_not_a_second_instance() {
    // While one client's provision runs, others ask, through the other process, for the same
    // instance with other parameters, without pause: each must get 422 while it runs and 409
    // once it exists; none may provision it again over the first.
    const ROUNDS: usize = 6;
    const CLIENTS: usize = 3;
    let url = database("ses_broker_test_provision_race");
    let (a, b) = pair(&url, &[]);
    let mut problems = Vec::new();
    let mut answered = BTreeMap::<u16, usize>::new();
    for round in 0..ROUNDS {
        let id = format!("twin-{round}");
        let domain = format!("{id}.gov");
        let mut other = provision_body(&domain);
        other["parameters"]["admin_email"] = json!(format!("someone-else@{domain}"));
        let (first, answers) = std::thread::scope(|s| {
            let racers: Vec<_> = (0..CLIENTS)
                .map(|_| {
                    let (id, other, b) = (&id, &other, &b);
                    s.spawn(move || {
                        // Not before the first provision holds the instance.
                        let path = format!("{}/last_operation", instance_path(id));
                        while b.call("GET", &path, None).0 == 404 {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        hammer(LIMIT, || b.call("PUT", &instance_path(id), Some(other)))
                    })
                })
                .collect();
            let first = a.call("PUT", &instance_path(&id), Some(&provision_body(&domain)));
            let answers: Vec<_> = racers.into_iter().flat_map(|h| h.join().unwrap()).collect();
            (first, answers)
        });
        assert_eq!(first.0, 201, "{}", first.1);
        for (status, body) in &answers {
            *answered.entry(*status).or_default() += 1;
            if *status != 409 {
                let said = if *status == 201 {
                    "a second provision ran over the first".to_owned()
                } else {
                    body.to_string()
                };
                problems.push(format!(
                    "a provision of {id} with other parameters: {status} ({said}), not 409"
                ));
            }
        }
        for p in [&a, &b] {
            let (status, body) = p.call("GET", &instance_path(&id), None);
            let admin = &body["parameters"]["admin_email"];
            if status != 200 || *admin != json!(format!("admin@{domain}")) {
                problems.push(format!(
                    "{id} through {}: {status}, admin_email {admin} (the first provision's is admin@{domain})",
                    p.name()
                ));
            }
        }
    }
    println!(
        "postgres provision race: {ROUNDS} provisions, each raced by {CLIENTS} clients with other parameters through the other process; final answers by status: {answered:?}"
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
