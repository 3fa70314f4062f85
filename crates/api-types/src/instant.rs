//! Instants written for the lists that carry them by the hundred.
//!
//! chrono serialises a `DateTime` through `fmt::Display`, one `write_char`
//! at a time, each passing serde_json's escaping: in a profile of the
//! session list it was 8.8% of all samples, nearly half of writing the
//! response. These write the same text (RFC 3339, `Z`, a fraction of 3, 6
//! or 9 digits only when there is one, as chrono's `SecondsFormat::AutoSi`)
//! into a buffer on the stack and hand it over as one string. Instants chrono
//! writes differently (years outside 0 to 9999, leap seconds) go to chrono.

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use serde::{Serialize as _, Serializer};

/// `YYYY-MM-DDTHH:MM:SS.fffffffffZ`, the longest this writes.
const LONGEST: usize = 30;

/// Serialises `at` as chrono does, faster.
pub(crate) fn serialize<S: Serializer>(
    at: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut buffer = [0; LONGEST];
    match write(at, &mut buffer) {
        Some(text) => serializer.serialize_str(text),
        None => at.serialize(serializer),
    }
}

/// [`serialize`] for a nullable instant.
pub(crate) fn serialize_option<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// The text of `at` in `buffer`, or `None` where chrono's differs in shape.
fn write<'a>(at: &DateTime<Utc>, buffer: &'a mut [u8; LONGEST]) -> Option<&'a str> {
    let year = u32::try_from(at.year()).ok().filter(|year| *year <= 9999)?;
    let nanos = at.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let mut text = Text { buffer, end: 0 };
    text.digits(year, 4);
    text.byte(b'-');
    text.digits(at.month(), 2);
    text.byte(b'-');
    text.digits(at.day(), 2);
    text.byte(b'T');
    text.digits(at.hour(), 2);
    text.byte(b':');
    text.digits(at.minute(), 2);
    text.byte(b':');
    text.digits(at.second(), 2);
    if nanos != 0 {
        text.byte(b'.');
        if nanos.is_multiple_of(1_000_000) {
            text.digits(nanos / 1_000_000, 3);
        } else if nanos.is_multiple_of(1_000) {
            text.digits(nanos / 1_000, 6);
        } else {
            text.digits(nanos, 9);
        }
    }
    text.byte(b'Z');
    let Text { buffer, end } = text;
    std::str::from_utf8(&buffer[..end]).ok()
}

/// ASCII written from the start of a buffer.
struct Text<'a> {
    buffer: &'a mut [u8; LONGEST],
    end: usize,
}

impl Text<'_> {
    fn byte(&mut self, byte: u8) {
        self.buffer[self.end] = byte;
        self.end += 1;
    }

    /// `value` in `width` decimal digits, zero-padded.
    fn digits(&mut self, value: u32, width: usize) {
        let mut rest = value;
        for place in self.buffer[self.end..self.end + width].iter_mut().rev() {
            *place = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        self.end += width;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};

    use super::*;

    fn ours(at: &DateTime<Utc>) -> String {
        let mut out = Vec::new();
        serialize(at, &mut serde_json::Serializer::new(&mut out)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn instants_are_written_as_chrono_writes_them() {
        let start = NaiveDate::from_ymd_opt(1999, 12, 31)
            .unwrap()
            .and_hms_opt(23, 59, 58)
            .unwrap()
            .and_utc();
        // Steps that land on whole seconds, milliseconds, microseconds and
        // nanoseconds, across days, months and years.
        let steps = [
            Duration::seconds(1),
            Duration::milliseconds(250),
            Duration::microseconds(1_000_001),
            Duration::nanoseconds(86_399_999_999_937),
            Duration::days(31) + Duration::nanoseconds(7),
        ];
        let mut at = start;
        for round in 0..2000 {
            at += steps[round % steps.len()];
            assert_eq!(ours(&at), serde_json::to_string(&at).unwrap(), "{at:?}");
        }
        for at in [
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
            DateTime::from_timestamp(0, 0).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 999_999_999)
                .unwrap()
                .and_utc(),
            NaiveDate::from_ymd_opt(2016, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
                .unwrap()
                .and_utc(),
        ] {
            assert_eq!(ours(&at), serde_json::to_string(&at).unwrap(), "{at:?}");
        }
        assert_eq!(ours(&start), "\"1999-12-31T23:59:58Z\"");
    }

    #[test]
    fn a_missing_instant_is_null() {
        let mut out = Vec::new();
        serialize_option(&None, &mut serde_json::Serializer::new(&mut out)).unwrap();
        assert_eq!(out, b"null");
    }
}
