//! Batches: admins manage them within their scope; staff see the batches
//! they teach. Writing a batch writes its sessions in the same transaction.

use lectern_api_types::batches::{
    Batch, BatchPatch, BatchQuery, FieldError, NewBatch, PreviewSitting, SchedulePreview,
    SchedulePreviewRequest, ScheduleSpec, Slot,
};
use lectern_api_types::schedule::{CompletionStatus, Weekday};
use lectern_api_types::time::ClockTime;
use lectern_api_types::{Page, Role};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, Set,
};
use serde_json::json;

use super::error::violates_unique;
use super::schedule::{self, with_content};
use super::sessions::create::clean;
use super::sessions::search::documents::{self, Sessions};
use super::users::contains_pattern;
use super::{ServiceError, ServiceResult};
use super::{branches, holidays};
use crate::audit::{Action, Change, Entity};
use crate::db::{Db, begin_write};
use crate::domain::schedule::{
    Columns, Template, TemplateError, check_sent_rule, slots_of, stored_spec,
};
use crate::domain::{AuthUser, BranchTimezone, Scope};
use crate::entities::{batch, branch, completion, occurrence, user};
use crate::{clock, pagination};

/// The schedule a batch row keeps.
pub(crate) fn spec_of(model: &batch::Model) -> ScheduleSpec {
    stored_spec(
        model.weekdays,
        model.start_time,
        model.end_time,
        model.slots.as_deref(),
        model.rrule.as_deref(),
    )
}

impl From<batch::Model> for Batch {
    fn from(model: batch::Model) -> Self {
        let slots = slots_of(&spec_of(&model));
        Batch {
            id: model.id,
            code: model.code,
            name: model.name,
            branch_id: model.branch_id,
            faculty_id: model.faculty_id,
            start_date: model.start_date,
            end_date: model.end_date,
            weekdays: model.weekdays,
            start_time: ClockTime::new(model.start_time),
            end_time: ClockTime::new(model.end_time),
            location: model.location,
            slots,
            rrule: model.rrule,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

fn in_scope(caller: &AuthUser) -> Condition {
    match caller.scope() {
        Scope::Everything => Condition::all(),
        Scope::Branch(branch) => Condition::all().add(batch::Column::BranchId.eq(branch)),
        Scope::Own { user_id, .. } => Condition::all().add(batch::Column::FacultyId.eq(user_id)),
    }
}

pub async fn list(db: &Db, caller: &AuthUser, query: BatchQuery) -> ServiceResult<Page<Batch>> {
    let mut condition = in_scope(caller);
    if let Some(branch_id) = query.branch_id {
        condition = condition.add(batch::Column::BranchId.eq(branch_id));
    }
    if let Some(faculty_id) = query.faculty_id {
        condition = condition.add(batch::Column::FacultyId.eq(faculty_id));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        condition = condition.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(batch::Column::Name)))
                        .like(contains_pattern(q)),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(batch::Column::Code)))
                        .like(contains_pattern(q)),
                ),
        );
    }
    if let Some(cursor) = &query.cursor {
        let after: i64 = pagination::decode(cursor)?;
        condition = condition.add(batch::Column::Id.gt(after));
    }
    let limit = pagination::limit(query.limit);
    let rows = batch::Entity::find()
        .filter(condition)
        .order_by_asc(batch::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(pagination::page(rows, limit, |row| row.id, Batch::from))
}

pub(crate) async fn find_visible<C: ConnectionTrait>(
    db: &C,
    caller: &AuthUser,
    id: i64,
) -> ServiceResult<batch::Model> {
    batch::Entity::find_by_id(id)
        .filter(in_scope(caller))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("batch"))
}

pub async fn get(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<Batch> {
    find_visible(db, caller, id).await.map(Batch::from)
}

fn require_admin(caller: &AuthUser) -> ServiceResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ServiceError::forbidden("Only admins manage batches."))
    }
}

