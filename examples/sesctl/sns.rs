//! `sesctl sns verify`: is this SNS message authentic, and for this topic?
//!
//! The certificate comes from a file the operator fetched from the message's
//! `SigningCertURL`; the URL must still pass the crate's rules. `--type` is the
//! `x-amz-sns-message-type` header; `--max-age` refuses older messages. Both the age and
//! the certificate's validity period are judged at `--now` (RFC 3339), by default this
//! machine's clock: reading the clock is sesctl's I/O, never the library's. An archived
//! message is checked as of its own time with `--now` set to its `Timestamp`.

use crate::Failure;

/// What `sns verify` was asked to do.
#[cfg_attr(
    not(feature = "verify"),
    allow(dead_code, reason = "read only with the verify feature")
)]
struct Request {
    cert: String,
    topic: String,
    header: Option<String>,
    max_age: Option<u64>,
    now: Option<time::OffsetDateTime>,
}

fn parse_args(args: &[String]) -> Result<Request, Failure> {
    let usage = |m: String| Failure::Usage(m);
    match args.first().map(String::as_str) {
        Some("verify") => {}
        Some(other) => return Err(usage(format!("unknown sns subcommand {other:?}"))),
        None => return Err(usage("sns needs a subcommand: verify".to_owned())),
    }
    let (mut cert, mut topic, mut header, mut max_age, mut now) = (None, None, None, None, None);
    let mut rest = args.iter().skip(1);
    while let Some(flag) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| usage(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--cert" => cert = Some(value()?),
            "--topic" => topic = Some(value()?),
            "--type" => header = Some(value()?),
            "--max-age" => {
                let text = value()?;
                let seconds = text
                    .parse::<u64>()
                    .map_err(|_| usage(format!("--max-age {text:?} is not a number of seconds")))?;
                max_age = Some(seconds);
            }
            "--now" => {
                let text = value()?;
                let at = time::OffsetDateTime::parse(
                    &text,
                    &time::format_description::well_known::Rfc3339,
                )
                .map_err(|_| {
                    usage(format!(
                        "--now {text:?} is not an RFC 3339 time such as 2026-11-30T05:40:12Z"
                    ))
                })?;
                now = Some(at);
            }
            other => return Err(usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(Request {
        cert: cert.ok_or_else(|| usage("sns verify needs --cert CERT.pem".to_owned()))?,
        topic: topic.ok_or_else(|| usage("sns verify needs --topic TOPIC_ARN".to_owned()))?,
        header,
        max_age,
        now,
    })
}

pub(crate) fn run(args: &[String]) -> Result<(), Failure> {
    let request = parse_args(args)?;
    verify(&request)
}

#[cfg(not(feature = "verify"))]
fn verify(_: &Request) -> Result<(), Failure> {
    Err(Failure::Invalid(vec![
        "sesctl was built without the verify feature (cargo run --features verify --example sesctl)"
            .to_owned(),
    ]))
}

#[cfg(feature = "verify")]
fn verify(request: &Request) -> Result<(), Failure> {
    use ses_broker::sns::{Message, SigningCertificate, Verifier};

    let invalid = |line: String| Failure::Invalid(vec![line]);
    let cert = std::fs::read(&request.cert)
        .map_err(|e| invalid(format!("{}: cannot read: {e}", request.cert)))?;
    let certificate = SigningCertificate::parse(&cert).map_err(|e| invalid(e.to_string()))?;
    let body = crate::read_stdin()?;
    let message = Message::from_json_with_header(&body, request.header.as_deref())
        .map_err(|e| invalid(e.to_string()))?;
    let mut verifier = Verifier::new(request.topic.as_str());
    if let Some(seconds) = request.max_age {
        verifier = verifier.with_max_age(core::time::Duration::from_secs(seconds));
    }
    let now = request.now.unwrap_or_else(time::OffsetDateTime::now_utc);
    let verified = verifier
        .verify(message, &certificate, now)
        .map_err(|e| invalid(e.to_string()))?;
    println!("{}", verified.message().message_type());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Failure, parse_args};

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn now_is_an_rfc3339_time() {
        let base = ["verify", "--cert", "c.pem", "--topic", "t"];
        let request = parse_args(&args(
            &[&base[..], &["--now", "2026-11-30T05:40:12.402Z"]].concat(),
        ));
        let now = request
            .ok()
            .and_then(|r| r.now)
            .map(time::OffsetDateTime::unix_timestamp);
        assert_eq!(now, Some(1_796_017_212));
        assert!(matches!(parse_args(&args(&base)), Ok(r) if r.now.is_none()));
        for bad in ["yesterday", "2026-11-30", ""] {
            let request = parse_args(&args(&[&base[..], &["--now", bad]].concat()));
            assert!(matches!(request, Err(Failure::Usage(_))), "{bad}");
        }
    }
}
