//! The pool and transactions every statement of the server goes through:
//! SeaORM's, with instants bound so that MariaDB keeps them.
//!
//! sqlx sends a `DateTime<Utc>` to MySQL and MariaDB as a `TIMESTAMP`
//! parameter, and MariaDB turns one outside 32-bit Unix time (before 1970,
//! after 2038-01-19 03:14:07 UTC) into NULL before it reaches the
//! `DATETIME` column or comparison it is for: a session scheduled in 2040
//! failed to store with a 500, and a filter bounded then matched nothing.
//! On MariaDB every statement sent from here binds its instants as
//! `DATETIME`, the UTC wall time the columns hold (sqlx's connection sets
//! the session's zone to UTC). SQLite and PostgreSQL get their statements
//! as they were built.

use sea_orm::sea_query::Value;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait as _,
};

/// The server's pool on its database.
#[derive(Clone, Debug)]
pub struct Db(DatabaseConnection);

/// A transaction begun on a [`Db`], sending its statements the same way.
#[derive(Debug)]
pub struct Txn(DatabaseTransaction);

impl Db {
    pub fn new(pool: DatabaseConnection) -> Self {
        Self(pool)
    }

    /// SeaORM's pool itself, for what takes no statements of ours: the
    /// migrations (which bind no instants), a ping. Not public: code
    /// outside the server that reached it would bypass the rebinding.
    pub(crate) fn pool(&self) -> &DatabaseConnection {
        &self.0
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.0.close().await
    }
}

/// Begins a transaction that writes. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`), waiting its turn behind other writers: a
/// transaction begun the default way that reads before it writes fails at
/// its first write, without waiting, when another connection has committed
/// since the read (`SQLITE_BUSY_SNAPSHOT`), so which statement came first
/// would decide whether a request survives a busy moment. PostgreSQL and
/// MariaDB begin as ever; their row locks order the writers.
pub async fn begin_write(db: &Db) -> Result<Txn, DbErr> {
    db.0.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
    .map(Txn)
}

impl Txn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.0.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.0.rollback().await
    }
}

/// `statement` with its instants bound as `DATETIME` when it is for
/// MariaDB; as it was otherwise.
fn bound_for_mariadb(mut statement: Statement) -> Statement {
    if statement.db_backend == DbBackend::MySql
        && let Some(values) = statement.values.as_mut()
    {
        for value in &mut values.0 {
            if let Value::ChronoDateTimeUtc(at) = value {
                *value = Value::ChronoDateTime(at.map(|at| at.naive_utc()));
            }
        }
    }
    statement
}

/// Both send each statement through [`bound_for_mariadb`] to the SeaORM
/// connection they wrap.
macro_rules! sending_through {
    ($type:ty) => {
        #[async_trait::async_trait]
        impl ConnectionTrait for $type {
            fn get_database_backend(&self) -> DbBackend {
                self.0.get_database_backend()
            }

            async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
                self.0.execute_raw(bound_for_mariadb(statement)).await
            }

            async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
                self.0.execute_unprepared(sql).await
            }

            async fn query_one_raw(
                &self,
                statement: Statement,
            ) -> Result<Option<QueryResult>, DbErr> {
                self.0.query_one_raw(bound_for_mariadb(statement)).await
            }

            async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
                self.0.query_all_raw(bound_for_mariadb(statement)).await
            }

            fn support_returning(&self) -> bool {
                self.0.support_returning()
            }

            fn is_mock_connection(&self) -> bool {
                self.0.is_mock_connection()
            }
        }
    };
}

sending_through!(Db);
sending_through!(Txn);

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};

    use super::*;

    fn statement(backend: DbBackend) -> Statement {
        let at = Utc.with_ymd_and_hms(2040, 12, 30, 17, 0, 0).unwrap();
        Statement::from_sql_and_values(
            backend,
            "SELECT ?, ?, ?",
            [at.into(), Value::ChronoDateTimeUtc(None), 7_i64.into()],
        )
    }

    #[test]
    fn instants_for_mariadb_go_as_their_utc_wall_time_and_nothing_else_changes() {
        let sent = bound_for_mariadb(statement(DbBackend::MySql));
        let naive = Utc
            .with_ymd_and_hms(2040, 12, 30, 17, 0, 0)
            .unwrap()
            .naive_utc();
        assert_eq!(
            sent.values.unwrap().0,
            vec![
                Value::ChronoDateTime(Some(naive)),
                Value::ChronoDateTime(None),
                Value::BigInt(Some(7)),
            ]
        );
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            assert_eq!(bound_for_mariadb(statement(backend)), statement(backend));
        }
    }
}
