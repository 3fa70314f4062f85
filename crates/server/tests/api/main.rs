//! Black-box tests: the real server on a random port, spoken to over HTTP,
//! on the database `TEST_DATABASE` names.

mod accounts;
mod api_tokens;
mod attachments;
mod audit;
mod auth;
mod batches;
mod branches;
mod calendar;
mod cli;
mod cluster;
mod concurrency;
mod downloads;
mod errors;
mod exports;
mod helpers;
mod mail;
mod migrations;
mod notes;
mod operations;
mod outbox;
mod oversight;
mod passwords;
mod receiver;
mod review;
mod scope;
mod scope_properties;
mod search;
mod security;
mod sessions;
mod smtp;
mod spa;
mod timeouts;
mod tokens;
mod users;
mod webhooks;
