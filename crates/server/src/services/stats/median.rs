//! The median lateness of completed sessions, per group. Lateness is a
//! small whole number of minutes that most sessions share with many
//! others, so the database counts each group's sessions per minute of
//! lateness (a `GROUP BY` its indexes feed) and the median is read off
//! those few counts here, instead of ranking every row in a window query.

use std::collections::HashMap;

use lectern_api_types::schedule::CompletionStatus;
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{ColumnTrait as _, Condition, ConnectionTrait};

use crate::entities::completion;
use crate::services::ServiceResult;

/// The median of `late_minutes` over the completed sessions `condition`
/// selects, for each value of `group` (one group, keyed 0, without one).
pub async fn late_minutes<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    group: Option<Expr>,
) -> ServiceResult<HashMap<Option<i64>, f64>> {
    // The lateness of completed sessions, null for the others: counted
    // under the very condition of the other figures, so the query reads
    // the same index range as theirs.
    let late = Expr::case(
        completion::Column::Status.eq(CompletionStatus::Completed),
        Expr::col((completion::Entity, completion::Column::LateMinutes)),
    );
    let histogram = Query::select()
        .expr_as(group.unwrap_or_else(|| Expr::val(0_i64)), Alias::new("g"))
        .expr_as(late, Alias::new("late"))
        .expr_as(Func::count(Expr::val(1)), Alias::new("n"))
        .from(completion::Entity)
        .cond_where(condition)
        .group_by_col(Alias::new("g"))
        .group_by_col(Alias::new("late"))
        .take();
    let mut counts: HashMap<Option<i64>, Vec<(i32, i64)>> = HashMap::new();
    for row in db.query_all(&histogram).await? {
        let group: Option<i64> = row.try_get("", "g")?;
        let late: Option<i32> = row.try_get("", "late")?;
        let n: i64 = row.try_get("", "n")?;
        if let Some(late) = late {
            counts.entry(group).or_default().push((late, n));
        }
    }
    Ok(counts
        .into_iter()
        .filter_map(|(group, mut histogram)| Some((group, median(&mut histogram)?)))
        .collect())
}

/// The median of the values that `histogram` counts (value, how many):
/// the middle one of an odd count, the mean of the middle two of an even
/// count; `None` when it counts nothing.
pub fn median(histogram: &mut [(i32, i64)]) -> Option<f64> {
    histogram.sort_unstable_by_key(|&(value, _)| value);
    let total: i64 = histogram.iter().map(|&(_, n)| n).sum();
    if total <= 0 {
        return None;
    }
    // The zero-based positions of the middle value(s) in sorted order.
    let (low, high) = ((total - 1) / 2, total / 2);
    let mut seen = 0;
    let mut lower = None;
    for &(value, n) in histogram.iter() {
        seen += n;
        if lower.is_none() && seen > low {
            lower = Some(value);
        }
        if seen > high {
            let lower = lower.unwrap_or(value);
            return Some((f64::from(lower) + f64::from(value)) / 2.0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::median;

    /// The median of the listed values, sorted the slow way.
    fn of_values(values: &[i32]) -> Option<f64> {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        Some((f64::from(sorted[(n - 1) / 2]) + f64::from(sorted[n / 2])) / 2.0)
    }

    fn histogram_of(values: &[i32]) -> Vec<(i32, i64)> {
        let mut counts = std::collections::BTreeMap::new();
        for &value in values {
            *counts.entry(value).or_insert(0) += 1;
        }
        // Unsorted on purpose: the database returns groups in any order.
        counts.into_iter().rev().collect()
    }

    #[test]
    fn nothing_counted_has_no_median() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [(4, 0)]), None);
    }

    #[test]
    fn odd_counts_take_the_middle_and_even_counts_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut histogram_of(&[7])), Some(7.0));
        assert_eq!(median(&mut histogram_of(&[0, 3, 20])), Some(3.0));
        assert_eq!(median(&mut histogram_of(&[0, 3, 4, 20])), Some(3.5));
        // The middle two fall in different buckets of a repeated value.
        assert_eq!(median(&mut histogram_of(&[1, 1, 1, 9, 9, 9])), Some(5.0));
        assert_eq!(median(&mut histogram_of(&[2, 2, 2, 2, 30])), Some(2.0));
    }

    #[test]
    fn agrees_with_sorting_every_value() {
        // A deterministic spread of lateness, prefix by prefix.
        let values: Vec<i32> = (0..200).map(|i| (i * 37 % 61) / (1 + i % 4)).collect();
        for len in 0..values.len() {
            let prefix = &values[..len];
            assert_eq!(
                median(&mut histogram_of(prefix)),
                of_values(prefix),
                "{prefix:?}"
            );
        }
    }
}
