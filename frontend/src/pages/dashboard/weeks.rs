//! The period week by week: completed, cancelled and overdue sessions as
//! stacked bars.

use chrono::NaiveDate;
use lectern_api_types::stats::{Breakdown, BreakdownItem, GroupBy};
use leptos::prelude::*;

use super::Scope;
use crate::api;
use crate::components::Empty;
use crate::components::chart::{Bar, Series, StackedBars};
use crate::components::loaded;
use crate::session::use_session;
use crate::{format, use_changes};

const SERIES: [Series; 3] = [
    Series {
        name: "Completed",
        class: "bar-completed",
    },
    Series {
        name: "Cancelled",
        class: "bar-cancelled",
    },
    Series {
        name: "Overdue",
        class: "bar-overdue",
    },
];

#[component]
pub fn WeekChart(scope: Memo<Scope>) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let weeks = LocalResource::new(move || {
        changes.track();
        let weeks = api::stats::breakdown(&scope.get().stats(), GroupBy::Week);
        async move { weeks.fetch(session).await }
    });
    view! {
        <section class="card week-section" aria-labelledby="weeks-heading">
            <h2 id="weeks-heading">"Week by week"</h2>
            {loaded(weeks, "the weeks", move |weeks: Breakdown| {
                if weeks.items.iter().all(|week| week.summary.scheduled == 0) {
                    return view! { <Empty title="No sessions in this period" hint="Pick another period."/> }.into_any();
                }
                let summary = summary(&weeks.items, scope.get_untracked());
                let bars = weeks.items.into_iter().map(bar).collect();
                view! {
                    <StackedBars class="week-chart" summary series=SERIES.to_vec() bars/>
                }
                .into_any()
            })}
        </section>
    }
}

fn bar(week: BreakdownItem) -> Bar {
    let monday = NaiveDate::parse_from_str(&week.key, "%Y-%m-%d").ok();
    let s = &week.summary;
    Bar {
        label: monday.map_or_else(|| week.label.clone(), format::day_month),
        title: monday.map_or_else(
            || week.label.clone(),
            |monday| format!("Week of {}", format::day_month_year(monday)),
        ),
        values: vec![s.completed, s.cancelled, s.overdue],
    }
}

/// The chart in a sentence, for screen readers.
fn summary(weeks: &[BreakdownItem], scope: Scope) -> String {
    let total = |count: fn(&BreakdownItem) -> i64| weeks.iter().map(count).sum::<i64>();
    format!(
        "Sessions per week, {}: {} completed, {} cancelled and {} overdue over {}.",
        scope.period.label(),
        total(|w| w.summary.completed),
        total(|w| w.summary.cancelled),
        total(|w| w.summary.overdue),
        match weeks.len() {
            1 => "one week".to_owned(),
            n => format!("{n} weeks"),
        }
    )
}
