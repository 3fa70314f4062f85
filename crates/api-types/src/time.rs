//! How times travel on the wire: wall-clock `HH:MM`, RFC 3339 instants, and
//! filters that take either a local date or an instant.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The years the server stores dates and instants in: RFC 3339's
/// four-digit years, which every database holds and SQLite compares as
/// text. chrono itself reads years up to 262,142, near which adding a day
/// has no answer.
pub const YEARS: RangeInclusive<i32> = 1..=9999;

/// The days a date or an instant sent to the API may fall on: [`YEARS`]
/// less a day at each end. A UTC offset is less than a day, so a date
/// taken here starts and ends inside [`YEARS`] in any time zone, and an
/// instant taken here falls inside them on any zone's calendar: no
/// branch's time zone carries what was accepted into a year the databases
/// cannot hold.
pub const DAYS: RangeInclusive<NaiveDate> = first_day()..=last_day();

const fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 2).expect("a day of the year 1")
}

const fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 30).expect("a day of the year 9999")
}

/// What a field that holds a date or instant outside [`DAYS`] is told.
pub const OUTSIDE_DAYS: &str = "must fall between 0001-01-02 and 9999-12-30";

/// Whether `date` (a local date, in whichever time zone) falls in [`DAYS`].
pub fn date_in_range(date: NaiveDate) -> Result<(), &'static str> {
    if DAYS.contains(&date) {
        Ok(())
    } else {
        Err(OUTSIDE_DAYS)
    }
}

/// Whether the instant `at` falls in [`DAYS`], read in UTC: what is stored
/// and what every branch's calendar is worked out from.
pub fn instant_in_range<Tz: TimeZone>(at: &DateTime<Tz>) -> Result<(), &'static str> {
    date_in_range(at.naive_utc().date())
}

/// Whether `at`, read in UTC, falls in [`YEARS`]: what a value the server
/// handed out itself (a page's cursor) must hold, though rows stored
/// before [`DAYS`] was enforced may reach its ends.
pub fn in_years<Tz: TimeZone>(at: &DateTime<Tz>) -> bool {
    YEARS.contains(&at.naive_utc().year())
}

/// A wall-clock time of day, `HH:MM`, read in a branch's timezone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClockTime(NaiveTime);

/// Why a string is not the time it should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidTime(&'static str);

impl fmt::Display for InvalidTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for InvalidTime {}

impl ClockTime {
    pub fn new(time: NaiveTime) -> Self {
        Self(time)
    }

    pub fn time(self) -> NaiveTime {
        self.0
    }
}

/// `HH:MM`, or `HH:MM:SS` from clients that always send seconds.
fn parse_clock(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let format = match text.len() {
        5 => "%H:%M",
        8 => "%H:%M:%S",
        _ => return None,
    };
    let time = NaiveTime::parse_from_str(text, format).ok()?;
    // Rebuilt from its parts: a leap second (`:60`) reads as `:59`.
    NaiveTime::from_hms_opt(time.hour(), time.minute(), time.second())
}

impl FromStr for ClockTime {
    type Err = InvalidTime;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Timetables run by the minute; seconds a client sends are dropped.
        parse_clock(text)
            .and_then(|time| time.with_second(0))
            .map(Self)
            .ok_or(InvalidTime("expected a time of day as HH:MM"))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

/// A time a person entered: `HH:MM` on the session's own date in its
/// branch's timezone (what the old API sent), or an RFC 3339 instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeInput {
    Clock(NaiveTime),
    Instant(DateTime<FixedOffset>),
}

impl FromStr for TimeInput {
    type Err = InvalidTime;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(time) = parse_clock(text) {
            return Ok(TimeInput::Clock(time));
        }
        DateTime::parse_from_rfc3339(text.trim())
            .map(TimeInput::Instant)
            .map_err(|_| {
                InvalidTime(
                    "expected HH:MM or an RFC 3339 instant such as 2026-03-02T09:30:00+05:30",
                )
            })
    }
}

impl fmt::Display for TimeInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeInput::Clock(time) if time.second() == 0 => write!(f, "{}", time.format("%H:%M")),
            TimeInput::Clock(time) => write!(f, "{}", time.format("%H:%M:%S")),
            TimeInput::Instant(at) => f.write_str(&at.to_rfc3339()),
        }
    }
}

/// A bound of a date filter: a whole local day (`YYYY-MM-DD`) or an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrInstant {
    Date(NaiveDate),
    Instant(DateTime<FixedOffset>),
}

impl FromStr for DateOrInstant {
    type Err = InvalidTime;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return date_in_range(date)
                .map(|()| DateOrInstant::Date(date))
                .map_err(InvalidTime);
        }
        let at = DateTime::parse_from_rfc3339(text)
            .map_err(|_| InvalidTime("expected a date (YYYY-MM-DD) or an RFC 3339 instant"))?;
        instant_in_range(&at)
            .map(|()| DateOrInstant::Instant(at))
            .map_err(InvalidTime)
    }
}

impl fmt::Display for DateOrInstant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateOrInstant::Date(date) => write!(f, "{date}"),
            DateOrInstant::Instant(at) => f.write_str(&at.to_rfc3339()),
        }
    }
}

