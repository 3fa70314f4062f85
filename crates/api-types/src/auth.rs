//! Signing in, refreshing and signing out.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::users::{Password, User};

/// Where the server hands the refresh token.
///
/// Browsers take it as an HttpOnly cookie that scripts cannot read; programs
/// that keep their own secrets ask for it in the response body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RefreshTokenDelivery {
    #[default]
    Cookie,
    Body,
}

/// `POST /auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"email": "asha@lectern.test", "password": "correct horse battery"}))
)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254, message = "is required"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub email: String,
    #[validate(length(min = 1, max = 1024, message = "is required"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub password: String,
    #[serde(default)]
    pub refresh_token_delivery: RefreshTokenDelivery,
}

/// `POST /auth/refresh` and `POST /auth/logout`: the refresh token, unless
/// the browser sends it as its cookie.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "rAKmsIAJrTCYfSZRDZnwDlUKHzwsRtjPZCjUNtJfNtk"})))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// A signed-in session: a short-lived access token for the `Authorization`
/// header and who it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "access_token": "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl",
        "token_type": "Bearer",
        "expires_in": 900,
        "user": {
            "id": 7, "email": "asha@lectern.test", "name": "Asha Rao", "role": "faculty",
            "branch_id": 1, "active": true,
            "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z"
        }
    }))
)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Present only when the login asked for `refresh_token_delivery: "body"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub user: User,
}

/// `POST /me/password`: one's own password, changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"current_password": "correct horse battery", "new_password": "a brand new passphrase"}))
)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[validate(length(min = 1, max = 1024, message = "is required"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub current_password: String,
    /// At least 10 characters, and not one of the 10,000 most common passwords.
    pub new_password: Password,
    /// Where the new refresh token goes, as at sign-in.
    #[serde(default)]
    pub refresh_token_delivery: RefreshTokenDelivery,
}
