use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None` for changes made from the command line.
    pub actor_id: Option<i64>,
    /// The branch the change belongs to; `None` for institute-wide ones.
    pub branch_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    /// What changed, as JSON text.
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
