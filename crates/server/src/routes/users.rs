//! `/users`: staff accounts, managed by admins within their scope.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use lectern_api_types::Page;
use lectern_api_types::users::{Colleague, ColleagueQuery, NewUser, User, UserPatch, UserQuery};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::users as service;
use crate::state::AppState;

/// List staff accounts (admins): all for super admins, their branch for branch admins.
#[utoipa::path(
    operation_id = "list_users",
    tag = "users",
    params(UserQuery),
    responses(
        (status = 200, description = "A page of accounts, by id", body = Page<User>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<UserQuery>,
) -> Result<web::Json<Page<User>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}

/// One account: admins within their scope, anyone their own.
#[utoipa::path(
    operation_id = "get_user",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = User),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/users/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(service::get(&state.db, &caller, id).await?))
}

/// Create an account (admins). Branch admins create staff of their own
/// branch only (`branch_id` defaults to it) and never super admins.
#[utoipa::path(
    operation_id = "create_user",
    tag = "users",
    request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let user = service::create(&state.db, &caller, body).await?;
    Ok(HttpResponse::Created().json(user))
}

/// Change an account (admins). Deactivating it, changing its password,
/// role or branch signs it out everywhere. One's own email, password,
/// role, branch and active state are not changed here (`403`).
#[utoipa::path(
    operation_id = "update_user",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The account as it now stands", body = User),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<UserPatch>,
) -> Result<web::Json<User>, ApiError> {
    let updated = service::update(&state.db, &caller, id, body).await?;
    // Its next request acts on the account as it now is.
    state.accounts.forget(id);
    Ok(web::Json(updated))
}

/// Delete an account that owns no sessions or batches (admins); deactivate the others.
#[utoipa::path(
    operation_id = "delete_user",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[delete("/users/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &caller, id).await?;
    state.accounts.forget(id);
    Ok(HttpResponse::NoContent().finish())
}

/// The colleagues who may deliver a session in someone's place: active
/// faculty and employees of the caller's branch (admins name the branch).
#[utoipa::path(
    operation_id = "list_colleagues",
    tag = "users",
    params(ColleagueQuery),
    responses(
        (status = 200, description = "A page of colleagues, by id", body = Page<Colleague>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/colleagues")]
pub async fn colleagues(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<ColleagueQuery>,
) -> Result<web::Json<Page<Colleague>>, ApiError> {
    Ok(web::Json(
        service::colleagues(&state.db, &caller, query).await?,
    ))
}
