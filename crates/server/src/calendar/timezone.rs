//! VTIMEZONE definitions, which RFC 5545 wants beside every TZID an event
//! names and which the iCalendar crate cannot build: written here from
//! the offsets the IANA database (in chrono-tz) gives over the feed's
//! span, one observance per change, so they are exact for that span
//! rather than a rule that may have changed.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, FixedOffset, Offset as _, SubsecRound as _, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents as _, OffsetName as _, Tz};

/// One stretch of a zone's time: from `onset` the offset is `to`.
#[derive(Debug, PartialEq, Eq)]
struct Observance {
    onset: DateTime<Utc>,
    from: FixedOffset,
    to: FixedOffset,
    daylight: bool,
    name: Option<String>,
}

fn observance(tz: Tz, onset: DateTime<Utc>, from: FixedOffset) -> Observance {
    let offset = tz.offset_from_utc_datetime(&onset.naive_utc());
    Observance {
        onset,
        from,
        to: offset.fix(),
        daylight: !offset.dst_offset().is_zero(),
        name: offset.abbreviation().map(str::to_owned),
    }
}

/// The offset in force at `from`, then each change until `to`, found by
/// stepping a day at a time and halving down to the second.
fn observances(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Observance> {
    // Whole seconds, which is what changes happen on and what DTSTART says.
    let (from, to) = (from.trunc_subsecs(0), to.trunc_subsecs(0));
    let fixed = |at: DateTime<Utc>| tz.offset_from_utc_datetime(&at.naive_utc()).fix();
    let first = observance(tz, from, fixed(from));
    let mut found = vec![Observance {
        from: first.to,
        ..first
    }];
    let mut at = from;
    while at < to {
        let next = (at + Duration::days(1)).min(to);
        if fixed(next) != fixed(at) {
            let (mut before, mut after) = (at, next);
            while after - before > Duration::seconds(1) {
                let middle = before + Duration::seconds((after - before).num_seconds() / 2);
                if fixed(middle) == fixed(before) {
                    before = middle;
                } else {
                    after = middle;
                }
            }
            found.push(observance(tz, after, fixed(before)));
        }
        at = next;
    }
    found
}

/// `+HHMM`, or `+HHMMSS` for the odd historical offset.
fn utc_offset(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

/// The VTIMEZONE of `tz` between `from` and `to`, as iCalendar text.
pub fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let mut text = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    for observance in observances(tz, from, to) {
        let kind = if observance.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the onset in the local time that was in force before.
        let local = observance
            .onset
            .with_timezone(&observance.from)
            .naive_local();
        let _ = write!(
            text,
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
            local.format("%Y%m%dT%H%M%S"),
            utc_offset(observance.from),
            utc_offset(observance.to),
        );
        if let Some(name) = observance.name.filter(|name| !name.starts_with(['+', '-'])) {
            let _ = write!(text, "TZNAME:{name}\r\n");
        }
        let _ = write!(text, "END:{kind}\r\n");
    }
    text.push_str("END:VTIMEZONE\r\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn london_changes_at_one_in_the_morning_utc_twice_a_year() {
        let text = vtimezone(
            chrono_tz::Europe::London,
            utc("2026-01-10T00:00:00Z"),
            utc("2026-12-31T00:00:00Z"),
        );
        assert_eq!(
            text,
            "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n\
             BEGIN:STANDARD\r\nDTSTART:20260110T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD\r\n\
             BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\nEND:DAYLIGHT\r\n\
             BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD\r\n\
             END:VTIMEZONE\r\n"
        );
    }

    #[test]
    fn a_zone_without_changes_has_one_observance() {
        let text = vtimezone(
            chrono_tz::Asia::Kolkata,
            utc("2026-01-01T00:00:00Z"),
            utc("2026-07-01T00:00:00Z"),
        );
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1);
        assert!(
            text.contains("TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n"),
            "{text}"
        );
        assert!(!text.contains("DAYLIGHT"));
    }

    #[test]
    fn new_york_springs_forward_at_two_local() {
        let found = observances(
            chrono_tz::America::New_York,
            utc("2027-03-01T00:00:00Z"),
            utc("2027-04-01T00:00:00Z"),
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].onset, utc("2027-03-14T07:00:00Z"));
        assert!(found[1].daylight);
        assert_eq!(utc_offset(found[1].from), "-0500");
        assert_eq!(utc_offset(found[1].to), "-0400");
    }
}
