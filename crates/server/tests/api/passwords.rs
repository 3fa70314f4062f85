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
async fn common_passwords_are_refused_for_new_accounts() {
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

    assert_eq!(
        sign_in(&app, &admin.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

/// A stolen access token, or an admin's API token, must not lock the
/// admin out: their own password changes only where the current one is
/// asked for, and their email only by another admin.
#[tokio::test]
async fn admins_change_their_own_sign_in_only_where_the_current_password_is_asked() {
    let app = TestApp::spawn().await;
    let user = faculty(&app).await;
    let admin = app.create_user(Role::BranchAdmin, user.branch_id).await;
    let signed_in = app.login(&admin).await;
    let api_token: Value = json(
        app.post(
            "/me/tokens",
            &signed_in,
            &json!({"name": "script", "scope": "write"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let api_token = api_token["token"].as_str().unwrap().to_owned();

    for token in [&signed_in, &api_token] {
        for body in [
            json!({"password": NEW_PASSWORD}),
            json!({"email": "elsewhere@lectern.test"}),
        ] {
            assert_problem(
                app.patch(&format!("/users/{}", admin.id), token, &body)
                    .await,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
    }
    // The form sends the email it shows; unchanged, it is no change.
    let renamed: Value = json(
        app.patch(
            &format!("/users/{}", admin.id),
            &api_token,
            &json!({"email": admin.email, "name": "Renamed Admin"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "Renamed Admin");
    assert_eq!(
        sign_in(&app, &admin.email, PASSWORD).await.status(),
        StatusCode::OK,
        "the admin still signs in as before"
    );

    // Another admin still resets both.
    let other = app.create_user(Role::SuperAdmin, None).await;
    let other = app.login(&other).await;
    json::<Value>(
        app.patch(
            &format!("/users/{}", admin.id),
            &other,
            &json!({"email": "moved@lectern.test", "password": NEW_PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        sign_in(&app, "moved@lectern.test", NEW_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn guesses_at_the_current_password_count_against_the_accounts_sign_ins() {
    let app = TestApp::spawn_with(|config| config.login_attempts_per_account = 3).await;
    let user = faculty(&app).await;
    let token = app.login(&user).await;

    for _ in 0..2 {
        assert_problem(
            app.post(
                "/me/password",
                &token,
                &json!({"current_password": "a wrong guess", "new_password": NEW_PASSWORD}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    assert_problem(
        sign_in(&app, &user.email, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}
