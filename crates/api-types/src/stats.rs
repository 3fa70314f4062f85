//! Oversight figures: how many sessions were held, cancelled or are owed,
//! how punctual and how reviewed, over a period and the caller's scope.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::time::DateOrInstant;

/// Which sessions the figures count: those scheduled in `[from, to]`, in
/// the caller's scope, narrowed to a branch, a person or a batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct StatsFilter {
    /// Sessions scheduled from this date or instant on.
    #[cfg_attr(feature = "openapi", param(value_type = Option<DateOrInstant>, example = "2026-03-01"))]
    pub from: Option<DateOrInstant>,
    /// Sessions scheduled up to this date (inclusive) or before this instant.
    #[cfg_attr(feature = "openapi", param(value_type = Option<DateOrInstant>, example = "2026-03-31"))]
    pub to: Option<DateOrInstant>,
    pub branch_id: Option<i64>,
    pub user_id: Option<i64>,
    pub batch_id: Option<i64>,
}

/// The counters of a set of sessions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "scheduled": 40, "completed": 31, "cancelled": 3, "overdue": 2, "upcoming": 4,
        "verified": 20, "returned": 1, "unreviewed": 10, "on_time_rate": 0.871,
        "median_late_minutes": 2.0, "scheduled_minutes": 2790, "actual_minutes": 2755
    }))
)]
pub struct Summary {
    /// Every session in the period, whatever became of it.
    pub scheduled: i64,
    pub completed: i64,
    pub cancelled: i64,
    /// Pending sessions whose scheduled end has passed: held and not
    /// recorded, or not held and not cancelled.
    pub overdue: i64,
    /// Pending sessions that have not ended yet.
    pub upcoming: i64,
    pub verified: i64,
    pub returned: i64,
    /// Completed sessions no admin has verified or returned yet.
    pub unreviewed: i64,
    /// The share of completed sessions that began at most five minutes
    /// late; `null` when none was completed.
    pub on_time_rate: Option<f64>,
    /// The median of how late completed sessions began, in minutes;
    /// `null` when none was completed.
    pub median_late_minutes: Option<f64>,
    /// The scheduled length of the completed sessions.
    pub scheduled_minutes: i64,
    /// How long the completed sessions actually ran.
    pub actual_minutes: i64,
}

/// What `GET /stats/breakdown` groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum GroupBy {
    /// The staff member who owns each session (faculty and employees).
    Faculty,
    Batch,
    Branch,
    /// Weeks from Monday, in the branch's timezone.
    Week,
    Month,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Faculty => "faculty",
            GroupBy::Batch => "batch",
            GroupBy::Branch => "branch",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
        }
    }
}

/// The grouping of a breakdown; the summary's filters come beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BreakdownQuery {
    pub group_by: GroupBy,
}

/// One group of a breakdown with its counters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownItem {
    /// What the group is: a user, batch or branch id (`adhoc` for sessions
    /// outside any batch), the Monday of a week (`2026-03-02`) or a month
    /// (`2026-03`). It is the value to filter the session list by.
    pub key: String,
    /// The group as people name it.
    pub label: String,
    #[serde(flatten)]
    pub summary: Summary,
}

/// A breakdown: groups by id or name for people and batches, in time order
/// for weeks and months (periods with no session included).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub items: Vec<BreakdownItem>,
}
