//! `/branches/{id}/holidays`: days a branch holds no class. Everyone in
//! the branch reads them; its admins add, import and remove them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use lectern_api_types::Page;
use lectern_api_types::holidays::{Holiday, HolidayImport, HolidayQuery, NewHoliday};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::{PathParams, SmallBody, ValidJson, ValidQuery};
use crate::services::holidays as service;
use crate::state::AppState;

/// A branch's holidays, by date.
#[utoipa::path(
    operation_id = "list_holidays",
    tag = "holidays",
    params(("id" = i64, Path, description = "Branch id"), HolidayQuery),
    responses(
        (status = 200, description = "A page of holidays, by date", body = Page<Holiday>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/branches/{id}/holidays")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(branch_id): PathParams<i64>,
    ValidQuery(query): ValidQuery<HolidayQuery>,
) -> Result<web::Json<Page<Holiday>>, ApiError> {
    Ok(web::Json(
        service::list(&state.db, &caller, branch_id, query).await?,
    ))
}

/// Add a holiday (admins). The branch's pending sittings on that date are
/// cancelled with the reason `Holiday: <name>`; completed ones stay.
#[utoipa::path(
    operation_id = "create_holiday",
    tag = "holidays",
    params(("id" = i64, Path, description = "Branch id")),
    request_body = NewHoliday,
    responses(
        (status = 201, description = "Added", body = Holiday),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/branches/{id}/holidays")]
pub async fn create(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(branch_id): PathParams<i64>,
    ValidJson(body): ValidJson<NewHoliday>,
) -> Result<HttpResponse, ApiError> {
    let holiday = service::create(&state.db, &caller, branch_id, body).await?;
    Ok(HttpResponse::Created().json(holiday))
}

/// Import the all-day events of an iCalendar file (`text/calendar`, at most
/// 256 KiB) as holidays (admins); days already holidays stay as they are.
#[utoipa::path(
    operation_id = "import_holidays",
    tag = "holidays",
    params(("id" = i64, Path, description = "Branch id")),
    request_body(content = String, content_type = "text/calendar", description = "An iCalendar file"),
    responses(
        (status = 200, description = "What was added", body = HolidayImport),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/branches/{id}/holidays/import")]
pub async fn import(
    state: web::Data<AppState>,
    caller: AuthUser,
    req: HttpRequest,
    PathParams(branch_id): PathParams<i64>,
    SmallBody(body): SmallBody,
) -> Result<web::Json<HolidayImport>, ApiError> {
    let is_calendar = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/calendar"));
    if !is_calendar {
        return Err(ApiError::UnsupportedMediaType(
            "Send the calendar file as text/calendar.".into(),
        ));
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return Err(crate::services::ServiceError::invalid("file", "is not UTF-8 text").into());
    };
    Ok(web::Json(
        service::import(&state.db, &caller, branch_id, text).await?,
    ))
}

/// Remove a holiday (admins). One still to come gives its day back: the
/// batch sittings it cancelled are pending again where their batch still
/// meets that day (or they were placed there by hand), and batches made
/// while it stood get their sitting. One already past changes no session.
#[utoipa::path(
    operation_id = "delete_holiday",
    tag = "holidays",
    params(
        ("id" = i64, Path, description = "Branch id"),
        ("holiday_id" = i64, Path, description = "Holiday id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[delete("/branches/{id}/holidays/{holiday_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams((branch_id, holiday_id)): PathParams<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &caller, branch_id, holiday_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
