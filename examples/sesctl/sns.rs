//! `sesctl sns verify`: is this SNS message authentic, and for this topic?
//!
//! The certificate comes from a file the operator fetched from the message's
//! `SigningCertURL`; the URL must still pass the crate's rules. `--type` is the
//! `x-amz-sns-message-type` header; `--max-age` refuses older messages against this
//! machine's clock (the library itself never reads a clock).

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
}

fn parse_args(args: &[String]) -> Result<Request, Failure> {
    let usage = |m: String| Failure::Usage(m);
    match args.first().map(String::as_str) {
        Some("verify") => {}
        Some(other) => return Err(usage(format!("unknown sns subcommand {other:?}"))),
        None => return Err(usage("sns needs a subcommand: verify".to_owned())),
    }
    let (mut cert, mut topic, mut header, mut max_age) = (None, None, None, None);
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
            other => return Err(usage(format!("unknown argument {other:?}"))),
        }
    }
    Ok(Request {
        cert: cert.ok_or_else(|| usage("sns verify needs --cert CERT.pem".to_owned()))?,
        topic: topic.ok_or_else(|| usage("sns verify needs --topic TOPIC_ARN".to_owned()))?,
        header,
        max_age,
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
    use ses_broker::sns::{Message, Verifier};

    let invalid = |line: String| Failure::Invalid(vec![line]);
    let cert = std::fs::read(&request.cert)
        .map_err(|e| invalid(format!("{}: cannot read: {e}", request.cert)))?;
    let body = crate::read_stdin()?;
    let message = Message::from_json_with_header(&body, request.header.as_deref())
        .map_err(|e| invalid(e.to_string()))?;
    let mut verifier = Verifier::new(request.topic.as_str());
    if let Some(seconds) = request.max_age {
        let now = time::OffsetDateTime::now_utc();
        verifier = verifier.with_max_age(now, core::time::Duration::from_secs(seconds));
    }
    verifier
        .verify(&message, &cert)
        .map_err(|e| invalid(e.to_string()))?;
    println!("{}", message.message_type());
    Ok(())
}
