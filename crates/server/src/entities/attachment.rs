use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub completion_id: i64,
    /// The sanitised name the file was uploaded with.
    pub file_name: String,
    /// Where the bytes are in storage: random, never derived from the name.
    #[sea_orm(unique)]
    pub storage_key: String,
    /// Detected from the bytes, not taken from the client.
    pub mime_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub uploaded_by: i64,
    pub download_count: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
