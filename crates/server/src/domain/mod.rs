//! Domain types parsed once at the edge; past it nothing re-checks a string.

pub mod caller;
pub mod completion_code;
pub mod email;
pub mod lifecycle;
pub mod schedule;
pub mod short_code;
pub mod times;
pub mod timezone;

pub use caller::{AuthUser, Scope};
pub use email::Email;
pub use short_code::ShortCode;
pub use timezone::BranchTimezone;
