//! `PATCH` of a session under optimistic locking: each group of fields
//! changes only where the state machine allows it.

use lectern_api_types::schedule::LateReason;
use lectern_api_types::sessions::{Completion, CompletionPatch, ON_TIME_MINUTES};
use lectern_api_types::time::TimeInput;
use serde_json::{Map, json};

use super::SessionRow;
use super::create::clean;
use super::write::{Chosen, Plan, apply, changed, stale};
use crate::audit;
use crate::clock;
use crate::db::Db;
use crate::domain::AuthUser;
use crate::domain::lifecycle::Action;
use crate::domain::times::{check_span, late_minutes};
use crate::entities::completion::Column;
use crate::services::error::ConflictKind;
use crate::services::{ServiceError, ServiceResult};

/// Edits what the session's state allows: the title and schedule of a
/// pending ad-hoc session, the actual times and code of a completed record
/// not yet verified, and the notes of any record not verified. `version`
/// must be current.
pub async fn update(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    patch: CompletionPatch,
) -> ServiceResult<Completion> {
    apply(db, caller, id, |row| plan(row, caller, &patch)).await
}

fn plan(
    row: &SessionRow,
    caller: &AuthUser,
    patch: &CompletionPatch,
) -> ServiceResult<Option<Plan>> {
    if row.version != patch.version {
        return Err(stale(row.version));
    }
    let mut details = Map::new();
    let mut plan = Plan::new(row.state(), audit::Action::Update, json!(null));

    if patch.title.is_some() || patch.scheduled_start.is_some() || patch.scheduled_end.is_some() {
        row.decide(caller, Action::EditSchedule)?;
        if row.occurrence_id.is_some() {
            return Err(ServiceError::Conflict {
                kind: ConflictKind::InvalidTransition,
                detail: "A batch session's title and schedule come from its batch; change the batch instead.".into(),
                field: None,
            });
        }
        let start = patch.scheduled_start.unwrap_or(row.scheduled_start);
        let end = patch.scheduled_end.unwrap_or(row.scheduled_end);
        check_span(start, end, "scheduled_end", "scheduled_start")?;
        if let Some(title) = patch.title.as_ref().map(|title| title.as_str()) {
            changed(&mut details, "title", &row.title, &title);
            plan = plan.set(Column::Title, title);
        }
        if start != row.scheduled_start || end != row.scheduled_end {
            changed(
                &mut details,
                "scheduled_start",
                &row.scheduled_start,
                &start,
            );
            changed(&mut details, "scheduled_end", &row.scheduled_end, &end);
            plan = plan
                .set(Column::ScheduledStart, start)
                .set(Column::ScheduledEnd, end);
        }
    }

    if patch.actual_start_time.is_some()
        || patch.actual_end_time.is_some()
        || patch.completion_code.is_some()
    {
        row.decide(caller, Action::EditRecord)?;
        let sitting = row.sitting()?;
        let start = patch
            .actual_start_time
            .map(|input| sitting.resolve(input))
            .or(row.actual_start)
            .unwrap_or(row.scheduled_start);
        let end = patch.actual_end_time.unwrap_or_else(|| {
            TimeInput::Instant(row.actual_end.unwrap_or(row.scheduled_end).fixed_offset())
        });
        let (start, end) = sitting.actual_span(start, end, clock::now())?;
        if Some(start) != row.actual_start || Some(end) != row.actual_end {
            changed(&mut details, "actual_start", &row.actual_start, &start);
            changed(&mut details, "actual_end", &row.actual_end, &end);
            let late = late_minutes(row.scheduled_start, start);
            plan = plan
                .set(Column::ActualStart, start)
                .set(Column::ActualEnd, end)
                .set(Column::LateMinutes, late);
            // A reason for lateness the corrected times no longer show goes.
            if late <= ON_TIME_MINUTES && row.late_reason.is_some() {
                changed(&mut details, "late_reason", &row.late_reason, &None::<()>);
                plan = plan.set(Column::LateReason, None::<LateReason>);
            }
        }
        if let Some(code) = patch
            .completion_code
            .clone()
            .filter(|code| row.completion_code.as_deref() != Some(code.as_str()))
        {
            changed(
                &mut details,
                "completion_code",
                &row.completion_code,
                &code.as_str(),
            );
            plan = plan.set(Column::CompletionCode, code.as_str());
            plan.code = Some((code, Chosen::ByClient));
        }
    }

    if let Some(notes) = &patch.notes {
        row.decide(caller, Action::EditNotes)?;
        let notes = clean(notes.clone());
        if notes != row.notes {
            changed(&mut details, "notes", &row.notes, &notes);
            plan = plan.set(Column::Notes, notes);
        }
    }

    if details.is_empty() {
        return Ok(None);
    }
    plan.details = details.into();
    Ok(Some(plan))
}
