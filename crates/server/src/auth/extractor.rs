//! `AuthUser` as a request extractor: the bearer token, verified.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::tokens::TokenError;
use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    let token = bearer_token(req).ok_or_else(|| {
        ApiError::Unauthorized("Send an access token as `Authorization: Bearer <token>`.".into())
    })?;
    state.tokens.verify(token).map_err(|err| {
        ApiError::Unauthorized(match err {
            TokenError::Expired => "The access token has expired; refresh it.".into(),
            TokenError::Invalid => "The access token is not valid.".into(),
        })
    })
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}
