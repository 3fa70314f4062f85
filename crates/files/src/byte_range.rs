//! `Range: bytes=…` requests, as video players and download managers send them.

use std::ops::Range;

/// What a `Range` header asks of an object of a known size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ranged {
    /// No usable single range: send the whole object (absent header, a unit
    /// other than bytes, several ranges at once).
    Whole,
    /// One satisfiable range: answer 206 with it.
    Part(Range<u64>),
    /// A well-formed range that lies wholly outside the object: 416.
    Unsatisfiable,
}

/// Reads a `Range` header against an object of `size` bytes.
pub fn parse(header: Option<&str>, size: u64) -> Ranged {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ranged::Whole;
    };
    if spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        // The last `end` bytes.
        let Ok(suffix) = end.parse::<u64>() else {
            return Ranged::Whole;
        };
        if suffix == 0 {
            return Ranged::Unsatisfiable;
        }
        size.saturating_sub(suffix)..size
    } else {
        let Ok(first) = start.parse::<u64>() else {
            return Ranged::Whole;
        };
        let last = if end.is_empty() {
            size.saturating_sub(1)
        } else {
            match end.parse::<u64>() {
                Ok(last) if last >= first => last.min(size.saturating_sub(1)),
                _ => return Ranged::Whole,
            }
        };
        if first >= size {
            return Ranged::Unsatisfiable;
        }
        first..last + 1
    };
    if range.is_empty() {
        Ranged::Unsatisfiable
    } else {
        Ranged::Part(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_of_each_form() {
        assert_eq!(parse(Some("bytes=0-99"), 1000), Ranged::Part(0..100));
        assert_eq!(parse(Some("bytes=900-"), 1000), Ranged::Part(900..1000));
        assert_eq!(parse(Some("bytes=-100"), 1000), Ranged::Part(900..1000));
        assert_eq!(parse(Some("bytes=990-2000"), 1000), Ranged::Part(990..1000));
        assert_eq!(parse(Some("bytes=-5000"), 1000), Ranged::Part(0..1000));
    }

    #[test]
    fn ranges_outside_the_object_are_unsatisfiable() {
        assert_eq!(parse(Some("bytes=1000-"), 1000), Ranged::Unsatisfiable);
        assert_eq!(parse(Some("bytes=5000-6000"), 1000), Ranged::Unsatisfiable);
        assert_eq!(parse(Some("bytes=-0"), 1000), Ranged::Unsatisfiable);
        assert_eq!(parse(Some("bytes=0-"), 0), Ranged::Unsatisfiable);
    }

    #[test]
    fn anything_else_is_the_whole_object() {
        assert_eq!(parse(None, 1000), Ranged::Whole);
        assert_eq!(parse(Some("bytes=0-1,5-6"), 1000), Ranged::Whole);
        assert_eq!(parse(Some("items=0-1"), 1000), Ranged::Whole);
        assert_eq!(parse(Some("bytes=9-1"), 1000), Ranged::Whole);
        assert_eq!(parse(Some("bytes=abc"), 1000), Ranged::Whole);
    }
}
