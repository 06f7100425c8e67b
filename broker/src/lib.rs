//! `ses-broker-server`: the reference Open Service Broker API v2.17 broker for Amazon SES
//! (SPEC 11) on the `ses-broker` core.
//!
//! - [`osbapi`]: requests, responses and the protocol's rules;
//! - [`broker`]: the endpoints, which derive the desired AWS state from the core and keep
//!   instances and bindings in a [`store::Store`];
//! - [`run`]: the operation loop over the core's `aws::Driver`;
//! - [`aws`]: the [`aws::Aws`] trait (one AWS call per core operation) with two
//!   implementations, [`sdk::SdkAws`] (the AWS SDK for Rust) and [`memory::InMemoryAws`]
//!   (a stand-in);
//! - [`alarms`]: reputation alarms arriving over SNS, verified and decided by the core;
//! - [`http`]: axum; [`cli`] and [`config`]: the command line and the operator's configuration.
#![allow(clippy::print_stderr, reason = "a server logs to standard error")]

pub mod alarms;
pub mod aws;
pub mod broker;
pub mod cli;
pub mod config;
pub mod http;
pub mod memory;
pub mod operations;
pub mod osbapi;
pub mod pausing;
pub mod run;
pub mod sdk;
pub mod store;
pub mod telemetry;
