//! A sitting a holiday cancelled remembers which holiday it was, so that
//! deleting a holiday added by mistake gives back exactly those sittings:
//! not one a teacher cancelled that day with the same words, nor one of a
//! neighbouring day of the same name. No foreign key: the holiday is
//! deleted once its sittings are given back, and the ones it cancelled on
//! a day already past stay cancelled, naming it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns;
use crate::m20261128_000003_schedule::SessionCompletions;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Added {
    CancelledByHoliday,
}

const INDEX: &str = "idx_sessions_cancelled_by_holiday";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionCompletions::Table)
                    .add_column(big_integer_null(Added::CancelledByHoliday))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index(INDEX, SessionCompletions::Table)
                    .col(Added::CancelledByHoliday)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(SessionCompletions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SessionCompletions::Table)
                    .drop_column(Added::CancelledByHoliday)
                    .take(),
            )
            .await
    }
}
