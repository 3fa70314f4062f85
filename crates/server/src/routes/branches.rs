//! `/branches`: read within scope; super admins create, change and delete.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use lectern_api_types::Page;
use lectern_api_types::branches::{Branch, BranchPatch, NewBranch};
use lectern_api_types::page::PageQuery;

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, ValidJson, ValidQuery};
use crate::services::branches as service;
use crate::state::AppState;

/// List the branches the caller reaches: all for super admins, their own for everyone else.
#[utoipa::path(
    operation_id = "list_branches",
    tag = "branches",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of branches, by id", body = Page<Branch>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/branches")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<PageQuery>,
) -> Result<web::Json<Page<Branch>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}

/// One branch.
#[utoipa::path(
    operation_id = "get_branch",
    tag = "branches",
    params(("id" = i64, Path, description = "Branch id")),
    responses(
        (status = 200, description = "The branch", body = Branch),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/branches/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<web::Json<Branch>, ApiError> {
    Ok(web::Json(service::get(&state.db, &caller, id).await?))
}

/// Create a branch (super admins).
#[utoipa::path(
    operation_id = "create_branch",
    tag = "branches",
    request_body = NewBranch,
    responses(
        (status = 201, description = "Created", body = Branch),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/branches")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidJson(body): ValidJson<NewBranch>,
) -> Result<HttpResponse, ApiError> {
    let branch = service::create(&state.db, &caller, body).await?;
    Ok(HttpResponse::Created().json(branch))
}

/// Change a branch's name, code or timezone (super admins).
#[utoipa::path(
    operation_id = "update_branch",
    tag = "branches",
    params(("id" = i64, Path, description = "Branch id")),
    request_body = BranchPatch,
    responses(
        (status = 200, description = "The branch as it now stands", body = Branch),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[patch("/branches/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    ValidJson(body): ValidJson<BranchPatch>,
) -> Result<web::Json<Branch>, ApiError> {
    Ok(web::Json(
        service::update(&state.db, &caller, id, body).await?,
    ))
}

/// Delete a branch that has no staff and no batches (super admins).
#[utoipa::path(
    operation_id = "delete_branch",
    tag = "branches",
    params(("id" = i64, Path, description = "Branch id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[delete("/branches/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
