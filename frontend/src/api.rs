//! Calls to Lectern's API. Errors come back as the server's problem
//! documents, so forms can show each field's message beside the field.

use gloo_net::http::{Request, RequestBuilder, Response};
use lectern_api_types::Problem;
use lectern_api_types::auth::{LoginRequest, RefreshRequest, RefreshTokenDelivery, TokenResponse};
use serde::de::DeserializeOwned;

const API: &str = "/api/v1";

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

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(problem) => Some(problem.status),
            ApiError::Network(_) => None,
        }
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json()
            .await
            .map_err(|err| ApiError::Network(err.to_string()));
    }
    let status = response.status();
    Err(match response.json::<Problem>().await {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::Problem(Problem {
            kind: "about:blank".into(),
            title: response.status_text(),
            status,
            detail: None,
            errors: None,
        }),
    })
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|err| ApiError::Network(err.to_string()))?;
    request
        .send()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))
}

fn post(path: &str) -> RequestBuilder {
    Request::post(&format!("{API}{path}"))
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    let body = LoginRequest {
        email,
        password,
        refresh_token_delivery: RefreshTokenDelivery::Cookie,
    };
    read(send(post("/auth/login").json(&body)).await?).await
}

/// Renews the session from the HttpOnly refresh cookie.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    read(send(post("/auth/refresh").json(&RefreshRequest::default())).await?).await
}

pub async fn logout() -> Result<(), ApiError> {
    let response = send(post("/auth/logout").json(&RefreshRequest::default())).await?;
    if response.ok() {
        Ok(())
    } else {
        read::<serde_json::Value>(response).await.map(drop)
    }
}
