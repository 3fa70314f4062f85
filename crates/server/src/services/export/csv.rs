//! The CSV export: RFC 4180 in UTF-8 with a header row, written a page of
//! rows at a time as the response goes out.

use bytes::Bytes;
use futures_util::{StreamExt as _, stream};

use super::rows::{COLUMNS, ExportRow, Rows};
use super::{cell, time_text};
use crate::services::ServiceResult;
use crate::storage::ByteStream;

/// The stream of the whole file; `first` is the page already read (so a bad
/// filter is an error answer, not a broken download).
pub fn stream(rows: Rows, first: Option<Vec<ExportRow>>) -> ServiceResult<ByteStream> {
    let header = encode(std::iter::once(COLUMNS.map(str::to_owned).to_vec()))?;
    let first = match first {
        Some(page) => Some(encode(page.iter().map(record))?),
        None => None,
    };
    let rest = stream::try_unfold(rows, |mut rows| async move {
        match rows.next_page().await.map_err(std::io::Error::other)? {
            Some(page) => {
                let bytes = encode(page.iter().map(record)).map_err(std::io::Error::other)?;
                Ok(Some((bytes, rows)))
            }
            None => Ok(None),
        }
    });
    Ok(stream::iter([Ok(header)])
        .chain(stream::iter(first.map(Ok)))
        .chain(rest)
        .boxed())
}

fn encode(records: impl Iterator<Item = Vec<String>>) -> ServiceResult<Bytes> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        writer.write_record(&record).map_err(anyhow::Error::from)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(Bytes::from(bytes))
}

fn record(row: &ExportRow) -> Vec<String> {
    let text = |value: &Option<String>| value.as_deref().map(cell).unwrap_or_default();
    let time = |value: Option<chrono::NaiveDateTime>| value.map(time_text).unwrap_or_default();
    vec![
        row.date.format("%Y-%m-%d").to_string(),
        cell(&row.branch),
        cell(&row.staff),
        text(&row.batch_code),
        text(&row.batch),
        cell(&row.title),
        time_text(row.scheduled_start),
        time_text(row.scheduled_end),
        time(row.actual_start),
        time(row.actual_end),
        row.late_minutes.map(|m| m.to_string()).unwrap_or_default(),
        row.status.as_str().to_owned(),
        row.review
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        text(&row.code),
        text(&row.verified_by),
        time(row.verified_at),
        text(&row.notes),
        row.attachments.to_string(),
        row.comments.to_string(),
    ]
}
