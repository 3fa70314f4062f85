//! Turning a batch's recurring template into dated sittings.
//!
//! Local times are read in the branch's timezone on each date, so a class at
//! 09:00 stays at 09:00 on the wall clock across daylight-saving changes.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike as _, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use lectern_api_types::batches::{MAX_SITTINGS, ScheduleSpec, Slot};
use lectern_api_types::schedule::{Weekday, Weekdays};
use lectern_api_types::time::{ClockTime, date_in_range};
use rrule::{Frequency, RRule, Unvalidated};

use super::BranchTimezone;

/// The longest span a batch may cover. [`MAX_SITTINGS`] is the real bound;
/// this one keeps a sparse rule from being walked for ever.
pub const MAX_BATCH_DAYS: i64 = 10 * 366;

/// The times of one sitting on the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A batch's schedule, checked and expanded: at most [`MAX_SITTINGS`]
/// dated sittings, each with its local times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    spec: ScheduleSpec,
    dates: Vec<(NaiveDate, Span)>,
    timezone: BranchTimezone,
    /// Days the branch holds no class, with their names.
    holidays: BTreeMap<NaiveDate, String>,
}

/// Why a schedule cannot be generated: the field at fault and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    field: &'static str,
    message: String,
}

impl TemplateError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    pub fn field(&self) -> &'static str {
        self.field
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// One scheduled sitting: a local date and the UTC instants it spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sitting {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What a schedule keeps in a batch row: the weekday form's columns (which
/// older clients read), per-day slots when the days differ, and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub weekdays: Weekdays,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub slots: Option<String>,
    pub rrule: Option<String>,
}

impl Template {
    pub fn new(
        start_date: NaiveDate,
        end_date: NaiveDate,
        spec: ScheduleSpec,
        timezone: BranchTimezone,
    ) -> Result<Self, TemplateError> {
        for (date, field) in [(start_date, "start_date"), (end_date, "end_date")] {
            date_in_range(date).map_err(|why| TemplateError::new(field, why))?;
        }
        if end_date < start_date {
            return Err(TemplateError::new(
                "end_date",
                "must not be before start_date",
            ));
        }
        if (end_date - start_date).num_days() > MAX_BATCH_DAYS {
            return Err(TemplateError::new(
                "end_date",
                "a batch may span at most ten years",
            ));
        }
        let dates = match &spec {
            ScheduleSpec::Weekdays {
                weekdays,
                start_time,
                end_time,
            } => {
                if weekdays.is_empty() {
                    return Err(TemplateError::new("weekdays", "must name at least one day"));
                }
                let span = span(*start_time, *end_time)
                    .ok_or_else(|| TemplateError::new("end_time", "must be after start_time"))?;
                weekly(
                    start_date,
                    end_date,
                    &week_of(weekdays.iter().map(|day| (day, span))),
                )
            }
            ScheduleSpec::Slots(slots) => weekly(start_date, end_date, &slot_week(slots)?),
            ScheduleSpec::Rule {
                rrule,
                start_time,
                end_time,
            } => {
                let span = span(*start_time, *end_time)
                    .ok_or_else(|| TemplateError::new("end_time", "must be after start_time"))?;
                let dates = rule_dates(rrule, (start_date, end_date), timezone, span.start)?;
                if dates.is_empty() {
                    return Err(TemplateError::new(
                        "rrule",
                        "names no date between start_date and end_date",
                    ));
                }
                dates.into_iter().map(|date| (date, span)).collect()
            }
        };
        if dates.len() > MAX_SITTINGS {
            let field = match spec {
                ScheduleSpec::Rule { .. } => "rrule",
                _ => "end_date",
            };
            return Err(TemplateError::new(
                field,
                format!(
                    "this schedule would generate {} sittings; a batch may have at most {MAX_SITTINGS}",
                    dates.len()
                ),
            ));
        }
        Ok(Self {
            spec,
            dates,
            timezone,
            holidays: BTreeMap::new(),
        })
    }

    /// Leaves out the branch's holidays from the sittings.
    #[must_use]
    pub fn with_holidays(mut self, holidays: BTreeMap<NaiveDate, String>) -> Self {
        self.holidays = holidays;
        self
    }

