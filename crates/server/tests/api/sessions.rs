use chrono::{Duration, NaiveDate, Utc};
use lectern_api_types::Role;
use lectern_api_types::schedule::Weekday;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, json};

struct Branch {
    admin: TestUser,
    faculty: TestUser,
}

async fn kolkata(app: &TestApp) -> Branch {
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    Branch {
        admin: app.create_user(Role::BranchAdmin, Some(branch)).await,
        faculty: app.create_user(Role::Faculty, Some(branch)).await,
    }
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// The first session of a Monday batch in March 2026, held long ago.
async fn march_session(app: &TestApp, people: &Branch) -> i64 {
    let batch = app
        .create_batch(
            &people.admin,
            &people.faculty,
            "RUST-101",
            &[Weekday::Mon],
            (date("2026-03-02"), date("2026-03-02")),
        )
        .await;
    let token = app.login(&people.admin).await;
    let page: Value = json(
        app.get(&format!("/completions?batch_id={}", batch.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"][0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn completing_reads_clock_times_in_the_branch_timezone_and_generates_a_code() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let id = march_session(&app, &people).await;
    let token = app.login(&people.faculty).await;

    let done: Value = json(
        app.post(&format!("/completions/{id}/complete"), &token, &json!({
            "actual_start_time": "09:35", "actual_end_time": "11:02", "notes": "  Covered ownership.  "
        }))
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(done["status"], "completed");
    assert_eq!(done["actual_start"], "2026-03-02T04:05:00Z");
    assert_eq!(done["actual_end"], "2026-03-02T05:32:00Z");
    assert_eq!(done["notes"], "Covered ownership.");
    assert_eq!(done["version"], 2);
    let code = done["completion_code"].as_str().unwrap();
    assert!(code.starts_with("RUST-101-20260302-"), "{code}");
    let suffix = &code["RUST-101-20260302-".len()..];
    assert_eq!(suffix.len(), 4);
    assert!(
        suffix
            .chars()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c))),
        "{code}"
    );
}

#[tokio::test]
async fn completing_takes_rfc3339_and_the_clients_own_code() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let id = march_session(&app, &people).await;
    let token = app.login(&people.faculty).await;

    let done: Value = json(
        app.post(&format!("/completions/{id}/complete"), &token, &json!({
            "actual_start_time": "2026-03-02T09:30:00+05:30", "actual_end_time": "2026-03-02T05:30:00Z",
            "completion_code": " rust-101-mar-02 "
        }))
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(done["actual_start"], "2026-03-02T04:00:00Z");
    assert_eq!(done["actual_end"], "2026-03-02T05:30:00Z");
    assert_eq!(done["completion_code"], "RUST-101-MAR-02");
}

#[tokio::test]
async fn impossible_times_and_codes_are_refused_by_field() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let id = march_session(&app, &people).await;
    let token = app.login(&people.faculty).await;
    let path = format!("/completions/{id}/complete");
    let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
    let cases = [
        (
            json!({"actual_start_time": "11:00", "actual_end_time": "2026-03-02T04:00:00Z"}),
            "actual_end_time",
        ),
        (
            json!({"actual_start_time": "2026-03-01T00:00:00Z", "actual_end_time": "2026-03-02T05:00:00Z"}),
            "actual_end_time",
        ),
        (
            json!({"actual_start_time": "09:30", "actual_end_time": tomorrow}),
            "actual_end_time",
        ),
        (
            json!({"actual_start_time": "9.30", "actual_end_time": "11:00"}),
            "actual_start_time",
        ),
        (
            json!({"actual_start_time": "09:30", "actual_end_time": "11:00", "completion_code": "no spaces allowed"}),
            "completion_code",
        ),
        (
            json!({"actual_start_time": "09:30", "actual_end_time": "11:00", "completion_code": "AB"}),
            "completion_code",
        ),
        (json!({"actual_end_time": "11:00"}), "actual_start_time"),
    ];
    for (body, field) in cases {
        let problem = assert_problem(
            app.post(&path, &token, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    let session: Value = json(
        app.get(&format!("/completions/{id}"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(session["status"], "pending", "nothing was recorded");
}

#[tokio::test]
async fn a_class_past_midnight_ends_the_next_day() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let id = march_session(&app, &people).await;
    let token = app.login(&people.faculty).await;

    let done: Value = json(
        app.post(
            &format!("/completions/{id}/complete"),
            &token,
            &json!({"actual_start_time": "23:00", "actual_end_time": "01:15"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(done["actual_start"], "2026-03-02T17:30:00Z");
    assert_eq!(done["actual_end"], "2026-03-02T19:45:00Z");
}

#[tokio::test]
async fn a_code_in_use_is_a_conflict() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let first = app.completed_session(&people.faculty).await;
    let second = app
        .ad_hoc_session(&people.faculty, Utc::now() - Duration::hours(5))
        .await;
    let token = app.login(&people.faculty).await;

    let problem = assert_problem(
        app.post(
            &format!("/completions/{}/complete", second.id),
            &token,
            &json!({
                "actual_start_time": (Utc::now() - Duration::hours(5)).to_rfc3339(),
                "actual_end_time": (Utc::now() - Duration::hours(4)).to_rfc3339(),
                "completion_code": first.completion_code.unwrap().to_lowercase()
            }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;

    assert_eq!(problem["type"], "urn:lectern:problem:duplicate");
    assert!(problem["errors"]["completion_code"].is_array());
}

#[tokio::test]
async fn refused_transitions_say_which_one() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let id = march_session(&app, &people).await;
    let token = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;

    let problem = assert_problem(
        app.post(
            &format!("/completions/{id}/cancel"),
            &token,
            &json!({"reason": "   "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["reason"].is_array());
    let problem = assert_problem(
        app.post(
            &format!("/completions/{id}/verify"),
            &admin,
            &json!({"completion_code": "ANYTHING"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("pending → verified"),
        "{problem}"
    );

    let cancelled: Value = json(
        app.post(
            &format!("/completions/{id}/cancel"),
            &token,
            &json!({"reason": "Public holiday"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "Public holiday");
    assert!(cancelled["cancelled_at"].is_string());

    for (action, body, refused) in [
        (
            "complete",
            json!({"actual_start_time": "09:30", "actual_end_time": "11:00"}),
            "cancelled → completed",
        ),
        (
            "cancel",
            json!({"reason": "Again"}),
            "cancelled → cancelled",
        ),
    ] {
        let problem = assert_problem(
            app.post(&format!("/completions/{id}/{action}"), &token, &body)
                .await,
            StatusCode::CONFLICT,
        )
        .await;
        assert_eq!(problem["type"], "urn:lectern:problem:invalid-transition");
        assert!(
            problem["detail"].as_str().unwrap().contains(refused),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn a_class_not_yet_started_cannot_be_recorded_as_held() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let next_week = Utc::now() + Duration::days(7);
    let session = app.ad_hoc_session(&people.faculty, next_week).await;
    let token = app.login(&people.faculty).await;
    // Instants from today are taken as sent, but the class is next week.
    let today = Utc::now() - Duration::hours(2);
    let problem = assert_problem(
        app.post(
            &format!("/completions/{}/complete", session.id),
            &token,
            &json!({"actual_start_time": today.to_rfc3339(),
                    "actual_end_time": (today + Duration::hours(1)).to_rfc3339()}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:invalid-transition");
    let unchanged: Value = json(
        app.get(&format!("/completions/{}", session.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unchanged["status"], "pending");
}

#[tokio::test]
async fn admins_verify_a_code_once_and_never_their_own() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let session = app.completed_session(&people.faculty).await;
    let code = session.completion_code.clone().unwrap();
    let path = format!("/completions/{}/verify", session.id);
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;

    assert_problem(
        app.post(&path, &faculty, &json!({"completion_code": code}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let problem = assert_problem(
        app.post(&path, &admin, &json!({"completion_code": "WRONG-CODE"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["errors"]["completion_code"][0],
        "does not match the code this session was completed with"
    );

    let verified: Value = json(
        app.post(
            &path,
            &admin,
            &json!({"completion_code": code.to_lowercase()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(verified["verified_by"], people.admin.id);
    assert!(verified["verified_at"].is_string());
    assert_eq!(verified["status"], "completed");

    let problem = assert_problem(
        app.post(&path, &admin, &json!({"completion_code": code}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("verified → verified"),
        "{problem}"
    );

    let own = app.completed_session(&people.admin).await;
    let problem = assert_problem(
        app.post(
            &format!("/completions/{}/verify", own.id),
            &admin,
            &json!({"completion_code": own.completion_code}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("owner"));
}

#[tokio::test]
async fn edits_need_the_current_version_and_a_state_that_allows_them() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let session = app.completed_session(&people.faculty).await;
    let token = app.login(&people.faculty).await;
    let path = format!("/completions/{}", session.id);

    let edited: Value = json(
        app.patch(
            &path,
            &token,
            &json!({"version": session.version, "notes": "Chapter 4"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["notes"], "Chapter 4");
    assert_eq!(edited["version"], session.version + 1);

    let problem = assert_problem(
        app.patch(
            &path,
            &token,
            &json!({"version": session.version, "notes": "Lost update"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:stale-version");

    let version = edited["version"].as_i64().unwrap();
    let problem = assert_problem(
        app.patch(
            &path,
            &token,
            &json!({"version": version, "scheduled_start": "2026-01-01T00:00:00Z"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:invalid-transition");

    let start = session.actual_start.unwrap();
    let fixed: Value = json(
        app.patch(&path, &token, &json!({"version": version, "actual_end_time": (start + Duration::minutes(50)).to_rfc3339(), "completion_code": "fixed-code-1"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fixed["completion_code"], "FIXED-CODE-1");
    assert_eq!(
        fixed["actual_end"],
        (start + Duration::minutes(50))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    );

    let pending = app
        .ad_hoc_session(&people.faculty, Utc::now() + Duration::days(2))
        .await;
    let problem = assert_problem(
        app.patch(
            &format!("/completions/{}", pending.id),
            &token,
            &json!({"version": pending.version, "completion_code": "EARLY-CODE"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("pending"));
    let moved: Value = json(
        app.patch(
            &format!("/completions/{}", pending.id),
            &token,
            &json!({"version": pending.version, "title": "Revision"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["title"], "Revision");
}

#[tokio::test]
async fn staff_create_their_own_ad_hoc_sessions_and_admins_create_them_for_staff() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let elsewhere = app.create_branch("LDN", "Europe/London").await;
    let stranger = app.create_user(Role::Faculty, Some(elsewhere)).await;
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;
    let body = |user: Option<i64>| json!({"title": "Extra revision", "scheduled_start": "2026-03-07T04:30:00Z", "scheduled_end": "2026-03-07T06:00:00Z", "user_id": user});

    let own: Value = json(
        app.post("/completions", &faculty, &body(None)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(own["user_id"], people.faculty.id);
    assert_eq!(own["status"], "pending");
    assert_eq!(own["occurrence_id"], Value::Null);
    assert_eq!(own["title"], "Extra revision");
    assert_eq!(own["timezone"], "Asia/Kolkata");

    assert_problem(
        app.post("/completions", &faculty, &body(Some(people.admin.id)))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let made: Value = json(
        app.post("/completions", &admin, &body(Some(people.faculty.id)))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(made["user_id"], people.faculty.id);
    let problem = assert_problem(
        app.post("/completions", &admin, &body(Some(stranger.id)))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["user_id"].is_array());
    let problem = assert_problem(
        app.post("/completions", &faculty, &json!({"title": "Backwards", "scheduled_start": "2026-03-07T06:00:00Z", "scheduled_end": "2026-03-07T04:00:00Z"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["scheduled_end"].is_array());
}

/// Starts given to a fraction of a second page like any other, one to a
/// page, in both directions: none skipped, none served twice.
#[tokio::test]
async fn sessions_starting_within_one_second_page_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let token = app.login(&people.admin).await;
    let mut created = Vec::new();
    for start in [
        "2026-03-07T04:30:00.500Z",
        "2026-03-07T04:30:00.500Z",
        "2026-03-07T04:30:00Z",
        "2026-03-07T04:30:00.250Z",
        "2026-03-07T04:30:01Z",
    ] {
        let body = json!({
            "title": "Extra class",
            "user_id": people.faculty.id,
            "scheduled_start": start,
            "scheduled_end": "2026-03-07T05:30:00Z",
        });
        let session: Value = json(
            app.post("/completions", &token, &body).await,
            StatusCode::CREATED,
        )
        .await;
        created.push(session["id"].as_i64().unwrap());
    }
    created.sort_unstable();
    for sort in ["-scheduled_start", "scheduled_start"] {
        let list = format!(
            "/completions?user_id={}&sort={sort}&limit=1",
            people.faculty.id
        );
        let mut seen = app
            .ids_of_every_page(&list, &token, created.len() + 1)
            .await;
        seen.sort_unstable();
        assert_eq!(seen, created, "{sort}");
    }
}

#[tokio::test]
async fn the_list_filters_and_pages_newest_first_without_gaps() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let batch = app
        .create_batch(
            &people.admin,
            &people.faculty,
            "LIST-1",
            &[Weekday::Mon, Weekday::Tue, Weekday::Wed],
            (date("2026-03-02"), date("2026-03-20")),
        )
        .await;
    let token = app.login(&people.admin).await;
    let first: Value = json(
        app.get(
            &format!("/completions?batch_id={}&limit=100", batch.id),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let all = first["items"].as_array().unwrap();
    assert_eq!(all.len(), 9);
    let done = all[3]["id"].as_i64().unwrap();
    let response = app.post(&format!("/completions/{done}/complete"), &token, &json!({"actual_start_time": "09:30", "actual_end_time": "11:00", "notes": "Unit tests with proptest"})).await;
    let completed: Value = json(response, StatusCode::OK).await;
    let code = completed["completion_code"]
        .as_str()
        .unwrap()
        .to_lowercase();

    let mut seen = Vec::new();
    let mut path = format!("/completions?batch_id={}&limit=4", batch.id);
    loop {
        let page: Value = json(app.get(&path, &token).await, StatusCode::OK).await;
        seen.extend(page["items"].as_array().unwrap().iter().map(|s| {
            (
                s["scheduled_start"].as_str().unwrap().to_owned(),
                s["id"].as_i64().unwrap(),
            )
        }));
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/completions?batch_id={}&limit=4&cursor={cursor}", batch.id);
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 9);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats: {seen:?}"
    );

    let count = |query: String| {
        let app = &app;
        let token = &token;
        async move {
            let page: Value = json(
                app.get(
                    &format!("/completions?batch_id={}&{query}", batch.id),
                    token,
                )
                .await,
                StatusCode::OK,
            )
            .await;
            page["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("status=completed".into()).await, 1);
    assert_eq!(count("status=pending".into()).await, 8);
    assert_eq!(count("q=PROPTEST".into()).await, 1);
    assert_eq!(count(format!("q={code}")).await, 1);
    assert_eq!(count("q=batch%20list".into()).await, 9);
    // Dates are whole days in the branch's timezone: 2026-03-09 to 2026-03-10.
    assert_eq!(count("from=2026-03-09&to=2026-03-10".into()).await, 2);
    assert_eq!(count("from=2026-03-09T04:00:00Z".into()).await, 6);
    assert_eq!(count(format!("user_id={}", people.admin.id)).await, 0);
    let problem = assert_problem(
        app.get("/completions?from=last-week", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["from"].is_array());
    let problem = assert_problem(
        app.get("/completions?status=done", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["status"].is_array());
}

#[tokio::test]
async fn occurrences_list_what_the_caller_still_has_to_hold_soonest_first() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let colleague = app
        .create_user(Role::Faculty, people.faculty.branch_id)
        .await;
    let today = Utc::now().date_naive();
    app.create_batch(
        &people.admin,
        &people.faculty,
        "OCC-1",
        &Weekday::ALL,
        (today - Duration::days(3), today + Duration::days(3)),
    )
    .await;
    app.create_batch(
        &people.admin,
        &colleague,
        "OCC-2",
        &Weekday::ALL,
        (today, today + Duration::days(3)),
    )
    .await;
    let token = app.login(&people.faculty).await;

    let pending: Value = json(app.get("/occurrences", &token).await, StatusCode::OK).await;
    let items = pending["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert!(
        items
            .iter()
            .all(|o| o["batch_code"] == "OCC-1" && o["user_id"] == people.faculty.id)
    );
    let starts: Vec<&str> = items
        .iter()
        .map(|o| o["scheduled_start"].as_str().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "soonest first: {starts:?}"
    );
    assert!(items[0]["completion_id"].is_i64());
    assert_eq!(items[0]["date"], (today - Duration::days(3)).to_string());

    let upcoming: Value = json(
        app.get("/occurrences?status=upcoming", &token).await,
        StatusCode::OK,
    )
    .await;
    let upcoming = upcoming["items"].as_array().unwrap();
    assert!((3..=4).contains(&upcoming.len()), "{upcoming:?}");
    let now = Utc::now().to_rfc3339();
    assert!(
        upcoming
            .iter()
            .all(|o| o["scheduled_start"].as_str().unwrap() >= &now[..19])
    );

    let first = items[0]["completion_id"].as_i64().unwrap();
    let response = app
        .post(
            &format!("/completions/{first}/cancel"),
            &token,
            &json!({"reason": "Ill"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = json(app.get("/occurrences", &token).await, StatusCode::OK).await;
    assert_eq!(after["items"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_suggested_code_fits_the_session_and_is_unused() {
    let app = TestApp::spawn().await;
    let people = kolkata(&app).await;
    let id = march_session(&app, &people).await;
    let token = app.login(&people.faculty).await;

    let suggestion: Value = json(
        app.post("/completion-codes", &token, &json!({"completion_id": id}))
            .await,
        StatusCode::OK,
    )
    .await;
    let code = suggestion["completion_code"].as_str().unwrap();
    assert!(code.starts_with("RUST-101-20260302-"), "{code}");
    let ad_hoc: Value = json(
        app.post("/completion-codes", &token, &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        ad_hoc["completion_code"]
            .as_str()
            .unwrap()
            .starts_with("ADHOC-")
    );

    let done: Value = json(
        app.post(&format!("/completions/{id}/complete"), &token, &json!({"actual_start_time": "09:30", "actual_end_time": "11:00", "completion_code": code})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["completion_code"], code);
}

#[tokio::test]
async fn a_late_start_may_say_why_and_an_on_time_one_may_not() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let start = Utc::now() - Duration::hours(3);
    let complete = async |id: i64, late: i64, reason: Value| {
        let actual = start + Duration::minutes(late);
        let body = json!({
            "actual_start_time": actual.to_rfc3339(),
            "actual_end_time": (start + Duration::hours(1)).to_rfc3339(),
            "late_reason": reason,
        });
        app.post(&format!("/completions/{id}/complete"), &token, &body)
            .await
    };

    // Five minutes is on time: no reason to give, and one given is refused
    // with nothing written.
    let on_time = app.ad_hoc_session(&faculty, start).await;
    let problem = assert_problem(
        complete(on_time.id, 5, json!("traffic")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["late_reason"].is_array(), "{problem}");
    let still: Value = json(
        app.get(&format!("/completions/{}", on_time.id), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["status"], "pending");
    let unknown = complete(on_time.id, 20, json!("weather")).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Twenty minutes late, because of the traffic.
    let late = app.ad_hoc_session(&faculty, start).await;
    let done: Value = json(
        complete(late.id, 20, json!("traffic")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["late_minutes"], 20);
    assert_eq!(done["late_reason"], "traffic");
    let read: Value = json(
        app.get(&format!("/completions/{}", late.id), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["late_reason"], "traffic");

    // The times corrected to an on-time start: the reason goes with them.
    let corrected: Value = json(
        app.patch(
            &format!("/completions/{}", late.id),
            &token,
            &json!({"version": done["version"], "actual_start_time": start.to_rfc3339()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(corrected["late_minutes"], 0);
    assert!(corrected["late_reason"].is_null(), "{corrected}");

    // Late without a reason is fine too.
    let silent = app.ad_hoc_session(&faculty, start).await;
    let done: Value = json(complete(silent.id, 30, Value::Null).await, StatusCode::OK).await;
    assert_eq!(done["late_minutes"], 30);
    assert!(done["late_reason"].is_null());
}

/// Sessions are kept and found whatever their year. MariaDB turned an
/// instant outside 32-bit Unix time (after 2038-01-19 03:14:07 UTC, before
/// 1970) into NULL when sqlx sent it as a `TIMESTAMP` parameter: a session
/// in 2040 failed to store with a 500, and a filter bounded then matched
/// nothing.
#[tokio::test]
async fn sessions_after_2038_and_before_1970_are_kept_and_found_by_their_dates() {
    let app = TestApp::spawn().await;
    let b = kolkata(&app).await;
    let token = app.login(&b.admin).await;
    for (start, end, from, to) in [
        (
            "2040-03-02T04:00:00Z",
            "2040-03-02T05:00:00Z",
            "2040-03-01",
            "2040-03-03",
        ),
        (
            "1969-07-21T02:56:00Z",
            "1969-07-21T03:56:00Z",
            "1969-07-20",
            "1969-07-22",
        ),
    ] {
        let body = json!({
            "title": "Far class", "user_id": b.faculty.id,
            "scheduled_start": start, "scheduled_end": end,
        });
        let created: Value = json(
            app.post("/completions", &token, &body).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(created["scheduled_start"], start, "{created}");

        let page: Value = json(
            app.get(&format!("/completions?from={from}&to={to}"), &token)
                .await,
            StatusCode::OK,
        )
        .await;
        let found: Vec<&Value> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|session| &session["id"])
            .collect();
        assert_eq!(found, [&created["id"]], "{from} to {to}: {page}");

        let read: Value = json(
            app.get(&format!("/completions/{}", created["id"]), &token)
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(read["scheduled_end"], end, "{read}");
    }
}
