//! Staff accounts under the scope rules: super admins manage everyone,
//! branch admins their own branch (never creating a super admin), and
//! faculty and employees only read themselves.

use lectern_api_types::users::{Colleague, ColleagueQuery, NewUser, User, UserPatch, UserQuery};
use lectern_api_types::{Page, Role};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _, Set,
};
use serde_json::json;

use super::error::{violates_foreign_key, violates_unique};
use super::sessions::search::documents::{self, Sessions};
use super::{FieldErrors, ServiceError, ServiceResult};
use crate::audit::{Action, Change, Entity};
use crate::auth::password;
use crate::db::{Db, begin_write};
use crate::domain::{AuthUser, Scope};
use crate::entities::{batch, branch, completion, refresh_token, user};
use crate::{clock, pagination};

impl From<user::Model> for User {
    fn from(model: user::Model) -> Self {
        User {
            id: model.id,
            email: model.email,
            name: model.name,
            role: model.role,
            branch_id: model.branch_id,
            active: model.active,
            password_change_required: model.must_change_password,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

/// A `LIKE` pattern matching `text` anywhere, its wildcards escaped.
pub(crate) fn contains_pattern(text: &str) -> LikeExpr {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

pub async fn list(db: &Db, caller: &AuthUser, query: UserQuery) -> ServiceResult<Page<User>> {
    let mut condition = Condition::all();
    match caller.scope() {
        Scope::Everything => {}
        Scope::Branch(branch) => condition = condition.add(user::Column::BranchId.eq(branch)),
        Scope::Own { .. } => return Err(ServiceError::forbidden("Only admins list staff.")),
    }
    if let Some(branch) = query.branch_id {
        condition = condition.add(user::Column::BranchId.eq(branch));
    }
    if let Some(role) = query.role {
        condition = condition.add(user::Column::Role.eq(role));
    }
    if let Some(active) = query.active {
        condition = condition.add(user::Column::Active.eq(active));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        condition = condition.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(user::Column::Name)))
                        .like(contains_pattern(q)),
                )
                .add(Expr::col(user::Column::Email).like(contains_pattern(q))),
        );
    }
    if let Some(cursor) = &query.cursor {
        let after: i64 = pagination::decode(cursor)?;
        condition = condition.add(user::Column::Id.gt(after));
    }
    let limit = pagination::limit(query.limit);
    let rows = user::Entity::find()
        .filter(condition)
        .order_by_asc(user::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(pagination::page(rows, limit, |row| row.id, User::from))
}

/// The colleagues who may deliver a session in a branch: its active
/// faculty and employees, by name. Staff see their own branch's; admins
/// name a branch they reach.
pub async fn colleagues(
    db: &Db,
    caller: &AuthUser,
    query: ColleagueQuery,
) -> ServiceResult<Page<Colleague>> {
    let branch_id = match (query.branch_id, caller.branch_id()) {
        (Some(branch), _) if caller.sees_branch(branch) => branch,
        (Some(_), _) => return Err(ServiceError::invalid("branch_id", "no such branch")),
        (None, Some(own)) => own,
        (None, None) => return Err(ServiceError::invalid("branch_id", "is required")),
    };
    let mut condition = Condition::all()
        .add(user::Column::BranchId.eq(branch_id))
        .add(user::Column::Active.eq(true))
        .add(user::Column::Role.is_in([Role::Faculty, Role::Employee]));
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        condition = condition
            .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(contains_pattern(q)));
    }
    if let Some(cursor) = &query.cursor {
        let after: i64 = pagination::decode(cursor)?;
        condition = condition.add(user::Column::Id.gt(after));
    }
    let limit = pagination::limit(query.limit);
    let rows = user::Entity::find()
        .filter(condition)
        .order_by_asc(user::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(pagination::page(
        rows,
        limit,
        |row| row.id,
        |row| Colleague {
            id: row.id,
            name: row.name,
        },
    ))
}

/// The account, if the caller reaches it: admins their scope, everyone
/// else only themselves.
async fn find_visible(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<user::Model> {
    let found = user::Entity::find_by_id(id).one(db).await?;
    found
        .filter(|target| visible_to(caller, target))
        .ok_or(ServiceError::NotFound("user"))
}

fn visible_to(caller: &AuthUser, target: &user::Model) -> bool {
    match caller.scope() {
        Scope::Everything => true,
        Scope::Branch(branch) => target.branch_id == Some(branch),
        Scope::Own { user_id, .. } => target.id == user_id,
    }
}

pub async fn get(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<User> {
    find_visible(db, caller, id).await.map(User::from)
}

/// The caller's own account, or `None` if it has since been deleted.
pub async fn me(db: &Db, caller: &AuthUser) -> ServiceResult<Option<User>> {
    Ok(user::Entity::find_by_id(caller.id())
        .one(db)
        .await?
        .map(User::from))
}

pub async fn count(db: &Db) -> ServiceResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

fn require_admin(caller: &AuthUser) -> ServiceResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "Only admins manage staff accounts.",
        ))
    }
}

