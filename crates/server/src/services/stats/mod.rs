//! Oversight figures: counters over the sessions in the caller's scope,
//! as one aggregate query over the same indexes the lists use, whole or
//! grouped by person, batch, branch, week or month.

mod days;
mod median;
mod periods;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use lectern_api_types::schedule::{CompletionStatus, Review};
use lectern_api_types::sessions::{CompletionFilter, ON_TIME_MINUTES};
use lectern_api_types::stats::{Breakdown, BreakdownItem, GroupBy, StatsFilter, Summary};
use lectern_api_types::time::DateOrInstant;
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait as _, DbBackend, EntityTrait as _,
    FromQueryResult, QueryFilter as _, QueryResult, QuerySelect as _, Select,
};

use crate::clock;
use crate::db::Db;
use crate::domain::{AuthUser, BranchTimezone, Scope};
use crate::entities::{batch, branch, completion, user};
use crate::services::sessions::query::{filter_timezone, filtered};
use crate::services::{ServiceError, ServiceResult, sql};

use periods::Period;

/// The counters as the aggregate query answers them.
#[derive(Clone, Debug, Default, FromQueryResult)]
struct Counters {
    scheduled: i64,
    completed: i64,
    cancelled: i64,
    overdue: i64,
    upcoming: i64,
    verified: i64,
    returned: i64,
    unreviewed: i64,
    on_time: i64,
    scheduled_minutes: i64,
    actual_minutes: i64,
}

impl Counters {
    fn into_summary(self, median_late_minutes: Option<f64>) -> Summary {
        Summary {
            scheduled: self.scheduled,
            completed: self.completed,
            cancelled: self.cancelled,
            overdue: self.overdue,
            upcoming: self.upcoming,
            verified: self.verified,
            returned: self.returned,
            unreviewed: self.unreviewed,
            on_time_rate: (self.completed > 0).then(|| self.on_time as f64 / self.completed as f64),
            median_late_minutes,
            scheduled_minutes: self.scheduled_minutes,
            actual_minutes: self.actual_minutes,
        }
    }
}

/// The scheduled and the actual length of each session in whole minutes,
/// which the database generates from its times and keeps in the indexes
/// the figures read (migration 11); the entity leaves them out, since
/// nothing writes them.
#[derive(Clone, Copy, sea_orm::DeriveIden)]
enum Minutes {
    ScheduledMinutes,
    ActualMinutes,
}

/// `COUNT` of the rows that meet `condition`.
fn count_where(condition: Condition) -> Expr {
    Func::count(Expr::case(condition, Expr::val(1_i64))).into()
}

/// Adds the counters to `select` (the sessions `select` reads).
fn with_counters(
    select: Select<completion::Entity>,
    backend: DbBackend,
    now: DateTime<Utc>,
) -> Select<completion::Entity> {
    let completed =
        || Condition::all().add(completion::Column::Status.eq(CompletionStatus::Completed));
    let pending = || Condition::all().add(completion::Column::Status.eq(CompletionStatus::Pending));
    let reviewed = |review: Review| Condition::all().add(completion::Column::Review.eq(review));
    let minutes_of_completed = |column: Minutes| {
        sql::sum_i64(
            backend,
            Expr::case(completed(), Expr::col((completion::Entity, column))).into(),
        )
    };
    select
        .expr_as(
            Func::count(Expr::col((completion::Entity, completion::Column::Id))),
            "scheduled",
        )
        .expr_as(count_where(completed()), "completed")
        .expr_as(
            count_where(
                Condition::all().add(completion::Column::Status.eq(CompletionStatus::Cancelled)),
            ),
            "cancelled",
        )
        .expr_as(
            count_where(pending().add(completion::Column::ScheduledEnd.lt(now))),
            "overdue",
        )
        .expr_as(
            count_where(pending().add(completion::Column::ScheduledEnd.gte(now))),
            "upcoming",
        )
        .expr_as(count_where(reviewed(Review::Verified)), "verified")
        .expr_as(count_where(reviewed(Review::Returned)), "returned")
        .expr_as(count_where(reviewed(Review::Unreviewed)), "unreviewed")
        .expr_as(
            count_where(completed().add(completion::Column::LateMinutes.lte(ON_TIME_MINUTES))),
            "on_time",
        )
        .expr_as(
            minutes_of_completed(Minutes::ScheduledMinutes),
            "scheduled_minutes",
        )
        .expr_as(
            minutes_of_completed(Minutes::ActualMinutes),
            "actual_minutes",
        )
}

