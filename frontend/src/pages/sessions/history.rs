//! Every session of the signed-in person, grouped by day, newest first.

use lectern_api_types::sessions::Completion;
use leptos::prelude::*;

use crate::components::badges::StatusBadge;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::format;
use crate::session::use_session;

#[component]
pub fn History() -> impl IntoView {
    let session = use_session();
    let me = session.user().map(|user| user.id).unwrap_or_default();
    let paged = Paged::<Completion>::new(move || format!("/completions?user_id={me}&limit=50"));
    view! {
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="your history"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => {
                    view! { <ErrorNote error=error retry=Callback::new(move |()| paged.reload())/> }.into_any()
                }
                _ if items.is_empty() => view! { <Empty title="No sessions yet" hint="Your sessions will appear here."/> }.into_any(),
                _ => view! { <Timeline items/> }.into_any(),
            }
        }}
        <PageFooter paged/>
    }
}

#[component]
fn Timeline(items: Vec<Completion>) -> impl IntoView {
    let mut days: Vec<(String, Vec<Completion>)> = Vec::new();
    for item in items {
        let key = format::day_key(item.scheduled_start, &item.timezone);
        match days.last_mut() {
            Some((day, group)) if *day == key => group.push(item),
            _ => days.push((key, vec![item])),
        }
    }
    view! {
        <ol class="timeline">
            {days
                .into_iter()
                .map(|(_, group)| {
                    let first = &group[0];
                    let heading = format::date(first.scheduled_start, &first.timezone);
                    view! {
                        <li class="day">
                            <h2 class="day-heading">{heading}</h2>
                            <ul>
                                {group.into_iter().map(|c| view! { <HistoryItem completion=c/> }).collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
fn HistoryItem(completion: Completion) -> impl IntoView {
    let tz = completion.timezone.clone();
    view! {
        <li class="entry">
            <span class="entry-time">{format::span(completion.scheduled_start, completion.scheduled_end, &tz)}</span>
            <a href=format!("/sessions/{}", completion.id)>{completion.title.clone()}</a>
            <StatusBadge status=completion.status review=completion.review/>
            {completion.cancel_reason.map(|reason| view! { <span class="muted">{reason}</span> })}
        </li>
    }
}
