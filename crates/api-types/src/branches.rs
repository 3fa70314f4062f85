//! Branches: the sites of an institute, each in its own timezone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::codes::ShortCode;
use crate::text::Name;

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
    pub name: Name,
    /// Stored upper-cased.
    pub code: ShortCode,
    #[validate(length(
        min = 1,
        max = 64,
        message = "must be an IANA timezone such as Europe/London"
    ))]
    #[cfg_attr(feature = "openapi", schema(value_type = TimezoneName))]
    pub timezone: String,
}

/// `PATCH /branches/{id}`: only the fields sent change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Pune Camp"})))]
#[serde(deny_unknown_fields)]
pub struct BranchPatch {
    pub name: Option<Name>,
    pub code: Option<ShortCode>,
    #[validate(length(
        min = 1,
        max = 64,
        message = "must be an IANA timezone such as Europe/London"
    ))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TimezoneName>))]
    pub timezone: Option<String>,
}

/// An IANA timezone name such as `Asia/Kolkata`; the schema lists every
/// name the server knows, so clients can offer them as choices.
#[cfg(feature = "openapi")]
pub struct TimezoneName;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for TimezoneName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An IANA timezone name"))
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
            .examples([serde_json::json!("Asia/Kolkata")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for TimezoneName {}
