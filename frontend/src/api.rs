//! Calls to Lectern's API. Every call that needs a token gets the session's,
//! renews it once when it has expired, and reports failures as the server's
//! problem documents so forms can show each message beside its field.

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use lectern_api_types::Problem;
use lectern_api_types::auth::{LoginRequest, RefreshRequest, RefreshTokenDelivery, TokenResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::session::Session;

pub const API: &str = "/api/v1";

/// Why a call failed: the server said no, or it could not be reached.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    Problem(Problem),
    Network(String),
}

impl ApiError {
    /// A sentence for the person at the screen.
    pub fn message(&self) -> String {
        match self {
            ApiError::Problem(problem) => problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
            ApiError::Network(_) => {
                "Lectern cannot be reached. Check your connection and try again.".into()
            }
        }
    }

    pub fn field_errors(&self, field: &str) -> Vec<String> {
        match self {
            ApiError::Problem(problem) => problem.field_errors(field).to_vec(),
            ApiError::Network(_) => Vec::new(),
        }
    }

    /// Whether the message belongs beside fields rather than above the form.
    pub fn is_about_fields(&self) -> bool {
        matches!(self, ApiError::Problem(problem) if problem.errors.as_ref().is_some_and(|e| !e.is_empty()))
    }

    /// A validation failure on one field, for checks the page makes itself.
    pub fn invalid(field: &str, message: &str) -> Self {
        ApiError::Problem(Problem {
            kind: "urn:lectern:problem:validation".into(),
            title: "Validation failed".into(),
            status: 422,
            detail: Some("Some fields are not valid.".into()),
            errors: Some([(field.to_owned(), vec![message.to_owned()])].into()),
        })
    }

    pub(crate) fn problem(status: u16, title: &str, detail: Option<String>) -> Self {
        ApiError::Problem(Problem {
            kind: "about:blank".into(),
            title: title.into(),
            status,
            detail,
            errors: None,
        })
    }
}

pub(crate) async fn read_problem(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::problem(status, &response.status_text(), None),
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json()
            .await
            .map_err(|err| ApiError::Network(err.to_string()))
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

fn url(path: &str) -> String {
    format!("{API}{path}")
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    let body = LoginRequest {
        email,
        password,
        refresh_token_delivery: RefreshTokenDelivery::Cookie,
    };
    read(send(Request::post(&url("/auth/login")).json(&body)).await?).await
}

/// Renews the session from the HttpOnly refresh cookie, one tab at a time.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    crate::tabs::exclusively("lectern-refresh", || async {
        read(send(Request::post(&url("/auth/refresh")).json(&RefreshRequest::default())).await?)
            .await
    })
    .await
}

pub async fn logout() -> Result<(), ApiError> {
    let response =
        send(Request::post(&url("/auth/logout")).json(&RefreshRequest::default())).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(read_problem(response).await)
    }
}

/// Sends a request with the session's token; on 401 renews the token once
/// and tries again, and signs out when that fails too.
async fn authed(
    session: Session,
    method: Method,
    path: &str,
    build: impl Fn(RequestBuilder) -> Result<Request, gloo_net::Error>,
) -> Result<Response, ApiError> {
    let attempt = |token: String| {
        let builder = RequestBuilder::new(&url(path)).method(method.clone());
        build(builder.header("Authorization", &format!("Bearer {token}")))
    };
    let token = session
        .token()
        .ok_or_else(|| ApiError::problem(401, "Signed out", Some("Sign in again.".into())))?;
    let response = send(attempt(token)).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    match refresh().await {
        Ok(tokens) => {
            let token = tokens.access_token.clone();
            session.signed_in(tokens);
            send(attempt(token)).await
        }
        Err(err) => {
            session.expired();
            Err(err)
        }
    }
}

pub async fn get<T: DeserializeOwned>(session: Session, path: &str) -> Result<T, ApiError> {
    read(authed(session, Method::GET, path, RequestBuilder::build).await?).await
}

/// A GET whose answer is a file rather than JSON: the response, once it is
/// known to be a success, for the caller to read as it needs.
pub async fn get_ok(session: Session, path: &str) -> Result<Response, ApiError> {
    let response = authed(session, Method::GET, path, RequestBuilder::build).await?;
    if response.ok() {
        Ok(response)
    } else {
        Err(read_problem(response).await)
    }
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    session: Session,
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    read(authed(session, Method::POST, path, |builder| builder.json(body)).await?).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(
    session: Session,
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    read(authed(session, Method::PATCH, path, |builder| builder.json(body)).await?).await
}

pub async fn delete(session: Session, path: &str) -> Result<(), ApiError> {
    let response = authed(session, Method::DELETE, path, RequestBuilder::build).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(read_problem(response).await)
    }
}

/// What a person typed into `field`, parsed as the request type takes it,
/// so the page refuses it with the server's own message before sending.
pub fn typed<T>(text: &str, field: &str) -> Result<T, ApiError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|err: T::Err| ApiError::invalid(field, &err.to_string()))
}
