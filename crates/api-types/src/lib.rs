//! The request and response types of Lectern's REST API.
//!
//! The server and the WebAssembly SPA both compile this crate, so a field
//! renamed here is renamed on both sides at once. It stays light and
//! wasm-safe: server-only derives (OpenAPI schemas, database enums) sit behind
//! the `openapi` and `sea-orm` features.

pub mod audit;
pub mod auth;
pub mod batches;
pub mod branches;
pub mod codes;
pub mod page;
pub mod problem;
pub mod role;
pub mod schedule;
mod serde_helpers;
pub mod sessions;
pub mod text;
pub mod time;
pub mod users;

pub use page::Page;
pub use problem::Problem;
pub use role::Role;
