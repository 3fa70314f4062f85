//! `GET /completions/export`: the sessions a list's filters select, every
//! one of them, as CSV, Excel or PDF, streamed so memory stays flat.

mod csv;
mod pdf;
mod rows;
mod xlsx;

use chrono::NaiveDateTime;
use lectern_api_types::sessions::{CompletionFilter, ExportFormat};

use crate::clock;
use crate::db::Db;
use crate::domain::AuthUser;
use crate::services::{ServiceError, ServiceResult};
use crate::storage::ByteStream;

pub use rows::COLUMNS;

/// An export ready to send.
pub struct Export {
    pub file_name: String,
    pub format: ExportFormat,
    pub body: ExportBody,
}

pub enum ExportBody {
    Stream(ByteStream),
    Bytes(Vec<u8>),
}

/// A local time as exports write it.
fn time_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// Text as a spreadsheet cell can hold it safely: a value a spreadsheet
/// would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
/// gets a leading apostrophe, as OWASP's advice on CSV injection has it.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

pub async fn export(
    db: &Db,
    caller: &AuthUser,
    filter: CompletionFilter,
    format: ExportFormat,
) -> ServiceResult<Export> {
    let file_name = format!(
        "lectern-sessions-{}.{}",
        clock::now().format("%Y%m%d"),
        format.extension()
    );
    let heading = pdf::Heading {
        generated: format!("Generated {} UTC", clock::now().format("%Y-%m-%d %H:%M")),
        filters: filter
            .to_pairs()
            .into_iter()
            .map(|(name, value)| format!("{name} = {value}"))
            .collect(),
    };
    let mut rows = rows::Rows::new(db.clone(), *caller, filter);
    if format == ExportFormat::Pdf && rows.count().await? > pdf::MAX_ROWS {
        return Err(ServiceError::invalid(
            "format",
            format!(
                "a PDF report holds at most {} sessions; narrow the filters, or export CSV or Excel",
                pdf::MAX_ROWS
            ),
        ));
    }
    let first = rows.next_page().await?;
    let body = match format {
        ExportFormat::Csv => ExportBody::Stream(csv::stream(rows, first)?),
        ExportFormat::Xlsx => ExportBody::Stream(xlsx::stream(rows, first).await?),
        ExportFormat::Pdf => {
            let mut all = first.unwrap_or_default();
            while let Some(page) = rows.next_page().await? {
                all.extend(page);
            }
            let bytes = tokio::task::spawn_blocking(move || pdf::render(&heading, &all))
                .await
                .map_err(anyhow::Error::from)??;
            ExportBody::Bytes(bytes)
        }
    };
    Ok(Export {
        file_name,
        format,
        body,
    })
}
