//! Branches, each on its own calendar.

use lectern_api_types::Page;
use lectern_api_types::branches::{Branch, BranchPatch, NewBranch};
use lectern_api_types::page::PageQuery;

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/branches";
    CREATE = Post "/branches";
    UPDATE = Patch "/branches/{id}";
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
