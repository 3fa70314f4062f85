//! The audit log.

use lectern_api_types::Page;
use lectern_api_types::audit::{AuditEntry, AuditQuery};

use super::Fetch;
use super::route::routes;

routes! {
    LIST = Get "/audit";
}

pub fn list(query: &AuditQuery) -> Fetch<Page<AuditEntry>> {
    LIST.at(&[]).query(query).get()
}
