//! Ad-hoc sessions: ones held outside any batch.

use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{Completion, NewCompletion};
use sea_orm::{ActiveModelTrait as _, EntityTrait as _, Set};
use serde_json::json;

use super::reload;
use super::search::documents::{self, Sessions};
use crate::audit::{Action, Change, Entity};
use crate::clock;
use crate::db::{Db, begin_write};
use crate::domain::times::check_span;
use crate::domain::{AuthUser, Scope};
use crate::entities::{completion, user};
use crate::services::{ServiceError, ServiceResult};

/// Text people typed, trimmed; blank is none.
pub(crate) fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Creates an ad-hoc session: one held outside any batch.
pub async fn create(db: &Db, caller: &AuthUser, new: NewCompletion) -> ServiceResult<Completion> {
    let owner_id = new.user_id.unwrap_or(caller.id());
    if !caller.is_admin() && owner_id != caller.id() {
        return Err(ServiceError::forbidden(
            "You can only create your own sessions.",
        ));
    }
    let owner = user::Entity::find_by_id(owner_id)
        .one(db)
        .await?
        .filter(|owner| match caller.scope() {
            Scope::Everything => true,
            Scope::Branch(branch) => owner.branch_id == Some(branch),
            Scope::Own { user_id, .. } => owner.id == user_id,
        });
    let Some(owner) = owner else {
        return Err(ServiceError::invalid("user_id", "no such staff member"));
    };
    let Some(branch_id) = owner.branch_id else {
        return Err(ServiceError::invalid(
            "user_id",
            "super admins run no sessions; name a staff member",
        ));
    };
    if !owner.active {
        return Err(ServiceError::invalid(
            "user_id",
            "this account is deactivated",
        ));
    }
    check_span(
        new.scheduled_start,
        new.scheduled_end,
        "scheduled_end",
        "scheduled_start",
    )?;

    let now = clock::now();
    let title = String::from(new.title);
    let txn = begin_write(db).await?;
    let created = completion::ActiveModel {
        branch_id: Set(branch_id),
        user_id: Set(owner.id),
        title: Set(Some(title.clone())),
        scheduled_start: Set(new.scheduled_start),
        scheduled_end: Set(new.scheduled_end),
        notes: Set(clean(new.notes)),
        status: Set(CompletionStatus::Pending),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    documents::refresh(&txn, Sessions::Ids(vec![created.id])).await?;
    Change {
        actor: Some(caller.id()),
        branch: Some(branch_id),
        action: Action::Create,
        entity: Entity::Session,
        entity_id: created.id,
        details: json!({
            "title": title, "user_id": owner.id,
            "scheduled_start": created.scheduled_start, "scheduled_end": created.scheduled_end,
        }),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    reload(db, caller, created.id).await
}
