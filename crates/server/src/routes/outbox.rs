//! `/outbox`: background jobs, for super admins.

use actix_web::{get, post, web};
use lectern_api_types::Page;
use lectern_api_types::outbox::{OutboxJob, OutboxQuery};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidQuery};
use crate::services::outbox as service;
use crate::state::AppState;

/// Jobs newest first, optionally in one state: what was sent, what waits
/// for its next attempt, and what failed for good with its last error.
#[utoipa::path(
    operation_id = "list_outbox",
    tag = "outbox",
    params(OutboxQuery),
    responses(
        (status = 200, description = "A page of jobs", body = Page<OutboxJob>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/outbox")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<OutboxQuery>,
) -> Result<web::Json<Page<OutboxJob>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}

/// Try a failed job again now, with a fresh set of attempts.
#[utoipa::path(
    operation_id = "retry_outbox_job",
    tag = "outbox",
    params(("id" = i64, Path, description = "The job")),
    responses(
        (status = 200, description = "Due again", body = OutboxJob),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[post("/outbox/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<web::Json<OutboxJob>, ApiError> {
    Ok(web::Json(service::retry(&state.db, &caller, id).await?))
}
