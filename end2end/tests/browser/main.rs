//! The SPA in Debian's Chromium, driven over WebDriver, against the real
//! server on a random port. `cargo xtask test` builds the SPA first and
//! says where (`LECTERN_SPA_DIR`); screenshots land in `LECTERN_SCREENSHOT_DIR`.

mod accessibility;
mod admin;
mod auth;
mod caching;
mod dashboard;
mod faculty;
mod harness;
mod integrations;
mod interruptions;
mod keyboard;
mod lazy_pages;
mod loading;
mod review;
mod screens;
mod sessions;
mod settings;
mod timetables;
