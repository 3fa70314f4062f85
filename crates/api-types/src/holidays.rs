//! Branch holidays: days no class of the branch is held.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::text::Title;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 4, "branch_id": 1, "date": "2026-12-25", "name": "Christmas Day",
        "created_at": "2026-11-30T10:00:00Z"
    }))
)]
pub struct Holiday {
    pub id: i64,
    pub branch_id: i64,
    /// Local to the branch.
    pub date: NaiveDate,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /branches/{id}/holidays`. Pending sittings on the date are
/// cancelled with the reason `Holiday: <name>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"date": "2026-12-25", "name": "Christmas Day"})))]
#[serde(deny_unknown_fields)]
pub struct NewHoliday {
    pub date: NaiveDate,
    pub name: Title,
}

/// `GET /branches/{id}/holidays` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct HolidayQuery {
    /// From this date on (local to the branch).
    pub from: Option<NaiveDate>,
    /// Up to and including this date.
    pub to: Option<NaiveDate>,
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub cursor: Option<String>,
}

/// What `POST /branches/{id}/holidays/import` did with a calendar file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolidayImport {
    /// The holidays added, by date.
    pub added: Vec<Holiday>,
    /// Days in the file the branch already had as holidays.
    pub already_there: usize,
    /// Pending sittings the new holidays cancelled.
    pub cancelled_sessions: u64,
}
