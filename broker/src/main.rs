//! `ses-broker-server`: the reference Open Service Broker API v2.17 broker for Amazon SES.
//!
//! ```text
//! ses-broker-server --password PASS [--listen 127.0.0.1:8080] [--username USER]
//!                   [--config FILE] [--aws memory|sdk] [--aws-endpoint URL]
//!                   [--state ses-broker.db|postgres://...] [--operation-lease SECONDS]
//!                   [--log-format text|json] [--sns-certificates DIR]
//! ```
#![allow(clippy::print_stderr, reason = "a server logs to standard error")]

use std::process::ExitCode;

use clap::Parser as _;
use ses_broker::BrokerConfig;
use std::time::Duration;

use ses_broker_server::alarms::{AlarmReceiver, HttpsSns, ReceiverSettings, load_certificate_dir};
use ses_broker_server::aws::{Aws, CrashAfter};
use ses_broker_server::broker::Broker;
use ses_broker_server::cli::{Args, AwsChoice};
use ses_broker_server::memory::InMemoryAws;
use ses_broker_server::pausing::AlarmEndpoint;
use ses_broker_server::sdk::SdkAws;
use ses_broker_server::store::Store;
use ses_broker_server::telemetry::{MeteredAws, Metrics};
use ses_broker_server::{config, http, telemetry};

/// The target of the lines a start logs (what it serves, with what, from where).
const STARTUP: &str = "ses_broker_server::startup";

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(message) = args.check() {
        eprintln!("ses-broker-server: {message}");
        return ExitCode::from(2);
    }
    if let Err(e) = telemetry::init_logging(args.log_format) {
        eprintln!("ses-broker-server: cannot start logging: {e}");
        return ExitCode::from(1);
    }
    // From here on every line is a log event, in the format `--log-format` chose.
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(target: STARTUP, "cannot serve: {message}");
            ExitCode::from(1)
        }
    }
}

async fn run(args: &Args) -> Result<(), String> {
    let text = config::read(args.config.as_deref())?;
    match args.aws {
        AwsChoice::Memory => {
            let config = read_config(&text)?;
            let principal = config.broker_principal_arn().map_or_else(
                || {
                    format!(
                        "arn:{}:iam::{}:root",
                        config.partition(),
                        config.account_id()
                    )
                },
                ToString::to_string,
            );
            let aws = InMemoryAws::new(
                config.account_id().as_str(),
                &config.partition().to_string(),
                config.region().as_str(),
                &principal,
            );
            if let Some(parent) = config.parent_hosted_zone_id() {
                aws.add_hosted_zone(parent, config.default_zone());
            }
            serve(args, config, aws).await
        }
        AwsChoice::Sdk => {
            let aws = SdkAws::connect(&config::region(&text)?, args.aws_endpoint.as_deref()).await;
            let identity = aws.caller_identity().await?;
            tracing::info!(
                target: STARTUP,
                arn = %identity.arn,
                account = %identity.account,
                "AWS credentials found"
            );
            let config = read_config(&config::with_identity(&text, &identity)?)?;
            if config.dns_account_id() != config.account_id() {
                // Route 53 calls name their account; the adapter has one set of
                // credentials, the SES account's.
                return Err(format!(
                    "dns_account_id: {} is not the SES account {}; a separate DNS account is not supported by --aws sdk yet",
                    config.dns_account_id(),
                    config.account_id()
                ));
            }
            serve(args, config, aws).await
        }
    }
}

/// The stand-in AWS lives in this process's memory: a state file that outlives it holds
/// instances whose resources the next start no longer has. Said once at start, with the
/// numbers, so a reader of the log knows why a deprovision then finds nothing to delete.
async fn warn_of_a_forgetful_stand_in(store: &Store) {
    match store.counts().await {
        Ok(counts) if counts.instances > 0 => tracing::warn!(
            target: STARTUP,
            instances = counts.instances,
            bindings = counts.bindings,
            "--aws memory starts empty, but the state holds instances from an earlier run: \
             their AWS resources are gone with that process (use a fresh --state for the stand-in)"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(target: STARTUP, error = %e, "cannot count the stored instances"),
    }
}

fn read_config(text: &str) -> Result<BrokerConfig, String> {
    BrokerConfig::from_json(text).map_err(|e| format!("configuration: {e}"))
}

async fn serve<A: Aws>(args: &Args, config: BrokerConfig, aws: A) -> Result<(), String> {
    match args.crash_after_aws_calls {
        Some(n) => serve_with(args, config, CrashAfter::new(aws, n)).await,
        None => serve_with(args, config, aws).await,
    }
}

async fn serve_with<A: Aws>(args: &Args, config: BrokerConfig, aws: A) -> Result<(), String> {
    tracing::info!(
        target: STARTUP,
        aws = match args.aws {
            AwsChoice::Memory => "memory",
            AwsChoice::Sdk => "sdk",
        },
        "AWS is {}",
        aws.describe()
    );
    let store = Store::open(&args.state, config)
        .await
        .map_err(|e| format!("--state: {e}"))?;
    match store.backend() {
        ses_broker_server::store::Backend::Sqlite => {
            tracing::info!(target: STARTUP, file = %args.state, "state in SQLite");
        }
        ses_broker_server::store::Backend::Postgres => {
            // The URL may carry a password: never logged.
            tracing::info!(target: STARTUP, "state in PostgreSQL");
        }
    }
    if matches!(args.aws, AwsChoice::Memory) {
        warn_of_a_forgetful_stand_in(&store).await;
    }
    let metrics = Metrics::new();
    let broker = Broker::new(
        MeteredAws::new(aws, metrics.clone()),
        store,
        metrics,
        &args.username,
        &args.password,
        Duration::from_secs(args.operation_lease),
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    // Operations a crash interrupted are taken over once their lease runs out; the watcher
    // also keeps this process's own operations alive.
    tokio::spawn(broker.watch());
    tracing::info!(target: STARTUP, url = %format!("http://{local}"), "listening");
    let mut receiver = AlarmReceiver::new(
        broker.config(),
        HttpsSns::new(),
        ReceiverSettings::default(),
    );
    if let Some(dir) = &args.sns_certificates {
        let certificates = load_certificate_dir(dir)
            .map_err(|e| format!("--sns-certificates {}: {e}", dir.display()))?;
        tracing::info!(
            target: STARTUP,
            certificates = %certificates.names().join(", "),
            "SNS signing certificates pre-seeded from --sns-certificates"
        );
        receiver = receiver.with_certificates(certificates);
    }
    let topics: Vec<&str> = receiver.topics().collect();
    if topics.is_empty() {
        tracing::warn!(
            target: STARTUP,
            "no platform_topic_arns configured: POST /sns/alarms refuses every message"
        );
    } else {
        tracing::info!(
            target: STARTUP,
            topics = %topics.join(", "),
            "POST /sns/alarms receives the platform topics"
        );
    }
    let alarms = AlarmEndpoint::new(broker.clone(), receiver);
    axum::serve(listener, http::router(broker, alarms))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("serving: {e}"))
}
