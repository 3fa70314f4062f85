//! The outbox, for super admins: the background jobs (emails, webhook
//! messages) every server works through, what failed for good and why, and
//! a retry for those.

use lectern_api_types::outbox::{JobState, OutboxJob, OutboxQuery};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::Saver;
use crate::components::fields::FormError;
use crate::components::paging::{Paged, PagedItems};
use crate::session::use_session;
use crate::{filters, format};

/// The state chips, "All" first.
const STATES: [(Option<JobState>, &str); 5] = [
    (None, "All"),
    (Some(JobState::Failed), "Failed"),
    (Some(JobState::Pending), "Waiting"),
    (Some(JobState::Running), "Running"),
    (Some(JobState::Done), "Done"),
];

#[component]
pub fn Outbox() -> impl IntoView {
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let state = Memo::new(move |_| {
        query
            .with(|q| q.get("state"))
            .and_then(|state| filters::wire::<JobState>(&state))
    });
    let paged = Paged::new(move || {
        api::outbox::list(&OutboxQuery {
            state: state.get(),
            limit: Some(50),
            cursor: None,
        })
    });
    let show = move |choice: Option<JobState>| {
        let pairs: Vec<(&str, String)> = choice
            .map(|state| ("state", state.as_str().to_owned()))
            .into_iter()
            .collect();
        let href = format!("/admin/outbox{}", filters::encode(&pairs));
        navigate.with_value(|navigate| navigate(&href, Default::default()));
    };
    let saver = Saver::new(Callback::new(|()| {}));
    let zone = format::viewer_zone();
    view! {
        <h1>"Outbox"</h1>
        <p class="muted">"The emails and webhook messages every server sends in the background. A job that keeps failing is given up after its last attempt; retry it once its cause is fixed."</p>
        <div class="chips" role="group" aria-label="State">
            {STATES.into_iter().map(|(choice, label)| view! {
                <button type="button" class="chip"
                    aria-pressed=move || (state.get() == choice).to_string()
                    on:click=move |_| show(choice)>{label}</button>
            }).collect_view()}
        </div>
        <FormError error=saver.error()/>
        <PagedItems
            paged
            what="the outbox"
            empty=("No jobs", "Jobs appear here when a change has an email or a webhook message to send.")
            show=move |items| view! {
                <table class="table responsive outbox">
                    <caption class="visually-hidden">"Jobs, newest first"</caption>
                    <thead><tr>
                        <th scope="col">"Job"</th><th scope="col">"State"</th><th scope="col">"Attempts"</th>
                        <th scope="col">"Due"</th><th scope="col">"Last error"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|job| view! { <JobRow job zone=zone.clone() saver/> }).collect_view()}
                    </tbody>
                </table>
            }
        />
    }
}

#[component]
fn JobRow(job: OutboxJob, zone: String, saver: Saver) -> impl IntoView {
    let session = use_session();
    let id = job.id;
    let retry = move |_| {
        saver.run(api::outbox::retry(session, id), move |_| {
            format!("Job {id} will be tried again.")
        });
    };
    let what = format!("#{} {}", job.id, job.kind.replace('.', " "));
    view! {
        <tr>
            <td data-label="Job">{what}</td>
            <td data-label="State"><span class=format!("badge job-{}", job.state.as_str())>{job.state.as_str()}</span></td>
            <td data-label="Attempts">{job.attempts}</td>
            <td data-label="Due">{format::moment(job.run_at, &zone)}</td>
            <td data-label="Last error">{job.last_error.clone().unwrap_or_default()}</td>
            <td class="row-actions">
                {(job.state == JobState::Failed).then(|| view! {
                    <button class="secondary small" aria-label=format!("Retry job {id}")
                        disabled=saver.pending() on:click=retry>"Retry"</button>
                })}
            </td>
        </tr>
    }
}
