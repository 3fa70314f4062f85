//! Weekday sets from JSON: never a panic, and a set round-trips.
#![no_main]

use lectern_api_types::schedule::Weekdays;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(days) = serde_json::from_slice::<Weekdays>(bytes) {
        let json = serde_json::to_string(&days).expect("a set serialises");
        assert_eq!(serde_json::from_str::<Weekdays>(&json).expect("its JSON parses"), days);
        assert!(days.iter().count() <= 7);
    }
});
