//! Staff accounts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidateEmail, ValidationError};

use crate::text::not_blank;
use crate::{Role, serde_helpers::double_option};

/// An email address, surrounding spaces forgiven (the server trims them).
pub fn validate_email(email: &str) -> Result<(), ValidationError> {
    let email = email.trim();
    if email.len() <= 254 && email.validate_email() {
        Ok(())
    } else {
        Err(ValidationError::new("email").with_message("must be a valid email address".into()))
    }
}

/// The shortest password Lectern accepts.
pub const MIN_PASSWORD_LEN: u64 = 10;

/// A staff account as the API shows it. Password hashes never leave the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 7, "email": "asha@lectern.test", "name": "Asha Rao", "role": "faculty",
        "branch_id": 1, "active": true, "password_change_required": false,
        "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z"
    }))
)]
pub struct User {
    pub id: i64,
    /// Lower-cased; unique regardless of letter case.
    pub email: String,
    pub name: String,
    pub role: Role,
    /// `null` only for super admins.
    pub branch_id: Option<i64>,
    /// Inactive accounts cannot sign in.
    pub active: bool,
    /// An admin set the password: the account must choose its own
    /// (`POST /me/password`) before anything else.
    #[serde(default)]
    pub password_change_required: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "email": "asha@lectern.test", "name": "Asha Rao", "role": "faculty",
        "branch_id": 1, "password": "correct horse battery"
    }))
)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[validate(custom(function = "validate_email"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$",
            max_length = 254
        )
    )]
    pub email: String,
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 120,
            pattern = r"[^\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
        )
    )]
    pub name: String,
    pub role: Role,
    /// Required for every role but `super_admin`, which must have none.
    #[serde(default)]
    pub branch_id: Option<i64>,
    #[validate(length(
        min = "MIN_PASSWORD_LEN",
        max = 1024,
        message = "must be at least 10 characters"
    ))]
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub password: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

/// `PATCH /users/{id}`: only the fields sent change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Asha R. Rao", "active": false})))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[validate(custom(function = "validate_email"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$",
            max_length = 254
        )
    )]
    pub email: Option<String>,
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 120,
            pattern = r"[^\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
        )
    )]
    pub name: Option<String>,
    pub role: Option<Role>,
    /// Send `null` to remove the branch (only for a super admin).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub branch_id: Option<Option<i64>>,
    pub active: Option<bool>,
    #[validate(length(
        min = "MIN_PASSWORD_LEN",
        max = 1024,
        message = "must be at least 10 characters"
    ))]
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub password: Option<String>,
}

/// `GET /users` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserQuery {
    pub branch_id: Option<i64>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Matches name or email, case-insensitively.
    #[validate(length(max = 100, message = "must be at most 100 characters"))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_tells_null_from_absent() {
        let absent: UserPatch = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.branch_id, None);
        let cleared: UserPatch = serde_json::from_str(r#"{"branch_id": null}"#).unwrap();
        assert_eq!(cleared.branch_id, Some(None));
        let moved: UserPatch = serde_json::from_str(r#"{"branch_id": 3}"#).unwrap();
        assert_eq!(moved.branch_id, Some(Some(3)));
    }

    #[test]
    fn short_passwords_fail_validation_on_the_password_field() {
        let user = NewUser {
            email: "a@b.test".into(),
            name: "A".into(),
            role: Role::Faculty,
            branch_id: Some(1),
            password: "short".into(),
            active: true,
        };
        let errors = user.validate().unwrap_err();
        assert!(errors.field_errors().contains_key("password"));
    }
}
