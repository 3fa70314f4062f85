use lectern_api_types::outbox::JobState;
use sea_orm::entity::prelude::*;

/// One job left for the worker.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// The job's data, as JSON text.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub state: JobState,
    pub attempts: i32,
    pub run_at: DateTimeUtc,
    /// While `running`: the claim holds until then.
    pub locked_until: Option<DateTimeUtc>,
    pub locked_by: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
