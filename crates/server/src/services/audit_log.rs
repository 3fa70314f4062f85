//! Reading the audit log: admins, newest first, within their scope.

use lectern_api_types::Page;
use lectern_api_types::audit::{AuditEntry, AuditQuery};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};

use super::{ServiceError, ServiceResult};
use crate::domain::{AuthUser, Scope};
use crate::entities::audit_log;
use crate::pagination;

impl From<audit_log::Model> for AuditEntry {
    fn from(model: audit_log::Model) -> Self {
        AuditEntry {
            id: model.id,
            actor_id: model.actor_id,
            action: model.action,
            entity: model.entity,
            entity_id: model.entity_id,
            details: serde_json::from_str(&model.details)
                .unwrap_or(serde_json::Value::String(model.details)),
            created_at: model.created_at,
        }
    }
}

pub async fn list(
    db: &DatabaseConnection,
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
    Ok(pagination::page(
        rows,
        limit,
        |row| row.id,
        AuditEntry::from,
    ))
}
