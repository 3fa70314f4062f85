//! The audit log as the API shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 90, "actor_id": 2, "actor_name": "Meera Iyer", "action": "verify", "entity": "session", "entity_id": 41,
        "details": {"completion_code": "RUST-101-20260302-7KQ2"}, "created_at": "2026-03-03T08:00:00Z"
    }))
)]
pub struct AuditEntry {
    pub id: i64,
    /// `null` for changes made from the command line.
    pub actor_id: Option<i64>,
    /// Who made the change, as their account is named now.
    pub actor_name: Option<String>,
    pub action: String,
    /// `branch`, `user`, `batch`, `session`, `note`, `attachment` or `holiday`.
    pub entity: String,
    pub entity_id: i64,
    /// What changed.
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// The kinds of object the log records changes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AuditEntity {
    Branch,
    User,
    Batch,
    Session,
    Note,
    Attachment,
    Holiday,
    Webhook,
}

impl AuditEntity {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEntity::Branch => "branch",
            AuditEntity::User => "user",
            AuditEntity::Batch => "batch",
            AuditEntity::Session => "session",
            AuditEntity::Note => "note",
            AuditEntity::Attachment => "attachment",
            AuditEntity::Holiday => "holiday",
            AuditEntity::Webhook => "webhook",
        }
    }
}

/// `GET /audit` filters; newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    pub entity: Option<AuditEntity>,
    pub entity_id: Option<i64>,
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}
