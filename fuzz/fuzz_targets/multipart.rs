//! Multipart framing: a form made of any fields comes back as those fields
//! however its body is cut into chunks, and any body at all, cut anywhere,
//! ends in an event or an error, never a panic or a loop.
#![no_main]

use bytes::Bytes;
use lectern_files::multipart::{Event, Parser};
use libfuzzer_sys::fuzz_target;

const BOUNDARY: &str = "fz-7Q";

/// The parts' bodies, or the event loop's error, with `body` fed in the
/// chunks that `cuts` (sizes, each at least one byte) make.
fn read(body: &[u8], cuts: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut parser = Parser::new(BOUNDARY).unwrap();
    let mut rest = body;
    let mut sizes = cuts.iter().map(|&size| usize::from(size) + 1).cycle();
    let mut parts: Vec<Vec<u8>> = Vec::new();
    loop {
        match parser.next_event().map_err(|err| err.to_string())? {
            None if rest.is_empty() => return Err("incomplete".into()),
            None => {
                let size = sizes.next().unwrap_or(rest.len()).min(rest.len());
                parser.feed(Bytes::copy_from_slice(&rest[..size]));
                rest = &rest[size..];
            }
            Some(Event::Part(_)) => parts.push(Vec::new()),
            Some(Event::Data(bytes)) => {
                assert!(!bytes.is_empty(), "an empty Data event");
                parts
                    .last_mut()
                    .expect("data before any part")
                    .extend_from_slice(&bytes);
            }
            Some(Event::PartEnd) => {}
            Some(Event::End) => return Ok(parts),
        }
    }
}

fuzz_target!(|input: (Vec<Vec<u8>>, Vec<u8>, &[u8])| {
    let (fields, cuts, raw) = input;
    let _ = read(raw, &cuts);

    let delimiter = format!("\r\n--{BOUNDARY}");
    let fields: Vec<Vec<u8>> = fields
        .into_iter()
        .filter(|field| {
            !field
                .windows(delimiter.len())
                .any(|w| w == delimiter.as_bytes())
        })
        .collect();
    let mut body = Vec::new();
    for field in &fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=f\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(field);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--").as_bytes());
    assert_eq!(read(&body, &cuts), Ok(fields));
});
