//! Every value parser: never panics, and an accepted value re-parses from its canonical
//! form to an equal value.
#![no_main]

use core::str::FromStr;
use libfuzzer_sys::fuzz_target;
use ses_broker::{values::BindingId, values::DomainName, values::EmailAddress, values::InstanceId, values::MailFromSubdomain, values::Region, values::SourceIp, values::WebhookUrl};

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
    round_trip::<DomainName>(input);
    round_trip::<EmailAddress>(input);
    round_trip::<Region>(input);
    round_trip::<InstanceId>(input);
    round_trip::<BindingId>(input);
    round_trip::<WebhookUrl>(input);
    round_trip::<SourceIp>(input);
    round_trip::<MailFromSubdomain>(input);
});
