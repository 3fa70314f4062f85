//! Branches: super admins manage them; everyone else sees their own.

use lectern_api_types::Page;
use lectern_api_types::branches::{Branch, BranchPatch, NewBranch};
use lectern_api_types::page::PageQuery;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Set,
};
use serde_json::json;

use super::error::{violates_foreign_key, violates_unique};
use super::{FieldErrors, ServiceError, ServiceResult, batches};
use crate::audit::{Action, Change, Entity};
use crate::db::{Db, begin_write};
use crate::domain::{AuthUser, BranchTimezone};
use crate::entities::branch;
use crate::{clock, pagination};

impl From<branch::Model> for Branch {
    fn from(model: branch::Model) -> Self {
        Branch {
            id: model.id,
            name: model.name,
            code: model.code,
            timezone: model.timezone,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}

pub async fn list(db: &Db, caller: &AuthUser, query: PageQuery) -> ServiceResult<Page<Branch>> {
    let limit = pagination::limit(query.limit);
    let mut select = branch::Entity::find().order_by_asc(branch::Column::Id);
    if let Some(own) = caller.branch_id() {
        select = select.filter(branch::Column::Id.eq(own));
    }
    if let Some(cursor) = &query.cursor {
        let after: i64 = pagination::decode(cursor)?;
        select = select.filter(branch::Column::Id.gt(after));
    }
    let rows = select.limit(limit + 1).all(db).await?;
    Ok(pagination::page(rows, limit, |row| row.id, Branch::from))
}

/// The branch, if the caller reaches it.
pub async fn find_visible(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<branch::Model> {
    if !caller.sees_branch(id) {
        return Err(ServiceError::NotFound("branch"));
    }
    branch::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("branch"))
}

/// Takes the branch's row until the transaction ends and answers its time
/// zone as it then stands. Every write that places the branch's sittings or
/// holidays holds it before reading what it decides on (holidays, sittings,
/// the time zone), so those writes take turns: a holiday and a make-up or
/// move onto its day, a batch's edit and a move of one of its sittings, a
/// holiday added and a file imported. A branch's update takes the row by
/// writing it, so a change of time zone takes its turn too.
///
/// The row is taken by an update that changes nothing, not `FOR UPDATE`:
/// on PostgreSQL that lock lets rows referring to the branch (its sessions,
/// its staff) be written meanwhile; on MariaDB those wait for the commit.
/// On SQLite `begin_write` has taken the database's one write lock
/// already; on MariaDB, plain reads after it see what the writers before
/// it committed.
pub(crate) async fn hold<C: ConnectionTrait>(
    txn: &C,
    branch_id: i64,
) -> ServiceResult<BranchTimezone> {
    branch::Entity::update_many()
        .col_expr(
            branch::Column::UpdatedAt,
            Expr::col(branch::Column::UpdatedAt),
        )
        .filter(branch::Column::Id.eq(branch_id))
        .exec(txn)
        .await?;
    let branch = branch::Entity::find_by_id(branch_id)
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound("branch"))?;
    BranchTimezone::parse(&branch.timezone).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!(
            "branch {branch_id} has an unknown timezone"
        ))
    })
}

pub async fn get(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<Branch> {
    find_visible(db, caller, id).await.map(Branch::from)
}

fn require_super_admin(caller: &AuthUser) -> ServiceResult<()> {
    if caller.role() == lectern_api_types::Role::SuperAdmin {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "Only super admins manage branches.",
        ))
    }
}

fn parse_timezone(raw: &str, errors: &mut FieldErrors) -> Option<BranchTimezone> {
    let timezone = BranchTimezone::parse(raw);
    if timezone.is_none() {
        errors.add("timezone", "is not an IANA timezone such as Asia/Kolkata");
    }
    timezone
}

fn code_taken(code: &str) -> ServiceError {
    ServiceError::duplicate("code", format!("A branch with code {code} already exists."))
}

pub async fn create(db: &Db, caller: &AuthUser, new: NewBranch) -> ServiceResult<Branch> {
    require_super_admin(caller)?;
    create_unchecked(db, Some(caller.id()), new).await
}

