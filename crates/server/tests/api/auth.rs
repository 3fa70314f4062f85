use lectern_api_types::Role;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE, USER_AGENT};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, json};

#[tokio::test]
async fn signing_in_answers_a_bearer_token_and_an_http_only_refresh_cookie() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "Asia/Kolkata").await;
    let user = app.create_user(Role::Faculty, Some(branch)).await;

    let response = app
        .login_response(&user.email.to_uppercase(), PASSWORD)
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .expect("a refresh cookie")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lectern_refresh="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    // The token is dated the second its refresh token was stored, so a
    // slow machine may answer a second or two after that.
    let expires_in = body["expires_in"].as_u64().expect("expires_in");
    assert!((895..=900).contains(&expires_in), "{body}");
    assert_eq!(body["user"]["email"], user.email);
    assert!(
        body.get("refresh_token").is_none(),
        "the cookie carries it: {body}"
    );
    assert!(
        !body.to_string().contains("argon2"),
        "no hash leaves the server"
    );

    let token = body["access_token"].as_str().unwrap();
    let me: Value = json(app.get("/me", token).await, StatusCode::OK).await;
    assert_eq!(me["id"], user.id);
    assert_eq!(me["role"], "faculty");
    assert!(me.get("password_hash").is_none() && me.get("password").is_none());
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::SuperAdmin, None).await;

    let wrong = assert_problem(
        app.login_response(&user.email, "not the password").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let unknown = assert_problem(
        app.login_response("nobody@lectern.test", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    assert_eq!(wrong["detail"], unknown["detail"]);
}

#[tokio::test]
async fn deactivated_accounts_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let branch = app.create_branch("HQ", "UTC").await;
    let user = app.create_user(Role::Employee, Some(branch)).await;
    let token = app.login(&admin).await;

    let response = app
        .patch(
            &format!("/users/{}", user.id),
            &token,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let problem = assert_problem(
        app.login_response(&user.email, PASSWORD).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("deactivated"));
}

async fn login_for_body_token(app: &TestApp, email: &str) -> Value {
    let response = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD, "refresh_token_delivery": "body"}))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get(SET_COOKIE).is_none());
    json(response, StatusCode::OK).await
}

async fn refresh_with_body(app: &TestApp, token: &str) -> reqwest::Response {
    refresh_as(app, token, "lectern-tests").await
}

