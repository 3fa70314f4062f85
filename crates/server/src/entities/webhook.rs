use sea_orm::entity::prelude::*;

/// Where to tell another system of events, and the key that signs what
/// is sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None`: every branch.
    pub branch_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// The events it hears of, comma-separated.
    pub events: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// `whsec_…`, as given out.
    pub secret: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
