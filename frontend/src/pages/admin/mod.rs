//! What admins see: every session in their scope, batches, staff, branches,
//! the audit log and webhooks.

pub mod audit;
mod batches;
mod branches;
mod holidays;
mod outbox;
mod schedule_editor;
mod sessions;
mod staff;
mod webhooks;

pub use audit::AuditLog;
pub use batches::Batches;
pub use branches::Branches;
pub use holidays::Holidays;
pub use outbox::Outbox;
pub use sessions::AdminSessions;
pub use staff::Staff;
pub use webhooks::Webhooks;

use lectern_api_types::Page;
use lectern_api_types::branches::Branch;
use lectern_api_types::page::PageQuery;
use lectern_api_types::users::{User, UserQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError, Fetch};
use crate::session::use_session;
use crate::use_changes;

/// The first hundred of a list: branches, of which an institute has a few,
/// and the names the batches table shows. People and batches are picked by
/// typing (`components::pick`), which reaches all of them.
fn pick_list<T>(list: fn() -> Fetch<Page<T>>) -> LocalResource<Result<Vec<T>, ApiError>>
where
    T: Clone + serde::de::DeserializeOwned + 'static,
{
    let session = use_session();
    let changes = use_changes();
    LocalResource::new(move || {
        changes.track();
        async move { list().fetch(session).await.map(|page| page.items) }
    })
}

pub fn staff_list() -> LocalResource<Result<Vec<User>, ApiError>> {
    pick_list(|| {
        api::staff::list(&UserQuery {
            limit: Some(100),
            ..UserQuery::default()
        })
    })
}

pub fn branch_list() -> LocalResource<Result<Vec<Branch>, ApiError>> {
    pick_list(|| {
        api::branches::list(&PageQuery {
            limit: Some(100),
            cursor: None,
        })
    })
}

/// A `<select>` of `options` (value, label) with an "any" first entry.
#[component]
pub fn Select(
    id: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional, into)] any: Option<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {any.map(|any| view! { <option value="" selected=move || value.get().is_empty()>{any}</option> })}
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(key, text)| {
                            let selected = key.clone();
                            view! { <option value=key selected=move || value.get() == selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}
