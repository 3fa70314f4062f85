//! Reading the audit log: admins, newest first, within their scope.

use std::collections::{HashMap, HashSet};

use lectern_api_types::Page;
use lectern_api_types::audit::{AuditEntry, AuditQuery};
use sea_orm::{
    ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};

use super::{ServiceError, ServiceResult};
use crate::db::Db;
use crate::domain::{AuthUser, Scope};
use crate::entities::{audit_log, user};
use crate::pagination;

fn entry(model: audit_log::Model, names: &HashMap<i64, String>) -> AuditEntry {
    AuditEntry {
        id: model.id,
        actor_name: model.actor_id.and_then(|id| names.get(&id).cloned()),
        actor_id: model.actor_id,
        action: model.action,
        entity: model.entity,
        entity_id: model.entity_id,
        details: serde_json::from_str(&model.details)
            .unwrap_or(serde_json::Value::String(model.details)),
        created_at: model.created_at,
    }
}

pub async fn list(
    db: &Db,
    caller: &AuthUser,
    query: AuditQuery,
) -> ServiceResult<Page<AuditEntry>> {
    let mut condition = match caller.scope() {
        Scope::Everything => Condition::all(),
        Scope::Branch(branch) => Condition::all().add(audit_log::Column::BranchId.eq(branch)),
        Scope::Own { .. } => {
            return Err(ServiceError::forbidden("Only admins read the audit log."));
        }
    };
    if let Some(entity) = query.entity {
        condition = condition.add(audit_log::Column::Entity.eq(entity.as_str()));
    }
    if let Some(entity_id) = query.entity_id {
        condition = condition.add(audit_log::Column::EntityId.eq(entity_id));
    }
    if let Some(cursor) = &query.cursor {
        let before: i64 = pagination::decode(cursor)?;
        condition = condition.add(audit_log::Column::Id.lt(before));
    }
    let limit = pagination::limit(query.limit);
    let rows = audit_log::Entity::find()
        .filter(condition)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    // One lookup for the page's actors rather than a join on every row.
    let actors: HashSet<i64> = rows.iter().filter_map(|row| row.actor_id).collect();
    let names: HashMap<i64, String> = if actors.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(actors))
            .all(db)
            .await?
            .into_iter()
            .map(|user| (user.id, user.name))
            .collect()
    };
    Ok(pagination::page(
        rows,
        limit,
        |row| row.id,
        |row| entry(row, &names),
    ))
}
