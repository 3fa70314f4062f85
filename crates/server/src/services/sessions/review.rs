//! Review of completed sessions: admins verify a record against the code
//! the class was given or return it for correction; its owner resubmits it;
//! an admin may reopen a verified record. Nobody reviews a session they own
//! or recorded.

use lectern_api_types::sessions::{Completion, ReopenRequest, ReturnRequest, VerifyRequest};
use serde_json::json;

use super::write::{Plan, apply};
use crate::audit;
use crate::clock;
use crate::db::Db;
use crate::domain::AuthUser;
use crate::domain::lifecycle::Action;
use crate::entities::completion::Column;
use crate::services::{ServiceError, ServiceResult};

/// Confirms the code the class was given; who and when are kept, and the
/// record is locked.
pub async fn verify(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    request: VerifyRequest,
) -> ServiceResult<Completion> {
    let code = request.completion_code;
    apply(db, caller, id, |row| {
        let to = row.decide(caller, Action::Verify)?;
        if row.completion_code.as_deref() != Some(code.as_str()) {
            return Err(ServiceError::invalid(
                "completion_code",
                "does not match the code this session was completed with",
            ));
        }
        let details = json!({"completion_code": code.as_str()});
        let plan = Plan::new(to, audit::Action::Verify, details)
            .set(Column::VerifiedAt, clock::now())
            .set(Column::VerifiedBy, caller.id());
        Ok(Some(plan))
    })
    .await
}

/// Sends a completed record back to its owner with what to correct.
pub async fn send_back(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    request: ReturnRequest,
) -> ServiceResult<Completion> {
    let reason = request.reason.as_str();
    apply(db, caller, id, |row| {
        let to = row.decide(caller, Action::Return)?;
        let plan = Plan::new(to, audit::Action::Return, json!({"reason": reason}))
            .set(Column::ReturnReason, reason);
        Ok(Some(plan))
    })
    .await
}

/// The owner hands a corrected record back for review.
pub async fn resubmit(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<Completion> {
    apply(db, caller, id, |row| {
        let to = row.decide(caller, Action::Resubmit)?;
        let details = json!({"return_reason": row.return_reason});
        let plan = Plan::new(to, audit::Action::Resubmit, details)
            .set(Column::ReturnReason, None::<String>);
        Ok(Some(plan))
    })
    .await
}

/// Undoes a verification, with the reason in the audit log; the record is
/// editable again and awaits review.
pub async fn reopen(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    request: ReopenRequest,
) -> ServiceResult<Completion> {
    let reason = request.reason.as_str();
    apply(db, caller, id, |row| {
        let to = row.decide(caller, Action::Reopen)?;
        let details = json!({
            "reason": reason, "verified_by": row.verified_by, "verified_at": row.verified_at,
        });
        let plan = Plan::new(to, audit::Action::Reopen, details)
            .set(Column::VerifiedAt, None::<chrono::DateTime<chrono::Utc>>)
            .set(Column::VerifiedBy, None::<i64>);
        Ok(Some(plan))
    })
    .await
}