/// Serde glue for the string-shaped types above: their text is their form.
macro_rules! string_shaped {
    ($type:ty) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_shaped!(ClockTime);
string_shaped!(TimeInput);
string_shaped!(DateOrInstant);

/// The schemas say exactly what the parsers accept, so a client (or a
/// fuzzer) that follows them is never refused for the shape of a time.
#[cfg(feature = "openapi")]
mod schemas {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{
        AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
    };

    use super::{ClockTime, DateOrInstant, TimeInput};

    const CLOCK_PATTERN: &str = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

    fn string(format: Option<KnownFormat>, pattern: Option<&str>) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(format.map(SchemaFormat::KnownFormat))
            .pattern(pattern)
    }

    fn either(
        first: ObjectBuilder,
        second: ObjectBuilder,
        description: &str,
        example: &str,
    ) -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(first)
            .item(second)
            .description(Some(description))
            .examples([serde_json::json!(example)])
            .into()
    }

    impl utoipa::PartialSchema for ClockTime {
        fn schema() -> RefOr<Schema> {
            string(None, Some(CLOCK_PATTERN))
                .description(Some("A time of day, HH:MM, in the branch's timezone"))
                .examples([serde_json::json!("09:30")])
                .into()
        }
    }

    impl utoipa::PartialSchema for TimeInput {
        fn schema() -> RefOr<Schema> {
            either(
                string(None, Some(CLOCK_PATTERN)),
                string(Some(KnownFormat::DateTime), None),
                "HH:MM on the session's date in its branch's timezone, or an RFC 3339 instant",
                "09:30",
            )
        }
    }

    impl utoipa::PartialSchema for DateOrInstant {
        fn schema() -> RefOr<Schema> {
            either(
                string(Some(KnownFormat::Date), None),
                string(Some(KnownFormat::DateTime), None),
                "A date (YYYY-MM-DD, a whole day in the branch's timezone) or an RFC 3339 instant",
                "2026-03-02",
            )
        }
    }

    impl utoipa::ToSchema for ClockTime {}
    impl utoipa::ToSchema for TimeInput {}
    impl utoipa::ToSchema for DateOrInstant {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_read_and_write_hh_mm() {
        let time: ClockTime = serde_json::from_str("\"09:30\"").unwrap();
        assert_eq!(serde_json::to_string(&time).unwrap(), "\"09:30\"");
        assert_eq!("09:30:00".parse::<ClockTime>().unwrap(), time);
        assert_eq!(
            "09:30:59".parse::<ClockTime>().unwrap(),
            time,
            "seconds are dropped"
        );
        assert!("9:30".parse::<ClockTime>().is_err());
        assert!("25:00".parse::<ClockTime>().is_err());
        assert_eq!(
            "22:41:60".parse::<ClockTime>().unwrap().to_string(),
            "22:41"
        );
    }

    #[test]
    fn time_inputs_take_clock_times_and_instants() {
        assert_eq!(
            "14:05".parse::<TimeInput>().unwrap(),
            TimeInput::Clock(NaiveTime::from_hms_opt(14, 5, 0).unwrap())
        );
        let TimeInput::Instant(at) = "2026-03-02T09:30:00+05:30".parse::<TimeInput>().unwrap()
        else {
            panic!("an instant");
        };
        assert_eq!(at.to_rfc3339(), "2026-03-02T09:30:00+05:30");
        assert!("half past nine".parse::<TimeInput>().is_err());
    }

    #[test]
    fn date_filters_take_dates_and_instants() {
        assert!(matches!(
            "2026-03-02".parse::<DateOrInstant>(),
            Ok(DateOrInstant::Date(_))
        ));
        assert!(matches!(
            "2026-03-02T00:00:00Z".parse::<DateOrInstant>(),
            Ok(DateOrInstant::Instant(_))
        ));
        assert!("yesterday".parse::<DateOrInstant>().is_err());
        assert!("+262142-12-31".parse::<DateOrInstant>().is_err());
        assert!("0000-06-01T00:00:00Z".parse::<DateOrInstant>().is_err());
    }

    /// The first and last days of the four-digit years are refused: a
    /// time zone would carry them, or the day after them, out of those
    /// years. An instant is read in UTC, whatever offset it came with.
    #[test]
    fn dates_and_instants_keep_a_day_inside_the_four_digit_years() {
        for (text, accepted) in [
            ("0001-01-01", false),
            ("0001-01-02", true),
            ("9999-12-30", true),
            ("9999-12-31", false),
            ("0001-01-02T09:00:00+14:00", false),
            ("0001-01-02T09:00:00-05:00", true),
            ("9999-12-30T22:00:00-05:00", false),
            ("9999-12-30T22:00:00+05:30", true),
        ] {
            assert_eq!(text.parse::<DateOrInstant>().is_ok(), accepted, "{text}");
        }
        let last = DateTime::parse_from_rfc3339("9999-12-31T23:00:00Z").unwrap();
        assert!(in_years(&last), "rows stored before DAYS page on");
        assert!(instant_in_range(&last).is_err());
    }
}
