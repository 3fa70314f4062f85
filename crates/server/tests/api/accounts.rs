//! Access tokens act for the account as it is now: attacks by an admin who
//! was deactivated, deleted, demoted or moved while holding a valid token.

use std::time::Duration;

use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, json};

fn new_admin(branch: i64, email: &str) -> Value {
    json!({
        "email": email, "name": "Chosen By Attacker", "role": "branch_admin",
        "branch_id": branch, "password": PASSWORD,
    })
}

#[tokio::test]
async fn a_deactivated_admin_cannot_reactivate_themselves_or_make_accounts() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "UTC").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root = app.login(&root).await;
    let rogue = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let stolen = app.login(&rogue).await;

    json::<Value>(
        app.patch(
            &format!("/users/{}", rogue.id),
            &root,
            &json!({"active": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_problem(
        app.patch(
            &format!("/users/{}", rogue.id),
            &stolen,
            &json!({"active": true}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.post("/users", &stolen, &new_admin(branch, "mole@lectern.test"))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(app.get("/me", &stolen).await, StatusCode::UNAUTHORIZED).await;
    let still: Value = json(
        app.get(&format!("/users/{}", rogue.id), &root).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["active"], false);
    assert_problem(
        app.login_response("mole@lectern.test", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_deleted_admin_is_nobody() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "UTC").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root = app.login(&root).await;
    let rogue = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let stolen = app.login(&rogue).await;

    let response = app.delete(&format!("/users/{}", rogue.id), &root).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let problem = assert_problem(
        app.post("/users", &stolen, &new_admin(branch, "mole@lectern.test"))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("no longer exists"),
        "{problem}"
    );
    assert_problem(app.get("/users", &stolen).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_demoted_or_moved_admin_acts_as_they_now_are_at_once() {
    let app = TestApp::spawn().await;
    let pune = app.create_branch("PUNE", "UTC").await;
    let delhi = app.create_branch("DELHI", "UTC").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root = app.login(&root).await;
    let admin = app.create_user(Role::BranchAdmin, Some(pune)).await;
    let token = app.login(&admin).await;
    let pune_session = app
        .completed_session(&app.create_user(Role::Faculty, Some(pune)).await)
        .await;
    let path = format!("/completions/{}", pune_session.id);
    json::<Value>(app.get(&path, &token).await, StatusCode::OK).await;

    // Moved to Delhi: Pune's sessions are out of reach with the same token.
    json::<Value>(
        app.patch(
            &format!("/users/{}", admin.id),
            &root,
            &json!({"branch_id": delhi}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_problem(app.get(&path, &token).await, StatusCode::NOT_FOUND).await;

    // Demoted to faculty: no more account making.
    json::<Value>(
        app.patch(
            &format!("/users/{}", admin.id),
            &root,
            &json!({"role": "faculty"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_problem(
        app.post("/users", &token, &new_admin(delhi, "mole@lectern.test"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(app.get("/users", &token).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn nobody_changes_their_own_role_branch_or_active_state() {
    let app = TestApp::spawn().await;
    let pune = app.create_branch("PUNE", "UTC").await;
    let delhi = app.create_branch("DELHI", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(pune)).await;
    let token = app.login(&admin).await;
    let me = format!("/users/{}", admin.id);

    for patch in [
        json!({"role": "super_admin"}),
        json!({"role": "faculty"}),
        json!({"branch_id": delhi}),
        json!({"active": false}),
    ] {
        assert_problem(app.patch(&me, &token, &patch).await, StatusCode::FORBIDDEN).await;
    }
    let renamed: Value = json(
        app.patch(
            &me,
            &token,
            &json!({"name": "Asha R.", "active": true, "role": "branch_admin"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "Asha R.");
    assert_eq!(renamed["role"], "branch_admin");
    assert_eq!(renamed["branch_id"], pune);
}

#[tokio::test]
async fn every_server_of_a_cluster_sees_a_demotion_within_its_cache_lifetime() {
    let first = TestApp::spawn_with(|config| config.account_cache_seconds = 1).await;
    let second = first.spawn_sibling().await;
    let branch = first.create_branch("PUNE", "UTC").await;
    let root = first.create_user(Role::SuperAdmin, None).await;
    let root = first.login(&root).await;
    let admin = first.create_user(Role::BranchAdmin, Some(branch)).await;
    let token = first.login(&admin).await;
    // The second server has read the account as an admin's.
    json::<Value>(second.get("/users", &token).await, StatusCode::OK).await;

    json::<Value>(
        first
            .patch(
                &format!("/users/{}", admin.id),
                &root,
                &json!({"active": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_problem(first.get("/users", &token).await, StatusCode::UNAUTHORIZED).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_problem(second.get("/users", &token).await, StatusCode::UNAUTHORIZED).await;
}
