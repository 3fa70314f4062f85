//! What is waiting: records returned for correction, then the sittings that
//! ended with nothing recorded (the longest overdue first), then today's,
//! then the next two weeks'. A sitting can be completed once it has
//! started and cancelled any time before it is recorded.

use chrono::Days;
use lectern_api_types::schedule::Review;
use lectern_api_types::sessions::{Completion, CompletionFilter, SessionSort};
use lectern_api_types::time::DateOrInstant;
use leptos::prelude::*;

use super::{CancelDialog, CompleteDialog, Scope, admin_id};
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::session::use_session;
use crate::{api, format, use_clock};

/// How far ahead Upcoming looks.
const AHEAD_DAYS: u64 = 14;

#[component]
pub fn Upcoming(scope: Memo<Scope>) -> impl IntoView {
    let me = admin_id();
    let list = move |filter: CompletionFilter| api::sessions::list(&filter, 50);
    let overdue = Paged::<Completion>::new(move || {
        list(CompletionFilter {
            overdue: Some(true),
            sort: Some(SessionSort::ScheduledStart),
            ..scope.get().filter(me)
        })
    });
    let coming = Paged::<Completion>::new(move || {
        let last = format::today() + Days::new(AHEAD_DAYS);
        list(CompletionFilter {
            overdue: Some(false),
            to: Some(DateOrInstant::Date(last)),
            sort: Some(SessionSort::ScheduledStart),
            ..scope.get().filter(me)
        })
    });
    let completing = RwSignal::new(None::<Completion>);
    let cancelling = RwSignal::new(None::<Completion>);
    let owner = Signal::derive(move || scope.get() == Scope::Everyone);
    let clock = use_clock();
    // Today as each sitting's branch counts it.
    let split = Memo::new(move |_| {
        let now = clock.now();
        coming.items.get().into_iter().partition::<Vec<_>, _>(|c| {
            format::day_key(c.scheduled_start, &c.timezone) == format::day_key(now, &c.timezone)
        })
    });
    let late = Signal::derive(move || overdue.items.get());
    let today = Signal::derive(move || split.get().0);
    let later = Signal::derive(move || split.get().1);
    let nothing =
        Memo::new(move |_| overdue.items.with(Vec::is_empty) && coming.items.with(Vec::is_empty));
    let cards = Cards {
        completing,
        cancelling,
        owner,
    };
    let retry = Callback::new(move |()| {
        overdue.reload();
        coming.reload();
    });
    // Each group is drawn apart from the others and its cards are keyed, so
    // a list that answers later, or again after a save, leaves the cards
    // already on the page (and a finger on their buttons) alone.
    view! {
        {move || (scope.get() == Scope::Mine).then(|| view! { <Returned/> })}
        <Group id="overdue" heading="Overdue" items=late cards more=Some(overdue)/>
        <Group id="today" heading="Today" items=today cards more=None/>
        <Group id="ahead" heading="Next 14 days" items=later cards more=None/>
        <Show when=move || !nothing.get()>
            // A failed list with no rows has no group to say so in.
            {move || {
                [overdue, coming]
                    .into_iter()
                    .find_map(|paged| match paged.load.get() {
                        Load::Failed(error) if paged.items.with(Vec::is_empty) => Some(error),
                        _ => None,
                    })
                    .map(|error| view! { <ErrorNote error retry/> })
            }}
            <PageFooter paged=coming/>
        </Show>
        {move || nothing.get().then(|| {
            let failed = match (overdue.load.get(), coming.load.get()) {
                (Load::Failed(error), _) | (_, Load::Failed(error)) => Some(error),
                _ => None,
            };
            let loading = overdue.load.get() == Load::Loading || coming.load.get() == Load::Loading;
            match failed {
                Some(error) => view! { <ErrorNote error retry/> }.into_any(),
                None if loading => view! { <Loading what="sessions"/> }.into_any(),
                None => view! {
                    <Empty
                        title="Nothing to record"
                        hint="Sittings of the next two weeks appear here, and any that ended with nothing recorded."
                    />
                }
                .into_any(),
            }
        })}
        {move || completing.get().map(|c| view! {
            <CompleteDialog completion=c on_close=Callback::new(move |()| completing.set(None))/>
        })}
        {move || cancelling.get().map(|c| view! {
            <CancelDialog
                completion_id=c.id
                title=format!("Cancel {}", c.title)
                on_close=Callback::new(move |()| cancelling.set(None))
            />
        })}
    }
}

/// What every card of the page shares.
#[derive(Clone, Copy)]
struct Cards {
    completing: RwSignal<Option<Completion>>,
    cancelling: RwSignal<Option<Completion>>,
    /// Whether cards name whose sitting it is.
    owner: Signal<bool>,
}

