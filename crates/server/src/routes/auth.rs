//! `/auth/*` and `/me`.
//!
//! Browsers get the refresh token as an HttpOnly, SameSite=Strict cookie
//! scoped to `/api/v1/auth`, which scripts cannot read; because a cookie
//! rides along by itself, a refresh or logout that relies on it must also
//! come from our own origin. Programs ask for the token in the body instead.

use std::net::IpAddr;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use lectern_api_types::auth::{
    LoginRequest, PasswordChange, RefreshRequest, RefreshTokenDelivery, TokenResponse,
};
use lectern_api_types::users::User;

use crate::auth::rotation::client_fingerprint;
use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{SmallBody, ValidJson, parse_json};
use crate::services::auth::{self as service, AuthFailure, Issued, REFRESH_TOKEN_DAYS};
use crate::services::users;
use crate::state::AppState;

pub const REFRESH_COOKIE: &str = "lectern_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

impl From<AuthFailure> for ApiError {
    fn from(failure: AuthFailure) -> Self {
        match failure {
            AuthFailure::Deactivated => ApiError::Forbidden(failure.to_string()),
            AuthFailure::Service(err) => err.into(),
            AuthFailure::BadCredentials
            | AuthFailure::InvalidRefreshToken
            | AuthFailure::RefreshTokenReused => ApiError::Unauthorized(failure.to_string()),
        }
    }
}

/// Sign in with email and password.
///
/// Answers a 15-minute access token for the `Authorization: Bearer` header.
/// The refresh token comes as an HttpOnly cookie, or in the body when
/// `refresh_token_delivery` is `body`. Attempts are limited per account and
/// per client address.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::Unprocessable),
        (status = 429, response = crate::openapi::TooManyRequests),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .login_limiter
        .check(&attempts_key(&body.email), client_address(&req, &state))
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let issued = service::login(&state.db, &state.tokens, &body.email, body.password).await?;
    Ok(signed_in(&req, issued, body.refresh_token_delivery))
}

/// Trade a refresh token for a new access token and a new refresh token.
///
/// Send the token in the body, or let the browser send its cookie (then
/// the request must carry our own `Origin`). Each refresh token works once:
/// presenting a spent one revokes every session of that sign-in, except
/// that the client which spent it may present it again within 10 seconds
/// (two tabs refreshing together) and is told the same new pair.
#[utoipa::path(
    operation_id = "refresh_token",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Omit when the cookie carries the token"),
    security(()),
    responses(
        (status = 200, description = "A fresh pair of tokens", body = TokenResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    SmallBody(body): SmallBody,
) -> Result<HttpResponse, ApiError> {
    let (token, delivery) = presented_token(&req, &body)?;
    let token = token.ok_or_else(|| {
        ApiError::Unauthorized("Send the refresh token in the body or its cookie.".into())
    })?;
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let presenter = service::Presenter {
        rotation: &state.rotation,
        client: client_fingerprint(&client_address(&req, &state).to_string(), user_agent),
    };
    match service::refresh(&state.db, &state.tokens, &presenter, &token).await {
        Ok(issued) => Ok(signed_in(&req, issued, delivery)),
        Err(failure) => {
            let error = ApiError::from(failure);
            // A cookie that no longer works is cleared so the SPA stops sending it.
            let mut response = actix_web::ResponseError::error_response(&error);
            if delivery == RefreshTokenDelivery::Cookie {
                response
                    .add_cookie(&expired_cookie(&req))
                    .map_err(|err| ApiError::Internal(err.into()))?;
            }
            Ok(response)
        }
    }
}

/// Sign out: revoke the refresh token and every token rotated from the same sign-in.
///
/// Signing out with an unknown or spent token is not an error. Access
/// tokens already issued stay valid until they expire, at most 15 minutes.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Omit when the cookie carries the token"),
    security(()),
    responses(
        (status = 204, description = "Signed out"),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 403, response = crate::openapi::Forbidden),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    SmallBody(body): SmallBody,
) -> Result<HttpResponse, ApiError> {
    let (token, _) = presented_token(&req, &body)?;
    if let Some(token) = token {
        service::logout(&state.db, &token).await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(expired_cookie(&req))
        .finish())
}

