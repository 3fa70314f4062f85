//! Batches: the recurring templates sessions are generated from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::codes::ShortCode;
use crate::schedule::Weekdays;
use crate::text::Title;
use crate::time::ClockTime;

/// A group that meets on given weekdays between two dates, at the same
/// local times, taught by one staff member.
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
    pub weekdays: Weekdays,
    pub start_time: ClockTime,
    pub end_time: ClockTime,
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    #[serde(default)]
    pub location: Option<String>,
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
    pub weekdays: Option<Weekdays>,
    pub start_time: Option<ClockTime>,
    pub end_time: Option<ClockTime>,
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