/// The sessions the figures count: those the session list selects with the
/// same filters, so a figure and the list it links to always agree.
async fn counted(db: &Db, caller: &AuthUser, filter: &StatsFilter) -> ServiceResult<Condition> {
    let list = CompletionFilter {
        from: filter.from,
        to: filter.to,
        branch_id: filter.branch_id,
        batch_id: filter.batch_id,
        ..CompletionFilter::default()
    };
    let mut condition = filtered(db, caller, &list).await?;
    // A covered session counts for the colleague who taught it.
    if let Some(user_id) = filter.user_id {
        condition = condition.add(taught_by(user_id));
    }
    if let Scope::Own { user_id, .. } = caller.scope() {
        condition = condition.add(taught_by(user_id));
    }
    Ok(condition)
}

/// The sessions `user_id` taught: their own nobody covered, and the ones
/// they covered. Two indexed comparisons rather than a `COALESCE`, which
/// no index serves.
fn taught_by(user_id: i64) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(completion::Column::UserId.eq(user_id))
                .add(completion::Column::DeliveredBy.is_null()),
        )
        .add(completion::Column::DeliveredBy.eq(user_id))
}

/// Who taught a session, as SQL: the substitute if there was one.
fn teacher() -> Expr {
    Expr::expr(Func::coalesce([
        Expr::col((completion::Entity, completion::Column::DeliveredBy)),
        Expr::col((completion::Entity, completion::Column::UserId)),
    ]))
}

pub async fn summary(db: &Db, caller: &AuthUser, filter: &StatsFilter) -> ServiceResult<Summary> {
    let now = clock::now();
    if let Some(summary) = days::summary(db, caller, filter, now).await? {
        return Ok(summary);
    }
    let condition = counted(db, caller, filter).await?;
    let counters = with_counters(
        completion::Entity::find().select_only(),
        db.get_database_backend(),
        now,
    )
    .filter(condition.clone())
    .into_model::<Counters>()
    .one(db)
    .await?
    .unwrap_or_default();
    let median = median::late_minutes(db, condition, None)
        .await?
        .into_values()
        .next();
    Ok(counters.into_summary(median))
}

/// One row of a grouped aggregate.
struct GroupRow {
    group: Option<i64>,
    counters: Counters,
}

impl FromQueryResult for GroupRow {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(GroupRow {
            group: row.try_get(prefix, "group_id")?,
            counters: Counters::from_query_result(row, prefix)?,
        })
    }
}

/// The names of the people, batches or branches a breakdown found, read
/// once the rows are grouped rather than joined to each of thousands of
/// sessions.
async fn labels(db: &Db, group_by: GroupBy, ids: Vec<i64>) -> ServiceResult<HashMap<i64, String>> {
    Ok(match group_by {
        GroupBy::Faculty => user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|person| (person.id, person.name))
            .collect(),
        GroupBy::Batch => batch::Entity::find()
            .filter(batch::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|batch| (batch.id, format!("{} · {}", batch.code, batch.name)))
            .collect(),
        GroupBy::Branch => branch::Entity::find()
            .filter(branch::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|branch| (branch.id, branch.name))
            .collect(),
        GroupBy::Week | GroupBy::Month => HashMap::new(),
    })
}

/// The key of each session's group, as SQL.
fn group_expr(group_by: GroupBy, periods: &[Period]) -> Expr {
    let column = |column: completion::Column| Expr::col((completion::Entity, column));
    match group_by {
        GroupBy::Faculty => teacher(),
        GroupBy::Batch => column(completion::Column::BatchId),
        GroupBy::Branch => column(completion::Column::BranchId),
        GroupBy::Week | GroupBy::Month => {
            let last = Expr::val(periods.len() as i64 - 1);
            // A `CASE` needs one `WHEN` at least: one period is one group.
            if periods.len() < 2 {
                return last;
            }
            // Each session falls in the last period that began at or before it.
            let mut case = sea_orm::sea_query::CaseStatement::new();
            for (index, next) in periods.iter().enumerate().skip(1) {
                case = case.case(
                    completion::Column::ScheduledStart.lt(next.start),
                    Expr::val(index as i64 - 1),
                );
            }
            case.finally(last).into()
        }
    }
}

