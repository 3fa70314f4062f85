//! SeaORM entities: one module per table, plain storage shapes.
//!
//! Enums and sets come from `lectern-api-types`, so a row read from the
//! database is already a `Role` or `Weekdays`, never a string to re-check.

pub mod api_token;
pub mod attachment;
pub mod audit_log;
pub mod batch;
pub mod branch;
pub mod calendar_feed;
pub mod completion;
pub mod download;
pub mod holiday;
pub mod note;
pub mod occurrence;
pub mod outbox;
pub mod refresh_token;
pub mod search_document;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
