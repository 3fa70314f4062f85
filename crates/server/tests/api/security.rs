//! What an attacker tries from outside: headers that limit what a page may
//! do, files other local users could read, credentials left in logs, stale
//! ranges spliced into files, answers that say what exists in another
//! branch, and a rate-limit bucket chosen by the client.

use std::os::unix::fs::PermissionsExt as _;
use std::time::Duration;

use lectern_api_types::Role;
use lectern_server::config::DatabaseUrl;
use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::attachments::png;
use crate::cli::{lectern, serve_logged};
use crate::helpers::{PASSWORD, Seeded, TestApp, assert_problem, login_at};
use crate::spa::header;

#[tokio::test]
async fn pages_carry_a_strict_policy_and_personal_json_is_never_stored() {
    let dist = crate::spa::built();
    let dir = dist.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.static_dir = dir).await;

    let page = app.client.get(app.url("/sessions")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = header(&page, CONTENT_SECURITY_POLICY);
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {policy:?}"));
    assert_eq!(script_src, "script-src 'self' 'wasm-unsafe-eval'");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("object-src 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(header(&page, X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&page, REFERRER_POLICY), "no-referrer");

    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let me = app.get("/me", &token).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(header(&me, CACHE_CONTROL), "no-store");
    assert_eq!(header(&me, X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&me, REFERRER_POLICY), "no-referrer");
    // A problem is JSON under /api/ too.
    let refused = app.client.get(app.api("/me")).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&refused, CACHE_CONTROL), "no-store");
    // Spelled with an escape the router decodes, it is the same API answer.
    let escaped = app
        .client
        .get(app.url("/%61pi/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(escaped.status(), StatusCode::OK);
    assert_eq!(header(&escaped, CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn a_new_data_folder_and_its_database_are_the_servers_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("fresh").join("data");
    let app = TestApp::spawn_with({
        let data_dir = data_dir.clone();
        move |config| {
            if config.database_url().starts_with("sqlite:") {
                config.database_url = Some(DatabaseUrl::new(format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("lectern.sqlite").display()
                )));
            }
            config.data_dir = data_dir;
        }
    })
    .await;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data_dir), 0o700, "the data folder");
    if app.config.database_url().starts_with("sqlite:") {
        assert_eq!(
            mode(&data_dir.join("lectern.sqlite")),
            0o600,
            "the database"
        );
    }
}

/// A server process over a database with one faculty member and one
/// session of theirs, as the log tests need.
async fn logged_server(
    dir: &std::path::Path,
    data_dir: &std::path::Path,
) -> (std::process::Child, String, crate::cli::Log, Seeded, i64) {
    let seeded = Seeded::new(dir, "faculty@lectern.test").await;
    let start = chrono::Utc::now() - chrono::Duration::hours(3);
    let session = seeded
        .session("Log class", start, chrono::Duration::hours(1))
        .await;
    let (child, address, log) = serve_logged(lectern(&seeded.database, data_dir));
    (child, address, log, seeded, session.id)
}

