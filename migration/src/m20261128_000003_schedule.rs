//! Batches (the recurring templates), their dated occurrences and the
//! session completions staff record against them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, id, instant, instant_null, reference};
use crate::m20261128_000001_people::{Branches, Users};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Batches {
    Table,
    Id,
    Code,
    Name,
    BranchId,
    FacultyId,
    StartDate,
    EndDate,
    Weekdays,
    StartTime,
    EndTime,
    Location,
}

#[derive(DeriveIden)]
enum BatchOccurrences {
    Table,
    Id,
    BatchId,
    Date,
    ScheduledStart,
    ScheduledEnd,
}

#[derive(Clone, Copy, DeriveIden)]
pub(crate) enum SessionCompletions {
    Table,
    Id,
    OccurrenceId,
    BatchId,
    BranchId,
    UserId,
    Title,
    ScheduledStart,
    ScheduledEnd,
    ActualStart,
    ActualEnd,
    CompletionCode,
    Notes,
    Status,
    CancelReason,
    CompletedAt,
    CancelledAt,
    VerifiedAt,
    VerifiedBy,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, Batches::Table)
                    .col(id(Batches::Id))
                    .col(string_len_uniq(Batches::Code, 32))
                    .col(string_len(Batches::Name, 200))
                    .col(big_integer(Batches::BranchId))
                    .col(big_integer(Batches::FacultyId))
                    .col(date(Batches::StartDate))
                    .col(date(Batches::EndDate))
                    .col(small_integer(Batches::Weekdays))
                    .col(time(Batches::StartTime))
                    .col(time(Batches::EndTime))
                    .col(string_len_null(Batches::Location, 200))
                    .foreign_key(&mut reference(
                        Batches::Table,
                        Batches::BranchId,
                        Branches::Table,
                    ))
                    .foreign_key(&mut reference(
                        Batches::Table,
                        Batches::FacultyId,
                        Users::Table,
                    ))
                    .take(),
            )
            .await?;
        for (name, col) in [
            ("idx_batches_branch", Batches::BranchId),
            ("idx_batches_faculty", Batches::FacultyId),
        ] {
            manager
                .create_index(
                    columns::index(name, Batches::Table)
                        .col(col)
                        .col(Batches::Id)
                        .take(),
                )
                .await?;
        }

        manager
            .create_table(
                columns::table(db, BatchOccurrences::Table)
                    .col(id(BatchOccurrences::Id))
                    .col(big_integer(BatchOccurrences::BatchId))
                    .col(date(BatchOccurrences::Date))
                    .col(instant(db, BatchOccurrences::ScheduledStart))
                    .col(instant(db, BatchOccurrences::ScheduledEnd))
                    .foreign_key(&mut reference(
                        BatchOccurrences::Table,
                        BatchOccurrences::BatchId,
                        Batches::Table,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("uq_occurrences_batch_date", BatchOccurrences::Table)
                    .col(BatchOccurrences::BatchId)
                    .col(BatchOccurrences::Date)
                    .unique()
                    .take(),
            )
            .await?;

        use SessionCompletions as C;
        manager
            .create_table(
                columns::table(db, C::Table)
                    .col(id(C::Id))
                    .col(big_integer_null(C::OccurrenceId).unique_key())
                    .col(big_integer_null(C::BatchId))
                    .col(big_integer(C::BranchId))
                    .col(big_integer(C::UserId))
                    .col(string_len_null(C::Title, 200))
                    .col(instant(db, C::ScheduledStart))
                    .col(instant(db, C::ScheduledEnd))
                    .col(instant_null(db, C::ActualStart))
                    .col(instant_null(db, C::ActualEnd))
                    // NULLs never collide in a unique index on any of the
                    // three databases, so pending sessions need no code.
                    .col(string_len_null(C::CompletionCode, 48).unique_key())
                    .col(text_null(C::Notes))
                    .col(string_len(C::Status, 16))
                    .col(text_null(C::CancelReason))
                    .col(instant_null(db, C::CompletedAt))
                    .col(instant_null(db, C::CancelledAt))
                    .col(instant_null(db, C::VerifiedAt))
                    .col(big_integer_null(C::VerifiedBy))
                    .col(integer(C::Version))
                    .foreign_key(&mut reference(
                        C::Table,
                        C::OccurrenceId,
                        BatchOccurrences::Table,
                    ))
                    .foreign_key(&mut reference(C::Table, C::BatchId, Batches::Table))
                    .foreign_key(&mut reference(C::Table, C::BranchId, Branches::Table))
                    .foreign_key(&mut reference(C::Table, C::UserId, Users::Table))
                    .foreign_key(&mut reference(C::Table, C::VerifiedBy, Users::Table))
                    .take(),
            )
            .await?;
        // The lists order by (scheduled_start, id); each filter gets an index
        // ending in that pair so a keyset page is an index range scan.
        let keyset_indexes: [(&str, &[C]); 7] = [
            ("idx_completions_time", &[]),
            ("idx_completions_user_time", &[C::UserId]),
            ("idx_completions_user_status_time", &[C::UserId, C::Status]),
            ("idx_completions_branch_time", &[C::BranchId]),
            (
                "idx_completions_branch_status_time",
                &[C::BranchId, C::Status],
            ),
            ("idx_completions_batch_time", &[C::BatchId]),
            ("idx_completions_status_time", &[C::Status]),
        ];
        for (name, prefix) in keyset_indexes {
            let mut index = columns::index(name, C::Table);
            for col in prefix {
                index.col(*col);
            }
            index.col(C::ScheduledStart).col(C::Id);
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(
            manager,
            [
                SessionCompletions::Table.into_iden(),
                BatchOccurrences::Table.into_iden(),
                Batches::Table.into_iden(),
            ],
        )
        .await
    }
}
