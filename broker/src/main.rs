//! `ses-broker-server`: the reference Open Service Broker API v2.17 broker for Amazon SES.
//!
//! ```text
//! ses-broker-server --password PASS [--listen 127.0.0.1:8080] [--username USER]
//!                   [--config FILE] [--aws memory|sdk] [--aws-endpoint URL]
//! ```
#![allow(clippy::print_stderr, reason = "a server logs to standard error")]

use std::process::ExitCode;

use clap::Parser as _;
use ses_broker::BrokerConfig;
use ses_broker_server::aws::InMemoryAws;
use ses_broker_server::cli::{Args, AwsChoice};
use ses_broker_server::osbapi::Broker;
use ses_broker_server::{config, http};

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(message) = args.check() {
        eprintln!("ses-broker-server: {message}");
        return ExitCode::from(2);
    }
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ses-broker-server: {message}");
            ExitCode::from(1)
        }
    }
}

async fn run(args: &Args) -> Result<(), String> {
    let text = config::read(args.config.as_deref())?;
    let config = BrokerConfig::from_json(&text).map_err(|e| format!("configuration: {e}"))?;
    match args.aws {
        AwsChoice::Memory => {
            eprintln!(
                "ses-broker-server: --aws memory: AWS is an in-memory stand-in; nothing reaches AWS, and stopping forgets every instance"
            );
            let broker = Broker::new(config, InMemoryAws::default(), &args.username, &args.password);
            serve(args, http::router(broker)).await
        }
        AwsChoice::Sdk => Err("--aws sdk: not yet".to_owned()),
    }
}

async fn serve(args: &Args, router: axum::Router) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    eprintln!("ses-broker-server: listening on http://{}", args.listen);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("serving: {e}"))
}
