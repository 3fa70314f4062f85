//! `/completions/{id}/attachments…`: uploads streamed to disk, downloads
//! with ranges and signed links, and ZIPs of many files.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest as _, HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;
use futures_util::StreamExt as _;
use lectern_api_types::Page;
use lectern_api_types::sessions::{
    Attachment, AttachmentLink, AttachmentTotals, CompletionFilter, Download, DownloadPage,
    DownloadVia, UploadLimits,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use validator::Validate;

use crate::auth::extractor::standing;
use crate::domain::AuthUser;
use crate::domain::lifecycle::Action;
use crate::entities::attachment;
use crate::error::ApiError;
use crate::extract::{NUL_MESSAGE, PathParams, ValidQuery};
use crate::middleware::head;
use crate::multipart::{Multipart, MultipartError};
use crate::services::ServiceError;
use crate::services::attachments::links::Link;
use crate::services::attachments::receive::{ReceiveError, Received, receive};
use crate::services::attachments::{self as service, downloads, zip};
use crate::services::error::ConflictKind;
use crate::services::sessions::find_visible;
use crate::state::AppState;
use crate::storage::StorageError;
use lectern_files::byte_range::{self, Ranged};
use lectern_files::file_type::FileType;

/// Room for the multipart framing around the file in a request's length.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
const MAX_DESCRIPTION_BYTES: usize = 8 * 1024;

/// The form of `POST /completions/{id}/attachments`.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadForm {
    /// The file. Its type is read from its bytes; its name's extension must agree.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the file is, at most 2000 characters.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

fn bad_form(err: MultipartError) -> ApiError {
    match err {
        MultipartError::NotMultipart => {
            ApiError::UnsupportedMediaType("Send the upload as multipart/form-data.".into())
        }
        MultipartError::Interrupted(err) => {
            ApiError::Malformed(format!("The upload broke off: {err}"))
        }
        MultipartError::Stalled(_) => stalled(),
        other => ApiError::Malformed(format!("The upload could not be read: {other}")),
    }
}

fn stalled() -> ApiError {
    ApiError::RequestTimeout("The upload stopped arriving.".into())
}

fn too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "A file may be at most {} MB.",
        limit / (1024 * 1024)
    ))
}

fn received_error(err: ReceiveError) -> ApiError {
    match err {
        ReceiveError::TooLarge { limit } => too_large(limit),
        ReceiveError::Refused(refusal) => ApiError::UnsupportedMediaType(refusal.to_string()),
        ReceiveError::Interrupted(detail) => {
            ApiError::Malformed(format!("The upload broke off: {detail}"))
        }
        ReceiveError::Stalled(_) => stalled(),
        ReceiveError::Io(err) => ApiError::Internal(err.into()),
    }
}

/// Upload a file to a session (multipart: `file`, optional `description`).
///
/// The file is streamed to disk while it is hashed; more than
/// `LECTERN_MAX_UPLOAD_MB` is refused with 413 as soon as it is passed, and
/// a type outside the list (decided from the bytes, never the
/// Content-Type) with 415 that says what was found.
#[utoipa::path(
    operation_id = "upload_attachment",
    tag = "attachments",
    params(("id" = i64, Path, description = "Session id")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Attachment),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[post("/completions/{id}/attachments")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Nothing of the body is read for a session the caller cannot reach,
    // or whose record is locked.
    find_visible(&state.db, &caller, id)
        .await?
        .decide(&caller, Action::AddFile)?;
    let limit = state.config.max_upload_bytes();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit.saturating_add(MULTIPART_OVERHEAD)) {
        return Err(too_large(limit));
    }

    let mut form = Multipart::new(&req, body, state.config.body_timeout()).map_err(bad_form)?;
    let mut received: Option<Received> = None;
    let mut description = None;
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name.as_str() {
            "file" if received.is_none() => {
                let name = field.file_name.unwrap_or_default();
                let file = receive(form.chunks(), &name, &state.config.upload_dir(), limit)
                    .await
                    .map_err(received_error)?;
                received = Some(file);
            }
            "file" => return Err(ApiError::invalid("file", "send one file per request")),
            "description" if description.is_some() => {
                return Err(ApiError::invalid("description", "send it once"));
            }
            "description" => {
                let mut text = Vec::new();
                while let Some(chunk) = form.chunk().await.map_err(bad_form)? {
                    text.extend_from_slice(&chunk);
                    if text.len() > MAX_DESCRIPTION_BYTES {
                        return Err(ApiError::invalid(
                            "description",
                            "must be at most 2000 characters",
                        ));
                    }
                }
                let text = String::from_utf8(text)
                    .map_err(|_| ApiError::invalid("description", "must be UTF-8 text"))?;
                if text.contains('\0') {
                    return Err(ApiError::invalid("description", NUL_MESSAGE));
                }
                description = Some(text);
            }
            other => {
                return Err(ApiError::invalid(
                    other,
                    "is not a field of this form (file, description)",
                ));
            }
        }
    }
    let received = received.ok_or_else(|| ApiError::invalid("file", "is required"))?;
    let stored = service::attach(
        &state.db,
        state.storage.as_ref(),
        &caller,
        id,
        received,
        description,
    )
    .await?;
    Ok(HttpResponse::Created().json(stored))
}

