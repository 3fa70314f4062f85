//! The dashboard's figures: how many sessions were held, on time and how
//! late, each beside the period before, and what is still owed. Every
//! number links to the session list showing what it counts.

use lectern_api_types::schedule::{CompletionStatus, Review};
use lectern_api_types::sessions::{CompletionFilter, SessionSort};
use lectern_api_types::stats::Summary;
use leptos::prelude::*;

use super::Scope;
use crate::api::{self, ApiError};
use crate::components::loaded;
use crate::session::use_session;
use crate::use_changes;
use crate::{filters, format};

/// The summary of `scope`, reloaded after every change.
fn summary(scope: impl Fn() -> Scope + 'static) -> LocalResource<Result<Summary, ApiError>> {
    let session = use_session();
    let changes = use_changes();
    LocalResource::new(move || {
        changes.track();
        let summary = api::stats::summary(&scope().stats());
        async move { summary.fetch(session).await }
    })
}

/// One figure: what it is, how to show it from a summary, and which
/// sessions it counts.
#[derive(Clone, Copy)]
struct Figure {
    id: &'static str,
    name: &'static str,
    value: fn(&Summary) -> String,
    counts: fn(CompletionFilter) -> CompletionFilter,
    /// A smaller number under the figure, with what it counts.
    detail: Option<Detail>,
}

#[derive(Clone, Copy)]
struct Detail {
    value: fn(&Summary) -> String,
    words: &'static str,
    counts: fn(CompletionFilter) -> CompletionFilter,
}

const FIGURES: [Figure; 6] = [
    Figure {
        id: "completion-rate",
        name: "Completion rate",
        value: |s| format::percent(completion_rate(s)),
        counts: completed,
        detail: Some(Detail {
            value: |s| s.completed.to_string(),
            words: " completed of the sessions that have ended",
            counts: completed,
        }),
    },
    Figure {
        id: "on-time-rate",
        name: "On time",
        value: |s| format::percent(s.on_time_rate),
        counts: |f| CompletionFilter {
            late: Some(false),
            ..f
        },
        detail: Some(Detail {
            value: |s| late_count(s).to_string(),
            words: " started more than five minutes late",
            counts: |f| CompletionFilter {
                late: Some(true),
                ..f
            },
        }),
    },
    Figure {
        id: "median-lateness",
        name: "Median lateness",
        value: |s| minutes(s.median_late_minutes),
        counts: completed,
        detail: None,
    },
    Figure {
        id: "overdue",
        name: "Overdue",
        value: |s| s.overdue.to_string(),
        counts: |f| CompletionFilter {
            overdue: Some(true),
            sort: Some(SessionSort::ScheduledStart),
            ..f
        },
        detail: None,
    },
    Figure {
        id: "awaiting-review",
        name: "Awaiting review",
        value: |s| s.unreviewed.to_string(),
        counts: |f| CompletionFilter {
            review: Some(Review::Unreviewed),
            sort: Some(SessionSort::CompletedAt),
            ..f
        },
        detail: None,
    },
    Figure {
        id: "cancelled",
        name: "Cancelled",
        value: |s| s.cancelled.to_string(),
        counts: |f| CompletionFilter {
            status: Some(CompletionStatus::Cancelled),
            ..f
        },
        detail: None,
    },
];

fn completed(filter: CompletionFilter) -> CompletionFilter {
    CompletionFilter {
        status: Some(CompletionStatus::Completed),
        ..filter
    }
}

/// Completed of the sessions that have ended: upcoming ones are not yet due.
fn completion_rate(summary: &Summary) -> Option<f64> {
    let ended = summary.scheduled - summary.upcoming;
    (ended > 0).then(|| summary.completed as f64 / ended as f64)
}

fn late_count(summary: &Summary) -> i64 {
    summary.on_time_rate.map_or(0, |rate| {
        (summary.completed as f64 * (1.0 - rate)).round() as i64
    })
}

fn minutes(value: Option<f64>) -> String {
    match value {
        None => "—".into(),
        Some(value) if value.fract() == 0.0 => format!("{value:.0} min"),
        Some(value) => format!("{value:.1} min"),
    }
}

#[component]
pub fn Figures(scope: Memo<Scope>) -> impl IntoView {
    let current = summary(move || scope.get());
    let previous = summary(move || scope.get().previous());
    view! {
        <section aria-labelledby="figures-heading">
            <h2 id="figures-heading" class="visually-hidden">"Figures"</h2>
            {loaded(current, "figures", move |now: Summary| {
                let before = previous.get().and_then(Result::ok);
                let scope = scope.get();
                view! {
                    <ul class="figures">
                        {FIGURES
                            .into_iter()
                            .map(|figure| view! { <FigureCard figure scope now=now.clone() before=before.clone()/> })
                            .collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}

#[component]
fn FigureCard(
    figure: Figure,
    scope: Scope,
    now: Summary,
    before: Option<Summary>,
) -> impl IntoView {
    let heading = format!("figure-{}-name", figure.id);
    let href = |scope: Scope| filters::list_href(&(figure.counts)(scope.sessions()));
    let previous = scope.previous();
    view! {
        <li class="card dashboard-figure" id=format!("figure-{}", figure.id)>
            <h3 id=heading.clone() class="figure-name">{figure.name}</h3>
            <a class="figure-value" href=href(scope) aria-describedby=heading.clone()>{(figure.value)(&now)}</a>
            {figure.detail.map(|detail| view! {
                <p class="figure-detail">
                    <a href=filters::list_href(&(detail.counts)(scope.sessions()))>{(detail.value)(&now)}</a>
                    {detail.words}
                </p>
            })}
            <p class="figure-previous muted">
                {format!("Previous period, {}: ", previous.period.label())}
                {match before {
                    Some(before) => view! {
                        <a class="figure-before" href=href(previous) aria-describedby=heading>{(figure.value)(&before)}</a>
                    }
                    .into_any(),
                    None => view! { <span>"—"</span> }.into_any(),
                }}
            </p>
        </li>
    }
}
