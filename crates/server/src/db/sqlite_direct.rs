//! Read-only statements run on the calling thread through rusqlite.
//!
//! sqlx gives every SQLite connection a worker thread of its own, and each
//! statement crosses to it and back: on a busy two-core server, profiles
//! showed a third of a request's time in those thread switches and about one
//! percent in SQLite (docs/benchmarks.md). SQLite is a library; a read on an
//! indexed table takes microseconds and may as well run where the request
//! already is. The SQL is the same statement SeaORM builds, so the filters
//! and scope stay written once; only the bytes' trip differs. Writes, and
//! reads inside transactions, keep going through SeaORM's pool.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sea_orm::sea_query::{OptionEnum, Value};
use sea_orm::{ActiveEnum, DbErr, RuntimeErr, Statement};

/// Idle connections kept for reuse. Every statement runs to its end before
/// the connection is returned, so no more are ever open than threads read at
/// once: the server's workers.
#[derive(Debug)]
pub struct Direct {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Why a statement was not run here.
#[derive(Debug)]
pub enum DirectError {
    /// It binds a value this path does not encode as sqlx would; SeaORM's
    /// pool runs it instead.
    Unsupported,
    Failed(DbErr),
}

impl From<rusqlite::Error> for DirectError {
    fn from(err: rusqlite::Error) -> Self {
        DirectError::Failed(failed(err))
    }
}

impl From<DbErr> for DirectError {
    fn from(err: DbErr) -> Self {
        DirectError::Failed(err)
    }
}

fn failed(err: impl std::fmt::Display) -> DbErr {
    DbErr::Query(RuntimeErr::Internal(err.to_string()))
}

/// Distinct statements a connection keeps prepared: the list's filter
/// combinations and page sizes, and the attachment counts for pages of up
/// to 100 rows.
const STATEMENT_CACHE: usize = 256;

impl Direct {
    /// A reader of the SQLite database at `url`, or `None` for a database in
    /// memory, which no second connection can open.
    pub fn for_url(url: &str) -> Option<Self> {
        use std::str::FromStr as _;
        let options = sea_orm::sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
        let path = options.get_filename();
        let name = path.to_string_lossy();
        if name.is_empty() || name.contains(":memory:") || name.starts_with("file:") {
            return None;
        }
        Some(Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// A read transaction on a connection of its own, for several
    /// statements that should see one state of the database.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, DbErr> {
        let connection = self.checkout().map_err(failed)?;
        connection
            .prepare_cached("BEGIN")
            .and_then(|mut begin| begin.execute([]))
            .map_err(failed)?;
        Ok(Snapshot {
            direct: self,
            connection: Some(connection),
        })
    }

    fn checkout(&self) -> rusqlite::Result<Connection> {
        if let Some(connection) = self.lock().pop() {
            return Ok(connection);
        }
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Readers never wait for the writer in WAL mode; the timeout covers
        // the moments a checkpoint or recovery holds the database.
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.pragma_update(None, "query_only", true)?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(connection)
    }

    fn checkin(&self, connection: Connection) {
        self.lock().push(connection);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A connection is pushed or popped whole; a panic cannot tear the list.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Statements run in one read transaction. Each statement on its own is a
/// transaction of its own, and beginning and ending one takes and drops a
/// WAL read lock with `fcntl`: a tenth of a get's profile when its three
/// statements paid for three (docs/benchmarks.md). Here they pay once, and
/// what a writer commits meanwhile is not half seen.
pub struct Snapshot<'a> {
    direct: &'a Direct,
    /// Always there until the snapshot drops and hands it back.
    connection: Option<Connection>,
}

impl Snapshot<'_> {
    /// Every row `statement` returns, each read by `T`.
    pub fn query<T: FromSqliteRow>(&self, statement: &Statement) -> Result<Vec<T>, DirectError> {
        let connection = self
            .connection
            .as_ref()
            .ok_or_else(|| DirectError::Failed(failed("the snapshot has ended")))?;
        run(connection, statement)
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            // Ending a read changes nothing; a connection that cannot end
            // its transaction is closed rather than reused inside it.
            let ended = connection
                .prepare_cached("COMMIT")
                .and_then(|mut commit| commit.execute([]));
            if ended.is_ok() {
                self.direct.checkin(connection);
            }
        }
    }
}

/// Every row `statement` returns on `connection`, each read by `T`.
fn run<T: FromSqliteRow>(
    connection: &Connection,
    statement: &Statement,
) -> Result<Vec<T>, DirectError> {
    let params = match &statement.values {
        Some(values) => values
            .0
            .iter()
            .map(encode)
            .collect::<Option<Vec<_>>>()
            .ok_or(DirectError::Unsupported)?,
        None => Vec::new(),
    };
    read_rows(connection, &statement.sql, params)
}

fn read_rows<T: FromSqliteRow>(
    connection: &Connection,
    sql: &str,
    params: Vec<SqlValue>,
) -> Result<Vec<T>, DirectError> {
    let mut statement = connection.prepare_cached(sql)?;
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.query(rusqlite::params_from_iter(params))?;
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        read.push(T::from_row(&mut SqliteRow::new(row, &names))?);
    }
    Ok(read)
}

