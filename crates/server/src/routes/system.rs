//! Endpoints for operators and orchestrators, outside the versioned API.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// The process is up and serving.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can do useful work: its database answers.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await.map_err(|err| {
        tracing::warn!(error = %err, "readiness check failed");
        ApiError::Unavailable("The database is not reachable.")
    })?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}
