//! Branch holidays. No sitting is generated on one, and adding one cancels
//! the pending sittings already on its date; completed ones stay.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use icalendar::{Calendar, CalendarComponent, Component as _, DatePerhapsTime};
use lectern_api_types::Page;
use lectern_api_types::holidays::{Holiday, HolidayImport, HolidayQuery, NewHoliday};
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::time::date_in_range;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, Set,
};
use serde_json::json;

use super::error::violates_unique;
use super::sessions::search::documents::{self, Sessions};
use super::sessions::{SessionRow, select_rows};
use super::{ServiceError, ServiceResult};
use super::{batches, branches, schedule};
use crate::audit::{Action, Change, Entity};
use crate::db::{Db, begin_write};
use crate::domain::schedule::local_instant;
use crate::domain::{AuthUser, BranchTimezone};
use crate::entities::{batch, completion, holiday, occurrence};
use crate::{clock, outbox, pagination};

/// The longest span one `.ics` import may cover, so a file cannot turn
/// into an unbounded number of rows.
const MAX_IMPORT_DAYS: usize = 1000;

impl From<holiday::Model> for Holiday {
    fn from(model: holiday::Model) -> Self {
        Holiday {
            id: model.id,
            branch_id: model.branch_id,
            date: model.date,
            name: model.name,
            created_at: model.created_at,
        }
    }
}

