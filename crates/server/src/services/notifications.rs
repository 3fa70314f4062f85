//! Which emails a person wants: their own choice, for their own account.

use lectern_api_types::outbox::NotificationSettings;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _};

use super::{ServiceError, ServiceResult};
use crate::clock;
use crate::db::Db;
use crate::domain::AuthUser;
use crate::entities::user;

fn settings(model: &user::Model) -> NotificationSettings {
    NotificationSettings {
        completed: model.notify_completed,
        returned: model.notify_returned,
        overdue: model.notify_overdue,
    }
}

pub async fn get(db: &Db, caller: &AuthUser) -> ServiceResult<NotificationSettings> {
    let me = user::Entity::find_by_id(caller.id())
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    Ok(settings(&me))
}

pub async fn set(
    db: &Db,
    caller: &AuthUser,
    wanted: NotificationSettings,
) -> ServiceResult<NotificationSettings> {
    let me = user::ActiveModel {
        id: Set(caller.id()),
        notify_completed: Set(wanted.completed),
        notify_returned: Set(wanted.returned),
        notify_overdue: Set(wanted.overdue),
        updated_at: Set(clock::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(settings(&me))
}
