//! The Excel export: one sheet with typed cells (dates and times as Excel
//! dates, counts as numbers). rust_xlsxwriter's constant-memory mode keeps
//! each finished row in a temporary file rather than in memory, and the
//! workbook is zipped straight into the response. Text goes in as string
//! cells, which Excel never evaluates, so it is written as it was entered.

use futures_util::StreamExt as _;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use tokio_util::io::{ReaderStream, SyncIoBridge};

use super::rows::{COLUMNS, ExportRow, Rows};
use crate::services::{ServiceError, ServiceResult};
use crate::storage::ByteStream;

struct Formats {
    header: Format,
    date: Format,
    time: Format,
}

/// Fills the workbook from every row, then streams it as it is zipped.
pub async fn stream(mut rows: Rows, first: Option<Vec<ExportRow>>) -> ServiceResult<ByteStream> {
    let formats = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
    };
    let mut workbook = Workbook::new();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name("Sessions").map_err(xlsx_error)?;
    for (col, title) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *title, &formats.header)
            .map_err(xlsx_error)?;
    }
    widths(sheet).map_err(xlsx_error)?;
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    let mut next_row: u32 = 1;
    let mut page = first;
    while let Some(batch) = page {
        for row in &batch {
            within_a_sheet(next_row)?;
            write_row(sheet, next_row, row, &formats).map_err(xlsx_error)?;
            next_row += 1;
        }
        page = rows.next_page().await?;
    }
    sheet
        .autofilter(
            0,
            0,
            next_row.saturating_sub(1).max(1),
            COLUMNS.len() as u16 - 1,
        )
        .map_err(xlsx_error)?;

    let (writer, reader) = tokio::io::duplex(256 * 1024);
    let saving = tokio::task::spawn_blocking(move || {
        let mut out = SyncIoBridge::new(writer);
        workbook
            .save_to_writer(&mut out)
            .map_err(|err| std::io::Error::other(err.to_string()))?;
        std::io::Write::flush(&mut out)
    });
    let tail = futures_util::stream::once(async move {
        match saving.await {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(Err(err)),
            Err(err) => Some(Err(std::io::Error::other(err))),
        }
    })
    .filter_map(std::future::ready);
    Ok(ReaderStream::new(reader).chain(tail).boxed())
}

/// The rows a sheet holds, its header's among them.
const SHEET_ROWS: u32 = 1_048_576;

/// Refuses a session past what one sheet holds, on the request's `format`
/// (nothing has been sent yet: the workbook is sent once complete) rather
/// than as the writer's error, a 500.
fn within_a_sheet(row: u32) -> ServiceResult<()> {
    if row < SHEET_ROWS {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "format",
            format!(
                "an Excel sheet holds at most {} sessions; narrow the filters, or export CSV",
                SHEET_ROWS - 1
            ),
        ))
    }
}

#[allow(clippy::needless_pass_by_value)] // the shape `map_err` hands over
fn xlsx_error(err: XlsxError) -> ServiceError {
    anyhow::anyhow!("writing the Excel export failed: {err}").into()
}

fn widths(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    let widths = [
        11.0, 16.0, 20.0, 14.0, 22.0, 24.0, 16.0, 16.0, 16.0, 16.0, 8.0, 10.0, 11.0, 24.0, 18.0,
        16.0, 40.0, 8.0, 8.0,
    ];
    for (col, width) in widths.into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    Ok(())
}

fn write_row(
    sheet: &mut Worksheet,
    at: u32,
    row: &ExportRow,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let text = |sheet: &mut Worksheet, col: u16, value: Option<&str>| -> Result<(), XlsxError> {
        if let Some(value) = value {
            sheet.write_string(at, col, value)?;
        }
        Ok(())
    };
    let time = |sheet: &mut Worksheet,
                col: u16,
                value: Option<chrono::NaiveDateTime>|
     -> Result<(), XlsxError> {
        if let Some(value) = value {
            sheet.write_datetime_with_format(at, col, value, &formats.time)?;
        }
        Ok(())
    };
    sheet.write_datetime_with_format(at, 0, row.date, &formats.date)?;
    text(sheet, 1, Some(&row.branch))?;
    text(sheet, 2, Some(&row.staff))?;
    text(sheet, 3, row.batch_code.as_deref())?;
    text(sheet, 4, row.batch.as_deref())?;
    text(sheet, 5, Some(&row.title))?;
    time(sheet, 6, Some(row.scheduled_start))?;
    time(sheet, 7, Some(row.scheduled_end))?;
    time(sheet, 8, row.actual_start)?;
    time(sheet, 9, row.actual_end)?;
    if let Some(late) = row.late_minutes {
        sheet.write_number(at, 10, f64::from(late))?;
    }
    text(sheet, 11, Some(row.status.as_str()))?;
    text(sheet, 12, row.review.map(|r| r.as_str()))?;
    text(sheet, 13, row.code.as_deref())?;
    text(sheet, 14, row.verified_by.as_deref())?;
    time(sheet, 15, row.verified_at)?;
    text(sheet, 16, row.notes.as_deref())?;
    sheet.write_number(at, 17, row.attachments as f64)?;
    sheet.write_number(at, 18, row.comments as f64)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_past_what_a_sheet_holds_is_refused_on_format() {
        assert!(within_a_sheet(1).is_ok());
        assert!(within_a_sheet(SHEET_ROWS - 1).is_ok());
        let Err(ServiceError::Invalid(fields)) = within_a_sheet(SHEET_ROWS) else {
            panic!("the sheet's last row plus one was accepted");
        };
        assert!(fields.has("format"), "{fields:?}");
    }
}
