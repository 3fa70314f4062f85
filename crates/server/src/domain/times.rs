//! When a session actually ran: the times people enter, read on the
//! session's date in its branch's timezone, and the rules they must meet.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use lectern_api_types::time::{TimeInput, instant_in_range};

use super::BranchTimezone;
use super::schedule::local_instant;

/// The longest a session may last.
pub const MAX_SESSION: Duration = Duration::hours(24);
/// How far in the future an actual end may be, for clocks a little ahead.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// The longest class an end time at or before the start may stand for when
/// read as the next day.
pub const MAX_OVERNIGHT: Duration = Duration::hours(12);

/// A time that breaks a rule, with the field it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeError {
    pub field: &'static str,
    pub message: String,
}

impl TimeError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// The session a time is entered for: where its local times are read and
/// how long it was meant to run.
#[derive(Clone, Copy, Debug)]
pub struct Sitting {
    pub timezone: BranchTimezone,
    /// The scheduled local date.
    pub date: NaiveDate,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_end: DateTime<Utc>,
}

impl Sitting {
    /// The instant a time a person entered stands for on the session's date.
    pub fn resolve(&self, input: TimeInput) -> DateTime<Utc> {
        self.resolve_on(input, self.date)
    }

    fn resolve_on(&self, input: TimeInput, date: NaiveDate) -> DateTime<Utc> {
        match input {
            TimeInput::Clock(time) => local_instant(self.timezone, date, time),
            TimeInput::Instant(at) => at.with_timezone(&Utc),
        }
    }

    /// Actual start and end from what was entered. An `HH:MM` end at or
    /// before the start is read as the next day only when that makes a class
    /// of at most 12 hours and at most twice the scheduled length: a class
    /// that ran past midnight, not a typo such as 11:00 → 10:00.
    pub fn actual_span(
        &self,
        start: DateTime<Utc>,
        end: TimeInput,
        now: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>), TimeError> {
        let mut end_at = self.resolve(end);
        if matches!(end, TimeInput::Clock(_)) && end_at <= start {
            let next_day = self.date.succ_opt().unwrap_or(self.date);
            let overnight = self.resolve_on(end, next_day);
            let scheduled = self.scheduled_end - self.scheduled_start;
            let length = overnight - start;
            if length > MAX_OVERNIGHT || length > scheduled * 2 {
                return Err(TimeError::new(
                    "actual_end_time",
                    format!(
                        "is not after actual_start_time; read as the next day it would make a class of {}, \
                         longer than 12 hours or twice the scheduled {}. Check the end time, or send \
                         both times as RFC 3339 instants if the class really ran that long",
                        duration_words(length),
                        duration_words(scheduled)
                    ),
                ));
            }
            end_at = overnight;
        }
        check_span(start, end_at, "actual_end_time", "actual_start_time")?;
        if end_at > now + CLOCK_SKEW {
            return Err(TimeError::new(
                "actual_end_time",
                "is in the future; record a session once it has ended",
            ));
        }
        Ok((start, end_at))
    }
}

/// Both pass [`instant_in_range`], end after start, at most [`MAX_SESSION`] later.
pub fn check_span(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    end_field: &'static str,
    start_field: &'static str,
) -> Result<(), TimeError> {
    for (at, field) in [(start, start_field), (end, end_field)] {
        instant_in_range(&at).map_err(|why| TimeError::new(field, why))?;
    }
    if end <= start {
        return Err(TimeError::new(
            end_field,
            format!("must be after {start_field}"),
        ));
    }
    if end - start > MAX_SESSION {
        return Err(TimeError::new(
            end_field,
            "a session lasts at most 24 hours",
        ));
    }
    Ok(())
}

/// Whole minutes the class began after it was scheduled to; an early start
/// is not late.
pub fn late_minutes(scheduled_start: DateTime<Utc>, actual_start: DateTime<Utc>) -> i32 {
    let minutes = (actual_start - scheduled_start).num_minutes().max(0);
    i32::try_from(minutes).unwrap_or(i32::MAX)
}

