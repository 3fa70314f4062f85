//! The SPA as a production static site: hashed files kept for a year, the
//! shell revalidated by its ETag, the brotli or gzip copy made at build
//! time sent as the client accepts, deep links answered by the shell.

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};

use crate::helpers::TestApp;

const SCRIPT: &str = "pkg/app.0123456789abcdef.js";

/// A built app as `cargo xtask spa` leaves it, each compressed copy
/// marked so the test sees which one was sent.
pub fn built() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    let files = [
        (
            "index.html",
            "<!doctype html><script src=\"/pkg/app.0123456789abcdef.js\"></script>",
        ),
        (SCRIPT, "console.log('the app');"),
    ];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::write(format!("{}.br", path.display()), format!("br of {name}")).unwrap();
        std::fs::write(format!("{}.gz", path.display()), format!("gz of {name}")).unwrap();
    }
    dir
}

async fn get(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(accept) = accept {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    request.send().await.unwrap()
}

pub fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn hashed_files_are_kept_a_year_and_sent_as_the_copy_the_client_accepts() {
    let dist = built();
    let dir = dist.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.static_dir = dir).await;
    let path = format!("/{SCRIPT}");

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), "br", format!("br of {SCRIPT}")),
        (Some("gzip"), "gzip", format!("gz of {SCRIPT}")),
        (
            Some("br;q=0, gzip;q=0.5"),
            "gzip",
            format!("gz of {SCRIPT}"),
        ),
        (None, "identity", "console.log('the app');".to_owned()),
        (
            Some("zstd"),
            "identity",
            "console.log('the app');".to_owned(),
        ),
    ] {
        let response = get(&app, &path, accept).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(header(&response, CONTENT_ENCODING), encoding, "{accept:?}");
        assert!(
            header(&response, CONTENT_TYPE).contains("javascript"),
            "{accept:?}"
        );
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&response, VARY).to_lowercase(), "accept-encoding");
        assert_eq!(response.text().await.unwrap(), body, "{accept:?}");
    }
}

#[tokio::test]
async fn the_shell_is_revalidated_and_answers_every_page_of_the_app() {
    let dist = built();
    let dir = dist.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.static_dir = dir).await;

    let shell = get(&app, "/", Some("br")).await;
    assert_eq!(shell.status(), StatusCode::OK);
    assert_eq!(header(&shell, CACHE_CONTROL), "no-cache");
    assert_eq!(header(&shell, CONTENT_ENCODING), "br");
    assert!(header(&shell, CONTENT_TYPE).starts_with("text/html"));
    let etag = header(&shell, ETAG);
    assert!(!etag.is_empty(), "the shell has an ETag");
    let again = app
        .client
        .get(app.url("/"))
        .header(ACCEPT_ENCODING, "br")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let deep = get(&app, "/sessions/12", None).await;
    assert_eq!(deep.status(), StatusCode::OK);
    assert_eq!(header(&deep, CACHE_CONTROL), "no-cache");
    assert!(deep.text().await.unwrap().starts_with("<!doctype html>"));

    for missing in [
        "/pkg/app.fedcba9876543210.js",
        "/../Cargo.toml",
        "/.hidden.js",
    ] {
        let response = get(&app, missing, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    let posted = app.client.post(app.url("/sessions")).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
    let api = get(&app, "/api/v1/no-such-route", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&api, CONTENT_TYPE), "application/problem+json");
}
