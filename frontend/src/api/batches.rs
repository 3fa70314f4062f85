//! Batches: the classes that meet on given weekdays.

use lectern_api_types::Page;
use lectern_api_types::batches::{
    Batch, BatchPatch, BatchQuery, NewBatch, NewSitting, SchedulePreview, SchedulePreviewRequest,
};
use lectern_api_types::sessions::Completion;

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/batches";
    ONE = Get "/batches/{id}";
    CREATE = Post "/batches";
    UPDATE = Patch "/batches/{id}";
    DELETE = Delete "/batches/{id}";
    PREVIEW = Post "/batches/preview";
    SITTINGS = Post "/batches/{id}/sittings";
}

pub fn list(query: &BatchQuery) -> Fetch<Page<Batch>> {
    LIST.at(&[]).query(query).get()
}

pub fn one(id: i64) -> Fetch<Batch> {
    ONE.at(&[id]).get()
}

pub async fn create(session: Session, batch: &NewBatch) -> Result<Batch, ApiError> {
    CREATE.at(&[]).send(session, batch).await
}

pub async fn update(session: Session, id: i64, patch: &BatchPatch) -> Result<Batch, ApiError> {
    UPDATE.at(&[id]).send(session, patch).await
}

pub async fn delete(session: Session, id: i64) -> Result<(), ApiError> {
    DELETE.at(&[id]).run(session).await
}

/// The sittings a schedule would generate, before it is saved.
pub async fn preview(
    session: Session,
    request: &SchedulePreviewRequest,
) -> Result<SchedulePreview, ApiError> {
    PREVIEW.at(&[]).send(session, request).await
}

/// A make-up sitting of batch `id`: its new pending session.
pub async fn add_sitting(
    session: Session,
    id: i64,
    sitting: &NewSitting,
) -> Result<Completion, ApiError> {
    SITTINGS.at(&[id]).send(session, sitting).await
}
