//! The dashboard: how a period went, for admins over their scope and for
//! staff over their own sessions ("My month"). Its period and branch live
//! in the URL, so a view can be bookmarked, and every number links to the
//! session list showing what it counts.

mod breakdown;
mod figures;
mod owed;
mod period;
mod picker;
mod weeks;

use lectern_api_types::sessions::CompletionFilter;
use lectern_api_types::stats::StatsFilter;
use lectern_api_types::time::DateOrInstant;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use self::breakdown::{BreakdownTable, Grouping};
use self::figures::Figures;
use self::owed::{OverdueList, ReviewList};
use self::period::Period;
use self::picker::Picker;
use self::weeks::WeekChart;
use crate::components::export::ExportButtons;
use crate::session::use_session;
use crate::{filters, format};

/// What the dashboard shows: a period, within a branch when one is picked,
/// of one person's sessions when the viewer is staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub period: Period,
    pub branch_id: Option<i64>,
    /// Staff see their own sessions; the id goes into links so the session
    /// list says so too. The server scopes the figures either way.
    pub user_id: Option<i64>,
}

impl Scope {
    /// The session-list filter of everything in the scope.
    pub fn sessions(self) -> CompletionFilter {
        CompletionFilter {
            from: Some(DateOrInstant::Date(self.period.from)),
            to: Some(DateOrInstant::Date(self.period.to)),
            branch_id: self.branch_id,
            user_id: self.user_id,
            ..CompletionFilter::default()
        }
    }

    /// The session-list filter of the scope's branch and person, whatever
    /// the date: what is owed stays owed when the period moves on.
    pub fn any_date(self) -> CompletionFilter {
        CompletionFilter {
            from: None,
            to: None,
            ..self.sessions()
        }
    }

    /// The same scope over the period before.
    pub fn previous(self) -> Self {
        Scope {
            period: self.period.previous(),
            ..self
        }
    }

    /// The filter of the `/stats` routes; the server keeps faculty to
    /// their own figures.
    pub fn stats(self) -> StatsFilter {
        StatsFilter {
            from: Some(DateOrInstant::Date(self.period.from)),
            to: Some(DateOrInstant::Date(self.period.to)),
            branch_id: self.branch_id,
            ..StatsFilter::default()
        }
    }

    /// This page's own URL for `period` and `branch_id`.
    pub fn href(period: Period, branch_id: Option<i64>) -> String {
        let mut pairs = vec![
            ("from", period.from.to_string()),
            ("to", period.to.to_string()),
        ];
        if let Some(branch) = branch_id {
            pairs.push(("branch_id", branch.to_string()));
        }
        format!("/dashboard{}", filters::encode(&pairs))
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let query = use_query_map();
    let me = use_session().user();
    let admin = me.as_ref().is_some_and(|me| me.role.is_admin());
    let super_admin = admin && me.as_ref().is_some_and(|me| me.branch_id.is_none());
    let own = (!admin).then(|| me.as_ref().map(|me| me.id)).flatten();
    let today = format::today();
    let scope = Memo::new(move |_| {
        query.with(|query| Scope {
            period: Period::from_query(query.get("from"), query.get("to"), today),
            // Only a super admin picks a branch; others have theirs.
            branch_id: query
                .get("branch_id")
                .and_then(|id| id.trim().parse().ok())
                .filter(|_| super_admin),
            user_id: own,
        })
    });
    let title = if admin { "Dashboard" } else { "My month" };
    view! {
        <div class="title-row">
            <h1>{title}</h1>
            <ExportButtons filter=Signal::derive(move || scope.get().sessions())/>
        </div>
        <p class="muted period-label">{move || scope.get().period.label()}</p>
        <Picker scope today super_admin/>
        <Figures scope/>
        <div class="dashboard-lists">
            <OverdueList scope/>
            <ReviewList scope/>
        </div>
        <WeekChart scope/>
        {admin.then(|| view! { <BreakdownTable scope grouping=Grouping::Faculty/> })}
        <BreakdownTable scope grouping=Grouping::Batch/>
    }
}
