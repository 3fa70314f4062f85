//! Lectern's use cases. Handlers call these with an authenticated caller;
//! every function checks the caller's scope on the object itself.

pub mod api_tokens;
pub mod attachments;
pub mod audit_log;
pub mod auth;
pub mod batches;
pub mod branches;
pub mod calendar;
pub mod demo;
pub mod error;
pub mod export;
pub mod holidays;
pub mod notes;
pub mod notifications;
pub mod outbox;
pub mod schedule;
pub mod sessions;
pub mod sittings;
pub(crate) mod sql;
pub mod stats;
pub mod users;
pub mod webhooks;

pub use error::{FieldErrors, ServiceError};

pub type ServiceResult<T> = Result<T, ServiceError>;
