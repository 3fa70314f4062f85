//! `HH:MM`, RFC 3339 instants and date filters: what parses prints back to
//! something that parses to the same value.
#![no_main]

use lectern_api_types::time::{ClockTime, DateOrInstant, TimeInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(time) = text.parse::<ClockTime>() {
        assert_eq!(time.to_string().parse::<ClockTime>(), Ok(time));
    }
    if let Ok(input) = text.parse::<TimeInput>() {
        let again: TimeInput = input.to_string().parse().expect("a printed time parses");
        match (input, again) {
            (TimeInput::Clock(a), TimeInput::Clock(b)) => assert_eq!(a.format("%H:%M").to_string(), b.format("%H:%M").to_string()),
            (TimeInput::Instant(a), TimeInput::Instant(b)) => assert_eq!(a, b),
            other => panic!("changed kind: {other:?}"),
        }
    }
    if let Ok(bound) = text.parse::<DateOrInstant>() {
        assert_eq!(bound.to_string().parse::<DateOrInstant>(), Ok(bound));
    }
});
