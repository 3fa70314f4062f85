//! API tokens: credentials a script can hold, sent as `Bearer lct_…`
//! wherever an access token is accepted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::text::Name;

/// What a token may do: `read` is refused every change (403).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(8))"
    )
)]
pub enum TokenScope {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "read"))]
    Read,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "write"))]
    Write,
}

impl TokenScope {
    pub const ALL: [TokenScope; 2] = [TokenScope::Read, TokenScope::Write];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// What a token of this scope may do, for people.
    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "Read",
            TokenScope::Write => "Read and write",
        }
    }
}

/// `POST /me/tokens`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"name": "Nightly export", "scope": "read", "expires_in_days": 90}))
)]
pub struct NewApiToken {
    /// What the token is for, to recognise it in the list.
    pub name: Name,
    pub scope: TokenScope,
    /// Days until it stops working; it never expires when absent.
    #[validate(range(min = 1, max = 3650, message = "must be between 1 and 3650"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub expires_in_days: Option<u32>,
}

/// A token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 3, "name": "Nightly export", "scope": "read", "created_at": "2026-03-01T08:00:00Z",
        "expires_at": "2026-05-30T08:00:00Z", "last_used_at": "2026-03-02T01:00:04Z"
    }))
)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When it last authenticated a request, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just made, with its secret: shown this once, stored only hashed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 3, "name": "Nightly export", "scope": "read",
        "token": "lct_Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy",
        "created_at": "2026-03-01T08:00:00Z", "expires_at": "2026-05-30T08:00:00Z"
    }))
)]
pub struct CreatedApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// Send as `Authorization: Bearer <token>`; it cannot be shown again.
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}
