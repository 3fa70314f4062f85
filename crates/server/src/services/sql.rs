//! The few expressions whose SQL differs between the databases.

use sea_orm::DbBackend;
use sea_orm::sea_query::Expr;

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
    use sea_orm::sea_query::{
        Alias, MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder,
    };

    use super::*;

    fn total(backend: DbBackend) -> sea_orm::sea_query::SelectStatement {
        Query::select()
            .expr(sum_i64(backend, Expr::col(Alias::new("late_minutes"))))
            .from(Alias::new("session_completions"))
            .take()
    }

    #[test]
    fn each_backend_sums_into_a_64_bit_integer_with_the_column_in_place() {
        assert_eq!(
            total(DbBackend::Sqlite).to_string(SqliteQueryBuilder),
            "SELECT COALESCE(SUM(\"late_minutes\"), 0) FROM \"session_completions\""
        );
        assert_eq!(
            total(DbBackend::Postgres).to_string(PostgresQueryBuilder),
            "SELECT CAST(COALESCE(SUM(\"late_minutes\"), 0) AS BIGINT) FROM \"session_completions\""
        );
        assert_eq!(
            total(DbBackend::MySql).to_string(MysqlQueryBuilder),
            "SELECT CAST(COALESCE(SUM(`late_minutes`), 0) AS SIGNED) FROM `session_completions`"
        );
    }
}
