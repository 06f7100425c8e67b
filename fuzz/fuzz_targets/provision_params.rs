//! Provision parameters: never panic; a refused document gets an OSBAPI 400 body under
//! 4 KiB; an accepted document re-parses from its normalised form to the same value, and
//! applying it again as an update changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::ProvisionParams;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let params = match ProvisionParams::from_json(text) {
        Ok(params) => params,
        Err(errors) => {
            let body = serde_json::to_string(&errors.to_osbapi_body()).expect("bodies serialise");
            assert!(
                body.len() < 4096,
                "a {}-byte 400 body for {text:?}",
                body.len()
            );
            return;
        }
    };
    let normal = serde_json::to_string(&params).expect("parameters serialise");
    let again = ProvisionParams::from_json(&normal).expect("the normalised form is accepted");
    assert_eq!(again, params, "normalised form of {text:?} differs");
    let update = params
        .update(text)
        .expect("the same document is a valid update");
    assert!(
        update.changed().is_empty(),
        "re-applying {text:?} changed {:?}",
        update.changed()
    );
});
