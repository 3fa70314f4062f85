//! The weeks and months a breakdown groups by: boundaries as instants in
//! the branch's timezone, so a session at 23:30 local on a Sunday counts in
//! its own week whatever UTC says.

use chrono::{DateTime, Datelike as _, Duration, Months, NaiveDate, NaiveTime, Utc};
use lectern_api_types::stats::GroupBy;

use crate::domain::BranchTimezone;
use crate::domain::schedule::local_instant;

/// Two years of weeks or ten of months: a chart wider than that says nothing.
pub const MAX_PERIODS: usize = 120;

/// One week or month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub first_day: NaiveDate,
    pub start: DateTime<Utc>,
}

impl Period {
    /// How the session list is filtered to this period: its first day.
    pub fn key(&self, group_by: GroupBy) -> String {
        match group_by {
            GroupBy::Month => self.first_day.format("%Y-%m").to_string(),
            _ => self.first_day.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn label(&self, group_by: GroupBy) -> String {
        match group_by {
            GroupBy::Month => self.first_day.format("%B %Y").to_string(),
            _ => self.first_day.format("Week of %-d %b %Y").to_string(),
        }
    }
}

/// The periods that cover `first..=last`, in order; `None` when there are
/// more than [`MAX_PERIODS`].
pub fn covering(
    group_by: GroupBy,
    timezone: Option<BranchTimezone>,
    first: NaiveDate,
    last: NaiveDate,
) -> Option<Vec<Period>> {
    let mut day = match group_by {
        GroupBy::Month => first.with_day(1)?,
        _ => first - Duration::days(i64::from(first.weekday().num_days_from_monday())),
    };
    let mut periods = Vec::new();
    while day <= last {
        if periods.len() == MAX_PERIODS {
            return None;
        }
        periods.push(Period {
            first_day: day,
            start: midnight(timezone, day),
        });
        day = match group_by {
            GroupBy::Month => day.checked_add_months(Months::new(1))?,
            _ => day + Duration::days(7),
        };
    }
    Some(periods)
}

fn midnight(timezone: Option<BranchTimezone>, day: NaiveDate) -> DateTime<Utc> {
    match timezone {
        Some(tz) => local_instant(tz, day, NaiveTime::MIN),
        None => day.and_time(NaiveTime::MIN).and_utc(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_the_monday_on_or_before_the_first_day() {
        let weeks = covering(GroupBy::Week, None, date("2026-03-04"), date("2026-03-16")).unwrap();
        let keys: Vec<String> = weeks.iter().map(|w| w.key(GroupBy::Week)).collect();
        assert_eq!(keys, ["2026-03-02", "2026-03-09", "2026-03-16"]);
        assert_eq!(weeks[0].label(GroupBy::Week), "Week of 2 Mar 2026");
    }

    #[test]
    fn months_begin_in_the_branch_timezone() {
        let kolkata = BranchTimezone::parse("Asia/Kolkata");
        let months = covering(
            GroupBy::Month,
            kolkata,
            date("2026-01-31"),
            date("2026-03-01"),
        )
        .unwrap();
        let keys: Vec<String> = months.iter().map(|m| m.key(GroupBy::Month)).collect();
        assert_eq!(keys, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(months[1].label(GroupBy::Month), "February 2026");
        assert_eq!(months[1].start.to_rfc3339(), "2026-01-31T18:30:00+00:00");
    }

    #[test]
    fn too_many_periods_are_refused() {
        assert!(covering(GroupBy::Week, None, date("2020-01-01"), date("2026-01-01")).is_none());
        assert!(covering(GroupBy::Month, None, date("2020-01-01"), date("2026-01-01")).is_some());
    }
}
