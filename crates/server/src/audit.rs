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
    Complete,
    Cancel,
    Verify,
    Return,
    Resubmit,
    Reopen,
    Reschedule,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Complete => "complete",
            Action::Cancel => "cancel",
            Action::Verify => "verify",
            Action::Return => "return",
            Action::Resubmit => "resubmit",
            Action::Reopen => "reopen",
            Action::Reschedule => "reschedule",
        }
    }
}

pub use lectern_api_types::audit::AuditEntity as Entity;

/// One change to record.
#[derive(Debug)]
pub struct Change {
    /// `None` for the command line.
    pub actor: Option<i64>,
    /// The branch the changed object belongs to, `None` if institute-wide.
    pub branch: Option<i64>,
    pub action: Action,
    pub entity: Entity,
    pub entity_id: i64,
    pub details: Value,
}

impl Change {
    pub async fn record<C: ConnectionTrait>(self, db: &C) -> Result<(), DbErr> {
        let now = clock::now();
        audit_log::ActiveModel {
            actor_id: Set(self.actor),
            branch_id: Set(self.branch),
            action: Set(self.action.as_str().into()),
            entity: Set(self.entity.as_str().into()),
            entity_id: Set(self.entity_id),
            details: Set(self.details.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map(drop)
    }
}
