//! The outbox table: jobs written beside their cause, claimed by one
//! worker at a time, and settled.
//!
//! A claim is a lease: the row is `running` until `locked_until`, and a
//! server that dies mid-job leaves it to be claimed again once the lease
//! has run out. PostgreSQL and MariaDB pick the rows with `FOR UPDATE SKIP
//! LOCKED`, so servers polling together take different jobs instead of
//! queueing behind each other's locks; on SQLite the one process's
//! transactions take turns. Either way the claiming `UPDATE` repeats the
//! condition it selected on and stamps the rows with a claim of its own,
//! and only rows bearing that stamp are run.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::outbox::{JobState, OutboxJob, OutboxQuery};
use sea_orm::sea_query::{Expr, ExprTrait as _, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DbBackend, DbErr,
    EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};

use super::Job;
use crate::clock;
use crate::db::{Db, begin_write};
use crate::entities::outbox::{self, Column, Entity};
use crate::pagination;
use crate::services::error::ConflictKind;
use crate::services::{ServiceError, ServiceResult};

/// Leaves `job` for the worker, due at `run_at`, in the caller's
/// transaction. With a `dedupe_key`, a job already written under that key
/// wins and this one is dropped: what must happen once per cause does.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    job: Job,
    run_at: DateTime<Utc>,
    dedupe_key: Option<String>,
) -> Result<(), DbErr> {
    let now = clock::now();
    let row = outbox::ActiveModel {
        kind: Set(job.kind()),
        payload: Set(job.payload().to_string()),
        state: Set(JobState::Pending),
        attempts: Set(0),
        run_at: Set(run_at),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        dedupe_key: Set(dedupe_key),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Entity::insert(row)
        .on_conflict_do_nothing_on([Column::DedupeKey])
        .exec(db)
        .await?;
    Ok(())
}

/// Due: pending and its time has come, or claimed by a worker whose lease
/// ran out.
fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(Column::State.eq(JobState::Pending))
                .add(Column::RunAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(Column::State.eq(JobState::Running))
                .add(Column::LockedUntil.lt(now)),
        )
}

