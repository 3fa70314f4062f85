use lectern_api_types::schedule::Weekdays;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub branch_id: i64,
    /// The faculty member or employee who teaches it.
    pub faculty_id: i64,
    pub start_date: Date,
    pub end_date: Date,
    pub weekdays: Weekdays,
    /// Local to the branch's timezone.
    pub start_time: Time,
    pub end_time: Time,
    pub location: Option<String>,
    /// Per-weekday times as JSON, only when the days differ; otherwise
    /// every weekday meets at `start_time`–`end_time`.
    #[sea_orm(column_type = "Text", nullable)]
    pub slots: Option<String>,
    /// An RFC 5545 `RRULE` value; when set it chooses the dates instead of
    /// the weekdays.
    pub rrule: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
