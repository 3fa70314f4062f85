//! Background work as the API shows it: the outbox of jobs, and what each
//! person wants to be told by email.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// Where a job stands. `running` is claimed by a worker until its lease
/// ends; a job whose worker died is claimed again after that.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(8))"
    )
)]
pub enum JobState {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "running"))]
    Running,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "done"))]
    Done,
    /// Gave up after the last attempt; `last_error` says why.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
}

/// One job of the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 12, "kind": "mail.completed", "state": "failed", "attempts": 5,
        "run_at": "2026-03-02T09:14:00Z", "last_error": "connection refused",
        "payload": {"session_id": 41, "to_user_id": 2},
        "created_at": "2026-03-02T08:00:00Z", "updated_at": "2026-03-02T09:14:02Z"
    }))
)]
pub struct OutboxJob {
    pub id: i64,
    /// What the job does, such as `mail.completed`.
    pub kind: String,
    pub state: JobState,
    /// Attempts made so far.
    pub attempts: i32,
    /// When it is (or was) due.
    pub run_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// What it acts on.
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /outbox` filters; newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OutboxQuery {
    pub state: Option<JobState>,
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Which emails a person gets: a record completed in their branch (for
/// admins), their own record returned for correction, and their own
/// session overdue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"completed": true, "returned": true, "overdue": false}))
)]
pub struct NotificationSettings {
    pub completed: bool,
    pub returned: bool,
    pub overdue: bool,
}
