//! Batches: the recurring templates sessions are generated from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::codes::ShortCode;
use crate::schedule::{Weekday, Weekdays};
use crate::text::Title;
use crate::time::ClockTime;

/// The most sittings one batch's schedule may generate.
pub const MAX_SITTINGS: usize = 1000;

/// The local times a batch meets on one weekday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"weekday": "tue", "start_time": "14:00", "end_time": "15:30"})))]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub weekday: Weekday,
    pub start_time: ClockTime,
    pub end_time: ClockTime,
}

/// A group that meets between two dates, on given weekdays (each with its
/// own local times) or as an RFC 5545 rule says, taught by one staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 3, "code": "RUST-101", "name": "Rust Foundations", "branch_id": 1, "faculty_id": 7,
        "start_date": "2026-01-05", "end_date": "2026-03-27", "weekdays": ["mon", "wed", "fri"],
        "start_time": "09:30", "end_time": "11:00", "location": "Lab 2",
        "created_at": "2026-01-02T10:00:00Z", "updated_at": "2026-01-02T10:00:00Z"
    }))
)]
pub struct Batch {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub branch_id: i64,
    /// The faculty member or employee who teaches it.
    pub faculty_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub weekdays: Weekdays,
    pub start_time: ClockTime,
    pub end_time: ClockTime,
    pub location: Option<String>,
    /// The times of each weekday it meets on, Monday first. Without a rule
    /// these are the schedule; `weekdays`, `start_time` and `end_time`
    /// repeat them (the first slot's times) for older clients.
    pub slots: Vec<Slot>,
    /// An RFC 5545 rule (`FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH`) that picks
    /// the dates instead of the weekdays, every sitting at
    /// `start_time`–`end_time`; `weekdays` are then the days it falls on.
    pub rrule: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "code": "RUST-101", "name": "Rust Foundations", "faculty_id": 7,
        "start_date": "2026-01-05", "end_date": "2026-03-27", "weekdays": ["mon", "wed", "fri"],
        "start_time": "09:30", "end_time": "11:00", "location": "Lab 2"
    }))
)]
#[serde(deny_unknown_fields)]
pub struct NewBatch {
    /// Stored upper-cased; it prefixes the batch's completion codes.
    pub code: ShortCode,
    pub name: Title,
    /// Defaults to the branch of the staff member who teaches it.
    #[serde(default)]
    pub branch_id: Option<i64>,
    pub faculty_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// With `start_time` and `end_time`: the same times on each of these days.
    #[serde(default)]
    pub weekdays: Option<Weekdays>,
    /// With `weekdays`, or with `rrule`.
    #[serde(default)]
    pub start_time: Option<ClockTime>,
    #[serde(default)]
    pub end_time: Option<ClockTime>,
    /// Instead of `weekdays` and times: each day with its own times.
    #[serde(default)]
    pub slots: Option<Vec<Slot>>,
    /// Instead of `weekdays`: an RFC 5545 `RRULE` value, with `start_time`
    /// and `end_time`. It may generate at most [`MAX_SITTINGS`] sittings.
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, example = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")
    )]
    #[serde(default)]
    pub rrule: Option<String>,
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    #[serde(default)]
    pub location: Option<String>,
}

impl NewBatch {
    /// The schedule it asks for, or the field at fault and why.
    pub fn schedule(&self) -> Result<ScheduleSpec, FieldError> {
        ScheduleSpec::from_fields(
            self.weekdays,
            self.start_time,
            self.end_time,
            self.slots.clone(),
            self.rrule.clone(),
        )
    }
}

/// A field of a request and what is wrong with it.
pub type FieldError = (&'static str, &'static str);

/// Which days a batch meets and at what times, in one of its three forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleSpec {
    /// The same times on each of some weekdays (the original form).
    Weekdays {
        weekdays: Weekdays,
        start_time: ClockTime,
        end_time: ClockTime,
    },
    /// Weekdays, each with its own times.
    Slots(Vec<Slot>),
    /// A recurrence rule, every sitting at the same times.
    Rule {
        rrule: String,
        start_time: ClockTime,
        end_time: ClockTime,
    },
}

impl ScheduleSpec {
    /// Reads the three ways a request may give a schedule, refusing a
    /// mixture of them.
    pub fn from_fields(
        weekdays: Option<Weekdays>,
        start_time: Option<ClockTime>,
        end_time: Option<ClockTime>,
        slots: Option<Vec<Slot>>,
        rrule: Option<String>,
    ) -> Result<Self, FieldError> {
        const MIXED: &str = "send slots alone, or weekdays with start_time and end_time, or rrule with start_time and end_time";
        const REQUIRED: &str = "is required";
        match (slots, rrule) {
            (Some(_), Some(_)) => Err(("rrule", MIXED)),
            (Some(slots), None) => {
                if weekdays.is_some() || start_time.is_some() || end_time.is_some() {
                    Err(("slots", MIXED))
                } else {
                    Ok(ScheduleSpec::Slots(slots))
                }
            }
            (None, Some(rrule)) => {
                if weekdays.is_some() {
                    return Err(("weekdays", MIXED));
                }
                Ok(ScheduleSpec::Rule {
                    rrule,
                    start_time: start_time.ok_or(("start_time", REQUIRED))?,
                    end_time: end_time.ok_or(("end_time", REQUIRED))?,
                })
            }
            (None, None) => Ok(ScheduleSpec::Weekdays {
                weekdays: weekdays.ok_or(("weekdays", REQUIRED))?,
                start_time: start_time.ok_or(("start_time", REQUIRED))?,
                end_time: end_time.ok_or(("end_time", REQUIRED))?,
            }),
        }
    }
}

