//! Recording what happened to a scheduled session: held (complete) or not
//! (cancel).

use lectern_api_types::Role;
use lectern_api_types::sessions::{CancelRequest, CompleteRequest, Completion, ON_TIME_MINUTES};
use sea_orm::EntityTrait as _;
use serde_json::json;

use super::SessionRow;
use super::codes;
use super::create::clean;
use super::write::{Chosen, Plan, apply, no_such_colleague};
use crate::audit;
use crate::clock;
use crate::db::Db;
use crate::domain::AuthUser;
use crate::domain::completion_code;
use crate::domain::lifecycle::Action;
use crate::domain::times::{CLOCK_SKEW, late_minutes};
use crate::entities::completion::Column;
use crate::entities::user;
use crate::services::error::ConflictKind;
use crate::services::{ServiceError, ServiceResult};

/// Marks a pending session held, recorded by the caller. Without a code the
/// server makes one, drawing again if it collides; a code the client chose
/// that is taken is a 409.
pub async fn complete(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    request: CompleteRequest,
) -> ServiceResult<Completion> {
    let notes = clean(request.notes);
    let substitute = match request.delivered_by {
        Some(user_id) => Some(
            user::Entity::find_by_id(user_id)
                .one(db)
                .await?
                .ok_or_else(no_such_colleague)?,
        ),
        None => None,
    };
    apply(db, caller, id, |row| {
        let to = row.decide(caller, Action::Complete)?;
        if let Some(substitute) = &substitute {
            check_substitute(substitute, row)?;
        }
        // Instants are taken as sent, so without this a class next week
        // could be recorded as held today.
        if row.scheduled_start > clock::now() + CLOCK_SKEW {
            return Err(ServiceError::Conflict {
                kind: ConflictKind::InvalidTransition,
                detail: "The session has not started yet; record it once it has been held, or move it first if it was held earlier.".into(),
                field: None,
            });
        }
        let sitting = row.sitting()?;
        let start = sitting.resolve(request.actual_start_time);
        let (start, end) = sitting.actual_span(start, request.actual_end_time, clock::now())?;
        let (code, chosen) = match &request.completion_code {
            Some(code) => (code.clone(), Chosen::ByClient),
            None => {
                let (prefix, date) = codes::prefix_and_date(row)?;
                let drawn = completion_code::generate(&prefix, date, &mut rand::rng());
                (drawn, Chosen::ByServer)
            }
        };
        let late = late_minutes(row.scheduled_start, start);
        if request.late_reason.is_some() && late <= ON_TIME_MINUTES {
            return Err(ServiceError::invalid(
                "late_reason",
                format!(
                    "is only for a start more than {ON_TIME_MINUTES} minutes late; this one began {late} min after the scheduled start"
                ),
            ));
        }
        let details = json!({
            "actual_start": start, "actual_end": end, "completion_code": code.as_str(),
            "generated": chosen == Chosen::ByServer, "late_reason": request.late_reason,
            "delivered_by": request.delivered_by,
        });
        let mut plan = Plan::new(to, audit::Action::Complete, details)
            .set(Column::ActualStart, start)
            .set(Column::ActualEnd, end)
            .set(Column::LateMinutes, late)
            .set(Column::LateReason, request.late_reason)
            .set(Column::DeliveredBy, request.delivered_by)
            .set(Column::CompletionCode, code.as_str())
            .set(Column::CompletedAt, clock::now())
            .set(Column::RecordedBy, caller.id());
        if let Some(notes) = &notes {
            plan = plan.set(Column::Notes, notes.clone());
        }
        plan.code = Some((code, chosen));
        plan.substitute = request.delivered_by;
        Ok(Some(plan))
    })
    .await
}

/// A substitute is another active faculty member or employee of the
/// session's own branch.
fn check_substitute(substitute: &user::Model, row: &SessionRow) -> ServiceResult<()> {
    if substitute.id == row.user_id {
        return Err(ServiceError::invalid(
            "delivered_by",
            "is the session's own teacher; leave it empty",
        ));
    }
    let colleague = substitute.active
        && substitute.branch_id == Some(row.branch_id)
        && matches!(substitute.role, Role::Faculty | Role::Employee);
    if colleague {
        Ok(())
    } else {
        Err(no_such_colleague())
    }
}

/// Marks a pending session as not held, with the reason why.
pub async fn cancel(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    request: CancelRequest,
) -> ServiceResult<Completion> {
    let reason = request.reason.as_str();
    apply(db, caller, id, |row| {
        let to = row.decide(caller, Action::Cancel)?;
        let plan = Plan::new(to, audit::Action::Cancel, json!({"reason": reason}))
            .set(Column::CancelReason, reason)
            .set(Column::CancelledAt, clock::now());
        Ok(Some(plan))
    })
    .await
}