/// Claims up to `limit` due jobs for `claim` (unique to this call) until
/// `lease` from now; answers the rows claimed, each with its attempt
/// counted.
pub async fn claim(
    db: &Db,
    claim: &str,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let now = clock::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let condition = Condition::all()
        .add(due(now))
        .add(Column::Kind.is_in(Job::kinds()));
    // A look first, outside any transaction: an idle worker then never
    // takes SQLite's one write lock, which the claim holds from its first
    // statement, so it neither queues behind writers nor holds them up.
    let any_due = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(condition.clone())
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some();
    if !any_due {
        return Ok(Vec::new());
    }
    let txn = begin_write(db).await?;
    let mut select = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(condition.clone())
        .order_by_asc(Column::RunAt)
        .order_by_asc(Column::Id)
        .limit(limit);
    if db.get_database_backend() != DbBackend::Sqlite {
        select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<i64> = select.into_tuple().all(&txn).await?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    Entity::update_many()
        .col_expr(Column::State, Expr::value(JobState::Running))
        .col_expr(Column::LockedUntil, Expr::value(until))
        .col_expr(Column::LockedBy, Expr::value(claim))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.is_in(ids.clone()))
        .filter(condition)
        .exec(&txn)
        .await?;
    let claimed = Entity::find()
        .filter(Column::Id.is_in(ids))
        .filter(Column::LockedBy.eq(claim))
        .filter(Column::State.eq(JobState::Running))
        .order_by_asc(Column::RunAt)
        .order_by_asc(Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(claimed)
}

/// The update of a job still held under `claim`; a job whose lease ran
/// out and that another worker took is no longer this one's to settle.
fn settle(id: i64, claim: &str) -> sea_orm::UpdateMany<Entity> {
    Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(Column::UpdatedAt, Expr::value(clock::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::LockedBy.eq(claim))
        .filter(Column::State.eq(JobState::Running))
}

pub async fn done(db: &Db, id: i64, claim: &str) -> Result<(), DbErr> {
    settle(id, claim)
        .col_expr(Column::State, Expr::value(JobState::Done))
        .col_expr(Column::LastError, Expr::value(None::<String>))
        .exec(db)
        .await?;
    Ok(())
}

/// Records why an attempt failed: the job is due again after `retry_in`,
/// or failed for good once it has had `max_attempts`.
pub async fn failed(
    db: &Db,
    job: &outbox::Model,
    claim: &str,
    error: &str,
    retry_in: Duration,
    max_attempts: i32,
) -> Result<(), DbErr> {
    let update = settle(job.id, claim).col_expr(Column::LastError, Expr::value(error));
    let update = if job.attempts >= max_attempts {
        update.col_expr(Column::State, Expr::value(JobState::Failed))
    } else {
        let run_at = clock::now() + chrono::Duration::from_std(retry_in).unwrap_or_default();
        update
            .col_expr(Column::State, Expr::value(JobState::Pending))
            .col_expr(Column::RunAt, Expr::value(run_at))
    };
    update.exec(db).await?;
    Ok(())
}

/// Extends the lease on a claimed job about to start, so that it has the
/// whole lease to run in however long the batch's earlier jobs took;
/// whether the job is still this claim's. One whose lease ran out while it
/// waited its turn may have been taken by another worker, which runs it.
pub async fn renew(db: &Db, id: i64, claim: &str, lease: Duration) -> Result<bool, DbErr> {
    let now = clock::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let renewed = Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(until))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::LockedBy.eq(claim))
        .filter(Column::State.eq(JobState::Running))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

/// Gives back a claimed job this worker did not start, as on stopping:
/// due at once for another, its attempt not counted.
pub async fn release(db: &Db, id: i64, claim: &str) -> Result<(), DbErr> {
    settle(id, claim)
        .col_expr(Column::State, Expr::value(JobState::Pending))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets jobs done before `before`: what was sent is in the mail
/// server's logs; failed jobs stay until someone looks.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(Entity::delete_many()
        .filter(Column::State.eq(JobState::Done))
        .filter(Column::UpdatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// The wait before attempt `attempts + 1`: `base` doubled for each
/// attempt made after the first, at most an hour.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    base.saturating_mul(1 << doublings)
        .min(Duration::from_secs(60 * 60))
}

fn shown(model: outbox::Model) -> OutboxJob {
    OutboxJob {
        id: model.id,
        kind: model.kind,
        state: model.state,
        attempts: model.attempts,
        run_at: model.run_at,
        last_error: model.last_error,
        payload: serde_json::from_str(&model.payload)
            .unwrap_or(serde_json::Value::String(model.payload)),
        created_at: model.created_at,
        updated_at: model.updated_at,
    }
}

/// The outbox, newest first.
pub async fn list(db: &Db, query: OutboxQuery) -> ServiceResult<Page<OutboxJob>> {
    let mut condition = Condition::all();
    if let Some(state) = query.state {
        condition = condition.add(Column::State.eq(state));
    }
    if let Some(cursor) = &query.cursor {
        let before: i64 = pagination::decode(cursor)?;
        condition = condition.add(Column::Id.lt(before));
    }
    let limit = pagination::limit(query.limit);
    let rows = Entity::find()
        .filter(condition)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(pagination::page(rows, limit, |row| row.id, shown))
}

/// Makes a failed job due again now, with a fresh set of attempts. The
/// answer is the job as the retry left it: read in the retry's own
/// transaction, before a worker can claim it.
pub async fn retry(db: &Db, id: i64) -> ServiceResult<OutboxJob> {
    let txn = begin_write(db).await?;
    let retried = Entity::update_many()
        .col_expr(Column::State, Expr::value(JobState::Pending))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::RunAt, Expr::value(clock::now()))
        .col_expr(Column::UpdatedAt, Expr::value(clock::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::State.eq(JobState::Failed))
        .exec(&txn)
        .await?;
    let job = Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("job"))?;
    txn.commit().await?;
    if retried.rows_affected == 0 {
        return Err(ServiceError::Conflict {
            kind: ConflictKind::InvalidTransition,
            detail: format!(
                "Only a failed job is retried; this one is {}.",
                job.state.as_str()
            ),
            field: None,
        });
    }
    Ok(shown(job))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 40), Duration::from_secs(3600));
        assert_eq!(backoff(base, 0), Duration::from_secs(30));
    }
}
