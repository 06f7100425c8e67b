//! `VcapServices::from_json`: never panics, and an accepted document, written back with
//! its secrets, reads back to an equal value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::VcapServices;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    if let Ok(vcap) = VcapServices::from_json(text) {
        let written = serde_json::to_string(&vcap.with_secrets()).unwrap();
        let again = VcapServices::from_json(&written);
        assert_eq!(again.as_ref().ok(), Some(&vcap), "{text:?} did not round-trip");
        // Lookups never panic either.
        let _ = vcap.ses();
        let _ = vcap.ses_named("my-ses");
        // The redacted form never reads back as real credentials.
        let redacted = serde_json::to_string(&vcap).unwrap();
        if !vcap.bindings().is_empty() {
            assert!(VcapServices::from_json(&redacted).is_err());
        }
    }
});
