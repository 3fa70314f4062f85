//! The framing of a `multipart/form-data` body (RFC 7578, RFC 2046 §5.1):
//! where each part's headers and bytes begin and end.
//!
//! Nothing here does I/O: the body is fed in as it arrives and comes back
//! out as [`Event`]s. A part's bytes come out as slices of the very chunks
//! fed in, never copied, and the delimiter is searched for whole, once
//! over each chunk: a 100 MB upload passes through with the parser
//! touching little more than its delimiters (docs/benchmarks.md, table 5).

use std::fmt;

use bytes::{Buf as _, Bytes, BytesMut};
use memchr::memmem::Finder;

/// The most a part's headers may take, blank line included.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;

/// The most a body may hold before its first delimiter. Clients send
/// nothing there; a limit keeps a body that never gets to its parts from
/// being read for ever.
pub const MAX_PREAMBLE_BYTES: usize = 64 * 1024;

/// The most header lines a part may have.
const MAX_HEADERS: usize = 16;

/// The longest boundary taken. RFC 2046 allows 70 characters; some
/// clients make longer ones, and nothing here depends on the limit.
const MAX_BOUNDARY_BYTES: usize = 200;

/// What a body's bytes turn out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A part begins.
    Part(PartHead),
    /// The next bytes of the part that began last.
    Data(Bytes),
    /// The part that began last has no more bytes.
    PartEnd,
    /// The closing delimiter: the form is whole. What follows it is an
    /// epilogue, ignored.
    End,
}

/// The headers of a part that matter here.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PartHead {
    /// The raw value of its `Content-Disposition`, which names the field.
    pub disposition: Option<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormError {
    /// The boundary is empty, too long, or not printable ASCII.
    Boundary,
    /// More than [`MAX_PREAMBLE_BYTES`] come before the first delimiter.
    Preamble,
    /// A delimiter is followed by neither `--` nor a line break.
    Delimiter,
    /// A part's headers are not header lines.
    Headers,
    /// A part's headers go past [`MAX_HEAD_BYTES`] or [`MAX_HEADERS`].
    HeadersTooLarge,
    /// The body ended before its closing delimiter.
    Incomplete,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Boundary => "the boundary must be 1 to 200 printable ASCII characters",
            Self::Preamble => "more than 64 KiB come before the first boundary",
            Self::Delimiter => "a boundary is followed by neither `--` nor a line break",
            Self::Headers => "a part's headers are not header lines",
            Self::HeadersTooLarge => "a part's headers are longer than 8 KiB or 16 lines",
            Self::Incomplete => "the form ended before its closing boundary",
        })
    }
}

impl std::error::Error for FormError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the first delimiter: bytes to ignore.
    Preamble,
    /// Between a delimiter and its line break, or the `--` that closes.
    AfterDelimiter,
    Headers,
    Body,
    Done,
}

/// What scanning for the delimiter found.
enum Scan {
    Data(Bytes),
    Delimiter,
    NeedMore,
}

/// A body being framed. Feed it a chunk whenever [`Parser::next_event`] answers
/// `None`.
#[derive(Debug)]
pub struct Parser {
    /// `\r\n--` and the boundary. A CR is only ever its first byte (the
    /// boundary holds none), which keeps the search for a delimiter cut
    /// across two chunks to one look at the end of the first.
    delimiter: Vec<u8>,
    finder: Finder<'static>,
    state: State,
    /// Bytes taken from earlier chunks that are still undecided: the start
    /// of what may be a delimiter, or of a part's headers. Never more than
    /// a delimiter's or a head's length plus one chunk.
    held: BytesMut,
    /// What is left of the chunk fed last.
    input: Bytes,
    /// How much of the preamble has gone by.
    skipped: usize,
}

