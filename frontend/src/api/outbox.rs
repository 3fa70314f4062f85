//! Background jobs, for super admins.

use lectern_api_types::Page;
use lectern_api_types::outbox::{OutboxJob, OutboxQuery};

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/outbox";
    RETRY = Post "/outbox/{id}/retry";
}

pub fn list(query: &OutboxQuery) -> Fetch<Page<OutboxJob>> {
    LIST.at(&[]).query(query).get()
}

/// Makes a failed job due again, with fresh attempts.
pub async fn retry(session: Session, id: i64) -> Result<OutboxJob, ApiError> {
    RETRY.at(&[id]).send(session, &serde_json::json!({})).await
}
