//! Sessions (`session_completions`): reading them within the caller's scope,
//! and changing them as the state machine of [`crate::domain::lifecycle`]
//! decides: created ad hoc ([`create`]), edited ([`edit`]), completed or
//! cancelled ([`transitions`]) and reviewed ([`review`]).

pub mod codes;
pub mod create;
pub mod edit;
pub mod position;
pub mod query;
pub mod review;
pub mod search;
pub mod transitions;
mod write;

pub use write::hold;

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use lectern_api_types::schedule::{CompletionStatus, LateReason, Review};
use lectern_api_types::sessions::Completion;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _, FromQueryResult,
    Iterable as _, JoinType, QueryFilter as _, QuerySelect as _, RelationTrait as _, Select,
};

use super::{ServiceError, ServiceResult};
use crate::db::{FromSqliteRow, SqliteRow};
use crate::domain::lifecycle::{self, Action, SessionState, Standing};
use crate::domain::times::Sitting;
use crate::domain::{AuthUser, BranchTimezone, Scope};
use crate::entities::{attachment, batch, branch, completion, user};

/// A session with what its responses show from its batch, owner and branch.
#[derive(Clone, Debug, FromQueryResult)]
pub struct SessionRow {
    pub id: i64,
    pub occurrence_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_id: i64,
    pub user_id: i64,
    pub title: Option<String>,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_end: DateTime<Utc>,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub completion_code: Option<String>,
    pub notes: Option<String>,
    pub status: CompletionStatus,
    pub cancel_reason: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub review: Option<Review>,
    pub recorded_by: Option<i64>,
    pub return_reason: Option<String>,
    pub late_minutes: Option<i32>,
    pub late_reason: Option<LateReason>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<i64>,
    pub delivered_by: Option<i64>,
    pub location_override: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub batch_code: Option<String>,
    pub batch_name: Option<String>,
    pub location: Option<String>,
    pub user_name: String,
    pub timezone: String,
}

impl FromSqliteRow for SessionRow {
    fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.get("id")?,
            occurrence_id: row.get("occurrence_id")?,
            batch_id: row.get("batch_id")?,
            branch_id: row.get("branch_id")?,
            user_id: row.get("user_id")?,
            title: row.get("title")?,
            scheduled_start: row.get("scheduled_start")?,
            scheduled_end: row.get("scheduled_end")?,
            actual_start: row.get("actual_start")?,
            actual_end: row.get("actual_end")?,
            completion_code: row.get("completion_code")?,
            notes: row.get("notes")?,
            status: row.enumerated("status")?,
            cancel_reason: row.get("cancel_reason")?,
            completed_at: row.get("completed_at")?,
            cancelled_at: row.get("cancelled_at")?,
            review: row.enumerated_or_null("review")?,
            recorded_by: row.get("recorded_by")?,
            return_reason: row.get("return_reason")?,
            late_minutes: row.get("late_minutes")?,
            late_reason: row.enumerated_or_null("late_reason")?,
            verified_at: row.get("verified_at")?,
            verified_by: row.get("verified_by")?,
            delivered_by: row.get("delivered_by")?,
            location_override: row.get("location_override")?,
            version: row.get("version")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
            batch_code: row.get("batch_code")?,
            batch_name: row.get("batch_name")?,
            location: row.get("location")?,
            user_name: row.get("user_name")?,
            timezone: row.get("timezone")?,
        })
    }
}

impl SessionRow {
    pub fn state(&self) -> SessionState {
        SessionState::from_columns(self.status, self.review)
    }

    /// How `caller` stands to this session, for the state machine.
    pub fn standing(&self, caller: &AuthUser) -> Standing {
        Standing::new(caller.role(), caller.id(), self.user_id, self.recorded_by)
    }

    /// What the state machine says of `action` by `caller` on this session.
    pub fn decide(&self, caller: &AuthUser, action: Action) -> ServiceResult<SessionState> {
        Ok(lifecycle::decide(
            self.state(),
            action,
            self.standing(caller),
        )?)
    }

    /// The session as the rules of its times see it.
    pub fn sitting(&self) -> ServiceResult<Sitting> {
        Ok(Sitting {
            timezone: self.timezone()?,
            date: self.local_date()?,
            scheduled_start: self.scheduled_start,
            scheduled_end: self.scheduled_end,
        })
    }

