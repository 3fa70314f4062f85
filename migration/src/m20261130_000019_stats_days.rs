//! Per-day figures (issue 11): a branch's month is thousands of sessions
//! at a million, and even read off a covering index (migration 11) its
//! summary cost several list pages. These two tables hold each branch's
//! counters per UTC day of the scheduled start, and how many completed
//! sessions began each number of minutes late, so a month is read as about
//! thirty rows and a short histogram.
//!
//! Triggers keep them, in the same transaction as every insert, update and
//! delete of a session, whichever code path makes it: an application-side
//! update would drift the first time a new path forgot it. Days are UTC
//! because no trigger can read a branch's timezone on SQLite; the server
//! counts the partial days at either end of a local range from the
//! sessions themselves.
//!
//! The contributions restate what the figures mean: `pending`, not
//! overdue or upcoming (which depend on the moment they are asked), and
//! five minutes as on time, as `ON_TIME_MINUTES` says today. Changing that
//! threshold means a migration that rebuilds these tables.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261129_000011_stats_index::minutes;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum SessionDays {
    Table,
    BranchId,
    Day,
}

#[derive(DeriveIden)]
enum SessionDayLateness {
    Table,
    BranchId,
    Day,
    LateMinutes,
    Sessions,
}

/// The counters of `session_days`, each with one session's contribution
/// as SQL over the columns of `of` (`new.`, `old.` or the bare table).
fn counters(backend: DbBackend, of: &str) -> Vec<(&'static str, String)> {
    let when = |condition: String| format!("CASE WHEN {condition} THEN 1 ELSE 0 END");
    let status = |value: &str| when(format!("{of}status = '{value}'"));
    let review = |value: &str| when(format!("{of}review = '{value}'"));
    let completed_minutes = |start: &str, end: &str| {
        format!(
            "CASE WHEN {of}status = 'completed' THEN COALESCE({}, 0) ELSE 0 END",
            minutes(backend, &format!("{of}{start}"), &format!("{of}{end}"))
        )
    };
    vec![
        ("scheduled", "1".to_owned()),
        ("completed", status("completed")),
        ("cancelled", status("cancelled")),
        ("pending", status("pending")),
        ("verified", review("verified")),
        ("returned", review("returned")),
        ("unreviewed", review("unreviewed")),
        (
            "on_time",
            when(format!(
                "{of}status = 'completed' AND {of}late_minutes <= 5"
            )),
        ),
        (
            "scheduled_minutes",
            completed_minutes("scheduled_start", "scheduled_end"),
        ),
        (
            "actual_minutes",
            completed_minutes("actual_start", "actual_end"),
        ),
    ]
}

/// The UTC day a session of `of` is scheduled on.
fn day(backend: DbBackend, of: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(({of}scheduled_start AT TIME ZONE 'UTC') AS date)"),
        DbBackend::MySql => format!("DATE({of}scheduled_start)"),
        _ => format!("date({of}scheduled_start)"),
    }
}

