//! The SQL the server runs for the two benchmarked reads, as SeaORM writes
//! it (read off the server's debug log), so the anchors run exactly the
//! statements behind `GET /completions?limit=20` and `GET /completions/{id}`
//! as a super admin.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng as _;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sea_orm::sqlx::{self, AssertSqlSafe, Row as _};

const SESSION_COLUMNS: &str = r#"SELECT "session_completions"."id", "session_completions"."occurrence_id", "session_completions"."batch_id", "session_completions"."branch_id", "session_completions"."user_id", "session_completions"."title", "session_completions"."scheduled_start", "session_completions"."scheduled_end", "session_completions"."actual_start", "session_completions"."actual_end", "session_completions"."completion_code", "session_completions"."notes", "session_completions"."status", "session_completions"."cancel_reason", "session_completions"."completed_at", "session_completions"."cancelled_at", "session_completions"."review", "session_completions"."recorded_by", "session_completions"."return_reason", "session_completions"."late_minutes", "session_completions"."late_reason", "session_completions"."verified_at", "session_completions"."verified_by", "session_completions"."delivered_by", "session_completions"."location_override", "session_completions"."cancelled_by_holiday", "session_completions"."version", "session_completions"."created_at", "session_completions"."updated_at", "batches"."code" AS "batch_code", "batches"."name" AS "batch_name", "batches"."location" AS "location", "users"."name" AS "user_name", "branches"."timezone" AS "timezone" FROM "session_completions" LEFT JOIN "batches" ON "session_completions"."batch_id" = "batches"."id" INNER JOIN "users" ON "session_completions"."user_id" = "users"."id" INNER JOIN "branches" ON "session_completions"."branch_id" = "branches"."id""#;

const LIST_TAIL: &str = r#" WHERE TRUE ORDER BY "session_completions"."scheduled_start" DESC, "session_completions"."id" DESC LIMIT "#;

const COUNTS_HEAD: &str = r#"SELECT "session_attachments"."completion_id", COUNT("id") FROM "session_attachments" WHERE "session_attachments"."completion_id" IN "#;

const COUNTS_TAIL: &str = r#" GROUP BY "session_attachments"."completion_id""#;

const GET_TAIL: &str = r#" WHERE "session_completions"."id" = $ID LIMIT 1"#;

const ATTACHMENTS: &str = r#"SELECT "session_attachments"."id", "session_attachments"."completion_id", "session_attachments"."file_name", "session_attachments"."storage_key", "session_attachments"."mime_type", "session_attachments"."size_bytes", "session_attachments"."sha256", "session_attachments"."description", "session_attachments"."uploaded_by", "session_attachments"."download_count", "session_attachments"."created_at", "session_attachments"."updated_at" FROM "session_attachments" WHERE "session_attachments"."completion_id" = $ID ORDER BY "session_attachments"."id" ASC"#;

const NOTES: &str = r#"SELECT "session_notes"."id", "session_notes"."completion_id", "session_notes"."author_id", "session_notes"."note_type", "session_notes"."note_text", "session_notes"."edited_at", "session_notes"."created_at", "session_notes"."updated_at", "users"."name" AS "author_name" FROM "session_notes" INNER JOIN "users" ON "session_notes"."author_id" = "users"."id" WHERE "session_notes"."completion_id" = $ID ORDER BY "session_notes"."id" ASC"#;

/// The page size asked for, and what the server fetches to know whether
/// there is a next page.
const PAGE: usize = 20;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Read {
    /// `GET /completions?limit=20`: a page of sessions, then their
    /// attachment counts.
    List,
    /// `GET /completions/{id}` for a random id: the session, its files and
    /// its notes.
    Get,
}

/// The read as a pgbench script. pgbench cannot carry the list's ids from
/// one statement to the next, so the counts select them in a subquery.
pub fn pgbench_script(read: Read) -> String {
    match read {
        Read::List => format!(
            "{SESSION_COLUMNS}{LIST_TAIL}{};\n{COUNTS_HEAD}(SELECT \"id\" FROM \"session_completions\" ORDER BY \"scheduled_start\" DESC, \"id\" DESC LIMIT {PAGE}){COUNTS_TAIL};\n",
            PAGE + 1
        ),
        Read::Get => {
            let with_id = |sql: &str| sql.replace("$ID", ":id");
            format!(
                "\\set id random(1, :sessions)\n{};\n{};\n{};\n",
                with_id(&format!("{SESSION_COLUMNS}{GET_TAIL}")),
                with_id(ATTACHMENTS),
                with_id(NOTES)
            )
        }
    }
}

