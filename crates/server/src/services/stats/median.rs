//! The median lateness of completed sessions, per group, in plain SQL the
//! three databases share: number each group's rows in order of lateness
//! and keep the middle one (odd count) or two (even count).

use std::collections::HashMap;

use lectern_api_types::schedule::CompletionStatus;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ColumnTrait as _, Condition, ConnectionTrait};

use crate::entities::completion;
use crate::services::ServiceResult;
use crate::services::sql::custom;

/// The median of `late_minutes` over the completed sessions `condition`
/// selects, for each value of `group` (one group, keyed 0, without one).
pub async fn late_minutes<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    group: Option<Expr>,
) -> ServiceResult<HashMap<Option<i64>, f64>> {
    let late = Expr::col((completion::Entity, completion::Column::LateMinutes));
    let backend = db.get_database_backend();
    let (rank, count) = match &group {
        Some(group) => (
            custom(
                backend,
                "ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {})",
                vec![group.clone(), late.clone()],
            ),
            custom(
                backend,
                "COUNT(*) OVER (PARTITION BY {})",
                vec![group.clone()],
            ),
        ),
        None => (
            custom(
                backend,
                "ROW_NUMBER() OVER (ORDER BY {})",
                vec![late.clone()],
            ),
            Expr::cust("COUNT(*) OVER ()"),
        ),
    };
    let ranked = Query::select()
        .expr_as(group.unwrap_or_else(|| Expr::val(0_i64)), Alias::new("g"))
        .expr_as(late, Alias::new("late"))
        .expr_as(rank, Alias::new("rn"))
        .expr_as(count, Alias::new("n"))
        .from(completion::Entity)
        .cond_where(
            condition
                .add(completion::Column::Status.eq(CompletionStatus::Completed))
                .add(completion::Column::LateMinutes.is_not_null()),
        )
        .take();
    let middle = Query::select()
        .column(Alias::new("g"))
        .column(Alias::new("late"))
        .from_subquery(ranked, Alias::new("ranked"))
        .and_where(Expr::cust("2 * rn >= n AND 2 * rn <= n + 2"))
        .take();
    let rows = db.query_all(&middle).await?;
    let mut middles: HashMap<Option<i64>, (i64, u32)> = HashMap::new();
    for row in rows {
        let group: Option<i64> = row.try_get("", "g")?;
        let late: i32 = row.try_get("", "late")?;
        let entry = middles.entry(group).or_default();
        entry.0 += i64::from(late);
        entry.1 += 1;
    }
    Ok(middles
        .into_iter()
        .map(|(group, (sum, n))| (group, sum as f64 / f64::from(n)))
        .collect())
}
