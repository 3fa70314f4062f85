//! Every session in the admin's scope (a staff member's own, for staff),
//! filtered, with records to review. The filters live in the URL, so back,
//! forward and bookmarks keep them, and the dashboard links here.

mod filter_form;
mod zip;

use lectern_api_types::sessions::{Completion, SessionSort};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use self::filter_form::FilterForm;
use self::zip::ZipAll;
use crate::components::badges::StatusBadge;
use crate::components::export::ExportButtons;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::pages::review::ReviewActions;
use crate::session::use_session;
use crate::{api, filters, format};

#[component]
pub fn AdminSessions() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filters::from_query));
    let paged = Paged::new(move || api::sessions::list(&filter.get(), 25));
    let me = use_session().user();
    let admin = me.as_ref().is_some_and(|me| me.role.is_admin());
    let super_admin = admin && me.as_ref().is_some_and(|me| me.branch_id.is_none());
    let sort = move || filter.with(|f| f.sort.unwrap_or_default());

    view! {
        <div class="title-row">
            <h1>{if admin { "All sessions" } else { "Your sessions" }}</h1>
            <ExportButtons filter/>
        </div>
        <FilterForm filter admin super_admin/>
        {admin.then(|| view! { <ZipAll filter/> })}
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="sessions"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => view! { <ErrorNote error retry=Callback::new(move |()| paged.reload())/> }.into_any(),
                _ if items.is_empty() => view! { <Empty title="No sessions match" hint="Change or clear the filters."/> }.into_any(),
                _ => view! { <SessionsTable items sort=sort()/> }.into_any(),
            }
        }}
        <PageFooter paged/>
    }
}

#[component]
fn SessionsTable(items: Vec<Completion>, sort: SessionSort) -> impl IntoView {
    view! {
        <table class="table responsive">
            <caption class="visually-hidden">{format!("Sessions, {}", sort.label().to_lowercase())}</caption>
            <thead>
                <tr>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Staff"</th>
                    <th scope="col">"Session"</th>
                    <th scope="col">"Scheduled"</th>
                    <th scope="col">"Actual"</th>
                    <th scope="col">"Code"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Files"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|c| {
                        let tz = c.timezone.clone();
                        let actual = match (c.actual_start, c.actual_end) {
                            (Some(start), Some(end)) => format::span(start, end, &tz),
                            _ => "—".into(),
                        };
                        let target = c.clone();
                        view! {
                            <tr>
                                <td data-label="Date">{format::date(c.scheduled_start, &tz)}</td>
                                <td data-label="Staff">{c.user_name.clone()}</td>
                                <td data-label="Session">{c.title.clone()}</td>
                                <td data-label="Scheduled">{format::span(c.scheduled_start, c.scheduled_end, &tz)}</td>
                                <td data-label="Actual">{actual}</td>
                                <td data-label="Code"><span class="code">{c.completion_code.clone().unwrap_or_default()}</span></td>
                                <td data-label="Status"><StatusBadge status=c.status review=c.review/></td>
                                <td data-label="Files">{c.attachment_count}</td>
                                <td class="row-actions">
                                    <a class="button-link" href=format!("/sessions/{}", c.id)>"View"</a>
                                    <ReviewActions completion=target compact=true/>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
