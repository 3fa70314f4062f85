//! `/completions/{id}/notes`: typed remarks on a session.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use lectern_api_types::Page;
use lectern_api_types::page::PageQuery;
use lectern_api_types::sessions::{NewNote, NotePatch, SessionNote};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::notes as service;
use crate::state::AppState;

/// The notes of a session, oldest first.
#[utoipa::path(
    operation_id = "list_notes",
    tag = "notes",
    params(("id" = i64, Path, description = "Session id"), PageQuery),
    responses(
        (status = 200, description = "A page of notes", body = Page<SessionNote>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/completions/{id}/notes")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidQuery(query): ValidQuery<PageQuery>,
) -> Result<web::Json<Page<SessionNote>>, ApiError> {
    Ok(web::Json(
        service::list(&state.db, &caller, id, query).await?,
    ))
}

/// Add a note: general, follow-up, issue or achievement.
#[utoipa::path(
    operation_id = "add_note",
    tag = "notes",
    params(("id" = i64, Path, description = "Session id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "Added", body = SessionNote),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/notes")]
pub async fn add(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<NewNote>,
) -> Result<HttpResponse, ApiError> {
    let created = service::add(&state.db, &caller, id, body).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Edit a note (its author, or an admin); the note is stamped `edited_at`.
#[utoipa::path(
    operation_id = "update_note",
    tag = "notes",
    params(("id" = i64, Path, description = "Session id"), ("note_id" = i64, Path, description = "Note id")),
    request_body = NotePatch,
    responses(
        (status = 200, description = "The note as it now stands", body = SessionNote),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[patch("/completions/{id}/notes/{note_id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams((id, note_id)): PathParams<(i64, i64)>,
    ValidJson(body): ValidJson<NotePatch>,
) -> Result<web::Json<SessionNote>, ApiError> {
    Ok(web::Json(
        service::update(&state.db, &caller, id, note_id, body).await?,
    ))
}

/// Delete a note (its author, or an admin).
#[utoipa::path(
    operation_id = "delete_note",
    tag = "notes",
    params(("id" = i64, Path, description = "Session id"), ("note_id" = i64, Path, description = "Note id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[delete("/completions/{id}/notes/{note_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams((id, note_id)): PathParams<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &caller, id, note_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