/// `ON CONFLICT` adding what was inserted to the row already there.
fn add_on_conflict(backend: DbBackend, table: &str, key: &str, columns: &[&str]) -> String {
    match backend {
        DbBackend::MySql => format!(
            "ON DUPLICATE KEY UPDATE {}",
            columns
                .iter()
                .map(|c| format!("{c} = {c} + VALUES({c})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!(
            "ON CONFLICT ({key}) DO UPDATE SET {}",
            columns
                .iter()
                .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The statements that add (`sign` "+") or take away ("-") the session
/// of `of` from both tables, each ending in `;`.
fn apply(backend: DbBackend, of: &str, sign: &str) -> String {
    let counters = counters(backend, of);
    let names: Vec<&str> = counters.iter().map(|(name, _)| *name).collect();
    let values: Vec<String> = counters
        .iter()
        .map(|(_, value)| format!("{sign}({value})"))
        .collect();
    let day = day(backend, of);
    let days = format!(
        "INSERT INTO session_days (branch_id, day, {}) VALUES ({of}branch_id, {day}, {}) {};",
        names.join(", "),
        values.join(", "),
        add_on_conflict(backend, "session_days", "branch_id, day", &names)
    );
    let counted = format!("{of}status = 'completed' AND {of}late_minutes IS NOT NULL");
    let lateness_conflict = add_on_conflict(
        backend,
        "session_day_lateness",
        "branch_id, day, late_minutes",
        &["sessions"],
    );
    let lateness = match backend {
        // No `IF` in a SQLite trigger: the insert selects nothing instead.
        DbBackend::Sqlite => format!(
            "INSERT INTO session_day_lateness (branch_id, day, late_minutes, sessions) \
             SELECT {of}branch_id, {day}, {of}late_minutes, {sign}1 WHERE {counted} \
             {lateness_conflict};"
        ),
        _ => format!(
            "IF {counted} THEN \
             INSERT INTO session_day_lateness (branch_id, day, late_minutes, sessions) \
             VALUES ({of}branch_id, {day}, {of}late_minutes, {sign}1) {lateness_conflict}; \
             END IF;"
        ),
    };
    format!("{days} {lateness}")
}

/// The columns whose change moves a session between counters or days.
const COUNTED: &str = "status, review, late_minutes, branch_id, \
                       scheduled_start, scheduled_end, actual_start, actual_end";

fn triggers(backend: DbBackend) -> Vec<String> {
    let (add, take) = (apply(backend, "new.", "+"), apply(backend, "old.", "-"));
    match backend {
        DbBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION session_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                 IF TG_OP <> 'INSERT' THEN {take} END IF; \
                 IF TG_OP <> 'DELETE' THEN {add} END IF; \
                 RETURN NULL; \
                 END $$"
            ),
            "CREATE TRIGGER session_days_counted AFTER INSERT OR DELETE ON session_completions \
             FOR EACH ROW EXECUTE FUNCTION session_days_apply()"
                .to_owned(),
            format!(
                "CREATE TRIGGER session_days_recounted AFTER UPDATE OF {COUNTED} \
                 ON session_completions FOR EACH ROW EXECUTE FUNCTION session_days_apply()"
            ),
        ],
        DbBackend::MySql => vec![
            format!(
                "CREATE TRIGGER session_days_added AFTER INSERT ON session_completions \
                 FOR EACH ROW BEGIN {add} END"
            ),
            format!(
                "CREATE TRIGGER session_days_removed AFTER DELETE ON session_completions \
                 FOR EACH ROW BEGIN {take} END"
            ),
            format!(
                "CREATE TRIGGER session_days_changed AFTER UPDATE ON session_completions \
                 FOR EACH ROW BEGIN {take} {add} END"
            ),
        ],
        _ => vec![
            format!(
                "CREATE TRIGGER session_days_added AFTER INSERT ON session_completions \
                 BEGIN {add} END"
            ),
            format!(
                "CREATE TRIGGER session_days_removed AFTER DELETE ON session_completions \
                 BEGIN {take} END"
            ),
            format!(
                "CREATE TRIGGER session_days_changed AFTER UPDATE OF {COUNTED} \
                 ON session_completions BEGIN {take} {add} END"
            ),
        ],
    }
}

/// Fills both tables from the sessions there are.
fn backfill(backend: DbBackend) -> Vec<String> {
    let counters = counters(backend, "");
    let day = day(backend, "");
    vec![
        format!(
            "INSERT INTO session_days (branch_id, day, {}) \
             SELECT branch_id, {day}, {} FROM session_completions GROUP BY branch_id, {day}",
            counters
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", "),
            counters
                .iter()
                .map(|(_, value)| format!("SUM({value})"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        format!(
            "INSERT INTO session_day_lateness (branch_id, day, late_minutes, sessions) \
             SELECT branch_id, {day}, late_minutes, COUNT(*) FROM session_completions \
             WHERE status = 'completed' AND late_minutes IS NOT NULL \
             GROUP BY branch_id, {day}, late_minutes"
        ),
    ]
}

fn on_mysql_innodb(backend: DbBackend, table: &mut TableCreateStatement) {
    if backend == DbBackend::MySql {
        table.engine("InnoDB").character_set("utf8mb4");
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut days = Table::create()
            .table(SessionDays::Table)
            .col(big_integer(SessionDays::BranchId))
            .col(date(SessionDays::Day))
            .primary_key(
                Index::create()
                    .col(SessionDays::BranchId)
                    .col(SessionDays::Day),
            )
            .take();
        for (name, _) in counters(backend, "") {
            days.col(big_integer(Alias::new(name)).default(0));
        }
        on_mysql_innodb(backend, &mut days);
        manager.create_table(days).await?;

        let mut lateness = Table::create()
            .table(SessionDayLateness::Table)
            .col(big_integer(SessionDayLateness::BranchId))
            .col(date(SessionDayLateness::Day))
            .col(integer(SessionDayLateness::LateMinutes))
            .col(big_integer(SessionDayLateness::Sessions).default(0))
            .primary_key(
                Index::create()
                    .col(SessionDayLateness::BranchId)
                    .col(SessionDayLateness::Day)
                    .col(SessionDayLateness::LateMinutes),
            )
            .take();
        on_mysql_innodb(backend, &mut lateness);
        manager.create_table(lateness).await?;

        let db = manager.get_connection();
        for statement in backfill(backend).into_iter().chain(triggers(backend)) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let drops: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &[
                "DROP TRIGGER session_days_counted ON session_completions",
                "DROP TRIGGER session_days_recounted ON session_completions",
                "DROP FUNCTION session_days_apply()",
            ],
            _ => &[
                "DROP TRIGGER session_days_added",
                "DROP TRIGGER session_days_removed",
                "DROP TRIGGER session_days_changed",
            ],
        };
        for statement in drops {
            db.execute_unprepared(statement).await?;
        }
        for table in [
            SessionDays::Table.into_iden(),
            SessionDayLateness::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
