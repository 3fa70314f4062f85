//! The dashboard's period: whole days from one date to another, picked from
//! a few presets or typed, and the period before it that the figures
//! compare with: the previous calendar month for a whole month, else as
//! many days ending the day before.

use chrono::{Datelike as _, Days, Months, NaiveDate};

use crate::format;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    /// Inclusive, as the API reads `to`.
    pub to: NaiveDate,
}

/// The periods offered before a custom one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    ThisMonth,
    LastMonth,
    ThisWeek,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::ThisMonth, Preset::LastMonth, Preset::ThisWeek];

    pub fn key(self) -> &'static str {
        match self {
            Preset::ThisMonth => "this-month",
            Preset::LastMonth => "last-month",
            Preset::ThisWeek => "this-week",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::ThisMonth => "This month",
            Preset::LastMonth => "Last month",
            Preset::ThisWeek => "This week",
        }
    }

    /// The preset as it stands on `today`.
    pub fn period(self, today: NaiveDate) -> Period {
        match self {
            Preset::ThisMonth => month_of(today),
            Preset::LastMonth => month_of(first_of_month(today) - Days::new(1)),
            Preset::ThisWeek => {
                let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
                Period {
                    from: monday,
                    to: monday + Days::new(6),
                }
            }
        }
    }
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn month_of(day: NaiveDate) -> Period {
    let from = first_of_month(day);
    let to = from
        .checked_add_months(Months::new(1))
        .map_or(from, |next| next - Days::new(1));
    Period { from, to }
}

impl Period {
    /// The period in `from`/`to` of a query, when both are dates in order;
    /// else this month.
    pub fn from_query(from: Option<String>, to: Option<String>, today: NaiveDate) -> Self {
        let date = |text: Option<String>| {
            text.and_then(|text| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok())
        };
        match (date(from), date(to)) {
            (Some(from), Some(to)) if from <= to => Period { from, to },
            _ => Preset::ThisMonth.period(today),
        }
    }

    /// Which preset this is on `today`, if any.
    pub fn preset(self, today: NaiveDate) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.period(today) == self)
    }

    pub fn days(self) -> u64 {
        (self.to - self.from).num_days().unsigned_abs() + 1
    }

    /// The month before a whole calendar month (February before March,
    /// whatever their lengths); otherwise the period of as many days that
    /// ends the day before this one starts.
    pub fn previous(self) -> Self {
        let to = self.from - Days::new(1);
        if self == month_of(self.from) {
            return month_of(to);
        }
        Period {
            from: to - Days::new(self.days() - 1),
            to,
        }
    }

    /// `1 Mar – 31 Mar 2026`.
    pub fn label(self) -> String {
        if self.from == self.to {
            format::day_month_year(self.from)
        } else if self.from.year() == self.to.year() {
            format!(
                "{} – {}",
                format::day_month(self.from),
                format::day_month_year(self.to)
            )
        } else {
            format!(
                "{} – {}",
                format::day_month_year(self.from),
                format::day_month_year(self.to)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn presets_cover_whole_months_and_weeks() {
        let today = day("2026-03-18");
        let period = |preset: Preset| preset.period(today);
        assert_eq!(
            period(Preset::ThisMonth),
            Period {
                from: day("2026-03-01"),
                to: day("2026-03-31")
            }
        );
        assert_eq!(
            period(Preset::LastMonth),
            Period {
                from: day("2026-02-01"),
                to: day("2026-02-28")
            }
        );
        assert_eq!(
            period(Preset::ThisWeek),
            Period {
                from: day("2026-03-16"),
                to: day("2026-03-22")
            }
        );
    }

    #[test]
    fn the_previous_period_is_the_month_before_or_as_many_days() {
        let march = Period {
            from: day("2026-03-01"),
            to: day("2026-03-31"),
        };
        assert_eq!(
            march.previous(),
            Period {
                from: day("2026-02-01"),
                to: day("2026-02-28")
            }
        );
        let ten_days = Period {
            from: day("2026-03-05"),
            to: day("2026-03-14"),
        };
        assert_eq!(
            ten_days.previous(),
            Period {
                from: day("2026-02-23"),
                to: day("2026-03-04")
            }
        );
    }

    #[test]
    fn a_query_out_of_order_falls_back_to_this_month() {
        let today = day("2026-03-18");
        let period =
            Period::from_query(Some("2026-03-10".into()), Some("2026-03-01".into()), today);
        assert_eq!(period, Preset::ThisMonth.period(today));
    }
}
