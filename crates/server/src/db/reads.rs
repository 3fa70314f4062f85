//! The handle the hottest reads go through: SeaORM's pool, or on SQLite the
//! [direct path](super::sqlite_direct) that runs the same statement on the
//! calling thread.

use std::sync::Arc;

use sea_orm::{
    ConnectionTrait as _, DbBackend, DbErr, FromQueryResult, QuerySelect, QueryTrait, Statement,
    Value, Values,
};

use super::Db;
use super::sqlite_direct::{self, Direct, DirectError, FromSqliteRow};

/// Where read-only statements outside any write transaction run, through
/// [`Reads::snapshot`].
#[derive(Clone, Debug)]
pub struct Reads {
    db: Db,
    direct: Option<Arc<Direct>>,
}

impl Reads {
    /// Reads through `db`, and directly when it is SQLite in the file `url`
    /// names.
    pub fn new(db: Db, url: &str) -> Self {
        let direct = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| Direct::for_url(url))
            .flatten()
            .map(Arc::new);
        Self { db, direct }
    }

    /// Reads through `db` alone, as on PostgreSQL and MariaDB.
    pub fn pooled(db: Db) -> Self {
        Self { db, direct: None }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Reads that belong together, such as one response's. On the direct
    /// path they share one read transaction, so they see one state of the
    /// database and take SQLite's locks once; through the pool each runs on
    /// its own.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, DbErr> {
        let direct = self.direct.as_deref().map(Direct::snapshot).transpose()?;
        Ok(Snapshot {
            db: &self.db,
            direct,
        })
    }
}

/// Reads from [`Reads::snapshot`].
pub struct Snapshot<'a> {
    db: &'a Db,
    direct: Option<sqlite_direct::Snapshot<'a>>,
}

impl Snapshot<'_> {
    pub fn db(&self) -> &Db {
        self.db
    }

    /// Every row `query` selects, as `T`.
    pub async fn all<Q, T>(&self, query: &Q) -> Result<Vec<T>, DbErr>
    where
        Q: QueryTrait,
        T: FromQueryResult + FromSqliteRow,
    {
        let statement = limit_in_text(query.build(self.db.get_database_backend()));
        if let Some(direct) = &self.direct {
            match direct.query(&statement) {
                Ok(rows) => return Ok(rows),
                Err(DirectError::Failed(err)) => return Err(err),
                Err(DirectError::Unsupported) => {
                    tracing::debug!(
                        sql = statement.sql,
                        "a bound value sent this read to the pool"
                    );
                }
            }
        }
        let rows = self.db.query_all_raw(statement).await?;
        rows.iter()
            .map(|row| T::from_query_result(row, ""))
            .collect()
    }

    /// The first row `query` selects, as `T`.
    pub async fn one<Q, T>(&self, query: Q) -> Result<Option<T>, DbErr>
    where
        Q: QueryTrait + QuerySelect,
        T: FromQueryResult + FromSqliteRow,
    {
        Ok(self.all(&query.limit(1)).await?.into_iter().next())
    }
}

/// `statement` with its trailing bound `LIMIT` written into its text, so
/// each page size is a statement of its own, prepared once. SQLite's
/// planner reads a bound LIMIT, so it re-prepares a cached statement each
/// time that parameter is bound again (28% of a get's profile). PostgreSQL
/// keeps one plan for a prepared statement only when that plan costs no
/// more than one made for the values, and it prices a bound LIMIT as a
/// tenth of the table: it planned a list page on every read, two thirds
/// of its time (docs/benchmarks.md).
fn limit_in_text(mut statement: Statement) -> Statement {
    let Some(Values(values)) = &mut statement.values else {
        return statement;
    };
    let Some(&Value::BigUnsigned(Some(limit))) = values.last() else {
        return statement;
    };
    let placeholder = match statement.db_backend {
        DbBackend::Postgres => format!("${}", values.len()),
        _ => "?".to_owned(),
    };
    let bound = format!(" LIMIT {placeholder}");
    if let Some(rest) = statement.sql.strip_suffix(&bound) {
        statement.sql = format!("{rest} LIMIT {limit}");
        values.pop();
    }
    statement
}

