//! Signing in and out, renewing the session, and changing one's password.

use gloo_net::http::Method;
use lectern_api_types::auth::{
    LoginRequest, PasswordChange, RefreshRequest, RefreshTokenDelivery, TokenResponse,
};

use super::ApiError;
use super::route::routes;
use super::transport::{ok, public, read};
use crate::session::Session;

routes! {
    LOGIN = Post "/auth/login";
    REFRESH = Post "/auth/refresh";
    LOGOUT = Post "/auth/logout";
    PASSWORD = Post "/me/password";
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    let body = LoginRequest {
        email,
        password,
        refresh_token_delivery: RefreshTokenDelivery::Cookie,
    };
    read(public(Method::POST, LOGIN.template, &body).await?).await
}

/// Renews the session from the HttpOnly refresh cookie, one tab at a time.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    crate::tabs::exclusively("lectern-refresh", || async {
        read(public(Method::POST, REFRESH.template, &RefreshRequest::default()).await?).await
    })
    .await
}

pub async fn logout() -> Result<(), ApiError> {
    ok(public(Method::POST, LOGOUT.template, &RefreshRequest::default()).await?)
        .await
        .map(drop)
}

/// Answers the new tokens: the change signs out every other session.
pub async fn change_password(
    session: Session,
    change: &PasswordChange,
) -> Result<TokenResponse, ApiError> {
    PASSWORD.at(&[]).send(session, change).await
}
