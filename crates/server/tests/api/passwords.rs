//! Passwords people manage: changing one's own, an admin's reset that
//! must be replaced at next sign-in, and the common ones refused.

use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, TestUser, assert_problem, json};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Signs in asking for the refresh token in the body.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.api("/auth/login"))
        .json(&json!({"email": email, "password": password, "refresh_token_delivery": "body"}))
        .send()
        .await
        .unwrap()
}

async fn refresh(app: &TestApp, token: &str) -> StatusCode {
    app.client
        .post(app.api("/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn faculty(app: &TestApp) -> TestUser {
    let branch = app.create_branch("PUNE", "UTC").await;
    app.create_user(Role::Faculty, Some(branch)).await
}

#[tokio::test]
async fn changing_ones_password_ends_every_other_sign_in() {
    let app = TestApp::spawn().await;
    let user = faculty(&app).await;
    let phone: Value = json(sign_in(&app, &user.email, PASSWORD).await, StatusCode::OK).await;
    let laptop: Value = json(sign_in(&app, &user.email, PASSWORD).await, StatusCode::OK).await;

    let changed: Value = json(
        app.post(
            "/me/password",
            laptop["access_token"].as_str().unwrap(),
            &json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "refresh_token_delivery": "body"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(
        refresh(&app, phone["refresh_token"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&app, laptop["refresh_token"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&app, changed["refresh_token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    assert_problem(
        sign_in(&app, &user.email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    json::<Value>(
        sign_in(&app, &user.email, NEW_PASSWORD).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    let app = TestApp::spawn().await;
    let user = faculty(&app).await;
    let token = app.login(&user).await;

    for (body, field) in [
        (
            json!({"current_password": "not my password", "new_password": NEW_PASSWORD}),
            "current_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "password123"}),
            "new_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "QWERTYUIOP"}),
            "new_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "short"}),
            "new_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": PASSWORD}),
            "new_password",
        ),
        (json!({"new_password": NEW_PASSWORD}), "current_password"),
    ] {
        let problem = assert_problem(
            app.post("/me/password", &token, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field][0].is_string(), "{body}: {problem}");
    }
    json::<Value>(sign_in(&app, &user.email, PASSWORD).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_password_an_admin_set_must_be_replaced_before_anything_else() {
    let app = TestApp::spawn().await;
    let user = faculty(&app).await;
    let admin = app.create_user(Role::BranchAdmin, user.branch_id).await;
    let admin = app.login(&admin).await;
    let before = app.login(&user).await;

    let problem = assert_problem(
        app.patch(
            &format!("/users/{}", user.id),
            &admin,
            &json!({"password": "1q2w3e4r5t6y"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        problem["errors"]["password"][0]
            .as_str()
            .unwrap()
            .contains("common"),
        "{problem}"
    );
    let reset: Value = json(
        app.patch(
            &format!("/users/{}", user.id),
            &admin,
            &json!({"password": "temporary pass 4821"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reset["password_change_required"], true);

    // The token from before the reset is held to it as well.
    let problem = assert_problem(
        app.get("/completions", &before).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        problem["type"],
        "urn:lectern:problem:password-change-required"
    );

    let signed_in: Value = json(
        sign_in(&app, &user.email, "temporary pass 4821").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(signed_in["user"]["password_change_required"], true);
    let token = signed_in["access_token"].as_str().unwrap();
    let problem = assert_problem(app.get("/completions", token).await, StatusCode::FORBIDDEN).await;
    assert_eq!(
        problem["type"],
        "urn:lectern:problem:password-change-required"
    );
    let me: Value = json(app.get("/me", token).await, StatusCode::OK).await;
    assert_eq!(me["password_change_required"], true);

    let changed: Value = json(
        app.post(
            "/me/password",
            token,
            &json!({"current_password": "temporary pass 4821", "new_password": NEW_PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["user"]["password_change_required"], false);
    json::<Value>(
        app.get("/completions", changed["access_token"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    json::<Value>(app.get("/completions", token).await, StatusCode::OK).await;
}

#[tokio::test]
async fn common_passwords_are_refused_for_new_accounts_and_admins_own_changes() {
    let app = TestApp::spawn().await;
    let user = faculty(&app).await;
    let admin = app.create_user(Role::BranchAdmin, user.branch_id).await;
    let token = app.login(&admin).await;

    let problem = assert_problem(
        app.post(
            "/users",
            &token,
            &json!({"email": "new@lectern.test", "name": "New", "role": "faculty",
                    "branch_id": user.branch_id, "password": "Password123"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["password"][0].is_string(), "{problem}");

    // An admin choosing their own password through PATCH is not forced to change it again.
    let own: Value = json(
        app.patch(
            &format!("/users/{}", admin.id),
            &token,
            &json!({"password": NEW_PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["password_change_required"], false);
}
