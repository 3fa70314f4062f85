//! Lectern's schema as SeaORM migrations, one file per step.
//!
//! Every migration runs the same on SQLite, PostgreSQL and MariaDB/MySQL;
//! the few type choices that differ between them live in [`columns`].

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261128_000001_people;
mod m20261128_000002_refresh_tokens;
mod m20261128_000003_schedule;
mod m20261128_000004_session_content;
mod m20261128_000005_audit_log;
mod m20261129_000006_review;
mod m20261129_000007_password_change;
mod m20261129_000008_downloads;
mod m20261129_000009_completion_order;
mod m20261129_000010_session_search;
mod m20261129_000011_stats_index;
mod m20261129_000012_refresh_grace;
mod m20261129_000013_outbox;
mod m20261129_000014_api_tokens;
mod m20261130_000015_webhooks;
mod m20261130_000016_calendar_feeds;
mod m20261130_000017_late_reason;
mod m20261130_000018_timetables;
mod m20261130_000019_stats_days;
mod m20261130_000020_stats_teacher;
mod m20261208_000021_housekeeping;
mod m20261208_000022_holiday_cancellations;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_people::Migration),
            Box::new(m20261128_000002_refresh_tokens::Migration),
            Box::new(m20261128_000003_schedule::Migration),
            Box::new(m20261128_000004_session_content::Migration),
            Box::new(m20261128_000005_audit_log::Migration),
            Box::new(m20261129_000006_review::Migration),
            Box::new(m20261129_000007_password_change::Migration),
            Box::new(m20261129_000008_downloads::Migration),
            Box::new(m20261129_000009_completion_order::Migration),
            Box::new(m20261129_000010_session_search::Migration),
            Box::new(m20261129_000011_stats_index::Migration),
            Box::new(m20261129_000012_refresh_grace::Migration),
            Box::new(m20261129_000013_outbox::Migration),
            Box::new(m20261129_000014_api_tokens::Migration),
            Box::new(m20261130_000015_webhooks::Migration),
            Box::new(m20261130_000016_calendar_feeds::Migration),
            Box::new(m20261130_000017_late_reason::Migration),
            Box::new(m20261130_000018_timetables::Migration),
            Box::new(m20261130_000019_stats_days::Migration),
            Box::new(m20261130_000020_stats_teacher::Migration),
            Box::new(m20261208_000021_housekeeping::Migration),
            Box::new(m20261208_000022_holiday_cancellations::Migration),
        ]
    }
}
