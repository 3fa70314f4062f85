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

    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|line| line.starts_with("lectern_http_requests_total{")
                && line.contains("endpoint=\"/healthz\"")),
        "{metrics}"
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
