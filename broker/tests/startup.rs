//! What the built binary logs when it starts: with `--log-format json` every line is a JSON
//! object (the start's own lines included, so a log pipeline never meets a stray text line),
//! and the in-memory stand-in warns when the state it opens holds instances from an earlier
//! run, whose AWS resources went with that run.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use support::server::{Server, credentials};
use support::{INSTANCE_A, provision_body};

/// A broker on the stand-in with its state in `state`, logging in `format`.
fn start(state: &Path, format: &str) -> Server {
    let state = state.to_str().unwrap().to_owned();
    let format = format.to_owned();
    Server::start(move |command: &mut Command, _| {
        credentials(command).args([
            "--aws",
            "memory",
            "--state",
            &state,
            "--log-format",
            &format,
        ]);
    })
    .unwrap_or_else(|said| panic!("the broker did not start:\n{said}"))
}

#[test]
fn json_logs_are_json_from_the_first_line_and_the_stand_in_warns_of_an_earlier_runs_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");

    let first = start(&state, "json");
    let (status, body) = first.call(
        "PUT",
        &format!("/v2/service_instances/{INSTANCE_A}"),
        Some(&provision_body(&json!({"admin_email": "admin@agency.gov"}))),
    );
    assert_eq!(status, 201, "{body}");
    let lines = first.lines();
    drop(first);
    let events: Vec<Value> = lines
        .iter()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
        })
        .collect();
    let startup: Vec<&str> = events
        .iter()
        .filter(|e| e["target"] == "ses_broker_server::startup")
        .filter_map(|e| e["message"].as_str())
        .collect();
    for message in ["state in SQLite", "listening"] {
        assert!(startup.contains(&message), "{message}: {startup:?}");
    }
    assert!(
        !startup.iter().any(|m| m.contains("starts empty")),
        "an empty state is no reason to warn: {startup:?}"
    );

    // The same state, a new stand-in: it says the stored instance's resources are gone.
    let second = start(&state, "text");
    let warning = second
        .lines()
        .into_iter()
        .find(|line| line.contains("--aws memory starts empty"))
        .unwrap_or_else(|| panic!("no warning: {:#?}", second.lines()));
    assert!(warning.contains(" WARN "), "{warning}");
    assert!(warning.contains("instances=1"), "{warning}");
    assert!(warning.contains("bindings=0"), "{warning}");
}
