//! Branches and the staff who work in them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, id, reference};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Branches {
    Table,
    Id,
    Name,
    Code,
    Timezone,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    Name,
    Role,
    BranchId,
    PasswordHash,
    Active,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, Branches::Table)
                    .col(id(Branches::Id))
                    .col(string_len(Branches::Name, 120))
                    .col(string_len_uniq(Branches::Code, 32))
                    .col(string_len(Branches::Timezone, 64))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                columns::table(db, Users::Table)
                    .col(id(Users::Id))
                    // Stored lower-cased, so this index makes emails unique
                    // regardless of letter case on every database.
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::Name, 120))
                    .col(string_len(Users::Role, 16))
                    .col(big_integer_null(Users::BranchId))
                    .col(string_len(Users::PasswordHash, 255))
                    .col(boolean(Users::Active))
                    .foreign_key(&mut reference(
                        Users::Table,
                        Users::BranchId,
                        Branches::Table,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_users_branch", Users::Table)
                    .col(Users::BranchId)
                    .col(Users::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(
            manager,
            [Users::Table.into_iden(), Branches::Table.into_iden()],
        )
        .await
    }
}
