//! `/completions/export`: the filtered session list as a file.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use lectern_api_types::sessions::{CompletionFilter, ExportQuery};

use crate::domain::AuthUser;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::services::export::{self as service, ExportBody};
use crate::state::AppState;

/// Every session the list's filters select, in the list's order, as CSV
/// (RFC 4180, UTF-8, header row), Excel (one sheet, typed cells) or PDF (a
/// printable report of at most 2,000 sessions with the filters and totals).
/// Times are local to each session's branch. No page limit: the file
/// streams as it is written.
#[utoipa::path(
    operation_id = "export_completions",
    tag = "sessions",
    params(ExportQuery, CompletionFilter),
    responses(
        (status = 200, description = "The sessions as a file",
            content(
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("application/pdf"),
            )),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/completions/export")]
pub async fn export(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(query): ValidQuery<ExportQuery>,
    ValidQuery(filter): ValidQuery<CompletionFilter>,
) -> Result<HttpResponse, ApiError> {
    let export = service::export(&state.db, &caller, filter, query.format).await?;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, export.format.content_type()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", export.file_name),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    Ok(match export.body {
        ExportBody::Stream(body) => response.streaming(body),
        ExportBody::Bytes(body) => response.body(body),
    })
}