/// The staff member who will teach in `branch_id`: active faculty or an
/// employee of that branch.
async fn teacher<C: ConnectionTrait>(
    db: &C,
    faculty_id: i64,
    branch_id: i64,
) -> ServiceResult<user::Model> {
    // Shared until the batch commits: a move of the teacher to another
    // branch waits, then sees this batch as theirs.
    let found = user::Entity::find_by_id(faculty_id)
        .lock_shared()
        .one(db)
        .await?;
    match found {
        Some(found)
            if found.branch_id == Some(branch_id)
                && matches!(found.role, Role::Faculty | Role::Employee) =>
        {
            if found.active {
                Ok(found)
            } else {
                Err(ServiceError::invalid(
                    "faculty_id",
                    "this account is deactivated",
                ))
            }
        }
        _ => Err(ServiceError::invalid(
            "faculty_id",
            "no such faculty member or employee in the batch's branch",
        )),
    }
}

async fn branch_timezone<C: ConnectionTrait>(
    db: &C,
    branch_id: i64,
) -> ServiceResult<BranchTimezone> {
    branch::Entity::find_by_id(branch_id)
        .one(db)
        .await?
        .and_then(|branch| BranchTimezone::parse(&branch.timezone))
        .ok_or_else(|| ServiceError::invalid("branch_id", "no such branch"))
}

impl From<TemplateError> for ServiceError {
    fn from(err: TemplateError) -> Self {
        ServiceError::invalid(err.field(), err.message())
    }
}

/// The field a schedule error on `slots` belongs to for `patch`. A patch of
/// weekdays or times is applied to the batch's per-day slots, whose errors
/// name `slots`, a field the client never sent.
fn slots_as_sent(patch: &BatchPatch) -> &'static str {
    if patch.slots.is_some() {
        "slots"
    } else if patch.weekdays.is_some_and(|days| days.is_empty()) {
        "weekdays"
    } else if patch.end_time.is_some() || patch.start_time.is_none() {
        "end_time"
    } else {
        "start_time"
    }
}

fn refused((field, message): FieldError) -> ServiceError {
    ServiceError::invalid(field, message)
}

/// Refuses what a schedule a client sends may not hold beyond what a
/// stored one is read with.
fn sent(spec: &ScheduleSpec) -> ServiceResult<()> {
    if let ScheduleSpec::Rule { rrule, .. } = spec {
        check_sent_rule(rrule)?;
    }
    Ok(())
}

/// The schedule of `model` with its branch's holidays, ready to generate.
pub(crate) async fn template_of<C: ConnectionTrait>(
    db: &C,
    model: &batch::Model,
    timezone: BranchTimezone,
) -> ServiceResult<Template> {
    let template = Template::new(model.start_date, model.end_date, spec_of(model), timezone)?;
    let holidays = holidays::between(db, model.branch_id, model.start_date, model.end_date).await?;
    Ok(template.with_holidays(holidays))
}