/// What an upload may be, for checking a file before sending it.
#[utoipa::path(
    operation_id = "upload_limits",
    tag = "attachments",
    responses(
        (status = 200, description = "The size limit and the accepted extensions", body = UploadLimits),
        (status = 401, response = crate::openapi::Unauthorized),
    )
)]
#[get("/upload-limits")]
pub async fn limits(state: web::Data<AppState>, _caller: AuthUser) -> web::Json<UploadLimits> {
    web::Json(UploadLimits {
        max_upload_bytes: state.config.max_upload_bytes(),
        extensions: FileType::all_extensions()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    })
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// `1` shows PDFs, images, audio and video in the page instead of downloading them.
    #[validate(range(min = 0, max = 1, message = "must be 0 or 1"))]
    #[param(minimum = 0, maximum = 1)]
    pub inline: Option<u8>,
    /// From a signed link: whom it was made for.
    pub user: Option<i64>,
    /// From a signed link: when it stops working (Unix seconds).
    pub expires: Option<i64>,
    /// From a signed link: its signature.
    pub sig: Option<String>,
}

/// Download an attachment's bytes, with `Range` (206) so videos seek.
///
/// Authenticated by the bearer token, or by a signed link's `expires` and
/// `sig`. `If-None-Match` with the ETag answers 304; every full download
/// counts in `download_count`.
#[utoipa::path(
    operation_id = "download_attachment",
    tag = "attachments",
    params(
        ("id" = i64, Path, description = "Session id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
        ContentQuery,
        ("Range" = Option<String>, Header, description = "One byte range, such as bytes=0-1048575"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a copy the client has"),
    ),
    responses(
        (status = 200, description = "The whole file, as the type it was stored with", content_type = "*/*"),
        (status = 206, description = "The requested range", content_type = "*/*"),
        (status = 304, description = "The client's copy is current"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 416, response = crate::openapi::RangeNotSatisfiable),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/completions/{id}/attachments/{attachment_id}/content")]
pub async fn content(
    req: HttpRequest,
    state: web::Data<AppState>,
    PathParams((completion_id, attachment_id)): PathParams<(i64, i64)>,
    ValidQuery(query): ValidQuery<ContentQuery>,
) -> Result<HttpResponse, ApiError> {
    let (file, reader) = match (query.sig.as_deref(), query.expires, query.user) {
        (Some(signature), Some(expires), Some(user_id)) => {
            let signed = Link {
                completion_id,
                attachment_id,
                user_id,
                expires,
            };
            if !state
                .links
                .verify(&signed, signature, Utc::now().timestamp())
            {
                return Err(ApiError::Unauthorized(
                    "This download link is not valid or has expired.".into(),
                ));
            }
            // The link's maker as they stand now: deactivated, or moved out
            // of the session's reach, their links stop with their tokens.
            let maker = standing(&state, user_id, false).await?;
            let file = service::find_visible_attachment(
                &state.reads,
                &maker,
                completion_id,
                attachment_id,
            )
            .await?;
            (file, (user_id, DownloadVia::Link))
        }
        _ => {
            let caller = AuthUser::extract(&req).await?;
            let file = service::find_visible_attachment(
                &state.reads,
                &caller,
                completion_id,
                attachment_id,
            )
            .await?;
            (file, (caller.id(), DownloadVia::Direct))
        }
    };
    let inline = query.inline == Some(1);
    if inline && !FileType::from_mime(&file.mime_type).is_some_and(FileType::is_inline_safe) {
        return Err(ApiError::invalid(
            "inline",
            "only PDFs, images, audio and video can be shown in the page",
        ));
    }
    serve(&req, &state, &file, inline, reader).await
}

/// RFC 5987 attribute characters stay as they are; the rest is escaped.
const FILENAME_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` with an ASCII fallback and the exact UTF-8 name (RFC 6266).
fn disposition(file_name: &str, inline: bool) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        utf8_percent_encode(file_name, FILENAME_ESCAPES)
    )
}

/// Sends the file, or the part of it asked for; a whole download is
/// recorded as `reader`'s.
async fn serve(
    req: &HttpRequest,
    state: &AppState,
    file: &attachment::Model,
    inline: bool,
    (reader, via): (i64, DownloadVia),
) -> Result<HttpResponse, ApiError> {
    let etag = format!("\"{}\"", file.sha256);
    let size = u64::try_from(file.size_bytes).unwrap_or_default();
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"))
        // Already compressed media; and ranges must count the stored bytes.
        .insert_header((header::CONTENT_ENCODING, "identity"));

    let client_has = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if client_has.is_some_and(|tags| {
        tags.split(',')
            .any(|tag| tag.trim() == etag || tag.trim() == "*")
    }) {
        return Ok(response
            .status(actix_web::http::StatusCode::NOT_MODIFIED)
            .finish());
    }
    response
        .insert_header((header::CONTENT_TYPE, file.mime_type.clone()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            disposition(&file.file_name, inline),
        ));

    // A range is of the copy the client holds: with `If-Range` naming
    // another version (or a date, since we send no Last-Modified) the
    // client gets the whole file (RFC 9110, 13.1.5), never a part of this
    // one spliced into its stale copy.
    let same_copy = req
        .headers()
        .get(header::IF_RANGE)
        .is_none_or(|tag| tag.as_bytes() == etag.as_bytes());
    let range = byte_range::parse(
        req.headers()
            .get(header::RANGE)
            .filter(|_| same_copy)
            .and_then(|v| v.to_str().ok()),
        size,
    );
    let (range, length) = match range {
        Ranged::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable { size }),
        Ranged::Part(range) => {
            response
                .status(actix_web::http::StatusCode::PARTIAL_CONTENT)
                .insert_header((
                    header::CONTENT_RANGE,
                    format!("bytes {}-{}/{size}", range.start, range.end - 1),
                ));
            let length = range.end - range.start;
            (Some(range), length)
        }
        Ranged::Whole => (None, size),
    };
    // Opened before the download is recorded, so a file deleted since it
    // was found is neither counted nor a server error: it is gone.
    let gone = || ApiError::NotFound("No such attachment.".into());
    let body = state
        .storage
        .get(&file.storage_key, range.clone())
        .await
        .map_err(|err| match err {
            StorageError::NotFound(_) => gone(),
            err => ApiError::Internal(anyhow::anyhow!(
                "reading attachment {} failed: {err}",
                file.id
            )),
        })?;
    if range.is_none() && !head::asked(req) {
        downloads::record(&state.db, &[file.id], reader, via)
            .await
            .map_err(|err| match err {
                ServiceError::Conflict {
                    kind: ConflictKind::StaleVersion,
                    ..
                } => gone(),
                err => err.into(),
            })?;
    }
    Ok(response.no_chunking(length).streaming(body))
}

/// A signed link to one attachment, valid for ten minutes, for `<video src>`
/// and `<a href>`, which cannot carry the bearer token.
#[utoipa::path(
    operation_id = "link_attachment",
    tag = "attachments",
    params(
        ("id" = i64, Path, description = "Session id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "A link that works until expires_at", body = AttachmentLink),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[post("/completions/{id}/attachments/{attachment_id}/link")]
pub async fn link(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams((completion_id, attachment_id)): PathParams<(i64, i64)>,
) -> Result<web::Json<AttachmentLink>, ApiError> {
    Ok(web::Json(
        service::link(
            &state.reads,
            &state.links,
            &caller,
            completion_id,
            attachment_id,
        )
        .await?,
    ))
}

/// Delete an attachment and its stored file.
#[utoipa::path(
    operation_id = "delete_attachment",
    tag = "attachments",
    params(
        ("id" = i64, Path, description = "Session id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
    )
)]
#[delete("/completions/{id}/attachments/{attachment_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams((completion_id, attachment_id)): PathParams<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    service::remove(
        &state.db,
        state.storage.as_ref(),
        &caller,
        completion_id,
        attachment_id,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A ZIP of `entries`, each member recorded as downloaded by `caller`;
/// for a `HEAD`, its headers alone, with nothing written or recorded.
async fn zip_response(
    req: &HttpRequest,
    name: &str,
    entries: Vec<zip::Entry>,
    state: &AppState,
    caller: &AuthUser,
) -> Result<HttpResponse, ApiError> {
    let body = if head::asked(req) {
        futures_util::stream::empty().boxed()
    } else {
        let ids: Vec<i64> = entries.iter().map(|entry| entry.attachment_id).collect();
        downloads::record(&state.db, &ids, caller.id(), DownloadVia::Zip).await?;
        zip::stream(state.storage.clone(), entries)
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((header::CONTENT_DISPOSITION, disposition(name, false)))
        .insert_header((
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        ))
        .streaming(body))
}

/// Every attachment of a session as one ZIP, streamed as it is written.
#[utoipa::path(
    operation_id = "download_session_attachments",
    tag = "attachments",
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 200, description = "A ZIP of the session's files", content_type = "application/zip"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    )
)]
#[get("/completions/{id}/attachments.zip")]
pub async fn session_zip(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams(id): PathParams<i64>,
) -> Result<HttpResponse, ApiError> {
    let entries = service::entries_of_session(&state.db, &caller, id).await?;
    zip_response(
        &req,
        &service::zip_name(&format!("session-{id}")),
        entries,
        &state,
        &caller,
    )
    .await
}

/// The attachments of every session the filters select (admins), one
/// folder per session, as one ZIP streamed as it is written.
#[utoipa::path(
    operation_id = "download_attachments",
    tag = "attachments",
    params(CompletionFilter),
    responses(
        (status = 200, description = "A ZIP with a folder per session", content_type = "application/zip"),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/attachments.zip")]
pub async fn filtered_zip(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(filter): ValidQuery<CompletionFilter>,
) -> Result<HttpResponse, ApiError> {
    let entries = service::entries_of_query(&state.db, &caller, &filter).await?;
    zip_response(
        &req,
        &service::zip_name("sessions"),
        entries,
        &state,
        &caller,
    )
    .await
}

/// How many files `GET /attachments.zip` would send for the same filters,
/// from how many sessions, and their total size (admins), to show before
/// starting a download that may be large.
#[utoipa::path(
    operation_id = "attachment_totals",
    tag = "attachments",
    params(CompletionFilter),
    responses(
        (status = 200, description = "What the ZIP would hold", body = AttachmentTotals),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/attachments/totals")]
pub async fn totals(
    state: web::Data<AppState>,
    caller: AuthUser,
    ValidQuery(filter): ValidQuery<CompletionFilter>,
) -> Result<web::Json<AttachmentTotals>, ApiError> {
    Ok(web::Json(
        service::totals(&state.db, &caller, &filter).await?,
    ))
}

/// Who downloaded an attachment and how, newest first (admins): every whole
/// download by token, signed link or ZIP.
#[utoipa::path(
    operation_id = "list_attachment_downloads",
    tag = "attachments",
    params(
        ("id" = i64, Path, description = "Session id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
        DownloadPage,
    ),
    responses(
        (status = 200, description = "A page of downloads", body = Page<Download>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
    )
)]
#[get("/completions/{id}/attachments/{attachment_id}/downloads")]
pub async fn downloads_of(
    state: web::Data<AppState>,
    caller: AuthUser,
    PathParams((completion_id, attachment_id)): PathParams<(i64, i64)>,
    ValidQuery(page): ValidQuery<DownloadPage>,
) -> Result<web::Json<Page<Download>>, ApiError> {
    Ok(web::Json(
        downloads::list(&state.reads, &caller, completion_id, attachment_id, &page).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_carry_an_ascii_fallback_and_the_exact_name() {
        assert_eq!(
            disposition("Notes Week 3.pdf", false),
            "attachment; filename=\"Notes Week 3.pdf\"; filename*=UTF-8''Notes%20Week%203.pdf"
        );
        assert_eq!(
            disposition("résumé \"final\".pdf", true),
            "inline; filename=\"r_sum_ _final_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"
        );
    }
}
