//! Webhooks as admins manage them: a super admin's hear of any branch
//! (or of all), a branch admin's of their own branch only; anyone else
//! has none. A webhook outside the caller's reach does not exist for them.

use lectern_api_types::page::PageQuery;
use lectern_api_types::webhooks::{
    CreatedWebhook, DeliveryQuery, NewWebhook, TEST_EVENT, Webhook, WebhookDelivery,
};
use lectern_api_types::{Page, Role};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use serde_json::json;

use super::error::ConflictKind;
use super::{ServiceError, ServiceResult};
use crate::audit::{self, Action, Change};
use crate::clock;
use crate::db::{Db, begin_write};
use crate::domain::AuthUser;
use crate::entities::{branch, webhook, webhook_delivery};
use crate::pagination;
use crate::webhooks::{self, read_events, signing, stored_events, target};

fn shown(model: webhook::Model, sending: bool) -> Webhook {
    Webhook {
        sending,
        id: model.id,
        events: read_events(&model.events),
        url: model.url,
        description: model.description,
        branch_id: model.branch_id,
        created_at: model.created_at,
    }
}

fn delivery_shown(model: webhook_delivery::Model) -> WebhookDelivery {
    WebhookDelivery {
        id: model.id,
        event: model.event,
        message_id: model.message_id,
        state: model.state,
        attempts: model.attempts,
        response_status: model.response_status,
        last_error: model.last_error,
        created_at: model.created_at,
        last_attempt_at: model.last_attempt_at,
    }
}

fn only_admins(caller: &AuthUser) -> ServiceResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ServiceError::forbidden("Only admins manage webhooks."))
    }
}

/// The webhooks `caller` reaches: a branch admin sees their branch's, not
/// the institute-wide ones a super admin made.
fn in_scope(caller: &AuthUser) -> Condition {
    match caller.role() {
        Role::SuperAdmin => Condition::all(),
        _ => Condition::all().add(webhook::Column::BranchId.eq(caller.branch_id())),
    }
}

async fn find_visible(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<webhook::Model> {
    only_admins(caller)?;
    webhook::Entity::find_by_id(id)
        .filter(in_scope(caller))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("webhook"))
}

pub async fn create(
    db: &Db,
    caller: &AuthUser,
    new: NewWebhook,
    allow_private: bool,
) -> ServiceResult<CreatedWebhook> {
    only_admins(caller)?;
    let branch_id = match (caller.role(), new.branch_id) {
        (Role::SuperAdmin, branch_id) => branch_id,
        (_, None) => caller.branch_id(),
        (_, Some(branch_id)) if caller.sees_branch(branch_id) => Some(branch_id),
        // Another branch does not exist for a branch admin, as everywhere.
        _ => return Err(ServiceError::invalid("branch_id", "no such branch")),
    };
    if let Some(branch_id) = branch_id
        && branch::Entity::find_by_id(branch_id)
            .one(db)
            .await?
            .is_none()
    {
        return Err(ServiceError::invalid("branch_id", "no such branch"));
    }
    let url =
        target::parse(&new.url).map_err(|err| ServiceError::invalid("url", err.to_string()))?;
    target::check(&url, allow_private)
        .await
        .map_err(|err| ServiceError::invalid("url", err.to_string()))?;
    let description = new
        .description
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    let secret = signing::new_secret();
    let now = clock::now();
    let txn = begin_write(db).await?;
    let made = webhook::ActiveModel {
        branch_id: Set(branch_id),
        url: Set(url.to_string()),
        events: Set(stored_events(&new.events)),
        description: Set(description),
        secret: Set(secret.clone()),
        created_by: Set(caller.id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // Who sends the branch's records where: never the secret.
    audited(caller, &made, Action::Create).record(&txn).await?;
    txn.commit().await?;
    Ok(CreatedWebhook {
        // Made by the caller, for what the caller reaches.
        webhook: shown(made, true),
        secret,
    })
}

/// The webhooks in reach, oldest first.
pub async fn list(db: &Db, caller: &AuthUser, query: PageQuery) -> ServiceResult<Page<Webhook>> {
    only_admins(caller)?;
    let limit = pagination::limit(query.limit);
    let mut select = webhook::Entity::find()
        .filter(in_scope(caller))
        .order_by_asc(webhook::Column::Id);
    if let Some(cursor) = &query.cursor {
        let after: i64 = pagination::decode(cursor)?;
        select = select.filter(webhook::Column::Id.gt(after));
    }
    let rows = select.limit(limit + 1).all(db).await?;
    let sending = webhooks::sending(db, &rows).await?;
    Ok(pagination::page(
        rows,
        limit,
        |row| row.id,
        |row| {
            let sends = sending.contains(&row.id);
            shown(row, sends)
        },
    ))
}

/// Deletes a webhook and its delivery log; what was still to be sent is
/// not sent.
pub async fn delete(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<()> {
    let hook = find_visible(db, caller, id).await?;
    let txn = begin_write(db).await?;
    let deleted = webhook::Entity::delete_by_id(hook.id).exec(&txn).await?;
    if deleted.rows_affected == 0 {
        txn.rollback().await?;
        return Err(ServiceError::NotFound("webhook"));
    }
    audited(caller, &hook, Action::Delete).record(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The audit entry of a webhook made or deleted: where it sent what.
fn audited(caller: &AuthUser, hook: &webhook::Model, action: Action) -> Change {
    Change {
        actor: Some(caller.id()),
        branch: hook.branch_id,
        action,
        entity: audit::Entity::Webhook,
        entity_id: hook.id,
        details: json!({"url": hook.url, "events": read_events(&hook.events), "description": hook.description}),
    }
}

/// A webhook's deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    query: DeliveryQuery,
) -> ServiceResult<Page<WebhookDelivery>> {
    let hook = find_visible(db, caller, id).await?;
    let mut condition = Condition::all().add(webhook_delivery::Column::WebhookId.eq(hook.id));
    if let Some(cursor) = &query.cursor {
        let before: i64 = pagination::decode(cursor)?;
        condition = condition.add(webhook_delivery::Column::Id.lt(before));
    }
    let limit = pagination::limit(query.limit);
    let rows = webhook_delivery::Entity::find()
        .filter(condition)
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(pagination::page(rows, limit, |row| row.id, delivery_shown))
}

/// Sends the webhook a `webhook.test` message, to try a receiver; the
/// delivery is in its log like any other.
pub async fn send_test(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<WebhookDelivery> {
    let hook = find_visible(db, caller, id).await?;
    if webhooks::sending(db, std::slice::from_ref(&hook))
        .await?
        .is_empty()
    {
        return Err(ServiceError::Conflict {
            kind: ConflictKind::InvalidTransition,
            detail: "This webhook has stopped: the admin who made it no longer reaches its branch. It sends again when they do; to send meanwhile, remove it and add it again.".into(),
            field: None,
        });
    }
    let txn = begin_write(db).await?;
    let data = json!({
        "webhook_id": hook.id,
        "message": "A test event from Lectern: this webhook is reached and its signature checks out.",
    });
    let made = webhooks::leave(
        &txn,
        std::slice::from_ref(&hook),
        TEST_EVENT,
        data,
        None::<()>,
    )
    .await?
    .pop()
    .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("no test delivery was made")))?;
    txn.commit().await?;
    Ok(delivery_shown(made))
}