/// What one load run measured.
#[derive(serde::Serialize)]
pub struct Figures {
    pub requests: usize,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// Runs `read` against a SQLite file from `connections` concurrent
/// clients sharing a pool of `pool` connections (the server's default is
/// 16), opened as the server opens them, for `seconds`.
pub async fn sqlite_load(
    path: &str,
    read: Read,
    connections: usize,
    pool: u32,
    seconds: u64,
    sessions: i64,
) -> anyhow::Result<Figures> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    let db = SqlitePoolOptions::new()
        .max_connections(pool)
        .min_connections(1)
        .connect_with(options)
        .await?;
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let statements = Arc::new(Statements::sqlite());
    let mut clients = Vec::new();
    for _ in 0..connections {
        let db = db.clone();
        let statements = statements.clone();
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < until {
                let begun = Instant::now();
                match read {
                    Read::List => list(&db, &statements).await?,
                    Read::Get => {
                        let id = rand::rng().random_range(1..=sessions);
                        get(&db, &statements, id).await?;
                    }
                }
                latencies.push(begun.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for client in clients {
        latencies.extend(client.await??);
    }
    Ok(Figures::of(latencies, started.elapsed()))
}

impl Figures {
    fn of(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort_unstable();
        let at = |quantile: f64| {
            let index = ((latencies.len() as f64 * quantile) as usize).min(latencies.len() - 1);
            latencies[index].as_secs_f64() * 1000.0
        };
        Figures {
            requests: latencies.len(),
            seconds: elapsed.as_secs_f64(),
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
        }
    }
}

/// Runs `read` through rusqlite for `seconds`: one thread and connection
/// per core this process may run on (one, when pinned), each with its
/// statements prepared once and kept in the connection's cache, every
/// column of every row read as the server reads them.
pub fn rusqlite_load(
    path: &str,
    read: Read,
    seconds: u64,
    sessions: i64,
) -> anyhow::Result<Figures> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let statements = Arc::new(Statements::sqlite());
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let path = path.to_owned();
            let statements = statements.clone();
            std::thread::spawn(move || -> anyhow::Result<Vec<Duration>> {
                let db = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                db.busy_timeout(Duration::from_secs(10))?;
                let mut latencies = Vec::new();
                while Instant::now() < until {
                    let begun = Instant::now();
                    match read {
                        Read::List => rusqlite_list(&db, &statements)?,
                        Read::Get => {
                            let id = rand::rng().random_range(1..=sessions);
                            rusqlite_get(&db, &statements, id)?;
                        }
                    }
                    latencies.push(begun.elapsed());
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a reading thread panicked"))??,
        );
    }
    Ok(Figures::of(latencies, started.elapsed()))
}

/// Every row of `sql` with `params`, each column read: the first column
/// of each row as an integer (the ids the list goes on with), the others
/// touched as SQLite hands them over.
fn rusqlite_rows(
    db: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> anyhow::Result<Vec<i64>> {
    let mut statement = db.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(params)?;
    let mut firsts = Vec::new();
    while let Some(row) = rows.next()? {
        firsts.push(row.get::<_, i64>(0)?);
        for column in 1..columns {
            std::hint::black_box(row.get_ref(column)?);
        }
    }
    Ok(firsts)
}

fn rusqlite_list(db: &rusqlite::Connection, statements: &Statements) -> anyhow::Result<()> {
    let ids = rusqlite_rows(db, &statements.list, [])?;
    let ids = &ids[..ids.len().min(PAGE)];
    rusqlite_rows(db, &counts(ids.len()), rusqlite::params_from_iter(ids))?;
    Ok(())
}

fn rusqlite_get(db: &rusqlite::Connection, statements: &Statements, id: i64) -> anyhow::Result<()> {
    rusqlite_rows(db, &statements.get, [id])?;
    rusqlite_rows(db, &statements.attachments, [id])?;
    rusqlite_rows(db, &statements.notes, [id])?;
    Ok(())
}

/// The statements of both reads in SQLite's placeholder style.
struct Statements {
    list: String,
    get: String,
    attachments: String,
    notes: String,
}

impl Statements {
    fn sqlite() -> Self {
        let with_id = |sql: &str| sql.replace("$ID", "?");
        Statements {
            list: format!("{SESSION_COLUMNS}{LIST_TAIL}{}", PAGE + 1),
            get: with_id(&format!("{SESSION_COLUMNS}{GET_TAIL}")),
            attachments: with_id(ATTACHMENTS),
            notes: with_id(NOTES),
        }
    }
}

/// The server's count statement: one bound id per row of the page.
fn counts(ids: usize) -> String {
    let marks = vec!["?"; ids].join(", ");
    format!("{COUNTS_HEAD}({marks}){COUNTS_TAIL}")
}

async fn list(db: &sqlx::SqlitePool, statements: &Statements) -> anyhow::Result<()> {
    let rows = sqlx::query(AssertSqlSafe(statements.list.as_str()))
        .fetch_all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().take(PAGE).map(|row| row.get(0)).collect();
    let sql = counts(ids.len());
    let mut counts = sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(sql.as_str()));
    for id in ids {
        counts = counts.bind(id);
    }
    counts.fetch_all(db).await?;
    Ok(())
}

async fn get(db: &sqlx::SqlitePool, statements: &Statements, id: i64) -> anyhow::Result<()> {
    sqlx::query(AssertSqlSafe(statements.get.as_str()))
        .bind(id)
        .fetch_optional(db)
        .await?;
    sqlx::query(AssertSqlSafe(statements.attachments.as_str()))
        .bind(id)
        .fetch_all(db)
        .await?;
    sqlx::query(AssertSqlSafe(statements.notes.as_str()))
        .bind(id)
        .fetch_all(db)
        .await?;
    Ok(())
}
