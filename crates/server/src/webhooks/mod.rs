//! Webhooks: the messages a change leaves for other systems, and their
//! delivery. A change writes one delivery per webhook that hears of it,
//! with its body fixed then, and an outbox job per delivery, all in the
//! change's own transaction; the worker sends them, signed, and retries
//! what was not answered with a 2xx.

pub mod sender;
pub mod signing;
pub mod target;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use lectern_api_types::Role;
use lectern_api_types::webhooks::{DeliveryState, WebhookEvent};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DbErr,
    EntityTrait as _, QueryFilter as _, QuerySelect as _,
};
use serde::Serialize;

use crate::clock;
use crate::entities::{user, webhook, webhook_delivery};
use crate::outbox::store::enqueue;
use crate::outbox::{Job, WebhookJob};

/// A webhook's events as stored: their names, comma-separated.
pub fn stored_events(events: &[WebhookEvent]) -> String {
    let mut names: Vec<&str> = events.iter().map(|event| event.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// The events a stored webhook hears of; a name this server does not know
/// (written by a newer one) is passed over.
pub fn read_events(stored: &str) -> Vec<WebhookEvent> {
    stored.split(',').filter_map(WebhookEvent::parse).collect()
}

/// Whether `maker`, the admin who made `hook`, still reaches what it
/// reports. A webhook sends a branch's records where its maker chose, on
/// their authority, so it stops, as a calendar feed does, once they are
/// deactivated or deleted or no longer an admin of its branch: otherwise an
/// admin who left could go on receiving the branch's records.
pub fn maker_reaches(maker: Option<&user::Model>, hook: &webhook::Model) -> bool {
    maker.is_some_and(|maker| {
        maker.active
            && match maker.role {
                Role::SuperAdmin => true,
                Role::BranchAdmin => hook.branch_id.is_some() && maker.branch_id == hook.branch_id,
                Role::Faculty | Role::Employee => false,
            }
    })
}

/// The ids of those of `hooks` that still send: their makers reach them.
pub async fn sending<C: ConnectionTrait>(
    db: &C,
    hooks: &[webhook::Model],
) -> Result<HashSet<i64>, DbErr> {
    if hooks.is_empty() {
        return Ok(HashSet::new());
    }
    let makers: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(hooks.iter().map(|hook| hook.created_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|maker| (maker.id, maker))
        .collect();
    Ok(hooks
        .iter()
        .filter(|hook| maker_reaches(makers.get(&hook.created_by), hook))
        .map(|hook| hook.id)
        .collect())
}

/// The webhooks that hear of `event` in `branch_id`, held (`FOR SHARE`)
/// until the caller's transaction ends: a webhook deleted meanwhile waits
/// and takes the deliveries left for it along, rather than refusing them
/// and so the change that left them (a 409 for a completion or an upload).
/// Only those naming the event are read and so held: on MariaDB a share
/// lock queues behind a waiting delete, and each webhook held is one more
/// a change can deadlock on.
pub async fn subscribers<C: ConnectionTrait>(
    db: &C,
    event: WebhookEvent,
    branch_id: i64,
) -> Result<Vec<webhook::Model>, DbErr> {
    let hooks = webhook::Entity::find()
        .filter(
            Condition::any()
                .add(webhook::Column::BranchId.is_null())
                .add(webhook::Column::BranchId.eq(branch_id)),
        )
        .filter(webhook::Column::Events.contains(event.as_str()))
        .lock_shared()
        .all(db)
        .await?;
    let hooks: Vec<webhook::Model> = hooks
        .into_iter()
        .filter(|hook| read_events(&hook.events).contains(&event))
        .collect();
    let sending = sending(db, &hooks).await?;
    Ok(hooks
        .into_iter()
        .filter(|hook| sending.contains(&hook.id))
        .collect())
}

/// Forgets the deliveries delivered before `before`, and answers how
/// many. Failed ones stay, as their outbox jobs do, to be looked at and
/// retried by hand.
pub async fn forget_delivered<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::State.eq(DeliveryState::Delivered))
        .filter(webhook_delivery::Column::UpdatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// A delivery's body, as Standard Webhooks shapes it.
#[derive(Serialize)]
struct Body<'a, T: Serialize, A: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: DateTime<Utc>,
    data: T,
    /// The file an `attachment.created` is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    attachment: Option<A>,
}

/// Leaves a message of type `kind` about `data` for each of `hooks`, in
/// the caller's transaction; answers the deliveries made.
pub async fn leave<C, T, A>(
    db: &C,
    hooks: &[webhook::Model],
    kind: &str,
    data: T,
    attachment: Option<A>,
) -> Result<Vec<webhook_delivery::Model>, DbErr>
where
    C: ConnectionTrait,
    T: Serialize,
    A: Serialize,
{
    if hooks.is_empty() {
        return Ok(Vec::new());
    }
    let now = clock::now();
    let body = serde_json::to_string(&Body {
        kind,
        timestamp: now,
        data,
        attachment,
    })
    .map_err(|err| DbErr::Custom(format!("a webhook body did not serialise: {err}")))?;
    let mut made = Vec::with_capacity(hooks.len());
    for hook in hooks {
        let delivery = webhook_delivery::ActiveModel {
            webhook_id: Set(hook.id),
            event: Set(kind.to_owned()),
            message_id: Set(signing::new_message_id()),
            payload: Set(body.clone()),
            state: Set(DeliveryState::Pending),
            attempts: Set(0),
            response_status: Set(None),
            last_error: Set(None),
            last_attempt_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let job = Job::Webhook(WebhookJob {
            delivery_id: delivery.id,
        });
        enqueue(db, job, now, None).await?;
        made.push(delivery);
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_stored_once_each_and_read_back() {
        let stored = stored_events(&[
            WebhookEvent::SessionReturned,
            WebhookEvent::SessionCompleted,
            WebhookEvent::SessionReturned,
        ]);
        assert_eq!(stored, "session.completed,session.returned");
        assert_eq!(
            read_events(&format!("{stored},session.teleported")),
            vec![
                WebhookEvent::SessionCompleted,
                WebhookEvent::SessionReturned
            ]
        );
        assert!(
            stored_events(&WebhookEvent::ALL).len() <= 200,
            "fits its column"
        );
    }
}
