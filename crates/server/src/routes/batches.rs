//! `/batches`: the recurring templates sessions are generated from.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use lectern_api_types::Page;
use lectern_api_types::batches::{
    Batch, BatchPatch, BatchQuery, NewBatch, NewSitting, SchedulePreview, SchedulePreviewRequest,
};
use lectern_api_types::sessions::Completion;

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::batches as service;
use crate::services::sittings;
use crate::state::AppState;

/// List batches: all for super admins, the branch's for branch admins, the
/// ones they teach for faculty and employees.
#[utoipa::path(
    operation_id = "list_batches",
    tag = "batches",
    params(BatchQuery),
    responses(
        (status = 200, description = "A page of batches, by id", body = Page<Batch>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/batches")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<BatchQuery>,
) -> Result<web::Json<Page<Batch>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}

/// One batch.
#[utoipa::path(
    operation_id = "get_batch",
    tag = "batches",
    params(("id" = i64, Path, description = "Batch id")),
    responses(
        (status = 200, description = "The batch", body = Batch),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/batches/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<web::Json<Batch>, ApiError> {
    Ok(web::Json(service::get(&state.db, &caller, id).await?))
}

/// Create a batch (admins) and, in the same transaction, one pending
/// session for each of its dates.
#[utoipa::path(
    operation_id = "create_batch",
    tag = "batches",
    request_body = NewBatch,
    responses(
        (status = 201, description = "Created, with its sessions", body = Batch),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/batches")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NewBatch>,
) -> Result<HttpResponse, ApiError> {
    let batch = service::create(&state.db, &caller, body).await?;
    Ok(HttpResponse::Created().json(batch))
}

/// Change a batch (admins). Pending sessions follow the new schedule and
/// teacher; those no longer on it go; completed, cancelled and annotated
/// ones stay as they are.
#[utoipa::path(
    operation_id = "update_batch",
    tag = "batches",
    params(("id" = i64, Path, description = "Batch id")),
    request_body = BatchPatch,
    responses(
        (status = 200, description = "The batch as it now stands", body = Batch),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[patch("/batches/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<BatchPatch>,
) -> Result<web::Json<Batch>, ApiError> {
    Ok(web::Json(
        service::update(&state.db, &caller, id, body).await?,
    ))
}

/// Delete a batch none of whose sessions has a record yet (admins).
#[utoipa::path(
    operation_id = "delete_batch",
    tag = "batches",
    params(("id" = i64, Path, description = "Batch id")),
    responses(
        (status = 204, description = "Deleted with its pending sessions"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[delete("/batches/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The sittings a schedule would generate, with the branch's holidays
/// marked (admins), for a batch editor to show before saving.
#[utoipa::path(
    operation_id = "preview_batch_schedule",
    tag = "batches",
    request_body = SchedulePreviewRequest,
    responses(
        (status = 200, description = "Every date the schedule names", body = SchedulePreview),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/batches/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<SchedulePreviewRequest>,
) -> Result<web::Json<SchedulePreview>, ApiError> {
    Ok(web::Json(service::preview(&state.db, &caller, body).await?))
}

/// Add a make-up sitting to a batch (admins, or the batch's teacher): one
/// pending session on a date the batch does not meet yet.
#[utoipa::path(
    operation_id = "add_make_up_sitting",
    tag = "batches",
    params(("id" = i64, Path, description = "Batch id")),
    request_body = NewSitting,
    responses(
        (status = 201, description = "The new pending session", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/batches/{id}/sittings")]
pub async fn add_sitting(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<NewSitting>,
) -> Result<HttpResponse, ApiError> {
    let session = sittings::add_make_up(&state.db, &caller, id, body).await?;
    Ok(HttpResponse::Created().json(session))
}
