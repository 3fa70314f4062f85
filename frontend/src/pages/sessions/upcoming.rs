//! What is waiting on the signed-in person: records returned for
//! correction first, then the sittings still to hold, soonest first.

use lectern_api_types::sessions::{Completion, Occurrence};
use leptos::prelude::*;

use super::{CancelDialog, CompleteDialog};
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::format;
use crate::session::use_session;

#[component]
pub fn Upcoming() -> impl IntoView {
    let paged = Paged::<Occurrence>::new(|| "/occurrences?status=pending&limit=50".into());
    let completing = RwSignal::new(None::<Occurrence>);
    let cancelling = RwSignal::new(None::<Occurrence>);
    view! {
        <Returned/>
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="your sessions"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => {
                    view! { <ErrorNote error=error retry=Callback::new(move |()| paged.reload())/> }.into_any()
                }
                _ if items.is_empty() => view! {
                    <Empty title="Nothing to record" hint="Sessions of your batches appear here when they are scheduled."/>
                }
                .into_any(),
                _ => view! {
                    <ul class="cards">
                        {items
                            .into_iter()
                            .map(|occurrence| view! { <SessionCard occurrence completing cancelling/> })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            }
        }}
        <PageFooter paged/>
        {move || completing.get().map(|occurrence| view! {
            <CompleteDialog
                completion_id=occurrence.completion_id
                timezone=occurrence.timezone.clone()
                scheduled_start=occurrence.scheduled_start
                scheduled_end=occurrence.scheduled_end
                title=format!("Complete {}", occurrence.batch_name)
                on_close=Callback::new(move |()| completing.set(None))
            />
        })}
        {move || cancelling.get().map(|occurrence| view! {
            <CancelDialog
                completion_id=occurrence.completion_id
                title=format!("Cancel {}", occurrence.batch_name)
                on_close=Callback::new(move |()| cancelling.set(None))
            />
        })}
    }
}

#[component]
fn SessionCard(
    occurrence: Occurrence,
    completing: RwSignal<Option<Occurrence>>,
    cancelling: RwSignal<Option<Occurrence>>,
) -> impl IntoView {
    let tz = occurrence.timezone.clone();
    let overdue = occurrence.scheduled_end < format::now();
    let heading_id = format!("session-{}", occurrence.completion_id);
    let labelled_by = heading_id.clone();
    let (complete, cancel) = (occurrence.clone(), occurrence.clone());
    view! {
        <li class="card session-card" aria-labelledby=labelled_by>
            <div class="card-head">
                <h2 id=heading_id>{occurrence.batch_name.clone()}</h2>
                <span class="code">{occurrence.batch_code.clone()}</span>
                {overdue.then(|| view! { <span class="badge overdue">"Overdue"</span> })}
            </div>
            <p class="when">
                <span>{format::date(occurrence.scheduled_start, &tz)}</span>
                <span>{format::span(occurrence.scheduled_start, occurrence.scheduled_end, &tz)}</span>
                <span class="muted">{format::zone(occurrence.scheduled_start, &tz)}</span>
            </p>
            {occurrence.location.map(|place| view! { <p class="muted">{place}</p> })}
            <div class="actions">
                <button class="primary" on:click=move |_| completing.set(Some(complete.clone()))>"Complete"</button>
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
        format!("/completions?review=returned&user_id={me}&limit=50")
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
