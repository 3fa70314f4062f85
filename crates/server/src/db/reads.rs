//! The handle the hottest reads go through: SeaORM's pool, or on SQLite the
//! [direct path](super::sqlite_direct) that runs the same statement on the
//! calling thread.

use std::sync::Arc;

use sea_orm::{
    ConnectionTrait as _, DatabaseConnection, DbBackend, DbErr, FromQueryResult, QuerySelect,
    QueryTrait,
};

use super::sqlite_direct::{Direct, DirectError, FromSqliteRow};

/// Rows for read-only statements outside any transaction.
#[derive(Clone, Debug)]
pub struct Reads {
    db: DatabaseConnection,
    direct: Option<Arc<Direct>>,
}

impl Reads {
    /// Reads through `db`, and directly when it is SQLite in the file `url`
    /// names.
    pub fn new(db: DatabaseConnection, url: &str) -> Self {
        let direct = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| Direct::for_url(url))
            .flatten()
            .map(Arc::new);
        Self { db, direct }
    }

    /// Reads through `db` alone, as on PostgreSQL and MariaDB.
    pub fn pooled(db: DatabaseConnection) -> Self {
        Self { db, direct: None }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Every row `query` selects, as `T`.
    pub async fn all<Q, T>(&self, query: &Q) -> Result<Vec<T>, DbErr>
    where
        Q: QueryTrait,
        T: FromQueryResult + FromSqliteRow,
    {
        let statement = query.build(self.db.get_database_backend());
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

    #[tokio::test]
    async fn sqlite_reads_run_without_the_pool_and_fall_back_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let db = crate::db::connect_migrated(&config).await.unwrap();
        let now = chrono::Utc::now();
        branch::ActiveModel {
            name: Set("Pune".into()),
            code: Set("PUNE".into()),
            timezone: Set("Asia/Kolkata".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let reads = Reads::new(db.clone(), &config.database_url());
        let by_code = branch::Entity::find().filter(branch::Column::Code.eq("PUNE"));
        db.close().await.unwrap();

        let direct: Vec<Code> = reads.all(&by_code).await.unwrap();
        assert_eq!(direct.len(), 1);
        assert_eq!(direct[0].code, "PUNE");
        // A value the direct path does not bind goes to the pool, closed now.
        let by_float = branch::Entity::find().filter(branch::Column::Id.eq(1.5_f64));
        assert!(reads.all::<_, Code>(&by_float).await.is_err());
    }
}
