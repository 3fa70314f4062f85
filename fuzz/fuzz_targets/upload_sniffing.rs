//! The upload path's judgement: the name is cleaned, the first bytes decide
//! the type, and an accepted file's cleaned name always ends in one of its
//! type's extensions.
#![no_main]

use lectern_files::file_name::sanitize;
use lectern_files::file_type::{SNIFF_BYTES, classify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &[u8])| {
    let (raw_name, bytes) = input;
    let name = sanitize(raw_name);
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Ok(kind) = classify(head, &name) {
        let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
        assert!(kind.extensions().contains(&extension.as_str()), "{name:?} accepted as {kind:?}");
    }
});
