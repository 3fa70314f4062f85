//! Single sittings outside a batch's pattern: one moved to another time or
//! day, and a make-up sitting added to a batch.

use chrono::NaiveDate;
use lectern_api_types::batches::{NewSitting, RescheduleRequest};
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::Completion;
use lectern_api_types::time::{ClockTime, date_in_range};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _,
    QueryFilter as _, Set,
};
use serde_json::json;

use super::error::{ConflictKind, violates_unique};
use super::sessions::create::clean;
use super::sessions::search::documents::{self, Sessions};
use super::sessions::{SessionRow, in_scope, reload, select_rows};
use super::{ServiceError, ServiceResult};
use super::{batches, branches, holidays};
use crate::audit::{Action, Change, Entity};
use crate::db::{Db, begin_write};
use crate::domain::schedule::{Sitting, local_instant};
use crate::domain::{AuthUser, BranchTimezone};
use crate::entities::{completion, occurrence};
use crate::{clock, outbox};

/// The sitting on `date` from `start` to `end` in `timezone`, refused on a
/// holiday of the branch or when it ends before it starts.
async fn sitting_on<C: ConnectionTrait>(
    db: &C,
    branch_id: i64,
    timezone: BranchTimezone,
    date: NaiveDate,
    start: ClockTime,
    end: ClockTime,
) -> ServiceResult<Sitting> {
    date_in_range(date).map_err(|why| ServiceError::invalid("date", why))?;
    if end <= start {
        return Err(ServiceError::invalid(
            "end_time",
            "must be after start_time",
        ));
    }
    if let Some(name) = holidays::between(db, branch_id, date, date)
        .await?
        .into_values()
        .next()
    {
        return Err(ServiceError::invalid(
            "date",
            format!("is a holiday of the branch ({name})"),
        ));
    }
    Ok(Sitting {
        date,
        start: local_instant(timezone, date, start.time()),
        end: local_instant(timezone, date, end.time()),
    })
}

fn date_taken() -> ServiceError {
    ServiceError::duplicate(
        "date",
        // One sitting per batch and date, cancelled ones included: they
        // are the record of that day.
        "The batch already has a sitting on that date (pending, held or cancelled); choose another date.",
    )
}

fn taken_or(err: DbErr) -> ServiceError {
    if violates_unique(&err, "date") {
        date_taken()
    } else {
        err.into()
    }
}

