//! `Range` headers: a part is always a non-empty slice of the object.
#![no_main]

use lectern_files::byte_range::{Ranged, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u64)| {
    let (header, size) = input;
    if let Ranged::Part(range) = parse(Some(header), size) {
        assert!(range.start < range.end, "{header:?} {size} → {range:?}");
        assert!(range.end <= size, "{header:?} {size} → {range:?}");
    }
});
