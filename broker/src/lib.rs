//! The reference broker (SPEC 11) on the `ses-broker` core.
#![allow(clippy::print_stderr, reason = "a server logs to standard error")]
pub mod aws;
pub mod cli;
pub mod config;
pub mod http;
pub mod osbapi;
