//! Real timetables (issue 16): per-weekday slots or an RFC 5545 rule on a
//! batch, branch holidays, sittings that moved or were added as make-ups,
//! and the colleague who delivered a session in its teacher's place.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, cascade, id};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Batches {
    Table,
    Slots,
    Rrule,
}

#[derive(DeriveIden)]
enum BatchOccurrences {
    Table,
    OriginDate,
    Moved,
}

#[derive(DeriveIden)]
pub(crate) enum SessionCompletions {
    Table,
    DeliveredBy,
    LocationOverride,
}

#[derive(DeriveIden)]
enum Holidays {
    Table,
    Id,
    BranchId,
    Date,
    Name,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
}

async fn add_columns(
    manager: &SchemaManager<'_>,
    table: DynIden,
    columns: impl IntoIterator<Item = ColumnDef>,
) -> Result<(), DbErr> {
    // One column per statement: SQLite alters one thing at a time.
    for column in columns {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .add_column(column.clone())
                    .take(),
            )
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        add_columns(
            manager,
            Batches::Table.into_iden(),
            [
                text_null(Batches::Slots),
                string_len_null(Batches::Rrule, 500),
            ],
        )
        .await?;
        // `origin_date` is the date the batch's schedule gave the sitting:
        // what regeneration matches on, so a sitting moved to another day is
        // not generated again on its old one. Make-up sittings have none.
        add_columns(
            manager,
            BatchOccurrences::Table.into_iden(),
            [
                date_null(BatchOccurrences::OriginDate),
                boolean(BatchOccurrences::Moved).default(false).take(),
            ],
        )
        .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE batch_occurrences SET origin_date = date")
            .await?;
        // No foreign key on `delivered_by`, which SQLite cannot add to a
        // table that exists; deleting an account that covered a session is
        // refused by the service instead.
        add_columns(
            manager,
            SessionCompletions::Table.into_iden(),
            [
                big_integer_null(SessionCompletions::DeliveredBy),
                string_len_null(SessionCompletions::LocationOverride, 200),
            ],
        )
        .await?;
        manager
            .create_index(
                columns::index("idx_sessions_delivered_by", SessionCompletions::Table)
                    .col(SessionCompletions::DeliveredBy)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                columns::table(db, Holidays::Table)
                    .col(id(Holidays::Id))
                    .col(big_integer(Holidays::BranchId))
                    .col(date(Holidays::Date))
                    .col(string_len(Holidays::Name, 200))
                    .foreign_key(&mut cascade(
                        Holidays::Table,
                        Holidays::BranchId,
                        Branches::Table,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_holidays_branch_date", Holidays::Table)
                    .col(Holidays::BranchId)
                    .col(Holidays::Date)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, [Holidays::Table.into_iden()]).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_delivered_by")
                    .table(SessionCompletions::Table)
                    .to_owned(),
            )
            .await?;
        let drops: [(DynIden, DynIden); 6] = [
            (
                SessionCompletions::Table.into_iden(),
                SessionCompletions::DeliveredBy.into_iden(),
            ),
            (
                SessionCompletions::Table.into_iden(),
                SessionCompletions::LocationOverride.into_iden(),
            ),
            (
                BatchOccurrences::Table.into_iden(),
                BatchOccurrences::OriginDate.into_iden(),
            ),
            (
                BatchOccurrences::Table.into_iden(),
                BatchOccurrences::Moved.into_iden(),
            ),
            (Batches::Table.into_iden(), Batches::Slots.into_iden()),
            (Batches::Table.into_iden(), Batches::Rrule.into_iden()),
        ];
        for (table, column) in drops {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
