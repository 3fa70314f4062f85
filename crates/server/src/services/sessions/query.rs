//! Reading sessions: the filtered, keyset-paged list, one session with all
//! it carries, and the sittings a caller still has to hold.

use chrono::{DateTime, NaiveTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{
    Attachment, Completion, CompletionDetail, CompletionFilter, ON_TIME_MINUTES, Occurrence,
    OccurrenceFilter, OccurrenceQuery, SessionPage, SessionSort,
};
use lectern_api_types::time::DateOrInstant;
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait as _, DbErr, EntityTrait as _, FromQueryResult,
    Order, QueryFilter as _, QueryOrder as _, QuerySelect as _, Select,
};

use super::position::Position;
use super::{SessionRow, counts_of, in_scope, search, select_rows, visible, with_counts};
use crate::db::{Db, FromSqliteRow, Reads, SqliteRow};
use crate::domain::schedule::local_instant;
use crate::domain::{AuthUser, BranchTimezone};
use crate::entities::{attachment, branch, completion, note, user};
use crate::services::{ServiceError, ServiceResult, notes};
use crate::{clock, pagination};

/// The timezone a bare date in a filter is read in: the filtered branch's,
/// else the caller's, else UTC (super admins looking across branches).
pub(crate) async fn filter_timezone(
    db: &Db,
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

/// The instants a filter's `from` and `to` stand for, `to` exclusive.
pub(crate) async fn bounds(
    db: &Db,
    caller: &AuthUser,
    branch_id: Option<i64>,
    from: Option<DateOrInstant>,
    to: Option<DateOrInstant>,
) -> ServiceResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    if from.is_none() && to.is_none() {
        return Ok((None, None));
    }
    let timezone = filter_timezone(db, caller, branch_id).await?;
    Ok((
        from.map(|from| instant(from, timezone, false)),
        to.map(|to| instant(to, timezone, true)),
    ))
}

async fn date_range(
    db: &Db,
    caller: &AuthUser,
    branch_id: Option<i64>,
    from: Option<DateOrInstant>,
    to: Option<DateOrInstant>,
) -> ServiceResult<Condition> {
    let (from, to) = bounds(db, caller, branch_id, from, to).await?;
    let mut condition = Condition::all();
    if let Some(from) = from {
        condition = condition.add(completion::Column::ScheduledStart.gte(from));
    }
    if let Some(to) = to {
        condition = condition.add(completion::Column::ScheduledStart.lt(to));
    }
    Ok(condition)
}

/// The sessions in the caller's scope that `query`'s filters select; the
/// condition applies to [`select_rows`], which joins batch and owner for `q`.
pub async fn filtered(
    db: &Db,
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
    if let Some(late) = query.late {
        let punctual = completion::Column::LateMinutes.lte(ON_TIME_MINUTES);
        condition = condition
            .add(completion::Column::Status.eq(CompletionStatus::Completed))
            .add(if late { punctual.not() } else { punctual });
    }
    if let Some(overdue) = query.overdue {
        let now = clock::now();
        condition = condition
            .add(completion::Column::Status.eq(CompletionStatus::Pending))
            .add(if overdue {
                completion::Column::ScheduledEnd.lt(now)
            } else {
                completion::Column::ScheduledEnd.gte(now)
            });
    }
    if let Some(has) = query.has_attachments {
        let exists = Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(attachment::Entity)
                .and_where(
                    Expr::col((attachment::Entity, attachment::Column::CompletionId))
                        .equals((completion::Entity, completion::Column::Id)),
                )
                .take(),
        );
        condition = condition.add(if has { exists } else { exists.not() });
    }
    if let Some(note_type) = query.note_type {
        condition = condition.add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(note::Entity)
                .and_where(
                    Expr::col((note::Entity, note::Column::CompletionId))
                        .equals((completion::Entity, completion::Column::Id)),
                )
                .and_where(note::Column::NoteType.eq(note_type))
                .take(),
        ));
    }
    if query.sort.unwrap_or_default().by_completion() {
        condition = condition.add(completion::Column::CompletedAt.is_not_null());
    }
    condition = condition.add(date_range(db, caller, query.branch_id, query.from, query.to).await?);
    if let Some(found) = query
        .q
        .as_deref()
        .and_then(|q| search::matches(db.get_database_backend(), q))
    {
        condition = condition.add(found);
    }
    Ok(condition)
}

