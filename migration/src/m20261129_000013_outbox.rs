//! Background work: the `outbox` of jobs a change leaves for the worker,
//! written in the same transaction as the change, and what each person
//! wants to be told by email.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, id, instant, instant_null};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Payload,
    State,
    Attempts,
    RunAt,
    LockedUntil,
    LockedBy,
    LastError,
    DedupeKey,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    NotifyCompleted,
    NotifyReturned,
    NotifyOverdue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Outbox as O;
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, O::Table)
                    .col(id(O::Id))
                    .col(string_len(O::Kind, 40))
                    .col(text(O::Payload))
                    .col(string_len(O::State, 8))
                    .col(integer(O::Attempts).default(0))
                    .col(instant(db, O::RunAt))
                    .col(instant_null(db, O::LockedUntil))
                    .col(string_len_null(O::LockedBy, 64))
                    .col(text_null(O::LastError))
                    // A job that must happen once per cause (the overdue
                    // email of one session) names it; NULLs never collide.
                    .col(string_len_null(O::DedupeKey, 120).unique_key())
                    .take(),
            )
            .await?;
        // What the worker asks for: due jobs in order of due time.
        manager
            .create_index(
                columns::index("idx_outbox_due", O::Table)
                    .col(O::State)
                    .col(O::RunAt)
                    .take(),
            )
            .await?;
        for column in [
            Users::NotifyCompleted,
            Users::NotifyReturned,
            Users::NotifyOverdue,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(boolean(column).default(true))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Users::NotifyCompleted,
            Users::NotifyReturned,
            Users::NotifyOverdue,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        columns::drop_tables(manager, [Outbox::Table.into_iden()]).await
    }
}