/// Where an account with `role` may sit when `caller` places it there
/// (`None`: the command line, which may do anything). Returns the branch.
async fn place<C: ConnectionTrait>(
    db: &C,
    caller: Option<&AuthUser>,
    role: Role,
    branch_id: Option<i64>,
) -> ServiceResult<Option<i64>> {
    let caller_branch = caller
        .filter(|c| c.role() == Role::BranchAdmin)
        .and_then(AuthUser::branch_id);
    if role == Role::SuperAdmin {
        if caller_branch.is_some() {
            return Err(ServiceError::forbidden(
                "Branch admins cannot create super admins.",
            ));
        }
        if branch_id.is_some() {
            return Err(ServiceError::invalid(
                "branch_id",
                "must be empty: super admins belong to no branch",
            ));
        }
        return Ok(None);
    }
    let Some(branch_id) = branch_id.or(caller_branch) else {
        return Err(ServiceError::invalid(
            "branch_id",
            "is required for this role",
        ));
    };
    if caller_branch.is_some_and(|own| own != branch_id) {
        return Err(ServiceError::forbidden(
            "Branch admins manage staff of their own branch only.",
        ));
    }
    if branch::Entity::find_by_id(branch_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(ServiceError::invalid("branch_id", "no such branch"));
    }
    Ok(Some(branch_id))
}

/// Emails are unique across the institute, so a branch admin may meet one
/// of another branch: the answer neither repeats the address nor says
/// whose or where it is.
fn email_taken() -> ServiceError {
    ServiceError::duplicate(
        "email",
        "This email address cannot be used for this account.",
    )
}

pub async fn create(db: &Db, caller: &AuthUser, new: NewUser) -> ServiceResult<User> {
    require_admin(caller)?;
    create_as(db, Some(caller), new).await
}