/// `PATCH /batches/{id}`: only the fields sent change. Pending sessions
/// follow the new schedule; completed and cancelled ones never change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"end_date": "2026-04-10", "weekdays": ["tue", "thu"]})))]
#[serde(deny_unknown_fields)]
pub struct BatchPatch {
    pub code: Option<ShortCode>,
    pub name: Option<Title>,
    pub faculty_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Days missing from the batch take `start_time`–`end_time` (sent, or
    /// the batch's); days kept keep their own times unless those are sent.
    pub weekdays: Option<Weekdays>,
    /// Sets every day's (or the rule's) start.
    pub start_time: Option<ClockTime>,
    pub end_time: Option<ClockTime>,
    /// Replaces the schedule with these days and times (and drops a rule).
    pub slots: Option<Vec<Slot>>,
    /// Replaces the schedule with this rule; `null` goes back to weekdays.
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[serde(
        default,
        deserialize_with = "crate::serde_helpers::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, nullable, max_length = 500)
    )]
    pub rrule: Option<Option<String>>,
    /// Send `null` to clear it.
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[serde(
        default,
        deserialize_with = "crate::serde_helpers::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, nullable, max_length = 200)
    )]
    pub location: Option<Option<String>>,
}

/// `GET /batches` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BatchQuery {
    pub branch_id: Option<i64>,
    pub faculty_id: Option<i64>,
    /// Matches code or name, case-insensitively.
    #[validate(length(max = 100, message = "must be at most 100 characters"))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// `POST /batches/preview`: the sittings a schedule would generate, before
/// it is saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "branch_id": 1, "start_date": "2026-01-05", "end_date": "2026-03-27",
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "start_time": "09:30", "end_time": "11:00"
    }))
)]
#[serde(deny_unknown_fields)]
pub struct SchedulePreviewRequest {
    /// Whose holidays and timezone apply: a branch admin's own branch by
    /// default, else the branch of `faculty_id`.
    #[serde(default)]
    pub branch_id: Option<i64>,
    /// The teacher the batch is for, whose branch applies when none is named.
    #[serde(default)]
    pub faculty_id: Option<i64>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[serde(default)]
    pub weekdays: Option<Weekdays>,
    #[serde(default)]
    pub start_time: Option<ClockTime>,
    #[serde(default)]
    pub end_time: Option<ClockTime>,
    #[serde(default)]
    pub slots: Option<Vec<Slot>>,
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    #[serde(default)]
    pub rrule: Option<String>,
}

impl SchedulePreviewRequest {
    pub fn schedule(&self) -> Result<ScheduleSpec, FieldError> {
        ScheduleSpec::from_fields(
            self.weekdays,
            self.start_time,
            self.end_time,
            self.slots.clone(),
            self.rrule.clone(),
        )
    }
}

/// One sitting a schedule generates, in the branch's local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewSitting {
    pub date: NaiveDate,
    pub weekday: Weekday,
    pub start_time: ClockTime,
    pub end_time: ClockTime,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_end: DateTime<Utc>,
    /// The branch holiday on this date: no sitting is generated on it.
    pub holiday: Option<String>,
}

/// The answer to a preview: every date the schedule names, holidays
/// included and marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchedulePreview {
    pub sittings: Vec<PreviewSitting>,
    /// How many sittings saving it would generate (holidays left out).
    pub generated: usize,
}

/// `POST /batches/{id}/sittings`: a make-up sitting on a date of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"date": "2026-03-28", "start_time": "10:00", "end_time": "11:30", "location": "Lab 1"})))]
#[serde(deny_unknown_fields)]
pub struct NewSitting {
    pub date: NaiveDate,
    pub start_time: ClockTime,
    pub end_time: ClockTime,
    /// Where, when not the batch's usual room.
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    #[serde(default)]
    pub location: Option<String>,
}

/// `POST /occurrences/{id}/reschedule`: one pending sitting moves; later
/// edits of its batch keep the move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"date": "2026-03-05", "start_time": "14:00", "end_time": "15:30", "location": "Room 4"})))]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    /// The new date; the sitting's own when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    pub start_time: ClockTime,
    pub end_time: ClockTime,
    /// A room for this sitting alone; the batch's when absent.
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    #[serde(default)]
    pub location: Option<String>,
}
