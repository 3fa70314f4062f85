//! `/stats`: how sessions went over a period, for the dashboard.

use actix_web::{get, web};
use lectern_api_types::stats::{Breakdown, BreakdownQuery, StatsFilter, Summary};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::services::stats as service;
use crate::state::AppState;

/// The counters of the sessions scheduled in the period, in the caller's
/// scope: staff see their own, branch admins their branch's.
#[utoipa::path(
    operation_id = "stats_summary",
    tag = "stats",
    params(StatsFilter),
    responses(
        (status = 200, description = "The period's figures", body = Summary),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/stats/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(filter): ValidQuery<StatsFilter>,
) -> Result<web::Json<Summary>, ApiError> {
    Ok(web::Json(
        service::summary(&state.db, &caller, &filter).await?,
    ))
}

/// The same counters per staff member, batch, branch, week or month. Weeks
/// and months need `from` and `to`, and list every period between them.
#[utoipa::path(
    operation_id = "stats_breakdown",
    tag = "stats",
    params(BreakdownQuery, StatsFilter),
    responses(
        (status = 200, description = "The figures per group", body = Breakdown),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/stats/breakdown")]
pub async fn breakdown(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<BreakdownQuery>,
    ValidQuery(filter): ValidQuery<StatsFilter>,
) -> Result<web::Json<Breakdown>, ApiError> {
    Ok(web::Json(
        service::breakdown(&state.db, &caller, &filter, query.group_by).await?,
    ))
}
