//! Reading sessions: the filtered, keyset-paged list, one session with all
//! it carries, and the sittings a caller still has to hold.

use chrono::{DateTime, NaiveTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{
    Attachment, Completion, CompletionDetail, CompletionFilter, Occurrence, OccurrenceFilter,
    OccurrenceQuery, SessionPage,
};
use lectern_api_types::time::DateOrInstant;
use sea_orm::sea_query::{Expr, ExprTrait as _, Func};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};

use super::{SessionRow, find_visible, in_scope, select_rows, to_completions};
use crate::domain::schedule::local_instant;
use crate::domain::{AuthUser, BranchTimezone};
use crate::entities::{attachment, batch, branch, completion};
use crate::services::users::contains_pattern;
use crate::services::{ServiceResult, notes};
use crate::{clock, pagination};

/// The keyset of session lists: scheduled start (Unix seconds), then id.
type Cursor = (i64, i64);

fn cursor_of(row: &SessionRow) -> Cursor {
    (row.scheduled_start.timestamp(), row.id)
}

fn cursor_bound(cursor: &str) -> ServiceResult<(DateTime<Utc>, i64)> {
    let (seconds, id): Cursor = pagination::decode(cursor)?;
    let at = DateTime::from_timestamp(seconds, 0).ok_or_else(|| {
        crate::services::ServiceError::invalid("cursor", "is not a cursor this list handed out")
    })?;
    Ok((at, id))
}

/// `(scheduled_start, id)` compared as one key, which each database can
/// answer from the `(…, scheduled_start, id)` indexes.
fn key() -> Expr {
    Expr::tuple([
        Expr::col((completion::Entity, completion::Column::ScheduledStart)),
        Expr::col((completion::Entity, completion::Column::Id)),
    ])
}

fn key_value(at: DateTime<Utc>, id: i64) -> Expr {
    Expr::tuple([Expr::val(at), Expr::val(id)])
}

/// The timezone a bare date in a filter is read in: the filtered branch's,
/// else the caller's, else UTC (super admins looking across branches).
async fn filter_timezone(
    db: &DatabaseConnection,
    caller: &AuthUser,
    branch_id: Option<i64>,
) -> ServiceResult<Option<BranchTimezone>> {
    let Some(branch_id) = branch_id.or(caller.branch_id()) else {
        return Ok(None);
    };
    let found = branch::Entity::find_by_id(branch_id).one(db).await?;
    Ok(found.and_then(|branch| BranchTimezone::parse(&branch.timezone)))
}

/// The instant a filter bound stands for; a date `to` includes its whole day.
fn instant(bound: DateOrInstant, timezone: Option<BranchTimezone>, is_end: bool) -> DateTime<Utc> {
    match bound {
        DateOrInstant::Instant(at) => at.with_timezone(&Utc),
        DateOrInstant::Date(date) => {
            let date = if is_end {
                date.succ_opt().unwrap_or(date)
            } else {
                date
            };
            match timezone {
                Some(tz) => local_instant(tz, date, NaiveTime::MIN),
                None => date.and_time(NaiveTime::MIN).and_utc(),
            }
        }
    }
}

async fn date_range(
    db: &DatabaseConnection,
    caller: &AuthUser,
    branch_id: Option<i64>,
    from: Option<DateOrInstant>,
    to: Option<DateOrInstant>,
) -> ServiceResult<Condition> {
    let mut condition = Condition::all();
    if from.is_none() && to.is_none() {
        return Ok(condition);
    }
    let timezone = filter_timezone(db, caller, branch_id).await?;
    if let Some(from) = from {
        condition =
            condition.add(completion::Column::ScheduledStart.gte(instant(from, timezone, false)));
    }
    if let Some(to) = to {
        condition =
            condition.add(completion::Column::ScheduledStart.lt(instant(to, timezone, true)));
    }
    Ok(condition)
}

