//! The documentation stands on its own where it is read (docs.rs, a repository page): it
//! points at nothing outside the crate, and says what the code does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail by panicking"
)]

use std::path::{Path, PathBuf};

/// Pointers into the project's private notes, which docs.rs does not have.
const OUTSIDE: [&str; 8] = [
    "SPEC",
    "reference/",
    "../shared",
    "DESIGN.md",
    "STYLE.md",
    "the issue",
    "Issue ",
    "issue ",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Issue 10 item 10: doc comments cited `SPEC §7`, `reference/*.md` and "the issue",
/// dead links on docs.rs.
#[test]
fn docs_point_at_nothing_outside_the_crate() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    assert!(files.len() > 20, "{files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if !(trimmed.starts_with("///") || trimmed.starts_with("//!")) {
                continue;
            }
            if let Some(pattern) = OUTSIDE.iter().find(|p| trimmed.contains(**p)) {
                found.push(format!(
                    "{}:{}: {pattern:?}: {trimmed}",
                    file.display(),
                    n + 1
                ));
            }
        }
    }
    let rationale = std::fs::read_to_string(root().join("docs/rationale.md")).unwrap();
    for (n, line) in rationale.lines().enumerate() {
        if let Some(pattern) = OUTSIDE.iter().find(|p| line.contains(**p)) {
            found.push(format!("docs/rationale.md:{}: {pattern:?}: {line}", n + 1));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Issue 10 item 10: the deployed broker now publishes the NS delegation at the generated
/// domain itself, so it is no longer a difference.
#[test]
fn the_ns_delegation_is_not_listed_as_a_difference() {
    for file in ["README.md", "docs/rationale.md", "src/dns/required.rs"] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for stale in [
            "equal to the instance id",
            "after the instance id",
            "Deviation",
        ] {
            assert!(!text.contains(stale), "{file} still says {stale:?}");
        }
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(!readme.contains("| NS delegation"), "README table row");
}
