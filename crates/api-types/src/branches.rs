//! Branches: the sites of an institute, each in its own timezone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::codes::validate_short_code;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 1, "name": "Pune Central", "code": "PUNE", "timezone": "Asia/Kolkata",
        "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z"
    }))
)]
pub struct Branch {
    pub id: i64,
    pub name: String,
    pub code: String,
    /// IANA timezone; the local times of the branch's batches are in it.
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"name": "Pune Central", "code": "PUNE", "timezone": "Asia/Kolkata"}))
)]
#[serde(deny_unknown_fields)]
pub struct NewBranch {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    pub name: String,
    /// Stored upper-cased.
    #[validate(custom(function = "validate_short_code"))]
    pub code: String,
    #[validate(length(
        min = 1,
        max = 64,
        message = "must be an IANA timezone such as Europe/London"
    ))]
    pub timezone: String,
}

/// `PATCH /branches/{id}`: only the fields sent change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Pune Camp"})))]
#[serde(deny_unknown_fields)]
pub struct BranchPatch {
    #[validate(length(min = 1, max = 120, message = "must be 1 to 120 characters"))]
    pub name: Option<String>,
    #[validate(custom(function = "validate_short_code"))]
    pub code: Option<String>,
    #[validate(length(
        min = 1,
        max = 64,
        message = "must be an IANA timezone such as Europe/London"
    ))]
    pub timezone: Option<String>,
}
