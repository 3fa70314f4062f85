//! A session's files: uploads, links to download them, who did, and ZIPs.

use lectern_api_types::Page;
use lectern_api_types::sessions::{
    AttachmentLink, AttachmentTotals, CompletionFilter, Download, DownloadPage, UploadLimits,
};

use super::route::routes;
use super::{ApiError, Fetch, FileBody};
use crate::session::Session;

routes! {
    LIMITS = Get "/upload-limits";
    UPLOAD = Post "/completions/{id}/attachments";
    LINK = Post "/completions/{id}/attachments/{attachment_id}/link";
    DELETE = Delete "/completions/{id}/attachments/{attachment_id}";
    DOWNLOADS = Get "/completions/{id}/attachments/{attachment_id}/downloads";
    SESSION_ZIP = Get "/completions/{id}/attachments.zip";
    LIST_ZIP = Get "/attachments.zip";
    LIST_TOTALS = Get "/attachments/totals";
}

pub fn limits() -> Fetch<UploadLimits> {
    LIMITS.at(&[]).get()
}

/// Where a session's uploads go; `upload` sends them itself, for progress.
pub fn upload_url(completion_id: i64) -> String {
    UPLOAD.at(&[completion_id]).url()
}

/// A short-lived link that needs no token, for `<video src>` and downloads.
pub async fn link(
    session: Session,
    completion_id: i64,
    attachment_id: i64,
) -> Result<AttachmentLink, ApiError> {
    LINK.at(&[completion_id, attachment_id])
        .send(session, &serde_json::json!({}))
        .await
}

pub async fn delete(
    session: Session,
    completion_id: i64,
    attachment_id: i64,
) -> Result<(), ApiError> {
    DELETE
        .at(&[completion_id, attachment_id])
        .run(session)
        .await
}

/// Who downloaded a file, newest first.
pub fn downloads(
    completion_id: i64,
    attachment_id: i64,
    page: &DownloadPage,
) -> Fetch<Page<Download>> {
    DOWNLOADS
        .at(&[completion_id, attachment_id])
        .query(page)
        .get()
}

/// Every file of one session in a ZIP.
pub fn session_zip(completion_id: i64) -> Fetch<FileBody> {
    SESSION_ZIP.at(&[completion_id]).get()
}

/// Every file of the sessions `filter` selects in one ZIP.
pub fn list_zip(filter: &CompletionFilter) -> Fetch<FileBody> {
    LIST_ZIP.at(&[]).params(&filter.to_pairs()).get()
}

/// How many files `list_zip` would hold, and their size.
pub fn list_totals(filter: &CompletionFilter) -> Fetch<AttachmentTotals> {
    LIST_TOTALS.at(&[]).params(&filter.to_pairs()).get()
}