/// A refresh from a client that names itself `user_agent`.
async fn refresh_as(app: &TestApp, token: &str, user_agent: &str) -> reqwest::Response {
    app.client
        .post(app.api("/auth/refresh"))
        .header(USER_AGENT, user_agent)
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_sign_in() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::SuperAdmin, None).await;
    let first = login_for_body_token(&app, &user.email).await;
    let first_refresh = first["refresh_token"].as_str().unwrap().to_owned();

    let second: Value = json(
        refresh_with_body(&app, &first_refresh).await,
        StatusCode::OK,
    )
    .await;
    let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first_refresh, second_refresh);
    let me: Value = json(
        app.get("/me", second["access_token"].as_str().unwrap())
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["id"], user.id);

    // Someone else replays the spent token: refused, and the live one dies
    // with it.
    let replay = assert_problem(
        refresh_as(&app, &first_refresh, "a thief's browser").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(replay["detail"].as_str().unwrap().contains("already used"));
    assert_problem(
        refresh_with_body(&app, &second_refresh).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Another sign-in is a family of its own and still works.
    let other = login_for_body_token(&app, &user.email).await;
    let renewed = refresh_with_body(&app, other["refresh_token"].as_str().unwrap()).await;
    assert_eq!(renewed.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_client_that_spent_a_token_gets_the_same_pair_for_it_a_moment_later() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let user = app.create_user(Role::Faculty, Some(branch)).await;
    let login = login_for_body_token(&app, &user.email).await;
    let spent = login["refresh_token"].as_str().unwrap().to_owned();

    // Two tabs of one browser refresh with the same token at once.
    let (one, two) = tokio::join!(
        refresh_with_body(&app, &spent),
        refresh_with_body(&app, &spent)
    );
    let one: Value = json(one, StatusCode::OK).await;
    let two: Value = json(two, StatusCode::OK).await;
    assert_eq!(one["refresh_token"], two["refresh_token"]);
    assert_eq!(one["access_token"], two["access_token"]);
    assert_ne!(one["refresh_token"].as_str(), Some(spent.as_str()));

    // And once more, a retry after an answer lost on the way.
    let again: Value = json(refresh_with_body(&app, &spent).await, StatusCode::OK).await;
    assert_eq!(again["refresh_token"], one["refresh_token"]);

    // The sign-in lives on: the new token rotates as usual, after which the
    // old one is reuse even from the same client.
    let next = one["refresh_token"].as_str().unwrap();
    let _: Value = json(refresh_with_body(&app, next).await, StatusCode::OK).await;
    assert_problem(
        refresh_with_body(&app, &spent).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn unknown_refresh_tokens_are_refused() {
    let app = TestApp::spawn().await;
    assert_problem(
        refresh_with_body(&app, "made-up").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let empty = app
        .client
        .post(app.api("/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_problem(empty, StatusCode::UNAUTHORIZED).await;
}

fn refresh_cookie(response: &reqwest::Response) -> String {
    let header = response
        .headers()
        .get(SET_COOKIE)
        .expect("a cookie")
        .to_str()
        .unwrap();
    header.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_refresh_cookie_works_only_from_our_own_origin() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::SuperAdmin, None).await;
    let login = app.login_response(&user.email, PASSWORD).await;
    let cookie = refresh_cookie(&login);
    let refresh = |origin: Option<String>| {
        let mut request = app
            .client
            .post(app.api("/auth/refresh"))
            .header(COOKIE, cookie.clone());
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        request.send()
    };

    assert_problem(refresh(None).await.unwrap(), StatusCode::FORBIDDEN).await;
    assert_problem(
        refresh(Some("https://evil.example".into())).await.unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;

    let response = refresh(Some(app.address.clone())).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = refresh_cookie(&response);
    assert_ne!(renewed, cookie, "the cookie rotates");
    let body: Value = response.json().await.unwrap();
    assert!(body.get("refresh_token").is_none());
    assert_eq!(body["user"]["id"], user.id);
}

#[tokio::test]
async fn signing_out_revokes_the_refresh_token_and_clears_the_cookie() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::SuperAdmin, None).await;
    let session = login_for_body_token(&app, &user.email).await;
    let refresh = session["refresh_token"].as_str().unwrap();

    let response = app
        .client
        .post(app.api("/auth/logout"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_problem(
        refresh_with_body(&app, refresh).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let again = app
        .client
        .post(app.api("/auth/logout"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::NO_CONTENT,
        "signing out twice is harmless"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_even_when_it_looks_blank() {
    let app = TestApp::spawn().await;
    for path in ["/auth/logout", "/auth/refresh"] {
        for blank in ["\x0c", "\r", " \n"] {
            let response = app
                .client
                .post(app.api(path))
                .header("content-type", "application/json")
                .body(blank)
                .send()
                .await
                .unwrap();
            assert_problem(response, StatusCode::BAD_REQUEST).await;
        }
    }
    // No body at all leaves the token to the cookie: none here, so signing
    // out has nothing to end.
    let response = app
        .client
        .post(app.api("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn logins_are_rate_limited_per_account_with_retry_after() {
    let app = TestApp::spawn_with(|config| config.login_attempts_per_account = 3).await;
    let user = app.create_user(Role::SuperAdmin, None).await;

    for _ in 0..3 {
        let response = app.login_response(&user.email, "wrong password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = app.login_response(&user.email, PASSWORD).await;
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS).await;

    // The limit is per account: someone else signs in from the same address.
    let other = app.create_user(Role::SuperAdmin, None).await;
    assert_eq!(
        app.login_response(&other.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn logins_are_rate_limited_per_address_across_accounts() {
    let app = TestApp::spawn_with(|config| config.login_attempts_per_address = 2).await;
    for n in 0..2 {
        let response = app
            .login_response(&format!("guess{n}@lectern.test"), "guess")
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let user = app.create_user(Role::SuperAdmin, None).await;
    assert_problem(
        app.login_response(&user.email, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}
