//! What a user may do in Lectern.

use serde::{Deserialize, Serialize};

/// A user's role. Super admins have no branch; everyone else belongs to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum Role {
    /// Everything, in every branch.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "super_admin"))]
    SuperAdmin,
    /// Everything inside one branch.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "branch_admin"))]
    BranchAdmin,
    /// Teaches; reaches only their own sessions.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "faculty"))]
    Faculty,
    /// Runs sessions like faculty; reaches only their own sessions.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "employee"))]
    Employee,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::SuperAdmin,
        Role::BranchAdmin,
        Role::Faculty,
        Role::Employee,
    ];

    /// Admins monitor other people's sessions; staff only their own.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::SuperAdmin | Role::BranchAdmin)
    }

    /// Every role but super admin works inside one branch.
    pub fn needs_branch(self) -> bool {
        self != Role::SuperAdmin
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super_admin",
            Role::BranchAdmin => "branch_admin",
            Role::Faculty => "faculty",
            Role::Employee => "employee",
        }
    }

    /// How the SPA names the role to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super admin",
            Role::BranchAdmin => "Branch admin",
            Role::Faculty => "Faculty",
            Role::Employee => "Employee",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or(UnknownRole)
    }
}

/// A string that names no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownRole;

impl std::fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("expected one of super_admin, branch_admin, faculty, employee")
    }
}

impl std::error::Error for UnknownRole {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.as_str())
            );
        }
        assert_eq!("admin".parse::<Role>(), Err(UnknownRole));
    }
}