/// Creates a branch on behalf of `actor` (`None` from the command line).
pub async fn create_unchecked(
    db: &Db,
    actor: Option<i64>,
    new: NewBranch,
) -> ServiceResult<Branch> {
    let mut errors = FieldErrors::default();
    let code = new.code;
    let Some(timezone) = parse_timezone(&new.timezone, &mut errors) else {
        return Err(ServiceError::Invalid(errors));
    };
    let now = clock::now();
    let txn = begin_write(db).await?;
    let created = branch::ActiveModel {
        name: Set(new.name.into()),
        code: Set(code.to_string()),
        timezone: Set(timezone.name().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| {
        if violates_unique(&err, "code") {
            code_taken(code.as_str())
        } else {
            err.into()
        }
    })?;
    Change {
        actor,
        branch: Some(created.id),
        action: Action::Create,
        entity: Entity::Branch,
        entity_id: created.id,
        details: json!({"name": created.name, "code": created.code, "timezone": created.timezone}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(created.into())
}

pub async fn update(
    db: &Db,
    caller: &AuthUser,
    id: i64,
    patch: BranchPatch,
) -> ServiceResult<Branch> {
    let existing = find_visible(db, caller, id).await?;
    require_super_admin(caller)?;
    let mut errors = FieldErrors::default();
    let code = patch.code;
    let timezone = patch
        .timezone
        .as_deref()
        .map(|raw| parse_timezone(raw, &mut errors));
    errors.into_result()?;
    let timezone = timezone.flatten();

    let mut changes = serde_json::Map::new();
    let mut model: branch::ActiveModel = existing.clone().into();
    if let Some(name) = patch
        .name
        .map(String::from)
        .filter(|name| *name != existing.name)
    {
        changes.insert("name".into(), json!({"from": existing.name, "to": name}));
        model.name = Set(name);
    }
    let new_code = code.filter(|code| code.as_str() != existing.code);
    if let Some(code) = &new_code {
        changes.insert(
            "code".into(),
            json!({"from": existing.code, "to": code.as_str()}),
        );
        model.code = Set(code.to_string());
    }
    let new_timezone = timezone.filter(|tz| tz.name() != existing.timezone);
    if let Some(timezone) = new_timezone {
        changes.insert(
            "timezone".into(),
            json!({"from": existing.timezone, "to": timezone.name()}),
        );
        model.timezone = Set(timezone.name().to_owned());
    }
    if changes.is_empty() {
        return Ok(existing.into());
    }
    model.updated_at = Set(clock::now());
    let txn = begin_write(db).await?;
    // The zone the sessions were placed in, read under the branch's hold:
    // another change of it may have committed since `existing` was read.
    let was = match new_timezone {
        Some(_) => Some(hold(&txn, id).await?),
        None => None,
    };
    let updated = model.update(&txn).await.map_err(|err| {
        if let (true, Some(code)) = (violates_unique(&err, "code"), &new_code) {
            code_taken(code.as_str())
        } else {
            err.into()
        }
    })?;
    if let (Some(was), Some(timezone)) = (was, new_timezone) {
        // Pending sessions keep their wall-clock times in the new zone.
        let moved = batches::resync_branch(&txn, id, was, timezone).await?;
        changes.insert("sessions_rescheduled".into(), json!(moved));
    }
    Change {
        actor: Some(caller.id()),
        branch: Some(id),
        action: Action::Update,
        entity: Entity::Branch,
        entity_id: id,
        details: changes.into(),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(updated.into())
}

pub async fn delete(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<()> {
    let existing = find_visible(db, caller, id).await?;
    require_super_admin(caller)?;
    let txn = begin_write(db).await?;
    branch::Entity::delete_by_id(id)
        .exec(&txn)
        .await
        .map_err(|err| {
            if violates_foreign_key(&err) {
                ServiceError::in_use(
                    "The branch still has staff or batches; move or remove them first.",
                )
            } else {
                err.into()
            }
        })?;
    Change {
        actor: Some(caller.id()),
        branch: Some(id),
        action: Action::Delete,
        entity: Entity::Branch,
        entity_id: id,
        details: json!({"name": existing.name, "code": existing.code}),
    }
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The branch with this code, for the command line's `--branch CODE`.
pub async fn find_by_code(db: &Db, code: &str) -> ServiceResult<Option<branch::Model>> {
    Ok(branch::Entity::find()
        .filter(branch::Column::Code.eq(code.trim().to_ascii_uppercase()))
        .one(db)
        .await?)
}
