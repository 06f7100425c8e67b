//! A create that finds its resource there but cannot read it back, against moto: AWS
//! throttles the read. The adapter must report that as throttling, so the run retries the
//! create (which finds the resource again and reads it then), never as a permanent failure
//! that would stop the run with a resource made, perhaps by this very run before a crash,
//! that its ledger does not hold.
//!
//! moto does not throttle, so the forwarder in `wire.rs` answers the reads itself as AWS
//! does when it throttles: SES v2's `GetConfigurationSet` with 429
//! `TooManyRequestsException`, SES v1's `DescribeConfigurationSet` (the adapter's second
//! way to read a set) with 400 `Throttling`.

use std::sync::Arc;

use ses_broker::aws::{Answer, Driver, FailureKind, Operation};
use ses_broker_server::aws::Aws as _;

use super::pause::{delete_set, emulator, instance_state, operation, sdk_through};
use super::wire::Wire;

/// This test's instance (not the pause test's).
const INSTANCE_ID: &str = "0b6f3e2a-4c1d-4e8f-a7b9-2d5c6e8f1a3b";

/// A raw HTTP response.
fn response(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn a_throttled_read_back_is_retried_not_a_permanent_failure() {
    let _one_at_a_time = super::one_at_a_time();
    let wire = Wire::start(&emulator());
    let (runtime, sdk, aws) = sdk_through(&wire);

    let state = instance_state(INSTANCE_ID);
    let set = state.configuration_set.to_string();
    delete_set(&runtime, &sdk, &set);
    let create = operation(&mut Driver::provision(state));
    assert!(
        matches!(create, Operation::CreateConfigurationSet(_)),
        "{create}"
    );
    // Made once, as a run that crashed right after the call would have left it.
    let first = runtime.block_on(aws.call(&create));
    assert!(matches!(first, Answer::Done(_)), "{first:?}");

    // Made again: moto says it is there, and both reads are throttled.
    let v2_read = format!("/v2/email/configuration-sets/{set}");
    wire.intercept(Some(Arc::new(move |method: &str, path: &str, body: &[u8]| {
        if method == "GET" && path == v2_read {
            return Some(response(
                "429 Too Many Requests",
                "Content-Type: application/json\r\nx-amzn-ErrorType: TooManyRequestsException\r\n",
                r#"{"message": "Rate exceeded"}"#,
            ));
        }
        let form = String::from_utf8_lossy(body);
        (method == "POST" && form.contains("Action=DescribeConfigurationSet")).then(|| {
            response(
                "400 Bad Request",
                "Content-Type: text/xml\r\n",
                "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                 <Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>",
            )
        })
    })));
    let throttled = runtime.block_on(aws.call(&create));
    let exchanges = wire.exchanges();
    let Answer::Failed(failure) = &throttled else {
        panic!("a throttled read-back answered {throttled:?}; exchanges: {exchanges:#?}");
    };
    assert_eq!(
        failure.kind(),
        FailureKind::Throttling,
        "{failure}; exchanges: {exchanges:#?}"
    );
    let text = failure.to_string();
    assert!(text.contains("reading back"), "{text}");
    assert!(text.contains("Rate exceeded"), "{text}");
    let statuses: Vec<(String, u16)> = exchanges
        .iter()
        .map(|e| (format!("{} {}", e.method, e.path), e.status))
        .collect();
    assert!(
        statuses.iter().any(|(_, s)| *s == 429),
        "the v2 read was not made: {statuses:?}"
    );

    // The retry, once AWS stops throttling: the set is found and read.
    wire.intercept(None);
    let retried = runtime.block_on(aws.call(&create));
    assert!(
        matches!(retried, Answer::AlreadyExists(_)),
        "the retry answered {retried:?}"
    );

    delete_set(&runtime, &sdk, &set);
    println!(
        "moto: a create whose read-back was throttled answered {:?} ({}), and its retry found the set: {statuses:?}",
        failure.kind(),
        failure
    );
}
