//! Requests on the wire: the bearer token, one renewal on 401, and answers
//! read as JSON or as the server's problem document.

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use lectern_api_types::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::session::Session;

pub const API: &str = "/api/v1";

pub(super) async fn read_problem(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::problem(status, &response.status_text(), None),
    }
}

pub(super) async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json()
            .await
            .map_err(|err| ApiError::Network(err.to_string()))
    } else {
        Err(read_problem(response).await)
    }
}

/// The response when it is a success, for the caller to read as it needs.
pub(super) async fn ok(response: Response) -> Result<Response, ApiError> {
    if response.ok() {
        Ok(response)
    } else {
        Err(read_problem(response).await)
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|err| ApiError::Network(err.to_string()))?;
    request
        .send()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

/// A request without a token, for signing in and renewing.
pub(super) async fn public<B: Serialize>(
    method: Method,
    path: &str,
    body: &B,
) -> Result<Response, ApiError> {
    send(
        RequestBuilder::new(&format!("{API}{path}"))
            .method(method)
            .json(body),
    )
    .await
}

/// Sends a request with the session's token; on 401 renews the token once
/// and tries again, and signs out when the server refuses the renewal.
pub(super) async fn authed(
    session: Session,
    method: Method,
    path: &str,
    build: impl Fn(RequestBuilder) -> Result<Request, gloo_net::Error>,
) -> Result<Response, ApiError> {
    let attempt = |token: String| {
        let builder = RequestBuilder::new(&format!("{API}{path}")).method(method.clone());
        build(builder.header("Authorization", &format!("Bearer {token}")))
    };
    let token = session
        .token()
        .ok_or_else(|| ApiError::problem(401, "Signed out", Some("Sign in again.".into())))?;
    let response = send(attempt(token)).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    match super::auth::refresh().await {
        Ok(tokens) => {
            let token = tokens.access_token.clone();
            session.signed_in(tokens);
            send(attempt(token)).await
        }
        Err(err) => {
            session.renewal_failed(&err);
            Err(err)
        }
    }
}
