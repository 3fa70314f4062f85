//! API tokens: made while signed in, shown once, kept hashed, accepted as
//! a bearer everywhere, limited by their scope, revoked, expired.

use lectern_api_types::Role;
use lectern_server::entities::api_token;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json};

async fn make(app: &TestApp, token: &str, body: Value) -> Value {
    json(
        app.post("/me/tokens", token, &body).await,
        StatusCode::CREATED,
    )
    .await
}

#[tokio::test]
async fn a_read_token_reads_and_a_write_token_writes() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let session = app
        .ad_hoc_session(&faculty, chrono::Utc::now() + chrono::Duration::days(2))
        .await;
    let signed_in = app.login(&faculty).await;

    let read = make(
        &app,
        &signed_in,
        json!({"name": "Nightly export", "scope": "read"}),
    )
    .await;
    let secret = read["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("lct_") && secret.len() > 40, "{secret}");
    assert_eq!(read["scope"], "read");
    assert!(read["expires_at"].is_null());

    // Accepted wherever an access token is, as the person it belongs to.
    let me: Value = json(app.get("/me", &secret).await, StatusCode::OK).await;
    assert_eq!(me["email"], faculty.email.as_str());
    let listed: Value = json(app.get("/completions", &secret).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["id"], session.id);
    // A read token changes nothing, and the session is as it was.
    let cancel = json!({"reason": "Room unavailable"});
    assert_problem(
        app.post(
            &format!("/completions/{}/cancel", session.id),
            &secret,
            &cancel,
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let after: Value = json(
        app.get(&format!("/completions/{}", session.id), &secret)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["status"], "pending");

    let write = make(
        &app,
        &signed_in,
        json!({"name": "Timetable sync", "scope": "write", "expires_in_days": 30}),
    )
    .await;
    let writer = write["token"].as_str().unwrap();
    assert!(write["expires_at"].is_string());
    let cancelled: Value = json(
        app.post(
            &format!("/completions/{}/cancel", session.id),
            writer,
            &cancel,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");

    // Neither kind manages tokens or the password.
    for token in [secret.as_str(), writer] {
        assert_problem(app.get("/me/tokens", token).await, StatusCode::FORBIDDEN).await;
        assert_problem(
            app.post(
                "/me/tokens",
                token,
                &json!({"name": "More", "scope": "write"}),
            )
            .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        // Spelled with escapes the router decodes, they are the same routes.
        assert_problem(app.get("/me/tok%65ns", token).await, StatusCode::FORBIDDEN).await;
        assert_problem(
            app.post(
                "/me/tok%65ns",
                token,
                &json!({"name": "More", "scope": "write"}),
            )
            .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert_problem(
            app.post(
                "/me/password",
                token,
                &json!({"current_password": "x", "new_password": "a brand new password"}),
            )
            .await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
}

#[tokio::test]
async fn tokens_are_shown_once_kept_hashed_and_refused_once_revoked_or_expired() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let other = app.create_user(Role::Faculty, Some(branch)).await;
    let signed_in = app.login(&faculty).await;
    let made = make(&app, &signed_in, json!({"name": "Script", "scope": "read"})).await;
    let secret = made["token"].as_str().unwrap();
    let id = made["id"].as_i64().unwrap();

    let stored = api_token::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.token_hash.contains(secret) && stored.token_hash.len() == 64);
    assert!(stored.last_used_at.is_none());
    app.get("/me", secret).await;
    let stored = api_token::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.last_used_at.is_some(), "the use was noted");

    let page: Value = json(app.get("/me/tokens", &signed_in).await, StatusCode::OK).await;
    let listed = &page["items"];
    assert_eq!(listed.as_array().unwrap().len(), 1, "{page}");
    assert_eq!(listed[0]["name"], "Script");
    assert!(
        listed[0].get("token").is_none(),
        "the secret is never shown again"
    );
    assert!(listed[0]["last_used_at"].is_string());

    // Another person neither sees nor revokes it.
    let theirs = app.login(&other).await;
    let none: Value = json(app.get("/me/tokens", &theirs).await, StatusCode::OK).await;
    assert_eq!(none, json!({"items": []}));
    assert_problem(
        app.delete(&format!("/me/tokens/{id}"), &theirs).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.get("/me", secret).await.status(), StatusCode::OK);

    let revoked = app.delete(&format!("/me/tokens/{id}"), &signed_in).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("/me", secret).await, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.delete(&format!("/me/tokens/{id}"), &signed_in).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // An expired token is refused like a revoked one.
    let expiring = make(
        &app,
        &signed_in,
        json!({"name": "Old", "scope": "read", "expires_in_days": 1}),
    )
    .await;
    let old = expiring["token"].as_str().unwrap();
    assert_eq!(app.get("/me", old).await.status(), StatusCode::OK);
    api_token::ActiveModel {
        id: Set(expiring["id"].as_i64().unwrap()),
        expires_at: Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1))),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    assert_problem(app.get("/me", old).await, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get("/me", "lct_not-a-token-anyone-made").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // A deactivated account's tokens stop with it.
    let live = make(&app, &signed_in, json!({"name": "Live", "scope": "write"})).await;
    let live = live["token"].as_str().unwrap();
    let director = app.create_user(Role::SuperAdmin, None).await;
    let director = app.login(&director).await;
    let deactivated = app
        .patch(
            &format!("/users/{}", faculty.id),
            &director,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status(), StatusCode::OK);
    assert_problem(app.get("/me", live).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn bad_token_requests_name_the_field() {
    let app = TestApp::spawn().await;
    let faculty = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&faculty).await;
    for (body, field) in [
        (json!({"name": "", "scope": "read"}), "name"),
        (json!({"name": "X", "scope": "admin"}), "scope"),
        (
            json!({"name": "X", "scope": "read", "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"name": "X", "scope": "read", "expires_in_days": 5000}),
            "expires_in_days",
        ),
    ] {
        let problem = assert_problem(
            app.post("/me/tokens", &token, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{body}: {problem}");
    }
    let listed: Value = json(app.get("/me/tokens", &token).await, StatusCode::OK).await;
    assert_eq!(listed, json!({"items": []}), "nothing was made");
    let anonymous = app.client.get(app.api("/me/tokens")).send().await.unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

/// One's tokens page like every list, newest first.
#[tokio::test]
async fn ones_tokens_page_newest_first() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let signed_in = app.login(&faculty).await;
    let mut made = Vec::new();
    for name in ["First", "Second", "Third"] {
        let token = make(&app, &signed_in, json!({"name": name, "scope": "read"})).await;
        made.push(token["id"].as_i64().unwrap());
    }
    made.reverse();
    assert_eq!(
        app.ids_of_every_page("/me/tokens?limit=2", &signed_in, 2)
            .await,
        made
    );
}
