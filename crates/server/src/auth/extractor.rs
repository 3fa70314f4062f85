//! `AuthUser` as a request extractor: the bearer token (an access token or
//! an API token), verified, and the account it names as that account
//! stands now.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use lectern_api_types::api_tokens::TokenScope;

use super::accounts::{AccountError, CurrentError};
use super::tokens::TokenError;
use crate::clock;
use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::routes::API_PREFIX;
use crate::services::{ServiceError, api_tokens};
use crate::state::AppState;

/// What an account whose password an admin set may still do: read who it
/// is, and choose its own password.
const ALLOWED_BEFORE_PASSWORD_CHANGE: [&str; 2] = ["/me", "/me/password"];

/// What only a person signed in may do: an API token that leaked must not
/// be able to make more of itself or lock its owner out.
fn for_people_only(route: &str) -> bool {
    route == "/me/password" || route == "/me/tokens" || route.starts_with("/me/tokens/")
}

/// The credential a request carries.
enum Credential {
    Access(AuthUser),
    ApiToken(String),
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verified = verify(req);
        // The path as the router decoded it: `/me/tok%65ns` reaches the
        // tokens' handler, so it must be read as `/me/tokens` here too.
        let route = req
            .match_info()
            .as_str()
            .strip_prefix(API_PREFIX)
            .unwrap_or_default();
        let may_wait = ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&route);
        let people_only = for_people_only(route);
        let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        Box::pin(async move {
            let (state, credential) = verified?;
            let account = match credential {
                Credential::Access(signed_in) => signed_in.id(),
                Credential::ApiToken(token) => {
                    let (account, scope) =
                        api_tokens::authenticate(&state.db, &token, clock::now())
                            .await
                            .map_err(|err| ApiError::from(ServiceError::from(err)))?
                            .ok_or_else(|| {
                                ApiError::Unauthorized(
                                    "The API token is not valid: unknown, revoked or expired."
                                        .into(),
                                )
                            })?;
                    if people_only {
                        return Err(ApiError::Forbidden(
                            "API tokens cannot manage tokens or the password; sign in to do that."
                                .into(),
                        ));
                    }
                    if scope == TokenScope::Read && writes {
                        return Err(ApiError::Forbidden(
                            "This API token may only read; use a write token to change anything."
                                .into(),
                        ));
                    }
                    account
                }
            };
            standing(&state, account, may_wait).await
        })
    }
}

/// The account `id` as it stands now, its role and branch read afresh (a
/// token or signed link carries only whose it is): refused once the
/// account is gone or deactivated, and, unless `may_wait`, while a
/// password an admin set awaits its change.
pub async fn standing(state: &AppState, id: i64, may_wait: bool) -> Result<AuthUser, ApiError> {
    let current = state
        .accounts
        .current(&state.db, id)
        .await
        .map_err(|err| match err {
            CurrentError::Account(AccountError::Gone) => {
                ApiError::Unauthorized("The account no longer exists.".into())
            }
            CurrentError::Account(AccountError::Deactivated) => {
                ApiError::Unauthorized("The account is deactivated.".into())
            }
            CurrentError::Database(err) => ApiError::from(ServiceError::from(err)),
        })?;
    if current.must_change_password && !may_wait {
        return Err(ApiError::PasswordChangeRequired);
    }
    Ok(current.user)
}

fn verify(req: &HttpRequest) -> Result<(web::Data<AppState>, Credential), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    let token = bearer_token(req).ok_or_else(|| {
        ApiError::Unauthorized("Send an access token as `Authorization: Bearer <token>`.".into())
    })?;
    if token.starts_with(api_tokens::PREFIX) {
        return Ok((state, Credential::ApiToken(token.to_owned())));
    }
    let signed_in = state.tokens.verify(token).map_err(|err| {
        ApiError::Unauthorized(match err {
            TokenError::Expired => "The access token has expired; refresh it.".into(),
            TokenError::Invalid => "The access token is not valid.".into(),
        })
    })?;
    Ok((state, Credential::Access(signed_in)))
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}
