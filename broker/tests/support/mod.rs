//! What the lifecycle tests share: the desired state SPEC 10 asks for, derived from the
//! core's `InstanceState` and `BindingState`, as a normalised snapshot of AWS resources;
//! the comparison of that with what an AWS (the stand-in or moto) holds; and the scenario
//! both tests drive through OSBAPI requests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: a failed assertion is how a test reports"
)]

use std::collections::BTreeMap;

mod expect;
pub mod local;
mod scenario;
pub mod server;
mod world;

pub use expect::expect_all;
#[allow(
    unused_imports,
    reason = "the conformance test speaks HTTP only, without the lifecycle scenario"
)]
pub use scenario::{
    BINDING, Harness, IDS, INSTANCE_A, INSTANCE_B, bind_body, context_value, instance_state,
    provision_body, scenario,
};
#[allow(
    unused_imports,
    reason = "the emulator test reads moto, not the stand-in"
)]
pub use world::observe_world;

use serde_json::{Value, json};

/// Settings by name.
pub type Settings = BTreeMap<String, Value>;

/// Resources by `<service> <kind> <name>`, each with its settings.
pub type Snapshot = BTreeMap<String, Settings>;

/// What an AWS holds, normalised, plus what the expectation is made from (the DKIM tokens
/// and name servers AWS chose) and the keys pending deletion.
#[derive(Debug, Default)]
pub struct Observed {
    /// The resources.
    pub snapshot: Snapshot,
    /// Each identity's DKIM tokens.
    pub dkim_tokens: BTreeMap<String, Vec<String>>,
    /// Each hosted zone's name servers (no trailing dot).
    pub name_servers: BTreeMap<String, Vec<String>>,
    /// The deletion window (days) of every key pending deletion, when known.
    pub pending_keys: Vec<Option<i64>>,
}

/// A setting an AWS cannot show: `(resource kind, setting, why)`. The setting
/// [`PRESENCE`] means the AWS may not show every resource of the kind at all: a missing
/// one is counted as unchecked (the ones it shows are compared in full).
pub type Unchecked = (&'static str, &'static str, &'static str);

/// See [`Unchecked`].
pub const PRESENCE: &str = "(presence)";

/// How far the comparisons went.
#[derive(Debug, Default)]
pub struct Tally {
    /// Resources found as expected.
    pub resources: usize,
    /// Settings found equal.
    pub settings: usize,
    /// Settings the AWS could not show, by `kind setting`.
    pub unchecked: BTreeMap<String, usize>,
}

pub(crate) fn tags(state_tags: &ses_broker::aws::Tags) -> Value {
    Value::Object(
        state_tags
            .iter()
            .map(|t| (t.key().to_owned(), json!(t.value())))
            .collect(),
    )
}

pub(crate) fn sorted(mut list: Vec<String>) -> Value {
    list.sort();
    json!(list)
}

pub(crate) fn trim_dots(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| s.trim_end_matches('.').to_owned())
        .collect()
}

/// The resource kind of a snapshot key (`ses identity`, `kms key`, ...).
pub fn kind(key: &str) -> String {
    key.splitn(3, ' ').take(2).collect::<Vec<_>>().join(" ")
}

/// The topic name at the end of a topic ARN.
pub(crate) fn topic_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// Compares `expected` with `observed` resource by resource and setting by setting: every
/// difference, missing resource and unexpected resource, all at once. A setting the AWS
/// cannot show (in `unchecked`) is counted, not compared.
pub fn differences(
    expected: &Snapshot,
    observed: &Snapshot,
    unchecked: &[Unchecked],
    tally: &mut Tally,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, want) in expected {
        let Some(found) = observed.get(key) else {
            if unchecked
                .iter()
                .any(|(k, s, _)| *k == kind(key) && *s == PRESENCE)
            {
                *tally
                    .unchecked
                    .entry(format!("{} {PRESENCE}", kind(key)))
                    .or_default() += 1;
            } else {
                problems.push(format!("missing: {key}"));
            }
            continue;
        };
        tally.resources += 1;
        for (setting, value) in want {
            let skipped = unchecked
                .iter()
                .any(|(k, s, _)| *k == kind(key) && s == setting);
            match found.get(setting) {
                _ if skipped => {
                    *tally
                        .unchecked
                        .entry(format!("{} {setting}", kind(key)))
                        .or_default() += 1;
                }
                Some(got) if got == value => tally.settings += 1,
                Some(got) => problems.push(format!("{key}: {setting} is {got}, expected {value}")),
                None => problems.push(format!("{key}: {setting} was not read back")),
            }
        }
    }
    for key in observed.keys() {
        if !expected.contains_key(key) {
            problems.push(format!("unexpected: {key} {}", json!(observed[key])));
        }
    }
    problems
}

/// [`differences`], failing the test on any.
pub fn compare(
    step: &str,
    expected: &Snapshot,
    observed: &Snapshot,
    unchecked: &[Unchecked],
    tally: &mut Tally,
) {
    let problems = differences(expected, observed, unchecked, tally);
    assert!(
        problems.is_empty(),
        "{step}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    eprintln!("{step}: {} resources as expected", expected.len());
}

/// Prints the tally the way CI shows it.
pub fn report(name: &str, tally: &Tally, unchecked: &[Unchecked]) {
    println!(
        "{name}: {} resources and {} settings compared with the core's desired state",
        tally.resources, tally.settings
    );
    for (what, count) in &tally.unchecked {
        let why = unchecked
            .iter()
            .find(|(k, s, _)| format!("{k} {s}") == *what)
            .map_or("", |(_, _, why)| why);
        println!("{name}: not checked ({count}x): {what}: {why}");
    }
}
