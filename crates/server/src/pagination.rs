//! Keyset pagination: opaque cursors and page assembly.
//!
//! A cursor is the sort key of the last row served, so the next page is an
//! index range scan that costs the same on page 1 and page 10,000.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lectern_api_types::Page;
use lectern_api_types::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::services::error::ServiceError;

pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ServiceError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
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
pub fn page<R, T, K: Serialize>(
    mut rows: Vec<R>,
    limit: u64,
    key: impl Fn(&R) -> K,
    item: impl FnMut(R) -> T,
) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|row| encode(&key(row))))
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
        let cursor = encode(&(42_i64, "x"));
        assert_eq!(
            decode::<(i64, String)>(&cursor).unwrap(),
            (42, "x".to_owned())
        );
        assert!(decode::<i64>("not a cursor!").is_err());
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let full = page(vec![1, 2, 3], 2, |n| *n, |n| n * 10);
        assert_eq!(full.items, [10, 20]);
        assert_eq!(
            decode::<i32>(full.next_cursor.as_deref().unwrap()).unwrap(),
            2
        );
        let last = page(vec![1, 2], 2, |n| *n, |n| n);
        assert_eq!(last.next_cursor, None);
    }
}
