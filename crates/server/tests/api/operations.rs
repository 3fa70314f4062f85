//! What operators and integrators rely on besides the API itself.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, json};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let health: Value = json(
        app.client.get(app.url("/healthz")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(health["status"], "ok");
    let ready: Value = json(
        app.client.get(app.url("/readyz")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(ready["status"], "ready");
}

#[tokio::test]
async fn responses_carry_a_request_id_and_requests_are_counted() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = response
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let series = request_series(&app).await;
    assert!(
        series
            .iter()
            .any(|series| series.contains("endpoint=\"/healthz\"")),
        "{series:?}"
    );
}

#[tokio::test]
async fn the_served_spec_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let served: Value = json(
        app.client
            .get(app.api("/openapi.json"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let committed: Value =
        serde_json::from_str(include_str!("../../../../openapi/openapi.json")).unwrap();
    assert!(
        served == committed,
        "openapi/openapi.json is out of date: run `cargo xtask openapi` and commit the result"
    );
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary_without_outside_resources() {
    let app = TestApp::spawn().await;
    let redirect = app.client.get(app.url("/api/docs")).send().await.unwrap();
    assert!(redirect.status().is_redirection());

    let page = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("://"),
        "the page loads nothing from elsewhere: {html}"
    );

    let config = app
        .client
        .get(app.url("/api/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let config: String = config.split_whitespace().collect();
    assert!(
        config.contains("\"url\":\"/api/v1/openapi.json\""),
        "{config}"
    );
    assert!(config.contains("\"validatorUrl\":\"none\""), "{config}");
}

#[test]
fn the_committed_spec_is_byte_for_byte_what_the_code_generates() {
    let committed = include_str!("../../../../openapi/openapi.json");
    assert!(
        committed == lectern_server::openapi::document_json(),
        "openapi/openapi.json is out of date: run `cargo xtask openapi` and commit the result"
    );
}

/// The `lectern_http_requests_total` series `/metrics` reports.
async fn request_series(app: &TestApp) -> Vec<String> {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|line| line.starts_with("lectern_http_requests_total{"))
        .map(|line| {
            line.rsplit_once(' ')
                .map_or(line, |(series, _)| series)
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn no_request_can_add_series_to_the_metrics() {
    let app = TestApp::spawn().await;
    let invent = |n: usize| {
        let name = format!("{}{n}", "X".repeat(200));
        let method = reqwest::Method::from_bytes(name.as_bytes()).unwrap();
        app.client
            .request(
                method,
                app.url(&format!("/nowhere/{n}/{}", "y".repeat(100))),
            )
            .send()
    };
    for n in 0..5 {
        invent(n).await.unwrap();
    }
    let before = request_series(&app).await;
    for n in 5..60 {
        invent(n).await.unwrap();
    }
    let after = request_series(&app).await;
    let new: Vec<&String> = after.iter().filter(|s| !before.contains(s)).collect();
    // Only /metrics's own first scrape may be new.
    assert!(
        new.iter()
            .all(|series| series.contains("endpoint=\"/metrics\"")),
        "invented methods and paths added series: {new:?}"
    );
    assert!(
        after
            .iter()
            .any(|s| s.contains("method=\"OTHER\"") && s.contains("endpoint=\"UNMATCHED\"")),
        "{after:?}"
    );
    assert!(
        after
            .iter()
            .all(|s| !s.contains("XXXX") && !s.contains("yyyy")),
        "{after:?}"
    );
}

#[tokio::test]
async fn metrics_are_their_own_answer_compressed_as_asked() {
    use crate::compression::decoded;

    // With the web app built, every unknown path is its index.html; the
    // metrics must not come out wearing its headers.
    let dist = crate::spa::built();
    let dir = dist.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.static_dir = dir).await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    for encoding in ["gzip", "br", "identity"] {
        let response = app
            .client
            .get(app.url("/metrics"))
            .header(reqwest::header::ACCEPT_ENCODING, encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert!(headers.get(reqwest::header::ETAG).is_none(), "{headers:?}");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain"),
            "{headers:?}"
        );
        let sent = headers
            .get(reqwest::header::CONTENT_ENCODING)
            .map(|value| value.to_str().unwrap().to_owned());
        let body = response.bytes().await.unwrap();
        let text = String::from_utf8(decoded(sent.as_deref(), &body)).unwrap();
        let expected = (encoding != "identity").then_some(encoding);
        assert_eq!(sent.as_deref(), expected, "{headers:?}");
        assert!(
            text.contains("lectern_http_requests_total{"),
            "{encoding}: {text}"
        );
    }
}

#[tokio::test]
async fn metrics_can_ask_for_a_token_or_live_on_an_address_of_their_own() {
    let guarded = TestApp::spawn_with(|config| {
        config.metrics_token = Some(lectern_server::config::Secret::new("scrape-me"));
    })
    .await;
    let scrape = |token: Option<&str>| {
        let request = guarded.client.get(guarded.url("/metrics"));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    assert_eq!(
        scrape(None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        scrape(Some("scrape-mf")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let allowed = scrape(Some("scrape-me")).await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    assert!(
        allowed
            .text()
            .await
            .unwrap()
            .contains("lectern_http_requests_total")
    );

    let apart =
        TestApp::spawn_with(|config| config.metrics_bind = Some("127.0.0.1:0".into())).await;
    let elsewhere = apart.metrics_address.clone().expect("a metrics address");
    apart
        .client
        .get(apart.url("/healthz"))
        .send()
        .await
        .unwrap();
    let text = apart
        .client
        .get(format!("{elsewhere}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("endpoint=\"/healthz\""),
        "the app's requests are counted there: {text}"
    );
    let on_app = apart
        .client
        .get(apart.url("/metrics"))
        .send()
        .await
        .unwrap();
    let body = on_app.text().await.unwrap();
    assert!(!body.contains("lectern_http_requests_total"), "{body}");
}

#[tokio::test]
async fn readiness_checks_that_the_file_store_takes_files() {
    let app = TestApp::spawn_with(|config| config.storage = "local".into()).await;
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);

    // The attachments folder cannot be made: a file stands in its place.
    let store = app.config.data_dir.join("attachments");
    if store.exists() {
        std::fs::remove_dir_all(&store).unwrap();
    }
    std::fs::write(&store, b"not a folder").unwrap();
    let problem = crate::helpers::assert_problem(
        app.client.get(app.url("/readyz")).send().await.unwrap(),
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("file store"),
        "{problem}"
    );
}

#[tokio::test]
async fn head_is_answered_wherever_get_is_with_the_same_head_and_no_body() {
    let setup = crate::attachments::setup_with(|_| {}).await;
    let (app, token, session) = (&setup.app, &setup.token, setup.session.id);
    let file: Value = json(
        crate::attachments::upload(
            app,
            token,
            session,
            "board.png",
            crate::attachments::png(4_000),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    for (path, with_token) in [
        ("/healthz".to_owned(), false),
        ("/api/v1/me".to_owned(), true),
        ("/api/v1/completions?limit=5".to_owned(), true),
        (
            format!(
                "/api/v1/completions/{session}/attachments/{}/content",
                file["id"]
            ),
            true,
        ),
    ] {
        let send = |method: reqwest::Method| {
            let request = app.client.request(method, app.url(&path));
            if with_token {
                request.bearer_auth(token)
            } else {
                request
            }
            .send()
        };
        let got = send(reqwest::Method::GET).await.unwrap();
        let head = send(reqwest::Method::HEAD).await.unwrap();
        assert_eq!(head.status(), got.status(), "{path}");
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        for name in [
            reqwest::header::CONTENT_TYPE,
            reqwest::header::CONTENT_LENGTH,
        ] {
            assert_eq!(
                head.headers().get(&name),
                got.headers().get(&name),
                "{path}: {name}"
            );
        }
        let got_body = got.bytes().await.unwrap();
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
        assert!(!got_body.is_empty(), "{path}");
    }
    // A route without GET still says which methods it has.
    let refused = app
        .client
        .head(app.api("/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED);
}
