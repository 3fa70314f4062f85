//! Lectern's server: the REST API, its services and storage, and the
//! command line that runs them.

pub mod app;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod data_dir;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod extract;
pub mod healthcheck;
pub mod mail;
pub mod middleware;
pub mod multipart;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod routes;
pub mod services;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod url_text;
pub mod webhooks;

pub use app::Application;
pub use config::Config;
