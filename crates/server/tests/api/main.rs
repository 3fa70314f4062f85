//! Black-box tests: the real server on a random port, spoken to over HTTP,
//! on the database `TEST_DATABASE` names.

mod accounts;
mod attachments;
mod audit;
mod auth;
mod batches;
mod branches;
mod cli;
mod cluster;
mod concurrency;
mod downloads;
mod errors;
mod exports;
mod helpers;
mod migrations;
mod notes;
mod operations;
mod oversight;
mod passwords;
mod review;
mod scope;
mod scope_properties;
mod search;
mod sessions;
mod timeouts;
mod tokens;
mod users;
