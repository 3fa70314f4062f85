//! Signing in and staying signed in: password checks, and rotating refresh
//! tokens whose reuse revokes the whole family.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use lectern_api_types::users::User;
use rand::RngCore as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, Set, TransactionTrait as _,
};
use sha2::{Digest as _, Sha256};

use super::{ServiceError, ServiceResult};
use crate::audit::{Action, Change, Entity};
use crate::auth::{AccessTokens, password};
use crate::clock;
use crate::domain::{AuthUser, Email};
use crate::entities::{refresh_token, user};

/// How long a refresh token stays usable if it is not rotated sooner.
pub const REFRESH_TOKEN_DAYS: i64 = 14;

/// Why a sign-in or a refresh was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthFailure {
    #[error("The email or password is incorrect.")]
    BadCredentials,
    #[error("This account is deactivated.")]
    Deactivated,
    #[error("The refresh token is not valid; sign in again.")]
    InvalidRefreshToken,
    #[error("This refresh token was already used; every session of this sign-in is now revoked.")]
    RefreshTokenReused,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<sea_orm::DbErr> for AuthFailure {
    fn from(err: sea_orm::DbErr) -> Self {
        AuthFailure::Service(err.into())
    }
}

/// A signed-in session: the access token, the refresh token to renew it,
/// and whose they are.
#[derive(Debug)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub user: User,
}

fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn new_family() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Refresh tokens carry 256 random bits, so a fast hash is enough to make
/// a leaked table useless.
fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

fn principal(account: &user::Model) -> ServiceResult<AuthUser> {
    AuthUser::new(account.id, account.role, account.branch_id).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!(
            "user {} has a role without its branch",
            account.id
        ))
    })
}

async fn store_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    family: String,
) -> Result<(i64, String), AuthFailure> {
    let token = new_refresh_token();
    let now = clock::now();
    let stored = refresh_token::ActiveModel {
        user_id: Set(user_id),
        family: Set(family),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(now + Duration::days(REFRESH_TOKEN_DAYS)),
        revoked_at: Set(None),
        replaced_by_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((stored.id, token))
}

fn issue(
    tokens: &AccessTokens,
    account: user::Model,
    refresh_token: String,
) -> Result<Issued, AuthFailure> {
    let access_token = tokens
        .issue(&principal(&account)?, clock::now())
        .map_err(ServiceError::from)?;
    Ok(Issued {
        access_token,
        expires_in: crate::auth::tokens::ACCESS_TOKEN_SECONDS.unsigned_abs(),
        refresh_token,
        user: account.into(),
    })
}

pub async fn login(
    db: &DatabaseConnection,
    tokens: &AccessTokens,
    email: &str,
    password: String,
) -> Result<Issued, AuthFailure> {
    let account = match Email::parse(email).ok() {
        Some(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
        }
        None => None,
    };
    let matches =
        password::verify(password, account.as_ref().map(|a| a.password_hash.clone())).await;
    let account = account
        .filter(|_| matches)
        .ok_or(AuthFailure::BadCredentials)?;
    if !account.active {
        return Err(AuthFailure::Deactivated);
    }
    let (_, refresh_token) = store_token(db, account.id, new_family()).await?;
    issue(tokens, account, refresh_token)
}

async fn revoke_family<C: ConnectionTrait>(db: &C, family: &str) -> Result<(), sea_orm::DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(clock::now()))
        .filter(refresh_token::Column::Family.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Trades a refresh token for a new pair. The presented token is spent;
/// presenting it again, by anyone, revokes its whole family, since one of
/// the two holders must be a thief.
pub async fn refresh(
    db: &DatabaseConnection,
    tokens: &AccessTokens,
    presented: &str,
) -> Result<Issued, AuthFailure> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?
        .ok_or(AuthFailure::InvalidRefreshToken)?;
    if stored.replaced_by_id.is_some() {
        revoke_family(db, &stored.family).await?;
        tracing::warn!(
            user_id = stored.user_id,
            "refresh token reused; family revoked"
        );
        return Err(AuthFailure::RefreshTokenReused);
    }
    if stored.revoked_at.is_some() || stored.expires_at <= clock::now() {
        return Err(AuthFailure::InvalidRefreshToken);
    }
    let account = user::Entity::find_by_id(stored.user_id)
        .one(db)
        .await?
        .filter(|account| account.active)
        .ok_or(AuthFailure::InvalidRefreshToken)?;

    let txn = db.begin().await?;
    let (new_id, new_token) = store_token(&txn, account.id, stored.family.clone()).await?;
    // Only the first of two racing refreshes may spend the token.
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::ReplacedById, Expr::value(new_id))
        .col_expr(refresh_token::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::ReplacedById.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        revoke_family(db, &stored.family).await?;
        return Err(AuthFailure::RefreshTokenReused);
    }
    txn.commit().await?;
    issue(tokens, account, new_token)
}

/// Ends the sign-in the token belongs to. Unknown tokens are ignored, so
/// signing out twice is harmless.
pub async fn logout(db: &DatabaseConnection, presented: &str) -> ServiceResult<()> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?;
    if let Some(stored) = stored {
        revoke_family(db, &stored.family).await?;
    }
    Ok(())
}

/// Changes the caller's own password. The current one must be right and the
/// new one not common. Every refresh token of the account is revoked and a
/// new sign-in returned: this device stays signed in, every other one signs
/// in again.
pub async fn change_password(
    db: &DatabaseConnection,
    tokens: &AccessTokens,
    caller: &AuthUser,
    current: String,
    new: String,
) -> Result<Issued, AuthFailure> {
    let account = user::Entity::find_by_id(caller.id())
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("account"))?;
    let unchanged = current == new;
    if !password::verify(current, Some(account.password_hash.clone())).await {
        return Err(
            ServiceError::invalid("current_password", "is not your current password").into(),
        );
    }
    if unchanged {
        return Err(
            ServiceError::invalid("new_password", "must differ from the current one").into(),
        );
    }
    if let Some(weakness) = password::weakness(&new) {
        return Err(ServiceError::invalid("new_password", weakness).into());
    }
    let hash = password::hash(new).await.map_err(ServiceError::from)?;

    let txn = db.begin().await?;
    let mut model: user::ActiveModel = account.into();
    model.password_hash = Set(hash);
    model.must_change_password = Set(false);
    model.updated_at = Set(clock::now());
    let account = model.update(&txn).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(clock::now()))
        .filter(refresh_token::Column::UserId.eq(account.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    Change {
        actor: Some(caller.id()),
        branch: account.branch_id,
        action: Action::Update,
        entity: Entity::User,
        entity_id: account.id,
        details: serde_json::json!({"password": "changed by its owner"}),
    }
    .record(&txn)
    .await?;
    let (_, refresh_token) = store_token(&txn, account.id, new_family()).await?;
    txn.commit().await?;
    issue(tokens, account, refresh_token)
}
