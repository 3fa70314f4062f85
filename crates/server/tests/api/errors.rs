//! Whatever goes wrong, the answer is a problem+json body that says what.

use lectern_api_types::Role;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn malformed_and_misshapen_bodies_are_told_apart() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    let post = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.api("/branches"))
            .bearer_auth(&token)
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };

    let problem = assert_problem(
        post("{\"name\": ", "application/json").await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );

    let problem = assert_problem(
        post(
            r#"{"name": 5, "code": "AB", "timezone": "UTC"}"#,
            "application/json",
        )
        .await
        .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["name"].is_array(), "{problem}");

    let problem = assert_problem(
        post(r#"{"code": "AB", "timezone": "UTC"}"#, "application/json")
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["errors"]["name"][0], "is required");

    let problem = assert_problem(
        post(
            r#"{"name": "X", "code": "AB", "timezone": "UTC", "colour": "red"}"#,
            "application/json",
        )
        .await
        .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        problem.to_string().contains("colour"),
        "unknown fields are named: {problem}"
    );

    let problem = assert_problem(
        post(r#"["X", "AB", "UTC"]"#, "application/json")
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["errors"]["body"][0], "must be a JSON object",
        "serde would read a struct from an array of its fields"
    );

    let problem = assert_problem(
        post(
            r#"{"name": "   ", "code": "AB", "timezone": "UTC"}"#,
            "application/json",
        )
        .await
        .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["errors"]["name"][0], "must not be blank");

    assert_problem(
        post("name=X", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::spawn().await;
    let body = format!(
        r#"{{"email": "{}", "password": "x"}}"#,
        "a".repeat(300 * 1024)
    );
    let response = app
        .client
        .post(app.api("/auth/login"))
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn unknown_api_routes_and_bad_parameters_are_problems_too() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;

    assert_problem(
        app.get("/no-such-thing", &token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.client
            .get(app.url("/api/v2/users"))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    let problem =
        assert_problem(app.get("/users/abc", &token).await, StatusCode::BAD_REQUEST).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("path parameter")
    );
    let problem = assert_problem(
        app.get("/users?active=maybe", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["active"].is_array(), "{problem}");
    assert_problem(
        app.get("/users/999999", &token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_known_path_with_a_wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;

    let response = app
        .client
        .put(app.api("/batches/12"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, PATCH, DELETE");
    let problem = assert_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
    assert_eq!(problem["detail"], "This route answers GET, PATCH, DELETE.");

    assert_problem(
        app.client
            .put(app.api("/batches/12/nowhere"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;

    // A literal path that a parameter's route would also match: its own
    // methods, not a complaint that "export" is no id.
    let response = app
        .client
        .patch(app.api("/completions/export?format=csv"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    assert_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
    // Spelled with escapes the router decodes, they are the same paths.
    for (method, escaped, allow) in [
        (reqwest::Method::PUT, "/b%61tches/12", "GET, PATCH, DELETE"),
        (
            reqwest::Method::PATCH,
            "/completions/exp%6Frt?format=csv",
            "GET",
        ),
    ] {
        let response = app
            .client
            .request(method, app.api(escaped))
            .bearer_auth(&token)
            .json(&serde_json::json!({"version": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers().get("allow").map(|v| v.to_str().unwrap()),
            Some(allow),
            "{escaped}"
        );
        assert_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
    }
    // Where the method is served, a bad id stays a bad id.
    assert_problem(
        app.client
            .patch(app.api("/completions/abc"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"version": 1}))
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn integral_numbers_count_as_integers_in_bodies_but_not_in_urls() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    let response = app
        .client
        .post(app.api("/completion-codes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"completion_id": 999_999.0}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(problem["detail"], "No such session.");
    let response = app
        .client
        .post(app.api("/completion-codes"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"completion_id": 1.5}))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;

    // Ids in paths and integers in queries follow the same rule.
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    for _ in 0..3 {
        app.completed_session(&faculty).await;
    }
    let session = app.completed_session(&faculty).await;
    let detail: serde_json::Value = crate::helpers::json(
        app.get(&format!("/completions/{}", session.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["id"], session.id);
    // In a URL an integer is written as one: JSON Schema's 7.0 is a JSON
    // number's spelling, not an address's.
    for path in [
        format!("/completions/{}.0", session.id),
        format!("/completions/{}.5", session.id),
        format!("/users/{}.0", faculty.id),
    ] {
        let problem = assert_problem(app.get(&path, &token).await, StatusCode::BAD_REQUEST).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("not an integer"),
            "{path}: {problem}"
        );
    }

    let page: serde_json::Value = crate::helpers::json(
        app.get(
            &format!("/completions?limit=2&user_id={}", faculty.id),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    for query in ["limit=2.0", "limit=2.5", "limit=2e0"] {
        let problem = assert_problem(
            app.get(&format!("/completions?{query}"), &token).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"]["limit"].is_array(), "{query}: {problem}");
    }
}

/// Dates past the year 9999 (chrono reads years up to 262,142) are refused
/// as the field they came in, never left to overflow the date arithmetic
/// behind them, which dropped the connection without an answer.
#[tokio::test]
async fn dates_beyond_the_year_9999_are_refused_where_they_came_in() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    let branch = app.create_branch("HQ", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;

    let problem = assert_problem(
        app.get(
            "/stats/breakdown?group_by=week&from=%2B262142-12-25&to=%2B262142-12-31",
            &token,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["from"].is_array(), "{problem}");

    let holiday = serde_json::json!({"date": "+262142-12-31", "name": "The end"});
    let problem = assert_problem(
        app.post(&format!("/branches/{branch}/holidays"), &token, &holiday)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["date"].is_array(), "{problem}");

    let session = serde_json::json!({
        "title": "Extra class",
        "user_id": faculty.id,
        "scheduled_start": "+10000-01-01T09:00:00Z",
        "scheduled_end": "+10000-01-01T10:00:00Z",
    });
    let problem = assert_problem(
        app.post("/completions", &token, &session).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["scheduled_start"].is_array(), "{problem}");
}

/// A date or instant on the first or last day of the four-digit years is
/// refused where it came in: a branch's time zone would carry it, or the
/// day after it, out of them, where the databases neither hold nor
/// compare what the server writes. A session at 20:00 UTC on 9999-12-31
/// fell on 10000-01-01 in Kolkata, and asking a code for it killed the
/// worker; a sitting at 22:00 in New York on that day failed to store on
/// SQLite; cursors and holiday filters before the year 1 failed on
/// PostgreSQL and MariaDB; `to=9999-12-31` matched nothing on SQLite.
#[tokio::test]
async fn dates_a_time_zone_would_carry_out_of_the_four_digit_years_are_refused() {
    use serde_json::json;

    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    let kolkata = app.create_branch("IN", "Asia/Kolkata").await;
    let new_york = app.create_branch("NY", "America/New_York").await;
    let faculty = app.create_user(Role::Faculty, Some(kolkata)).await;
    let late_faculty = app.create_user(Role::Faculty, Some(new_york)).await;
    let refused = |field: &'static str| {
        move |problem: serde_json::Value| {
            assert!(problem["errors"][field].is_array(), "{field}: {problem}");
        }
    };

    let session = |start: &str, end: &str| json!({"title": "Extra class", "user_id": faculty.id, "scheduled_start": start, "scheduled_end": end});
    refused("scheduled_start")(
        assert_problem(
            app.post(
                "/completions",
                &token,
                &session("9999-12-31T20:00:00Z", "9999-12-31T21:00:00Z"),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await,
    );
    let inside: serde_json::Value = crate::helpers::json(
        app.post(
            "/completions",
            &token,
            &session("9999-12-30T17:00:00Z", "9999-12-30T18:00:00Z"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let code: serde_json::Value = crate::helpers::json(
        app.post(
            "/completion-codes",
            &token,
            &json!({"completion_id": inside["id"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        code["completion_code"]
            .as_str()
            .is_some_and(|code| code.starts_with("ADHOC-99991230-")),
        "22:30 on 9999-12-30 in Kolkata: {code}"
    );

    let batch: serde_json::Value = crate::helpers::json(
        app.post(
            "/batches",
            &token,
            &json!({
                "code": "NY-LATE", "name": "Late class", "faculty_id": late_faculty.id,
                "start_date": "2026-11-02", "end_date": "2026-11-02", "weekdays": ["mon"],
                "start_time": "22:00", "end_time": "23:00",
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    refused("date")(
        assert_problem(
            app.post(
                &format!("/batches/{}/sittings", batch["id"]),
                &token,
                &json!({"date": "9999-12-31", "start_time": "22:00", "end_time": "23:00"}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await,
    );
    refused("end_date")(
        assert_problem(
            app.patch(
                &format!("/batches/{}", batch["id"]),
                &token,
                &json!({"start_date": "9999-12-27", "end_date": "9999-12-31", "weekdays": ["fri"]}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await,
    );

    for (query, field) in [
        ("to=9999-12-31", "to"),
        ("from=9999-12-30T22:00:00-05:00", "from"),
        ("cursor=-300000000000.1", "cursor"),
        ("sort=completed_at&cursor=c-300000000000.1", "cursor"),
    ] {
        refused(field)(
            assert_problem(
                app.get(&format!("/completions?{query}"), &token).await,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await,
        );
    }
    for (query, field) in [
        ("from=-5000-01-01", "from"),
        ("to=9999-12-31", "to"),
        ("cursor=-5000-01-01", "cursor"),
    ] {
        refused(field)(
            assert_problem(
                app.get(&format!("/branches/{kolkata}/holidays?{query}"), &token)
                    .await,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await,
        );
    }
}

/// U+0000 is refused on the field that holds it, on every database alike:
/// PostgreSQL cannot store it and answered 500, the others kept it. The
/// rest of a body is still read, so its other mistakes are named too.
#[tokio::test]
async fn text_holding_u0000_is_refused_on_its_field_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let start = lectern_server::clock::now() + chrono::Duration::days(1);
    let session = app.ad_hoc_session(&faculty, start).await;
    let path = format!("/completions/{}", session.id);

    let note = serde_json::json!({"note_text": "Lab\u{0}moved", "note_type": "typo"});
    let problem = assert_problem(
        app.post(&format!("{path}/notes"), &token, &note).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["errors"]["note_text"][0], "must not contain the character U+0000",
        "{problem}"
    );
    assert!(problem["errors"]["note_type"].is_array(), "{problem}");

    // Looked for inside lists too, and named before the list's own type.
    let nested = serde_json::json!({"version": session.version, "notes": ["a\u{0}"]});
    let problem = assert_problem(
        app.patch(&path, &token, &nested).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["errors"]["notes"][0], "must not contain the character U+0000",
        "{problem}"
    );
    let patch = serde_json::json!({"version": session.version, "notes": "Chapter 3\u{0}"});
    let problem = assert_problem(
        app.patch(&path, &token, &patch).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["notes"].is_array(), "{problem}");

    let problem = assert_problem(
        app.get("/completions?q=Extra%00", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["q"].is_array(), "{problem}");

    let form = reqwest::multipart::Form::new()
        .text("description", "Board\u{0}")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec())
                .file_name("notes.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let upload = app
        .client
        .post(app.api(&format!("{path}/attachments")))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(upload, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem["errors"]["description"].is_array(), "{problem}");

    let kept: serde_json::Value = app.get(&path, &token).await.json().await.unwrap();
    assert_eq!(kept["version"], session.version, "{kept}");
    assert_eq!(kept["notes"], serde_json::Value::Null, "{kept}");
    assert_eq!(kept["attachment_count"], 0, "{kept}");
    let notes: serde_json::Value = app
        .get(&format!("{path}/notes"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes["items"], serde_json::json!([]), "{notes}");
}

/// A password is hashed, never stored as text: it may hold U+0000 like
/// any other character, and signs in with it.
#[tokio::test]
async fn a_password_may_hold_u0000() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    let password = "Night\u{0}train to Pune, platform 4";
    let made = app
        .post(
            "/users",
            &token,
            &serde_json::json!({
                "email": "nul@lectern.test", "name": "Asha Rao", "role": "faculty",
                "branch_id": branch, "password": password,
            }),
        )
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let signed_in = app
        .client
        .post(app.api("/auth/login"))
        .json(&serde_json::json!({"email": "nul@lectern.test", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
}
