//! A summary read mostly off the per-day figures that triggers keep
//! (migration 19), so a branch's month costs about thirty rows instead of
//! thousands of sessions.
//!
//! Those figures are per UTC day and know only "pending", so the sessions
//! themselves are still read where a day is not wholly inside the range
//! (a local midnight falls mid-day in UTC), and for yesterday and today,
//! whose pending sessions may be overdue or not yet. Every other day's
//! pending sessions are overdue before that window and upcoming after it,
//! since no session lasts more than [`MAX_SESSION`].

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::CompletionFilter;
use lectern_api_types::stats::{StatsFilter, Summary};
use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, Func, Query, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait as _, DbBackend, EntityTrait as _,
    FromQueryResult as _, QueryFilter as _, QuerySelect as _, QueryTrait as _,
};

use super::{Counters, median, with_counters};
use crate::db::Db;
use crate::domain::times::MAX_SESSION;
use crate::domain::{AuthUser, Scope};
use crate::entities::completion;
use crate::services::sessions::query::{bounds, filtered};
use crate::services::{ServiceResult, sql};

/// Days `first..end`, either end open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Days {
    first: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl Days {
    fn is_empty(self) -> bool {
        matches!((self.first, self.end), (Some(first), Some(end)) if first >= end)
    }
}

