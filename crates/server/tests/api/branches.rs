use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json};

#[tokio::test]
async fn super_admins_manage_branches() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;

    let created: Value = json(
        app.post(
            "/branches",
            &token,
            &json!({"name": "Pune Central", "code": "pune", "timezone": "Asia/Kolkata"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["code"], "PUNE");
    assert_eq!(created["timezone"], "Asia/Kolkata");
    let id = created["id"].as_i64().unwrap();

    let updated: Value = json(
        app.patch(
            &format!("/branches/{id}"),
            &token,
            &json!({"name": "Pune Camp", "timezone": "Europe/London"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["name"], "Pune Camp");
    assert_eq!(updated["timezone"], "Europe/London");
    assert_eq!(updated["code"], "PUNE");

    let fetched: Value = json(
        app.get(&format!("/branches/{id}"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fetched, updated);

    assert_eq!(
        app.delete(&format!("/branches/{id}"), &token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.get(&format!("/branches/{id}"), &token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn branch_codes_are_unique_and_timezones_real() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    app.create_branch("PUNE", "Asia/Kolkata").await;

    let problem = assert_problem(
        app.post(
            "/branches",
            &token,
            &json!({"name": "Again", "code": "Pune", "timezone": "Asia/Kolkata"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["errors"]["code"].is_array());

    let problem = assert_problem(
        app.post(
            "/branches",
            &token,
            &json!({"name": "Mars", "code": "MARS", "timezone": "Mars/Olympus"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["timezone"].is_array());
}

#[tokio::test]
async fn a_branch_with_staff_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let branch = app.create_branch("HQ", "UTC").await;
    app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&admin).await;

    let problem = assert_problem(
        app.delete(&format!("/branches/{branch}"), &token).await,
        StatusCode::CONFLICT,
    )
    .await;

    assert_eq!(problem["type"], "urn:lectern:problem:in-use");
    assert_eq!(
        app.get(&format!("/branches/{branch}"), &token)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn everyone_but_super_admins_lists_only_their_own_branch() {
    let app = TestApp::spawn().await;
    let own = app.create_branch("OWN", "UTC").await;
    app.create_branch("OTHER", "UTC").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let faculty = app.create_user(Role::Faculty, Some(own)).await;

    let all: Value = json(
        app.get("/branches", &app.login(&root).await).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let mine: Value = json(
        app.get("/branches", &app.login(&faculty).await).await,
        StatusCode::OK,
    )
    .await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], own);
}
