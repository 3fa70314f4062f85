use lectern_api_types::schedule::NoteType;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub completion_id: i64,
    pub author_id: i64,
    pub note_type: NoteType,
    #[sea_orm(column_type = "Text")]
    pub note_text: String,
    pub edited_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AuthorId",
        to = "super::user::Column::Id"
    )]
    Author,
}

impl ActiveModelBehavior for ActiveModel {}