/// The schedule a PATCH leaves: `slots` or `rrule` replace it; weekdays
/// and times change the weekday form (a day kept keeps its own times
/// unless times are sent, a day added takes the times sent or the
/// batch's); times alone change a rule's times.
fn patched_spec(existing: &batch::Model, patch: &BatchPatch) -> Result<ScheduleSpec, FieldError> {
    const MIXED: &str = "send slots alone, or rrule with the times, or weekdays with the times";
    if let Some(slots) = &patch.slots {
        if patch.weekdays.is_some()
            || patch.start_time.is_some()
            || patch.end_time.is_some()
            || patch.rrule.is_some()
        {
            return Err(("slots", MIXED));
        }
        return Ok(ScheduleSpec::Slots(slots.clone()));
    }
    let current = spec_of(existing);
    // The weekday columns keep the first slot's times, or the rule's.
    let (first_start, first_end) = (
        ClockTime::new(existing.start_time),
        ClockTime::new(existing.end_time),
    );
    let start = patch.start_time.unwrap_or(first_start);
    let end = patch.end_time.unwrap_or(first_end);
    match (&patch.rrule, &current) {
        (Some(Some(rrule)), _) => {
            if patch.weekdays.is_some() {
                return Err(("weekdays", MIXED));
            }
            Ok(ScheduleSpec::Rule {
                rrule: rrule.clone(),
                start_time: start,
                end_time: end,
            })
        }
        (None, ScheduleSpec::Rule { rrule, .. }) => {
            if patch.weekdays.is_some() {
                return Err((
                    "weekdays",
                    "this batch follows a rule: send rrule: null to meet on weekdays instead",
                ));
            }
            Ok(ScheduleSpec::Rule {
                rrule: rrule.clone(),
                start_time: start,
                end_time: end,
            })
        }
        (Some(None), ScheduleSpec::Rule { .. }) => Ok(ScheduleSpec::Weekdays {
            weekdays: patch
                .weekdays
                .ok_or(("weekdays", "is required to leave a rule for weekdays"))?,
            start_time: start,
            end_time: end,
        }),
        (_, current) => {
            let days: Vec<Weekday> = match patch.weekdays {
                Some(days) => days.iter().collect(),
                None => slots_of(current).iter().map(|slot| slot.weekday).collect(),
            };
            let own = slots_of(current);
            Ok(ScheduleSpec::Slots(
                days.into_iter()
                    .map(|weekday| {
                        let kept = own.iter().find(|slot| slot.weekday == weekday);
                        Slot {
                            weekday,
                            start_time: patch
                                .start_time
                                .or(kept.map(|slot| slot.start_time))
                                .unwrap_or(first_start),
                            end_time: patch
                                .end_time
                                .or(kept.map(|slot| slot.end_time))
                                .unwrap_or(first_end),
                        }
                    })
                    .collect(),
            ))
        }
    }
}

/// The branch a new batch or a preview belongs to: the one named, the
/// caller's, or the teacher's.
async fn branch_for(
    db: &Db,
    caller: &AuthUser,
    named: Option<i64>,
    faculty_id: Option<i64>,
) -> ServiceResult<i64> {
    if let Some(branch_id) = named.or(caller.branch_id()) {
        return Ok(branch_id);
    }
    let teacher = match faculty_id {
        Some(id) => user::Entity::find_by_id(id).one(db).await?,
        None => return Err(ServiceError::invalid("branch_id", "is required")),
    };
    teacher
        .and_then(|found| found.branch_id)
        .ok_or_else(|| ServiceError::invalid("faculty_id", "no such faculty member or employee"))
}

/// The sittings a schedule would generate, holidays marked, before it is
/// saved (admins).
pub async fn preview(
    db: &Db,
    caller: &AuthUser,
    request: SchedulePreviewRequest,
) -> ServiceResult<SchedulePreview> {
    require_admin(caller)?;
    let branch_id = branch_for(db, caller, request.branch_id, request.faculty_id).await?;
    if !caller.sees_branch(branch_id) {
        return Err(ServiceError::invalid("branch_id", "no such branch"));
    }
    let timezone = branch_timezone(db, branch_id).await?;
    let spec = request.schedule().map_err(refused)?;
    sent(&spec)?;
    let template = Template::new(request.start_date, request.end_date, spec, timezone)?
        .with_holidays(
            holidays::between(db, branch_id, request.start_date, request.end_date).await?,
        );
    let sittings: Vec<PreviewSitting> = template
        .dates()
        .map(|(sitting, span, holiday)| PreviewSitting {
            date: sitting.date,
            weekday: Weekday::from(chrono::Datelike::weekday(&sitting.date)),
            start_time: ClockTime::new(span.start),
            end_time: ClockTime::new(span.end),
            scheduled_start: sitting.start,
            scheduled_end: sitting.end,
            holiday: holiday.map(str::to_owned),
        })
        .collect();
    Ok(SchedulePreview {
        generated: sittings.iter().filter(|s| s.holiday.is_none()).count(),
        sittings,
    })
}

/// Batch codes are unique across the institute: the answer does not say
/// which branch's batch holds the code, nor repeat it.
fn code_taken() -> ServiceError {
    ServiceError::duplicate("code", "This batch code cannot be used: choose another.")
}

