//! SNS message parsing and every check on it: never panics, whatever the body, header or
//! certificate bytes. Verification runs over a fixed real certificate and over the input
//! itself taken as a certificate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::sns::{Message, SigningCertificate, Verifier, check_cert_url};

const TOPIC: &str = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications";
const CERT: &[u8] = include_bytes!("../../tests/data/sns/cert.pem");

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    // A first line that looks like a header value is used as one.
    let (header, body) = match input.split_once('\n') {
        Some((h, b)) if !h.starts_with('{') => (Some(h), b),
        _ => (None, input),
    };
    let Ok(message) = Message::from_json_with_header(body, header) else {
        return;
    };
    let signed = message.string_to_sign();
    assert!(signed.ends_with(&format!("Type\n{}\n", message.message_type())));
    let _ = check_cert_url(message.signing_cert_url());
    let now = message.timestamp();
    let verifier = Verifier::new(TOPIC).with_max_age(core::time::Duration::from_secs(3600));
    let _ = verifier.check(&message, now);
    if let Ok(certificate) = SigningCertificate::parse(CERT)
        && let Ok(verified) = verifier.verify(message.clone(), &certificate, now)
    {
        let _ = verified.decide_alarm(
            &"111122223333".parse().unwrap(),
            &"us-gov-west-1".parse().unwrap(),
        );
    }
    if let Ok(certificate) = SigningCertificate::parse(data) {
        let _ = Verifier::new(message.topic_arn()).verify(message, &certificate, now);
    }
});
