//! API tokens for scripts: stored as a SHA-256 of the secret, never the
//! secret itself.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, cascade, id, instant_null};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    Scope,
    TokenHash,
    ExpiresAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ApiTokens as T;
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, T::Table)
                    .col(id(T::Id))
                    .col(big_integer(T::UserId))
                    .col(string_len(T::Name, 120))
                    .col(string_len(T::Scope, 8))
                    .col(string_len(T::TokenHash, 64).unique_key())
                    .col(instant_null(db, T::ExpiresAt))
                    .col(instant_null(db, T::LastUsedAt))
                    // An account's tokens go with it.
                    .foreign_key(&mut cascade(T::Table, T::UserId, Users::Table))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_api_tokens_user", T::Table)
                    .col(T::UserId)
                    .col(T::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, [ApiTokens::Table.into_iden()]).await
    }
}
