//! Why the thresholds, derivations and names are what they are, and why each difference
//! from the deployed cloud.gov broker. Documentation only: this module has no items.
//!
//! The text lives in `docs/rationale.md`, so it reads the same on a repository page.
#![doc = include_str!("../docs/rationale.md")]