impl Parser {
    pub fn new(boundary: &str) -> Result<Self, FormError> {
        let valid = (1..=MAX_BOUNDARY_BYTES).contains(&boundary.len())
            && boundary.bytes().all(|b| (b' '..=b'~').contains(&b));
        if !valid {
            return Err(FormError::Boundary);
        }
        let mut delimiter = b"\r\n--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        Ok(Self {
            finder: Finder::new(&delimiter).into_owned(),
            delimiter,
            state: State::Preamble,
            // The first delimiter may open the body, without the line break
            // every later one has in front of it.
            held: BytesMut::from(&b"\r\n"[..]),
            input: Bytes::new(),
            skipped: 0,
        })
    }

    /// Hands over the body's next bytes.
    pub fn feed(&mut self, chunk: Bytes) {
        if self.state == State::Done {
            return;
        }
        if self.input.is_empty() {
            self.input = chunk;
        } else {
            // Fed before the last chunk was used up: correct, if slower.
            let mut joined = BytesMut::from(&self.input[..]);
            joined.extend_from_slice(&chunk);
            self.input = joined.freeze();
        }
    }

    /// Whether a part has begun whose bytes have not all come out.
    pub fn in_part(&self) -> bool {
        self.state == State::Body
    }

    /// The next event in what has been fed, or `None` when it takes more
    /// bytes to tell.
    pub fn next_event(&mut self) -> Result<Option<Event>, FormError> {
        loop {
            match self.state {
                State::Preamble => match self.scan() {
                    Scan::Data(ignored) => {
                        self.skipped += ignored.len();
                        if self.skipped > MAX_PREAMBLE_BYTES {
                            return Err(FormError::Preamble);
                        }
                    }
                    Scan::Delimiter => self.state = State::AfterDelimiter,
                    Scan::NeedMore => return Ok(None),
                },
                State::Body => {
                    return Ok(match self.scan() {
                        Scan::Data(bytes) => Some(Event::Data(bytes)),
                        Scan::Delimiter => {
                            self.state = State::AfterDelimiter;
                            Some(Event::PartEnd)
                        }
                        Scan::NeedMore => None,
                    });
                }
                State::AfterDelimiter => {
                    // Transport padding (RFC 2046) may sit before the line break.
                    while let Some([b' ' | b'\t']) = self.front(1) {
                        self.advance(1);
                    }
                    match self.front(2) {
                        None => return Ok(None),
                        Some(b"--") => {
                            self.state = State::Done;
                            self.held.clear();
                            self.input.clear();
                            return Ok(Some(Event::End));
                        }
                        Some(b"\r\n") => {
                            self.advance(2);
                            self.state = State::Headers;
                        }
                        Some(_) => return Err(FormError::Delimiter),
                    }
                }
                State::Headers => {
                    let head = self.head()?;
                    return Ok(head.map(|head| {
                        self.state = State::Body;
                        Event::Part(head)
                    }));
                }
                State::Done => return Ok(Some(Event::End)),
            }
        }
    }

    /// Part bytes up to the next delimiter, or the delimiter itself.
    fn scan(&mut self) -> Scan {
        let delimiter_len = self.delimiter.len();
        if !self.held.is_empty() {
            // What is held is a delimiter's start: does this chunk finish it?
            let rest = &self.delimiter[self.held.len()..];
            let seen = rest.len().min(self.input.len());
            if seen == 0 {
                return Scan::NeedMore;
            }
            if self.input[..seen] != rest[..seen] {
                return Scan::Data(self.held.split().freeze());
            }
            if seen == rest.len() {
                self.held.clear();
                self.input.advance(seen);
                return Scan::Delimiter;
            }
            self.held.extend_from_slice(&self.input);
            self.input.clear();
            return Scan::NeedMore;
        }
        if self.input.is_empty() {
            return Scan::NeedMore;
        }
        match self.finder.find(&self.input) {
            Some(0) => {
                self.input.advance(delimiter_len);
                Scan::Delimiter
            }
            Some(at) => Scan::Data(self.input.split_to(at)),
            None => {
                // No whole delimiter; the chunk's end may start one. Only its
                // last CR can: a delimiter's start holds no other.
                let window = self.input.len().saturating_sub(delimiter_len - 1);
                let keep = memchr::memrchr(b'\r', &self.input[window..])
                    .map(|at| window + at)
                    .filter(|&at| self.delimiter.starts_with(&self.input[at..]))
                    .map_or(0, |at| self.input.len() - at);
                let data = self.input.split_to(self.input.len() - keep);
                self.held.extend_from_slice(&self.input);
                self.input.clear();
                if data.is_empty() {
                    Scan::NeedMore
                } else {
                    Scan::Data(data)
                }
            }
        }
    }

    /// A part's headers, once the blank line that ends them has come.
    fn head(&mut self) -> Result<Option<PartHead>, FormError> {
        if !self.held.is_empty() {
            let input = std::mem::take(&mut self.input);
            self.held.extend_from_slice(&input);
        }
        let source: &[u8] = if self.held.is_empty() {
            &self.input
        } else {
            &self.held
        };
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let (used, head) = match httparse::parse_headers(source, &mut slots) {
            Ok(httparse::Status::Complete((used, headers))) => {
                let disposition = headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-disposition"))
                    .map(|h| h.value.to_vec());
                (used, PartHead { disposition })
            }
            Ok(httparse::Status::Partial) if source.len() > MAX_HEAD_BYTES => {
                return Err(FormError::HeadersTooLarge);
            }
            Ok(httparse::Status::Partial) => {
                if self.held.is_empty() {
                    self.held.extend_from_slice(&self.input);
                    self.input.clear();
                }
                return Ok(None);
            }
            Err(httparse::Error::TooManyHeaders) => return Err(FormError::HeadersTooLarge),
            Err(_) => return Err(FormError::Headers),
        };
        if used > MAX_HEAD_BYTES {
            return Err(FormError::HeadersTooLarge);
        }
        if self.held.is_empty() {
            self.input.advance(used);
        } else {
            self.held.advance(used);
            self.input = self.held.split().freeze();
        }
        Ok(Some(head))
    }

    /// The next `n` bytes in one piece, once that many have come.
    fn front(&mut self, n: usize) -> Option<&[u8]> {
        if self.held.is_empty() && self.input.len() >= n {
            return Some(&self.input[..n]);
        }
        let take = (n.saturating_sub(self.held.len())).min(self.input.len());
        self.held.extend_from_slice(&self.input[..take]);
        self.input.advance(take);
        self.held.get(..n)
    }

    fn advance(&mut self, n: usize) {
        let from_held = n.min(self.held.len());
        self.held.advance(from_held);
        self.input.advance(n - from_held);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: &str = "xYz-42";

    /// A part as a test writes it and expects it back.
    #[derive(Debug, PartialEq, Eq)]
    struct Part {
        disposition: Option<Vec<u8>>,
        body: Vec<u8>,
    }

    fn form(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, body) in parts {
            out.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            out.extend_from_slice(body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out
    }

    /// Every part of `body` fed in the chunks that `cuts` make, with each
    /// part's bytes checked to be slices of what was fed.
    fn parse(body: &[u8], cuts: &[usize]) -> Result<Vec<Part>, FormError> {
        let mut parser = Parser::new(BOUNDARY).unwrap();
        let mut chunks = Vec::new();
        let mut from = 0;
        for &cut in cuts.iter().chain([&body.len()]) {
            chunks.push(Bytes::copy_from_slice(&body[from..cut]));
            from = cut;
        }
        let mut chunks = chunks.into_iter();
        let mut parts: Vec<Part> = Vec::new();
        let mut open = false;
        loop {
            match parser.next_event()? {
                None => match chunks.next() {
                    Some(chunk) => parser.feed(chunk),
                    None => return Err(FormError::Incomplete),
                },
                Some(Event::Part(head)) => {
                    assert!(!open, "a part began inside another");
                    open = true;
                    parts.push(Part {
                        disposition: head.disposition,
                        body: Vec::new(),
                    });
                }
                Some(Event::Data(bytes)) => {
                    assert!(open && !bytes.is_empty(), "data outside a part, or none");
                    parts.last_mut().unwrap().body.extend_from_slice(&bytes);
                }
                Some(Event::PartEnd) => {
                    assert!(open, "a part ended that had not begun");
                    open = false;
                }
                Some(Event::End) => {
                    assert!(!open, "the form closed inside a part");
                    return Ok(parts);
                }
            }
        }
    }

    fn named(name: &str, body: &[u8]) -> Part {
        Part {
            disposition: Some(format!("form-data; name=\"{name}\"").into_bytes()),
            body: body.to_vec(),
        }
    }

    /// Bodies that come near a delimiter without being one: a CR at every
    /// place, line breaks and dashes, the boundary without its dashes.
    const TRICKY: &[u8] = b"\r\r\n-\r\n-x\r\n--xYz-4\r\nxYz-42\r\n--xY\r";

    #[test]
    fn every_way_of_cutting_a_form_into_two_or_three_chunks_reads_the_same() {
        let body = form(&[("file", TRICKY), ("empty", b""), ("description", b"a\r\nb")]);
        let expected = vec![
            named("file", TRICKY),
            named("empty", b""),
            named("description", b"a\r\nb"),
        ];
        for first in 0..=body.len() {
            assert_eq!(parse(&body, &[first]).unwrap(), expected, "cut at {first}");
            for second in first..=body.len() {
                assert_eq!(
                    parse(&body, &[first, second]).unwrap(),
                    expected,
                    "cut at {first} and {second}"
                );
            }
        }
    }

    #[test]
    fn a_form_fed_a_byte_at_a_time_reads_the_same() {
        let body = form(&[("file", TRICKY)]);
        let cuts: Vec<usize> = (1..body.len()).collect();
        assert_eq!(parse(&body, &cuts).unwrap(), vec![named("file", TRICKY)]);
    }

    #[test]
    fn a_parts_bytes_are_the_chunks_fed_not_copies() {
        let mut parser = Parser::new(BOUNDARY).unwrap();
        let head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n");
        parser.feed(Bytes::from(head));
        assert!(matches!(parser.next_event(), Ok(Some(Event::Part(_)))));
        assert_eq!(parser.next_event(), Ok(None));
        let chunk = Bytes::from(vec![7_u8; 64 * 1024]);
        parser.feed(chunk.clone());
        match parser.next_event() {
            Ok(Some(Event::Data(data))) => {
                assert_eq!(data.len(), chunk.len());
                assert_eq!(data.as_ptr(), chunk.as_ptr(), "the bytes were copied");
            }
            other => panic!("expected the chunk back, got {other:?}"),
        }
    }

    #[test]
    fn a_preamble_transport_padding_and_an_epilogue_are_ignored() {
        let body = format!(
            "this is a preamble\r\n--{BOUNDARY} \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\
             1\r\n--{BOUNDARY}--\r\nan epilogue"
        );
        assert_eq!(parse(body.as_bytes(), &[]).unwrap(), vec![named("a", b"1")]);
    }

    #[test]
    fn a_body_that_never_gets_to_its_first_boundary_is_refused() {
        let with_preamble = |length: usize| {
            let mut body = vec![b'.'; length];
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&form(&[("a", b"1")]));
            let cuts: Vec<usize> = (1..body.len() / 1000).map(|k| k * 1000).collect();
            parse(&body, &cuts)
        };
        assert_eq!(
            with_preamble(MAX_PREAMBLE_BYTES / 2).unwrap(),
            vec![named("a", b"1")]
        );
        assert_eq!(
            with_preamble(MAX_PREAMBLE_BYTES + 1),
            Err(FormError::Preamble)
        );
    }

    #[test]
    fn a_part_without_headers_has_no_disposition() {
        let body = format!("--{BOUNDARY}\r\n\r\nbare\r\n--{BOUNDARY}--");
        assert_eq!(
            parse(body.as_bytes(), &[]).unwrap(),
            vec![Part {
                disposition: None,
                body: b"bare".to_vec(),
            }]
        );
    }

    #[test]
    fn a_body_cut_short_anywhere_is_incomplete() {
        let body = form(&[("file", TRICKY)]);
        // Up to the closing delimiter's dashes, which end the form.
        let closing = body.len() - 4;
        for end in 0..closing {
            assert_eq!(
                parse(&body[..end], &[]),
                Err(FormError::Incomplete),
                "cut at {end}"
            );
        }
    }

    #[test]
    fn broken_framing_is_refused_with_what_is_wrong() {
        let after = format!("--{BOUNDARY}x\r\n\r\n--{BOUNDARY}--");
        assert_eq!(parse(after.as_bytes(), &[]), Err(FormError::Delimiter));
        let bad_head = format!("--{BOUNDARY}\r\nno colon here\r\n\r\n--{BOUNDARY}--");
        assert_eq!(parse(bad_head.as_bytes(), &[]), Err(FormError::Headers));
        let long_head = format!(
            "--{BOUNDARY}\r\nX-Long: {}\r\n\r\n--{BOUNDARY}--",
            "a".repeat(MAX_HEAD_BYTES)
        );
        for cuts in [&[][..], &[100, 5000]] {
            assert_eq!(
                parse(long_head.as_bytes(), cuts),
                Err(FormError::HeadersTooLarge)
            );
        }
        let many = format!(
            "--{BOUNDARY}\r\n{}\r\n--{BOUNDARY}--",
            "X-A: 1\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(parse(many.as_bytes(), &[]), Err(FormError::HeadersTooLarge));
    }

    #[test]
    fn boundaries_are_printable_and_not_too_long() {
        assert!(Parser::new("----WebKitFormBoundary7MA4YWxkTrZu0gW").is_ok());
        assert!(Parser::new("a b'()+_,-./:=?").is_ok());
        for bad in ["", "a\rb", "a\nb", "caf\u{e9}", &"x".repeat(201)] {
            assert_eq!(
                Parser::new(bad).unwrap_err(),
                FormError::Boundary,
                "{bad:?}"
            );
        }
    }
}
