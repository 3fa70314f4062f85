//! Endpoints for operators and orchestrators, outside the versioned API.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;
use crate::middleware::metrics::Metrics;
use crate::openapi::Served;
use crate::state::AppState;

/// The process is up and serving.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can do useful work: its database answers and its file
/// store takes files.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (database, files) = tokio::join!(state.db.pool().ping(), state.storage.check());
    if let Err(err) = database {
        tracing::warn!(error = %err, "readiness check failed: the database");
        return Err(ApiError::Unavailable("The database is not reachable."));
    }
    if let Err(err) = files {
        tracing::warn!(error = %err, "readiness check failed: the file store");
        return Err(ApiError::Unavailable("The file store does not take files."));
    }
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}

/// The OpenAPI document of this version's API.
pub async fn openapi(document: web::Data<Served>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ContentType::json())
        .body(document.0.clone())
}

/// Prometheus metrics; with `metrics_token` set, only for a scraper that
/// presents it as a bearer token.
pub async fn metrics(
    req: HttpRequest,
    metrics: web::Data<Metrics>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = &state.config.metrics_token {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as digests, so the time taken says nothing of the token.
        if Sha256::digest(presented) != Sha256::digest(token.expose()) {
            return Err(ApiError::Unauthorized(
                "The metrics need the scrape token as a bearer token.".into(),
            ));
        }
    }
    Ok(metrics.response())
}
