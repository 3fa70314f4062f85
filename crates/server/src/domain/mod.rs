//! Domain types parsed once at the edge; past it nothing re-checks a string.

pub mod caller;
pub mod completion_code;
pub mod lifecycle;
pub mod schedule;
pub mod times;
pub mod timezone;

pub use caller::{AuthUser, Scope};
pub use lectern_api_types::codes::ShortCode;
pub use lectern_api_types::users::Email;
pub use timezone::BranchTimezone;