/// `1 h 30 min`, `23 h`, `45 min`.
fn duration_words(span: Duration) -> String {
    let minutes = span.num_minutes();
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone as _};

    use super::*;

    fn sitting(tz: &str, date: (i32, u32, u32), from: (u32, u32), to: (u32, u32)) -> Sitting {
        let timezone = BranchTimezone::parse(tz).unwrap();
        let date = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        let at = |(h, m)| local_instant(timezone, date, NaiveTime::from_hms_opt(h, m, 0).unwrap());
        Sitting {
            timezone,
            date,
            scheduled_start: at(from),
            scheduled_end: at(to),
        }
    }

    fn clock(text: &str) -> TimeInput {
        text.parse().unwrap()
    }

    fn far_future() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap()
    }

    fn span(sitting: &Sitting, start: &str, end: &str) -> Result<(i64, i64), TimeError> {
        let start = sitting.resolve(clock(start));
        sitting
            .actual_span(start, clock(end), far_future())
            .map(|(s, e)| {
                (
                    (s - sitting.scheduled_start).num_minutes(),
                    (e - s).num_minutes(),
                )
            })
    }

    #[test]
    fn an_evening_class_that_ran_past_midnight_ends_the_next_day() {
        let evening = sitting("Asia/Kolkata", (2026, 3, 2), (22, 0), (23, 30));
        assert_eq!(span(&evening, "22:05", "00:40"), Ok((5, 155)));
    }

    #[test]
    fn an_end_typed_before_the_start_is_refused_with_what_to_send() {
        let morning = sitting("Asia/Kolkata", (2026, 3, 2), (9, 30), (11, 0));
        let err = span(&morning, "11:00", "10:00").unwrap_err();
        assert_eq!(err.field, "actual_end_time");
        assert!(err.message.contains("23 h"), "{}", err.message);
        assert!(err.message.contains("1 h 30 min"), "{}", err.message);
        assert!(err.message.contains("RFC 3339"), "{}", err.message);
    }

    #[test]
    fn overnight_is_bounded_by_twice_the_schedule_and_by_twelve_hours() {
        // A one-hour class: two hours past midnight is the most.
        let short = sitting("UTC", (2026, 3, 2), (23, 0), (23, 59));
        assert!(span(&short, "23:00", "00:58").is_ok());
        assert!(span(&short, "23:00", "01:00").is_err());
        // A class of six and a half hours: twelve is the most, not thirteen.
        let long = sitting("UTC", (2026, 3, 2), (17, 0), (23, 30));
        assert!(span(&long, "18:00", "06:00").is_ok());
        assert!(span(&long, "18:00", "06:01").is_err());
        // An end equal to the start is never a day-long class.
        assert!(span(&long, "18:00", "18:00").is_err());
    }

    #[test]
    fn instants_are_taken_as_sent() {
        let morning = sitting("UTC", (2026, 3, 2), (9, 0), (10, 0));
        let start = morning.scheduled_start;
        let end = TimeInput::Instant((start - Duration::minutes(1)).fixed_offset());
        let err = morning.actual_span(start, end, far_future()).unwrap_err();
        assert_eq!(err.message, "must be after actual_start_time");
    }

    #[test]
    fn a_class_is_recorded_only_once_it_has_ended() {
        let morning = sitting("UTC", (2026, 3, 2), (9, 0), (10, 0));
        let now = morning.scheduled_start + Duration::minutes(30);
        let start = morning.scheduled_start;
        assert!(morning.actual_span(start, clock("09:34"), now).is_ok());
        assert!(morning.actual_span(start, clock("09:36"), now).is_err());
    }

    #[test]
    fn sessions_last_at_most_a_day() {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        assert!(check_span(start, start + MAX_SESSION, "end", "start").is_ok());
        assert!(
            check_span(
                start,
                start + MAX_SESSION + Duration::minutes(1),
                "end",
                "start"
            )
            .is_err()
        );
        let last = Utc.with_ymd_and_hms(9999, 12, 30, 23, 0, 0).unwrap();
        let refused = check_span(last, last + Duration::hours(2), "end", "start").unwrap_err();
        assert_eq!(
            refused.field, "end",
            "9999-12-31 is a day from the year 10000 in a branch east of UTC"
        );
    }

    #[test]
    fn lateness_counts_whole_minutes_and_never_goes_negative() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        assert_eq!(late_minutes(at, at + Duration::seconds(7 * 60 + 59)), 7);
        assert_eq!(late_minutes(at, at - Duration::minutes(10)), 0);
    }
}
