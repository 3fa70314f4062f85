use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json};

#[tokio::test]
async fn every_change_of_a_session_is_in_the_audit_log_for_admins() {
    let app = TestApp::spawn().await;
    let a = app.create_branch("AAA", "UTC").await;
    let b = app.create_branch("BBB", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(a)).await;
    let other_admin = app.create_user(Role::BranchAdmin, Some(b)).await;
    let faculty = app.create_user(Role::Faculty, Some(a)).await;
    let session = app.completed_session(&faculty).await;
    let faculty_token = app.login(&faculty).await;
    let admin_token = app.login(&admin).await;
    let note: Value = json(
        app.post(
            &format!("/completions/{}/notes", session.id),
            &faculty_token,
            &json!({"note_text": "Done"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let response = app
        .post(
            &format!("/completions/{}/verify", session.id),
            &admin_token,
            &json!({"completion_code": session.completion_code}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let log: Value = json(
        app.get(
            &format!("/audit?entity=session&entity_id={}", session.id),
            &admin_token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<(&str, i64)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("verify", admin.id),
            ("complete", faculty.id),
            ("create", faculty.id)
        ],
        "newest first"
    );
    let verify = &log["items"][0];
    // Who, by name, so a reader need not look the id up.
    assert_eq!(verify["actor_name"], "Test Branch admin");
    assert_eq!(log["items"][1]["actor_name"], "Test Faculty");
    assert_eq!(
        verify["details"]["completion_code"],
        session.completion_code.clone().unwrap()
    );

    let notes: Value = json(
        app.get(
            &format!("/audit?entity=note&entity_id={}", note["id"]),
            &admin_token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(notes["items"][0]["details"]["note_text"], "Done");

    let elsewhere: Value = json(
        app.get("/audit?entity=session", &app.login(&other_admin).await)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        elsewhere["items"].as_array().unwrap().is_empty(),
        "another branch's admin sees none of it"
    );
    assert_problem(
        app.get("/audit", &faculty_token).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let problem = assert_problem(
        app.get("/audit?entity=everything", &admin_token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["entity"].is_array());

    // Pages of two, followed to the end, are the whole log in order: every
    // entry once, none lost between pages.
    let whole: Value = json(
        app.get("/audit?limit=100", &admin_token).await,
        StatusCode::OK,
    )
    .await;
    let every: Vec<i64> = whole["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_i64().unwrap())
        .collect();
    assert!(every.len() > 4, "enough entries for three pages: {every:?}");
    let mut paged = Vec::new();
    let mut path = "/audit?limit=2".to_owned();
    loop {
        let page: Value = json(app.get(&path, &admin_token).await, StatusCode::OK).await;
        let items = page["items"].as_array().unwrap();
        assert!(
            !items.is_empty(),
            "a page promised by a cursor is not empty"
        );
        assert!(items.len() <= 2);
        paged.extend(items.iter().map(|entry| entry["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/audit?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, every);
}