/// The branch's holidays from `from` to `to`, by date.
pub async fn between<C: ConnectionTrait>(
    db: &C,
    branch_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<NaiveDate, String>, DbErr> {
    Ok(holiday::Entity::find()
        .select_only()
        .column(holiday::Column::Date)
        .column(holiday::Column::Name)
        .filter(holiday::Column::BranchId.eq(branch_id))
        .filter(holiday::Column::Date.between(from, to))
        .into_tuple::<(NaiveDate, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

fn require_admin(caller: &AuthUser) -> ServiceResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ServiceError::forbidden("Only admins manage holidays."))
    }
}

/// A branch's holidays, by date; everyone in the branch may read them.
pub async fn list(
    db: &Db,
    caller: &AuthUser,
    branch_id: i64,
    query: HolidayQuery,
) -> ServiceResult<Page<Holiday>> {
    branches::find_visible(db, caller, branch_id).await?;
    for (date, field) in [(query.from, "from"), (query.to, "to")] {
        if let Some(date) = date {
            date_in_range(date).map_err(|why| ServiceError::invalid(field, why))?;
        }
    }
    let mut select = holiday::Entity::find().filter(holiday::Column::BranchId.eq(branch_id));
    if let Some(from) = query.from {
        select = select.filter(holiday::Column::Date.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(holiday::Column::Date.lte(to));
    }
    if let Some(cursor) = &query.cursor {
        let after: NaiveDate = pagination::decode(cursor)?;
        select = select.filter(holiday::Column::Date.gt(after));
    }
    let limit = pagination::limit(query.limit);
    let rows = select
        .order_by_asc(holiday::Column::Date)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(pagination::page(rows, limit, |row| row.date, Holiday::from))
}

fn taken() -> ServiceError {
    ServiceError::duplicate("date", "The branch already has a holiday on that date.")
}

/// Adds a holiday and cancels the branch's pending sittings on its date.
pub async fn create(
    db: &Db,
    caller: &AuthUser,
    branch_id: i64,
    new: NewHoliday,
) -> ServiceResult<Holiday> {
    branches::find_visible(db, caller, branch_id).await?;
    require_admin(caller)?;
    let txn = begin_write(db).await?;
    let timezone = branches::hold(&txn, branch_id).await?;
    // The unique index on branch and date refuses a second holiday.
    let (created, cancelled) = add(
        &txn,
        caller,
        branch_id,
        timezone,
        new.date,
        new.name.as_str(),
    )
    .await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(branch_id),
        action: Action::Create,
        entity: Entity::Holiday,
        entity_id: created.id,
        details: json!({"date": created.date, "name": created.name, "sessions_cancelled": cancelled}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(created.into())
}

async fn add<C: ConnectionTrait>(
    txn: &C,
    caller: &AuthUser,
    branch_id: i64,
    timezone: BranchTimezone,
    date: NaiveDate,
    name: &str,
) -> ServiceResult<(holiday::Model, u64)> {
    date_in_range(date).map_err(|why| ServiceError::invalid("date", why))?;
    let now = clock::now();
    let created = holiday::ActiveModel {
        branch_id: Set(branch_id),
        date: Set(date),
        name: Set(name.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|err| {
        if violates_unique(&err, "date") {
            taken()
        } else {
            err.into()
        }
    })?;
    let cancelled = cancel_on(txn, caller, &created, timezone).await?;
    Ok((created, cancelled))
}

/// Cancels the pending batch sittings of the branch on `holiday`'s date,
/// each with its audit entry and its webhooks, and returns how many.
async fn cancel_on<C: ConnectionTrait>(
    txn: &C,
    caller: &AuthUser,
    holiday: &holiday::Model,
    timezone: BranchTimezone,
) -> ServiceResult<u64> {
    let (branch_id, date, name) = (holiday.branch_id, holiday.date, holiday.name.as_str());
    let from = local_instant(timezone, date, NaiveTime::MIN);
    let to = local_instant(timezone, date + Duration::days(1), NaiveTime::MIN);
    let rows: Vec<SessionRow> = select_rows()
        .filter(completion::Column::BranchId.eq(branch_id))
        .filter(completion::Column::OccurrenceId.is_not_null())
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .filter(completion::Column::ScheduledStart.gte(from))
        .filter(completion::Column::ScheduledStart.lt(to))
        .into_model::<SessionRow>()
        .all(txn)
        .await?;
    let reason = format!("Holiday: {name}");
    let now = clock::now();
    let mut cancelled = Vec::with_capacity(rows.len());
    for row in &rows {
        let done = completion::Entity::update_many()
            .col_expr(
                completion::Column::Status,
                Expr::value(CompletionStatus::Cancelled),
            )
            .col_expr(
                completion::Column::CancelReason,
                Expr::value(reason.clone()),
            )
            .col_expr(completion::Column::CancelledAt, Expr::value(now))
            .col_expr(
                completion::Column::CancelledByHoliday,
                Expr::value(holiday.id),
            )
            .col_expr(
                completion::Column::Version,
                Expr::col(completion::Column::Version).add(1),
            )
            .col_expr(completion::Column::UpdatedAt, Expr::value(now))
            .filter(completion::Column::Id.eq(row.id))
            .filter(completion::Column::Status.eq(CompletionStatus::Pending))
            .exec(txn)
            .await?;
        if done.rows_affected != 1 {
            continue;
        }
        Change {
            actor: Some(caller.id()),
            branch: Some(branch_id),
            action: Action::Cancel,
            entity: Entity::Session,
            entity_id: row.id,
            details: json!({"reason": reason}),
        }
        .record(txn)
        .await?;
        outbox::events::session_changed(txn, Action::Cancel, row, caller).await?;
        cancelled.push(row.id);
    }
    let count = cancelled.len() as u64;
    if !cancelled.is_empty() {
        documents::refresh(txn, Sessions::Ids(cancelled)).await?;
    }
    Ok(count)
}

/// Removes a holiday. One still to come is undone, since it was most
/// likely added by mistake (the wrong year, or another region's calendar):
/// the sittings it cancelled are pending again, and batches made while it
/// stood get their sitting on its date. One already past is history: the
/// sittings it cancelled stay cancelled.
pub async fn delete(
    db: &Db,
    caller: &AuthUser,
    branch_id: i64,
    holiday_id: i64,
) -> ServiceResult<()> {
    branches::find_visible(db, caller, branch_id).await?;
    holiday::Entity::find_by_id(holiday_id)
        .filter(holiday::Column::BranchId.eq(branch_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("holiday"))?;
    require_admin(caller)?;
    let txn = begin_write(db).await?;
    // Held like an addition, so no sitting is made or moved onto the date
    // while it is given back.
    let timezone = branches::hold(&txn, branch_id).await?;
    let Some(found) = holiday::Entity::find_by_id(holiday_id).one(&txn).await? else {
        txn.rollback().await?;
        return Err(ServiceError::NotFound("holiday"));
    };
    holiday::Entity::delete_by_id(holiday_id).exec(&txn).await?;
    let today = clock::now().with_timezone(&timezone.tz()).date_naive();
    let given_back = if found.date >= today {
        give_back(&txn, caller, &found, timezone).await?
    } else {
        GivenBack::default()
    };
    Change {
        actor: Some(caller.id()),
        branch: Some(branch_id),
        action: Action::Delete,
        entity: Entity::Holiday,
        entity_id: holiday_id,
        details: json!({
            "date": found.date,
            "name": found.name,
            "sessions_restored": given_back.restored,
            "sittings_added": given_back.added,
        }),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What deleting a holiday gave back.
#[derive(Default)]
struct GivenBack {
    restored: usize,
    added: usize,
}

/// Gives `holiday`'s day back to the batches that meet on it: the sittings
/// it cancelled are pending again, each with its audit entry, where their
/// batch still has that day (a moved or make-up sitting was placed there
/// by hand, and keeps it); then each batch whose dates span the day is
/// brought in line with its schedule there, which adds the sittings of
/// batches made while the holiday stood and sets the given back ones to
/// their batch's present times and teacher (a hand-placed one keeps its
/// times, and takes the teacher).
async fn give_back<C: ConnectionTrait>(
    txn: &C,
    caller: &AuthUser,
    holiday: &holiday::Model,
    timezone: BranchTimezone,
) -> ServiceResult<GivenBack> {
    let date = holiday.date;
    // Locked in id order, as every writer of many sessions locks them.
    let cancelled = completion::Entity::find()
        .filter(completion::Column::CancelledByHoliday.eq(holiday.id))
        .filter(completion::Column::Status.eq(CompletionStatus::Cancelled))
        .order_by_asc(completion::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    let sittings: HashMap<i64, occurrence::Model> = occurrence::Entity::find()
        .filter(occurrence::Column::Id.is_in(cancelled.iter().filter_map(|c| c.occurrence_id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|sitting| (sitting.id, sitting))
        .collect();
    // The batches whose dates span the day, and those of the sittings to
    // give back (a make-up may lie outside its batch's dates).
    let affected = batch::Entity::find()
        .filter(batch::Column::BranchId.eq(holiday.branch_id))
        .filter(
            Condition::any()
                .add(
                    batch::Column::StartDate
                        .lte(date)
                        .and(batch::Column::EndDate.gte(date)),
                )
                .add(batch::Column::Id.is_in(cancelled.iter().filter_map(|c| c.batch_id))),
        )
        .order_by_asc(batch::Column::Id)
        .all(txn)
        .await?;
    let mut schedules = HashMap::new();
    for batch in &affected {
        schedules.insert(batch.id, batches::template_of(txn, batch, timezone).await?);
    }
    let now = clock::now();
    let mut restored = Vec::new();
    for session in cancelled {
        let Some(sitting) = session.occurrence_id.and_then(|id| sittings.get(&id)) else {
            continue;
        };
        let placed_by_hand = sitting.moved || sitting.origin_date.is_none();
        let still_meets = session
            .batch_id
            .and_then(|batch| schedules.get(&batch))
            .is_some_and(|schedule| schedule.sittings().any(|s| s.date == date));
        if !placed_by_hand && !still_meets {
            continue;
        }
        completion::Entity::update_many()
            .col_expr(
                completion::Column::Status,
                Expr::value(CompletionStatus::Pending),
            )
            .col_expr(
                completion::Column::CancelReason,
                Expr::value(None::<String>),
            )
            .col_expr(
                completion::Column::CancelledAt,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(
                completion::Column::CancelledByHoliday,
                Expr::value(None::<i64>),
            )
            .col_expr(
                completion::Column::Version,
                Expr::col(completion::Column::Version).add(1),
            )
            .col_expr(completion::Column::UpdatedAt, Expr::value(now))
            .filter(completion::Column::Id.eq(session.id))
            .exec(txn)
            .await?;
        Change {
            actor: Some(caller.id()),
            branch: Some(holiday.branch_id),
            action: Action::Reopen,
            entity: Entity::Session,
            entity_id: session.id,
            details: json!({"from": "cancelled", "because": format!("Holiday deleted: {}", holiday.name)}),
        }
        .record(txn)
        .await?;
        restored.push(session.id);
    }
    let mut added = 0;
    for batch in &affected {
        let synced = schedule::sync_on(txn, batch, &schedules[&batch.id], date).await?;
        added += synced.added;
        if synced != schedule::Synced::default() {
            documents::refresh(txn, Sessions::OfBatch(batch.id)).await?;
        }
    }
    let given_back = GivenBack {
        restored: restored.len(),
        added,
    };
    if !restored.is_empty() {
        documents::refresh(txn, Sessions::Ids(restored)).await?;
    }
    Ok(given_back)
}

/// The all-day events of an iCalendar file as (date, name), a multi-day
/// event as each of its days. Timed events are not holidays and are left
/// out, as are events without a summary.
pub fn days_of(ics: &str) -> Result<Vec<(NaiveDate, String)>, ServiceError> {
    let bad = |message: String| ServiceError::invalid("file", message);
    let calendar: Calendar = ics
        .parse()
        .map_err(|err: String| bad(format!("is not an iCalendar file: {err}")))?;
    let mut days = Vec::new();
    for component in &calendar.components {
        let CalendarComponent::Event(event) = component else {
            continue;
        };
        let (Some(DatePerhapsTime::Date(start)), Some(summary)) =
            (event.get_start(), event.get_summary())
        else {
            continue;
        };
        // A calendar's summary is display text: control characters (U+0000
        // among them, which PostgreSQL cannot store; a tab or line break
        // between words) become one space between what they separated.
        let name = summary
            .split(char::is_control)
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        // DTEND of an all-day event is the day after its last one.
        let end = match event.get_end() {
            Some(DatePerhapsTime::Date(end)) if end > start => end,
            _ => start + Duration::days(1),
        };
        let name: String = name.chars().take(200).collect();
        for date in start.iter_days().take_while(|date| *date < end) {
            // Refused here, on the field the client sent, rather than by
            // `add` on a `date` the request never named.
            date_in_range(date)
                .map_err(|why| bad(format!("has a holiday on {date}: dates {why}")))?;
            days.push((date, name.clone()));
            if days.len() > MAX_IMPORT_DAYS {
                return Err(bad(format!(
                    "holds more than {MAX_IMPORT_DAYS} holiday days; split it by year"
                )));
            }
        }
    }
    days.sort();
    days.dedup_by_key(|(date, _)| *date);
    Ok(days)
}

/// Adds each all-day event of an `.ics` file as a holiday (days the branch
/// already has are left as they are), all in one transaction.
pub async fn import(
    db: &Db,
    caller: &AuthUser,
    branch_id: i64,
    ics: &str,
) -> ServiceResult<HolidayImport> {
    branches::find_visible(db, caller, branch_id).await?;
    require_admin(caller)?;
    let days = days_of(ics)?;
    let txn = begin_write(db).await?;
    let timezone = branches::hold(&txn, branch_id).await?;
    let existing: Vec<NaiveDate> = holiday::Entity::find()
        .select_only()
        .column(holiday::Column::Date)
        .filter(holiday::Column::BranchId.eq(branch_id))
        .filter(holiday::Column::Date.is_in(days.iter().map(|(date, _)| *date)))
        .into_tuple()
        .all(&txn)
        .await?;
    let mut added = Vec::new();
    let mut cancelled_sessions = 0;
    for (date, name) in days.iter().filter(|(date, _)| !existing.contains(date)) {
        let (created, cancelled) = add(&txn, caller, branch_id, timezone, *date, name).await?;
        cancelled_sessions += cancelled;
        added.push(Holiday::from(created));
    }
    Change {
        actor: Some(caller.id()),
        branch: Some(branch_id),
        action: Action::Create,
        entity: Entity::Holiday,
        entity_id: added.first().map_or(0, |holiday| holiday.id),
        details: json!({
            "imported": added.iter().map(|h| json!({"date": h.date, "name": h.name})).collect::<Vec<_>>(),
            "sessions_cancelled": cancelled_sessions,
        }),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(HolidayImport {
        already_there: days.len() - added.len(),
        added,
        cancelled_sessions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_day_events_become_holidays_and_timed_ones_do_not() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
            BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year’s Day\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\nSUMMARY:Staff meeting\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let days = days_of(ics).unwrap();
        let shown: Vec<String> = days.iter().map(|(d, n)| format!("{d} {n}")).collect();
        assert_eq!(
            shown,
            [
                "2026-12-25 Christmas",
                "2026-12-26 Christmas",
                "2027-01-01 New Year’s Day"
            ]
        );
    }

    #[test]
    fn control_characters_in_a_holidays_name_become_one_space() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
            BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:\u{0}Diwali\t\u{0} Deepavali\u{7}\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261226\r\nSUMMARY:\u{0}\u{0}\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let days = days_of(ics).unwrap();
        assert_eq!(
            days,
            [(
                NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
                "Diwali Deepavali".to_owned()
            )]
        );
    }

    #[test]
    fn a_file_that_is_not_a_calendar_is_refused() {
        let err = days_of("this is not a calendar").unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(fields) if fields.has("file")));
    }

    #[test]
    fn a_day_outside_the_four_digit_years_less_a_day_is_refused_on_the_file() {
        let calendar = |day: &str| {
            format!(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
                BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:{day}\r\nSUMMARY:The end\r\nEND:VEVENT\r\n\
                END:VCALENDAR\r\n"
            )
        };
        for day in ["99991231", "00010101"] {
            let err = days_of(&calendar(day)).unwrap_err();
            let ServiceError::Invalid(fields) = err else {
                panic!("{day}: {err:?}");
            };
            assert!(fields.has("file"), "{day}: {fields:?}");
            assert!(!fields.has("date"), "{day}: {fields:?}");
        }
        let days = days_of(&calendar("99991230")).unwrap();
        assert_eq!(days.len(), 1);
    }
}
