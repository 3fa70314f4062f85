use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batch_occurrences")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub batch_id: i64,
    /// The local date in the branch's timezone.
    pub date: Date,
    pub scheduled_start: DateTimeUtc,
    pub scheduled_end: DateTimeUtc,
    /// The date the batch's schedule gave it; `None` for a make-up sitting.
    /// Regeneration matches on it, so a moved sitting is not generated
    /// again on the day it left.
    pub origin_date: Option<Date>,
    /// Moved by hand: later edits of the batch leave its date and times.
    pub moved: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
