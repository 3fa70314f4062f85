use lectern_api_types::sessions::DownloadVia;
use sea_orm::entity::prelude::*;

/// One download of one attachment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment_downloads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub attachment_id: i64,
    /// Who downloaded it; a signed link counts for whom it was made.
    pub user_id: i64,
    pub via: DownloadVia,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
