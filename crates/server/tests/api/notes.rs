use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json};

#[tokio::test]
async fn notes_are_typed_signed_and_editable_by_their_author_or_an_admin() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let session = app.completed_session(&faculty).await;
    let faculty_token = app.login(&faculty).await;
    let admin_token = app.login(&admin).await;
    let notes = format!("/completions/{}/notes", session.id);

    let mine: Value = json(
        app.post(
            &notes,
            &faculty_token,
            &json!({"note_type": "follow_up", "note_text": "Catch up with Ravi"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(mine["note_type"], "follow_up");
    assert_eq!(mine["author_id"], faculty.id);
    assert_eq!(mine["author_name"], "Test Faculty");
    assert_eq!(mine["edited_at"], Value::Null);
    let plain: Value = json(
        app.post(
            &notes,
            &faculty_token,
            &json!({"note_text": "A general remark"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(plain["note_type"], "general");
    let theirs: Value = json(
        app.post(
            &notes,
            &admin_token,
            &json!({"note_type": "achievement", "note_text": "Great feedback"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let problem = assert_problem(
        app.post(
            &notes,
            &faculty_token,
            &json!({"note_type": "rant", "note_text": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["note_type"].is_array());
    let problem = assert_problem(
        app.post(&notes, &faculty_token, &json!({"note_text": "  "}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["note_text"].is_array());

    let edited: Value = json(
        app.patch(
            &format!("{notes}/{}", mine["id"]),
            &faculty_token,
            &json!({"note_text": "Caught up with Ravi", "note_type": "general"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["note_text"], "Caught up with Ravi");
    assert!(edited["edited_at"].is_string());

    assert_problem(
        app.patch(
            &format!("{notes}/{}", theirs["id"]),
            &faculty_token,
            &json!({"note_text": "Mine now"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.delete(&format!("{notes}/{}", theirs["id"]), &faculty_token)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let by_admin = app
        .patch(
            &format!("{notes}/{}", mine["id"]),
            &admin_token,
            &json!({"note_type": "issue"}),
        )
        .await;
    assert_eq!(by_admin.status(), StatusCode::OK);

    let listed: Value = json(app.get(&notes, &faculty_token).await, StatusCode::OK).await;
    let types: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["note_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["issue", "general", "achievement"]);
    let detail: Value = json(
        app.get(&format!("/completions/{}", session.id), &faculty_token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["session_notes"].as_array().unwrap().len(), 3);
    assert_eq!(detail["attachments"], json!([]));

    assert_eq!(
        app.delete(&format!("{notes}/{}", plain["id"]), &faculty_token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.delete(&format!("{notes}/{}", plain["id"]), &faculty_token)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let other_session = app.completed_session(&faculty).await;
    assert_problem(
        app.patch(
            &format!("/completions/{}/notes/{}", other_session.id, mine["id"]),
            &faculty_token,
            &json!({"note_text": "Wrong session"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
