//! The one error type of the service layer.

use std::collections::BTreeMap;

use sea_orm::{DbErr, RuntimeErr, SqlErr};

use crate::domain::lifecycle::Refusal;
use crate::domain::times::TimeError;

/// Field name → what is wrong with it, as the API reports under `errors`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` has a message already.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn extend(&mut self, other: FieldErrors) {
        for (field, messages) in other.0 {
            self.0.entry(field).or_default().extend(messages);
        }
    }

    /// `Ok` when nothing was added, so checks can end in `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), ServiceError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self))
        }
    }

    pub fn into_map(self) -> BTreeMap<String, Vec<String>> {
        self.0
    }
}

impl From<validator::ValidationErrors> for FieldErrors {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = FieldErrors::default();
        for (field, errors) in errors.field_errors() {
            for error in errors {
                let message = error.message.as_ref().map_or_else(
                    || format!("is not valid ({})", error.code),
                    ToString::to_string,
                );
                fields.add(field.as_ref(), message);
            }
        }
        fields
    }
}

/// The kinds of 409 Conflict, each its own problem type for clients to tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    /// A unique value (email, code) is taken.
    Duplicate,
    /// The object is still referenced and cannot be deleted.
    InUse,
    /// A state change the state machine refuses.
    InvalidTransition,
    /// The client edited an older version than the stored one.
    StaleVersion,
    /// The record is verified, and stays as verified until it is reopened.
    Locked,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Missing, or outside the caller's scope: the two look the same.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller sees the object but its role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The caller may review sessions, but not one they own or recorded.
    #[error("{0}")]
    SeparationOfDuties(String),
    #[error("{detail}")]
    Conflict {
        kind: ConflictKind,
        detail: String,
        field: Option<&'static str>,
    },
    #[error("validation failed")]
    Invalid(FieldErrors),
    /// The database rolled the transaction back to break a deadlock or a
    /// serialization conflict, and the retries ran out. Nothing was written.
    #[error("the database broke a conflict between transactions")]
    Busy,
    /// A lock stayed taken past the wait the pool sets (SQLite's one write
    /// lock, or a row lock): the data has been that busy for that long.
    /// Nothing was written; unlike `Busy`, trying again at once would only
    /// wait as long again.
    #[error("the database stayed locked past its busy timeout")]
    LockTimeout,
    #[error(transparent)]
    Database(DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DbErr> for ServiceError {
    fn from(err: DbErr) -> Self {
        match err {
            // An update that matched no row lost a race with a delete
            // between reading the object and writing it: it is gone.
            DbErr::RecordNotUpdated => ServiceError::NotFound("record"),
            err if is_transient(&err) => ServiceError::Busy,
            // A row this request refers to (a teacher, a batch, a session)
            // was deleted between the read that found it and the write:
            // checked reads come first everywhere, so only a race gets here.
            err if violates_foreign_key(&err) => ServiceError::Conflict {
                kind: ConflictKind::StaleVersion,
                detail:
                    "Something this request refers to was removed meanwhile. Reload and try again."
                        .into(),
                field: None,
            },
            err if waited_out_lock(&err) => ServiceError::LockTimeout,
            err => ServiceError::Database(err),
        }
    }
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        let detail = refusal.detail();
        match refusal {
            Refusal::RoleMayNot(_) => ServiceError::Forbidden(detail),
            Refusal::OwnRecord => ServiceError::SeparationOfDuties(detail),
            Refusal::Locked => ServiceError::Conflict {
                kind: ConflictKind::Locked,
                detail,
                field: None,
            },
            Refusal::NotNow { .. } => ServiceError::Conflict {
                kind: ConflictKind::InvalidTransition,
                detail,
                field: None,
            },
        }
    }
}

impl From<TimeError> for ServiceError {
    fn from(err: TimeError) -> Self {
        ServiceError::invalid(err.field, err.message)
    }
}

impl ServiceError {
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(detail.into())
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::single(field, message))
    }

    pub fn duplicate(field: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            kind: ConflictKind::Duplicate,
            detail: detail.into(),
            field: Some(field),
        }
    }

    pub fn in_use(detail: impl Into<String>) -> Self {
        Self::Conflict {
            kind: ConflictKind::InUse,
            detail: detail.into(),
            field: None,
        }
    }
}

/// Whether `err` is a unique-index violation on `column`.
///
/// The three databases word it differently (`…_email_key`, `for key
/// 'email'`, `users.email`) but each names the column.
pub fn violates_unique(err: &DbErr, column: &str) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(message)) if message.contains(column))
}

/// The database's own error inside `err`, when the database answered one.
fn database_error(err: &DbErr) -> Option<&dyn sea_orm::sqlx::error::DatabaseError> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(err))
        | DbErr::Query(RuntimeErr::SqlxError(err))
        | DbErr::Conn(RuntimeErr::SqlxError(err)) => match &**err {
            sea_orm::sqlx::Error::Database(err) => Some(&**err),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the database gave up on a transaction to break a deadlock or
/// a serialization conflict: SQLSTATE 40001 (MySQL's deadlock 1213 among
/// them) or PostgreSQL's 40P01. Nothing of it was written, and running it
/// again is the remedy the database itself prescribes.
pub fn is_transient(err: &DbErr) -> bool {
    database_error(err).is_some_and(|err| matches!(err.code().as_deref(), Some("40001" | "40P01")))
}

/// Whether the database gave up waiting for a lock another transaction
/// holds, past the wait [`crate::db::connect`] sets: SQLite's
/// `SQLITE_BUSY` in any of its extended codes, which a writer sees only
/// once the busy timeout has run out (write transactions begin
/// `IMMEDIATE`, so none fails on the lock without waiting); PostgreSQL's
/// `lock_timeout` (55P03); MariaDB's `innodb_lock_wait_timeout` (1205).
fn waited_out_lock(err: &DbErr) -> bool {
    const SQLITE_BUSY: i32 = 5;
    const MYSQL_LOCK_WAIT_TIMEOUT: u16 = 1205;
    database_error(err).is_some_and(|err| {
        if let Some(err) = err.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
            return err.number() == MYSQL_LOCK_WAIT_TIMEOUT;
        }
        if err
            .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
            .is_some()
        {
            return err
                .code()
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| code & 0xff == SQLITE_BUSY);
        }
        err.code().as_deref() == Some("55P03")
    })
}

/// Whether `err` is a foreign key refusing a delete of something
/// referenced, or a row that refers to something no longer there.
pub fn violates_foreign_key(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_that_lost_a_race_with_a_delete_is_not_found() {
        assert!(matches!(
            ServiceError::from(DbErr::RecordNotUpdated),
            ServiceError::NotFound(_)
        ));
        assert!(matches!(
            ServiceError::from(DbErr::Custom("boom".into())),
            ServiceError::Database(_)
        ));
    }
}
