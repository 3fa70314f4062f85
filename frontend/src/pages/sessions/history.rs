//! What has been: every session that has started, newest first, grouped by
//! day, searchable and narrowed by status. The search and the status live
//! in the URL, like every other filter of the app.

use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::{Completion, CompletionFilter};
use lectern_api_types::time::DateOrInstant;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{Scope, admin_id};
use crate::components::badges::StatusBadge;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::{api, filters, format};

/// The status chips, "All" first.
const CHIPS: [(Option<CompletionStatus>, &str); 4] = [
    (None, "All"),
    (Some(CompletionStatus::Completed), "Completed"),
    (Some(CompletionStatus::Cancelled), "Cancelled"),
    (Some(CompletionStatus::Pending), "Not recorded"),
];

#[component]
pub fn History(scope: Memo<Scope>) -> impl IntoView {
    let me = admin_id();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let q = Memo::new(move |_| {
        query
            .with(|query| query.get("q"))
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty())
    });
    let status = Memo::new(move |_| {
        query
            .with(|query| query.get("status"))
            .and_then(|status| filters::wire::<CompletionStatus>(&status))
    });
    let paged = Paged::<Completion>::new(move || {
        let filter = CompletionFilter {
            // Started before now: the future is Upcoming's.
            to: Some(DateOrInstant::Instant(format::now().fixed_offset())),
            status: status.get(),
            q: q.get(),
            ..scope.get().filter(me)
        };
        api::sessions::list(&filter, 50)
    });
    // Changes the search or the status, keeping the rest of the URL.
    let show = move |q: Option<String>, status: Option<CompletionStatus>| {
        let mut pairs: Vec<(&str, String)> = query.with_untracked(|query| {
            ["tab", "scope"]
                .into_iter()
                .filter_map(|key| query.get(key).map(|value| (key, value)))
                .collect()
        });
        if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
            pairs.push(("q", q.trim().to_owned()));
        }
        if let Some(status) = status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        navigate.with_value(|navigate| {
            navigate(
                &format!("/sessions{}", filters::encode(&pairs)),
                Default::default(),
            );
        });
    };
    let typed = RwSignal::new(q.get_untracked().unwrap_or_default());
    // The box follows the URL: Back to an earlier search shows its words.
    Effect::new(move |_| typed.set(q.get().unwrap_or_default()));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        show(Some(typed.get_untracked()), status.get_untracked());
    };
    view! {
        <div class="history-filters">
            <form class="search" role="search" on:submit=search>
                <label class="visually-hidden" for="history-q">"Search your history"</label>
                <input
                    id="history-q"
                    type="search"
                    placeholder="Title, notes, code, batch or comment"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <button type="submit" class="secondary">"Search"</button>
            </form>
            <div class="chips" role="group" aria-label="Status">
                {CHIPS
                    .into_iter()
                    .map(|(choice, label)| view! {
                        <button
                            type="button"
                            class="chip"
                            aria-pressed=move || (status.get() == choice).to_string()
                            on:click=move |_| show(q.get_untracked(), choice)
                        >
                            {label}
                        </button>
                    })
                    .collect_view()}
            </div>
        </div>
        {move || {
            let items = paged.items.get();
            let narrowed = q.get().is_some() || status.get().is_some();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="your history"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => {
                    view! { <ErrorNote error=error retry=Callback::new(move |()| paged.reload())/> }.into_any()
                }
                _ if items.is_empty() && narrowed => view! {
                    <Empty title="Nothing matches" hint="Try other words, or show every status."/>
                }
                .into_any(),
                _ if items.is_empty() => view! {
                    <Empty title="No sessions yet" hint="Sessions appear here once they have started."/>
                }
                .into_any(),
                _ => view! { <Timeline items owners=scope.get() == Scope::Everyone/> }.into_any(),
            }
        }}
        <PageFooter paged/>
    }
}

#[component]
fn Timeline(items: Vec<Completion>, owners: bool) -> impl IntoView {
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
                                {group.into_iter().map(|c| view! { <HistoryItem completion=c owner=owners/> }).collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
fn HistoryItem(completion: Completion, owner: bool) -> impl IntoView {
    let tz = completion.timezone.clone();
    view! {
        <li class="entry">
            <span class="entry-time">{format::span(completion.scheduled_start, completion.scheduled_end, &tz)}</span>
            <a href=format!("/sessions/{}", completion.id)>{completion.title.clone()}</a>
            {owner.then(|| view! { <span class="muted">{completion.user_name.clone()}</span> })}
            <StatusBadge status=completion.status review=completion.review/>
            {completion.cancel_reason.map(|reason| view! { <span class="muted">{reason}</span> })}
        </li>
    }
}
