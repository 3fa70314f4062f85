//! Every download is recorded: who, when, which attachment and how.

use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::attachments::{Setup, png, setup_with, upload};
use crate::helpers::{TestApp, assert_problem, json};

async fn get_bytes(
    app: &TestApp,
    url: &str,
    token: Option<&str>,
    range: Option<&str>,
) -> StatusCode {
    let mut request = app.client.get(app.url(url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(range) = range {
        request = request.header("Range", range);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    response.bytes().await.unwrap();
    status
}

#[tokio::test]
async fn every_whole_download_by_token_link_or_zip_is_recorded_for_admins_to_read() {
    let Setup {
        app,
        branch,
        faculty,
        token,
        session,
    } = setup_with(|_| {}).await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let admin_token = app.login(&admin).await;
    let file: Value = json(
        upload(&app, &token, session.id, "board.png", png(2_000)).await,
        StatusCode::CREATED,
    )
    .await;
    let base = format!(
        "/api/v1/completions/{}/attachments/{}",
        session.id, file["id"]
    );
    let downloads = format!(
        "/completions/{}/attachments/{}/downloads",
        session.id, file["id"]
    );

    // The teacher downloads it whole, then seeks in it (a range: not a download).
    assert_eq!(
        get_bytes(&app, &format!("{base}/content"), Some(&token), None).await,
        StatusCode::OK
    );
    assert_eq!(
        get_bytes(
            &app,
            &format!("{base}/content"),
            Some(&token),
            Some("bytes=0-99")
        )
        .await,
        StatusCode::PARTIAL_CONTENT
    );
    // Asking for the headers alone is not a download either.
    for url in [
        format!("{base}/content"),
        format!("/api/v1/completions/{}/attachments.zip", session.id),
    ] {
        let response = app
            .client
            .head(app.url(&url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
    }
    // The admin opens a signed link, which carries no token.
    let link: Value = json(
        app.post(
            &format!("{}/link", base.trim_start_matches("/api/v1")),
            &admin_token,
            &serde_json::json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let url = link["url"].as_str().unwrap();
    assert_eq!(get_bytes(&app, url, None, None).await, StatusCode::OK);
    // A link made for the admin cannot be passed off as someone else's.
    let forged = url.replace(
        &format!("user={}", admin.id),
        &format!("user={}", faculty.id),
    );
    assert_ne!(forged, url);
    assert_eq!(
        get_bytes(&app, &forged, None, None).await,
        StatusCode::UNAUTHORIZED
    );
    // And the teacher takes the session's ZIP.
    assert_eq!(
        get_bytes(
            &app,
            &format!("/api/v1/completions/{}/attachments.zip", session.id),
            Some(&token),
            None
        )
        .await,
        StatusCode::OK
    );

    let page: Value = json(app.get(&downloads, &admin_token).await, StatusCode::OK).await;
    let seen: Vec<(i64, &str)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["user_id"].as_i64().unwrap(), d["via"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            (faculty.id, "zip"),
            (admin.id, "link"),
            (faculty.id, "direct")
        ],
        "newest first"
    );
    assert_eq!(page["items"][0]["user_name"], "Test Faculty");
    assert!(page["items"][0]["downloaded_at"].is_string());
    let detail: Value = json(
        app.get(&format!("/completions/{}", session.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["attachments"][0]["download_count"], 3);

    let first: Value = json(
        app.get(&format!("{downloads}?limit=2"), &admin_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let rest: Value = json(
        app.get(
            &format!(
                "{downloads}?limit=2&cursor={}",
                first["next_cursor"].as_str().unwrap()
            ),
            &admin_token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"][0]["via"], "direct");
    assert_eq!(rest["next_cursor"], Value::Null);
}

#[tokio::test]
async fn only_admins_in_scope_read_who_downloaded_a_file() {
    let Setup {
        app,
        token,
        session,
        ..
    } = setup_with(|_| {}).await;
    let file: Value = json(
        upload(&app, &token, session.id, "board.png", png(500)).await,
        StatusCode::CREATED,
    )
    .await;
    let downloads = format!(
        "/completions/{}/attachments/{}/downloads",
        session.id, file["id"]
    );

    assert_problem(app.get(&downloads, &token).await, StatusCode::FORBIDDEN).await;
    let elsewhere = app.create_branch("DELHI", "UTC").await;
    let stranger = app.create_user(Role::BranchAdmin, Some(elsewhere)).await;
    let stranger = app.login(&stranger).await;
    assert_problem(app.get(&downloads, &stranger).await, StatusCode::NOT_FOUND).await;
}
