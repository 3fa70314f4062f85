//! The period's counts per person or per batch, each count a link to the
//! sessions it counts.

use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::sessions::CompletionFilter;
use lectern_api_types::stats::{Breakdown, BreakdownItem, GroupBy, Summary};
use leptos::prelude::*;

use super::Scope;
use crate::api;
use crate::components::Empty;
use crate::components::loaded;
use crate::session::use_session;
use crate::{filters, format, use_changes};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    Faculty,
    Batch,
}

impl Grouping {
    fn group_by(self) -> GroupBy {
        match self {
            Grouping::Faculty => GroupBy::Faculty,
            Grouping::Batch => GroupBy::Batch,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Grouping::Faculty => "breakdown-faculty",
            Grouping::Batch => "breakdown-batch",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Grouping::Faculty => "By staff member",
            Grouping::Batch => "By batch",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Grouping::Faculty => "Staff member",
            Grouping::Batch => "Batch",
        }
    }

    /// The filter of one group's sessions; `None` for a group the list
    /// cannot be filtered to (sessions outside any batch).
    fn narrow(self, key: &str, filter: CompletionFilter) -> Option<CompletionFilter> {
        let id = key.parse::<i64>().ok()?;
        Some(match self {
            Grouping::Faculty => CompletionFilter {
                user_id: Some(id),
                ..filter
            },
            Grouping::Batch => CompletionFilter {
                batch_id: Some(id),
                ..filter
            },
        })
    }
}

/// The columns after the group's name: heading, value, and the sessions it
/// counts.
type Column = (
    &'static str,
    fn(&Summary) -> String,
    fn(CompletionFilter) -> CompletionFilter,
);

const COLUMNS: [Column; 5] = [
    ("Scheduled", |s| s.scheduled.to_string(), |f| f),
    (
        "Completed",
        |s| s.completed.to_string(),
        |f| CompletionFilter {
            status: Some(CompletionStatus::Completed),
            ..f
        },
    ),
    (
        "Cancelled",
        |s| s.cancelled.to_string(),
        |f| CompletionFilter {
            status: Some(CompletionStatus::Cancelled),
            ..f
        },
    ),
    (
        "Overdue",
        |s| s.overdue.to_string(),
        |f| CompletionFilter {
            overdue: Some(true),
            ..f
        },
    ),
    (
        "On time",
        |s| format::percent(s.on_time_rate),
        |f| CompletionFilter {
            late: Some(false),
            ..f
        },
    ),
];

#[component]
pub fn BreakdownTable(scope: Memo<Scope>, grouping: Grouping) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let breakdown = LocalResource::new(move || {
        changes.track();
        let breakdown = api::stats::breakdown(&scope.get().stats(), grouping.group_by());
        async move { breakdown.fetch(session).await }
    });
    let labelled = format!("{}-heading", grouping.id());
    let heading = labelled.clone();
    view! {
        <section class="breakdown" id=grouping.id() aria-labelledby=labelled>
            <h2 id=heading>{grouping.title()}</h2>
            {loaded(breakdown, "the breakdown", move |breakdown: Breakdown| {
                if breakdown.items.is_empty() {
                    return view! { <Empty title="No sessions in this period" hint="Pick another period."/> }.into_any();
                }
                let base = scope.get().sessions();
                view! {
                    <table class="table responsive">
                        <caption class="visually-hidden">{format!("Sessions {}", grouping.title().to_lowercase())}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{grouping.column()}</th>
                                {COLUMNS.iter().map(|(name, _, _)| view! { <th scope="col" class="number">{*name}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {breakdown
                                .items
                                .into_iter()
                                .map(|item| view! { <Row item grouping base=base.clone()/> })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn Row(item: BreakdownItem, grouping: Grouping, base: CompletionFilter) -> impl IntoView {
    let group = grouping.narrow(&item.key, base);
    view! {
        <tr>
            <th scope="row">{item.label.clone()}</th>
            {COLUMNS
                .iter()
                .map(|(name, value, counts)| {
                    let value = value(&item.summary);
                    let cell = match &group {
                        Some(group) => view! {
                            <a href=filters::list_href(&counts(group.clone()))>{value}</a>
                        }
                        .into_any(),
                        None => view! { <span>{value}</span> }.into_any(),
                    };
                    view! { <td class="number" data-label=*name>{cell}</td> }
                })
                .collect_view()}
        </tr>
    }
}