/// Creates an account placed by `caller`, or by the command line when `None`.
pub async fn create_as(db: &Db, caller: Option<&AuthUser>, new: NewUser) -> ServiceResult<User> {
    let email = new.email;
    if let Some(weakness) = password::weakness(new.password.expose()) {
        return Err(ServiceError::invalid("password", weakness));
    }
    let branch_id = place(db, caller, new.role, new.branch_id).await?;
    let password_hash = password::hash(new.password.into_inner()).await?;
    let now = clock::now();
    let txn = begin_write(db).await?;
    let created = user::ActiveModel {
        email: Set(email.to_string()),
        name: Set(new.name.into()),
        role: Set(new.role),
        branch_id: Set(branch_id),
        password_hash: Set(password_hash),
        active: Set(new.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| {
        if violates_unique(&err, "email") {
            email_taken()
        } else {
            err.into()
        }
    })?;
    Change {
        actor: caller.map(AuthUser::id),
        branch: created.branch_id,
        action: Action::Create,
        entity: Entity::User,
        entity_id: created.id,
        details: json!({
            "email": created.email, "name": created.name, "role": created.role.as_str(),
            "branch_id": created.branch_id, "active": created.active,
        }),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(created.into())
}

pub async fn update(db: &Db, caller: &AuthUser, id: i64, patch: UserPatch) -> ServiceResult<User> {
    find_visible(db, caller, id).await?;
    require_admin(caller)?;

    let mut errors = FieldErrors::default();
    if let Some(weakness) = patch
        .password
        .as_ref()
        .and_then(|chosen| password::weakness(chosen.expose()))
    {
        errors.add("password", weakness);
    }
    errors.into_result()?;
    // One's own password changes through `POST /me/password`, which asks
    // for the current one: otherwise a stolen access token or an admin's
    // API token could lock its owner out.
    if id == caller.id() && patch.password.is_some() {
        return Err(ServiceError::forbidden(
            "Change your own password with POST /me/password, which asks for the current one.",
        ));
    }
    // Hashed before the account is locked: Argon2 takes longer than any
    // writer should wait.
    let password_hash = match patch.password {
        Some(password) => Some(password::hash(password.into_inner()).await?),
        None => None,
    };

    let txn = begin_write(db).await?;
    // Only super admins change super admins. Taken before the account's own
    // lock, in the order every such request takes them.
    let super_admins = if caller.role() == Role::SuperAdmin
        && (patch.active == Some(false) || patch.role.is_some())
    {
        Some(SuperAdmins::lock(&txn).await?)
    } else {
        None
    };
    // Read again under the account's lock, so that two admins changing it
    // at once each decide on what the other left: a role from one and a
    // branch from the other could otherwise pair into an account that
    // cannot sign in.
    let existing = user::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|target| visible_to(caller, target))
        .ok_or(ServiceError::NotFound("user"))?;
    // What an account may do, and where it signs in, is for someone else
    // to decide: otherwise a deactivated admin holding a token could
    // reactivate themselves, or a stolen one move its owner's sign-in.
    let email = patch.email.filter(|email| email.as_str() != existing.email);
    if id == caller.id()
        && (email.is_some()
            || patch.active.is_some_and(|active| active != existing.active)
            || patch.role.is_some_and(|role| role != existing.role)
            || patch
                .branch_id
                .is_some_and(|branch| branch != existing.branch_id))
    {
        return Err(ServiceError::forbidden(
            "You cannot change your own email, role, branch or active state; another admin can.",
        ));
    }

    let role = patch.role.unwrap_or(existing.role);
    let branch_id = match patch.branch_id {
        Some(branch_id) => branch_id,
        // Promoting to super admin takes the account out of its branch
        // unless the request says otherwise.
        None if role == Role::SuperAdmin => None,
        None => existing.branch_id,
    };
    let placement_changed = role != existing.role || branch_id != existing.branch_id;
    let branch_id = if placement_changed {
        place(&txn, Some(caller), role, branch_id).await?
    } else {
        branch_id
    };
    if branch_id != existing.branch_id || role.is_admin() {
        still_teaching(&txn, &existing).await?;
    }
    if let Some(super_admins) = &super_admins
        && existing.role == Role::SuperAdmin
        && existing.active
        && (role != Role::SuperAdmin || patch.active == Some(false))
    {
        super_admins.keep_one_besides(id)?;
    }

    let mut changes = serde_json::Map::new();
    let mut model: user::ActiveModel = existing.clone().into();
    if let Some(email) = &email {
        changes.insert(
            "email".into(),
            json!({"from": existing.email, "to": email.as_str()}),
        );
        model.email = Set(email.to_string());
    }
    if let Some(name) = patch
        .name
        .map(String::from)
        .filter(|name| *name != existing.name)
    {
        changes.insert("name".into(), json!({"from": existing.name, "to": name}));
        model.name = Set(name);
    }
    if role != existing.role {
        changes.insert(
            "role".into(),
            json!({"from": existing.role.as_str(), "to": role.as_str()}),
        );
        model.role = Set(role);
    }
    if branch_id != existing.branch_id {
        changes.insert(
            "branch_id".into(),
            json!({"from": existing.branch_id, "to": branch_id}),
        );
        model.branch_id = Set(branch_id);
    }
    if let Some(active) = patch.active.filter(|active| *active != existing.active) {
        changes.insert(
            "active".into(),
            json!({"from": existing.active, "to": active}),
        );
        model.active = Set(active);
    }
    let password_changed = password_hash.is_some();
    if let Some(hash) = password_hash {
        // A password someone else chose is a temporary one: its owner
        // picks their own at next sign-in.
        changes.insert("password".into(), json!("reset"));
        model.password_hash = Set(hash);
        model.must_change_password = Set(true);
    }
    if changes.is_empty() {
        txn.rollback().await?;
        return Ok(existing.into());
    }
    model.updated_at = Set(clock::now());

    let updated = model.update(&txn).await.map_err(|err| match &email {
        Some(_) if violates_unique(&err, "email") => email_taken(),
        _ => err.into(),
    })?;
    // Whoever holds a session of an account that lost its access, its
    // password or its role signs in again.
    if !updated.active || password_changed || placement_changed {
        revoke_sessions(&txn, id).await?;
    }
    if changes.contains_key("name") {
        documents::refresh(&txn, Sessions::OfUser(id)).await?;
    }
    // A move between branches is on both branches' record: the one the
    // account left as much as the one it joined.
    let branches = match (existing.branch_id, updated.branch_id) {
        (Some(left), Some(joined)) if left != joined => vec![Some(left), Some(joined)],
        (left, joined) => vec![joined.or(left)],
    };
    for branch in branches {
        Change {
            actor: Some(caller.id()),
            branch,
            action: Action::Update,
            entity: Entity::User,
            entity_id: id,
            details: changes.clone().into(),
        }
        .record(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(updated.into())
}

/// The active super admins, locked until the transaction ends: an institute
/// keeps at least one, to manage its branches and admins. Two super admins
/// removing each other at the same moment would otherwise each see the
/// other still there; locked in id order, one waits for the other and then
/// sees that it has gone.
struct SuperAdmins(Vec<i64>);

impl SuperAdmins {
    /// Found first without a lock, then locked by primary key and read
    /// again: no index covers role and active, and a locking read over
    /// them would lock the whole table on MariaDB, logins included. One
    /// made super admin between the two reads is left out, which can only
    /// refuse a removal that one more would have allowed.
    async fn lock<C: ConnectionTrait>(db: &C) -> ServiceResult<Self> {
        let active = || {
            user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .filter(user::Column::Role.eq(Role::SuperAdmin))
                .filter(user::Column::Active.eq(true))
                .order_by_asc(user::Column::Id)
        };
        let seen: Vec<i64> = active().into_tuple().all(db).await?;
        let ids = active()
            .filter(user::Column::Id.is_in(seen))
            .lock_exclusive()
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self(ids))
    }

    /// Refuses to remove super admin `id` when no other active one remains.
    fn keep_one_besides(&self, id: i64) -> ServiceResult<()> {
        if self.0.iter().all(|&other| other == id) {
            return Err(ServiceError::in_use(
                "This is the last active super admin; make another one first.",
            ));
        }
        Ok(())
    }
}

/// Refuses to take a teacher out of their branch, or out of teaching,
/// while a batch there that has not ended is still theirs: its sessions to
/// come, and any its schedule adds later, would be taught from a branch
/// whose admins can no longer see the teacher. Sessions already past, and
/// those kept because they carry notes or files, stay theirs to record.
async fn still_teaching<C: ConnectionTrait>(db: &C, teacher: &user::Model) -> ServiceResult<()> {
    let Some(branch_id) = teacher.branch_id.filter(|_| !teacher.role.is_admin()) else {
        return Ok(());
    };
    let teaching = batch::Entity::find()
        .filter(batch::Column::FacultyId.eq(teacher.id))
        .filter(batch::Column::BranchId.eq(branch_id))
        .filter(batch::Column::EndDate.gte(clock::now().date_naive()))
        .one(db)
        .await?;
    if let Some(batch) = teaching {
        return Err(ServiceError::in_use(format!(
            "This teacher still teaches batch {} here, which has not ended; give it another teacher first.",
            batch.code
        )));
    }
    Ok(())
}

async fn revoke_sessions<C: ConnectionTrait>(db: &C, user_id: i64) -> ServiceResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(clock::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<()> {
    let existing = find_visible(db, caller, id).await?;
    require_admin(caller)?;
    if id == caller.id() {
        return Err(ServiceError::forbidden(
            "You cannot delete your own account.",
        ));
    }
    let txn = begin_write(db).await?;
    // Only super admins see super admins to delete them.
    let super_admins = match caller.role() {
        Role::SuperAdmin => Some(SuperAdmins::lock(&txn).await?),
        _ => None,
    };
    // `delivered_by` has no foreign key (SQLite cannot add one to a table
    // that exists), so the check is here, under the account's lock: a
    // completion naming it as the substitute holds it shared until its
    // commit, and is seen here once it has.
    let target = user::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    if let Some(super_admins) = &super_admins
        && target.role == Role::SuperAdmin
        && target.active
    {
        super_admins.keep_one_besides(id)?;
    }
    let covered = completion::Entity::find()
        .filter(completion::Column::DeliveredBy.eq(id))
        .one(&txn)
        .await?;
    if covered.is_some() {
        return Err(ServiceError::in_use(
            "The account delivered sessions for colleagues; deactivate it instead.",
        ));
    }
    user::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(|err| {
            if violates_foreign_key(&err) {
                ServiceError::in_use("The account has sessions or batches; deactivate it instead.")
            } else {
                err.into()
            }
        })?;
    Change {
        actor: Some(caller.id()),
        branch: existing.branch_id,
        action: Action::Delete,
        entity: Entity::User,
        entity_id: id,
        details: json!({"email": existing.email, "name": existing.name, "role": existing.role.as_str()}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
