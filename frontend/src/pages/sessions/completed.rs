//! Finished sessions as a table: scheduled against actual, code, notes,
//! files and whether an admin verified the code.

use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{Completion, CompletionFilter};
use leptos::prelude::*;

use super::{Scope, admin_id};

use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::{api, format};

/// Minutes after the scheduled start that count as a late start.
const LATE_AFTER_MINUTES: i64 = 5;

fn excerpt(text: &str) -> String {
    const LEN: usize = 60;
    if text.chars().count() <= LEN {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(LEN).collect::<String>().trim_end())
    }
}

#[component]
pub fn Completed(scope: Memo<Scope>) -> impl IntoView {
    let me = admin_id();
    let paged = Paged::<Completion>::new(move || {
        let filter = CompletionFilter {
            status: Some(CompletionStatus::Completed),
            ..scope.get().filter(me)
        };
        api::sessions::list(&filter, 25)
    });
    view! {
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="completed sessions"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => {
                    view! { <ErrorNote error=error retry=Callback::new(move |()| paged.reload())/> }.into_any()
                }
                _ if items.is_empty() => view! {
                    <Empty title="No completed sessions yet" hint="Sessions you complete appear here with their codes."/>
                }
                .into_any(),
                _ => view! { <CompletedTable items owners=scope.get() == Scope::Everyone/> }.into_any(),
            }
        }}
        <PageFooter paged/>
    }
}

#[component]
fn CompletedTable(items: Vec<Completion>, owners: bool) -> impl IntoView {
    view! {
        <table class="table responsive">
            <caption class="visually-hidden">"Completed sessions, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Date"</th>
                    {owners.then(|| view! { <th scope="col">"Staff"</th> })}
                    <th scope="col">"Batch"</th>
                    <th scope="col">"Scheduled"</th>
                    <th scope="col">"Actual"</th>
                    <th scope="col">"Code"</th>
                    <th scope="col">"Notes"</th>
                    <th scope="col">"Files"</th>
                    <th scope="col">"Verified"</th>
                    <th scope="col"><span class="visually-hidden">"Open"</span></th>
                </tr>
            </thead>
            <tbody>
                {items.into_iter().map(|c| view! { <CompletedRow completion=c owner=owners/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn CompletedRow(completion: Completion, owner: bool) -> impl IntoView {
    let tz = completion.timezone.clone();
    let late = completion
        .actual_start
        .map(|actual| format::minutes_late(completion.scheduled_start, actual))
        .filter(|minutes| *minutes > LATE_AFTER_MINUTES);
    let actual = match (completion.actual_start, completion.actual_end) {
        (Some(start), Some(end)) => format::span(start, end, &tz),
        _ => "—".into(),
    };
    view! {
        <tr>
            <td data-label="Date">{format::date(completion.scheduled_start, &tz)}</td>
            {owner.then(|| view! { <td data-label="Staff">{completion.user_name.clone()}</td> })}
            <td data-label="Batch">
                {completion.title.clone()}
                {completion.batch_code.clone().map(|code| view! { <span class="code">{code}</span> })}
            </td>
            <td data-label="Scheduled">{format::span(completion.scheduled_start, completion.scheduled_end, &tz)}</td>
            <td data-label="Actual" class:late=late.is_some()>
                {actual}
                {late.map(|minutes| view! { <span class="badge late">{format!("{minutes} min late")}</span> })}
            </td>
            <td data-label="Code"><span class="code">{completion.completion_code.clone().unwrap_or_default()}</span></td>
            <td data-label="Notes">{completion.notes.as_deref().map(excerpt).unwrap_or_default()}</td>
            <td data-label="Files">{completion.attachment_count}</td>
            <td data-label="Verified">
                {if completion.verified_at.is_some() {
                    view! { <span class="badge verified">"Verified"</span> }.into_any()
                } else {
                    view! { <span class="muted">"Not yet"</span> }.into_any()
                }}
            </td>
            <td><a class="button-link" href=format!("/sessions/{}", completion.id)>"View"</a></td>
        </tr>
    }
}
