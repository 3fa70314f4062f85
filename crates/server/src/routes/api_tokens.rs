//! `/me/tokens`: API tokens for scripts, made and revoked by their owner
//! while signed in (an API token cannot manage tokens).

use actix_web::{HttpResponse, delete, get, post, web};
use lectern_api_types::Page;
use lectern_api_types::api_tokens::{ApiToken, CreatedApiToken, NewApiToken};
use lectern_api_types::page::PageQuery;

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::api_tokens as service;
use crate::state::AppState;

/// Make an API token: `read` ones are refused every change (403). The
/// token is in this answer only; Lectern keeps a hash of it.
#[utoipa::path(
    operation_id = "create_api_token",
    tag = "tokens",
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Made; the token is shown this once", body = CreatedApiToken),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/me/tokens")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NewApiToken>,
) -> Result<HttpResponse, ApiError> {
    let made = service::create(&state.db, &caller, body).await?;
    Ok(HttpResponse::Created().json(made))
}

/// The signed-in person's API tokens, newest first, without their secrets.
#[utoipa::path(
    operation_id = "list_api_tokens",
    tag = "tokens",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of tokens, newest first", body = Page<ApiToken>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/me/tokens")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<PageQuery>,
) -> Result<web::Json<Page<ApiToken>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}

/// Revoke one of one's tokens: it is refused (401) from now on.
#[utoipa::path(
    operation_id = "revoke_api_token",
    tag = "tokens",
    params(("id" = i64, Path, description = "The token")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[delete("/me/tokens/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    service::revoke(&state.db, &caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
