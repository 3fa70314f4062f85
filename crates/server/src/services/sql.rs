//! The few expressions whose SQL differs between the databases.

use sea_orm::DbBackend;
use sea_orm::sea_query::{Expr, IntoColumnRef};

/// A custom expression: each `{}` of `template` takes the next of `exprs`,
/// written as the backend's own placeholder (`$1` on PostgreSQL, `?`
/// elsewhere), which is how sea-query splices them in.
pub fn custom(backend: DbBackend, template: &str, exprs: Vec<Expr>) -> Expr {
    let mut text = String::with_capacity(template.len() + 8);
    let mut pieces = template.split("{}");
    text.push_str(pieces.next().unwrap_or_default());
    for (index, piece) in pieces.enumerate() {
        match backend {
            DbBackend::Postgres => text.push_str(&format!("${}", index + 1)),
            _ => text.push('?'),
        }
        text.push_str(piece);
    }
    Expr::cust_with_exprs(text, exprs)
}

/// Whole minutes from `start` to `end`, as a 32-bit integer (so that
/// PostgreSQL's `SUM` of it is a `bigint`, not a `numeric`).
pub fn minutes_between(
    backend: DbBackend,
    start: impl IntoColumnRef,
    end: impl IntoColumnRef,
) -> Expr {
    let (start, end) = (Expr::col(start), Expr::col(end));
    match backend {
        DbBackend::Postgres => custom(
            backend,
            "CAST(FLOOR(EXTRACT(EPOCH FROM ({} - {})) / 60) AS INTEGER)",
            vec![end, start],
        ),
        DbBackend::MySql => custom(backend, "TIMESTAMPDIFF(MINUTE, {}, {})", vec![start, end]),
        _ => custom(
            backend,
            "((CAST(strftime('%s', {}) AS INTEGER) - CAST(strftime('%s', {}) AS INTEGER)) / 60)",
            vec![end, start],
        ),
    }
}

/// `SUM(value)` as a 64-bit integer, 0 over no rows: MySQL sums integers
/// into a `DECIMAL` and PostgreSQL sums `bigint`s into a `numeric`, and
/// neither decodes as one.
pub fn sum_i64(backend: DbBackend, value: Expr) -> Expr {
    let template = match backend {
        DbBackend::MySql => "CAST(COALESCE(SUM({}), 0) AS SIGNED)",
        DbBackend::Postgres => "CAST(COALESCE(SUM({}), 0) AS BIGINT)",
        _ => "COALESCE(SUM({}), 0)",
    };
    custom(backend, template, vec![value])
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder};

    use super::*;
    use crate::entities::completion;

    fn total_minutes(backend: DbBackend) -> sea_orm::sea_query::SelectStatement {
        let minutes = minutes_between(
            backend,
            (completion::Entity, completion::Column::ScheduledStart),
            (completion::Entity, completion::Column::ScheduledEnd),
        );
        Query::select()
            .expr(sum_i64(backend, minutes))
            .from(completion::Entity)
            .take()
    }

    #[test]
    fn each_backend_gets_its_own_arithmetic_with_the_columns_in_place() {
        assert_eq!(
            total_minutes(DbBackend::Sqlite).to_string(SqliteQueryBuilder),
            "SELECT COALESCE(SUM(((CAST(strftime('%s', \"session_completions\".\"scheduled_end\") AS INTEGER) \
             - CAST(strftime('%s', \"session_completions\".\"scheduled_start\") AS INTEGER)) / 60)), 0) \
             FROM \"session_completions\""
        );
        assert_eq!(
            total_minutes(DbBackend::Postgres).to_string(PostgresQueryBuilder),
            "SELECT CAST(COALESCE(SUM(CAST(FLOOR(EXTRACT(EPOCH FROM (\"session_completions\".\"scheduled_end\" \
             - \"session_completions\".\"scheduled_start\")) / 60) AS INTEGER)), 0) AS BIGINT) \
             FROM \"session_completions\""
        );
        assert_eq!(
            total_minutes(DbBackend::MySql).to_string(MysqlQueryBuilder),
            "SELECT CAST(COALESCE(SUM(TIMESTAMPDIFF(MINUTE, `session_completions`.`scheduled_start`, \
             `session_completions`.`scheduled_end`)), 0) AS SIGNED) FROM `session_completions`"
        );
    }
}
