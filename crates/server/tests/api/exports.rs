//! Exports of the session list: CSV parsed, Excel opened with a real
//! reader, PDF read back as text; in the caller's scope and the list's order.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use reqwest::StatusCode;

use crate::helpers::{TestApp, assert_problem};
use crate::oversight::dataset;

async fn download(app: &TestApp, token: &str, query: &str) -> (String, String, Vec<u8>) {
    let response = app
        .get(&format!("/completions/export?{query}"), token)
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (
        content_type,
        disposition,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn csv_holds_every_filtered_session_with_local_times() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let (content_type, disposition, bytes) = download(
        &app,
        &admin,
        "format=csv&from=2026-03-01&to=2026-03-31&sort=scheduled_start",
    )
    .await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let today = chrono::Utc::now().format("%Y%m%d");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"lectern-sessions-{today}.csv\"")
    );
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("Date,Branch,Staff,Batch code,Batch,Title,Scheduled start,Scheduled end,Actual start,Actual end,Late minutes,Status,Review,Code,Verified by,Verified at,Notes,Attachments,Comments\r\n"), "{text}");

    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 6);
    // The first session of March, 04:00 UTC, is 09:30 in Kolkata.
    let first = &rows[0];
    assert_eq!(&first[..3], ["2026-03-02", "Branch PUNE", "Asha Rao"]);
    assert_eq!(
        &first[6..12],
        [
            "2026-03-02 09:30",
            "2026-03-02 10:30",
            "2026-03-02 09:30",
            "2026-03-02 10:30",
            "0",
            "completed"
        ]
    );
    assert_eq!(first[12], "verified");
    assert_eq!(first[14], "Test Branch admin");
    // A note a spreadsheet would run as a formula is defused.
    let second = &rows[1];
    assert_eq!(
        (second[10].as_str(), second[16].as_str()),
        ("10", "'=HYPERLINK(\"x\")")
    );
    assert_eq!((second[17].as_str(), second[18].as_str()), ("1", "1"));
    let staff: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        staff,
        [
            "Asha Rao",
            "Asha Rao",
            "Zoë Łukasiewicz",
            "Asha Rao",
            "Asha Rao",
            "Asha Rao"
        ]
    );

    // Faculty export only their own sessions; nothing matching is a header alone.
    let faculty = app.login(&data.colleague).await;
    let (_, _, mine) = download(&app, &faculty, "format=csv").await;
    let names: Vec<String> = csv_rows(&mine).into_iter().map(|r| r[2].clone()).collect();
    assert_eq!(names, ["Zoë Łukasiewicz", "Zoë Łukasiewicz"]);
    let (_, _, none) = download(&app, &faculty, "format=csv&status=cancelled").await;
    assert_eq!(csv_rows(&none).len(), 0);
    assert!(String::from_utf8(none).unwrap().starts_with("Date,Branch,"));
}

#[tokio::test]
async fn excel_cells_are_typed() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let (content_type, disposition, bytes) =
        download(&app, &admin, "format=xlsx&late=true&sort=scheduled_start").await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(disposition.ends_with(".xlsx\""), "{disposition}");
    let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("an XLSX workbook");
    let sheet = workbook
        .worksheet_range("Sessions")
        .expect("the Sessions sheet");
    assert_eq!(sheet.height(), 3, "a header and the two late sessions");
    assert_eq!(sheet.get((0, 0)), Some(&Data::String("Date".into())));
    let Some(Data::DateTime(date)) = sheet.get((1, 0)) else {
        panic!("a date cell, not {:?}", sheet.get((1, 0)));
    };
    assert_eq!(date.as_datetime().unwrap().date().to_string(), "2026-03-03");
    let Some(Data::DateTime(start)) = sheet.get((1, 8)) else {
        panic!("a time cell, not {:?}", sheet.get((1, 8)));
    };
    assert_eq!(
        start.as_datetime().unwrap().to_string(),
        "2026-03-03 09:40:00"
    );
    assert_eq!(sheet.get((1, 10)), Some(&Data::Float(10.0)));
    assert_eq!(
        sheet.get((2, 2)),
        Some(&Data::String("Zoë Łukasiewicz".into()))
    );
    assert_eq!(sheet.get((2, 10)), Some(&Data::Float(20.0)));
    // Excel never evaluates a string cell, so the note is kept as written.
    assert_eq!(
        sheet.get((1, 16)),
        Some(&Data::String("=HYPERLINK(\"x\")".into()))
    );
}