/// A bound value as sqlx's SQLite driver writes it, so comparisons with
/// stored text (timestamps above all) hold the same on both paths.
fn encode(value: &Value) -> Option<SqlValue> {
    fn or_null<T>(value: Option<T>, into: impl FnOnce(T) -> SqlValue) -> SqlValue {
        value.map_or(SqlValue::Null, into)
    }
    Some(match value {
        Value::Bool(b) => or_null(*b, |b| SqlValue::Integer(b.into())),
        Value::TinyInt(i) => or_null(*i, |i| SqlValue::Integer(i.into())),
        Value::SmallInt(i) => or_null(*i, |i| SqlValue::Integer(i.into())),
        Value::Int(i) => or_null(*i, |i| SqlValue::Integer(i.into())),
        Value::BigInt(i) => or_null(*i, SqlValue::Integer),
        Value::TinyUnsigned(i) => or_null(*i, |i| SqlValue::Integer(i.into())),
        Value::SmallUnsigned(i) => or_null(*i, |i| SqlValue::Integer(i.into())),
        Value::Unsigned(i) => or_null(*i, |i| SqlValue::Integer(i.into())),
        // LIMIT and OFFSET are bound as these.
        Value::BigUnsigned(Some(i)) => SqlValue::Integer(i64::try_from(*i).ok()?),
        Value::BigUnsigned(None) => SqlValue::Null,
        Value::String(s) => or_null(s.clone(), SqlValue::Text),
        Value::Enum(OptionEnum::Some(e)) => SqlValue::Text(e.value.to_string()),
        Value::Enum(OptionEnum::None(_)) => SqlValue::Null,
        Value::ChronoDateTimeUtc(at) => or_null(*at, |at| {
            SqlValue::Text(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }),
        _ => return None,
    })
}

/// A row being read, its columns found by name. Readers ask for columns in
/// the order the statement selects them, so the column after the last one
/// found is tried first, and is usually the one.
pub struct SqliteRow<'a> {
    row: &'a rusqlite::Row<'a>,
    names: &'a [String],
    next: usize,
}

impl<'a> SqliteRow<'a> {
    fn new(row: &'a rusqlite::Row<'a>, names: &'a [String]) -> Self {
        Self {
            row,
            names,
            next: 0,
        }
    }

    fn value(&mut self, name: &str) -> Result<ValueRef<'a>, DbErr> {
        let index = if self.names.get(self.next).is_some_and(|next| next == name) {
            self.next
        } else {
            self.names
                .iter()
                .position(|column| column == name)
                .ok_or_else(|| failed(format!("no column {name:?} in the row")))?
        };
        self.next = index + 1;
        self.row.get_ref(index).map_err(failed)
    }

    /// The column `name` as `T`.
    pub fn get<T: Decode>(&mut self, name: &str) -> Result<T, DbErr> {
        let value = self.value(name)?;
        T::decode(value).map_err(|err| failed(format!("column {name:?}: {err}")))
    }

    /// The column `name`, stored as an enum's string value.
    pub fn enumerated<E: ActiveEnum<Value = String>>(&mut self, name: &str) -> Result<E, DbErr> {
        let text: String = self.get(name)?;
        E::try_from_value(&text)
    }

    /// The column `name`, an enum's string value or NULL.
    pub fn enumerated_or_null<E: ActiveEnum<Value = String>>(
        &mut self,
        name: &str,
    ) -> Result<Option<E>, DbErr> {
        let text: Option<String> = self.get(name)?;
        text.map(|text| E::try_from_value(&text)).transpose()
    }
}

/// A type read from a row by the direct path.
pub trait FromSqliteRow: Sized {
    fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr>;
}

