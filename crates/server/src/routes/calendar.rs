//! Calendar feeds: made while signed in, fetched by calendar applications
//! with nothing but the secret address.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use lectern_api_types::calendar::CalendarFeed;

use super::API_PREFIX;
use crate::clock;
use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::services::calendar as service;
use crate::state::AppState;

/// The address people reach this server at: the configured public URL, or
/// the one this request came to.
fn site(req: &HttpRequest, state: &AppState) -> String {
    match &state.config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

fn api_base(req: &HttpRequest, state: &AppState) -> String {
    format!("{}{API_PREFIX}", site(req, state))
}

/// A secret address of one's own sessions as an iCalendar feed, from 30
/// days back to 180 ahead. Asking again replaces it: the old address stops
/// working.
#[utoipa::path(
    operation_id = "create_my_calendar",
    tag = "calendar",
    responses(
        (status = 201, description = "The feed's new address", body = CalendarFeed),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
    )
)]
#[post("/me/calendar")]
pub async fn create_mine(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let feed = service::create_personal(&state.db, &caller, &api_base(&req, &state)).await?;
    Ok(HttpResponse::Created().json(feed))
}

/// A secret address of a branch's sessions, each titled with its teacher,
/// for the branch's admins and super admins. Asking again replaces it.
#[utoipa::path(
    operation_id = "create_branch_calendar",
    tag = "calendar",
    params(("id" = i64, Path, description = "The branch")),
    responses(
        (status = 201, description = "The feed's new address", body = CalendarFeed),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[post("/branches/{id}/calendar")]
pub async fn create_for_branch(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    let base = api_base(&req, &state);
    let feed = service::create_for_branch(&state.db, &caller, id, &base).await?;
    Ok(HttpResponse::Created().json(feed))
}

/// The feed itself (RFC 5545): no other credential than its address.
/// Each session is one event in its branch's local time, with a UID that
/// stays the same, `STATUS:CANCELLED` once cancelled.
#[utoipa::path(
    operation_id = "get_calendar_feed",
    tag = "calendar",
    params(("token" = String, Path, description = "The secret part of the feed's address")),
    security(()),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar", body = String),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/calendar/{token}.ics")]
pub async fn serve_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    PathParams(token): PathParams<String>,
) -> Result<HttpResponse, ApiError> {
    // The UIDs' domain is the host alone: the same feed reached through
    // another port keeps its events' identities.
    let site = site(&req, &state);
    let domain = url::Url::parse(&site)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or(site);
    let app_url = state.config.public_url.as_deref();
    let text = service::render(&state.db, &token, &domain, app_url, clock::now()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        ))
        // The address is a credential: no shared cache keeps the answer,
        // and a replaced one stops at once rather than when a copy expires.
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("private, no-cache")))
        .body(text))
}
