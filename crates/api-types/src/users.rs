//! Staff accounts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::text::Name;
use crate::{Role, serde_helpers::double_option};

/// An email address as an account's name: trimmed and lower-cased, so
/// `Asha@X.org` and `asha@x.org` are one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a string is not an email address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidEmail;

impl std::fmt::Display for InvalidEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("must be a valid email address")
    }
}

impl std::error::Error for InvalidEmail {}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let email = raw.trim().to_lowercase();
        if email.len() <= 254 && is_email_shaped(&email) {
            Ok(Self(email))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

parsed_from_text!(Email, InvalidEmail);

/// Exactly what the schema's pattern says: a local part of 1 to 64 of the
/// characters RFC 5322 allows unquoted, `@`, and a domain of DNS labels.
/// Written out rather than taken from a validator crate, whose Unicode
/// tables would double the web app's download, and whose rules the schema
/// could not state.
fn is_email_shaped(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    local_ok && domain.split('.').all(label_ok)
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the server accepts, said so that schema readers agree: a local part
/// and a domain of DNS labels.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"))
            .max_length(Some(254))
            .examples([serde_json::json!("asha@lectern.test")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Email {}

/// The shortest password Lectern accepts.
pub const MIN_PASSWORD_LEN: u64 = 10;

/// The longest password Lectern accepts.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// A password as someone chose it: 10 to 1024 characters, taken as typed.
/// Its `Debug` says nothing of it, so it cannot leak into a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Password(String);

/// Why a string will not do as a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidPassword;

impl std::fmt::Display for InvalidPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("must be at least 10 characters (and at most 1024)")
    }
}

impl std::error::Error for InvalidPassword {}

impl Password {
    pub fn parse(raw: &str) -> Result<Self, InvalidPassword> {
        let length = raw.chars().count();
        if (MIN_PASSWORD_LEN as usize..=MAX_PASSWORD_LEN).contains(&length) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidPassword)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

parsed_from_text!(Password, InvalidPassword);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Password {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Password,
            )))
            .min_length(Some(MIN_PASSWORD_LEN as usize))
            .max_length(Some(MAX_PASSWORD_LEN))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Password {}

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
    pub email: Email,
    pub name: Name,
    pub role: Role,
    /// Required for every role but `super_admin`, which must have none.
    #[serde(default)]
    pub branch_id: Option<i64>,
    pub password: Password,
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
    pub email: Option<Email>,
    pub name: Option<Name>,
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
    pub password: Option<Password>,
}

/// A colleague who may deliver a session in its teacher's place: an active
/// faculty member or employee of the same branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": 9, "name": "Ravi Menon"})))]
pub struct Colleague {
    pub id: i64,
    pub name: String,
}

/// `GET /colleagues` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ColleagueQuery {
    /// Admins name the branch; staff always see their own.
    pub branch_id: Option<i64>,
    /// Matches the name, case-insensitively.
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
    fn emails_are_what_the_schema_pattern_says() {
        assert_eq!(
            Email::parse(" Asha.Rao+x@Example.ORG ").unwrap().as_str(),
            "asha.rao+x@example.org"
        );
        for bad in [
            "asha",
            "asha@",
            "@x.org",
            "a@-x.org",
            "a@x-.org",
            "a@x..org",
            "a b@x.org",
            "é@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@x.org", "a".repeat(65))).is_err());
        assert!(Email::parse(&format!("a@{}.org", "b".repeat(64))).is_err());
    }

    #[test]
    fn passwords_have_ten_to_1024_characters_and_keep_them_out_of_logs() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"é".repeat(10)).is_ok());
        assert!(Password::parse(&"x".repeat(1025)).is_err());
        let secret = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{secret:?}"), "Password(…)");
    }
}
