//! Secret calendar feed addresses, one per person and one per branch,
//! each kept only as the SHA-256 of its token.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, cascade, id};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    Id,
    UserId,
    BranchId,
    TokenHash,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CalendarFeeds as F;
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, F::Table)
                    .col(id(F::Id))
                    // The person who asked for it; the feed lists their
                    // sessions, or with a branch, the branch's.
                    .col(big_integer(F::UserId))
                    .col(big_integer_null(F::BranchId))
                    .col(string_len(F::TokenHash, 64).unique_key())
                    .foreign_key(&mut cascade(F::Table, F::UserId, Users::Table))
                    .foreign_key(&mut cascade(F::Table, F::BranchId, Branches::Table))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_calendar_feeds_owner", F::Table)
                    .col(F::UserId)
                    .col(F::BranchId)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, [CalendarFeeds::Table.into_iden()]).await
    }
}
