//! The request and response types of Lectern's REST API.
//!
//! The server and the WebAssembly SPA both compile this crate, so a field
//! renamed here is renamed on both sides at once. It stays light and
//! wasm-safe: server-only derives (OpenAPI schemas, database enums) sit behind
//! the `openapi` and `sea-orm` features.

/// The conversions every string-shaped type of the API shares: read from
/// text through its own `parse` (by serde, clap or `str::parse`), written as
/// the text it keeps.
macro_rules! parsed_from_text {
    ($type:ty, $error:ty) => {
        impl std::str::FromStr for $type {
            type Err = $error;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Self::parse(raw)
            }
        }

        impl TryFrom<String> for $type {
            type Error = $error;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> Self {
                value.0
            }
        }
    };
}

pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod batches;
pub mod branches;
pub mod calendar;
pub mod codes;
pub mod holidays;
mod instant;
pub mod outbox;
pub mod page;
pub mod problem;
pub mod role;
pub mod schedule;
mod serde_helpers;
pub mod sessions;
pub mod stats;
pub mod text;
pub mod time;
pub mod users;
pub mod webhooks;

pub use page::Page;
pub use problem::Problem;
pub use role::Role;
