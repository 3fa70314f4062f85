//! How a change reaches a session row: one `UPDATE` guarded by the state
//! and version it was decided on, with its audit entry, in one
//! transaction. When the guard no longer holds someone else changed the
//! session first; the change is decided again on what is there now, which
//! either refuses it with the reason or lets it try once more.

use lectern_api_types::codes::CompletionCode;
use lectern_api_types::sessions::Completion;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QuerySelect as _, UpdateMany,
};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::codes::ATTEMPTS;
use super::search::documents::{self, Sessions};
use super::{SessionRow, find_visible, reload};
use crate::audit::{self, Change, Entity};
use crate::clock;
use crate::db::{Db, begin_write};
use crate::domain::AuthUser;
use crate::domain::lifecycle::SessionState;
use crate::entities::{completion, user};
use crate::outbox;
use crate::services::error::{ConflictKind, violates_unique};
use crate::services::{ServiceError, ServiceResult};

/// One change, planned against the row as read.
pub(super) struct Plan {
    /// The columns this change sets, besides state, version and `updated_at`.
    pub update: UpdateMany<completion::Entity>,
    /// The state the session is in afterwards.
    pub to: SessionState,
    pub audit: audit::Action,
    pub details: Value,
    /// A code this change writes: one the client chose is a 409 when taken,
    /// a generated one is drawn again.
    pub code: Option<(CompletionCode, Chosen)>,
    /// The colleague this change records as having delivered the session.
    /// Their account is read again and held (shared) until the commit: one
    /// deleted meanwhile is a 422, and none can be deleted under the record.
    pub substitute: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Chosen {
    ByClient,
    ByServer,
}

impl Plan {
    pub fn new(to: SessionState, audit: audit::Action, details: Value) -> Self {
        Self {
            update: completion::Entity::update_many(),
            to,
            audit,
            details,
            code: None,
            substitute: None,
        }
    }

    pub fn set<V: Into<sea_orm::Value>>(mut self, column: completion::Column, value: V) -> Self {
        self.update = self.update.col_expr(column, Expr::value(value));
        self
    }
}

/// The rows in exactly `state`.
pub(super) fn in_state(state: SessionState) -> Condition {
    let condition = Condition::all().add(completion::Column::Status.eq(state.status()));
    match state.review() {
        Some(review) => condition.add(completion::Column::Review.eq(review)),
        None => condition,
    }
}

pub(super) fn stale(current: i32) -> ServiceError {
    ServiceError::Conflict {
        kind: ConflictKind::StaleVersion,
        detail: format!(
            "The session changed since you loaded it; it is now at version {current}. Reload and try again."
        ),
        field: Some("version"),
    }
}

/// Codes are unique across the institute, so the answer cannot help
/// saying that one is taken; it says no more than that (not whose, nor in
/// which branch) and does not repeat the code.
fn code_taken() -> ServiceError {
    ServiceError::duplicate(
        "completion_code",
        "This code cannot be used: choose another, or leave it empty for one to be generated.",
    )
}

/// The answer for a `delivered_by` that names nobody the caller may name.
pub(super) fn no_such_colleague() -> ServiceError {
    ServiceError::invalid(
        "delivered_by",
        "no such active faculty member or employee in the session's branch",
    )
}

/// Audit details of a field that changed: `{"from": …, "to": …}`.
pub(super) fn changed<F: Serialize + ?Sized, T: Serialize + ?Sized>(
    details: &mut Map<String, Value>,
    field: &str,
    from: &F,
    to: &T,
) {
    details.insert(field.to_owned(), json!({"from": from, "to": to}));
}

/// Reads the session, plans the change with `plan` and writes it guarded
/// by the state it was planned on. `plan` answers `None` when there is
/// nothing to change.
pub(super) async fn apply(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    plan: impl Fn(&SessionRow) -> ServiceResult<Option<Plan>>,
) -> ServiceResult<Completion> {
    for _ in 0..ATTEMPTS {
        let row = find_visible(db, caller, id).await?;
        let Some(plan) = plan(&row)? else {
            return reload(db, caller, id).await;
        };
        match write_once(db, caller, &row, plan).await {
            Ok(Written::Done) => return reload(db, caller, id).await,
            // Lost a race or a deadlock: decide again on what is there now.
            Ok(Written::Moved) | Err(ServiceError::Busy) => {}
            Ok(Written::CodeTaken(Chosen::ByClient)) => return Err(code_taken()),
            Ok(Written::CodeTaken(Chosen::ByServer)) => {}
            Err(err) => return Err(err),
        }
    }
    Err(ServiceError::Busy)
}

enum Written {
    Done,
    /// The guard did not hold: the session moved on meanwhile.
    Moved,
    /// The code was another session's by the time it was written.
    CodeTaken(Chosen),
}

async fn write_once(
    db: &Db,
    caller: &AuthUser,
    row: &SessionRow,
    plan: Plan,
) -> ServiceResult<Written> {
    // Guarded by the version read too: a change made meanwhile (a new code,
    // say) is never verified or overwritten unseen.
    let update = plan
        .update
        .col_expr(
            completion::Column::Version,
            Expr::col(completion::Column::Version).add(1),
        )
        .col_expr(completion::Column::UpdatedAt, Expr::value(clock::now()))
        .col_expr(completion::Column::Status, Expr::value(plan.to.status()))
        .col_expr(completion::Column::Review, Expr::value(plan.to.review()))
        .filter(completion::Column::Id.eq(row.id))
        .filter(in_state(row.state()))
        .filter(completion::Column::Version.eq(row.version));
    let txn = begin_write(db).await?;
    if let Some(substitute) = plan.substitute {
        let held = user::Entity::find_by_id(substitute)
            .lock_shared()
            .one(&txn)
            .await?;
        if held.is_none() {
            txn.rollback().await?;
            return Err(no_such_colleague());
        }
    }
    match update.exec(&txn).await {
        Err(err) if violates_unique(&err, "completion_code") && plan.code.is_some() => {
            txn.rollback().await?;
            let (_, chosen) = plan.code.unwrap_or_else(|| unreachable!("checked above"));
            Ok(Written::CodeTaken(chosen))
        }
        Err(err) => Err(err.into()),
        Ok(result) if result.rows_affected != 1 => {
            txn.rollback().await?;
            Ok(Written::Moved)
        }
        Ok(_) => {
            documents::refresh(&txn, Sessions::Ids(vec![row.id])).await?;
            Change {
                actor: Some(caller.id()),
                branch: Some(row.branch_id),
                action: plan.audit,
                entity: Entity::Session,
                entity_id: row.id,
                details: plan.details,
            }
            .record(&txn)
            .await?;
            outbox::events::session_changed(&txn, plan.audit, row, caller).await?;
            txn.commit().await?;
            Ok(Written::Done)
        }
    }
}

/// Inside `txn`, holds the session in the state it was read in until the
/// transaction ends (a write lock on PostgreSQL and MariaDB, the database's
/// on SQLite), for changes to what hangs off it, such as its files. `false`
/// when the state changed since.
pub async fn hold<C: ConnectionTrait>(txn: &C, row: &SessionRow) -> ServiceResult<bool> {
    let held = completion::Entity::update_many()
        .col_expr(completion::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(completion::Column::Id.eq(row.id))
        .filter(in_state(row.state()))
        .exec(txn)
        .await?;
    Ok(held.rows_affected == 1)
}
