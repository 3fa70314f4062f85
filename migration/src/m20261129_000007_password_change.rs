//! Accounts whose password an admin set must choose their own at next
//! sign-in.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_people::Users;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum PasswordChange {
    MustChangePassword,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(PasswordChange::MustChangePassword).default(false))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(PasswordChange::MustChangePassword)
                    .take(),
            )
            .await
    }
}
