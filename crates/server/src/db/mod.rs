//! Connecting to the database, bringing its schema up to date, and the
//! fast path for the hottest reads.

mod connection;
mod reads;
mod sqlite_direct;

use std::time::Duration;

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait as _};
use sea_orm::sqlx::{AssertSqlSafe, Executor as _};
use sea_orm::{ConnectOptions, Database};

pub use connection::{Db, Txn, begin_write};
pub use reads::{Reads, Snapshot};
pub use sqlite_direct::{FromSqliteRow, SqliteRow};

use crate::config::Config;
use crate::data_dir;

/// How long a statement waits for a lock someone else holds (SQLite's one
/// write lock, a PostgreSQL or MariaDB row lock) before it gives up and the
/// request is answered 503, try again. MariaDB's own default is 50 s, longer
/// than a person or their phone waits for an answer; PostgreSQL's is for
/// ever. A migration waiting that long behind other servers' traffic fails
/// too, rather than stop every query queued behind its lock.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// A pool on the configured database. SQLite runs in WAL mode, so readers
/// never wait for the writer. Writers queue on each other's locks, every
/// database waiting at most [`LOCK_WAIT`].
pub async fn connect(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        data_dir::create(config)?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(config.db_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging_level(log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_secs(1))
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(LOCK_WAIT)
                .foreign_keys(true)
        })
        // Set on each connection as it opens rather than as a startup
        // parameter, which connection poolers such as PgBouncer refuse.
        .map_sqlx_postgres_pool_opts(|pool| {
            pool.after_connect(|connection, _| {
                Box::pin(async move {
                    let wait = format!("SET lock_timeout = '{}s'", LOCK_WAIT.as_secs());
                    connection.execute(AssertSqlSafe(wait)).await.map(drop)
                })
            })
        })
        .map_sqlx_mysql_pool_opts(|pool| {
            pool.after_connect(|connection, _| {
                Box::pin(async move {
                    let wait = format!(
                        "SET SESSION innodb_lock_wait_timeout = {}",
                        LOCK_WAIT.as_secs()
                    );
                    connection.execute(AssertSqlSafe(wait)).await.map(drop)
                })
            })
        });
    Database::connect(options)
        .await
        .map(Db::new)
        .with_context(|| format!("connecting to the database ({:?})", config.database_url))
}

/// Applies every pending migration.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    Migrator::up(db.pool(), None)
        .await
        .context("migrating the database")
}

/// A pool on a database brought up to date first. The pool that migrated
/// is closed and a fresh one opened: each SQLite connection keeps its
/// prepared statements with the columns they had, and one opened before a
/// migration added columns to a table was seen to read its rows without
/// them (`Missing value for column`).
pub async fn connect_migrated(config: &Config) -> anyhow::Result<Db> {
    let db = connect(config).await?;
    migrate(&db).await?;
    db.close().await.context("closing the migrating pool")?;
    connect(config).await
}