    /// Every date the schedule names, holidays included, with its span and
    /// the holiday that falls on it.
    pub fn dates(&self) -> impl Iterator<Item = (Sitting, Span, Option<&str>)> + '_ {
        self.dates.iter().map(|(date, span)| {
            (
                Sitting {
                    date: *date,
                    start: local_instant(self.timezone, *date, span.start),
                    end: local_instant(self.timezone, *date, span.end),
                },
                *span,
                self.holidays.get(date).map(String::as_str),
            )
        })
    }

    /// The sittings to generate, in date order: every date but holidays.
    pub fn sittings(&self) -> impl Iterator<Item = Sitting> + '_ {
        self.dates()
            .filter(|(_, _, holiday)| holiday.is_none())
            .map(|(sitting, _, _)| sitting)
    }

    /// How the schedule is stored in its batch's row.
    pub fn columns(&self) -> Columns {
        match &self.spec {
            ScheduleSpec::Weekdays {
                weekdays,
                start_time,
                end_time,
            } => Columns {
                weekdays: *weekdays,
                start_time: start_time.time(),
                end_time: end_time.time(),
                slots: None,
                rrule: None,
            },
            ScheduleSpec::Slots(slots) => {
                let mut sorted = slots.clone();
                sorted.sort_by_key(|slot| slot.weekday);
                let first = sorted[0];
                let uniform = sorted.iter().all(|slot| {
                    (slot.start_time, slot.end_time) == (first.start_time, first.end_time)
                });
                Columns {
                    weekdays: sorted.iter().map(|slot| slot.weekday).collect(),
                    start_time: first.start_time.time(),
                    end_time: first.end_time.time(),
                    slots: (!uniform).then(|| {
                        serde_json::to_string(&sorted)
                            .unwrap_or_else(|_| unreachable!("slots serialise"))
                    }),
                    rrule: None,
                }
            }
            ScheduleSpec::Rule {
                rrule,
                start_time,
                end_time,
            } => Columns {
                weekdays: self
                    .dates
                    .iter()
                    .map(|(date, _)| Weekday::from(date.weekday()))
                    .collect(),
                start_time: start_time.time(),
                end_time: end_time.time(),
                slots: None,
                rrule: Some(rrule.trim().to_owned()),
            },
        }
    }
}

/// The schedule a batch row keeps, read back.
pub fn stored_spec(
    weekdays: Weekdays,
    start_time: NaiveTime,
    end_time: NaiveTime,
    slots: Option<&str>,
    rrule: Option<&str>,
) -> ScheduleSpec {
    let (start_time, end_time) = (ClockTime::new(start_time), ClockTime::new(end_time));
    if let Some(rrule) = rrule {
        return ScheduleSpec::Rule {
            rrule: rrule.to_owned(),
            start_time,
            end_time,
        };
    }
    match slots.and_then(|json| serde_json::from_str::<Vec<Slot>>(json).ok()) {
        Some(slots) => ScheduleSpec::Slots(slots),
        None => ScheduleSpec::Weekdays {
            weekdays,
            start_time,
            end_time,
        },
    }
}

/// The slots a schedule meets in, one per weekday, for responses; a rule
/// has none.
pub fn slots_of(spec: &ScheduleSpec) -> Vec<Slot> {
    match spec {
        ScheduleSpec::Weekdays {
            weekdays,
            start_time,
            end_time,
        } => weekdays
            .iter()
            .map(|weekday| Slot {
                weekday,
                start_time: *start_time,
                end_time: *end_time,
            })
            .collect(),
        ScheduleSpec::Slots(slots) => {
            let mut sorted = slots.clone();
            sorted.sort_by_key(|slot| slot.weekday);
            sorted
        }
        ScheduleSpec::Rule { .. } => Vec::new(),
    }
}

fn span(start: ClockTime, end: ClockTime) -> Option<Span> {
    (end > start).then_some(Span {
        start: start.time(),
        end: end.time(),
    })
}

type Week = [Option<Span>; 7];

fn week_of(days: impl IntoIterator<Item = (Weekday, Span)>) -> Week {
    let mut week = [None; 7];
    for (day, span) in days {
        week[day as usize] = Some(span);
    }
    week
}

