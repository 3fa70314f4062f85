//! Signing in and staying signed in: password checks, and rotating refresh
//! tokens whose reuse revokes the whole family.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use lectern_api_types::users::User;
use rand::RngCore as _;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    Set,
};

use super::error::violates_unique;
use super::{ServiceError, ServiceResult};
use crate::audit::{Action, Change, Entity};
use crate::auth::rotation::Rotation;
use crate::auth::{AccessTokens, opaque, password};
use crate::clock;
use crate::db::{Db, begin_write};
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

fn new_family() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn principal(account: &user::Model) -> ServiceResult<AuthUser> {
    AuthUser::new(account.id, account.role, account.branch_id).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!(
            "user {} has a role without its branch",
            account.id
        ))
    })
}

/// Stores `token` (its hash) as the live token of `family`.
async fn store_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    family: String,
    token: String,
) -> Result<(refresh_token::Model, String), sea_orm::DbErr> {
    let now = clock::now();
    let stored = refresh_token::ActiveModel {
        user_id: Set(user_id),
        family: Set(family),
        token_hash: Set(opaque::stored_hash(&token)),
        expires_at: Set(now + Duration::days(REFRESH_TOKEN_DAYS)),
        revoked_at: Set(None),
        replaced_by_id: Set(None),
        spent_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((stored, token))
}

/// The pair for `account`: an access token dated `at` (the moment its
/// refresh token was stored, so the same pair can be told again) and
/// `refresh_token`.
fn issue(
    tokens: &AccessTokens,
    account: user::Model,
    refresh_token: String,
    at: DateTime<Utc>,
) -> Result<Issued, AuthFailure> {
    let access_token = tokens
        .issue(&principal(&account)?, at)
        .map_err(ServiceError::from)?;
    let left = crate::auth::tokens::ACCESS_TOKEN_SECONDS - (clock::now() - at).num_seconds();
    Ok(Issued {
        access_token,
        expires_in: left.max(0).unsigned_abs(),
        refresh_token,
        user: account.into(),
    })
}

pub async fn login(
    db: &Db,
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
    let (stored, refresh_token) =
        store_token(db, account.id, new_family(), opaque::new_secret()).await?;
    issue(tokens, account, refresh_token, stored.created_at)
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

/// How long after spending a refresh token its client may present it again
/// and be told the same new pair: long enough for two tabs that refreshed
/// together, or a retry after a lost answer.
pub const REPLAY_SECONDS: i64 = 10;

/// Who presents a token, and the key that names its successor.
pub struct Presenter<'a> {
    pub rotation: &'a Rotation,
    /// [`crate::auth::rotation::client_fingerprint`] of the request.
    pub client: String,
}

/// Trades a refresh token for a new pair. The presented token is spent;
/// presenting it again revokes its whole family, since one of the two
/// holders must be a thief, unless the client that spent it presents it
/// again within [`REPLAY_SECONDS`] while the pair it got is still unused:
/// then it is told that pair again.
pub async fn refresh(
    db: &Db,
    tokens: &AccessTokens,
    presenter: &Presenter<'_>,
    presented: &str,
) -> Result<Issued, AuthFailure> {
    let successor = presenter.rotation.successor(presented);
    // A second pass only follows a race lost to another request with the
    // same token, which has spent it by then.
    for _ in 0..2 {
        let stored = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(opaque::stored_hash(presented)))
            .one(db)
            .await?
            .ok_or(AuthFailure::InvalidRefreshToken)?;
        if stored.replaced_by_id.is_some() {
            return replay(db, tokens, presenter, stored, successor).await;
        }
        if stored.revoked_at.is_some() || stored.expires_at <= clock::now() {
            return Err(AuthFailure::InvalidRefreshToken);
        }
        let account = active_account(db, stored.user_id).await?;
        if let Some((new, token)) = spend(db, &stored, &presenter.client, successor.clone()).await?
        {
            return issue(tokens, account, token, new.created_at);
        }
    }
    Err(AuthFailure::RefreshTokenReused)
}

async fn active_account(db: &Db, id: i64) -> Result<user::Model, AuthFailure> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|account| account.active)
        .ok_or(AuthFailure::InvalidRefreshToken)
}

/// Stores `successor` and marks `stored` spent by `client`, in one
/// transaction; `None` when another request spent it first (the
/// successor, the same for both, is then already taken).
async fn spend(
    db: &Db,
    stored: &refresh_token::Model,
    client: &str,
    successor: String,
) -> Result<Option<(refresh_token::Model, String)>, AuthFailure> {
    let txn = begin_write(db).await?;
    let inserted = store_token(&txn, stored.user_id, stored.family.clone(), successor).await;
    let (new, token) = match inserted {
        Ok(new) => new,
        Err(err) if violates_unique(&err, "token_hash") => {
            txn.rollback().await?;
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::ReplacedById, Expr::value(new.id))
        .col_expr(refresh_token::Column::SpentBy, Expr::value(client))
        .col_expr(
            refresh_token::Column::UpdatedAt,
            Expr::value(new.created_at),
        )
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::ReplacedById.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(None);
    }
    txn.commit().await?;
    Ok(Some((new, token)))
}

