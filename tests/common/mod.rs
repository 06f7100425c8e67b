//! What the integration test binaries share.
#![allow(clippy::panic, reason = "a test helper fails by panicking")]

use std::path::PathBuf;

/// The text of `tests/data/DIR/NAME`.
pub(crate) fn data_file(dir: &str, name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", dir, name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
