//! Uploads and downloads on the storage the suite runs with (local or S3).

use bytes::Bytes;
use futures_util::stream;
use lectern_api_types::Role;
use lectern_api_types::sessions::Completion;
use lectern_server::services::attachments::links::{Link, LinkSigner};
use lectern_server::storage;
use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_DISPOSITION, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RANGE,
};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::{JWT_SECRET, TestApp, TestUser, assert_problem, json};

/// A real 1×1 PNG, padded with a private chunk to `size` bytes.
pub fn png(size: usize) -> Vec<u8> {
    let mut bytes =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let padding = size.saturating_sub(bytes.len() + 12);
    bytes.extend_from_slice(&u32::try_from(padding).unwrap().to_be_bytes());
    bytes.extend_from_slice(b"prVt");
    bytes.extend((0..padding).map(|i| (i % 251) as u8));
    bytes.extend_from_slice(b"\0\0\0\0");
    bytes
}

pub const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// A Word document: the parts Word writes first, zipped as Word zips them.
const DOCX: &[u8] = include_bytes!("../../../files/fixtures/minutes.docx");

pub struct Setup {
    pub app: TestApp,
    pub branch: i64,
    pub faculty: TestUser,
    pub token: String,
    pub session: Completion,
}

impl Setup {
    /// A token of the branch's admin.
    async fn admin_token(&self) -> String {
        let admin = self
            .app
            .create_user(Role::BranchAdmin, Some(self.branch))
            .await;
        self.app.login(&admin).await
    }
}

pub async fn setup_with(adjust: impl FnOnce(&mut lectern_server::Config)) -> Setup {
    let app = TestApp::spawn_with(adjust).await;
    let branch = app.create_branch("HQ", "Asia/Kolkata").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let session = app.completed_session(&faculty).await;
    Setup {
        app,
        branch,
        faculty,
        token,
        session,
    }
}

async fn setup() -> Setup {
    setup_with(|_| {}).await
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    session: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new()
        .part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/octet-stream")
                .unwrap(),
        )
        .text("description", "From class");
    post_form(app, token, session, form).await
}