fn slot_week(slots: &[Slot]) -> Result<Week, TemplateError> {
    if slots.is_empty() {
        return Err(TemplateError::new("slots", "must name at least one day"));
    }
    let mut week: Week = [None; 7];
    for slot in slots {
        let day = slot.weekday;
        let span = span(slot.start_time, slot.end_time).ok_or_else(|| {
            TemplateError::new(
                "slots",
                format!("{}: end_time must be after start_time", day.short_name()),
            )
        })?;
        if week[day as usize].replace(span).is_some() {
            return Err(TemplateError::new(
                "slots",
                format!(
                    "{} is named twice; a batch meets at most once a day",
                    day.short_name()
                ),
            ));
        }
    }
    Ok(week)
}

fn weekly(start: NaiveDate, end: NaiveDate, week: &Week) -> Vec<(NaiveDate, Span)> {
    start
        .iter_days()
        .take_while(|date| *date <= end)
        .filter_map(|date| week[Weekday::from(date.weekday()) as usize].map(|span| (date, span)))
        .collect()
}

/// When an `RRULE`'s `UNTIL` says it ends, read as calendar applications
/// write it: a date is the last day, a UTC time the last start (Google
/// writes the end of the last day in UTC), a floating time the last start
/// on the branch's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Until {
    Date(NaiveDate),
    Floating(chrono::NaiveDateTime),
    Instant(DateTime<Utc>),
}

impl Until {
    fn parse(value: &str) -> Option<Self> {
        if let Ok(date) = NaiveDate::parse_from_str(value, "%Y%m%d") {
            return Some(Until::Date(date));
        }
        if let Some(utc) = value.strip_suffix('Z') {
            return chrono::NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                .ok()
                .map(|at| Until::Instant(at.and_utc()));
        }
        chrono::NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
            .ok()
            .map(Until::Floating)
    }

    /// Whether a sitting on `date` at `start` on `timezone`'s clock is
    /// still within the rule.
    fn allows(self, date: NaiveDate, timezone: BranchTimezone, start: NaiveTime) -> bool {
        match self {
            Until::Date(last) => date <= last,
            Until::Floating(last) => date.and_time(start) <= last,
            Until::Instant(last) => local_instant(timezone, date, start) <= last,
        }
    }
}

/// `rule` without its `UNTIL` part, and that part read. The crate reads a
/// `UNTIL` without `Z` in the server's own zone and then refuses it beside
/// a UTC start, and compares one with `Z` against midnight UTC rather than
/// the sitting's start: both are done here instead, on the branch's clock.
fn take_until(rule: &str) -> Result<(String, Option<Until>), String> {
    let mut until = None;
    let mut rest = Vec::new();
    for part in rule.split(';') {
        match part.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("UNTIL") => {
                if until.is_some() {
                    return Err("UNTIL is given twice".into());
                }
                let value = value.trim();
                until = Some(Until::parse(&value.to_ascii_uppercase()).ok_or_else(|| {
                    format!(
                        "UNTIL must be a date (20270131) or a date and time (20270131T170000Z), not {value}"
                    )
                })?);
            }
            _ => rest.push(part),
        }
    }
    Ok((rest.join(";"), until))
}

/// `rrule` read: its parts but `UNTIL`, which the crate would misread,
/// and `UNTIL` apart. What no timetable can be is refused here, for a
/// stored rule as for one sent.
fn parse_rule(rrule: &str) -> Result<(RRule<Unvalidated>, Option<Until>), TemplateError> {
    let text = rrule.trim();
    let text = text
        .get(..6)
        .filter(|prefix| prefix.eq_ignore_ascii_case("RRULE:"))
        .map_or(text, |_| &text[6..]);
    let bad = |message: String| TemplateError::new("rrule", message);
    let (text, until) = take_until(text).map_err(bad)?;
    let rule: RRule<Unvalidated> = text
        .parse()
        .map_err(|err: rrule::RRuleError| bad(err.to_string()))?;
    if matches!(
        rule.get_freq(),
        Frequency::Hourly | Frequency::Minutely | Frequency::Secondly
    ) {
        return Err(bad(
            "a batch meets at most once a day: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"
                .into(),
        ));
    }
    Ok((rule, until))
}

