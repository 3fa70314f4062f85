//! The dashboard's figures read every session of a branch and a month:
//! thousands of rows at a million sessions. Each row was fetched from the
//! table and its durations worked out from four timestamps, which cost
//! thirty times the aggregate itself. Here the durations become generated
//! columns (the database keeps them, so they cannot disagree with the
//! times) and two indexes carry every column the figures read or group by,
//! whole and per branch, so the aggregate is a scan of one index range.
//!
//! SQLite can only add a `VIRTUAL` generated column to a table that
//! exists, and its planner does not count such a column as held by an
//! index, so there the two are plain columns that triggers keep.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns;
use crate::m20261128_000003_schedule::SessionCompletions as C;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Derived {
    ScheduledMinutes,
    ActualMinutes,
    Review,
    LateMinutes,
}

/// Whole minutes from `start` to `end`, in each database's own arithmetic.
pub(crate) fn minutes(backend: DbBackend, start: &str, end: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS integer)")
        }
        DbBackend::MySql => format!("TIMESTAMPDIFF(MINUTE, {start}, {end})"),
        _ => format!(
            "(CAST(strftime('%s', {end}) AS INTEGER) - CAST(strftime('%s', {start}) AS INTEGER)) / 60"
        ),
    }
}

/// The statements that add the two columns and fill them.
fn add_minutes(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres | DbBackend::MySql => {
            let scheduled = minutes(backend, "scheduled_start", "scheduled_end");
            let actual = minutes(backend, "actual_start", "actual_end");
            let generated = if backend == DbBackend::Postgres {
                "GENERATED ALWAYS AS"
            } else {
                "AS"
            };
            vec![format!(
                "ALTER TABLE session_completions \
                 ADD COLUMN scheduled_minutes integer {generated} ({scheduled}) STORED, \
                 ADD COLUMN actual_minutes integer {generated} ({actual}) STORED"
            )]
        }
        _ => {
            // The minutes of the row as it stands, or (`of = "new."`) of the
            // row a trigger fires for.
            let fill = |of: &str| {
                format!(
                    "SET scheduled_minutes = {}, actual_minutes = {}",
                    minutes(
                        backend,
                        &format!("{of}scheduled_start"),
                        &format!("{of}scheduled_end")
                    ),
                    minutes(
                        backend,
                        &format!("{of}actual_start"),
                        &format!("{of}actual_end")
                    ),
                )
            };
            vec![
                "ALTER TABLE session_completions ADD COLUMN scheduled_minutes integer".to_owned(),
                "ALTER TABLE session_completions ADD COLUMN actual_minutes integer".to_owned(),
                format!("UPDATE session_completions {}", fill("")),
                format!(
                    "CREATE TRIGGER session_minutes_added AFTER INSERT ON session_completions \
                     BEGIN UPDATE session_completions {} WHERE id = new.id; END",
                    fill("new.")
                ),
                format!(
                    "CREATE TRIGGER session_minutes_changed AFTER UPDATE OF \
                     scheduled_start, scheduled_end, actual_start, actual_end ON session_completions \
                     BEGIN UPDATE session_completions {} WHERE id = new.id; END",
                    fill("new.")
                ),
            ]
        }
    }
}

/// The indexes: the whole institute's, and each branch's.
pub(crate) const INDEXES: [(&str, Option<C>); 2] = [
    ("idx_completions_stats", None),
    ("idx_completions_branch_stats", Some(C::BranchId)),
];

/// One of [`INDEXES`] with the columns this migration gives it.
pub(crate) fn stats_index(name: &str, prefix: Option<C>) -> IndexCreateStatement {
    let mut index = columns::index(name, C::Table);
    if let Some(column) = prefix {
        index.col(column);
    }
    index
        .col(C::ScheduledStart)
        .col(C::Status)
        .col(Derived::Review)
        .col(Derived::LateMinutes)
        .col(C::ScheduledEnd)
        .col(Derived::ScheduledMinutes)
        .col(Derived::ActualMinutes)
        .col(C::UserId)
        .col(C::BatchId);
    if prefix.is_none() {
        index.col(C::BranchId);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for statement in add_minutes(backend) {
            db.execute_unprepared(&statement).await?;
        }
        for (name, prefix) in INDEXES {
            manager.create_index(stats_index(name, prefix)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            for trigger in ["session_minutes_added", "session_minutes_changed"] {
                manager
                    .get_connection()
                    .execute_unprepared(&format!("DROP TRIGGER {trigger}"))
                    .await?;
            }
        }
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(C::Table).to_owned())
                .await?;
        }
        for column in [Derived::ScheduledMinutes, Derived::ActualMinutes] {
            manager
                .alter_table(
                    Table::alter()
                        .table(C::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
