use lectern_api_types::schedule::{CompletionStatus, LateReason, Review};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_completions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None` for an ad-hoc session outside any batch.
    #[sea_orm(unique)]
    pub occurrence_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_id: i64,
    /// The staff member who runs the session.
    pub user_id: i64,
    /// What an ad-hoc session was; batch sessions take the batch's name.
    pub title: Option<String>,
    pub scheduled_start: DateTimeUtc,
    pub scheduled_end: DateTimeUtc,
    pub actual_start: Option<DateTimeUtc>,
    pub actual_end: Option<DateTimeUtc>,
    #[sea_orm(unique)]
    pub completion_code: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub status: CompletionStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    /// Set once completed; `None` while pending or cancelled.
    pub review: Option<Review>,
    /// Who pressed Complete: the owner, or an admin recording for them.
    pub recorded_by: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub return_reason: Option<String>,
    pub late_minutes: Option<i32>,
    /// Why it began late, as its teacher said on completing it.
    pub late_reason: Option<LateReason>,
    pub verified_at: Option<DateTimeUtc>,
    pub verified_by: Option<i64>,
    /// The colleague who taught it in the owner's place, if one did.
    pub delivered_by: Option<i64>,
    /// A room for this sitting alone, set when it moved; otherwise the
    /// batch's location holds.
    pub location_override: Option<String>,
    /// The holiday that cancelled it, so deleting a holiday added by
    /// mistake gives back exactly what it took.
    pub cancelled_by_holiday: Option<i64>,
    /// Bumped by every change; a PATCH naming an older one is refused.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::batch::Entity",
        from = "Column::BatchId",
        to = "super::batch::Column::Id"
    )]
    Batch,
    /// The owner; `verified_by` is not joined.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::branch::Entity",
        from = "Column::BranchId",
        to = "super::branch::Column::Id"
    )]
    Branch,
}

impl ActiveModelBehavior for ActiveModel {}
