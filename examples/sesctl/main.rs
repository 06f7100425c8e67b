//! `sesctl`: an operator's command line over the `ses-broker` library.
//!
//! Every subcommand reads what it needs from its arguments and standard input, prints its
//! result on standard output, and reports problems on standard error. Exit codes: 0 success,
//! 1 invalid input (the message says which field and why), 2 a usage error or a file that
//! cannot be read.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool prints"
)]

mod check;
mod records;
mod reputation;
mod smtp_password;
mod sns;

use std::io::Read;
use std::process::ExitCode;

/// What went wrong, and so which exit code to use.
#[derive(Debug)]
enum Failure {
    /// The input was read but is invalid: exit 1. Each line is printed on stderr.
    Invalid(Vec<String>),
    /// The command line is wrong: exit 2, with the usage text.
    Usage(String),
    /// A file named on the command line cannot be read (or read as what it must hold):
    /// exit 2. Each line is printed on stderr.
    Unreadable(Vec<String>),
}

const USAGE: &str = "usage: sesctl <command> [arguments]

commands:
  catalog                            print the OSBAPI catalog JSON
  check provision < PARAMS.json      validate provision parameters; print them normalised
  check bind < PARAMS.json           validate bind parameters; print them normalised
  check update PREVIOUS.json < NEW.json
                                     merge an update over stored provision parameters
  records --instance-id ID --default-zone ZONE --region REGION --dkim-tokens T1,T2,T3
          [--format json|zone|route53|hcl] < PROVISION_PARAMS.json
                                     the DNS records the instance's domain needs
  records ... --check DIG_ANSWERS < PROVISION_PARAMS.json
                                     compare them with `dig +noall +answer` lines; print a
                                     JSON report; exit 0 when all are present, 1 if not
  smtp-password REGION < SECRET      derive the SES SMTP password for the secret key on stdin
  reputation --bounce-rate R --complaint-rate R | --sent N --bounces N --complaints N
                                     assess reputation against cloud.gov's thresholds
  sns verify --cert CERT.pem --topic TOPIC_ARN [--type HEADER] [--max-age SECONDS]
             [--now RFC3339] < MESSAGE.json
                                     print the message type if the SNS message is authentic
                                     for that topic, judged at --now (default: this
                                     machine's clock)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("catalog") => check::catalog(rest),
        Some("check") => check::check(rest),
        Some("records") => records::run(rest),
        Some("reputation") => reputation::run(rest),
        Some("sns") => sns::run(rest),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some("smtp-password") => smtp_password::run(rest),
        Some(other) => Err(Failure::Usage(format!("unknown command {other:?}"))),
        None => Err(Failure::Usage("no command given".to_owned())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(lines)) => {
            for line in lines {
                eprintln!("{line}");
            }
            ExitCode::from(1)
        }
        Err(Failure::Unreadable(lines)) => {
            for line in lines {
                eprintln!("{line}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("sesctl: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads all of standard input as UTF-8.
fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Invalid(vec![format!("cannot read standard input: {e}")]))?;
    Ok(text)
}
