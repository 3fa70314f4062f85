//! The outbox as super admins see it: every job, and a retry for the
//! failed ones.

use lectern_api_types::outbox::{OutboxJob, OutboxQuery};
use lectern_api_types::{Page, Role};

use super::{ServiceError, ServiceResult};
use crate::db::Db;
use crate::domain::AuthUser;
use crate::outbox::store;

fn only_super_admins(caller: &AuthUser) -> ServiceResult<()> {
    if caller.role() == Role::SuperAdmin {
        Ok(())
    } else {
        Err(ServiceError::forbidden("Only super admins see the outbox."))
    }
}

pub async fn list(
    db: &Db,
    caller: &AuthUser,
    query: OutboxQuery,
) -> ServiceResult<Page<OutboxJob>> {
    only_super_admins(caller)?;
    store::list(db, query).await
}

pub async fn retry(db: &Db, caller: &AuthUser, id: i64) -> ServiceResult<OutboxJob> {
    only_super_admins(caller)?;
    store::retry(db, id).await
}
