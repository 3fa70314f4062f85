//! Keyset pagination: cursors and page assembly.
//!
//! A cursor is the sort key of the last row served, so the next page is an
//! index range scan that costs the same on page 1 and page 10,000. Cursors
//! are plain text of a documented shape (an id, or `<unix seconds>.<id>`),
//! so any cursor that matches the shape is a valid place to resume from.

use lectern_api_types::Page;
use lectern_api_types::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use crate::services::error::ServiceError;

/// A sort key that can travel as a cursor.
pub trait CursorKey: Sized {
    fn encode(&self) -> String;
    fn decode(text: &str) -> Option<Self>;
}

impl CursorKey for i64 {
    fn encode(&self) -> String {
        self.to_string()
    }

    fn decode(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl CursorKey for (i64, i64) {
    fn encode(&self) -> String {
        format!("{}.{}", self.0, self.1)
    }

    fn decode(text: &str) -> Option<Self> {
        let (first, second) = text.split_once('.')?;
        Some((first.parse().ok()?, second.parse().ok()?))
    }
}

impl CursorKey for chrono::NaiveDate {
    fn encode(&self) -> String {
        self.to_string()
    }

    /// Only dates a database can hold: PostgreSQL refuses years before
    /// 4713 BC and MariaDB's driver any before the year 0.
    fn decode(text: &str) -> Option<Self> {
        use chrono::Datelike as _;
        text.parse()
            .ok()
            .filter(|date: &Self| lectern_api_types::time::YEARS.contains(&date.year()))
    }
}

pub fn decode<K: CursorKey>(cursor: &str) -> Result<K, ServiceError> {
    K::decode(cursor)
        .ok_or_else(|| ServiceError::invalid("cursor", "is not a cursor this list handed out"))
}

/// The page size to use; validation has already bounded what was asked.
pub fn limit(requested: Option<u64>) -> u64 {
    requested
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE)
}

/// Builds a page from up to `limit + 1` rows: the extra row only tells that
/// another page exists.
pub fn page<R, T, K: CursorKey>(
    mut rows: Vec<R>,
    limit: u64,
    key: impl Fn(&R) -> K,
    item: impl FnMut(R) -> T,
) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|row| key(row).encode()))
        .flatten();
    Page {
        items: rows.into_iter().map(item).collect(),
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode::<(i64, i64)>(&(-42, 7).encode()).unwrap(), (-42, 7));
        assert_eq!(decode::<i64>("42").unwrap(), 42);
        assert!(decode::<i64>("not a cursor!").is_err());
        assert!(decode::<(i64, i64)>("42").is_err());
        assert!(decode::<i64>("99999999999999999999").is_err());
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let full = page(vec![1_i64, 2, 3], 2, |n| *n, |n| n * 10);
        assert_eq!(full.items, [10, 20]);
        assert_eq!(full.next_cursor.as_deref(), Some("2"));
        let last = page(vec![1_i64, 2], 2, |n| *n, |n| n);
        assert_eq!(last.next_cursor, None);
    }
}
