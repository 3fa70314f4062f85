//! Changing sessions: ad-hoc creation, edits under optimistic locking, and
//! the complete, cancel and verify transitions.
//!
//! Every write is a conditional `UPDATE … WHERE status = … [AND version = …]`,
//! so of two racing requests exactly one changes the row and the other is
//! told why it lost.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use lectern_api_types::codes::CompletionCode;
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{
    CancelRequest, CompleteRequest, Completion, CompletionPatch, NewCompletion, VerifyRequest,
};
use lectern_api_types::time::TimeInput;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, Set, TransactionTrait as _, UpdateMany,
};
use serde_json::{Map, Value, json};

use super::codes::{self, ATTEMPTS};
use super::{SessionRow, State, find_visible, reload};
use crate::audit::{Action, Change, Entity};
use crate::clock;
use crate::domain::completion_code;
use crate::domain::schedule::local_instant;
use crate::domain::{AuthUser, BranchTimezone, Scope};
use crate::entities::{completion, user};
use crate::services::error::{ConflictKind, violates_unique};
use crate::services::{ServiceError, ServiceResult};

/// The longest a session may last.
const MAX_SESSION: Duration = Duration::hours(24);
/// How far in the future an actual end may be, for clocks a little ahead.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// A move of the state machine, and the rule that admits it.
struct Transition {
    action: Action,
    to: &'static str,
    rule: &'static str,
}

const COMPLETE: Transition = Transition {
    action: Action::Complete,
    to: "completed",
    rule: "only pending sessions can be completed",
};
const CANCEL: Transition = Transition {
    action: Action::Cancel,
    to: "cancelled",
    rule: "only pending sessions can be cancelled",
};
const VERIFY: Transition = Transition {
    action: Action::Verify,
    to: "verified",
    rule: "only completed sessions not yet verified can be verified",
};

fn refused(from: State, transition: &Transition) -> ServiceError {
    ServiceError::Conflict {
        kind: ConflictKind::InvalidTransition,
        detail: format!(
            "The transition {} → {} is refused: {}.",
            from.as_str(),
            transition.to,
            transition.rule
        ),
        field: None,
    }
}

fn not_now(detail: String) -> ServiceError {
    ServiceError::Conflict {
        kind: ConflictKind::InvalidTransition,
        detail,
        field: None,
    }
}

fn stale(current: i32) -> ServiceError {
    ServiceError::Conflict {
        kind: ConflictKind::StaleVersion,
        detail: format!(
            "The session changed since you loaded it; it is now at version {current}. Reload and try again."
        ),
        field: Some("version"),
    }
}

fn code_taken(code: &CompletionCode) -> ServiceError {
    ServiceError::duplicate(
        "completion_code",
        format!("{code} is already used by another session."),
    )
}

fn parse_code(raw: &str) -> ServiceResult<CompletionCode> {
    CompletionCode::parse(raw)
        .map_err(|err| ServiceError::invalid("completion_code", err.to_string()))
}

/// The instant a time a person entered stands for on the session's date.
fn resolve(input: TimeInput, timezone: BranchTimezone, date: NaiveDate) -> DateTime<Utc> {
    match input {
        TimeInput::Clock(time) => local_instant(timezone, date, time),
        TimeInput::Instant(at) => at.with_timezone(&Utc),
    }
}

/// Actual start and end from what was entered: end after start, at most a
/// day apart. Two clock times with the end before the start describe a
/// class that ran past midnight.
fn actual_span(
    start: TimeInput,
    end: TimeInput,
    timezone: BranchTimezone,
    date: NaiveDate,
) -> ServiceResult<(DateTime<Utc>, DateTime<Utc>)> {
    let start_at = resolve(start, timezone, date);
    let mut end_at = resolve(end, timezone, date);
    if matches!((start, end), (TimeInput::Clock(_), TimeInput::Clock(_))) && end_at <= start_at {
        end_at = resolve(end, timezone, date + Duration::days(1));
    }
    check_span(start_at, end_at, "actual_end_time", "actual_start_time")?;
    not_in_future(end_at)?;
    Ok((start_at, end_at))
}

