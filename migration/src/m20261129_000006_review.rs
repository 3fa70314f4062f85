//! Review of completed sessions: the review state beside the status, who
//! recorded the completion, why a record was returned, and how late it began.
//!
//! Existing rows are filled in: completed sessions are `verified` when they
//! carry a verification and `unreviewed` otherwise; `recorded_by` is whoever
//! the audit log says completed the session, else its owner; `late_minutes`
//! comes from the recorded times.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::columns;
use crate::m20261128_000003_schedule::SessionCompletions as C;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Reviewed {
    Review,
    RecordedBy,
    ReturnReason,
    LateMinutes,
}

const REVIEW_INDEX: &str = "idx_completions_branch_review_time";

/// Whole minutes from scheduled to actual start, never negative, in each
/// database's own date arithmetic.
fn late_minutes(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (actual_start - scheduled_start)) / 60))::integer"
        }
        DbBackend::MySql => "GREATEST(0, TIMESTAMPDIFF(MINUTE, scheduled_start, actual_start))",
        _ => {
            "MAX(0, (CAST(strftime('%s', actual_start) AS INTEGER) \
             - CAST(strftime('%s', scheduled_start) AS INTEGER)) / 60)"
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time. No
        // foreign key on `recorded_by`, which SQLite cannot add to a table
        // that exists; the audit log names the same person in any case.
        let added = [
            string_len_null(Reviewed::Review, 16),
            big_integer_null(Reviewed::RecordedBy),
            text_null(Reviewed::ReturnReason),
            integer_null(Reviewed::LateMinutes),
        ];
        for column in added {
            manager
                .alter_table(
                    Table::alter()
                        .table(C::Table)
                        .add_column(column.clone())
                        .take(),
                )
                .await?;
        }

        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        db.execute_unprepared(
            "UPDATE session_completions SET review = CASE \
             WHEN verified_at IS NULL THEN 'unreviewed' ELSE 'verified' END \
             WHERE status = 'completed'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE session_completions SET recorded_by = COALESCE(\
             (SELECT MAX(a.actor_id) FROM audit_log a WHERE a.entity = 'session' \
              AND a.action = 'complete' AND a.entity_id = session_completions.id), \
             user_id) WHERE status = 'completed'",
        )
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE session_completions SET late_minutes = {} \
             WHERE status = 'completed' AND actual_start IS NOT NULL",
            late_minutes(backend)
        ))
        .await?;

        // What admins open first: the records of their branch awaiting review.
        manager
            .create_index(
                columns::index(REVIEW_INDEX, C::Table)
                    .col(C::BranchId)
                    .col(Reviewed::Review)
                    .col(C::ScheduledStart)
                    .col(C::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(REVIEW_INDEX).table(C::Table).to_owned())
            .await?;
        for column in [
            Reviewed::LateMinutes,
            Reviewed::ReturnReason,
            Reviewed::RecordedBy,
            Reviewed::Review,
        ] {
            manager
                .alter_table(Table::alter().table(C::Table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