/// One heading's cards, absent while it has none.
#[component]
fn Group(
    id: &'static str,
    heading: &'static str,
    items: Signal<Vec<Completion>>,
    cards: Cards,
    /// The list the group pages through, when it is the whole of one.
    more: Option<Paged<Completion>>,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    view! {
        <Show when=move || items.with(|items| !items.is_empty())>
            <section class="upcoming-group" aria-labelledby=heading_id.clone()>
                <h2 id=heading_id.clone()>{heading}</h2>
                <ul class="cards">
                    <For each=move || items.get() key=Completion::clone let:completion>
                        <SessionCard completion cards/>
                    </For>
                </ul>
                {more.map(|paged| view! { <PageFooter paged/> })}
            </section>
        </Show>
    }
}

#[component]
fn SessionCard(completion: Completion, cards: Cards) -> impl IntoView {
    let Cards {
        completing,
        cancelling,
        owner,
    } = cards;
    let tz = completion.timezone.clone();
    let clock = use_clock();
    let (start, end) = (completion.scheduled_start, completion.scheduled_end);
    // Memos, so that the card changes when these do, not at every tick.
    let overdue = Memo::new(move |_| end < clock.now());
    // The server refuses to record a sitting that has not begun.
    let started = Memo::new(move |_| start <= clock.now());
    let user_name = completion.user_name.clone();
    let heading_id = format!("session-{}", completion.id);
    let labelled_by = heading_id.clone();
    let (complete, cancel) = (completion.clone(), completion.clone());
    view! {
        <li class="card session-card" class:is-overdue=overdue aria-labelledby=labelled_by>
            <div class="card-head">
                <h3 id=heading_id><a href=format!("/sessions/{}", completion.id)>{completion.title.clone()}</a></h3>
                {completion.batch_code.clone().map(|code| view! { <span class="code">{code}</span> })}
                {move || overdue.get().then(|| view! { <span class="badge overdue">"Overdue"</span> })}
            </div>
            <p class="when">
                <span>{format::date(completion.scheduled_start, &tz)}</span>
                <span>{format::span(completion.scheduled_start, completion.scheduled_end, &tz)}</span>
                <span class="muted">{format::zone(completion.scheduled_start, &tz)}</span>
            </p>
            {move || overdue.get().then(|| view! { <p class="lateness">{move || format::late_by(end, clock.now())}</p> })}
            {move || owner.get().then(|| view! { <p class="owner">{user_name.clone()}</p> })}
            {completion.location.map(|place| view! { <p class="muted">{place}</p> })}
            <div class="actions">
                {move || if started.get() {
                    let complete = complete.clone();
                    view! {
                        <button class="primary" on:click=move |_| completing.set(Some(complete.clone()))>"Complete"</button>
                    }
                    .into_any()
                } else {
                    view! { <span class="muted starts">"Can be completed once it starts"</span> }.into_any()
                }}
                <button class="secondary" on:click=move |_| cancelling.set(Some(cancel.clone()))>"Cancel"</button>
            </div>
        </li>
    }
}

/// Records an admin returned for correction, each with why.
#[component]
fn Returned() -> impl IntoView {
    let me = use_session().user().map(|user| user.id).unwrap_or_default();
    let paged = Paged::<Completion>::new(move || {
        let filter = CompletionFilter {
            review: Some(Review::Returned),
            // Only their own: a colleague's record they covered is the
            // colleague's to correct.
            user_id: Some(me),
            ..CompletionFilter::default()
        };
        api::sessions::list(&filter, 50)
    });
    move || {
        let items = paged.items.get();
        (!items.is_empty()).then(|| view! {
            <section class="returned-list" aria-labelledby="returned-heading">
                <h2 id="returned-heading">"Returned for correction"</h2>
                <ul class="cards">
                    {items.into_iter().map(|c| {
                        let tz = c.timezone.clone();
                        view! {
                            <li class="card session-card returned">
                                <div class="card-head">
                                    <h3>{c.title.clone()}</h3>
                                    <span class="badge returned">"Returned"</span>
                                </div>
                                <p class="when">
                                    <span>{format::date(c.scheduled_start, &tz)}</span>
                                    <span>{format::span(c.scheduled_start, c.scheduled_end, &tz)}</span>
                                </p>
                                <p class="return-reason">{c.return_reason.clone().unwrap_or_default()}</p>
                                <div class="actions">
                                    <a class="button-link primary" href=format!("/sessions/{}", c.id)>"Correct and resubmit"</a>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
