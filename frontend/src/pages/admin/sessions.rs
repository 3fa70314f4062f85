//! Every session in the admin's scope, filtered, with codes to verify.

use lectern_api_types::codes::CompletionCode;
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{Completion, VerifyRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Select, batch_list, branch_list, staff_list};
use crate::api::{self, ApiError, query};
use crate::components::badges::StatusBadge;
use crate::components::fields::FormError;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Dialog, Empty, ErrorNote, FieldErrors, Loading};
use crate::session::use_session;
use crate::{format, use_changes, use_notice};

#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    branch: String,
    staff: String,
    batch: String,
    status: String,
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
    let verifying = RwSignal::new(None::<Completion>);

    let (branch, staff, batch, status) = (
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
            from: from.get_untracked(),
            to: to.get_untracked(),
            q: q.get_untracked(),
        });
    };
    let reset = move |_| {
        for field in [branch, staff, batch, status, from, to, q] {
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
                _ => view! { <SessionsTable items verifying/> }.into_any(),
            }
        }}
        <PageFooter paged/>
        {move || verifying.get().map(|completion| view! { <VerifyDialog completion on_close=Callback::new(move |()| verifying.set(None))/> })}
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
fn SessionsTable(items: Vec<Completion>, verifying: RwSignal<Option<Completion>>) -> impl IntoView {
    let me = use_session().user().map(|u| u.id).unwrap_or_default();
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
                        let can_verify = c.status == CompletionStatus::Completed && c.verified_at.is_none() && c.user_id != me;
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
                                <td data-label="Status"><StatusBadge status=c.status verified=c.verified_at.is_some()/></td>
                                <td data-label="Files">{c.attachment_count}</td>
                                <td class="row-actions">
                                    <a class="button-link" href=format!("/sessions/{}", c.id)>"View"</a>
                                    {can_verify.then(|| view! {
                                        <button class="primary small" on:click=move |_| verifying.set(Some(target.clone()))>"Verify"</button>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// An admin confirms the code the teacher recorded.
#[component]
fn VerifyDialog(completion: Completion, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let notice = use_notice();
    let code = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<ApiError>);
    let id = completion.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let completion_code = match CompletionCode::parse(&code.get_untracked()) {
            Ok(code) => code,
            Err(err) => {
                set_error.set(Some(ApiError::invalid("completion_code", &err.to_string())));
                return;
            }
        };
        set_error.set(None);
        let body = VerifyRequest { completion_code };
        spawn_local(async move {
            match api::post::<_, Completion>(session, &format!("/completions/{id}/verify"), &body)
                .await
            {
                Ok(_) => {
                    notice.show("Code verified.".into());
                    changes.bump();
                    on_close.run(());
                }
                Err(err) => set_error.set(Some(err)),
            }
        });
    };
    view! {
        <Dialog title=format!("Verify {}", completion.title) on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <p class="muted">{format!("{} · {}", completion.user_name, format::date(completion.scheduled_start, &completion.timezone))}</p>
                <div class="field">
                    <label for="verify-code">"Completion code as given to you"</label>
                    <input id="verify-code" type="text" autocomplete="off" spellcheck="false" required aria-describedby="verify-code-errors"
                        prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/>
                    <FieldErrors error field="completion_code" id="verify-code-errors"/>
                </div>
                <div class="actions end">
                    <button type="button" class="secondary" on:click=move |_| on_close.run(())>"Back"</button>
                    <button type="submit" class="primary">"Verify"</button>
                </div>
            </form>
        </Dialog>
    }
}