pub async fn list(
    reads: &Reads,
    caller: &AuthUser,
    filter: &CompletionFilter,
    page: &SessionPage,
) -> ServiceResult<Page<Completion>> {
    let sort = filter.sort.unwrap_or_default();
    let after = page
        .cursor
        .as_deref()
        .map(|cursor| Position::resume(sort, cursor))
        .transpose()?;
    let limit = pagination::limit(page.limit);
    let select = ordered(reads.db(), caller, filter, after)
        .await?
        .limit(limit + 1);
    // The page and its attachment counts, as of one moment.
    let reads = reads.snapshot()?;
    let rows: Vec<SessionRow> = reads.all(&select).await?;
    let page = pagination::page(rows, limit, |row| Position::of(sort, row), |row| row);
    let ids: Vec<i64> = page.items.iter().map(|row| row.id).collect();
    let counts = if ids.is_empty() {
        Vec::new()
    } else {
        reads.all(&counts_of(&ids)).await?
    };
    Ok(Page {
        items: with_counts(page.items, &counts),
        next_cursor: page.next_cursor,
    })
}

/// The filtered sessions in the filter's order, after `after` when resuming.
pub async fn ordered(
    db: &Db,
    caller: &AuthUser,
    filter: &CompletionFilter,
    after: Option<Position>,
) -> ServiceResult<Select<completion::Entity>> {
    let sort = filter.sort.unwrap_or_default();
    let mut condition = filtered(db, caller, filter).await?;
    if let Some(after) = after {
        let key = Position::key(sort);
        let bound = after.value()?;
        condition = condition.add(if sort.is_descending() {
            key.lt(bound)
        } else {
            key.gt(bound)
        });
    }
    let order = if sort.is_descending() {
        Order::Desc
    } else {
        Order::Asc
    };
    Ok(select_rows()
        .filter(condition)
        .order_by(Position::column(sort), order.clone())
        .order_by(completion::Column::Id, order))
}

impl FromSqliteRow for attachment::Model {
    fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.get("id")?,
            completion_id: row.get("completion_id")?,
            file_name: row.get("file_name")?,
            storage_key: row.get("storage_key")?,
            mime_type: row.get("mime_type")?,
            size_bytes: row.get("size_bytes")?,
            sha256: row.get("sha256")?,
            description: row.get("description")?,
            uploaded_by: row.get("uploaded_by")?,
            download_count: row.get("download_count")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }
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

/// A name, for the substitute who delivered a session.
#[derive(FromQueryResult)]
struct Name {
    name: String,
}

impl FromSqliteRow for Name {
    fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            name: row.get("name")?,
        })
    }
}

pub async fn get(reads: &Reads, caller: &AuthUser, id: i64) -> ServiceResult<CompletionDetail> {
    // The session, its files, notes and substitute as of one moment.
    let reads = reads.snapshot()?;
    let row: SessionRow = reads
        .one(visible(caller, id))
        .await?
        .ok_or(ServiceError::NotFound("session"))?;
    let attachments: Vec<attachment::Model> = reads
        .all(
            &attachment::Entity::find()
                .filter(attachment::Column::CompletionId.eq(id))
                .order_by_asc(attachment::Column::Id),
        )
        .await?;
    let attachments: Vec<Attachment> = attachments.into_iter().map(Attachment::from).collect();
    let session_notes = notes::all_of(&reads, id).await?;
    let delivered_by_name = match row.delivered_by {
        Some(substitute) => reads
            .one::<_, Name>(
                user::Entity::find_by_id(substitute)
                    .select_only()
                    .column(user::Column::Name),
            )
            .await?
            .map(|found| found.name),
        None => None,
    };
    let count = i64::try_from(attachments.len()).unwrap_or(i64::MAX);
    Ok(CompletionDetail {
        completion: row.into_completion(count),
        attachments,
        session_notes,
        delivered_by_name,
    })
}

/// The batch sittings the caller still has to complete, soonest first.
pub async fn occurrences(
    db: &Db,
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
    let sort = SessionSort::ScheduledStart;
    if let Some(cursor) = &query.cursor {
        let after = Position::resume(sort, cursor)?;
        condition = condition.add(Position::key(sort).gt(after.value()?));
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
    let page = pagination::page(rows, limit, |row| Position::of(sort, row), |row| row);
    let mut items = Vec::with_capacity(page.items.len());
    for row in page.items {
        let location = row.room().map(str::to_owned);
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
            location,
            timezone: row.timezone,
        });
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
