//! Why a session began late, as its teacher said on completing it
//! (`traffic`, `previous_class_overran`, …): the oversight figures count
//! lateness, and this says what lies behind it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum SessionCompletions {
    Table,
    LateReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionCompletions::Table)
                    .add_column(string_len_null(SessionCompletions::LateReason, 32))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionCompletions::Table)
                    .drop_column(SessionCompletions::LateReason)
                    .take(),
            )
            .await
    }
}
