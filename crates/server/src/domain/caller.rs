//! Who is calling, and which objects that lets them reach.

use lectern_api_types::Role;

/// The authenticated user of a request, as the access token vouches for.
///
/// Constructed only from a verified token or a freshly checked login, so a
/// role always has the branch it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthUser {
    id: i64,
    role: Role,
    branch_id: Option<i64>,
}

/// The part of Lectern a caller reaches. Anything outside it answers 404.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Super admins: every branch.
    Everything,
    /// Branch admins: everything inside one branch.
    Branch(i64),
    /// Faculty and employees: their own sessions.
    Own { user_id: i64, branch_id: i64 },
}

impl AuthUser {
    /// `None` when role and branch disagree (a super admin with a branch, or
    /// anyone else without one).
    pub fn new(id: i64, role: Role, branch_id: Option<i64>) -> Option<Self> {
        (role.needs_branch() == branch_id.is_some()).then_some(Self {
            id,
            role,
            branch_id,
        })
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn branch_id(&self) -> Option<i64> {
        self.branch_id
    }

    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }

    pub fn scope(&self) -> Scope {
        match (self.role, self.branch_id) {
            (Role::BranchAdmin, Some(branch)) => Scope::Branch(branch),
            (Role::Faculty | Role::Employee, Some(branch_id)) => Scope::Own {
                user_id: self.id,
                branch_id,
            },
            // `new` admits no other shape but a branchless super admin.
            _ => Scope::Everything,
        }
    }

    /// Whether the caller reaches things that belong to `branch_id`
    /// (the branch itself, its staff list, its batches).
    pub fn sees_branch(&self, branch_id: i64) -> bool {
        self.role == Role::SuperAdmin || self.branch_id == Some(branch_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_must_agree_with_their_branch() {
        assert!(AuthUser::new(1, Role::SuperAdmin, None).is_some());
        assert!(AuthUser::new(1, Role::SuperAdmin, Some(2)).is_none());
        assert!(AuthUser::new(1, Role::Faculty, None).is_none());
        assert!(AuthUser::new(1, Role::BranchAdmin, Some(2)).is_some());
    }

    #[test]
    fn each_role_has_its_scope() {
        let scope = |role, branch| AuthUser::new(9, role, branch).unwrap().scope();
        assert_eq!(scope(Role::SuperAdmin, None), Scope::Everything);
        assert_eq!(scope(Role::BranchAdmin, Some(3)), Scope::Branch(3));
        assert_eq!(
            scope(Role::Faculty, Some(3)),
            Scope::Own {
                user_id: 9,
                branch_id: 3
            }
        );
        assert_eq!(
            scope(Role::Employee, Some(4)),
            Scope::Own {
                user_id: 9,
                branch_id: 4
            }
        );
    }

    #[test]
    fn only_super_admins_see_other_branches() {
        let admin = AuthUser::new(1, Role::BranchAdmin, Some(3)).unwrap();
        assert!(admin.sees_branch(3));
        assert!(!admin.sees_branch(4));
        let root = AuthUser::new(2, Role::SuperAdmin, None).unwrap();
        assert!(root.sees_branch(4));
    }
}
