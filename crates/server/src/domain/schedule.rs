//! Turning a batch's recurring template into dated sittings.
//!
//! Local times are read in the branch's timezone on each date, so a class at
//! 09:00 stays at 09:00 on the wall clock across daylight-saving changes.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use lectern_api_types::schedule::{Weekday, Weekdays};

use super::BranchTimezone;

/// The longest span a batch may cover, which bounds how many sittings one
/// request can generate.
pub const MAX_BATCH_DAYS: i64 = 2 * 366;

/// A batch's recurring schedule, checked to be generable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    start_date: NaiveDate,
    end_date: NaiveDate,
    weekdays: Weekdays,
    start_time: NaiveTime,
    end_time: NaiveTime,
    timezone: BranchTimezone,
}

/// Why a template cannot be generated; each names the field at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateError {
    EndDateBeforeStart,
    SpanTooLong,
    NoWeekdays,
    EndTimeNotAfterStart,
}

impl TemplateError {
    pub fn field(self) -> &'static str {
        match self {
            TemplateError::EndDateBeforeStart | TemplateError::SpanTooLong => "end_date",
            TemplateError::NoWeekdays => "weekdays",
            TemplateError::EndTimeNotAfterStart => "end_time",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            TemplateError::EndDateBeforeStart => "must not be before start_date",
            TemplateError::SpanTooLong => "a batch may span at most two years",
            TemplateError::NoWeekdays => "must name at least one day",
            TemplateError::EndTimeNotAfterStart => "must be after start_time",
        }
    }
}

/// One scheduled sitting: a local date and the UTC instants it spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sitting {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Template {
    pub fn new(
        start_date: NaiveDate,
        end_date: NaiveDate,
        weekdays: Weekdays,
        start_time: NaiveTime,
        end_time: NaiveTime,
        timezone: BranchTimezone,
    ) -> Result<Self, TemplateError> {
        if end_date < start_date {
            return Err(TemplateError::EndDateBeforeStart);
        }
        if (end_date - start_date).num_days() > MAX_BATCH_DAYS {
            return Err(TemplateError::SpanTooLong);
        }
        if weekdays.is_empty() {
            return Err(TemplateError::NoWeekdays);
        }
        if end_time <= start_time {
            return Err(TemplateError::EndTimeNotAfterStart);
        }
        Ok(Self {
            start_date,
            end_date,
            weekdays,
            start_time,
            end_time,
            timezone,
        })
    }

    /// Every sitting from the first to the last date, in date order.
    pub fn sittings(&self) -> impl Iterator<Item = Sitting> + '_ {
        self.start_date
            .iter_days()
            .take_while(|date| *date <= self.end_date)
            .filter(|date| {
                self.weekdays
                    .contains(Weekday::from(chrono::Datelike::weekday(date)))
            })
            .map(|date| Sitting {
                date,
                start: local_instant(self.timezone, date, self.start_time),
                end: local_instant(self.timezone, date, self.end_time),
            })
    }
}

/// The instant a wall-clock time names on a date in a timezone.
///
/// A time repeated when clocks go back is its first occurrence; a time
/// skipped when they go forward is read as the first valid minute after
/// the gap, which is when the class can actually start.
pub fn local_instant(timezone: BranchTimezone, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let tz = timezone.tz();
    let mut local = date.and_time(time);
    // Real gaps are at most a few hours; a day bounds the search.
    for _ in 0..(24 * 60) {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
                return at.with_timezone(&Utc);
            }
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn time(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn london() -> BranchTimezone {
        BranchTimezone::parse("Europe/London").unwrap()
    }

    #[test]
    fn sittings_fall_on_the_chosen_weekdays_only() {
        let days = [Weekday::Mon, Weekday::Wed].into_iter().collect();
        let template = Template::new(
            date("2026-03-02"),
            date("2026-03-15"),
            days,
            time("09:00"),
            time("10:30"),
            london(),
        )
        .unwrap();
        let dates: Vec<_> = template.sittings().map(|s| s.date.to_string()).collect();
        assert_eq!(
            dates,
            ["2026-03-02", "2026-03-04", "2026-03-09", "2026-03-11"]
        );
    }

    #[test]
    fn wall_clock_times_hold_across_daylight_saving() {
        // London moved to BST on 2026-03-29: 09:00 is 09:00Z before, 08:00Z after.
        let days = [Weekday::Fri, Weekday::Mon].into_iter().collect();
        let template = Template::new(
            date("2026-03-27"),
            date("2026-03-30"),
            days,
            time("09:00"),
            time("10:00"),
            london(),
        )
        .unwrap();
        let starts: Vec<_> = template.sittings().map(|s| s.start.to_rfc3339()).collect();
        assert_eq!(
            starts,
            ["2026-03-27T09:00:00+00:00", "2026-03-30T08:00:00+00:00"]
        );
    }

    #[test]
    fn a_time_skipped_by_the_clock_change_starts_after_the_gap() {
        let at = local_instant(london(), date("2026-03-29"), time("01:30"));
        assert_eq!(at.to_rfc3339(), "2026-03-29T01:00:00+00:00");
    }

    #[test]
    fn a_repeated_time_is_its_first_occurrence() {
        // 01:30 happens twice on 2026-10-25 in London; the first is in BST.
        let at = local_instant(london(), date("2026-10-25"), time("01:30"));
        assert_eq!(at.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn impossible_templates_name_their_field() {
        let days: Weekdays = [Weekday::Mon].into_iter().collect();
        let err = Template::new(
            date("2026-03-02"),
            date("2026-03-01"),
            days,
            time("09:00"),
            time("10:00"),
            london(),
        )
        .unwrap_err();
        assert_eq!(err.field(), "end_date");
        let err = Template::new(
            date("2026-03-02"),
            date("2026-03-09"),
            Weekdays::EMPTY,
            time("09:00"),
            time("10:00"),
            london(),
        )
        .unwrap_err();
        assert_eq!(err.field(), "weekdays");
        let err = Template::new(
            date("2026-03-02"),
            date("2026-03-09"),
            days,
            time("10:00"),
            time("10:00"),
            london(),
        )
        .unwrap_err();
        assert_eq!(err.field(), "end_time");
        let err = Template::new(
            date("2026-01-01"),
            date("2029-01-01"),
            days,
            time("09:00"),
            time("10:00"),
            london(),
        )
        .unwrap_err();
        assert_eq!(err, TemplateError::SpanTooLong);
    }
}
