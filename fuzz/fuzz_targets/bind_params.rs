//! Bind parameters: never panic; an accepted document re-parses from its normalised form to
//! the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::BindParams;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let Ok(params) = BindParams::from_json(text) else {
        return;
    };
    let normal = serde_json::to_string(&params).expect("parameters serialise");
    let again = BindParams::from_json(&normal).expect("the normalised form is accepted");
    assert_eq!(again, params, "normalised form of {text:?} differs");
});
