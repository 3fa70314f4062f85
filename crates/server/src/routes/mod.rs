//! HTTP routes. Handlers are thin: extract, call a service, map the result.

pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod batches;
pub mod branches;
pub mod calendar;
pub mod export;
pub mod holidays;
pub mod methods;
pub mod notes;
pub mod notifications;
pub mod outbox;
pub mod sessions;
pub mod spa;
pub mod stats;
pub mod system;
pub mod users;
pub mod webhooks;

use actix_web::App;
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt as _, scope};

use crate::error::ApiError;
use crate::openapi::ApiDoc;

pub const API_PREFIX: &str = "/api/v1";

/// Every documented route under [`API_PREFIX`].
pub fn api(cfg: &mut ServiceConfig<'_>) {
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::change_password)
        .service(branches::list)
        .service(branches::get_one)
        .service(branches::create)
        .service(branches::update)
        .service(branches::remove)
        .service(holidays::list)
        .service(holidays::create)
        .service(holidays::import)
        .service(holidays::remove)
        .service(users::list)
        .service(users::get_one)
        .service(users::create)
        .service(users::update)
        .service(users::remove)
        .service(users::colleagues)
        .service(batches::list)
        .service(batches::preview)
        .service(batches::get_one)
        .service(batches::create)
        .service(batches::add_sitting)
        .service(batches::update)
        .service(batches::remove)
        .service(sessions::occurrences)
        .service(sessions::reschedule)
        .service(sessions::list)
        .service(export::export)
        .service(sessions::get_one)
        .service(sessions::create)
        .service(sessions::update)
        .service(sessions::complete)
        .service(sessions::cancel)
        .service(sessions::verify)
        .service(sessions::send_back)
        .service(sessions::resubmit)
        .service(sessions::reopen)
        .service(sessions::suggest_code)
        .service(notes::list)
        .service(notes::add)
        .service(notes::update)
        .service(notes::remove)
        .service(attachments::limits)
        .service(attachments::upload)
        .service(attachments::content)
        .service(attachments::link)
        .service(attachments::downloads_of)
        .service(attachments::remove)
        .service(attachments::session_zip)
        .service(attachments::filtered_zip)
        .service(attachments::totals)
        .service(stats::summary)
        .service(stats::breakdown)
        .service(audit::list)
        .service(outbox::list)
        .service(outbox::retry)
        .service(notifications::my_notifications)
        .service(notifications::set_my_notifications)
        .service(api_tokens::create)
        .service(api_tokens::list)
        .service(api_tokens::revoke)
        .service(webhooks::create)
        .service(webhooks::list)
        .service(webhooks::remove)
        .service(webhooks::deliveries)
        .service(webhooks::send_test)
        .service(calendar::create_mine)
        .service(calendar::create_for_branch)
        .service(calendar::serve_feed);
}

/// The OpenAPI document, collected from the same registrations the server
/// runs, so a route cannot be served without being documented.
pub fn collect_openapi() -> OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(scope(API_PREFIX).configure(api))
        .split_for_parts();
    document
}

/// Unmatched requests under `/api` answer a problem, never the SPA's page:
/// 405 naming the methods a known path serves, 404 for unknown paths.
pub async fn api_not_found(
    req: actix_web::HttpRequest,
    table: Option<actix_web::web::Data<methods::MethodTable>>,
) -> Result<actix_web::HttpResponse, ApiError> {
    // The path as the router decoded it, as it was matched.
    let path = req.match_info().as_str();
    match table.as_deref().and_then(|table| table.allowed(path)) {
        Some(allowed) => Err(ApiError::MethodNotAllowed(allowed.to_vec())),
        None => Err(ApiError::NotFound("No such API route.".into())),
    }
}