#[cfg(test)]
mod tests {
    use sea_orm::{
        ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set,
    };

    use super::*;
    use crate::config::Config;
    use crate::db::SqliteRow;
    use crate::entities::branch;

    #[derive(Debug, FromQueryResult)]
    struct Code {
        code: String,
    }

    impl FromSqliteRow for Code {
        fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
            Ok(Self {
                code: row.get("code")?,
            })
        }
    }

    async fn migrated() -> (tempfile::TempDir, Config, Db) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let db = crate::db::connect_migrated(&config).await.unwrap();
        (dir, config, db)
    }

    async fn add_branch(db: &Db, code: &str) {
        let now = chrono::Utc::now();
        branch::ActiveModel {
            name: Set(code.to_lowercase()),
            code: Set(code.into()),
            timezone: Set("Asia/Kolkata".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }

    #[test]
    fn a_trailing_limit_is_written_into_the_text() {
        let first_three = branch::Entity::find()
            .filter(branch::Column::Code.eq("PUNE"))
            .limit(3);
        for (backend, sql) in [
            (
                DbBackend::Postgres,
                r#"SELECT "branches"."id" FROM "branches" WHERE "branches"."code" = $1 LIMIT 3"#,
            ),
            (
                DbBackend::Sqlite,
                r#"SELECT "branches"."id" FROM "branches" WHERE "branches"."code" = ? LIMIT 3"#,
            ),
            (
                DbBackend::MySql,
                "SELECT `branches`.`id` FROM `branches` WHERE `branches`.`code` = ? LIMIT 3",
            ),
        ] {
            let query = first_three.clone().select_only().column(branch::Column::Id);
            let statement = limit_in_text(query.build(backend));
            assert_eq!(statement.sql, sql);
            assert_eq!(statement.values, Some(Values(vec!["PUNE".into()])));
        }
        // An offset after it, or no limit at all, leaves the statement as built.
        let paged = first_three.offset(6).build(DbBackend::Postgres);
        assert_eq!(limit_in_text(paged.clone()), paged);
        let every = branch::Entity::find().build(DbBackend::Postgres);
        assert_eq!(limit_in_text(every.clone()), every);
    }

    #[tokio::test]
    async fn sqlite_reads_run_without_the_pool_and_fall_back_to_it() {
        let (_dir, config, db) = migrated().await;
        add_branch(&db, "PUNE").await;
        let reads = Reads::new(db.clone(), &config.database_url());
        let by_code = branch::Entity::find().filter(branch::Column::Code.eq("PUNE"));
        db.close().await.unwrap();

        let snapshot = reads.snapshot().unwrap();
        let direct: Vec<Code> = snapshot.all(&by_code).await.unwrap();
        assert_eq!(direct.len(), 1);
        assert_eq!(direct[0].code, "PUNE");
        // A value the direct path does not bind goes to the pool, closed now.
        let by_float = branch::Entity::find().filter(branch::Column::Id.eq(1.5_f64));
        assert!(snapshot.all::<_, Code>(&by_float).await.is_err());
    }

    #[tokio::test]
    async fn a_snapshot_reads_the_database_as_its_first_read_found_it() {
        let (_dir, config, db) = migrated().await;
        add_branch(&db, "PUNE").await;
        let reads = Reads::new(db.clone(), &config.database_url());
        let every_branch = branch::Entity::find();

        let snapshot = reads.snapshot().unwrap();
        let before: Vec<Code> = snapshot.all(&every_branch).await.unwrap();
        add_branch(&db, "GOA").await;
        let during: Vec<Code> = snapshot.all(&every_branch).await.unwrap();
        assert_eq!(before.len(), during.len());
        let fresh: Vec<Code> = reads.snapshot().unwrap().all(&every_branch).await.unwrap();
        assert_eq!(fresh.len(), before.len() + 1);

        // Ended, its connection goes back to be reused, out of the old state.
        drop(snapshot);
        for _ in 0..3 {
            let again: Vec<Code> = reads.snapshot().unwrap().all(&every_branch).await.unwrap();
            assert_eq!(again.len(), before.len() + 1);
        }
    }
}
