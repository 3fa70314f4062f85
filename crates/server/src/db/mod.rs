//! Connecting to the database, bringing its schema up to date, and the
//! fast path for the hottest reads.

mod connection;
mod reads;
mod sqlite_direct;

use std::time::Duration;

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{ConnectOptions, Database};

pub use connection::{Db, Txn, begin_write};
pub use reads::{Reads, Snapshot};
pub use sqlite_direct::{FromSqliteRow, SqliteRow};

use crate::config::Config;
use crate::data_dir;

/// A pool on the configured database. SQLite runs in WAL mode, so readers
/// never wait for the writer, with a busy timeout so concurrent writers
/// queue instead of failing.
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
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
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
