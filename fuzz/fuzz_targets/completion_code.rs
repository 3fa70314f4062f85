//! Completion codes: any accepted string becomes a code of the documented
//! shape, and parsing a code again gives the same code.
#![no_main]

use lectern_api_types::codes::CompletionCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(code) = CompletionCode::parse(text) {
        let shown = code.as_str();
        assert!((4..=48).contains(&shown.len()), "{shown:?}");
        assert!(shown.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'), "{shown:?}");
        assert!(shown.as_bytes()[0] != b'-', "{shown:?}");
        assert_eq!(CompletionCode::parse(shown).as_ref(), Ok(&code));
    }
});