async fn post_form(app: &TestApp, token: &str, session: i64, form: Form) -> reqwest::Response {
    app.client
        .post(app.api(&format!("/completions/{session}/attachments")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub async fn stored_keys(app: &TestApp) -> Vec<String> {
    let store = storage::from_config(&app.config).unwrap();
    store
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect()
}

fn temporaries(app: &TestApp) -> usize {
    std::fs::read_dir(app.config.upload_dir())
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn attachment_count(app: &TestApp, token: &str, session: i64) -> usize {
    let detail: Value = json(
        app.get(&format!("/completions/{session}"), token).await,
        StatusCode::OK,
    )
    .await;
    detail["attachments"].as_array().unwrap().len()
}

#[tokio::test]
async fn an_upload_is_stored_hashed_and_downloaded_byte_for_byte() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let bytes = png(300_000);

    let stored: Value = json(
        upload(
            &app,
            &token,
            session.id,
            "../../Whiteboard\u{202e} photo.PNG",
            bytes.clone(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    assert_eq!(stored["file_name"], "Whiteboard photo.PNG");
    assert_eq!(stored["mime_type"], "image/png");
    assert_eq!(stored["size_bytes"], 300_000);
    assert_eq!(stored["description"], "From class");
    assert_eq!(stored["download_count"], 0);
    let sha = stored["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);
    let path = format!(
        "/completions/{}/attachments/{}/content",
        session.id, stored["id"]
    );

    let response = app.get(&path, &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[CONTENT_TYPE], "image/png");
    assert_eq!(headers[ETAG], format!("\"{sha}\"").as_str());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(
        headers[CONTENT_DISPOSITION],
        "attachment; filename=\"Whiteboard photo.PNG\"; filename*=UTF-8''Whiteboard%20photo.PNG"
    );
    assert_eq!(response.bytes().await.unwrap(), bytes);

    let detail: Value = json(
        app.get(&format!("/completions/{}", session.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["attachment_count"], 1);
    assert_eq!(detail["attachments"][0]["download_count"], 1);
    assert_eq!(temporaries(&app), 0);
    assert_eq!(stored_keys(&app).await.len(), 1);
}

#[tokio::test]
async fn files_are_judged_by_their_bytes_not_their_name_or_content_type() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0\0\0".to_vec();
    exe.resize(4096, 0);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "syllabus.pdf",
            exe,
            "application/vnd.microsoft.portable-executable",
        ),
        (
            "photo.png",
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec(),
            "text/html",
        ),
        ("notes.pdf", png(2_000), "image/png"),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            "no recognised type",
        ),
        ("empty.pdf", Vec::new(), "no recognised type"),
    ];
    for (name, bytes, says) in cases {
        let problem = assert_problem(
            upload(&app, &token, session.id, name, bytes).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{name}: {detail}");
    }
    assert_eq!(attachment_count(&app, &token, session.id).await, 0);
    assert!(stored_keys(&app).await.is_empty());
    assert_eq!(temporaries(&app), 0);

    for (name, bytes) in [
        ("handout.pdf", PDF.to_vec()),
        ("minutes.docx", DOCX.to_vec()),
    ] {
        let response = upload(&app, &token, session.id, name, bytes).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{name}");
    }
}

#[tokio::test]
async fn the_size_limit_holds_with_and_without_a_content_length() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup_with(|config| config.max_upload_mb = 1).await;

    let problem = assert_problem(
        upload(&app, &token, session.id, "big.png", png(2 * 1024 * 1024)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("1 MB"));

    // Chunked: no Content-Length to judge by, so the cut comes mid-stream.
    let chunks: Vec<Result<Bytes, std::io::Error>> = png(3 * 1024 * 1024)
        .chunks(64 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let part = Part::stream(reqwest::Body::wrap_stream(stream::iter(chunks))).file_name("big.png");
    let response = app
        .client
        .post(app.api(&format!("/completions/{}/attachments", session.id)))
        .bearer_auth(&token)
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;

    assert_eq!(
        upload(&app, &token, session.id, "fits.png", png(1024 * 1024))
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(attachment_count(&app, &token, session.id).await, 1);
    assert_eq!(stored_keys(&app).await.len(), 1);
    assert_eq!(temporaries(&app), 0);
}

#[tokio::test]
async fn the_limits_a_page_checks_against_are_the_servers() {
    let Setup { app, token, .. } = setup_with(|config| config.max_upload_mb = 7).await;
    let limits: Value = json(app.get("/upload-limits", &token).await, StatusCode::OK).await;
    assert_eq!(limits["max_upload_bytes"], 7 * 1024 * 1024);
    let extensions: Vec<&str> = limits["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for expected in [
        "pdf", "mp4", "webm", "mp3", "wav", "docx", "xlsx", "doc", "xls", "png", "jpg", "gif",
        "webp",
    ] {
        assert!(
            extensions.contains(&expected),
            "{expected} in {extensions:?}"
        );
    }
    assert!(!extensions.contains(&"svg") && !extensions.contains(&"html"));
}

#[tokio::test]
async fn a_description_over_the_limit_counts_its_spaces_as_the_schema_does() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let send = |description: String| {
        let form = Form::new()
            .part(
                "file",
                Part::bytes(png(1000))
                    .file_name("board.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
            .text("description", description);
        post_form(&app, &token, session.id, form)
    };

    let response = send(format!("\n{}", "é".repeat(2000))).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem["errors"]["description"].is_array());
    assert_eq!(temporaries(&app), 0);

    let stored: Value = json(
        send(format!(" {} ", "é".repeat(1998))).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(stored["description"], "é".repeat(1998));
}

#[tokio::test]
async fn uploads_need_a_file_and_a_reachable_session() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let form = Form::new().text("description", "No file");
    let response = post_form(&app, &token, session.id, form).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem["errors"]["file"].is_array());
    let response = app
        .post(
            &format!("/completions/{}/attachments", session.id),
            &token,
            &serde_json::json!({}),
        )
        .await;
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;

    let elsewhere = app.create_branch("ELSE", "UTC").await;
    let stranger = app.create_user(Role::Faculty, Some(elsewhere)).await;
    let theirs = app.completed_session(&stranger).await;
    assert_problem(
        upload(&app, &token, theirs.id, "x.png", png(100)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_form_that_sends_a_field_twice_is_refused_and_keeps_nothing() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let file = |name: &str| {
        Part::bytes(png(1000))
            .file_name(name.to_owned())
            .mime_str("image/png")
            .unwrap()
    };
    let twice_described = Form::new()
        .text("description", "Board, morning")
        .part("file", file("board.png"))
        .text("description", "Board, afternoon");
    let two_files = Form::new()
        .part("file", file("board.png"))
        .part("file", file("board-2.png"));

    for (form, field) in [(twice_described, "description"), (two_files, "file")] {
        let response = post_form(&app, &token, session.id, form).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(problem["errors"][field].is_array(), "{problem}");
    }
    assert_eq!(attachment_count(&app, &token, session.id).await, 0);
    assert_eq!(stored_keys(&app).await, Vec::<String>::new());
    assert_eq!(temporaries(&app), 0);
}

/// A form the server cannot frame says what is wrong with it, and nothing
/// of it is kept: cut short before its closing boundary, a part that names
/// no field, a boundary missing from its type.
#[tokio::test]
async fn a_broken_form_says_what_is_wrong_and_keeps_nothing() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let head = "--B0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n";
    let mut cut_short = head.as_bytes().to_vec();
    cut_short.extend(png(300_000));
    let mut unnamed = b"--B0\r\nContent-Type: image/png\r\n\r\n".to_vec();
    unnamed.extend(png(1000));
    unnamed.extend_from_slice(b"\r\n--B0--\r\n");
    let mut with_padding = head.replace("--B0\r\n", "--B0 \t\r\n").into_bytes();
    with_padding.extend(png(1000));
    with_padding.extend_from_slice(b"\r\n--B0--");

    let post = |content_type: &str, body: Vec<u8>| {
        app.client
            .post(app.api(&format!("/completions/{}/attachments", session.id)))
            .bearer_auth(&token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    for (body, reason) in [
        (cut_short.clone(), "ended before its closing boundary"),
        (unnamed, "not a form field with a name"),
    ] {
        let response = post("multipart/form-data; boundary=B0", body)
            .await
            .unwrap();
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(reason), "{detail}");
    }
    assert_problem(
        post("multipart/form-data", cut_short).await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert_eq!(attachment_count(&app, &token, session.id).await, 0);
    assert!(stored_keys(&app).await.is_empty());
    assert_eq!(temporaries(&app), 0);

    // Quoted boundaries and transport padding are the standard's, and taken.
    let response = post("multipart/form-data; boundary=\"B0\"", with_padding)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn ranges_serve_what_video_players_ask_for() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let bytes = png(10_000);
    let stored: Value = json(
        upload(&app, &token, session.id, "clip.png", bytes.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!(
        "/completions/{}/attachments/{}/content",
        session.id, stored["id"]
    );
    let ranged = |range: &'static str| {
        app.request(reqwest::Method::GET, &path, Some(&token))
            .header(RANGE, range)
            .send()
    };

    for (range, expected, content_range) in [
        ("bytes=0-9", 0..10, "bytes 0-9/10000"),
        ("bytes=9990-", 9990..10_000, "bytes 9990-9999/10000"),
        ("bytes=-100", 9900..10_000, "bytes 9900-9999/10000"),
        ("bytes=5000-999999", 5000..10_000, "bytes 5000-9999/10000"),
    ] {
        let response = ranged(range).await.unwrap();
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(response.headers()[CONTENT_RANGE], content_range);
        assert_eq!(response.bytes().await.unwrap(), bytes[expected], "{range}");
    }

    let response = ranged("bytes=10000-").await.unwrap();
    assert_eq!(response.headers()[CONTENT_RANGE], "bytes */10000");
    assert_problem(response, StatusCode::RANGE_NOT_SATISFIABLE).await;

    let response = ranged("bytes=0-1,5-6").await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "several ranges get the whole file"
    );
    assert_eq!(response.bytes().await.unwrap(), bytes);

    let etag = app.get(&path, &token).await.headers()[ETAG].clone();
    let cached = app
        .request(reqwest::Method::GET, &path, Some(&token))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    // Full downloads count; ranges and revalidations do not.
    let detail: Value = json(
        app.get(&format!("/completions/{}", session.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["attachments"][0]["download_count"], 2);
}

#[tokio::test]
async fn only_media_and_pdfs_are_shown_inline() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let image: Value = json(
        upload(&app, &token, session.id, "board.png", png(500)).await,
        StatusCode::CREATED,
    )
    .await;
    let document: Value = json(
        upload(&app, &token, session.id, "minutes.docx", DOCX.to_vec()).await,
        StatusCode::CREATED,
    )
    .await;
    let content = |id: &Value| {
        format!(
            "/completions/{}/attachments/{id}/content?inline=1",
            session.id
        )
    };

    let response = app.get(&content(&image["id"]), &token).await;
    assert!(
        response.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    let problem = assert_problem(
        app.get(&content(&document["id"]), &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["inline"].is_array());
}

#[tokio::test]
async fn signed_links_open_one_attachment_for_a_few_minutes() {
    let Setup {
        app,
        token,
        session,
        faculty,
        ..
    } = setup().await;
    let first: Value = json(
        upload(&app, &token, session.id, "a.png", png(1000)).await,
        StatusCode::CREATED,
    )
    .await;
    let second: Value = json(
        upload(&app, &token, session.id, "b.png", png(2000)).await,
        StatusCode::CREATED,
    )
    .await;

    let link: Value = json(
        app.post(
            &format!(
                "/completions/{}/attachments/{}/link",
                session.id, first["id"]
            ),
            &token,
            &serde_json::json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let url = link["url"].as_str().unwrap();
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(link["expires_at"].as_str().unwrap()).unwrap();
    let minutes = (expires_at.to_utc() - chrono::Utc::now()).num_minutes();
    assert!((5..=10).contains(&minutes), "{minutes}");

    let fetched = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK, "no bearer header needed");
    assert_eq!(fetched.bytes().await.unwrap().len(), 1000);
    let inline = app
        .client
        .get(app.url(&format!("{url}&inline=1")))
        .send()
        .await
        .unwrap();
    assert!(
        inline.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );

    let tampered = url.replace("sig=", "sig=x");
    let other = url.replace(
        &format!("/attachments/{}/", first["id"]),
        &format!("/attachments/{}/", second["id"]),
    );
    let signer = LinkSigner::new(JWT_SECRET.as_bytes());
    let past = Link {
        completion_id: session.id,
        attachment_id: first["id"].as_i64().unwrap(),
        user_id: faculty.id,
        expires: chrono::Utc::now().timestamp() - 60,
    };
    let expired = format!(
        "/api/v1/completions/{}/attachments/{}/content?user={}&expires={}&sig={}",
        session.id,
        first["id"],
        faculty.id,
        past.expires,
        signer.sign(&past)
    );
    for bad in [tampered, other, expired] {
        assert_problem(
            app.client.get(app.url(&bad)).send().await.unwrap(),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
}

#[tokio::test]
async fn other_peoples_files_are_not_found() {
    let Setup {
        app,
        branch,
        token,
        session,
        ..
    } = setup().await;
    let stored: Value = json(
        upload(&app, &token, session.id, "a.png", png(1000)).await,
        StatusCode::CREATED,
    )
    .await;
    let colleague = app.create_user(Role::Employee, Some(branch)).await;
    let other = app.login(&colleague).await;
    let base = format!("/completions/{}/attachments/{}", session.id, stored["id"]);

    assert_problem(
        app.get(&format!("{base}/content"), &other).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.post(&format!("{base}/link"), &other, &serde_json::json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(app.delete(&base, &other).await, StatusCode::NOT_FOUND).await;
    assert_problem(
        app.get(
            &format!("/completions/{}/attachments.zip", session.id),
            &other,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get("/attachments.zip", &other).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // The right attachment id under another session is no way in either.
    let theirs = app.completed_session(&colleague).await;
    let crossed = format!(
        "/completions/{}/attachments/{}/content",
        theirs.id, stored["id"]
    );
    assert_problem(app.get(&crossed, &other).await, StatusCode::NOT_FOUND).await;
    assert_problem(
        app.get(&format!("{base}/content"), "not a token").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn deleting_an_attachment_removes_its_row_and_its_bytes() {
    let setup = setup().await;
    let Setup {
        app,
        token,
        session,
        ..
    } = &setup;
    let stored: Value = json(
        upload(app, token, session.id, "a.png", png(1000)).await,
        StatusCode::CREATED,
    )
    .await;
    let base = format!("/completions/{}/attachments/{}", session.id, stored["id"]);

    assert_eq!(
        app.delete(&base, token).await.status(),
        StatusCode::NO_CONTENT
    );

    assert_problem(
        app.get(&format!("{base}/content"), token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(stored_keys(app).await.is_empty());
    let admin = setup.admin_token().await;
    let log = app.audit_of(&admin, "attachment", &stored["id"]).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["delete", "create"]);
}

#[tokio::test]
#[expect(
    deprecated,
    reason = "async_zip 0.0.19 names a read1 module that no release has yet"
)]
async fn zips_carry_every_file_of_a_session_or_of_a_filtered_list() {
    use async_zip::base::read::mem::ZipFileReader;

    let setup = setup().await;
    let admin = setup.admin_token().await;
    let Setup {
        app,
        token,
        session,
        faculty,
        ..
    } = setup;
    let first = png(5000);
    let second = PDF.to_vec();
    json::<Value>(
        upload(&app, &token, session.id, "board.png", first.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    json::<Value>(
        upload(&app, &token, session.id, "handout.pdf", second.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    let later = app.completed_session(&faculty).await;
    json::<Value>(
        upload(&app, &token, later.id, "board.png", png(700)).await,
        StatusCode::CREATED,
    )
    .await;

    let response = app
        .get(
            &format!("/completions/{}/attachments.zip", session.id),
            &token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/zip");
    let zip = ZipFileReader::new(response.bytes().await.unwrap().to_vec())
        .await
        .unwrap();
    let names: Vec<String> = zip
        .file()
        .entries()
        .iter()
        .map(|e| e.filename().as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(
        names[0].ends_with("-board.png") && names[1].ends_with("-handout.pdf"),
        "{names:?}"
    );
    for (index, expected) in [first, second].iter().enumerate() {
        let mut reader = zip.reader_with_entry(index).await.unwrap();
        let mut bytes = Vec::new();
        reader.read_to_end_checked(&mut bytes).await.unwrap();
        assert_eq!(&bytes, expected);
    }

    let response = app
        .get(&format!("/attachments.zip?user_id={}", faculty.id), &admin)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let zip = ZipFileReader::new(response.bytes().await.unwrap().to_vec())
        .await
        .unwrap();
    let names: Vec<String> = zip
        .file()
        .entries()
        .iter()
        .map(|e| e.filename().as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names.iter().all(|n| n.contains("_ADHOC_")),
        "a folder per session: {names:?}"
    );
    let folders: std::collections::HashSet<&str> =
        names.iter().map(|n| n.split('/').next().unwrap()).collect();
    assert_eq!(folders.len(), 2);
}

/// Over S3 (`TEST_STORAGE=s3`) a file larger than the 8 MiB part size goes
/// up as a multipart upload; on a folder it is one rename. Either way it
/// comes back whole, and a range across the parts' seam reads true.
#[tokio::test]
async fn a_file_larger_than_an_upload_part_comes_back_whole_and_by_range() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let bytes = png(20 * 1024 * 1024 + 12_345);
    let file: Value = json(
        upload(&app, &token, session.id, "lecture.png", bytes.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(stored_keys(&app).await.len(), 1);
    let content = format!(
        "/completions/{}/attachments/{}/content",
        session.id, file["id"]
    );
    let whole = app.get(&content, &token).await;
    assert_eq!(whole.status(), StatusCode::OK);
    let body = whole.bytes().await.unwrap();
    assert!(body[..] == bytes[..], "the file came back changed");

    let seam = 8 * 1024 * 1024;
    let part = app
        .client
        .get(app.api(&content))
        .bearer_auth(&token)
        .header(RANGE, format!("bytes={}-{}", seam - 10, seam + 9))
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap()[..], bytes[seam - 10..seam + 10]);
}

/// What a crash leaves, on the store the suite runs with: a stored file
/// whose row was never written goes once it is older than the grace (a
/// younger one may be another server's upload about to write its row), and
/// an upload's temporary file goes once nobody has touched it for the
/// abandonment age, while one still arriving stays.
#[tokio::test]
async fn the_sweep_takes_old_orphans_and_abandoned_uploads_and_leaves_young_ones() {
    use lectern_server::services::attachments::sweep::{Swept, sweep};
    use std::time::{Duration, SystemTime};

    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let kept: Value = json(
        upload(&app, &token, session.id, "kept.png", png(1_500)).await,
        StatusCode::CREATED,
    )
    .await;
    let store = storage::from_config(&app.config).unwrap();
    let kept_key = stored_keys(&app).await.pop().expect("the uploaded file");

    let source = app.config.data_dir.join("orphan.png");
    std::fs::write(&source, png(800)).unwrap();
    let orphan = storage::new_key();
    store.put_file(&orphan, &source).await.unwrap();

    let uploads = app.config.upload_dir();
    std::fs::create_dir_all(&uploads).unwrap();
    let abandoned = uploads.join(format!("{:032x}.part", 1));
    let arriving = uploads.join(format!("{:032x}.part", 2));
    let not_ours = uploads.join("notes.txt");
    for path in [&abandoned, &arriving, &not_ours] {
        std::fs::write(path, b"partial").unwrap();
    }
    let two_days_ago = SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    for path in [&abandoned, &not_ours] {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
    }
    let day = Duration::from_secs(24 * 3600);

    // An hour's grace: the orphan is younger than that, so it stays.
    let swept = sweep(
        &app.db,
        store.as_ref(),
        &uploads,
        day,
        Duration::from_secs(3600),
    )
    .await
    .unwrap();
    assert_eq!(
        swept,
        Swept {
            temporaries: 1,
            orphans: 0
        }
    );
    assert!(!abandoned.exists(), "the abandoned upload is gone");
    assert!(arriving.exists(), "the upload still arriving stays");
    assert!(not_ours.exists(), "only upload temporaries are touched");
    let mut keys = stored_keys(&app).await;
    keys.sort();
    let mut expected = vec![kept_key.clone(), orphan.clone()];
    expected.sort();
    assert_eq!(keys, expected);

    // Past its grace the orphan goes; the file with a row never does.
    let swept = sweep(&app.db, store.as_ref(), &uploads, day, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        swept,
        Swept {
            temporaries: 0,
            orphans: 1
        }
    );
    assert_eq!(stored_keys(&app).await, [kept_key]);
    let content = app
        .get(
            &format!(
                "/completions/{}/attachments/{}/content",
                session.id, kept["id"]
            ),
            &token,
        )
        .await;
    assert_eq!(content.status(), StatusCode::OK);
    assert_eq!(content.bytes().await.unwrap().len(), 1_500);
}

/// Every type Lectern keeps, as the tool that makes such files wrote it
/// (crates/files/fixtures/README.md): taken, named by its content, and
/// given back byte for byte.
#[tokio::test]
async fn a_real_file_of_every_kept_type_is_sniffed_and_comes_back_intact() {
    macro_rules! fixture {
        ($name:literal, $mime:literal) => {
            (
                $name,
                $mime,
                &include_bytes!(concat!("../../../files/fixtures/", $name))[..],
            )
        };
    }
    let fixtures = [
        fixture!("clip.mp4", "video/mp4"),
        fixture!("clip.webm", "video/webm"),
        fixture!("clip.mov", "video/quicktime"),
        fixture!("clip.mpeg", "video/mpeg"),
        fixture!("tone.mp3", "audio/mpeg"),
        fixture!("tone.wav", "audio/wav"),
        fixture!("tone.weba", "audio/webm"),
        fixture!(
            "minutes.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        fixture!(
            "register.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        fixture!("minutes.doc", "application/msword"),
        fixture!("register.xls", "application/vnd.ms-excel"),
        fixture!("minutes.pdf", "application/pdf"),
        fixture!("board.png", "image/png"),
        fixture!("board.jpg", "image/jpeg"),
        fixture!("board.gif", "image/gif"),
        fixture!("board.webp", "image/webp"),
    ];
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    for (name, mime, bytes) in fixtures {
        let stored: Value = json(
            upload(&app, &token, session.id, name, bytes.to_vec()).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(stored["mime_type"], mime, "{name}");
        assert_eq!(stored["size_bytes"], bytes.len(), "{name}");
        let back = app
            .get(
                &format!(
                    "/completions/{}/attachments/{}/content",
                    session.id, stored["id"]
                ),
                &token,
            )
            .await;
        assert_eq!(back.status(), StatusCode::OK, "{name}");
        assert_eq!(back.headers()[CONTENT_TYPE], mime, "{name}");
        assert!(
            back.bytes().await.unwrap()[..] == bytes[..],
            "{name} came back changed"
        );
    }
}

/// The 413 comes while the client is still sending: the server stops
/// reading at the limit instead of taking the rest to throw it away. The
/// body is chunked (no length to refuse it by up front), 2 MiB of it is
/// sent against a 1 MiB limit, and then nothing more, not even its end.
#[tokio::test]
async fn an_upload_over_the_limit_is_refused_while_it_is_still_arriving() {
    use std::io::{Read as _, Write as _};

    let Setup {
        app,
        token,
        session,
        ..
    } = setup_with(|config| config.max_upload_mb = 1).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let path = format!("/api/v1/completions/{}/attachments", session.id);
    let bearer = token.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(&address).unwrap();
        socket
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        write!(
            socket,
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {bearer}\r\n\
             Content-Type: multipart/form-data; boundary=LIMIT\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        .unwrap();
        let mut body = b"--LIMIT\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
        body.extend(png(2 * 1024 * 1024));
        let mut sent = 0;
        for chunk in body.chunks(64 * 1024) {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(chunk);
            framed.extend_from_slice(b"\r\n");
            // The server may stop reading, and close, before all is sent.
            if socket.write_all(&framed).is_err() {
                break;
            }
            sent += chunk.len();
        }
        let mut head = [0_u8; 12];
        socket.read_exact(&mut head).unwrap();
        (String::from_utf8_lossy(&head).into_owned(), sent)
    })
    .await
    .unwrap();
    let (status_line, sent) = answer;
    assert_eq!(status_line, "HTTP/1.1 413", "after {sent} bytes sent");
    assert_eq!(attachment_count(&app, &token, session.id).await, 0);
    assert!(stored_keys(&app).await.is_empty());
}

/// A file deleted from storage since its row was read (its attachment
/// deleted meanwhile, or lost) is 404, whole or in part, and the whole
/// download is not counted: it was 500, after recording the download.
#[tokio::test]
async fn a_file_gone_from_storage_is_404_and_not_counted() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup().await;
    let stored: Value = json(
        upload(&app, &token, session.id, "board.png", png(5000)).await,
        StatusCode::CREATED,
    )
    .await;
    let store = storage::from_config(&app.config).unwrap();
    for key in stored_keys(&app).await {
        store.delete(&key).await.unwrap();
    }
    let path = format!(
        "/completions/{}/attachments/{}/content",
        session.id, stored["id"]
    );
    assert_problem(app.get(&path, &token).await, StatusCode::NOT_FOUND).await;
    let part = app
        .request(reqwest::Method::GET, &path, Some(&token))
        .header(RANGE, "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_problem(part, StatusCode::NOT_FOUND).await;
    let detail: Value = json(
        app.get(&format!("/completions/{}", session.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["attachments"][0]["download_count"], 0, "{detail}");
}

/// Two deletes of one file, or of one note, sent at once: one takes it
/// away (204), the other finds it gone (404), and the audit log says it was
/// deleted once. Both answered 204 and it was logged twice.
#[tokio::test]
async fn a_file_or_note_deleted_twice_at_once_is_deleted_once() {
    let setup = setup().await;
    let Setup {
        app,
        token,
        session,
        ..
    } = &setup;
    let admin = setup.admin_token().await;
    for round in 0..3 {
        let stored: Value = json(
            upload(app, token, session.id, "a.png", png(1000)).await,
            StatusCode::CREATED,
        )
        .await;
        let note: Value = json(
            app.post(
                &format!("/completions/{}/notes", session.id),
                token,
                &serde_json::json!({"note_text": format!("Round {round}")}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        for (entity, path) in [
            (
                "attachment",
                format!("/completions/{}/attachments/{}", session.id, stored["id"]),
            ),
            (
                "note",
                format!("/completions/{}/notes/{}", session.id, note["id"]),
            ),
        ] {
            let (first, second) = tokio::join!(app.delete(&path, token), app.delete(&path, token));
            let mut statuses = [first.status(), second.status()];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::NO_CONTENT, StatusCode::NOT_FOUND],
                "{entity}, round {round}"
            );
            let id = if entity == "note" {
                &note["id"]
            } else {
                &stored["id"]
            };
            let log = app.audit_of(&admin, entity, id).await;
            let deletes = log.iter().filter(|e| e["action"] == "delete").count();
            assert_eq!(deletes, 1, "{entity}, round {round}: {log:?}");
        }
    }
}

/// A signed link acts for its maker as they stand now, as their tokens do:
/// it stops once they are deactivated, and reaches only what they may. It
/// served the file to anyone it named for its ten minutes.
#[tokio::test]
async fn a_signed_link_stops_with_its_makers_access() {
    let setup = setup().await;
    let Setup {
        app,
        branch,
        faculty,
        token,
        session,
    } = &setup;
    let stored: Value = json(
        upload(app, token, session.id, "a.png", png(1000)).await,
        StatusCode::CREATED,
    )
    .await;
    let signer = LinkSigner::new(JWT_SECRET.as_bytes());
    let link_for = |user_id: i64| {
        let link = Link {
            completion_id: session.id,
            attachment_id: stored["id"].as_i64().unwrap(),
            user_id,
            expires: chrono::Utc::now().timestamp() + 600,
        };
        app.url(&format!(
            "/api/v1/completions/{}/attachments/{}/content?user={user_id}&expires={}&sig={}",
            session.id,
            stored["id"],
            link.expires,
            signer.sign(&link)
        ))
    };
    let get = |url: String| async move { app.client.get(url).send().await.unwrap() };

    let own = get(link_for(faculty.id)).await;
    assert_eq!(own.status(), StatusCode::OK);
    let colleague = app.create_user(Role::Employee, Some(*branch)).await;
    assert_problem(get(link_for(colleague.id)).await, StatusCode::NOT_FOUND).await;

    let admin = setup.admin_token().await;
    let deactivated = app
        .patch(
            &format!("/users/{}", faculty.id),
            &admin,
            &serde_json::json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status(), StatusCode::OK);
    assert_problem(get(link_for(faculty.id)).await, StatusCode::UNAUTHORIZED).await;
}
