//! `/outbox`: background jobs, for super admins; `/me/notifications`: the
//! emails a person wants.

use actix_web::{get, post, put, web};
use lectern_api_types::Page;
use lectern_api_types::outbox::{NotificationSettings, OutboxJob, OutboxQuery};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::{notifications, outbox as service};
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

/// The emails the signed-in person gets.
#[utoipa::path(
    operation_id = "get_notifications",
    tag = "outbox",
    responses(
        (status = 200, description = "The person's choices", body = NotificationSettings),
        (status = 401, response = crate::openapi::Unauthorized),
    )
)]
#[get("/me/notifications")]
pub async fn my_notifications(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<web::Json<NotificationSettings>, ApiError> {
    Ok(web::Json(notifications::get(&state.db, &caller).await?))
}

/// Choose the emails to get: a record completed in one's branch (admins),
/// one's own returned for correction, one's own session overdue.
#[utoipa::path(
    operation_id = "set_notifications",
    tag = "outbox",
    request_body = NotificationSettings,
    responses(
        (status = 200, description = "Saved", body = NotificationSettings),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[put("/me/notifications")]
pub async fn set_my_notifications(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NotificationSettings>,
) -> Result<web::Json<NotificationSettings>, ApiError> {
    Ok(web::Json(
        notifications::set(&state.db, &caller, body).await?,
    ))
}
