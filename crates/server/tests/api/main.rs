//! Black-box tests: the real server on a random port, spoken to over HTTP,
//! on the database `TEST_DATABASE` names.

mod auth;
mod branches;
mod cli;
mod errors;
mod helpers;
mod migrations;
mod operations;
mod scope;
mod tokens;
mod users;
