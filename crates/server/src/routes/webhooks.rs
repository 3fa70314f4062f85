//! `/webhooks`: where Lectern tells other systems what happened, for
//! admins.

use actix_web::{HttpResponse, delete, get, post, web};
use lectern_api_types::Page;
use lectern_api_types::page::PageQuery;
use lectern_api_types::webhooks::{
    CreatedWebhook, DeliveryQuery, NewWebhook, Webhook, WebhookDelivery,
};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::webhooks as service;
use crate::state::AppState;

/// Add a webhook. Its URL's host must resolve to public addresses only
/// (422 otherwise) unless the server allows private ones. The `secret`
/// that signs its deliveries is in this answer only.
#[utoipa::path(
    operation_id = "create_webhook",
    tag = "webhooks",
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Added; the secret is shown this once", body = CreatedWebhook),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NewWebhook>,
) -> Result<HttpResponse, ApiError> {
    let allow_private = state.config.webhook_allow_private;
    let made = service::create(&state.db, &caller, body, allow_private).await?;
    Ok(HttpResponse::Created().json(made))
}

/// The webhooks in the caller's reach, without their secrets: all of them
/// for a super admin, their branch's for a branch admin.
#[utoipa::path(
    operation_id = "list_webhooks",
    tag = "webhooks",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of webhooks, by id", body = Page<Webhook>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<PageQuery>,
) -> Result<web::Json<Page<Webhook>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}

/// Remove a webhook and its delivery log; nothing more is sent to it.
#[utoipa::path(
    operation_id = "delete_webhook",
    tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What was sent to a webhook, newest first: each message's state,
/// attempts, last answer and last error.
#[utoipa::path(
    operation_id = "list_webhook_deliveries",
    tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook"), DeliveryQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidQuery(query): ValidQuery<DeliveryQuery>,
) -> Result<web::Json<Page<WebhookDelivery>>, ApiError> {
    Ok(web::Json(
        service::deliveries(&state.db, &caller, id, query).await?,
    ))
}

/// Send the webhook a `webhook.test` message now, to try its receiver;
/// the delivery shows in its log. A webhook that has stopped (`sending:
/// false`) is not tried.
#[utoipa::path(
    operation_id = "test_webhook",
    tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook")),
    responses(
        (status = 202, description = "On its way", body = WebhookDelivery),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[post("/webhooks/{id}/test")]
pub async fn send_test(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    let delivery = service::send_test(&state.db, &caller, id).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
