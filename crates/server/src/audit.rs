//! The append-only audit log: who changed what, and when.
//!
//! Services write an entry in the same transaction as the change it
//! describes, so the log never claims a change that was rolled back.

use sea_orm::{ActiveModelTrait as _, ConnectionTrait, DbErr, Set};
use serde_json::Value;

use crate::clock;
use crate::entities::audit_log;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Branch,
    User,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Branch => "branch",
            Entity::User => "user",
        }
    }
}

pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Option<i64>,
    action: Action,
    entity: Entity,
    entity_id: i64,
    details: Value,
) -> Result<(), DbErr> {
    let now = clock::now();
    audit_log::ActiveModel {
        actor_id: Set(actor),
        action: Set(action.as_str().into()),
        entity: Set(entity.as_str().into()),
        entity_id: Set(entity_id),
        details: Set(details.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(drop)
}