/// Instants `start..end`, either end open.
type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// How `from..to` splits for `now`: the runs of whole UTC days the
/// per-day figures answer (those before the window around now, then those
/// after it), and the spans around them the sessions answer.
fn split(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Plan {
    // The first day wholly at or after `from`, and the day `to` falls in:
    // every day before it ends by `to`.
    let first = from.map(|from| {
        let day = from.date_naive();
        if midnight(day) == from {
            day
        } else {
            day + Duration::days(1)
        }
    });
    let end = to.map(|to| to.date_naive());
    // Sessions of days from `window_start` on may still be running now;
    // those from `window_end` on have not begun.
    let today = now.date_naive();
    let window_start = today - Duration::days(MAX_SESSION.num_days());
    let window_end = today + Duration::days(1);
    let before = Days {
        first,
        end: Some(end.map_or(window_start, |end| Ord::min(end, window_start))),
    };
    let after = Days {
        first: Some(first.map_or(window_end, |first| Ord::max(first, window_end))),
        end,
    };
    let runs: Vec<Days> = [before, after]
        .into_iter()
        .filter(|days| !days.is_empty())
        .collect();
    // The gaps between `from`, the runs and `to`.
    let mut spans = Vec::new();
    let mut cursor = from;
    for days in &runs {
        let start = days.first.map(midnight);
        if start.is_some() && cursor.is_none_or(|cursor| Some(cursor) < start) {
            spans.push((cursor, start));
        }
        cursor = days.end.map(midnight);
        if cursor.is_none() {
            break;
        }
    }
    if let Some(cursor) = cursor
        && to.is_none_or(|to| cursor < to)
    {
        spans.push((Some(cursor), to));
    }
    Plan {
        runs,
        spans,
        window: (window_start, window_end),
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Plan {
    runs: Vec<Days>,
    spans: Vec<Span>,
    window: (NaiveDate, NaiveDate),
}

/// The counters in the order [`with_counters`] selects them, which the
/// per-day rows must match to be read in one `UNION ALL` with them.
const COUNTERS: [&str; 11] = [
    "scheduled",
    "completed",
    "cancelled",
    "overdue",
    "upcoming",
    "verified",
    "returned",
    "unreviewed",
    "on_time",
    "scheduled_minutes",
    "actual_minutes",
];

/// The summary for `filter`, or `None` when the per-day figures cannot
/// answer it: a person's or a batch's figures, which those rows do not
/// keep, or a range shorter than the window they leave to the sessions.
///
/// Two statements, each a `UNION ALL` of the per-day rows and the
/// sessions of the spans: at ten thousand sessions a statement's round
/// trip costs more than the rows it reads.
pub async fn summary(
    db: &Db,
    caller: &AuthUser,
    filter: &StatsFilter,
    now: DateTime<Utc>,
) -> ServiceResult<Option<Summary>> {
    let branches: Vec<i64> = match caller.scope() {
        Scope::Own { .. } => return Ok(None),
        Scope::Everything => filter.branch_id.into_iter().collect(),
        Scope::Branch(branch) => [Some(branch), filter.branch_id]
            .into_iter()
            .flatten()
            .collect(),
    };
    if filter.user_id.is_some() || filter.batch_id.is_some() {
        return Ok(None);
    }
    let (from, to) = bounds(db, caller, filter.branch_id, filter.from, filter.to).await?;
    let plan = split(from, to, now);
    if plan.runs.is_empty() {
        return Ok(None);
    }
    let backend = db.get_database_backend();

    let mut counters = day_counters(&plan, &branches, backend);
    let mut lateness = day_lateness(&plan, &branches, backend);
    let list = CompletionFilter {
        branch_id: filter.branch_id,
        ..CompletionFilter::default()
    };
    let scope = filtered(db, caller, &list).await?;
    // One part per span: an `OR` of ranges would keep SQLite from reading
    // either as a range of the branch's index, and it would read the
    // branch's every session instead.
    for &(start, end) in &plan.spans {
        let mut condition = scope.clone();
        if let Some(start) = start {
            condition = condition.add(completion::Column::ScheduledStart.gte(start));
        }
        if let Some(end) = end {
            condition = condition.add(completion::Column::ScheduledStart.lt(end));
        }
        counters.union(
            UnionType::All,
            with_counters(completion::Entity::find().select_only(), backend, now)
                .filter(condition.clone())
                .into_query(),
        );
        lateness.union(UnionType::All, session_lateness(condition));
    }
    let mut total = Query::select()
        .from_subquery(counters, Alias::new("parts"))
        .take();
    for name in COUNTERS {
        total.expr_as(
            sql::sum_i64(backend, Expr::col(Alias::new(name))),
            Alias::new(name),
        );
    }
    let counters = match db.query_one(&total).await? {
        Some(row) => Counters::from_query_result(&row, "")?,
        None => Counters::default(),
    };
    let mut histogram = Vec::new();
    for row in db.query_all(&lateness).await? {
        histogram.push((row.try_get("", "late_minutes")?, row.try_get("", "n")?));
    }
    Ok(Some(counters.into_summary(median::median(&mut histogram))))
}

/// `table`'s rows of `branches` (all with none) on the days of `runs`.
fn of_days(table: &str, plan: &Plan, branches: &[i64]) -> SelectStatement {
    let column = |name: &str| Expr::col((Alias::new(table), Alias::new(name)));
    let mut select = Query::select().from(Alias::new(table)).take();
    for &branch in branches {
        select.and_where(column("branch_id").eq(branch));
    }
    let days = plan.runs.iter().fold(Condition::any(), |any, days| {
        let mut run = Condition::all();
        if let Some(first) = days.first {
            run = run.add(column("day").gte(first));
        }
        if let Some(end) = days.end {
            run = run.add(column("day").lt(end));
        }
        any.add(run)
    });
    select.cond_where(days);
    select
}

/// The counters the per-day figures hold for the days of `plan`, as one
/// row of [`COUNTERS`].
fn day_counters(plan: &Plan, branches: &[i64], backend: DbBackend) -> SelectStatement {
    let column = |name: &str| Expr::col(Alias::new(name));
    let (window_start, window_end) = plan.window;
    let mut select = of_days("session_days", plan, branches);
    for name in COUNTERS {
        let value = match name {
            "overdue" => Expr::case(column("day").lt(window_start), column("pending"))
                .finally(Expr::val(0))
                .into(),
            "upcoming" => Expr::case(column("day").gte(window_end), column("pending"))
                .finally(Expr::val(0))
                .into(),
            counter => column(counter),
        };
        select.expr_as(sql::sum_i64(backend, value), Alias::new(name));
    }
    select
}

/// How many sessions of the days of `plan` began each number of minutes late.
fn day_lateness(plan: &Plan, branches: &[i64], backend: DbBackend) -> SelectStatement {
    let mut select = of_days("session_day_lateness", plan, branches);
    select
        .column(Alias::new("late_minutes"))
        .expr_as(
            sql::sum_i64(backend, Expr::col(Alias::new("sessions"))),
            Alias::new("n"),
        )
        .group_by_col(Alias::new("late_minutes"));
    select
}

/// How many completed sessions `condition` selects began each number of
/// minutes late.
fn session_lateness(condition: Condition) -> SelectStatement {
    Query::select()
        .expr_as(
            Expr::col((completion::Entity, completion::Column::LateMinutes)),
            Alias::new("late_minutes"),
        )
        .expr_as(Func::count(Expr::val(1)), Alias::new("n"))
        .from(completion::Entity)
        .cond_where(
            condition
                .add(completion::Column::Status.eq(CompletionStatus::Completed))
                .add(completion::Column::LateMinutes.is_not_null()),
        )
        .group_by_col((completion::Entity, completion::Column::LateMinutes))
        .take()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn days(first: Option<&str>, end: Option<&str>) -> Days {
        Days {
            first: first.map(day),
            end: end.map(day),
        }
    }

    const NOW: &str = "2026-11-30T10:00:00Z";

    #[test]
    fn a_local_month_in_the_past_reads_its_whole_days_and_the_sessions_at_either_end() {
        // March in Kolkata: 18:30 UTC the day before to 18:30 on the last.
        let plan = split(
            Some(at("2026-02-28T18:30:00Z")),
            Some(at("2026-03-31T18:30:00Z")),
            at(NOW),
        );
        assert_eq!(
            plan.runs,
            vec![days(Some("2026-03-01"), Some("2026-03-31"))]
        );
        assert_eq!(
            plan.spans,
            vec![
                (
                    Some(at("2026-02-28T18:30:00Z")),
                    Some(at("2026-03-01T00:00:00Z"))
                ),
                (
                    Some(at("2026-03-31T00:00:00Z")),
                    Some(at("2026-03-31T18:30:00Z"))
                ),
            ]
        );
    }

    #[test]
    fn the_days_around_now_are_read_from_the_sessions() {
        let plan = split(None, None, at(NOW));
        assert_eq!(
            plan.runs,
            vec![
                days(None, Some("2026-11-29")),
                days(Some("2026-12-01"), None)
            ]
        );
        assert_eq!(
            plan.spans,
            vec![(
                Some(at("2026-11-29T00:00:00Z")),
                Some(at("2026-12-01T00:00:00Z"))
            )]
        );
        assert_eq!(plan.window, (day("2026-11-29"), day("2026-12-01")));
    }

    #[test]
    fn a_range_inside_the_window_has_no_runs() {
        let plan = split(
            Some(at("2026-11-29T00:00:00Z")),
            Some(at("2026-12-01T00:00:00Z")),
            at(NOW),
        );
        assert!(plan.runs.is_empty());
        let short = split(
            Some(at("2026-03-01T06:00:00Z")),
            Some(at("2026-03-02T06:00:00Z")),
            at(NOW),
        );
        assert!(short.runs.is_empty());
    }

    #[test]
    fn every_instant_of_the_range_is_read_exactly_once() {
        let bounds = [
            None,
            Some("2026-02-28T18:30:00Z"),
            Some("2026-11-28T23:00:00Z"),
            Some("2026-11-29T00:00:00Z"),
            Some("2026-11-30T12:00:00Z"),
            Some("2026-12-01T00:00:00Z"),
            Some("2026-12-02T05:45:00Z"),
        ];
        // Probes every quarter hour from a week before the first bound.
        let probes: Vec<DateTime<Utc>> = (0..(280 * 24 * 4))
            .map(|i| at("2026-02-20T00:00:00Z") + Duration::minutes(15 * i))
            .collect();
        for from in bounds {
            for to in bounds {
                let (from, to) = (from.map(at), to.map(at));
                let plan = split(from, to, at(NOW));
                for &probe in &probes {
                    let in_range =
                        from.is_none_or(|from| probe >= from) && to.is_none_or(|to| probe < to);
                    let day = probe.date_naive();
                    let in_runs = plan
                        .runs
                        .iter()
                        .filter(|days| {
                            days.first.is_none_or(|first| day >= first)
                                && days.end.is_none_or(|end| day < end)
                        })
                        .count();
                    let in_spans = plan
                        .spans
                        .iter()
                        .filter(|(start, end)| {
                            start.is_none_or(|start| probe >= start)
                                && end.is_none_or(|end| probe < end)
                        })
                        .count();
                    assert_eq!(
                        in_runs + in_spans,
                        usize::from(in_range),
                        "{from:?}..{to:?} at {probe}: {plan:?}"
                    );
                    // No day the figures answer may hold a session running now.
                    if in_runs > 0 {
                        assert!(day < plan.window.0 || day >= plan.window.1);
                    }
                }
            }
        }
    }
}