/// A column value as the type a row holds it in, decoded as sqlx would.
pub trait Decode: Sized {
    fn decode(value: ValueRef<'_>) -> Result<Self, String>;
}

fn unexpected(value: ValueRef<'_>, wanted: &str) -> String {
    format!("{:?} is not {wanted}", value.data_type())
}

impl Decode for i64 {
    fn decode(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            other => Err(unexpected(other, "an integer")),
        }
    }
}

impl Decode for i32 {
    fn decode(value: ValueRef<'_>) -> Result<Self, String> {
        i32::try_from(i64::decode(value)?).map_err(|err| err.to_string())
    }
}

impl Decode for String {
    fn decode(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(text) => std::str::from_utf8(text)
                .map(str::to_owned)
                .map_err(|err| err.to_string()),
            other => Err(unexpected(other, "text")),
        }
    }
}

impl Decode for DateTime<Utc> {
    fn decode(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(text) => {
                let text = std::str::from_utf8(text).map_err(|err| err.to_string())?;
                parse_instant(text).ok_or_else(|| format!("{text:?} is not a timestamp"))
            }
            ValueRef::Integer(seconds) => DateTime::from_timestamp(seconds, 0)
                .ok_or_else(|| format!("{seconds} is out of range")),
            other => Err(unexpected(other, "a timestamp")),
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::decode(other).map(Some),
        }
    }
}

/// A stored timestamp in the text forms sqlx reads: RFC 3339 (what it
/// writes), else SQLite's own `YYYY-MM-DD HH:MM[:SS[.fff]]`, with or without
/// an offset, naive ones taken as UTC.
fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.to_utc());
    }
    const WITH_OFFSET: [&str; 4] = ["%F %T%.f%:z", "%F %R%:z", "%FT%R%:z", "%FT%T%.f%:z"];
    const NAIVE: [&str; 8] = [
        "%F %T%.f",
        "%F %R",
        "%F %RZ",
        "%F %T%.fZ",
        "%FT%R",
        "%FT%RZ",
        "%FT%T%.f",
        "%FT%T%.fZ",
    ];
    WITH_OFFSET
        .iter()
        .find_map(|format| DateTime::parse_from_str(text, format).ok())
        .map(|at| at.to_utc())
        .or_else(|| {
            NAIVE
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
                .map(|at| at.and_utc())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_in_every_form_sqlx_reads() {
        let noon = DateTime::parse_from_rfc3339("2026-03-02T12:30:00Z")
            .unwrap()
            .to_utc();
        for text in [
            "2026-03-02T12:30:00+00:00",
            "2026-03-02T14:30:00+02:00",
            "2026-03-02 12:30:00",
            "2026-03-02 12:30",
            "2026-03-02 12:30:00.000Z",
            "2026-03-02 14:30:00+02:00",
            "2026-03-02T12:30",
        ] {
            assert_eq!(parse_instant(text), Some(noon), "{text}");
        }
        assert_eq!(parse_instant("2 March"), None);
    }

    #[test]
    fn bound_instants_are_written_as_sqlx_writes_them() {
        let at = DateTime::parse_from_rfc3339("2026-03-02T12:30:00.250Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            encode(&Value::ChronoDateTimeUtc(Some(at))),
            Some(SqlValue::Text("2026-03-02T12:30:00.250+00:00".into()))
        );
        assert_eq!(encode(&Value::Bool(Some(true))), Some(SqlValue::Integer(1)));
        assert_eq!(
            encode(&Value::BigUnsigned(Some(21))),
            Some(SqlValue::Integer(21))
        );
        assert_eq!(encode(&Value::BigUnsigned(Some(u64::MAX))), None);
        assert_eq!(encode(&Value::Double(Some(1.5))), None);
    }

    #[test]
    fn rows_are_read_by_name_in_any_order() {
        struct Pair {
            word: String,
            number: Option<i64>,
        }
        impl FromSqliteRow for Pair {
            fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
                let number = row.get("number")?;
                Ok(Pair {
                    word: row.get("word")?,
                    number,
                })
            }
        }
        let db = Connection::open_in_memory().unwrap();
        let read: Vec<Pair> = read_rows(
            &db,
            "SELECT 'one' AS word, ?1 AS number UNION ALL SELECT 'two', NULL",
            vec![SqlValue::Integer(1)],
        )
        .unwrap();
        assert_eq!(read[0].word, "one");
        assert_eq!(read[0].number, Some(1));
        assert_eq!(read[1].word, "two");
        assert_eq!(read[1].number, None);
    }
}
