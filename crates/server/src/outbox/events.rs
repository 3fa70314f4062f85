//! What changes leave for the worker: the jobs each cause makes, written
//! in the cause's own transaction.

use chrono::{DateTime, Utc};
use lectern_api_types::Role;
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{Attachment, Completion};
use lectern_api_types::webhooks::WebhookEvent;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _,
};

use super::store::enqueue;
use super::{Job, Mail, MailJob};
use crate::audit;
use crate::clock;
use crate::domain::AuthUser;
use crate::domain::times::MAX_SESSION;
use crate::entities::{completion, user};
use crate::services::ServiceResult;
use crate::services::sessions::{self, SessionRow};
use crate::webhooks;

/// The session as the API shows it now, inside the change's transaction.
async fn session_now<C: ConnectionTrait>(db: &C, id: i64) -> ServiceResult<Option<Completion>> {
    let Some(row) = sessions::select_rows()
        .filter(completion::Column::Id.eq(id))
        .into_model::<SessionRow>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut shown = sessions::to_completions(db, vec![row]).await?;
    Ok(shown.pop())
}

/// What webhooks hear of a change to a session: a record made again
/// after being returned is completed as much as the first one.
fn webhook_event(action: audit::Action) -> Option<WebhookEvent> {
    match action {
        audit::Action::Complete | audit::Action::Resubmit => Some(WebhookEvent::SessionCompleted),
        audit::Action::Cancel => Some(WebhookEvent::SessionCancelled),
        audit::Action::Verify => Some(WebhookEvent::SessionVerified),
        audit::Action::Return => Some(WebhookEvent::SessionReturned),
        _ => None,
    }
}

/// The jobs of a change to one session by `caller`.
pub async fn session_changed<C: ConnectionTrait>(
    db: &C,
    action: audit::Action,
    row: &SessionRow,
    caller: &AuthUser,
) -> ServiceResult<()> {
    if let Some(event) = webhook_event(action) {
        let hooks = webhooks::subscribers(db, event, row.branch_id).await?;
        if !hooks.is_empty() {
            let session = session_now(db, row.id).await?;
            webhooks::leave(db, &hooks, event.as_str(), session, None::<()>).await?;
        }
    }
    let mail = |mail, to_user_id| {
        Job::Mail(
            mail,
            MailJob {
                session_id: row.id,
                to_user_id,
            },
        )
    };
    match action {
        audit::Action::Complete => {
            // The branch's admins review it; the one who recorded it knows.
            let admins: Vec<i64> = user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .filter(user::Column::Role.eq(Role::BranchAdmin))
                .filter(user::Column::BranchId.eq(row.branch_id))
                .filter(user::Column::Active.eq(true))
                .filter(user::Column::NotifyCompleted.eq(true))
                .filter(user::Column::Id.ne(caller.id()))
                .into_tuple()
                .all(db)
                .await?;
            for admin in admins {
                enqueue(db, mail(Mail::Completed, admin), clock::now(), None).await?;
            }
        }
        audit::Action::Return => {
            enqueue(db, mail(Mail::Returned, row.user_id), clock::now(), None).await?;
        }
        _ => {}
    }
    Ok(())
}

/// The jobs of a file attached to a session, inside the attaching
/// transaction.
pub async fn attachment_created<C: ConnectionTrait>(
    db: &C,
    session_id: i64,
    branch_id: i64,
    attachment: &Attachment,
) -> ServiceResult<()> {
    let hooks = webhooks::subscribers(db, WebhookEvent::AttachmentCreated, branch_id).await?;
    if !hooks.is_empty() {
        let session = session_now(db, session_id).await?;
        webhooks::leave(
            db,
            &hooks,
            WebhookEvent::AttachmentCreated.as_str(),
            session,
            Some(attachment),
        )
        .await?;
    }
    Ok(())
}

/// How far back a session's overdue moment may lie for it to be told
/// about: a server started on an old database tells of the last week's,
/// not of every session nobody ever recorded.
const OVERDUE_LOOKBACK: chrono::Duration = chrono::Duration::days(7);

/// Leaves an overdue email for each pending session that ended before
/// `cutoff` (within the look-back) whose owner wants one; once per
/// session, however often and on however many servers this runs.
pub async fn overdue<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> Result<usize, DbErr> {
    let wanting = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Active.eq(true))
        .and_where(user::Column::NotifyOverdue.eq(true))
        .to_owned();
    let owed: Vec<(i64, i64)> = completion::Entity::find()
        .select_only()
        .column(completion::Column::Id)
        .column(completion::Column::UserId)
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .filter(completion::Column::ScheduledEnd.lte(cutoff))
        .filter(completion::Column::ScheduledEnd.gt(cutoff - OVERDUE_LOOKBACK))
        // The same window on the start, which the pending sessions' index
        // orders by: without it the job read every pending session, past
        // and future, a quarter of a second at 1,000,000 on SQLite
        // (docs/DECISIONS.md). No session lasts longer than MAX_SESSION,
        // so the bound drops none.
        .filter(completion::Column::ScheduledStart.lt(cutoff))
        .filter(completion::Column::ScheduledStart.gt(cutoff - OVERDUE_LOOKBACK - MAX_SESSION))
        .filter(completion::Column::UserId.in_subquery(wanting))
        .into_tuple()
        .all(db)
        .await?;
    for &(session_id, to_user_id) in &owed {
        let job = Job::Mail(
            Mail::Overdue,
            MailJob {
                session_id,
                to_user_id,
            },
        );
        enqueue(db, job, clock::now(), Some(format!("overdue:{session_id}"))).await?;
    }
    Ok(owed.len())
}
