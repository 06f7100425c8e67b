//! A stored AWS progress, an OSBAPI context and the AWS ids: reading never panics; a
//! progress that reads drives (every answer "done") without panicking.
#![no_main]

use core::str::FromStr;
use libfuzzer_sys::fuzz_target;
use ses_broker::aws::{Answer, Driver, KmsKeyId, Next, Progress};
use ses_broker::params::Context;
use ses_broker::values::HostedZoneId;

fn round_trip<T: FromStr + ToString + PartialEq + core::fmt::Debug>(input: &str)
where
    T::Err: core::fmt::Debug,
{
    if let Ok(value) = T::from_str(input) {
        let again = T::from_str(&value.to_string());
        assert_eq!(again.as_ref().ok(), Some(&value), "{input:?} did not round-trip");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    round_trip::<HostedZoneId>(input);
    round_trip::<KmsKeyId>(input);
    let _ = Context::from_json(input);
    let Ok(progress) = serde_json::from_str::<Progress>(input) else {
        return;
    };
    let mut driver = Driver::resume(progress);
    for _ in 0..500 {
        match driver.next_operation() {
            Next::Operation(_) => {
                let _ = driver.handle_answer(Answer::done());
            }
            _ => return,
        }
    }
});
