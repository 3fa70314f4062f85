//! Keeping a batch's sessions in step with its template: one occurrence
//! and one session per date. Completed and cancelled sessions, and pending
//! ones that already carry notes or files, are history and never move.
//! Sittings moved by hand and make-up sittings keep their dates and times
//! (they were decided one by one) and only follow a change of teacher.

use std::collections::{BTreeMap, HashMap, HashSet};

use lectern_api_types::schedule::CompletionStatus;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Set,
};

use crate::clock;
use crate::domain::BranchTimezone;
use crate::domain::schedule::{Sitting, Template, local_instant};
use crate::entities::{attachment, batch, completion, note, occurrence};

/// What a sync changed, for the audit log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Synced {
    pub added: usize,
    pub rescheduled: usize,
    pub removed: usize,
    /// Pending sessions left as they were because they carry notes or
    /// files: their date left the schedule, or its times or teacher changed.
    pub kept: usize,
}

/// Brings `batch`'s sessions in line with `template` and its teacher. Run
/// it inside the transaction that wrote the batch.
pub async fn sync<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    template: &Template,
) -> Result<Synced, DbErr> {
    sync_where(db, batch, template, None).await
}

/// [`sync`] for `date` alone: the sittings on it or generated for it, and
/// the one its schedule names there. A holiday deleted frees one day, and
/// nothing else of the batch is its business.
pub async fn sync_on<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    template: &Template,
    date: chrono::NaiveDate,
) -> Result<Synced, DbErr> {
    sync_where(db, batch, template, Some(date)).await
}

async fn sync_where<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    template: &Template,
    only: Option<chrono::NaiveDate>,
) -> Result<Synced, DbErr> {
    let wanted: BTreeMap<_, Sitting> = template
        .sittings()
        .filter(|s| only.is_none_or(|date| s.date == date))
        .map(|s| (s.date, s))
        .collect();
    let mut occurrences =
        occurrence::Entity::find().filter(occurrence::Column::BatchId.eq(batch.id));
    if let Some(date) = only {
        occurrences = occurrences.filter(
            Condition::any()
                .add(occurrence::Column::Date.eq(date))
                .add(occurrence::Column::OriginDate.eq(date)),
        );
    }
    let occurrences = occurrences.all(db).await?;
    let mut sessions = completion::Entity::find()
        .filter(completion::Column::BatchId.eq(batch.id))
        .filter(completion::Column::OccurrenceId.is_not_null());
    if only.is_some() {
        sessions = sessions
            .filter(completion::Column::OccurrenceId.is_in(occurrences.iter().map(|o| o.id)));
    }
    let sessions: HashMap<i64, completion::Model> = sessions
        .order_by_asc(completion::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|session| {
            session
                .occurrence_id
                .map(|occurrence| (occurrence, session))
        })
        .collect();
    let recorded = with_content(db, sessions.values()).await?;

    let mut synced = Synced::default();
    for occurrence in &occurrences {
        let Some(session) = sessions
            .get(&occurrence.id)
            .filter(|s| s.status == CompletionStatus::Pending)
        else {
            continue;
        };
        let own = Sitting {
            date: occurrence.date,
            start: session.scheduled_start,
            end: session.scheduled_end,
        };
        let sitting = match occurrence.origin_date.filter(|_| !occurrence.moved) {
            Some(origin) => wanted.get(&origin),
            None => Some(&own),
        };
        let changes = sitting.is_none_or(|sitting| {
            session.scheduled_start != sitting.start
                || session.scheduled_end != sitting.end
                || session.user_id != batch.faculty_id
        });
        if !changes {
            continue;
        }
        // What someone wrote on a session stays with it, where and with
        // whom it was; an admin moves it by hand if need be.
        if recorded.contains(&session.id) {
            synced.kept += 1;
            continue;
        }
        match sitting {
            Some(sitting) => {
                reschedule(db, occurrence, session, sitting, batch.faculty_id).await?;
                synced.rescheduled += 1;
            }
            None => {
                // Conditional, so a session completed meanwhile is left alone.
                let deleted = completion::Entity::delete_many()
                    .filter(completion::Column::Id.eq(session.id))
                    .filter(completion::Column::Status.eq(CompletionStatus::Pending))
                    .exec(db)
                    .await?;
                if deleted.rows_affected == 1 {
                    occurrence::Entity::delete_by_id(occurrence.id)
                        .exec(db)
                        .await?;
                    synced.removed += 1;
                }
            }
        }
    }
    synced.added = add_where(db, batch, template, only).await?;
    Ok(synced)
}

