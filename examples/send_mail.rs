//! `send_mail`: the application side. An app bound to an `aws-ses` instance reads its
//! credentials out of `VCAP_SERVICES` with the library and sends one message through SES
//! SMTP with the [`lettre`] crate.
//!
//! ```sh
//! echo 'Hello from cloud.gov' | cargo run --example send_mail -- \
//!     --to someone@example.org --subject 'Hello' --from-local no-reply
//! ```
//!
//! - The binding: `VCAP_SERVICES` from the environment, or the file named by
//!   `VCAP_SERVICES_FILE_PATH` when that is set (Cloud Foundry's file-based service
//!   bindings). The only `aws-ses` binding is used; `--service NAME` picks one by binding or
//!   instance name when the app has several.
//! - The connection: the binding's `smtp_server`, STARTTLS on its `smtp_port` (587) by
//!   default; `--tls implicit` uses `smtp_tls_port` (465); `--port` and `--server` override
//!   (a relay, a test server). `--tls none` sends in the clear and is allowed only to a
//!   loopback server, for tests.
//! - Authentication: the access key id as the user, the binding's `smtp_password` as the
//!   password (the SigV4-derived SES SMTP password, not the secret key itself).
//! - The message: From `NAME@<identity domain>` (`--from-local NAME`, default `no-reply`),
//!   since SES checks the From domain against the verified identity; To `--to ADDR`;
//!   `--subject`; the body from `--body TEXT` or standard input.
//! - `--dry-run` prints the server, port, TLS mode, user, From and To, and sends nothing.
//!   No secret is ever printed, dry run or not.
//!
//! Exit codes: 0 sent (or dry run done), 1 the binding or the sending failed, 2 a usage
//! error.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool prints"
)]

use std::io::Read;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials as SmtpCredentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use ses_broker::{Credentials, VcapServices, values::EmailAddress};

const USAGE: &str = "usage: send_mail --to ADDR [options]

