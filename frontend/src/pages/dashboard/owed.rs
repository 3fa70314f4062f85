//! What is owed, oldest first: sessions nobody recorded and records nobody
//! has reviewed. These lists ignore the period: a debt from last month is
//! still owed this month.

use lectern_api_types::schedule::Review;
use lectern_api_types::sessions::{Completion, CompletionFilter, SessionSort};
use leptos::prelude::*;

use super::Scope;
use crate::api::{self, ApiError};
use crate::components::loaded;
use crate::session::use_session;
use crate::{filters, format, use_changes};

/// How many of each list the dashboard shows; the rest are a link away.
const SHOWN: u64 = 10;

fn first_page(
    filter: impl Fn() -> CompletionFilter + 'static,
) -> LocalResource<Result<Vec<Completion>, ApiError>> {
    let session = use_session();
    let changes = use_changes();
    LocalResource::new(move || {
        changes.track();
        let first = api::sessions::list(&filter(), SHOWN);
        async move { first.fetch(session).await.map(|page| page.items) }
    })
}

#[component]
pub fn OverdueList(scope: Memo<Scope>) -> impl IntoView {
    let filter = move || CompletionFilter {
        overdue: Some(true),
        sort: Some(SessionSort::ScheduledStart),
        ..scope.get().any_date()
    };
    view! {
        <Owed
            id="overdue-list"
            title="Overdue — nobody recorded these"
            empty="Nothing overdue: every session that has ended is recorded or cancelled."
            filter=Signal::derive(filter)
        />
    }
}

#[component]
pub fn ReviewList(scope: Memo<Scope>) -> impl IntoView {
    let filter = move || CompletionFilter {
        review: Some(Review::Unreviewed),
        sort: Some(SessionSort::CompletedAt),
        ..scope.get().any_date()
    };
    view! {
        <Owed
            id="review-list"
            title="Awaiting review"
            empty="Nothing waits for review."
            filter=Signal::derive(filter)
        />
    }
}

#[component]
fn Owed(
    id: &'static str,
    title: &'static str,
    empty: &'static str,
    filter: Signal<CompletionFilter>,
) -> impl IntoView {
    let items = first_page(move || filter.get());
    let labelled = format!("{id}-heading");
    let heading = labelled.clone();
    view! {
        <section class="card owed" id=id aria-labelledby=labelled>
            <h2 id=heading>{title}</h2>
            <p class="muted">"Oldest first, from any date."</p>
            {loaded(items, "sessions", move |items: Vec<Completion>| {
                if items.is_empty() {
                    return view! { <p class="muted">{empty}</p> }.into_any();
                }
                let more = (items.len() as u64 >= SHOWN).then(|| view! {
                    <p><a href=filters::list_href(&filter.get_untracked())>"See them all"</a></p>
                });
                view! {
                    <ul class="owed-list">
                        {items
                            .into_iter()
                            .map(|c| view! {
                                <li>
                                    <span class="owed-date">{format::date(c.scheduled_start, &c.timezone)}</span>
                                    <a href=format!("/sessions/{}", c.id)>{c.title.clone()}</a>
                                    <span class="muted">{c.user_name}</span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                    {more}
                }
                .into_any()
            })}
        </section>
    }
}
