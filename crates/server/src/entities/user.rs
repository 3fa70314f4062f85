use lectern_api_types::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Always lower-case.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: Role,
    pub branch_id: Option<i64>,
    pub password_hash: String,
    pub active: bool,
    /// Set when an admin chose the password; cleared when its owner picks one.
    pub must_change_password: bool,
    /// Emails wanted: a record completed in one's branch (admins), one's
    /// own returned for correction, one's own overdue.
    pub notify_completed: bool,
    pub notify_returned: bool,
    pub notify_overdue: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
