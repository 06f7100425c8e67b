//! An Open Service Broker API v2.17 broker for the `aws-ses` offering, built on `ses-broker`,
//! serving on loopback with an in-memory stand-in for AWS.
//!
//! ```text
//! cargo run --example broker -- --password PASS [--listen 127.0.0.1:8080] [--username USER]
//! ```
//!
//! - `osbapi.rs`: the endpoints, status codes and bodies (no sockets): read it to see what a
//!   broker does with the library.
//! - `aws.rs`: the [`aws::Aws`] trait, one method per AWS SDK call, and the in-memory
//!   [`aws::InMemoryAws`] that stands in for SES, IAM, SNS, CloudWatch and Route 53.
//! - this file: arguments and the HTTP loop (`tiny_http`, one request at a time).
//!
//! Every AWS call is logged to standard error. The store lives in memory: stopping the
//! broker forgets every instance.
#![allow(clippy::print_stderr, reason = "a server logs to standard error")]

mod aws;
mod osbapi;

use std::io::Read as _;
use std::process::ExitCode;

use ses_broker::BrokerConfig;

use crate::aws::InMemoryAws;
use crate::osbapi::{Broker, MAX_BODY_BYTES, Request};

const USAGE: &str = "usage: broker --password PASS [--listen 127.0.0.1:8080] [--username USER]";

/// The operator's configuration for this demonstration broker (a real one reads its own).
const CONFIG: &str = r#"{
    "region": "us-gov-west-1",
    "account_id": "111122223333",
    "default_zone": "appmail.cloud.gov",
    "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email"]
}"#;

/// The command line.
#[derive(Debug)]
struct Args {
    listen: String,
    username: String,
    password: String,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut listen = "127.0.0.1:8080".to_owned();
    let mut username = "USER".to_owned();
    let mut password = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (flag, None),
        };
        let slot = match name.as_str() {
            "--listen" => &mut listen,
            "--username" => &mut username,
            "--password" => password.insert(String::new()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        };
        *slot = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("{name} needs a value")),
        };
    }
    let password = password.ok_or("--password is required")?;
    if password.is_empty() || username.is_empty() {
        return Err("--username and --password must not be empty".to_owned());
    }
    Ok(Args {
        listen,
        username,
        password,
    })
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("broker: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match BrokerConfig::from_json(CONFIG) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("broker: configuration: {e}");
            return ExitCode::from(1);
        }
    };
    let server = match tiny_http::Server::http(&args.listen) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("broker: cannot listen on {}: {e}", args.listen);
            return ExitCode::from(1);
        }
    };
    eprintln!("broker: listening on http://{}", args.listen);
    let mut broker = Broker::new(
        config,
        InMemoryAws::default(),
        &args.username,
        &args.password,
    );
    for request in server.incoming_requests() {
        serve(&mut broker, request);
    }
    ExitCode::SUCCESS
}

/// Reads one request, lets the broker answer it, writes the answer.
fn serve(broker: &mut Broker<InMemoryAws>, mut request: tiny_http::Request) {
    let header = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_owned())
    };
    let authorization = header("Authorization");
    let api_version = header("X-Broker-API-Version");
    let method = request.method().as_str().to_owned();
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let query = url_decode_pairs(query);

    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(u64::try_from(MAX_BODY_BYTES + 1).unwrap_or(u64::MAX))
        .read_to_end(&mut body);
    let response = match read {
        Ok(_) => broker.handle(&Request {
            method: &method,
            path,
            query,
            authorization: authorization.as_deref(),
            api_version: api_version.as_deref(),
            body: &body,
        }),
        Err(e) => osbapi::Response::new(
            400,
            serde_json::json!({"description": format!("cannot read the request body: {e}")}),
        ),
    };
    eprintln!("broker: {method} {path} -> {}", response.status);
    let mut reply = tiny_http::Response::from_string(response.body.to_string())
        .with_status_code(response.status);
    if let Ok(content_type) = tiny_http::Header::from_bytes("Content-Type", "application/json") {
        reply.add_header(content_type);
    }
    if let Some(allow) = response.allow
        && let Ok(header) = tiny_http::Header::from_bytes("Allow", allow)
    {
        reply.add_header(header);
    }
    if response.status == 401
        && let Ok(challenge) =
            tiny_http::Header::from_bytes("WWW-Authenticate", r#"Basic realm="aws-ses broker""#)
    {
        reply.add_header(challenge);
    }
    if let Err(e) = request.respond(reply) {
        eprintln!("broker: cannot answer: {e}");
    }
}

/// `a=1&b=x%20y` as percent-decoded pairs (`+` is a space, as in HTML forms).
fn url_decode_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}