pub async fn create(db: &Db, caller: &AuthUser, new: NewBatch) -> ServiceResult<Batch> {
    require_admin(caller)?;
    let spec = new.schedule().map_err(refused)?;
    sent(&spec)?;
    let code = new.code;
    let branch_id = branch_for(db, caller, new.branch_id, Some(new.faculty_id)).await?;
    // Another branch is one this admin cannot see: no such branch, as the
    // preview says.
    if !caller.sees_branch(branch_id) {
        return Err(ServiceError::invalid("branch_id", "no such branch"));
    }
    let txn = begin_write(db).await?;
    let timezone = branches::hold(&txn, branch_id)
        .await
        .map_err(|err| match err {
            ServiceError::NotFound(_) => ServiceError::invalid("branch_id", "no such branch"),
            err => err,
        })?;
    teacher(&txn, new.faculty_id, branch_id).await?;
    let template = Template::new(new.start_date, new.end_date, spec, timezone)?;
    let Columns {
        weekdays,
        start_time,
        end_time,
        slots,
        rrule,
    } = template.columns();
    let now = clock::now();
    let model = batch::ActiveModel {
        code: Set(code.to_string()),
        name: Set(new.name.into()),
        branch_id: Set(branch_id),
        faculty_id: Set(new.faculty_id),
        start_date: Set(new.start_date),
        end_date: Set(new.end_date),
        weekdays: Set(weekdays),
        start_time: Set(start_time),
        end_time: Set(end_time),
        slots: Set(slots),
        rrule: Set(rrule),
        location: Set(clean(new.location)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let created = model.insert(&txn).await.map_err(|err| {
        if violates_unique(&err, "code") {
            code_taken()
        } else {
            err.into()
        }
    })?;
    let template = template
        .with_holidays(holidays::between(&txn, branch_id, new.start_date, new.end_date).await?);
    let added = schedule::add_missing(&txn, &created, &template).await?;
    documents::refresh(&txn, Sessions::OfBatch(created.id)).await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(branch_id),
        action: Action::Create,
        entity: Entity::Batch,
        entity_id: created.id,
        details: json!({"batch": Batch::from(created.clone()), "sessions_added": added}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(created.into())
}

pub async fn update(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    patch: BatchPatch,
) -> ServiceResult<Batch> {
    let branch_id = find_visible(db, caller, id).await?.branch_id;
    require_admin(caller)?;
    let txn = begin_write(db).await?;
    let timezone = branches::hold(&txn, branch_id).await?;
    // Read under the batch's lock, held to the commit: two changes of one
    // batch take turns, and the second applies to what the first wrote
    // rather than writing back the fields the first had changed.
    let existing = batch::Entity::find_by_id(id)
        .filter(in_scope(caller))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("batch"))?;
    // The batch editor sends the rule it shows with every save; only a
    // new one is checked, so a rule stored before the checks can still be
    // saved again unchanged.
    if let Some(Some(rrule)) = &patch.rrule
        && existing.rrule.as_deref().map(str::trim) != Some(rrule.trim())
    {
        check_sent_rule(rrule)?;
    }
    let spec = patched_spec(&existing, &patch).map_err(refused)?;
    let slots_field = slots_as_sent(&patch);
    let code = patch.code;
    let mut next = existing.clone();
    if let Some(code) = &code {
        next.code = code.to_string();
    }
    if let Some(name) = patch.name {
        next.name = name.into();
    }
    if let Some(faculty_id) = patch.faculty_id {
        next.faculty_id = faculty_id;
    }
    next.start_date = patch.start_date.unwrap_or(next.start_date);
    next.end_date = patch.end_date.unwrap_or(next.end_date);
    let columns = Template::new(next.start_date, next.end_date, spec, timezone)
        .map_err(|err| match err.field() {
            "slots" => ServiceError::invalid(slots_field, err.message()),
            _ => err.into(),
        })?
        .columns();
    next.weekdays = columns.weekdays;
    next.start_time = columns.start_time;
    next.end_time = columns.end_time;
    next.slots = columns.slots;
    next.rrule = columns.rrule;
    if let Some(location) = patch.location {
        next.location = clean(location);
    }
    if next == existing {
        return Ok(existing.into());
    }
    if next.faculty_id != existing.faculty_id {
        teacher(&txn, next.faculty_id, next.branch_id).await?;
    }
    next.updated_at = clock::now();

    let before = Batch::from(existing.clone());
    let after = Batch::from(next.clone());
    let mut model: batch::ActiveModel = existing.into();
    model.code = Set(next.code.clone());
    model.name = Set(next.name.clone());
    model.faculty_id = Set(next.faculty_id);
    model.start_date = Set(next.start_date);
    model.end_date = Set(next.end_date);
    model.weekdays = Set(next.weekdays);
    model.start_time = Set(next.start_time);
    model.end_time = Set(next.end_time);
    model.slots = Set(next.slots.clone());
    model.rrule = Set(next.rrule.clone());
    model.location = Set(next.location.clone());
    model.updated_at = Set(next.updated_at);

    let updated = model.update(&txn).await.map_err(|err| {
        if violates_unique(&err, "code") {
            code_taken()
        } else {
            err.into()
        }
    })?;
    let template = template_of(&txn, &updated, timezone).await?;
    let synced = schedule::sync(&txn, &updated, &template).await?;
    // Its code, name or teacher may have changed: all are searched.
    documents::refresh(&txn, Sessions::OfBatch(id)).await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(updated.branch_id),
        action: Action::Update,
        entity: Entity::Batch,
        entity_id: id,
        details: json!({"from": before, "to": after, "sessions": synced}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(updated.into())
}

/// Deletes a batch whose sessions hold nothing yet: none completed or
/// cancelled, none with notes or files. Otherwise it is history, and 409.
pub async fn delete(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<()> {
    let existing = find_visible(db, caller, id).await?;
    require_admin(caller)?;
    let in_use = || {
        ServiceError::in_use(
            "The batch has sessions with a record (completed, cancelled, or with notes or files); end it early instead by changing its end date.",
        )
    };
    let txn = begin_write(db).await?;
    // Held, then read again: a make-up sitting being added waits and is
    // seen, or comes after and finds no batch.
    branches::hold(&txn, existing.branch_id).await?;
    let existing = find_visible(&txn, caller, id).await?;
    // Locked to the commit: a note or file being added to one of them is
    // waited for and then seen, and none can be added until the sessions
    // are gone (the note is then told its session is not found).
    let sessions = completion::Entity::find()
        .filter(completion::Column::BatchId.eq(id))
        .lock_exclusive()
        .all(&txn)
        .await?;
    if sessions
        .iter()
        .any(|s| s.status != CompletionStatus::Pending)
    {
        return Err(in_use());
    }
    if !with_content(&txn, &sessions).await?.is_empty() {
        return Err(in_use());
    }
    let deleted = completion::Entity::delete_many()
        .filter(completion::Column::BatchId.eq(id))
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .exec(&txn)
        .await?;
    if deleted.rows_affected != sessions.len() as u64 {
        // A session was completed between the check and the delete.
        txn.rollback().await?;
        return Err(in_use());
    }
    occurrence::Entity::delete_many()
        .filter(occurrence::Column::BatchId.eq(id))
        .exec(&txn)
        .await?;
    batch::Entity::delete_by_id(id).exec(&txn).await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(existing.branch_id),
        action: Action::Delete,
        entity: Entity::Batch,
        entity_id: id,
        details: json!({"batch": Batch::from(existing), "sessions_removed": deleted.rows_affected}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves every pending session of a branch whose timezone changed from
/// `from` to `to` so that it keeps its wall-clock times, then re-reads each
/// batch's schedule in the new zone.
pub async fn resync_branch<C: ConnectionTrait>(
    db: &C,
    branch_id: i64,
    from: BranchTimezone,
    to: BranchTimezone,
) -> ServiceResult<usize> {
    let batches = batch::Entity::find()
        .filter(batch::Column::BranchId.eq(branch_id))
        .all(db)
        .await?;
    let mut moved = 0;
    for model in &batches {
        moved += schedule::rezone(db, model, from, to).await?;
        let synced = schedule::sync(db, model, &template_of(db, model, to).await?).await?;
        moved += synced.rescheduled;
    }
    Ok(moved)
}