options:
  --to ADDR             the recipient (required)
  --from-local NAME     the From address's local part; the domain is the binding's identity
                        domain (default: no-reply)
  --subject TEXT        the subject (default: \"Test message from send_mail\")
  --body TEXT           the body (default: read standard input)
  --service NAME        the aws-ses binding to use, by binding or instance name (default:
                        the only one)
  --tls MODE            starttls (default), implicit, or none (loopback servers only)
  --port N              the SMTP port (default: smtp_port for starttls, smtp_tls_port for
                        implicit)
  --server HOST         the SMTP host (default: the binding's smtp_server)
  --dry-run             print what would be done; connect to nothing
  -h, --help            this text

The binding comes from the file named by VCAP_SERVICES_FILE_PATH if set, else from
VCAP_SERVICES. Exit codes: 0 success, 1 binding or sending failed, 2 usage error.
";

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsChoice {
    /// Plain TCP, then `STARTTLS` before authenticating (SES's port 587).
    StartTls,
    /// TLS from the first byte (SES's port 465).
    Implicit,
    /// No TLS at all: only for a loopback test server.
    None,
}

impl TlsChoice {
    const fn as_str(self) -> &'static str {
        match self {
            Self::StartTls => "starttls",
            Self::Implicit => "implicit",
            Self::None => "none",
        }
    }
}

/// The command line, parsed.
#[derive(Debug)]
struct Options {
    to: String,
    from_local: String,
    subject: String,
    body: Option<String>,
    service: Option<String>,
    tls: TlsChoice,
    port: Option<u16>,
    server: Option<String>,
    dry_run: bool,
}

/// What went wrong, and so which exit code to use.
#[derive(Debug)]
enum Failure {
    /// The binding could not be read or the message could not be sent: exit 1.
    Failed(String),
    /// The command line is wrong: exit 2, with the usage text.
    Usage(String),
}

/// A [`Failure::Failed`] saying what was being done.
fn failed(context: &str, error: impl std::fmt::Display) -> Failure {
    Failure::Failed(format!("{context}: {error}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match parse_args(&args).and_then(|options| run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Failed(message)) => {
            eprintln!("send_mail: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("send_mail: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options, Failure> {
    let mut options = Options {
        to: String::new(),
        from_local: "no-reply".to_owned(),
        subject: "Test message from send_mail".to_owned(),
        body: None,
        service: None,
        tls: TlsChoice::StartTls,
        port: None,
        server: None,
        dry_run: false,
    };
    let mut to = None;
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        if flag == "--dry-run" {
            options.dry_run = true;
            continue;
        }
        let value = iter
            .next()
            .cloned()
            .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--to" => to = Some(value),
            "--from-local" => options.from_local = value,
            "--subject" => options.subject = value,
            "--body" => options.body = Some(value),
            "--service" => options.service = Some(value),
            "--server" => options.server = Some(value),
            "--port" => {
                let port = value
                    .parse::<u16>()
                    .ok()
                    .filter(|&p| p != 0)
                    .ok_or_else(|| Failure::Usage(format!("--port {value:?} is not a port")))?;
                options.port = Some(port);
            }
            "--tls" => {
                options.tls = match value.as_str() {
                    "starttls" => TlsChoice::StartTls,
                    "implicit" => TlsChoice::Implicit,
                    "none" => TlsChoice::None,
                    other => {
                        return Err(Failure::Usage(format!(
                            "--tls {other:?}: expected starttls, implicit or none"
                        )));
                    }
                }
            }
            other => return Err(Failure::Usage(format!("unknown option {other:?}"))),
        }
    }
    options.to = to.ok_or_else(|| Failure::Usage("--to is required".to_owned()))?;
    Ok(options)
}

/// Reads `VCAP_SERVICES` (or the file `VCAP_SERVICES_FILE_PATH` names).
fn read_vcap_services() -> Result<VcapServices, Failure> {
    let text = match std::env::var_os("VCAP_SERVICES_FILE_PATH") {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| {
            Failure::Failed(format!(
                "VCAP_SERVICES_FILE_PATH {}: {e}",
                path.to_string_lossy()
            ))
        })?,
        None => std::env::var("VCAP_SERVICES").map_err(|e| {
            Failure::Failed(format!(
                "VCAP_SERVICES: {e} (is the app bound to an aws-ses instance?)"
            ))
        })?,
    };
    VcapServices::from_json(&text).map_err(|e| Failure::Failed(format!("VCAP_SERVICES: {e}")))
}

/// Where and how to connect, from the binding and the overrides.
#[derive(Debug)]
struct Route {
    server: String,
    port: u16,
    tls: TlsChoice,
}

fn route(options: &Options, credentials: &Credentials) -> Result<Route, Failure> {
    let server = options
        .server
        .clone()
        .unwrap_or_else(|| credentials.smtp_server().to_string());
    let port = options.port.unwrap_or_else(|| match options.tls {
        TlsChoice::Implicit => credentials.smtp_tls_port().number(),
        TlsChoice::StartTls | TlsChoice::None => credentials.smtp_port().number(),
    });
    if options.tls == TlsChoice::None && !is_loopback(&server) {
        return Err(Failure::Usage(format!(
            "--tls none sends the password in the clear: only a loopback server is allowed, \
             not {server:?} (give --server 127.0.0.1)"
        )));
    }
    Ok(Route {
        server,
        port,
        tls: options.tls,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn run(options: &Options) -> Result<(), Failure> {
    let services = read_vcap_services()?;
    let binding = match &options.service {
        Some(name) => services.ses_named(name),
        None => services.ses(),
    }
    .map_err(|e| Failure::Failed(format!("VCAP_SERVICES: {e}")))?;
    let credentials = binding.credentials();

    // The From address: the local part given, at the verified identity domain (not the
    // MAIL FROM domain: SES checks From against the identity).
    let from = EmailAddress::parse(&format!(
        "{}@{}",
        options.from_local,
        credentials.identity_domain()
    ))
    .map_err(|e| Failure::Usage(format!("--from-local {:?}: {e}", options.from_local)))?;
    let to: Mailbox = options
        .to
        .parse()
        .map_err(|e| Failure::Usage(format!("--to {:?}: {e}", options.to)))?;
    let route = route(options, credentials)?;

    if options.dry_run {
        print_plan(binding.name(), &route, credentials, &from, &to, options);
        return Ok(());
    }
    if !credentials.smtp_password_matches() {
        eprintln!(
            "send_mail: warning: smtp_password is not the one derived from the secret key \
             for {}; SES will likely refuse it",
            credentials.region()
        );
    }

    let body = match &options.body {
        Some(body) => body.clone(),
        None => {
            let mut body = String::new();
            std::io::stdin()
                .read_to_string(&mut body)
                .map_err(|e| Failure::Failed(format!("reading the body from stdin: {e}")))?;
            body
        }
    };
    let from_mailbox: Mailbox = from.as_str().parse().map_err(|e| failed("From", e))?;
    let message = Message::builder()
        .from(from_mailbox)
        .to(to)
        .subject(options.subject.as_str())
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| failed("building the message", e))?;

    let tls = match route.tls {
        TlsChoice::None => Tls::None,
        TlsChoice::StartTls | TlsChoice::Implicit => {
            let parameters =
                TlsParameters::new(route.server.clone()).map_err(|e| failed("TLS", e))?;
            if route.tls == TlsChoice::StartTls {
                Tls::Required(parameters)
            } else {
                Tls::Wrapper(parameters)
            }
        }
    };
    let transport = SmtpTransport::builder_dangerous(route.server.as_str())
        .port(route.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)))
        .credentials(SmtpCredentials::new(
            credentials.smtp_user().to_string(),
            credentials.smtp_password().expose_secret().to_owned(),
        ))
        .build();
    let response = transport.send(&message).map_err(|e| {
        failed(
            &format!("sending through {}:{}", route.server, route.port),
            e,
        )
    })?;
    println!(
        "sent from {from} to {} through {}:{} ({}): {} {}",
        options.to,
        route.server,
        route.port,
        route.tls.as_str(),
        response.code(),
        response.message().collect::<Vec<_>>().join(" ")
    );
    Ok(())
}

/// The dry run: everything needed to check the setup, and no secret.
fn print_plan(
    binding: &str,
    route: &Route,
    credentials: &Credentials,
    from: &EmailAddress,
    to: &Mailbox,
    options: &Options,
) {
    println!("dry run: nothing is sent");
    println!("binding   {binding}");
    println!("server    {}", route.server);
    println!("port      {}", route.port);
    println!("tls       {}", route.tls.as_str());
    println!("user      {}", credentials.smtp_user());
    println!(
        "password  (from the binding, not shown; {})",
        if credentials.smtp_password_matches() {
            "derived from the secret key for the region, as SES expects"
        } else {
            "NOT the one derived from the secret key: SES will refuse it"
        }
    );
    println!("from      {from}");
    println!("to        {to}");
    println!("subject   {}", options.subject);
    match &options.body {
        Some(body) => println!("body      --body, {} bytes", body.len()),
        None => println!("body      standard input (not read in a dry run)"),
    }
}
