//! The dashboard's figures.

use lectern_api_types::stats::{Breakdown, GroupBy, StatsFilter, Summary};

use super::Fetch;
use super::route::routes;

routes! {
    SUMMARY = Get "/stats/summary";
    BREAKDOWN = Get "/stats/breakdown";
}

pub fn summary(filter: &StatsFilter) -> Fetch<Summary> {
    SUMMARY.at(&[]).query(filter).get()
}

pub fn breakdown(filter: &StatsFilter, group_by: GroupBy) -> Fetch<Breakdown> {
    BREAKDOWN
        .at(&[])
        .query(filter)
        .query(&lectern_api_types::stats::BreakdownQuery { group_by })
        .get()
}
