//! Where a session list resumes: the sort key of the last session served
//! and its id, so every order pages by an index range scan.
//!
//! The cursor names its key: `<unix seconds>.<id>` of the scheduled start,
//! or `c<unix seconds>.<id>` of the completion time. A start given to a
//! fraction of a second carries it, `<unix seconds>.<nanoseconds>.<id>`:
//! rounded to the second, the cursor would sit before the sessions of that
//! second, and a page would skip or repeat them. A cursor of one order
//! handed to another is refused rather than read as the wrong column.

use chrono::{DateTime, Utc};
use lectern_api_types::sessions::SessionSort;
use lectern_api_types::time::in_years;
use sea_orm::sea_query::Expr;

use super::SessionRow;
use crate::entities::completion;
use crate::pagination::{self, CursorKey};
use crate::services::{ServiceError, ServiceResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    by_completion: bool,
    seconds: i64,
    nanos: u32,
    id: i64,
}

impl Position {
    /// The position of `row` in a list read in `sort` order.
    pub fn of(sort: SessionSort, row: &SessionRow) -> Position {
        let at = if sort.by_completion() {
            // The completion orders select only rows that have one.
            row.completed_at.unwrap_or(row.scheduled_start)
        } else {
            row.scheduled_start
        };
        Position {
            by_completion: sort.by_completion(),
            seconds: at.timestamp(),
            nanos: at.timestamp_subsec_nanos(),
            id: row.id,
        }
    }

    /// The position a client's cursor names, if it belongs to `sort`.
    pub fn resume(sort: SessionSort, cursor: &str) -> ServiceResult<Position> {
        let position: Position = pagination::decode(cursor)?;
        if position.by_completion != sort.by_completion() {
            return Err(ServiceError::invalid(
                "cursor",
                "belongs to a list in another order; start again from the first page",
            ));
        }
        Ok(position)
    }

    pub fn column(sort: SessionSort) -> completion::Column {
        if sort.by_completion() {
            completion::Column::CompletedAt
        } else {
            completion::Column::ScheduledStart
        }
    }

    /// `(sort column, id)` compared as one key, which each database answers
    /// from the indexes ending in that pair.
    pub fn key(sort: SessionSort) -> Expr {
        Expr::tuple([
            Expr::col((completion::Entity, Self::column(sort))),
            Expr::col((completion::Entity, completion::Column::Id)),
        ])
    }

    pub fn value(self) -> ServiceResult<Expr> {
        // Only instants a database can hold: PostgreSQL refuses years
        // before 4713 BC and MariaDB's driver any before the year 0.
        let at: DateTime<Utc> = DateTime::from_timestamp(self.seconds, self.nanos)
            .filter(in_years)
            .ok_or_else(|| {
                ServiceError::invalid("cursor", "is not a cursor this list handed out")
            })?;
        Ok(Expr::tuple([Expr::val(at), Expr::val(self.id)]))
    }
}

impl CursorKey for Position {
    fn encode(&self) -> String {
        let tag = if self.by_completion { "c" } else { "" };
        if self.nanos == 0 {
            format!("{tag}{}.{}", self.seconds, self.id)
        } else {
            format!("{tag}{}.{}.{}", self.seconds, self.nanos, self.id)
        }
    }

    fn decode(text: &str) -> Option<Self> {
        let (by_completion, rest) = match text.strip_prefix('c') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (seconds, rest) = rest.split_once('.')?;
        let (nanos, id) = match rest.split_once('.') {
            Some((nanos, id)) => (nanos.parse().ok()?, id),
            None => (0, rest),
        };
        Some(Position {
            by_completion,
            seconds: seconds.parse().ok()?,
            nanos,
            id: id.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_name_their_order() {
        let scheduled = Position {
            by_completion: false,
            seconds: 1_772_000_000,
            nanos: 0,
            id: 7,
        };
        let completed = Position {
            by_completion: true,
            ..scheduled
        };
        assert_eq!(scheduled.encode(), "1772000000.7");
        assert_eq!(completed.encode(), "c1772000000.7");
        assert_eq!(
            Position::resume(SessionSort::ScheduledStart, &scheduled.encode()).unwrap(),
            scheduled
        );
        assert_eq!(
            Position::resume(SessionSort::CompletedAtDesc, &completed.encode()).unwrap(),
            completed
        );
        assert!(Position::resume(SessionSort::CompletedAt, &scheduled.encode()).is_err());
        assert!(Position::resume(SessionSort::ScheduledStartDesc, &completed.encode()).is_err());
        assert!(Position::resume(SessionSort::ScheduledStart, "c").is_err());
    }

    #[test]
    fn a_start_within_a_second_keeps_its_fraction() {
        let at = Position {
            by_completion: false,
            seconds: 1_772_000_000,
            nanos: 500_000_000,
            id: 7,
        };
        assert_eq!(at.encode(), "1772000000.500000000.7");
        assert_eq!(
            Position::resume(SessionSort::ScheduledStart, &at.encode()).unwrap(),
            at
        );
        let beyond = Position::resume(SessionSort::ScheduledStart, "1772000000.1000000000.7")
            .expect("reads as a position");
        assert!(
            beyond.value().is_err(),
            "no second has that many nanoseconds"
        );
    }
}
