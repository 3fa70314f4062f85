//! Sessions: the sittings staff teach, their records and their review.

use lectern_api_types::Page;
use lectern_api_types::batches::RescheduleRequest;
use lectern_api_types::sessions::{
    CancelRequest, CodeRequest, CodeSuggestion, CompleteRequest, Completion, CompletionDetail,
    CompletionFilter, CompletionPatch, ExportFormat, NewCompletion, ReopenRequest, ReturnRequest,
    VerifyRequest,
};

use super::route::routes;
use super::{ApiError, Fetch, FileBody};
use crate::session::Session;

routes! {
    RESCHEDULE = Post "/occurrences/{id}/reschedule";
    LIST = Get "/completions";
    ONE = Get "/completions/{id}";
    CREATE = Post "/completions";
    UPDATE = Patch "/completions/{id}";
    COMPLETE = Post "/completions/{id}/complete";
    CANCEL = Post "/completions/{id}/cancel";
    VERIFY = Post "/completions/{id}/verify";
    RETURN = Post "/completions/{id}/return";
    REOPEN = Post "/completions/{id}/reopen";
    RESUBMIT = Post "/completions/{id}/resubmit";
    SUGGEST_CODE = Post "/completion-codes";
    EXPORT = Get "/completions/export";
}

/// The sessions `filter` selects, `limit` to a page.
pub fn list(filter: &CompletionFilter, limit: u64) -> Fetch<Page<Completion>> {
    LIST.at(&[])
        .params(&filter.to_pairs())
        .param("limit", &limit.to_string())
        .get()
}

pub fn one(id: i64) -> Fetch<CompletionDetail> {
    ONE.at(&[id]).get()
}

/// What `filter` selects as a file to download.
pub fn export(filter: &CompletionFilter, format: ExportFormat) -> Fetch<FileBody> {
    EXPORT
        .at(&[])
        .params(&filter.to_pairs())
        .param("format", format.extension())
        .get()
}

/// An ad-hoc session, outside any batch.
pub async fn create(session: Session, new: &NewCompletion) -> Result<Completion, ApiError> {
    CREATE.at(&[]).send(session, new).await
}

pub async fn update(
    session: Session,
    id: i64,
    patch: &CompletionPatch,
) -> Result<Completion, ApiError> {
    UPDATE.at(&[id]).send(session, patch).await
}

pub async fn complete(
    session: Session,
    id: i64,
    record: &CompleteRequest,
) -> Result<Completion, ApiError> {
    COMPLETE.at(&[id]).send(session, record).await
}

pub async fn cancel(
    session: Session,
    id: i64,
    request: &CancelRequest,
) -> Result<Completion, ApiError> {
    CANCEL.at(&[id]).send(session, request).await
}

pub async fn verify(
    session: Session,
    id: i64,
    request: &VerifyRequest,
) -> Result<Completion, ApiError> {
    VERIFY.at(&[id]).send(session, request).await
}

/// Sends a record back to its owner to correct.
pub async fn return_for_correction(
    session: Session,
    id: i64,
    request: &ReturnRequest,
) -> Result<Completion, ApiError> {
    RETURN.at(&[id]).send(session, request).await
}

pub async fn reopen(
    session: Session,
    id: i64,
    request: &ReopenRequest,
) -> Result<Completion, ApiError> {
    REOPEN.at(&[id]).send(session, request).await
}

pub async fn resubmit(session: Session, id: i64) -> Result<Completion, ApiError> {
    RESUBMIT
        .at(&[id])
        .send(session, &serde_json::json!({}))
        .await
}

/// A fresh completion code, for the person to keep or change.
pub async fn suggest_code(
    session: Session,
    request: &CodeRequest,
) -> Result<CodeSuggestion, ApiError> {
    SUGGEST_CODE.at(&[]).send(session, request).await
}

/// Moves the pending sitting `occurrence_id`; answers its session.
pub async fn reschedule(
    session: Session,
    occurrence_id: i64,
    request: &RescheduleRequest,
) -> Result<Completion, ApiError> {
    RESCHEDULE.at(&[occurrence_id]).send(session, request).await
}
