//! Every session in the admin's scope, filtered, with records to review.

use lectern_api_types::schedule::Review;
use lectern_api_types::sessions::Completion;
use leptos::prelude::*;

use super::{Select, batch_list, branch_list, staff_list};
use crate::api::{ApiError, query};
use crate::components::badges::StatusBadge;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::format;
use crate::pages::review::ReviewActions;
use crate::session::use_session;

#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    branch: String,
    staff: String,
    batch: String,
    status: String,
    review: String,
    from: String,
    to: String,
    q: String,
}

impl Filters {
    fn path(&self) -> String {
        let pairs = [
            ("branch_id", Some(self.branch.clone())),
            ("user_id", Some(self.staff.clone())),
            ("batch_id", Some(self.batch.clone())),
            ("status", Some(self.status.clone())),
            ("review", Some(self.review.clone())),
            ("from", Some(self.from.clone())),
            ("to", Some(self.to.clone())),
            ("q", Some(self.q.trim().to_owned())),
            ("limit", Some("25".into())),
        ];
        format!("/completions{}", query(&pairs))
    }
}

#[component]
pub fn AdminSessions() -> impl IntoView {
    let session = use_session();
    let super_admin = session.user().is_some_and(|u| u.branch_id.is_none());
    let applied = RwSignal::new(Filters::default());
    let paged = Paged::<Completion>::new(move || applied.get().path());

    let (branch, staff, batch, status, review) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (from, to, q) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let staff_options = staff_list();
    let batch_options = batch_list();
    let branch_options = branch_list();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        applied.set(Filters {
            branch: branch.get_untracked(),
            staff: staff.get_untracked(),
            batch: batch.get_untracked(),
            status: status.get_untracked(),
            review: review.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            q: q.get_untracked(),
        });
    };
    let reset = move |_| {
        for field in [branch, staff, batch, status, review, from, to, q] {
            field.set(String::new());
        }
        applied.set(Filters::default());
    };

    view! {
        <h1>"All sessions"</h1>
        <form class="filters card" on:submit=apply aria-label="Filter sessions">
            <Show when=move || super_admin>
                <Select id="filter-branch" label="Branch" value=branch any="Every branch"
                    options=Signal::derive(move || branch_options.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|b| (b.id.to_string(), b.name)).collect())/>
            </Show>
            <Select id="filter-staff" label="Staff member" value=staff any="Everyone"
                options=Signal::derive(move || staff_options.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|u| !u.role.is_admin() || u.branch_id.is_some()).map(|u| (u.id.to_string(), u.name)).collect())/>
            <Select id="filter-batch" label="Batch" value=batch any="Every batch"
                options=Signal::derive(move || batch_list_options(batch_options.get()))/>
            <Select id="filter-status" label="Status" value=status any="Any status"
                options=Signal::derive(|| vec![("pending".into(), "Pending".into()), ("completed".into(), "Completed".into()), ("cancelled".into(), "Cancelled".into())])/>
            <Select id="filter-review" label="Review" value=review any="Any review"
                options=Signal::derive(|| Review::ALL.into_iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect())/>
            <div class="field">
                <label for="filter-from">"From"</label>
                <input id="filter-from" type="date" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="filter-to">"To"</label>
                <input id="filter-to" type="date" prop:value=to on:input=move |ev| to.set(event_target_value(&ev))/>
            </div>
            <div class="field grow">
                <label for="filter-q">"Code, notes or batch"</label>
                <input id="filter-q" type="search" prop:value=q on:input=move |ev| q.set(event_target_value(&ev))/>
            </div>
            <div class="actions end">
                <button type="button" class="secondary" on:click=reset>"Clear"</button>
                <button type="submit" class="primary">"Apply"</button>
            </div>
        </form>
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="sessions"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => view! { <ErrorNote error retry=Callback::new(move |()| paged.reload())/> }.into_any(),
                _ if items.is_empty() => view! { <Empty title="No sessions match" hint="Change or clear the filters."/> }.into_any(),
                _ => view! { <SessionsTable items/> }.into_any(),
            }
        }}
        <PageFooter paged/>
    }
}

fn batch_list_options(
    list: Option<Result<Vec<lectern_api_types::batches::Batch>, ApiError>>,
) -> Vec<(String, String)> {
    list.and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .map(|b| (b.id.to_string(), format!("{} · {}", b.code, b.name)))
        .collect()
}

#[component]
fn SessionsTable(items: Vec<Completion>) -> impl IntoView {
    view! {
        <table class="table responsive">
            <caption class="visually-hidden">"Sessions, newest first"</caption>
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
