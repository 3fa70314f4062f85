//! Branches, each on its own calendar.

use lectern_api_types::Page;
use lectern_api_types::branches::{Branch, BranchPatch, NewBranch};
use lectern_api_types::calendar::CalendarFeed;
use lectern_api_types::page::PageQuery;

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/branches";
    CREATE = Post "/branches";
    UPDATE = Patch "/branches/{id}";
    CALENDAR = Post "/branches/{id}/calendar";
}

pub fn list(query: &PageQuery) -> Fetch<Page<Branch>> {
    LIST.at(&[]).query(query).get()
}

pub async fn create(session: Session, branch: &NewBranch) -> Result<Branch, ApiError> {
    CREATE.at(&[]).send(session, branch).await
}

pub async fn update(session: Session, id: i64, patch: &BranchPatch) -> Result<Branch, ApiError> {
    UPDATE.at(&[id]).send(session, patch).await
}

/// A new address of the branch's calendar feed; the admin's previous one
/// for the branch stops working.
pub async fn new_calendar(session: Session, id: i64) -> Result<CalendarFeed, ApiError> {
    CALENDAR
        .at(&[id])
        .send(session, &serde_json::json!({}))
        .await
}