/// A session can be recorded only once it has happened.
fn not_in_future(end: DateTime<Utc>) -> ServiceResult<()> {
    if end > clock::now() + CLOCK_SKEW {
        return Err(ServiceError::invalid(
            "actual_end_time",
            "is in the future; record a session once it has ended",
        ));
    }
    Ok(())
}

fn check_span(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    end_field: &str,
    start_field: &str,
) -> ServiceResult<()> {
    if end <= start {
        return Err(ServiceError::invalid(
            end_field,
            format!("must be after {start_field}"),
        ));
    }
    if end - start > MAX_SESSION {
        return Err(ServiceError::invalid(
            end_field,
            "a session lasts at most 24 hours",
        ));
    }
    Ok(())
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// `UPDATE` of one session that also bumps its version and `updated_at`.
fn update_of(id: i64) -> UpdateMany<completion::Entity> {
    completion::Entity::update_many()
        .col_expr(
            completion::Column::Version,
            Expr::col(completion::Column::Version).add(1),
        )
        .col_expr(completion::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(completion::Column::Id.eq(id))
}

fn record(caller: &AuthUser, row: &SessionRow, action: Action, details: Value) -> Change {
    Change {
        actor: Some(caller.id()),
        branch: Some(row.branch_id),
        action,
        entity: Entity::Session,
        entity_id: row.id,
        details,
    }
}

/// Creates an ad-hoc session: one held outside any batch.
pub async fn create(
    db: &DatabaseConnection,
    caller: &AuthUser,
    new: NewCompletion,
) -> ServiceResult<Completion> {
    let owner_id = new.user_id.unwrap_or(caller.id());
    if !caller.is_admin() && owner_id != caller.id() {
        return Err(ServiceError::forbidden(
            "You can only create your own sessions.",
        ));
    }
    let owner = user::Entity::find_by_id(owner_id)
        .one(db)
        .await?
        .filter(|owner| match caller.scope() {
            Scope::Everything => true,
            Scope::Branch(branch) => owner.branch_id == Some(branch),
            Scope::Own { user_id, .. } => owner.id == user_id,
        });
    let Some(owner) = owner else {
        return Err(ServiceError::invalid("user_id", "no such staff member"));
    };
    let Some(branch_id) = owner.branch_id else {
        return Err(ServiceError::invalid(
            "user_id",
            "super admins run no sessions; name a staff member",
        ));
    };
    if !owner.active {
        return Err(ServiceError::invalid(
            "user_id",
            "this account is deactivated",
        ));
    }
    check_span(
        new.scheduled_start,
        new.scheduled_end,
        "scheduled_end",
        "scheduled_start",
    )?;

    let now = clock::now();
    let title = new.title.trim().to_owned();
    let txn = db.begin().await?;
    let created = completion::ActiveModel {
        branch_id: Set(branch_id),
        user_id: Set(owner.id),
        title: Set(Some(title.clone())),
        scheduled_start: Set(new.scheduled_start),
        scheduled_end: Set(new.scheduled_end),
        notes: Set(clean(new.notes)),
        status: Set(CompletionStatus::Pending),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(branch_id),
        action: Action::Create,
        entity: Entity::Session,
        entity_id: created.id,
        details: json!({
            "title": title, "user_id": owner.id,
            "scheduled_start": created.scheduled_start, "scheduled_end": created.scheduled_end,
        }),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    reload(db, caller, created.id).await
}

/// Edits what the session's state allows: the title and schedule of a
/// pending ad-hoc session, the actual times and code of a completed one
/// not yet verified, and the notes of any. `version` must be current.
pub async fn update(
    db: &DatabaseConnection,
    caller: &AuthUser,
    id: i64,
    patch: CompletionPatch,
) -> ServiceResult<Completion> {
    let row = find_visible(db, caller, id).await?;
    if row.version != patch.version {
        return Err(stale(row.version));
    }
    let state = row.state();
    let mut changes = Map::new();
    let mut update = update_of(id).filter(completion::Column::Version.eq(patch.version));

    let schedule_change =
        patch.title.is_some() || patch.scheduled_start.is_some() || patch.scheduled_end.is_some();
    if schedule_change {
        if row.occurrence_id.is_some() {
            return Err(not_now(
                "A batch session's title and schedule come from its batch; change the batch instead.".into(),
            ));
        }
        if state != State::Pending {
            return Err(not_now(format!(
                "The schedule of a {} session cannot change.",
                state.as_str()
            )));
        }
        let start = patch.scheduled_start.unwrap_or(row.scheduled_start);
        let end = patch.scheduled_end.unwrap_or(row.scheduled_end);
        check_span(start, end, "scheduled_end", "scheduled_start")?;
        if let Some(title) = patch.title.map(|t| t.trim().to_owned()) {
            changes.insert("title".into(), json!({"from": row.title, "to": title}));
            update = update.col_expr(completion::Column::Title, Expr::value(title));
        }
        if start != row.scheduled_start || end != row.scheduled_end {
            changes.insert(
                "scheduled_start".into(),
                json!({"from": row.scheduled_start, "to": start}),
            );
            changes.insert(
                "scheduled_end".into(),
                json!({"from": row.scheduled_end, "to": end}),
            );
            update = update
                .col_expr(completion::Column::ScheduledStart, Expr::value(start))
                .col_expr(completion::Column::ScheduledEnd, Expr::value(end));
        }
    }

    let record_change = patch.actual_start_time.is_some()
        || patch.actual_end_time.is_some()
        || patch.completion_code.is_some();
    let mut new_code = None;
    if record_change {
        if state != State::Completed {
            return Err(not_now(format!(
                "Actual times and the code can change only on a completed session not yet verified; this one is {}.",
                state.as_str()
            )));
        }
        let timezone = row.timezone()?;
        let date = row.local_date()?;
        let start = patch
            .actual_start_time
            .map(|input| resolve(input, timezone, date))
            .or(row.actual_start)
            .unwrap_or(row.scheduled_start);
        let end = match patch.actual_end_time {
            Some(end) => {
                actual_span(
                    TimeInput::Instant(start.fixed_offset()),
                    end,
                    timezone,
                    date,
                )?
                .1
            }
            None => row.actual_end.unwrap_or(row.scheduled_end),
        };
        check_span(start, end, "actual_end_time", "actual_start_time")?;
        not_in_future(end)?;
        if Some(start) != row.actual_start || Some(end) != row.actual_end {
            changes.insert(
                "actual_start".into(),
                json!({"from": row.actual_start, "to": start}),
            );
            changes.insert(
                "actual_end".into(),
                json!({"from": row.actual_end, "to": end}),
            );
            update = update
                .col_expr(completion::Column::ActualStart, Expr::value(start))
                .col_expr(completion::Column::ActualEnd, Expr::value(end));
        }
        let code = patch
            .completion_code
            .as_deref()
            .map(parse_code)
            .transpose()?;
        if let Some(code) =
            code.filter(|code| row.completion_code.as_deref() != Some(code.as_str()))
        {
            changes.insert(
                "completion_code".into(),
                json!({"from": row.completion_code, "to": code.as_str()}),
            );
            update = update.col_expr(
                completion::Column::CompletionCode,
                Expr::value(code.as_str()),
            );
            new_code = Some(code);
        }
    }

    if let Some(notes) = patch.notes.map(clean).filter(|notes| *notes != row.notes) {
        changes.insert("notes".into(), json!({"from": row.notes, "to": notes}));
        update = update.col_expr(completion::Column::Notes, Expr::value(notes));
    }

    if changes.is_empty() {
        return reload(db, caller, id).await;
    }
    let txn = db.begin().await?;
    let result = update.exec(&txn).await.map_err(|err| match &new_code {
        Some(code) if violates_unique(&err, "completion_code") => code_taken(code),
        _ => err.into(),
    })?;
    if result.rows_affected != 1 {
        txn.rollback().await?;
        let current = find_visible(db, caller, id).await?;
        return Err(stale(current.version));
    }
    record(caller, &row, Action::Update, changes.into())
        .record(&txn)
        .await?;
    txn.commit().await?;
    reload(db, caller, id).await
}

/// Marks a pending session held. Without a code the server makes one,
/// drawing again if it collides; a code the client chose that is taken is
/// a 409.
pub async fn complete(
    db: &DatabaseConnection,
    caller: &AuthUser,
    id: i64,
    request: CompleteRequest,
) -> ServiceResult<Completion> {
    let row = find_visible(db, caller, id).await?;
    if row.state() != State::Pending {
        return Err(refused(row.state(), &COMPLETE));
    }
    let timezone = row.timezone()?;
    let date = row.local_date()?;
    let (start, end) = actual_span(
        request.actual_start_time,
        request.actual_end_time,
        timezone,
        date,
    )?;
    let chosen = request
        .completion_code
        .as_deref()
        .map(parse_code)
        .transpose()?;
    let (prefix, code_date) = codes::prefix_and_date(&row)?;
    let notes = clean(request.notes);

    for _ in 0..ATTEMPTS {
        let code = chosen
            .clone()
            .unwrap_or_else(|| completion_code::generate(&prefix, code_date, &mut rand::rng()));
        let mut update = update_of(id)
            .filter(completion::Column::Status.eq(CompletionStatus::Pending))
            .col_expr(
                completion::Column::Status,
                Expr::value(CompletionStatus::Completed),
            )
            .col_expr(completion::Column::ActualStart, Expr::value(start))
            .col_expr(completion::Column::ActualEnd, Expr::value(end))
            .col_expr(
                completion::Column::CompletionCode,
                Expr::value(code.as_str()),
            )
            .col_expr(completion::Column::CompletedAt, Expr::value(clock::now()));
        if let Some(notes) = &notes {
            update = update.col_expr(completion::Column::Notes, Expr::value(notes.clone()));
        }
        let details = json!({
            "actual_start": start, "actual_end": end, "completion_code": code.as_str(),
            "generated": chosen.is_none(),
        });
        match complete_once(db, caller, &row, update, details).await {
            Ok(Some(done)) => return Ok(done),
            Ok(None) if chosen.is_some() => return Err(code_taken(&code)),
            Ok(None) => {}
            Err(ServiceError::Busy) => still_in(db, caller, &row, &COMPLETE).await?,
            Err(err) => return Err(err),
        }
    }
    Err(ServiceError::Internal(anyhow::anyhow!(
        "no free completion code for session {id} after {ATTEMPTS} draws"
    )))
}

/// One try at completing: `None` when the code drawn was taken.
async fn complete_once(
    db: &DatabaseConnection,
    caller: &AuthUser,
    row: &SessionRow,
    update: UpdateMany<completion::Entity>,
    details: Value,
) -> ServiceResult<Option<Completion>> {
    let txn = db.begin().await?;
    match update.exec(&txn).await {
        Err(err) if violates_unique(&err, "completion_code") => {
            txn.rollback().await?;
            Ok(None)
        }
        Err(err) => Err(err.into()),
        Ok(result) if result.rows_affected != 1 => {
            txn.rollback().await?;
            let now = find_visible(db, caller, row.id).await?;
            Err(refused(now.state(), &COMPLETE))
        }
        Ok(_) => {
            record(caller, row, COMPLETE.action, details)
                .record(&txn)
                .await?;
            txn.commit().await?;
            reload(db, caller, row.id).await.map(Some)
        }
    }
}

/// After the database broke a deadlock between changes to `row` (MySQL
/// does when several arrive at once): if another change moved the session
/// on, this one lost the race like any other; if not, it may try again.
async fn still_in(
    db: &DatabaseConnection,
    caller: &AuthUser,
    row: &SessionRow,
    transition: &Transition,
) -> ServiceResult<()> {
    let now = find_visible(db, caller, row.id).await?;
    if now.state() == row.state() {
        Ok(())
    } else {
        Err(refused(now.state(), transition))
    }
}

/// Marks a pending session as not held, with the reason why.
pub async fn cancel(
    db: &DatabaseConnection,
    caller: &AuthUser,
    id: i64,
    request: CancelRequest,
) -> ServiceResult<Completion> {
    let row = find_visible(db, caller, id).await?;
    if row.state() != State::Pending {
        return Err(refused(row.state(), &CANCEL));
    }
    let reason = request.reason.trim().to_owned();
    let update = update_of(id)
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .col_expr(
            completion::Column::Status,
            Expr::value(CompletionStatus::Cancelled),
        )
        .col_expr(
            completion::Column::CancelReason,
            Expr::value(reason.clone()),
        )
        .col_expr(completion::Column::CancelledAt, Expr::value(clock::now()));
    transition(db, caller, &row, update, &CANCEL, json!({"reason": reason})).await
}

/// An admin confirms the code the owner recorded; who and when are kept.
pub async fn verify(
    db: &DatabaseConnection,
    caller: &AuthUser,
    id: i64,
    request: VerifyRequest,
) -> ServiceResult<Completion> {
    let row = find_visible(db, caller, id).await?;
    if !caller.is_admin() {
        return Err(ServiceError::forbidden(
            "Only admins verify completion codes.",
        ));
    }
    if row.user_id == caller.id() {
        return Err(ServiceError::forbidden(
            "Someone other than the session's owner must verify it.",
        ));
    }
    if row.state() != State::Completed {
        return Err(refused(row.state(), &VERIFY));
    }
    let code = parse_code(&request.completion_code)?;
    if row.completion_code.as_deref() != Some(code.as_str()) {
        return Err(ServiceError::invalid(
            "completion_code",
            "does not match the session's code",
        ));
    }
    let update = update_of(id)
        .filter(completion::Column::Status.eq(CompletionStatus::Completed))
        .filter(completion::Column::VerifiedAt.is_null())
        .filter(completion::Column::CompletionCode.eq(code.as_str()))
        .col_expr(completion::Column::VerifiedAt, Expr::value(clock::now()))
        .col_expr(completion::Column::VerifiedBy, Expr::value(caller.id()));
    let details = json!({"completion_code": code.as_str()});
    transition(db, caller, &row, update, &VERIFY, details).await
}

/// Runs a guarded transition; when the guard no longer holds, someone else
/// changed the session first and the refusal says what it now is.
async fn transition(
    db: &DatabaseConnection,
    caller: &AuthUser,
    row: &SessionRow,
    update: UpdateMany<completion::Entity>,
    transition: &Transition,
    details: Value,
) -> ServiceResult<Completion> {
    for _ in 0..ATTEMPTS {
        match transition_once(db, caller, row, update.clone(), transition, details.clone()).await {
            Err(ServiceError::Busy) => still_in(db, caller, row, transition).await?,
            other => return other,
        }
    }
    Err(ServiceError::Busy)
}

async fn transition_once(
    db: &DatabaseConnection,
    caller: &AuthUser,
    row: &SessionRow,
    update: UpdateMany<completion::Entity>,
    transition: &Transition,
    details: Value,
) -> ServiceResult<Completion> {
    let txn = db.begin().await?;
    let result = update.exec(&txn).await?;
    if result.rows_affected != 1 {
        txn.rollback().await?;
        let now = find_visible(db, caller, row.id).await?;
        return Err(refused(now.state(), transition));
    }
    record(caller, row, transition.action, details)
        .record(&txn)
        .await?;
    txn.commit().await?;
    reload(db, caller, row.id).await
}
