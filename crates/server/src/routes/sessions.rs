//! `/completions`, `/occurrences` and `/completion-codes`: the sessions
//! staff hold and admins monitor.

use actix_web::{HttpResponse, get, patch, post, web};
use lectern_api_types::Page;
use lectern_api_types::batches::RescheduleRequest;
use lectern_api_types::sessions::{
    CancelRequest, CodeRequest, CodeSuggestion, CompleteRequest, Completion, CompletionDetail,
    CompletionFilter, CompletionPatch, NewCompletion, Occurrence, OccurrenceQuery, ReopenRequest,
    ReturnRequest, SessionPage, VerifyRequest,
};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::sessions::{codes, create as adhoc, edit, query, review, transitions};
use crate::services::sittings;
use crate::state::AppState;

/// The batch sittings the caller still has to complete or cancel, soonest
/// first. `status=upcoming` keeps those that have not started yet.
#[utoipa::path(
    operation_id = "list_occurrences",
    tag = "sessions",
    params(OccurrenceQuery),
    responses(
        (status = 200, description = "A page of pending sittings", body = Page<Occurrence>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/occurrences")]
pub async fn occurrences(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(filter): ValidQuery<OccurrenceQuery>,
) -> Result<web::Json<Page<Occurrence>>, ApiError> {
    Ok(web::Json(
        query::occurrences(&state.db, &caller, filter).await?,
    ))
}

/// List sessions in the caller's scope, newest first, with filters.
#[utoipa::path(
    operation_id = "list_completions",
    tag = "sessions",
    params(CompletionFilter, SessionPage),
    responses(
        (status = 200, description = "A page of sessions", body = Page<Completion>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/completions")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(filter): ValidQuery<CompletionFilter>,
    ValidQuery(page): ValidQuery<SessionPage>,
) -> Result<web::Json<Page<Completion>>, ApiError> {
    Ok(web::Json(
        query::list(&state.reads, &caller, &filter, &page).await?,
    ))
}

/// One session with its attachments and notes.
#[utoipa::path(
    operation_id = "get_completion",
    tag = "sessions",
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session", body = CompletionDetail),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/completions/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<web::Json<CompletionDetail>, ApiError> {
    Ok(web::Json(query::get(&state.reads, &caller, id).await?))
}

/// Create an ad-hoc session, held outside any batch.
#[utoipa::path(
    operation_id = "create_completion",
    tag = "sessions",
    request_body = NewCompletion,
    responses(
        (status = 201, description = "Created, pending", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NewCompletion>,
) -> Result<HttpResponse, ApiError> {
    let created = adhoc::create(&state.db, &caller, body).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Edit a session under optimistic locking: send the `version` you read;
/// if it changed meanwhile the answer is 409 `stale-version`.
#[utoipa::path(
    operation_id = "update_completion",
    tag = "sessions",
    params(("id" = i64, Path, description = "Session id")),
    request_body = CompletionPatch,
    responses(
        (status = 200, description = "The session as it now stands", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[patch("/completions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<CompletionPatch>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(edit::update(&state.db, &caller, id, body).await?))
}

/// Complete a pending session with its actual times (`HH:MM` in the
/// branch's timezone, or RFC 3339), a code (generated when absent) and notes.
#[utoipa::path(
    operation_id = "complete_completion",
    tag = "sessions",
    params(("id" = i64, Path, description = "Session id")),
    request_body = CompleteRequest,
    responses(
        (status = 200, description = "Completed", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<CompleteRequest>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(
        transitions::complete(&state.db, &caller, id, body).await?,
    ))
}

/// Cancel a pending session that was not held; the reason is required.
#[utoipa::path(
    operation_id = "cancel_completion",
    tag = "sessions",
    params(("id" = i64, Path, description = "Session id")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "Cancelled", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<CancelRequest>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(
        transitions::cancel(&state.db, &caller, id, body).await?,
    ))
}

/// Verify a completed record against the code the class was given (admins,
/// never on a session they own or recorded). The record is then locked.
#[utoipa::path(
    operation_id = "verify_completion",
    tag = "review",
    params(("id" = i64, Path, description = "Session id")),
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Verified and locked", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::ForbiddenOrOwnRecord),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<VerifyRequest>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(
        review::verify(&state.db, &caller, id, body).await?,
    ))
}

/// Return a completed record to its owner for correction, saying what to
/// fix (admins, never on a session they own or recorded).
#[utoipa::path(
    operation_id = "return_completion",
    tag = "review",
    params(("id" = i64, Path, description = "Session id")),
    request_body = ReturnRequest,
    responses(
        (status = 200, description = "Returned to its owner", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::ForbiddenOrOwnRecord),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/return")]
pub async fn send_back(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<ReturnRequest>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(
        review::send_back(&state.db, &caller, id, body).await?,
    ))
}

/// Resubmit a returned record once it is corrected (its owner only); it
/// awaits review again.
#[utoipa::path(
    operation_id = "resubmit_completion",
    tag = "review",
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 200, description = "Awaiting review again", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[post("/completions/{id}/resubmit")]
pub async fn resubmit(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(review::resubmit(&state.db, &caller, id).await?))
}

/// Undo a verification, with the reason (admins, never on a session they
/// own or recorded). The record can be edited again and awaits review.
#[utoipa::path(
    operation_id = "reopen_completion",
    tag = "review",
    params(("id" = i64, Path, description = "Session id")),
    request_body = ReopenRequest,
    responses(
        (status = 200, description = "Reopened, awaiting review", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::ForbiddenOrOwnRecord),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<ReopenRequest>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(
        review::reopen(&state.db, &caller, id, body).await?,
    ))
}

/// Suggest an unused completion code for a session (or an ad-hoc one today),
/// for the form's Generate button. Nothing is reserved.
#[utoipa::path(
    operation_id = "suggest_completion_code",
    tag = "sessions",
    request_body = CodeRequest,
    responses(
        (status = 200, description = "A code unused at the time of asking", body = CodeSuggestion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completion-codes")]
pub async fn suggest_code(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<CodeRequest>,
) -> Result<web::Json<CodeSuggestion>, ApiError> {
    Ok(web::Json(codes::suggest(&state.db, &caller, body).await?))
}

/// Move one pending sitting to another time, day or room (admins, or its
/// teacher). Later edits of the batch keep the move.
#[utoipa::path(
    operation_id = "reschedule_occurrence",
    tag = "sessions",
    params(("id" = i64, Path, description = "Occurrence (sitting) id")),
    request_body = RescheduleRequest,
    responses(
        (status = 200, description = "The session as it now stands", body = Completion),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/occurrences/{id}/reschedule")]
pub async fn reschedule(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<RescheduleRequest>,
) -> Result<web::Json<Completion>, ApiError> {
    Ok(web::Json(
        sittings::reschedule(&state.db, &caller, id, body).await?,
    ))
}
