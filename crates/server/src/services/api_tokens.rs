//! API tokens: made, listed and revoked by their owner, and checked on
//! every request that sends one. A token is an opaque secret after `lct_`,
//! stored only as its hash (`auth::opaque`).

use chrono::{DateTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::api_tokens::{ApiToken, CreatedApiToken, NewApiToken, TokenScope};
use lectern_api_types::page::PageQuery;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DbErr,
    EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};

use super::{ServiceError, ServiceResult};
use crate::auth::opaque;
use crate::clock;
use crate::domain::AuthUser;
use crate::entities::api_token::{self, Column, Entity};
use crate::pagination;

/// What every API token starts with, so it is told from an access token
/// at a glance (and by secret scanners).
pub const PREFIX: &str = "lct_";

/// `last_used_at` is written at most this often per token.
const USE_RECORDED_EVERY: chrono::Duration = chrono::Duration::minutes(1);

fn listed(model: api_token::Model) -> ApiToken {
    ApiToken {
        id: model.id,
        name: model.name,
        scope: model.scope,
        created_at: model.created_at,
        expires_at: model.expires_at,
        last_used_at: model.last_used_at,
    }
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    caller: &AuthUser,
    new: NewApiToken,
) -> ServiceResult<CreatedApiToken> {
    let token = format!("{PREFIX}{}", opaque::new_secret());
    let now = clock::now();
    let expires_at = new
        .expires_in_days
        .map(|days| now + chrono::Duration::days(i64::from(days)));
    let made = api_token::ActiveModel {
        user_id: Set(caller.id()),
        name: Set(new.name.into()),
        scope: Set(new.scope),
        token_hash: Set(opaque::stored_hash(&token)),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(CreatedApiToken {
        id: made.id,
        name: made.name,
        scope: made.scope,
        token,
        created_at: made.created_at,
        expires_at: made.expires_at,
    })
}

/// The caller's own tokens, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    caller: &AuthUser,
    query: PageQuery,
) -> ServiceResult<Page<ApiToken>> {
    let limit = pagination::limit(query.limit);
    let mut select = Entity::find()
        .filter(Column::UserId.eq(caller.id()))
        .order_by_desc(Column::Id);
    if let Some(cursor) = &query.cursor {
        let before: i64 = pagination::decode(cursor)?;
        select = select.filter(Column::Id.lt(before));
    }
    let rows = select.limit(limit + 1).all(db).await?;
    Ok(pagination::page(rows, limit, |row| row.id, listed))
}

/// Revokes one of the caller's tokens; another's does not exist for them.
pub async fn revoke<C: ConnectionTrait>(db: &C, caller: &AuthUser, id: i64) -> ServiceResult<()> {
    let deleted = Entity::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(caller.id()))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ServiceError::NotFound("API token"));
    }
    Ok(())
}

/// The account and scope `token` stands for, if it is one that is neither
/// revoked nor expired; notes that it was used.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, TokenScope)>, DbErr> {
    let Some(found) = Entity::find()
        .filter(Column::TokenHash.eq(opaque::stored_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    if found
        .last_used_at
        .is_none_or(|at| now - at >= USE_RECORDED_EVERY)
    {
        Entity::update_many()
            .col_expr(Column::LastUsedAt, Expr::value(now))
            .filter(Column::Id.eq(found.id))
            .exec(db)
            .await?;
    }
    Ok(Some((found.user_id, found.scope)))
}