/// The signed-in user.
#[utoipa::path(
    operation_id = "get_me",
    tag = "auth",
    responses(
        (status = 200, description = "The caller's own account", body = User),
        (status = 401, response = crate::openapi::Unauthorized),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> Result<web::Json<User>, ApiError> {
    users::me(&state.db, &caller)
        .await?
        .map(web::Json)
        .ok_or_else(|| ApiError::Unauthorized("This account no longer exists.".into()))
}

/// Change one's own password: the current one, and a new one of at least
/// 10 characters that is not among the 10,000 most common. Every other
/// sign-in of the account ends; this one continues with the tokens answered,
/// as at sign-in. Attempts count against the sign-in limit of the account.
#[utoipa::path(
    operation_id = "change_password",
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; a fresh pair of tokens", body = TokenResponse),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
        (status = 429, response = crate::openapi::TooManyRequests),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    // Counted with the account's sign-ins, so the current password is not
    // guessed here alongside login at twice the rate.
    let account = users::me(&state.db, &caller)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("The account no longer exists.".into()))?;
    state
        .login_limiter
        .check(&attempts_key(&account.email), client_address(&req, &state))
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let issued = service::change_password(
        &state.db,
        &state.tokens,
        &caller,
        body.current_password,
        body.new_password.into_inner(),
    )
    .await?;
    state.accounts.forget(caller.id());
    Ok(signed_in(&req, issued, body.refresh_token_delivery))
}

/// What an account's sign-in attempts count under: its email as login
/// compares it.
fn attempts_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn client_address(req: &HttpRequest, state: &AppState) -> IpAddr {
    state.config.trusted_proxies.client_of(req)
}

/// The refresh token of a refresh or logout request and where it came
/// from. A token taken from the cookie is accepted only from our origin.
fn presented_token(
    req: &HttpRequest,
    body: &[u8],
) -> Result<(Option<String>, RefreshTokenDelivery), ApiError> {
    // No body at all is the cookie's turn; anything else must be a JSON
    // document, and whitespace alone (a form feed, a lone CR) is none.
    let from_body = if body.is_empty() {
        None
    } else {
        parse_json::<Option<RefreshRequest>>(body)?.and_then(|request| request.refresh_token)
    };
    if from_body.is_some() {
        return Ok((from_body, RefreshTokenDelivery::Body));
    }
    let Some(cookie) = req.cookie(REFRESH_COOKIE) else {
        return Ok((None, RefreshTokenDelivery::Cookie));
    };
    if !same_origin(req) {
        return Err(ApiError::Forbidden(
            "A cookie-carried refresh token is accepted only from this site's own pages.".into(),
        ));
    }
    Ok((
        Some(cookie.value().to_owned()),
        RefreshTokenDelivery::Cookie,
    ))
}

fn same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return false;
    };
    let info = req.connection_info();
    let Some(authority) = origin.split_once("://").map(|(_, rest)| rest) else {
        return false;
    };
    authority.eq_ignore_ascii_case(info.host())
}

fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn refresh_cookie(req: &HttpRequest, token: String) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(is_https(req))
        .max_age(CookieDuration::days(REFRESH_TOKEN_DAYS))
        .finish()
}

fn expired_cookie(req: &HttpRequest) -> Cookie<'static> {
    let mut cookie = refresh_cookie(req, String::new());
    cookie.make_removal();
    cookie
}

fn signed_in(req: &HttpRequest, issued: Issued, delivery: RefreshTokenDelivery) -> HttpResponse {
    let Issued {
        access_token,
        expires_in,
        refresh_token,
        user,
    } = issued;
    let (in_body, cookie) = match delivery {
        RefreshTokenDelivery::Body => (Some(refresh_token), None),
        RefreshTokenDelivery::Cookie => (None, Some(refresh_cookie(req, refresh_token))),
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    response.json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        refresh_token: in_body,
        user,
    })
}
