//! The envelope of every list response.

use serde::{Deserialize, Serialize};
use validator::Validate;

/// One page of a keyset-paginated list.
///
/// `next_cursor` is opaque: pass it back as `cursor` to read the next page;
/// it is absent on the last page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The largest page a list route answers; `limit` above it is refused.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The page size when the caller sends no `limit`.
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// The paging parameters of a list without filters of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}
