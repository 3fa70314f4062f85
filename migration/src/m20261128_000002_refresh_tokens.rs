//! Refresh tokens: stored as hashes, grouped in families so a reused token
//! can revoke every token descended from the same login.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, cascade, id, instant, instant_null};
use crate::m20261128_000001_people::Users;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    Family,
    TokenHash,
    ExpiresAt,
    RevokedAt,
    ReplacedById,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, RefreshTokens::Table)
                    .col(id(RefreshTokens::Id))
                    .col(big_integer(RefreshTokens::UserId))
                    .col(string_len(RefreshTokens::Family, 64))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(instant(db, RefreshTokens::ExpiresAt))
                    .col(instant_null(db, RefreshTokens::RevokedAt))
                    .col(big_integer_null(RefreshTokens::ReplacedById))
                    .foreign_key(&mut cascade(
                        RefreshTokens::Table,
                        RefreshTokens::UserId,
                        Users::Table,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_refresh_tokens_family", RefreshTokens::Table)
                    .col(RefreshTokens::Family)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_refresh_tokens_user", RefreshTokens::Table)
                    .col(RefreshTokens::UserId)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, [RefreshTokens::Table.into_iden()]).await
    }
}