/// The text of a PDF as poppler's `pdftotext` reads it, or `None` where it
/// is not installed (CI installs it, and there its absence fails).
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "pdftotext: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping the PDF text check: pdftotext: {err}");
            None
        }
        Err(err) => panic!("pdftotext (Debian's poppler-utils) is needed: {err}"),
    }
}

#[tokio::test]
async fn the_pdf_report_shows_filters_rows_and_totals() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let (content_type, _, bytes) =
        download(&app, &admin, "format=pdf&from=2026-03-01&to=2026-03-31").await;
    assert_eq!(content_type, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    // `LECTERN_EXPORT_DIR` keeps the report, to look at its layout.
    if let Some(dir) = std::env::var_os("LECTERN_EXPORT_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("report.pdf"), &bytes).unwrap();
    }
    let Some(text) = pdf_text(&bytes) else { return };
    assert!(text.contains("Sessions report"), "{text}");
    assert!(text.contains("from = 2026-03-01"), "{text}");
    assert!(text.contains("Zoë Łukasiewicz"), "{text}");
    assert!(text.contains("Asha Rao"), "{text}");
    assert!(text.contains("09:30–10:30"), "{text}");
    assert!(
        text.contains("Totals: 6 sessions · 4 completed · 1 cancelled · 1 pending · 1 verified · on time 2 of 4 (50%) · 4 h 00 min held"),
        "{text}"
    );

    let faculty = app.login(&data.faculty).await;
    let (_, _, mine) = download(&app, &faculty, "format=pdf").await;
    let text = pdf_text(&mine).unwrap();
    assert!(!text.contains("Łukasiewicz"), "{text}");
}

#[tokio::test]
async fn exports_refuse_what_they_cannot_make() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    for (query, field) in [
        ("format=docx", "format"),
        ("", "format"),
        ("format=csv&late=maybe", "late"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/completions/export?{query}"), &admin)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }
    let anonymous = app
        .request(reqwest::Method::GET, "/completions/export?format=csv", None)
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn attachment_totals_tell_what_the_zip_would_hold() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let totals: serde_json::Value = crate::helpers::json(
        app.get("/attachments/totals?status=completed", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        totals,
        serde_json::json!({"sessions": 1, "files": 1, "bytes": 2000})
    );
    let none: serde_json::Value = crate::helpers::json(
        app.get("/attachments/totals?status=cancelled", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        none,
        serde_json::json!({"sessions": 0, "files": 0, "bytes": 0})
    );
    let faculty = app.login(&data.faculty).await;
    assert_problem(
        app.get("/attachments/totals", &faculty).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn an_export_of_nothing_is_a_valid_empty_file_in_every_format() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let faculty = app.login(&data.colleague).await;
    let nothing = "status=cancelled";

    let (_, _, sheet) = download(&app, &faculty, &format!("format=xlsx&{nothing}")).await;
    let mut workbook = Xlsx::new(Cursor::new(sheet)).expect("an XLSX workbook");
    let range = workbook
        .worksheet_range("Sessions")
        .expect("the Sessions sheet");
    assert_eq!(range.height(), 1, "the header row alone");

    let (_, _, report) = download(&app, &faculty, &format!("format=pdf&{nothing}")).await;
    assert!(report.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&report) {
        assert!(text.contains("status = cancelled"), "{text}");
        assert!(text.contains("Totals: 0 sessions"), "{text}");
    }
}
