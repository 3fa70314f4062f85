use sea_orm::entity::prelude::*;

/// What `q` searches of one session, written with every change to it; the
/// database's full-text index is built over `document`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_search")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub completion_id: i64,
    #[sea_orm(column_type = "Text")]
    pub document: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