#[tokio::test]
async fn credentials_in_a_failed_requests_url_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let (mut server, address, log, _database, session) = logged_server(dir.path(), &data_dir).await;
    let client = reqwest::Client::new();
    let token = login_at(&client, &address, "faculty@lectern.test").await;
    let form = Form::new().part(
        "file",
        Part::bytes(png(3_000))
            .file_name("board.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let file: Value = client
        .post(format!(
            "{address}/api/v1/completions/{session}/attachments"
        ))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link: Value = client
        .post(format!(
            "{address}/api/v1/completions/{session}/attachments/{}/link",
            file["id"]
        ))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = link["url"].as_str().expect("a signed link");
    let signature = url
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("sig="))
        .expect("a signature in the link")
        .to_owned();

    // The stored file cannot be opened (it became a link to itself; one
    // merely missing is a 404): following the link fails on the server,
    // which logs the failure with the request it was.
    for entry in walk(&data_dir.join("attachments")) {
        std::fs::remove_file(&entry).unwrap();
        std::os::unix::fs::symlink(&entry, &entry).unwrap();
    }
    let secret_token = "query-token-that-must-not-be-logged";
    let failed = client
        .get(format!("{address}{url}&access_token={secret_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = failed.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();

    let logged = wait_for_line(&log, "request failed").await;
    // The line closing the failed request says how it was answered.
    let answered = wait_for_line(&log, "the request was answered with an error").await;
    server.kill().unwrap();
    assert!(
        answered.contains(r#""level":"ERROR""#)
            && answered.contains(r#""http.status_code":500"#)
            && answered.contains(r#""http.route":"/api/v1/"#),
        "the failed request's level, status and route: {answered}"
    );
    let _ = server.wait();
    assert!(
        logged.contains("sig=[redacted]") && logged.contains("access_token=[redacted]"),
        "the failure names its request, credentials blanked: {logged}"
    );
    // Both lines name the request by the id its client was answered with,
    // so a user's report of a failure leads to its lines.
    for line in [&logged, &answered] {
        assert!(
            line.contains(&format!(r#""request_id":"{request_id}""#))
                && line.contains(r#""http.method":"GET""#),
            "the request's id and method: {line}"
        );
    }
    let whole = log.lock().unwrap().join("\n");
    assert!(!whole.contains(&signature), "the signature was logged");
    assert!(!whole.contains(secret_token), "the token was logged");
}

#[tokio::test]
async fn an_open_data_folder_from_an_older_install_is_named_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (mut server, _, log, _database, _) = logged_server(dir.path(), &data_dir).await;
    let warned = wait_for_line(&log, "can be read by other local users").await;
    server.kill().unwrap();
    let _ = server.wait();
    assert!(warned.contains("chmod 700"), "{warned}");
    assert!(warned.contains(&data_dir.display().to_string()), "{warned}");
    // Said, not done: the operator decides.
    assert_eq!(
        std::fs::metadata(&data_dir).unwrap().permissions().mode() & 0o777,
        0o755
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

async fn wait_for_line(log: &crate::cli::Log, needle: &str) -> String {
    for _ in 0..100 {
        if let Some(line) = log
            .lock()
            .unwrap()
            .iter()
            .find(|line| line.contains(needle))
        {
            return line.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no line with {needle:?} in the log:\n{}",
        log.lock().unwrap().join("\n")
    );
}

#[tokio::test]
async fn a_range_of_a_stale_copy_gets_the_whole_current_file() {
    let setup = crate::attachments::setup_with(|_| {}).await;
    let (app, token, session) = (&setup.app, &setup.token, setup.session.id);
    let file: Value = crate::helpers::json(
        crate::attachments::upload(app, token, session, "board.png", png(5_000)).await,
        StatusCode::CREATED,
    )
    .await;
    let content = format!("/completions/{session}/attachments/{}/content", file["id"]);
    let etag = header(&app.get(&content, token).await, reqwest::header::ETAG);
    let ranged = |if_range: String| {
        app.client
            .get(app.api(&content))
            .bearer_auth(token)
            .header(reqwest::header::RANGE, "bytes=0-99")
            .header(reqwest::header::IF_RANGE, if_range)
            .send()
    };
    let same = ranged(etag.clone()).await.unwrap();
    assert_eq!(same.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(same.bytes().await.unwrap().len(), 100);
    for stale in [
        "\"0000000000000000000000000000000000000000000000000000000000000000\"".to_owned(),
        format!("W/{etag}"),
        "Sat, 29 Nov 2026 08:00:00 GMT".to_owned(),
    ] {
        let whole = ranged(stale.clone()).await.unwrap();
        assert_eq!(whole.status(), StatusCode::OK, "If-Range: {stale}");
        assert_eq!(
            whole.bytes().await.unwrap().len(),
            5_000,
            "If-Range: {stale}"
        );
    }
}

#[tokio::test]
async fn taken_emails_and_codes_are_refused_without_naming_them() {
    let app = TestApp::spawn().await;
    let pune = app.create_branch("PUNE", "Asia/Kolkata").await;
    let london = app.create_branch("LDN", "Europe/London").await;
    let londoner = app.create_user(Role::Faculty, Some(london)).await;
    let pune_admin = app.create_user(Role::BranchAdmin, Some(pune)).await;
    let admin_token = app.login(&pune_admin).await;

    // An email of another branch's account.
    let problem = assert_problem(
        app.post(
            "/users",
            &admin_token,
            &json!({
                "email": londoner.email,
                "name": "Somebody",
                "role": "faculty",
                "password": PASSWORD,
            }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    let said = problem.to_string();
    assert!(!said.contains(&londoner.email), "{said}");
    assert!(problem["errors"]["email"].is_array(), "{said}");

    // A batch code of another branch.
    let london_admin = app.create_user(Role::BranchAdmin, Some(london)).await;
    let teacher = app.create_user(Role::Faculty, Some(pune)).await;
    let dates = (
        chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 2, 5).unwrap(),
    );
    app.create_batch(
        &london_admin,
        &londoner,
        "SECRET-LDN-7",
        &[lectern_api_types::schedule::Weekday::Mon],
        dates,
    )
    .await;
    let problem = assert_problem(
        app.post(
            "/batches",
            &admin_token,
            &json!({
                "code": "secret-ldn-7",
                "name": "Evening class",
                "faculty_id": teacher.id,
                "start_date": "2026-01-05",
                "end_date": "2026-02-05",
                "weekdays": ["mon"],
                "start_time": "18:00",
                "end_time": "19:00",
            }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    let said = problem.to_string();
    assert!(
        !said.to_ascii_uppercase().contains("SECRET-LDN-7"),
        "{said}"
    );
    assert!(problem["errors"]["code"].is_array(), "{said}");

    // A completion code another branch's session carries.
    let recorded = app.completed_session(&londoner).await;
    let code = recorded.completion_code.clone().expect("a completion code");
    let session = app
        .ad_hoc_session(&teacher, chrono::Utc::now() - chrono::Duration::hours(2))
        .await;
    let problem = assert_problem(
        app.post(
            &format!("/completions/{}/complete", session.id),
            &app.login(&teacher).await,
            &json!({
                "actual_start_time": (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339(),
                "actual_end_time": (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339(),
                "completion_code": code,
            }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    let said = problem.to_string();
    assert!(!said.contains(&code), "{said}");
    assert!(problem["errors"]["completion_code"].is_array(), "{said}");
}

#[tokio::test]
async fn the_client_address_is_read_past_trusted_proxies_only() {
    let behind_proxy = TestApp::spawn_with(|config| {
        config.trusted_proxies = "127.0.0.1, ::1".parse().unwrap();
        config.login_attempts_per_address = 3;
    })
    .await;
    let attempt = |app: &TestApp, n: usize, forwarded: String| {
        app.client
            .post(app.api("/auth/login"))
            .header("x-forwarded-for", forwarded)
            .json(
                &json!({"email": format!("nobody{n}@lectern.test"), "password": "wrong password"}),
            )
            .send()
    };
    // The client writes a different address of its own each time; the
    // proxy appends the one it saw, which is the one counted.
    for n in 0..3 {
        let answer = attempt(&behind_proxy, n, format!("10.9.9.{n}, 203.0.113.5"))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let limited = attempt(&behind_proxy, 3, "10.9.9.77, 203.0.113.5".into())
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let other_client = attempt(&behind_proxy, 4, "203.0.113.6".into())
        .await
        .unwrap();
    assert_eq!(other_client.status(), StatusCode::UNAUTHORIZED);

    // Without trusted proxies the header is not read at all: every attempt
    // is the connection's.
    let direct = TestApp::spawn_with(|config| config.login_attempts_per_address = 3).await;
    for n in 0..3 {
        let answer = attempt(&direct, n, format!("203.0.113.{n}")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let limited = attempt(&direct, 3, "203.0.113.99".into()).await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// HTTP/2 never reaches the h2 crate actix-http carries (deny.toml says why
/// its advisory does not apply): a connection that opens with HTTP/2's
/// preface is read as HTTP/1.1 and refused as such.
#[tokio::test]
async fn an_http2_connection_is_answered_as_http1_only() {
    use std::io::{Read as _, Write as _};

    let app = TestApp::spawn().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(address).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        socket
            .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            .unwrap();
        let mut answer = Vec::new();
        let _ = socket.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer:?}");
}
