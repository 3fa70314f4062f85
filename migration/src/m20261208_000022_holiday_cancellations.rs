//! A sitting a holiday cancelled remembers which holiday it was, so that
//! deleting a holiday added by mistake gives back exactly those sittings:
//! not one a teacher cancelled that day with the same words, nor one of a
//! neighbouring day of the same name. No foreign key: the holiday is
//! deleted once its sittings are given back, and the ones it cancelled on
//! a day already past stay cancelled, naming it.
//!
//! Sittings a holiday cancelled before this column existed are found the
//! one way they can be: cancelled on a holiday's date in its branch with
//! the reason it gave, `Holiday: <name>`.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
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
            .await?;
        let reason = match manager.get_database_backend() {
            DbBackend::MySql => "CONCAT('Holiday: ', h.name)",
            _ => "'Holiday: ' || h.name",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE session_completions SET cancelled_by_holiday = (
                     SELECT h.id FROM holidays h
                     JOIN batch_occurrences o ON o.date = h.date
                     WHERE o.id = session_completions.occurrence_id
                       AND h.branch_id = session_completions.branch_id
                       AND session_completions.cancel_reason = {reason}
                 )
                 WHERE status = 'cancelled' AND occurrence_id IS NOT NULL
                   AND cancel_reason LIKE 'Holiday: %'"
            ))
            .await?;
        Ok(())
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