/// A spent token presented again: the same pair for the client that spent
/// it a moment ago, else the family revoked.
async fn replay(
    db: &Db,
    tokens: &AccessTokens,
    presenter: &Presenter<'_>,
    spent: refresh_token::Model,
    successor: String,
) -> Result<Issued, AuthFailure> {
    let next = match spent.replaced_by_id {
        Some(id) => refresh_token::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let replayable =
        next.filter(|next| may_replay(&spent, next, &presenter.client, &successor, clock::now()));
    if let Some(next) = replayable {
        let account = active_account(db, next.user_id).await?;
        return issue(tokens, account, successor, next.created_at);
    }
    revoke_family(db, &spent.family).await?;
    tracing::warn!(
        user_id = spent.user_id,
        "refresh token reused; family revoked"
    );
    Err(AuthFailure::RefreshTokenReused)
}

/// Whether `spent`, presented again by `client` at `now`, may be answered
/// with `next`, the token it was traded for: the same client, within
/// [`REPLAY_SECONDS`], `next` still live and unused, and `successor` (what
/// the presented token names) really is `next`.
fn may_replay(
    spent: &refresh_token::Model,
    next: &refresh_token::Model,
    client: &str,
    successor: &str,
    now: DateTime<Utc>,
) -> bool {
    spent.spent_by.as_deref() == Some(client)
        && (now - spent.updated_at).num_seconds() <= REPLAY_SECONDS
        && next.replaced_by_id.is_none()
        && next.revoked_at.is_none()
        && next.expires_at > now
        && next.token_hash == opaque::stored_hash(successor)
}

/// Forgets the refresh tokens that expired more than
/// [`REFRESH_TOKEN_DAYS`] before `now`, and answers how many. One is
/// written for every renewal, a few an hour for everyone signed in, so
/// kept for ever they would outgrow every other table. Kept for twice
/// their life, a spent one presented again while it could still have been
/// used is still known, and still revokes its family.
pub async fn forget_expired<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::ExpiresAt.lt(now - Duration::days(REFRESH_TOKEN_DAYS)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Ends the sign-in the token belongs to. Unknown tokens are ignored, so
/// signing out twice is harmless.
pub async fn logout(db: &Db, presented: &str) -> ServiceResult<()> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(opaque::stored_hash(presented)))
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
    db: &Db,
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

    let txn = begin_write(db).await?;
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
    let (stored, refresh_token) =
        store_token(&txn, account.id, new_family(), opaque::new_secret()).await?;
    txn.commit().await?;
    issue(tokens, account, refresh_token, stored.created_at)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _, Utc};

    use super::*;

    const CLIENT: &str = "tab-one";

    fn token(id: i64, hash: String) -> refresh_token::Model {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap();
        refresh_token::Model {
            id,
            user_id: 7,
            family: "family".into(),
            token_hash: hash,
            expires_at: at + Duration::days(REFRESH_TOKEN_DAYS),
            revoked_at: None,
            replaced_by_id: None,
            spent_by: None,
            created_at: at,
            updated_at: at,
        }
    }

    /// A token spent by [`CLIENT`] at 09:00 for `next`, whose token is "next".
    fn spent_and_next() -> (refresh_token::Model, refresh_token::Model) {
        let next = token(2, opaque::stored_hash("next"));
        let mut spent = token(1, opaque::stored_hash("spent"));
        spent.replaced_by_id = Some(next.id);
        spent.spent_by = Some(CLIENT.into());
        (spent, next)
    }

    #[test]
    fn the_client_that_spent_a_token_may_present_it_again_for_a_few_seconds() {
        let (spent, next) = spent_and_next();
        let at = |seconds| spent.updated_at + Duration::seconds(seconds);
        assert!(may_replay(&spent, &next, CLIENT, "next", at(0)));
        assert!(may_replay(
            &spent,
            &next,
            CLIENT,
            "next",
            at(REPLAY_SECONDS)
        ));
        assert!(!may_replay(
            &spent,
            &next,
            CLIENT,
            "next",
            at(REPLAY_SECONDS + 1)
        ));
    }

    #[test]
    fn anyone_else_or_a_used_successor_is_reuse() {
        let (spent, next) = spent_and_next();
        let now = spent.updated_at;
        assert!(!may_replay(&spent, &next, "tab-elsewhere", "next", now));
        assert!(!may_replay(&spent, &next, CLIENT, "another", now));
        let mut used = next.clone();
        used.replaced_by_id = Some(3);
        assert!(!may_replay(&spent, &used, CLIENT, "next", now));
        let mut revoked = next.clone();
        revoked.revoked_at = Some(now);
        assert!(!may_replay(&spent, &revoked, CLIENT, "next", now));
        let mut unmarked = spent;
        unmarked.spent_by = None;
        assert!(!may_replay(&unmarked, &next, CLIENT, "next", now));
    }
}