    pub fn timezone(&self) -> ServiceResult<BranchTimezone> {
        BranchTimezone::parse(&self.timezone).ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!(
                "branch {} has an unknown timezone",
                self.branch_id
            ))
        })
    }

    /// Where the session is held: the sitting's own room, given when it
    /// was moved or made up, else its batch's.
    pub fn room(&self) -> Option<&str> {
        self.location_override
            .as_deref()
            .or(self.location.as_deref())
    }

    /// The session's date in its branch's timezone.
    pub fn local_date(&self) -> ServiceResult<chrono::NaiveDate> {
        Ok(self
            .scheduled_start
            .with_timezone(&self.timezone()?.tz())
            .date_naive())
    }

    pub fn into_completion(self, attachment_count: i64) -> Completion {
        let location = self.room().map(str::to_owned);
        Completion {
            id: self.id,
            occurrence_id: self.occurrence_id,
            batch_id: self.batch_id,
            title: self
                .title
                .or_else(|| self.batch_name.clone())
                .unwrap_or_default(),
            batch_code: self.batch_code,
            user_id: self.user_id,
            user_name: self.user_name,
            branch_id: self.branch_id,
            timezone: self.timezone,
            location,
            scheduled_start: self.scheduled_start,
            scheduled_end: self.scheduled_end,
            actual_start: self.actual_start,
            actual_end: self.actual_end,
            completion_code: self.completion_code,
            notes: self.notes,
            status: self.status,
            cancel_reason: self.cancel_reason,
            completed_at: self.completed_at,
            cancelled_at: self.cancelled_at,
            review: self.review,
            recorded_by: self.recorded_by,
            return_reason: self.return_reason,
            late_minutes: self.late_minutes,
            late_reason: self.late_reason,
            verified_at: self.verified_at,
            verified_by: self.verified_by,
            delivered_by: self.delivered_by,
            version: self.version,
            attachment_count,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Sessions joined to what their responses show.
pub fn select_rows() -> Select<completion::Entity> {
    // Every read of sessions starts here; building it afresh (selecting all
    // columns, then only these, then the joins) was a tenth of a get's
    // profile. A copy of one built once costs a fraction of that.
    static ROWS: LazyLock<Select<completion::Entity>> = LazyLock::new(build_select_rows);
    ROWS.clone()
}

fn build_select_rows() -> Select<completion::Entity> {
    completion::Entity::find()
        .select_only()
        .columns(completion::Column::iter())
        .column_as(batch::Column::Code, "batch_code")
        .column_as(batch::Column::Name, "batch_name")
        .column_as(batch::Column::Location, "location")
        .column_as(user::Column::Name, "user_name")
        .column_as(branch::Column::Timezone, "timezone")
        .join(JoinType::LeftJoin, completion::Relation::Batch.def())
        .join(JoinType::InnerJoin, completion::Relation::User.def())
        .join(JoinType::InnerJoin, completion::Relation::Branch.def())
}

/// The sessions `caller` reaches: staff reach the ones they own and the
/// ones they delivered in a colleague's place.
pub fn in_scope(caller: &AuthUser) -> Condition {
    match caller.scope() {
        Scope::Everything => Condition::all(),
        Scope::Branch(branch) => Condition::all().add(completion::Column::BranchId.eq(branch)),
        // Wrapped, so conditions callers add to it are ANDed.
        Scope::Own { user_id, .. } => Condition::all().add(
            Condition::any()
                .add(completion::Column::UserId.eq(user_id))
                .add(completion::Column::DeliveredBy.eq(user_id)),
        ),
    }
}

/// The session `id` if the caller reaches it: a select of one row or none.
pub fn visible(caller: &AuthUser, id: i64) -> Select<completion::Entity> {
    select_rows()
        .filter(completion::Column::Id.eq(id))
        .filter(in_scope(caller))
}

/// The session, if the caller reaches it; otherwise it does not exist.
pub async fn find_visible<C: ConnectionTrait>(
    db: &C,
    caller: &AuthUser,
    id: i64,
) -> ServiceResult<SessionRow> {
    visible(caller, id)
        .into_model::<SessionRow>()
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("session"))
}

/// How many files a session has.
#[derive(Debug, FromQueryResult)]
pub struct AttachmentCount {
    pub completion_id: i64,
    pub attachment_count: i64,
}

impl FromSqliteRow for AttachmentCount {
    fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            completion_id: row.get("completion_id")?,
            attachment_count: row.get("attachment_count")?,
        })
    }
}

/// The attachment counts of `ids`, one row for each that has files.
pub fn counts_of(ids: &[i64]) -> Select<attachment::Entity> {
    attachment::Entity::find()
        .select_only()
        .column(attachment::Column::CompletionId)
        .expr_as(
            Expr::col(attachment::Column::Id).count(),
            "attachment_count",
        )
        .filter(attachment::Column::CompletionId.is_in(ids.iter().copied()))
        .group_by(attachment::Column::CompletionId)
}

/// How many files each of `ids` has.
pub async fn attachment_counts<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> ServiceResult<Vec<AttachmentCount>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(counts_of(ids)
        .into_model::<AttachmentCount>()
        .all(db)
        .await?)
}

/// Rows as responses, each with its attachment count.
pub async fn to_completions<C: ConnectionTrait>(
    db: &C,
    rows: Vec<SessionRow>,
) -> ServiceResult<Vec<Completion>> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let counts = attachment_counts(db, &ids).await?;
    Ok(with_counts(rows, &counts))
}

/// Rows as responses, each with its count from `counts` (none means 0).
pub fn with_counts(rows: Vec<SessionRow>, counts: &[AttachmentCount]) -> Vec<Completion> {
    rows.into_iter()
        .map(|row| {
            let count = counts
                .iter()
                .find(|count| count.completion_id == row.id)
                .map_or(0, |count| count.attachment_count);
            row.into_completion(count)
        })
        .collect()
}

/// The session as it now stands, for answering a change.
pub async fn reload<C: ConnectionTrait>(
    db: &C,
    caller: &AuthUser,
    id: i64,
) -> ServiceResult<Completion> {
    let row = find_visible(db, caller, id).await?;
    to_completions(db, vec![row])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("session"))
}