/// The sessions in the caller's scope that `query`'s filters select; the
/// condition applies to [`select_rows`], which joins the batch for `q`.
pub async fn filtered(
    db: &DatabaseConnection,
    caller: &AuthUser,
    query: &CompletionFilter,
) -> ServiceResult<Condition> {
    let mut condition = in_scope(caller);
    if let Some(status) = query.status {
        condition = condition.add(completion::Column::Status.eq(status));
    }
    if let Some(user_id) = query.user_id {
        condition = condition.add(completion::Column::UserId.eq(user_id));
    }
    if let Some(branch_id) = query.branch_id {
        condition = condition.add(completion::Column::BranchId.eq(branch_id));
    }
    if let Some(batch_id) = query.batch_id {
        condition = condition.add(completion::Column::BatchId.eq(batch_id));
    }
    if let Some(review) = query.review {
        condition = condition.add(completion::Column::Review.eq(review));
    }
    // Codes are stored upper-cased and parsed so: any case finds its session.
    if let Some(code) = &query.code {
        condition = condition.add(completion::Column::CompletionCode.eq(code.as_str()));
    }
    condition = condition.add(date_range(db, caller, query.branch_id, query.from, query.to).await?);
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let lower = |column: Expr| Expr::expr(Func::lower(column));
        condition = condition.add(
            Condition::any()
                .add(
                    lower(Expr::col((
                        completion::Entity,
                        completion::Column::CompletionCode,
                    )))
                    .like(contains_pattern(q)),
                )
                .add(
                    lower(Expr::col((completion::Entity, completion::Column::Notes)))
                        .like(contains_pattern(q)),
                )
                .add(
                    lower(Expr::col((completion::Entity, completion::Column::Title)))
                        .like(contains_pattern(q)),
                )
                .add(
                    lower(Expr::col((batch::Entity, batch::Column::Name)))
                        .like(contains_pattern(q)),
                ),
        );
    }
    Ok(condition)
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &AuthUser,
    filter: &CompletionFilter,
    page: &SessionPage,
) -> ServiceResult<Page<Completion>> {
    let mut condition = filtered(db, caller, filter).await?;
    if let Some(cursor) = &page.cursor {
        let (at, id) = cursor_bound(cursor)?;
        condition = condition.add(key().lt(key_value(at, id)));
    }
    let limit = pagination::limit(page.limit);
    // Newest first: what admins audit and staff look back on.
    let rows = select_rows()
        .filter(condition)
        .order_by_desc(completion::Column::ScheduledStart)
        .order_by_desc(completion::Column::Id)
        .limit(limit + 1)
        .into_model::<SessionRow>()
        .all(db)
        .await?;
    let page = pagination::page(rows, limit, cursor_of, |row| row);
    Ok(Page {
        items: to_completions(db, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

impl From<attachment::Model> for Attachment {
    fn from(model: attachment::Model) -> Self {
        Attachment {
            id: model.id,
            completion_id: model.completion_id,
            file_name: model.file_name,
            mime_type: model.mime_type,
            size_bytes: model.size_bytes,
            sha256: model.sha256,
            description: model.description,
            uploaded_by: model.uploaded_by,
            download_count: model.download_count,
            created_at: model.created_at,
        }
    }
}

pub async fn get(
    db: &DatabaseConnection,
    caller: &AuthUser,
    id: i64,
) -> ServiceResult<CompletionDetail> {
    let row = find_visible(db, caller, id).await?;
    let attachments: Vec<Attachment> = attachment::Entity::find()
        .filter(attachment::Column::CompletionId.eq(id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Attachment::from)
        .collect();
    let session_notes = notes::all_of(db, id).await?;
    let count = i64::try_from(attachments.len()).unwrap_or(i64::MAX);
    Ok(CompletionDetail {
        completion: row.into_completion(count),
        attachments,
        session_notes,
    })
}

/// The batch sittings the caller still has to complete, soonest first.
pub async fn occurrences(
    db: &DatabaseConnection,
    caller: &AuthUser,
    query: OccurrenceQuery,
) -> ServiceResult<Page<Occurrence>> {
    let mut condition = in_scope(caller)
        .add(completion::Column::OccurrenceId.is_not_null())
        .add(completion::Column::Status.eq(CompletionStatus::Pending));
    if query.status.unwrap_or_default() == OccurrenceFilter::Upcoming {
        condition = condition.add(completion::Column::ScheduledStart.gte(clock::now()));
    }
    condition = condition.add(date_range(db, caller, None, query.from, query.to).await?);
    if let Some(cursor) = &query.cursor {
        let (at, id) = cursor_bound(cursor)?;
        condition = condition.add(key().gt(key_value(at, id)));
    }
    let limit = pagination::limit(query.limit);
    let rows = select_rows()
        .filter(condition)
        .order_by_asc(completion::Column::ScheduledStart)
        .order_by_asc(completion::Column::Id)
        .limit(limit + 1)
        .into_model::<SessionRow>()
        .all(db)
        .await?;
    let page = pagination::page(rows, limit, cursor_of, |row| row);
    let mut items = Vec::with_capacity(page.items.len());
    for row in page.items {
        items.push(Occurrence {
            id: row.occurrence_id.unwrap_or_default(),
            batch_id: row.batch_id.unwrap_or_default(),
            date: row.local_date()?,
            batch_code: row.batch_code.unwrap_or_default(),
            batch_name: row.batch_name.unwrap_or_default(),
            scheduled_start: row.scheduled_start,
            scheduled_end: row.scheduled_end,
            status: row.status,
            completion_id: row.id,
            user_id: row.user_id,
            location: row.location,
            timezone: row.timezone,
        });
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
