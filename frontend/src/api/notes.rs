//! The typed comments on a session.

use lectern_api_types::sessions::{NewNote, NotePatch, SessionNote};

use super::ApiError;
use super::route::routes;
use crate::session::Session;

routes! {
    CREATE = Post "/completions/{id}/notes";
    UPDATE = Patch "/completions/{id}/notes/{note_id}";
    DELETE = Delete "/completions/{id}/notes/{note_id}";
}

pub async fn create(
    session: Session,
    completion_id: i64,
    note: &NewNote,
) -> Result<SessionNote, ApiError> {
    CREATE.at(&[completion_id]).send(session, note).await
}

pub async fn update(
    session: Session,
    completion_id: i64,
    note_id: i64,
    patch: &NotePatch,
) -> Result<SessionNote, ApiError> {
    UPDATE
        .at(&[completion_id, note_id])
        .send(session, patch)
        .await
}

pub async fn delete(session: Session, completion_id: i64, note_id: i64) -> Result<(), ApiError> {
    DELETE.at(&[completion_id, note_id]).run(session).await
}