/// Adds a make-up sitting to a batch: admins within their scope, or the
/// batch's own teacher. It answers the new pending session.
pub async fn add_make_up(
    db: &Db,
    caller: &AuthUser,
    batch_id: i64,
    new: NewSitting,
) -> ServiceResult<Completion> {
    let branch_id = batches::find_visible(db, caller, batch_id).await?.branch_id;
    let txn = begin_write(db).await?;
    let timezone = branches::hold(&txn, branch_id).await?;
    // Read again under the hold: the batch may have been deleted, or given
    // another teacher, meanwhile.
    let found = batches::find_visible(&txn, caller, batch_id).await?;
    let sitting = sitting_on(
        &txn,
        branch_id,
        timezone,
        new.date,
        new.start_time,
        new.end_time,
    )
    .await?;
    let now = clock::now();
    // The unique index on batch and date refuses a date the batch meets.
    let created = occurrence::ActiveModel {
        batch_id: Set(batch_id),
        date: Set(sitting.date),
        scheduled_start: Set(sitting.start),
        scheduled_end: Set(sitting.end),
        origin_date: Set(None),
        moved: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken_or)?;
    let session = completion::ActiveModel {
        occurrence_id: Set(Some(created.id)),
        batch_id: Set(Some(batch_id)),
        branch_id: Set(found.branch_id),
        user_id: Set(found.faculty_id),
        scheduled_start: Set(sitting.start),
        scheduled_end: Set(sitting.end),
        location_override: Set(clean(new.location)),
        status: Set(CompletionStatus::Pending),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    documents::refresh(&txn, Sessions::Ids(vec![session.id])).await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(found.branch_id),
        action: Action::Create,
        entity: Entity::Session,
        entity_id: session.id,
        details: json!({
            "make_up": true, "batch_id": batch_id, "date": sitting.date,
            "scheduled_start": sitting.start, "scheduled_end": sitting.end,
        }),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    reload(db, caller, session.id).await
}

/// The session of a sitting, if the caller reaches it.
async fn session_of(
    db: &Db,
    caller: &AuthUser,
    occurrence_id: i64,
) -> ServiceResult<(occurrence::Model, SessionRow)> {
    let not_found = || ServiceError::NotFound("sitting");
    let row = select_rows()
        .filter(completion::Column::OccurrenceId.eq(occurrence_id))
        .filter(in_scope(caller))
        .into_model::<SessionRow>()
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let sitting = occurrence::Entity::find_by_id(occurrence_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    Ok((sitting, row))
}

/// Moves one pending sitting to another time, day or room. Later edits of
/// its batch keep the move.
pub async fn reschedule(
    db: &Db,
    caller: &AuthUser,
    occurrence_id: i64,
    request: RescheduleRequest,
) -> ServiceResult<Completion> {
    let (found, row) = session_of(db, caller, occurrence_id).await?;
    if !caller.is_admin() && row.user_id != caller.id() {
        return Err(ServiceError::forbidden(
            "Only the sitting's teacher or an admin may move it.",
        ));
    }
    if row.status != CompletionStatus::Pending {
        return Err(ServiceError::Conflict {
            kind: ConflictKind::InvalidTransition,
            detail: format!(
                "Only a pending sitting can move; this one is {}.",
                row.status.as_str()
            ),
            field: None,
        });
    }
    let date = request.date.unwrap_or(found.date);
    let location = clean(request.location);
    let now = clock::now();
    let txn = begin_write(db).await?;
    // The session's version, checked below, tells whether its batch's edit
    // moved or removed it before the hold.
    let timezone = branches::hold(&txn, row.branch_id).await?;
    let sitting = sitting_on(
        &txn,
        row.branch_id,
        timezone,
        date,
        request.start_time,
        request.end_time,
    )
    .await?;
    let moved = completion::Entity::update_many()
        .col_expr(
            completion::Column::ScheduledStart,
            Expr::value(sitting.start),
        )
        .col_expr(completion::Column::ScheduledEnd, Expr::value(sitting.end))
        .col_expr(
            completion::Column::LocationOverride,
            Expr::value(location.clone()),
        )
        .col_expr(
            completion::Column::Version,
            Expr::col(completion::Column::Version).add(1),
        )
        .col_expr(completion::Column::UpdatedAt, Expr::value(now))
        .filter(completion::Column::Id.eq(row.id))
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .filter(completion::Column::Version.eq(row.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ServiceError::Conflict {
            kind: ConflictKind::StaleVersion,
            detail: "The session changed while it was being moved. Reload and try again.".into(),
            field: None,
        });
    }
    occurrence::Entity::update_many()
        .col_expr(occurrence::Column::Date, Expr::value(sitting.date))
        .col_expr(
            occurrence::Column::ScheduledStart,
            Expr::value(sitting.start),
        )
        .col_expr(occurrence::Column::ScheduledEnd, Expr::value(sitting.end))
        .col_expr(occurrence::Column::Moved, Expr::value(true))
        .col_expr(occurrence::Column::UpdatedAt, Expr::value(now))
        .filter(occurrence::Column::Id.eq(occurrence_id))
        // The unique index on batch and date refuses a date already met.
        .exec(&txn)
        .await
        .map_err(taken_or)?;
    documents::refresh(&txn, Sessions::Ids(vec![row.id])).await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(row.branch_id),
        action: Action::Reschedule,
        entity: Entity::Session,
        entity_id: row.id,
        details: json!({
            "from": {"date": found.date, "scheduled_start": row.scheduled_start, "scheduled_end": row.scheduled_end},
            "to": {"date": sitting.date, "scheduled_start": sitting.start, "scheduled_end": sitting.end},
            "location": location,
        }),
    }
    .record(&txn)
    .await?;
    outbox::events::session_changed(&txn, Action::Reschedule, &row, caller).await?;
    txn.commit().await?;
    reload(db, caller, row.id).await
}
