//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// `ses-broker-server`: an Open Service Broker API v2.17 broker for Amazon SES.
#[derive(Debug, Clone, Parser)]
#[command(name = "ses-broker-server", version, about)]
pub struct Args {
    /// The address to listen on (HTTP; put TLS in front of it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The HTTP Basic user name the platform authenticates with.
    #[arg(long, default_value = "USER")]
    pub username: String,
    /// The HTTP Basic password the platform authenticates with.
    #[arg(long)]
    pub password: String,
    /// The operator's configuration, the JSON `BrokerConfig::from_json` reads (without it,
    /// a built-in demonstration configuration).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Which AWS to drive: `memory`, an in-memory stand-in for trying the broker anywhere, or
    /// `sdk`, the real services through the AWS SDK for Rust and the standard credential chain.
    #[arg(long, value_enum, default_value_t = AwsChoice::Memory)]
    pub aws: AwsChoice,
    /// With `--aws sdk`: send every AWS call to this endpoint (an emulator such as moto).
    #[arg(long, value_name = "URL")]
    pub aws_endpoint: Option<String>,
    /// Where the state is kept: a SQLite file (created if missing), or a `postgres://` URL
    /// for several broker processes sharing the work.
    #[arg(long, value_name = "PATH|URL", default_value = "ses-broker.db")]
    pub state: String,
    /// Seconds an operation's process may stay silent before another process (or this one,
    /// restarted) takes the operation over and resumes it.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub operation_lease: u64,
    /// For crash tests only: abort the process right after the N-th AWS call answers,
    /// before the answer is saved (what `kill -9` at the worst moment does).
    #[arg(long, value_name = "N", hide = true)]
    pub crash_after_aws_calls: Option<u64>,
    /// A directory of SNS signing certificates, each named as the last segment of its URL
    /// (`SimpleNotificationService-....pem`): used instead of fetching them, for
    /// deployments without internet egress. They must still pass the URL rules and be
    /// inside their validity period.
    #[arg(long, value_name = "DIR")]
    pub sns_certificates: Option<PathBuf>,
    /// How log lines are written: `text` for people, `json` for a log pipeline.
    #[arg(long, value_enum, default_value_t = crate::telemetry::LogFormat::Text)]
    pub log_format: crate::telemetry::LogFormat,
}

/// The value of `--aws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AwsChoice {
    /// The in-memory stand-in.
    Memory,
    /// The AWS SDK for Rust.
    Sdk,
}

impl Args {
    /// The problems clap cannot see: empty credentials, an endpoint without `--aws sdk`.
    ///
    /// # Errors
    /// A message naming the flag.
    pub fn check(&self) -> Result<(), String> {
        if self.username.is_empty() || self.password.is_empty() {
            return Err("--username and --password must not be empty".to_owned());
        }
        if self.aws_endpoint.is_some() && self.aws != AwsChoice::Sdk {
            return Err("--aws-endpoint needs --aws sdk".to_owned());
        }
        if self.state.trim().is_empty() {
            return Err("--state must name a SQLite file or a postgres:// URL".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        reason = "a failed assertion is how a test reports"
    )]
    use super::*;
    use crate::telemetry::LogFormat;

    fn parse(args: &[&str]) -> Result<Args, String> {
        let args =
            Args::try_parse_from(std::iter::once("ses-broker-server").chain(args.iter().copied()))
                .map_err(|e| e.to_string())?;
        args.check()?;
        Ok(args)
    }

    #[test]
    fn defaults_are_loopback_and_the_stand_in() {
        let args = parse(&["--password", "p"]).unwrap();
        assert_eq!(args.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(args.username, "USER");
        assert_eq!(args.aws, AwsChoice::Memory);
        assert!(args.config.is_none() && args.aws_endpoint.is_none());
        assert_eq!(args.state, "ses-broker.db");
        assert_eq!(args.operation_lease, 30);
        assert_eq!(args.crash_after_aws_calls, None);
        assert_eq!(args.log_format, LogFormat::Text);
    }

    #[test]
    fn log_format_text_or_json() {
        let args = parse(&["--password", "p", "--log-format", "json"]).unwrap();
        assert_eq!(args.log_format, LogFormat::Json);
        assert!(
            parse(&["--password", "p", "--log-format", "xml"])
                .unwrap_err()
                .contains("--log-format")
        );
    }

    #[test]
    fn state_and_lease() {
        let args = parse(&[
            "--password=p",
            "--state",
            "postgres://broker@localhost/broker",
            "--operation-lease",
            "2",
        ])
        .unwrap();
        assert_eq!(args.state, "postgres://broker@localhost/broker");
        assert_eq!(args.operation_lease, 2);
        assert!(
            parse(&["--password=p", "--state", " "])
                .unwrap_err()
                .contains("--state")
        );
        assert!(
            parse(&["--password=p", "--operation-lease", "0"])
                .unwrap_err()
                .contains("--operation-lease")
        );
    }

    #[test]
    fn sdk_with_an_endpoint() {
        let args = parse(&[
            "--password=p",
            "--aws",
            "sdk",
            "--aws-endpoint",
            "http://127.0.0.1:5000",
        ])
        .unwrap();
        assert_eq!(args.aws, AwsChoice::Sdk);
        assert_eq!(args.aws_endpoint.as_deref(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn refusals_name_the_flag() {
        assert!(parse(&[]).unwrap_err().contains("--password"));
        assert!(
            parse(&["--password", ""])
                .unwrap_err()
                .contains("--password")
        );
        assert!(
            parse(&["--password", "p", "--aws-endpoint", "http://x"])
                .unwrap_err()
                .contains("--aws sdk")
        );
        assert!(
            parse(&["--password", "p", "--aws", "cloud"])
                .unwrap_err()
                .contains("--aws")
        );
        assert!(
            parse(&["--password", "p", "--listen", "nowhere"])
                .unwrap_err()
                .contains("--listen")
        );
    }
}
