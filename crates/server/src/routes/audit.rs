//! `/audit`: the append-only record of changes, for admins.

use actix_web::{get, web};
use lectern_api_types::Page;
use lectern_api_types::audit::{AuditEntry, AuditQuery};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::services::audit_log as service;
use crate::state::AppState;

/// Changes newest first, optionally of one entity (`entity=session&entity_id=41`).
/// Super admins read everything; branch admins their branch's history.
#[utoipa::path(
    operation_id = "list_audit",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of audit entries", body = Page<AuditEntry>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<AuditQuery>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    Ok(web::Json(service::list(&state.db, &caller, query).await?))
}
