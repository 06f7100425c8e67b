//! CloudWatch alarm notifications: `AlarmNotification::from_json` never panics, and an
//! accepted notification always yields a decision that can be displayed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ses_broker::{values::AccountId, reputation::AlarmDecision, reputation::AlarmNotification, values::Region};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let Ok(alarm) = AlarmNotification::from_json(text) else {
        return;
    };
    let (Ok(account), Ok(region)) = (
        AccountId::parse("111122223333"),
        Region::parse("us-gov-west-1"),
    ) else {
        return;
    };
    let decision = alarm.decide_unverified(&account, &region);
    let _ = decision.to_string();
    // A pause names the set its alarm's name came from.
    if let AlarmDecision::PauseSending { configuration_set, alarm: recognised } = &decision {
        assert_eq!(configuration_set, &recognised.configuration_set());
        assert!(alarm.name().starts_with(configuration_set.as_str()));
    }
});
