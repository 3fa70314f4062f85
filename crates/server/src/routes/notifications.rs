//! `/me/notifications`: the emails a person wants.

use actix_web::{get, put, web};
use lectern_api_types::outbox::NotificationSettings;

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::services::notifications as service;
use crate::state::AppState;

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
    Ok(web::Json(service::get(&state.db, &caller).await?))
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
    Ok(web::Json(service::set(&state.db, &caller, body).await?))
}