/// Refuses, in a rule a client sends, what a stored one saved before
/// these checks may still hold and is read with as before. `BYHOUR`,
/// `BYMINUTE` and `BYSECOND` could only pick times within a day, which
/// `start_time` and `end_time` give, and each multiplies the instants
/// walked (up to 86,400 a day) for one date kept; RFC 5545 forbids `COUNT`
/// beside `UNTIL`.
pub fn check_sent_rule(rrule: &str) -> Result<(), TemplateError> {
    let (rule, until) = parse_rule(rrule)?;
    let bad = |message: &str| Err(TemplateError::new("rrule", message));
    if !rule.get_by_hour().is_empty()
        || !rule.get_by_minute().is_empty()
        || !rule.get_by_second().is_empty()
    {
        return bad(
            "a batch meets at most once a day, at start_time: BYHOUR, BYMINUTE and BYSECOND are not taken",
        );
    }
    if until.is_some() && rule.get_count().is_some() {
        return bad("give COUNT or UNTIL, not both");
    }
    Ok(())
}

/// The dates an `RRULE` names from the first of `span` (its `DTSTART`) to
/// the last: at most one a day over at most [`MAX_BATCH_DAYS`], so all are
/// counted. A `UNTIL` with a time is compared with each sitting's start,
/// at `start` on `timezone`'s clock.
fn rule_dates(
    rrule: &str,
    span: (NaiveDate, NaiveDate),
    timezone: BranchTimezone,
    start: NaiveTime,
) -> Result<Vec<NaiveDate>, TemplateError> {
    let (first, end) = span;
    let (rule, until) = parse_rule(rrule)?;
    // Dates alone matter here (the times are the batch's), so the rule is
    // walked in UTC, which has no clock changes to skip or repeat a day.
    let dt_start = rrule::Tz::UTC.from_utc_datetime(&first.and_time(NaiveTime::MIN));
    // Limited: a rule that never matches (February 30th) stops walking
    // after the crate's loop bound instead of searching for ever.
    let set = rule
        .build(dt_start)
        .map_err(|err| TemplateError::new("rrule", err.to_string()))?
        .limit();
    let mut dates: Vec<NaiveDate> = Vec::new();
    for at in &set {
        let date = at.date_naive();
        if date > end || until.is_some_and(|until| !until.allows(date, timezone, start)) {
            break;
        }
        if dates.last() != Some(&date) {
            dates.push(date);
        }
    }
    Ok(dates)
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
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn clock(s: &str) -> ClockTime {
        s.parse().unwrap()
    }

    fn zone(name: &str) -> BranchTimezone {
        BranchTimezone::parse(name).unwrap()
    }

    fn weekdays(days: &[Weekday], start: &str, end: &str) -> ScheduleSpec {
        ScheduleSpec::Weekdays {
            weekdays: days.iter().copied().collect(),
            start_time: clock(start),
            end_time: clock(end),
        }
    }

    fn rule(rrule: &str) -> ScheduleSpec {
        ScheduleSpec::Rule {
            rrule: rrule.into(),
            start_time: clock("09:00"),
            end_time: clock("10:00"),
        }
    }

    fn dates_of(template: &Template) -> Vec<String> {
        template.sittings().map(|s| s.date.to_string()).collect()
    }

    fn starts(template: &Template) -> Vec<String> {
        template.sittings().map(|s| s.start.to_rfc3339()).collect()
    }

    #[test]
    fn sittings_fall_on_the_chosen_weekdays_only() {
        let template = Template::new(
            date("2026-03-02"),
            date("2026-03-15"),
            weekdays(&[Weekday::Mon, Weekday::Wed], "09:00", "10:30"),
            zone("Europe/London"),
        )
        .unwrap();
        assert_eq!(
            dates_of(&template),
            ["2026-03-02", "2026-03-04", "2026-03-09", "2026-03-11"]
        );
    }

    /// A Friday-and-Monday class at 09:00 around each clock change of `year`.
    fn around(zone_name: &str, friday: &str, monday: &str) -> Vec<String> {
        let template = Template::new(
            date(friday),
            date(monday),
            weekdays(&[Weekday::Fri, Weekday::Mon], "09:00", "10:00"),
            zone(zone_name),
        )
        .unwrap();
        starts(&template)
    }

    #[test]
    fn wall_clock_times_hold_across_both_changes_in_london() {
        // BST began on 2026-03-29 and ends on 2026-10-25.
        assert_eq!(
            around("Europe/London", "2026-03-27", "2026-03-30"),
            ["2026-03-27T09:00:00+00:00", "2026-03-30T08:00:00+00:00"]
        );
        assert_eq!(
            around("Europe/London", "2026-10-23", "2026-10-26"),
            ["2026-10-23T08:00:00+00:00", "2026-10-26T09:00:00+00:00"]
        );
    }

    #[test]
    fn wall_clock_times_hold_across_both_changes_in_new_york() {
        // EDT began on 2026-03-08 and ends on 2026-11-01.
        assert_eq!(
            around("America/New_York", "2026-03-06", "2026-03-09"),
            ["2026-03-06T14:00:00+00:00", "2026-03-09T13:00:00+00:00"]
        );
        assert_eq!(
            around("America/New_York", "2026-10-30", "2026-11-02"),
            ["2026-10-30T13:00:00+00:00", "2026-11-02T14:00:00+00:00"]
        );
    }

    #[test]
    fn kolkata_keeps_one_offset_all_year() {
        assert_eq!(
            around("Asia/Kolkata", "2026-03-27", "2026-03-30"),
            ["2026-03-27T03:30:00+00:00", "2026-03-30T03:30:00+00:00"]
        );
        assert_eq!(
            around("Asia/Kolkata", "2026-10-30", "2026-11-02"),
            ["2026-10-30T03:30:00+00:00", "2026-11-02T03:30:00+00:00"]
        );
    }

    #[test]
    fn a_rule_keeps_wall_clock_times_across_the_change_too() {
        let template = Template::new(
            date("2026-10-20"),
            date("2026-11-10"),
            ScheduleSpec::Rule {
                rrule: "FREQ=WEEKLY;BYDAY=TU".into(),
                start_time: clock("18:30"),
                end_time: clock("20:00"),
            },
            zone("America/New_York"),
        )
        .unwrap();
        assert_eq!(
            starts(&template),
            [
                "2026-10-20T22:30:00+00:00",
                "2026-10-27T22:30:00+00:00",
                "2026-11-03T23:30:00+00:00",
                "2026-11-10T23:30:00+00:00",
            ]
        );
    }

    #[test]
    fn a_time_skipped_by_the_clock_change_starts_after_the_gap() {
        let at = local_instant(
            zone("Europe/London"),
            date("2026-03-29"),
            clock("01:30").time(),
        );
        assert_eq!(at.to_rfc3339(), "2026-03-29T01:00:00+00:00");
        let at = local_instant(
            zone("America/New_York"),
            date("2026-03-08"),
            clock("02:30").time(),
        );
        assert_eq!(at.to_rfc3339(), "2026-03-08T07:00:00+00:00");
    }

    #[test]
    fn a_repeated_time_is_its_first_occurrence() {
        // 01:30 happens twice on 2026-10-25 in London; the first is in BST.
        let at = local_instant(
            zone("Europe/London"),
            date("2026-10-25"),
            clock("01:30").time(),
        );
        assert_eq!(at.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        let at = local_instant(
            zone("America/New_York"),
            date("2026-11-01"),
            clock("01:30").time(),
        );
        assert_eq!(at.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }

    #[test]
    fn slots_give_each_day_its_own_times() {
        let spec = ScheduleSpec::Slots(vec![
            Slot {
                weekday: Weekday::Thu,
                start_time: clock("14:00"),
                end_time: clock("15:00"),
            },
            Slot {
                weekday: Weekday::Tue,
                start_time: clock("09:00"),
                end_time: clock("10:30"),
            },
        ]);
        let template = Template::new(
            date("2026-06-01"),
            date("2026-06-07"),
            spec,
            zone("Asia/Kolkata"),
        )
        .unwrap();
        assert_eq!(
            starts(&template),
            ["2026-06-02T03:30:00+00:00", "2026-06-04T08:30:00+00:00"]
        );
        let columns = template.columns();
        assert_eq!(columns.weekdays.to_string(), "Tue, Thu");
        assert_eq!(columns.start_time, clock("09:00").time());
        let stored = columns.slots.expect("days differ, so the slots are kept");
        let back = stored_spec(
            columns.weekdays,
            columns.start_time,
            columns.end_time,
            Some(&stored),
            None,
        );
        assert_eq!(slots_of(&back).len(), 2);
        assert_eq!(slots_of(&back)[0].weekday, Weekday::Tue);
    }

    #[test]
    fn slots_with_one_time_are_stored_as_the_weekday_form() {
        let spec = ScheduleSpec::Slots(
            [Weekday::Mon, Weekday::Fri]
                .map(|weekday| Slot {
                    weekday,
                    start_time: clock("09:00"),
                    end_time: clock("10:00"),
                })
                .to_vec(),
        );
        let template =
            Template::new(date("2026-06-01"), date("2026-06-30"), spec, zone("UTC")).unwrap();
        assert_eq!(template.columns().slots, None);
    }

    #[test]
    fn a_fortnightly_rule_skips_every_other_week() {
        let template = Template::new(
            date("2026-01-05"),
            date("2026-02-01"),
            rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"),
            zone("Europe/London"),
        )
        .unwrap();
        assert_eq!(
            dates_of(&template),
            ["2026-01-06", "2026-01-08", "2026-01-20", "2026-01-22"]
        );
        let columns = template.columns();
        assert_eq!(columns.weekdays.to_string(), "Tue, Thu");
        assert_eq!(
            columns.rrule.as_deref(),
            Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")
        );
    }

    #[test]
    fn a_monthly_rule_and_its_count_are_honoured() {
        let template = Template::new(
            date("2026-01-01"),
            date("2026-12-31"),
            rule("RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=3"),
            zone("UTC"),
        )
        .unwrap();
        assert_eq!(
            dates_of(&template),
            ["2026-01-05", "2026-02-02", "2026-03-02"]
        );
    }

    #[test]
    fn holidays_are_left_out_and_named() {
        let template = Template::new(
            date("2026-12-21"),
            date("2026-12-27"),
            weekdays(&Weekday::ALL, "09:00", "10:00"),
            zone("Europe/London"),
        )
        .unwrap()
        .with_holidays(BTreeMap::from([(
            date("2026-12-25"),
            "Christmas Day".to_owned(),
        )]));
        assert_eq!(template.sittings().count(), 6);
        assert!(!dates_of(&template).contains(&"2026-12-25".to_owned()));
        let named: Vec<_> = template.dates().filter_map(|(_, _, name)| name).collect();
        assert_eq!(named, ["Christmas Day"]);
    }

    fn refused(start: &str, end: &str, spec: ScheduleSpec) -> TemplateError {
        Template::new(date(start), date(end), spec, zone("UTC")).unwrap_err()
    }

    #[test]
    fn impossible_schedules_name_their_field() {
        let mon = weekdays(&[Weekday::Mon], "09:00", "10:00");
        assert_eq!(
            refused("2026-03-02", "2026-03-01", mon.clone()).field(),
            "end_date"
        );
        assert_eq!(
            refused("2026-03-02", "2026-03-09", weekdays(&[], "09:00", "10:00")).field(),
            "weekdays"
        );
        assert_eq!(
            refused(
                "2026-03-02",
                "2026-03-09",
                weekdays(&[Weekday::Mon], "10:00", "10:00")
            )
            .field(),
            "end_time"
        );
        assert_eq!(refused("2026-01-01", "2037-01-01", mon).field(), "end_date");
        let twice = ScheduleSpec::Slots(vec![
            Slot {
                weekday: Weekday::Mon,
                start_time: clock("09:00"),
                end_time: clock("10:00"),
            },
            Slot {
                weekday: Weekday::Mon,
                start_time: clock("11:00"),
                end_time: clock("12:00"),
            },
        ]);
        let err = refused("2026-03-02", "2026-03-09", twice);
        assert_eq!(
            (err.field(), err.message()),
            (
                "slots",
                "Mon is named twice; a batch meets at most once a day"
            )
        );
        assert_eq!(
            refused("2026-03-02", "2026-03-09", ScheduleSpec::Slots(vec![])).field(),
            "slots"
        );
    }

    #[test]
    fn rules_that_cannot_be_a_timetable_are_refused() {
        for bad in [
            "FREQ=HOURLY",
            "FREQ=SOMETIMES",
            "BYDAY=MO",
            "FREQ=WEEKLY;BYDAY=XX",
        ] {
            let err = refused("2026-01-01", "2026-12-31", rule(bad));
            assert_eq!(err.field(), "rrule", "{bad}");
        }
        let err = refused("2026-01-05", "2026-01-06", rule("FREQ=WEEKLY;BYDAY=FR"));
        assert_eq!(
            err.message(),
            "names no date between start_date and end_date"
        );
        let never = refused(
            "2026-01-01",
            "2026-12-31",
            rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
        );
        assert_eq!(
            never.message(),
            "names no date between start_date and end_date"
        );
    }

    #[test]
    fn until_ends_a_rule_on_the_branchs_clock_in_each_of_its_forms() {
        let sundays = |until: &str, tz: &str| {
            let template = Template::new(
                date("2027-01-01"),
                date("2027-03-31"),
                rule(&format!("FREQ=WEEKLY;BYDAY=SU;UNTIL={until}")),
                zone(tz),
            )
            .unwrap();
            dates_of(&template).last().cloned().unwrap()
        };
        // The date form: the last day, wherever the branch is.
        assert_eq!(sundays("20270131", "Australia/Sydney"), "2027-01-31");
        assert_eq!(sundays("20270131", "America/New_York"), "2027-01-31");
        // The last start as an instant: 09:00 in Sydney on the 31st is
        // 22:00 UTC on the 30th, and that sitting is the last.
        assert_eq!(
            sundays("20270130T220000Z", "Australia/Sydney"),
            "2027-01-31"
        );
        assert_eq!(
            sundays("20270130T215959Z", "Australia/Sydney"),
            "2027-01-24"
        );
        // The end of the last day in UTC, as Google writes it: New York's
        // Monday the 1st of February is not within it.
        assert_eq!(
            sundays("20270201T045959Z", "America/New_York"),
            "2027-01-31"
        );
        // A floating time is the last start on the branch's clock.
        assert_eq!(sundays("20270131T090000", "Asia/Kolkata"), "2027-01-31");
        assert_eq!(sundays("20270131T085959", "Asia/Kolkata"), "2027-01-24");
        let mondays = Template::new(
            date("2027-01-01"),
            date("2027-03-31"),
            rule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270201T045959Z"),
            zone("America/New_York"),
        )
        .unwrap();
        assert_eq!(dates_of(&mondays).last().unwrap(), "2027-01-25");
    }

    #[test]
    fn rules_that_pick_times_or_end_twice_are_refused() {
        let every_second = "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59";
        for bad in [
            "FREQ=DAILY;BYHOUR=9,14",
            "FREQ=WEEKLY;BYDAY=MO;BYMINUTE=30",
            every_second,
            "FREQ=DAILY;COUNT=3;UNTIL=20260301",
            "FREQ=DAILY;UNTIL=20260301;UNTIL=20260302",
            "FREQ=DAILY;UNTIL=next-week",
            "FREQ=MINUTELY",
        ] {
            let err = check_sent_rule(bad).unwrap_err();
            assert_eq!(err.field(), "rrule", "{bad}");
        }
        // A rule stored before these checks is still read, one date a day.
        let stored = Template::new(
            date("2026-01-01"),
            date("2026-01-03"),
            rule("FREQ=DAILY;BYHOUR=9,14"),
            zone("UTC"),
        )
        .unwrap();
        assert_eq!(
            dates_of(&stored),
            ["2026-01-01", "2026-01-02", "2026-01-03"]
        );
        check_sent_rule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131t170000z").unwrap();
    }

    #[test]
    fn more_than_a_thousand_sittings_is_refused() {
        // Daily for three years: 1,096 sittings.
        let err = refused("2026-01-01", "2028-12-31", rule("FREQ=DAILY"));
        assert_eq!(err.field(), "rrule");
        assert!(err.message().contains("at most 1000"), "{}", err.message());
        let err = refused(
            "2026-01-01",
            "2028-12-31",
            weekdays(&Weekday::ALL, "09:00", "10:00"),
        );
        assert_eq!(err.field(), "end_date");
        // Exactly a thousand is allowed.
        let end = date("2026-01-01") + Duration::days(999);
        let template =
            Template::new(date("2026-01-01"), end, rule("FREQ=DAILY"), zone("UTC")).unwrap();
        assert_eq!(template.sittings().count(), 1000);
    }

    /// Whether `date` is in a weekly rule with `interval` and `days`, read
    /// straight from RFC 5545: weeks start on Monday and are counted from
    /// the week of `start`.
    fn in_weekly_rule(
        date: NaiveDate,
        start: NaiveDate,
        interval: u32,
        days: &BTreeSet<Weekday>,
    ) -> bool {
        let monday =
            |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
        let weeks = (monday(date) - monday(start)).num_days() / 7;
        date >= start
            && weeks % i64::from(interval) == 0
            && days.contains(&Weekday::from(date.weekday()))
    }

    fn rrule_day(day: Weekday) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day as usize]
    }

    proptest! {
        #[test]
        fn weekly_rules_generate_exactly_the_dates_allowed(
            offset in 0i64..400,
            length in 0i64..200,
            interval in 1u32..5,
            day_bits in 1u8..128,
            holiday_offsets in proptest::collection::btree_set(0i64..200, 0..10),
        ) {
            let start = date("2026-01-01") + Duration::days(offset);
            let end = start + Duration::days(length);
            let days: BTreeSet<Weekday> = Weekday::ALL
                .into_iter()
                .filter(|day| day_bits & (1 << (*day as u8)) != 0)
                .collect();
            let byday: Vec<_> = days.iter().map(|day| rrule_day(*day)).collect();
            let rrule = format!("FREQ=WEEKLY;INTERVAL={interval};BYDAY={}", byday.join(","));
            let holidays: BTreeMap<NaiveDate, String> = holiday_offsets
                .iter()
                .map(|o| (start + Duration::days(*o), "Holiday".to_owned()))
                .collect();
            let expected: Vec<NaiveDate> = start
                .iter_days()
                .take_while(|d| *d <= end)
                .filter(|d| in_weekly_rule(*d, start, interval, &days))
                .filter(|d| !holidays.contains_key(d))
                .collect();
            match Template::new(start, end, rule(&rrule), zone("Europe/London")) {
                Ok(template) => {
                    let got: Vec<NaiveDate> = template
                        .with_holidays(holidays)
                        .sittings()
                        .map(|s| s.date)
                        .collect();
                    prop_assert_eq!(got, expected);
                }
                Err(err) => {
                    // Only a range the rule names no date in is refused.
                    prop_assert_eq!(err.message(), "names no date between start_date and end_date");
                    prop_assert!(start.iter_days().take_while(|d| *d <= end)
                        .all(|d| !in_weekly_rule(d, start, interval, &days)));
                }
            }
        }

        #[test]
        fn weekday_schedules_generate_exactly_the_chosen_days(
            offset in 0i64..400,
            length in 0i64..120,
            day_bits in 1u8..128,
            holiday_offsets in proptest::collection::btree_set(0i64..120, 0..10),
        ) {
            let start = date("2026-01-01") + Duration::days(offset);
            let end = start + Duration::days(length);
            let days: Vec<Weekday> = Weekday::ALL
                .into_iter()
                .filter(|day| day_bits & (1 << (*day as u8)) != 0)
                .collect();
            let holidays: BTreeMap<NaiveDate, String> = holiday_offsets
                .iter()
                .map(|o| (start + Duration::days(*o), "Holiday".to_owned()))
                .collect();
            let template = Template::new(start, end, weekdays(&days, "09:00", "10:00"), zone("America/New_York"))
                .unwrap()
                .with_holidays(holidays.clone());
            let got: Vec<NaiveDate> = template.sittings().map(|s| s.date).collect();
            let expected: Vec<NaiveDate> = start
                .iter_days()
                .take_while(|d| *d <= end)
                .filter(|d| days.contains(&Weekday::from(d.weekday())))
                .filter(|d| !holidays.contains_key(d))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
