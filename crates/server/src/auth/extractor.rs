//! `AuthUser` as a request extractor: the bearer token, verified, and the
//! account it names as that account stands now.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::accounts::{AccountError, CurrentError};
use super::tokens::TokenError;
use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::routes::API_PREFIX;
use crate::services::ServiceError;
use crate::state::AppState;

/// What an account whose password an admin set may still do: read who it
/// is, and choose its own password.
const ALLOWED_BEFORE_PASSWORD_CHANGE: [&str; 2] = ["/me", "/me/password"];

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verified = verify(req);
        let may_wait = req
            .path()
            .strip_prefix(API_PREFIX)
            .is_some_and(|route| ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&route));
        Box::pin(async move {
            let (state, signed_in) = verified?;
            // The role and branch are the account's now, not the token's.
            let current = state
                .accounts
                .current(&state.db, signed_in.id())
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
        })
    }
}

fn verify(req: &HttpRequest) -> Result<(web::Data<AppState>, AuthUser), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    let token = bearer_token(req).ok_or_else(|| {
        ApiError::Unauthorized("Send an access token as `Authorization: Bearer <token>`.".into())
    })?;
    let signed_in = state.tokens.verify(token).map_err(|err| {
        ApiError::Unauthorized(match err {
            TokenError::Expired => "The access token has expired; refresh it.".into(),
            TokenError::Invalid => "The access token is not valid.".into(),
        })
    })?;
    Ok((state, signed_in))
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}
