//! What `q` searches, indexed by each database's own full-text index: one
//! search document per session (its title, notes and code, its batch's
//! code and name, its owner's name and its comments' text), which the
//! server rewrites in the same transaction as any change to those.
//!
//! - SQLite: an FTS5 table over the documents (external content, kept in
//!   step by triggers), folding case and diacritics.
//! - PostgreSQL: a GIN index on the documents' `simple` tsvector.
//! - MariaDB/MySQL: an InnoDB FULLTEXT index.
//!
//! Existing sessions get their documents here, a thousand at a time.

use std::collections::HashMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::columns::{self, cascade};
use crate::m20261128_000003_schedule::SessionCompletions;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum SessionSearch {
    Table,
    CompletionId,
    Document,
    CreatedAt,
    UpdatedAt,
}

const CHUNK: i64 = 1000;

const SQLITE_INDEX: [&str; 4] = [
    "CREATE VIRTUAL TABLE session_search_fts USING fts5(document, content='session_search', \
     content_rowid='completion_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER session_search_added AFTER INSERT ON session_search BEGIN \
     INSERT INTO session_search_fts(rowid, document) VALUES (new.completion_id, new.document); END",
    "CREATE TRIGGER session_search_removed AFTER DELETE ON session_search BEGIN \
     INSERT INTO session_search_fts(session_search_fts, rowid, document) \
     VALUES ('delete', old.completion_id, old.document); END",
    "CREATE TRIGGER session_search_changed AFTER UPDATE ON session_search BEGIN \
     INSERT INTO session_search_fts(session_search_fts, rowid, document) \
     VALUES ('delete', old.completion_id, old.document); \
     INSERT INTO session_search_fts(rowid, document) VALUES (new.completion_id, new.document); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SessionSearch as S;
        let backend = manager.get_database_backend();
        manager
            .create_table(
                columns::table(backend, S::Table)
                    .col(big_integer(S::CompletionId).primary_key())
                    .col(text(S::Document))
                    .foreign_key(&mut cascade(
                        S::Table,
                        S::CompletionId,
                        SessionCompletions::Table,
                    ))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE INDEX idx_session_search_document ON session_search \
                     USING GIN (to_tsvector('simple', document))",
                )
                .await?;
            }
            DbBackend::MySql => {
                db.execute_unprepared(
                    "CREATE FULLTEXT INDEX ft_session_search ON session_search (document)",
                )
                .await?;
            }
            _ => {
                for statement in SQLITE_INDEX {
                    db.execute_unprepared(statement).await?;
                }
            }
        }
        backfill(db, backend).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE session_search_fts")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SessionSearch::Table).to_owned())
            .await
    }
}

/// The parts of a document, one per line, each as its words (letters and
/// digits) between single spaces, as the server writes them.
fn document(parts: impl IntoIterator<Item = Option<String>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(|part| {
            part.split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn backfill<C: ConnectionTrait>(db: &C, backend: DbBackend) -> Result<(), DbErr> {
    let mut after = 0_i64;
    loop {
        let sessions = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    "SELECT c.id, c.title, c.notes, c.completion_code, b.code, b.name, u.name \
                     FROM session_completions c LEFT JOIN batches b ON b.id = c.batch_id \
                     JOIN users u ON u.id = c.user_id WHERE c.id > ? ORDER BY c.id LIMIT ?",
                ),
                [after.into(), CHUNK.into()],
            ))
            .await?;
        let Some(last) = sessions.last() else {
            return Ok(());
        };
        let last: i64 = last.try_get_by_index(0)?;
        let notes = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    "SELECT completion_id, note_text FROM session_notes \
                     WHERE completion_id > ? AND completion_id <= ? ORDER BY id",
                ),
                [after.into(), last.into()],
            ))
            .await?;
        let mut comments: HashMap<i64, Vec<String>> = HashMap::new();
        for row in notes {
            let id: i64 = row.try_get_by_index(0)?;
            comments
                .entry(id)
                .or_default()
                .push(row.try_get_by_index(1)?);
        }
        let mut insert = Query::insert();
        insert.into_table(SessionSearch::Table).columns([
            SessionSearch::CompletionId,
            SessionSearch::Document,
            SessionSearch::CreatedAt,
            SessionSearch::UpdatedAt,
        ]);
        for row in &sessions {
            let id: i64 = row.try_get_by_index(0)?;
            let text: Vec<Option<String>> = (1..7)
                .map(|index| row.try_get_by_index::<Option<String>>(index))
                .collect::<Result<_, _>>()?;
            let comments = comments.remove(&id).unwrap_or_default();
            let body = document(text.into_iter().chain(comments.into_iter().map(Some)));
            insert.values_panic([
                id.into(),
                body.into(),
                Expr::current_timestamp(),
                Expr::current_timestamp(),
            ]);
        }
        db.execute(&insert).await?;
        after = last;
    }
}

/// `?` placeholders as the backend writes them.
fn placeholders(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut numbered = String::with_capacity(sql.len() + 8);
    for (n, piece) in sql.split('?').enumerate() {
        if n > 0 {
            numbered.push_str(&format!("${n}"));
        }
        numbered.push_str(piece);
    }
    numbered
}
