//! Staff accounts.

use lectern_api_types::Page;
use lectern_api_types::users::{Colleague, ColleagueQuery, NewUser, User, UserPatch, UserQuery};

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/users";
    ONE = Get "/users/{id}";
    CREATE = Post "/users";
    UPDATE = Patch "/users/{id}";
    COLLEAGUES = Get "/colleagues";
}

pub fn list(query: &UserQuery) -> Fetch<Page<User>> {
    LIST.at(&[]).query(query).get()
}

pub fn one(id: i64) -> Fetch<User> {
    ONE.at(&[id]).get()
}

pub async fn create(session: Session, user: &NewUser) -> Result<User, ApiError> {
    CREATE.at(&[]).send(session, user).await
}

pub async fn update(session: Session, id: i64, patch: &UserPatch) -> Result<User, ApiError> {
    UPDATE.at(&[id]).send(session, patch).await
}

/// Who may deliver a session in someone's place, in a branch.
pub fn colleagues(query: &ColleagueQuery) -> Fetch<Page<Colleague>> {
    COLLEAGUES.at(&[]).query(query).get()
}