/// The local dates a breakdown by period covers: both ends must be given.
fn period_bounds(
    filter: &StatsFilter,
    timezone: Option<BranchTimezone>,
    group_by: GroupBy,
) -> ServiceResult<(NaiveDate, NaiveDate)> {
    let local = |bound: DateOrInstant| match bound {
        DateOrInstant::Date(date) => date,
        DateOrInstant::Instant(at) => match timezone {
            Some(tz) => at.with_timezone(&tz.tz()).date_naive(),
            None => at.with_timezone(&Utc).date_naive(),
        },
    };
    let needed = |field: &str| {
        ServiceError::invalid(
            field,
            format!("is needed to group by {}", group_by.as_str()),
        )
    };
    let first = filter.from.map(local).ok_or_else(|| needed("from"))?;
    let last = filter.to.map(local).ok_or_else(|| needed("to"))?;
    if last < first {
        return Err(ServiceError::invalid("to", "must not be before from"));
    }
    Ok((first, last))
}

pub async fn breakdown(
    db: &Db,
    caller: &AuthUser,
    filter: &StatsFilter,
    group_by: GroupBy,
) -> ServiceResult<Breakdown> {
    let periods = match group_by {
        GroupBy::Week | GroupBy::Month => {
            let timezone = filter_timezone(db, caller, filter.branch_id).await?;
            let (first, last) = period_bounds(filter, timezone, group_by)?;
            periods::covering(group_by, timezone, first, last).ok_or_else(|| {
                ServiceError::invalid(
                    "to",
                    format!(
                        "makes more than {} periods; choose a shorter range or a longer period",
                        periods::MAX_PERIODS
                    ),
                )
            })?
        }
        _ => Vec::new(),
    };
    let condition = counted(db, caller, filter).await?;
    let group = group_expr(group_by, &periods);
    let select = with_counters(
        completion::Entity::find().select_only(),
        db.get_database_backend(),
        clock::now(),
    )
    .expr_as(group.clone(), "group_id")
    .filter(condition.clone());
    let select = match group_by {
        GroupBy::Faculty => select.group_by(teacher()),
        GroupBy::Batch => select.group_by(completion::Column::BatchId),
        GroupBy::Branch => select.group_by(completion::Column::BranchId),
        GroupBy::Week | GroupBy::Month => select.group_by(Expr::col(Alias::new("group_id"))),
    };
    let rows = select.into_model::<GroupRow>().all(db).await?;
    let medians = median::late_minutes(db, condition, Some(group)).await?;
    let summary_of = |row: GroupRow| {
        let median = medians.get(&row.group).copied();
        row.counters.into_summary(median)
    };

    let items = if periods.is_empty() {
        let names = labels(
            db,
            group_by,
            rows.iter().filter_map(|row| row.group).collect(),
        )
        .await?;
        let mut items: Vec<BreakdownItem> = rows
            .into_iter()
            .map(|row| {
                let key = row
                    .group
                    .map_or_else(|| "adhoc".to_owned(), |id| id.to_string());
                let label = match row.group {
                    None => "Ad-hoc sessions".to_owned(),
                    Some(id) => names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                };
                BreakdownItem {
                    key,
                    label,
                    summary: summary_of(row),
                }
            })
            .collect();
        items.sort_by_key(|item| item.label.to_lowercase());
        items
    } else {
        let mut by_index: HashMap<i64, GroupRow> = rows
            .into_iter()
            .filter_map(|row| row.group.map(|index| (index, row)))
            .collect();
        periods
            .iter()
            .enumerate()
            .map(|(index, period)| BreakdownItem {
                key: period.key(group_by),
                label: period.label(group_by),
                summary: by_index
                    .remove(&(index as i64))
                    .map(summary_of)
                    .unwrap_or_else(|| Counters::default().into_summary(None)),
            })
            .collect()
    };
    Ok(Breakdown { items })
}
