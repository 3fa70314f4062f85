//! Structured logs through `tracing`: readable lines for people, JSON for
//! collectors. `RUST_LOG` overrides the default levels.

mod line;
mod redact;
mod request;

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::{self, JsonFields};

pub use request::around;

use crate::config::LogFormat;

const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm_migration=warn";

pub fn init(log_format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Colours for a person at a terminal; escape codes would only garble a
    // file or a collector.
    let ansi = std::io::stdout().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    // A second initialisation (tests calling in twice) keeps the first.
    let _ = match log_format {
        LogFormat::Json => builder
            .fmt_fields(JsonFields::new())
            .event_format(line::WithRequest::json(
                format::format()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_target(true),
            ))
            .try_init(),
        LogFormat::Pretty => builder
            .event_format(line::WithRequest::text(
                format::format().compact().with_target(true).with_ansi(ansi),
            ))
            .try_init(),
    };
}