/// Moves `batch`'s pending sessions from `from`'s wall clock to `to`'s, and
/// returns how many moved. A branch's timezone changes because it was
/// wrong, not because its classes moved: moved, make-up and kept sittings
/// keep their local times too, and the generated ones are then where
/// [`sync`] wants them.
pub async fn rezone<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    from: BranchTimezone,
    to: BranchTimezone,
) -> Result<usize, DbErr> {
    let occurrences: HashMap<i64, occurrence::Model> = occurrence::Entity::find()
        .filter(occurrence::Column::BatchId.eq(batch.id))
        .all(db)
        .await?
        .into_iter()
        .map(|occurrence| (occurrence.id, occurrence))
        .collect();
    let pending = completion::Entity::find()
        .filter(completion::Column::BatchId.eq(batch.id))
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .lock_exclusive()
        .all(db)
        .await?;
    let same_wall_clock = |at: chrono::DateTime<chrono::Utc>| {
        let local = at.with_timezone(&from.tz()).naive_local();
        local_instant(to, local.date(), local.time())
    };
    let mut moved = 0;
    for session in &pending {
        let Some(occurrence) = session.occurrence_id.and_then(|id| occurrences.get(&id)) else {
            continue;
        };
        let sitting = Sitting {
            date: occurrence.date,
            start: same_wall_clock(session.scheduled_start),
            end: same_wall_clock(session.scheduled_end),
        };
        if sitting.start != session.scheduled_start || sitting.end != session.scheduled_end {
            reschedule(db, occurrence, session, &sitting, session.user_id).await?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// The sessions among `sessions` that carry anything someone wrote: their
/// own notes, comments or attachments, for a transaction that holds those
/// sessions' locks and may delete the ones without. The reads lock too: on
/// MariaDB only a locking read sees a note committed while this
/// transaction waited for the sessions (a plain one
/// reads the snapshot its first read took), and deleting a session under
/// such a note fails on the foreign key. PostgreSQL refuses `DISTINCT`
/// with a lock, hence the set.
pub async fn with_content<'a, C: ConnectionTrait>(
    db: &C,
    sessions: impl IntoIterator<Item = &'a completion::Model>,
) -> Result<HashSet<i64>, DbErr> {
    let mut written = HashSet::new();
    let mut ids = Vec::new();
    for session in sessions {
        if session
            .notes
            .as_deref()
            .is_some_and(|notes| !notes.is_empty())
        {
            written.insert(session.id);
        }
        ids.push(session.id);
    }
    if ids.is_empty() {
        return Ok(written);
    }
    let noted: Vec<i64> = note::Entity::find()
        .select_only()
        .column(note::Column::CompletionId)
        .filter(note::Column::CompletionId.is_in(ids.iter().copied()))
        .lock_exclusive()
        .into_tuple()
        .all(db)
        .await?;
    let filed: Vec<i64> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::CompletionId)
        .filter(attachment::Column::CompletionId.is_in(ids))
        .lock_exclusive()
        .into_tuple()
        .all(db)
        .await?;
    written.extend(noted.into_iter().chain(filed));
    Ok(written)
}

async fn reschedule<C: ConnectionTrait>(
    db: &C,
    occurrence: &occurrence::Model,
    session: &completion::Model,
    sitting: &Sitting,
    teacher: i64,
) -> Result<(), DbErr> {
    let now = clock::now();
    occurrence::Entity::update_many()
        .col_expr(
            occurrence::Column::ScheduledStart,
            Expr::value(sitting.start),
        )
        .col_expr(occurrence::Column::ScheduledEnd, Expr::value(sitting.end))
        .col_expr(occurrence::Column::UpdatedAt, Expr::value(now))
        .filter(occurrence::Column::Id.eq(occurrence.id))
        .exec(db)
        .await?;
    completion::Entity::update_many()
        .col_expr(
            completion::Column::ScheduledStart,
            Expr::value(sitting.start),
        )
        .col_expr(completion::Column::ScheduledEnd, Expr::value(sitting.end))
        .col_expr(completion::Column::UserId, Expr::value(teacher))
        .col_expr(
            completion::Column::Version,
            Expr::col(completion::Column::Version).add(1),
        )
        .col_expr(completion::Column::UpdatedAt, Expr::value(now))
        .filter(completion::Column::Id.eq(session.id))
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds the sittings of `template` that `batch` does not have yet, each with
/// its pending session, and returns how many were added.
pub async fn add_missing<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    template: &Template,
) -> Result<usize, DbErr> {
    add_where(db, batch, template, None).await
}

/// [`add_missing`], on `only` if given.
async fn add_where<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    template: &Template,
    only: Option<chrono::NaiveDate>,
) -> Result<usize, DbErr> {
    // A date is taken by a sitting generated for it (wherever it moved)
    // and by any sitting now on it, which a new one would collide with.
    let mut taken: HashSet<chrono::NaiveDate> = HashSet::new();
    for (date, origin) in occurrence::Entity::find()
        .select_only()
        .column(occurrence::Column::Date)
        .column(occurrence::Column::OriginDate)
        .filter(occurrence::Column::BatchId.eq(batch.id))
        .into_tuple::<(chrono::NaiveDate, Option<chrono::NaiveDate>)>()
        .all(db)
        .await?
    {
        taken.insert(date);
        taken.extend(origin);
    }
    let now = clock::now();
    let new_rows: Vec<_> = template
        .sittings()
        .filter(|sitting| only.is_none_or(|date| sitting.date == date))
        .filter(|sitting| !taken.contains(&sitting.date))
        .map(|sitting| occurrence::ActiveModel {
            batch_id: Set(batch.id),
            date: Set(sitting.date),
            scheduled_start: Set(sitting.start),
            scheduled_end: Set(sitting.end),
            origin_date: Set(Some(sitting.date)),
            moved: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    let added_dates: HashSet<chrono::NaiveDate> = new_rows
        .iter()
        .filter_map(|row| row.date.clone().take())
        .collect();
    let added = new_rows.len();
    if added == 0 {
        return Ok(0);
    }
    occurrence::Entity::insert_many(new_rows).exec(db).await?;

    // MySQL reports no ids for a multi-row insert, so read the rows back.
    let created = occurrence::Entity::find()
        .filter(occurrence::Column::BatchId.eq(batch.id))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| added_dates.contains(&row.date));
    let sessions: Vec<_> = created
        .map(|row| completion::ActiveModel {
            occurrence_id: Set(Some(row.id)),
            batch_id: Set(Some(batch.id)),
            branch_id: Set(batch.branch_id),
            user_id: Set(batch.faculty_id),
            scheduled_start: Set(row.scheduled_start),
            scheduled_end: Set(row.scheduled_end),
            status: Set(CompletionStatus::Pending),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    completion::Entity::insert_many(sessions).exec(db).await?;
    Ok(added)
}
