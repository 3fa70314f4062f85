use chrono::NaiveDate;
use lectern_api_types::Role;
use lectern_api_types::schedule::Weekday;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json, sessions_of};

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_new_batch_has_one_pending_session_per_meeting_day() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&admin).await;

    let created: Value = json(
        app.post(
            "/batches",
            &token,
            &json!({
                "code": "rust-101", "name": "Rust Foundations", "faculty_id": faculty.id,
                "start_date": "2026-03-02", "end_date": "2026-03-15", "weekdays": ["wed", "mon"],
                "start_time": "09:30", "end_time": "11:00", "location": "Lab 2"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    assert_eq!(created["code"], "RUST-101");
    assert_eq!(created["branch_id"], branch);
    assert_eq!(created["weekdays"], json!(["mon", "wed"]));
    assert_eq!(created["start_time"], "09:30");
    let sessions = sessions_of(&app, &token, created["id"].as_i64().unwrap()).await;
    let starts: Vec<&str> = sessions
        .iter()
        .map(|s| s["scheduled_start"].as_str().unwrap())
        .collect();
    // 09:30 in Kolkata (UTC+05:30) is 04:00Z.
    assert_eq!(
        starts,
        [
            "2026-03-02T04:00:00Z",
            "2026-03-04T04:00:00Z",
            "2026-03-09T04:00:00Z",
            "2026-03-11T04:00:00Z"
        ]
    );
    for session in &sessions {
        assert_eq!(session["status"], "pending");
        assert_eq!(session["user_id"], faculty.id);
        assert_eq!(session["title"], "Rust Foundations");
        assert_eq!(
            session["scheduled_end"].as_str().unwrap()[11..],
            *"05:30:00Z"
        );
    }
}

#[tokio::test]
async fn local_times_hold_across_a_daylight_saving_change() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("LDN", "Europe/London").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    // Britain moves to summer time on Sunday 2026-03-29.
    let batch = app
        .create_batch(
            &admin,
            &faculty,
            "DST-1",
            &[Weekday::Fri, Weekday::Mon],
            (date("2026-03-27"), date("2026-03-30")),
        )
        .await;
    let token = app.login(&admin).await;

    let starts: Vec<String> = sessions_of(&app, &token, batch.id)
        .await
        .iter()
        .map(|s| s["scheduled_start"].as_str().unwrap().to_owned())
        .collect();

    assert_eq!(starts, ["2026-03-27T09:30:00Z", "2026-03-30T08:30:00Z"]);
}

#[tokio::test]
async fn impossible_templates_are_refused_by_field() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let elsewhere = app.create_branch("AWAY", "UTC").await;
    let token = app.login(&admin).await;
    let base = json!({
        "code": "B-1", "name": "B", "faculty_id": faculty.id, "start_date": "2026-03-02", "end_date": "2026-03-15",
        "weekdays": ["mon"], "start_time": "09:30", "end_time": "11:00"
    });
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    for (body, field) in [
        (with("end_date", json!("2026-03-01")), "end_date"),
        (with("weekdays", json!([])), "weekdays"),
        (with("weekdays", json!(["funday"])), "weekdays"),
        (with("end_time", json!("09:00")), "end_time"),
        (with("start_time", json!("9.30am")), "start_time"),
        (with("faculty_id", json!(admin.id)), "faculty_id"),
        // Another branch is one this admin does not see.
        (with("branch_id", json!(elsewhere)), "branch_id"),
    ] {
        let problem = assert_problem(
            app.post("/batches", &token, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    assert_eq!(
        app.post("/batches", &token, &base).await.status(),
        StatusCode::CREATED
    );
    let problem = assert_problem(
        app.post("/batches", &token, &base).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["errors"]["code"].is_array());

    // A change is refused on the field it sent, as a new batch is.
    let page: Value = json(app.get("/batches?q=B-1", &token).await, StatusCode::OK).await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    for (body, field) in [
        (json!({"end_time": "09:00"}), "end_time"),
        (json!({"start_time": "12:00"}), "start_time"),
        (json!({"weekdays": []}), "weekdays"),
    ] {
        let problem = assert_problem(
            app.patch(&format!("/batches/{id}"), &token, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
        assert!(problem["errors"]["slots"].is_null(), "{field}: {problem}");
    }
}

#[tokio::test]
async fn changing_a_batch_moves_only_the_sessions_still_pending() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let other = app.create_user(Role::Faculty, Some(branch)).await;
    let batch = app
        .create_batch(
            &admin,
            &faculty,
            "CHG-1",
            &[Weekday::Mon, Weekday::Wed],
            (date("2026-03-02"), date("2026-03-13")),
        )
        .await;
    let token = app.login(&admin).await;
    let faculty_token = app.login(&faculty).await;
    let sessions = sessions_of(&app, &token, batch.id).await;
    assert_eq!(sessions.len(), 4);
    // The first Monday was held; the first Wednesday was cancelled; the second Monday carries a note.
    let held = sessions[0]["id"].as_i64().unwrap();
    let response = app
        .post(
            &format!("/completions/{held}/complete"),
            &faculty_token,
            &json!({"actual_start_time": "09:35", "actual_end_time": "11:00"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cancelled = sessions[1]["id"].as_i64().unwrap();
    let response = app
        .post(
            &format!("/completions/{cancelled}/cancel"),
            &faculty_token,
            &json!({"reason": "Holiday"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let noted = sessions[2]["id"].as_i64().unwrap();
    let response = app
        .post(
            &format!("/completions/{noted}/notes"),
            &faculty_token,
            &json!({"note_text": "Bring laptops"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // Now the batch meets on Tuesdays and Thursdays at 14:00, with another teacher.
    let response = app
        .patch(&format!("/batches/{}", batch.id), &token, &json!({
            "weekdays": ["tue", "thu"], "start_time": "14:00", "end_time": "15:30", "faculty_id": other.id
        }))
        .await;
    let updated: Value = json(response, StatusCode::OK).await;
    assert_eq!(updated["weekdays"], json!(["tue", "thu"]));

    let after = sessions_of(&app, &token, batch.id).await;
    let summary: Vec<(String, String, i64)> = after
        .iter()
        .map(|s| {
            (
                s["scheduled_start"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
                s["user_id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "2026-03-02T09:30:00Z".to_owned(),
                "completed".to_owned(),
                faculty.id
            ),
            (
                "2026-03-03T14:00:00Z".to_owned(),
                "pending".to_owned(),
                other.id
            ),
            (
                "2026-03-04T09:30:00Z".to_owned(),
                "cancelled".to_owned(),
                faculty.id
            ),
            (
                "2026-03-05T14:00:00Z".to_owned(),
                "pending".to_owned(),
                other.id
            ),
            (
                "2026-03-09T09:30:00Z".to_owned(),
                "pending".to_owned(),
                faculty.id
            ),
            (
                "2026-03-10T14:00:00Z".to_owned(),
                "pending".to_owned(),
                other.id
            ),
            (
                "2026-03-12T14:00:00Z".to_owned(),
                "pending".to_owned(),
                other.id
            ),
        ],
        "history and annotated sessions stay; the rest follow the new schedule"
    );
}

#[tokio::test]
async fn only_batches_without_records_can_be_deleted() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&admin).await;
    let fresh = app
        .create_batch(
            &admin,
            &faculty,
            "DEL-1",
            &[Weekday::Mon],
            (date("2026-03-02"), date("2026-03-30")),
        )
        .await;
    let used = app
        .create_batch(
            &admin,
            &faculty,
            "DEL-2",
            &[Weekday::Tue],
            (date("2026-03-03"), date("2026-03-31")),
        )
        .await;
    let first = sessions_of(&app, &token, used.id).await[0]["id"]
        .as_i64()
        .unwrap();
    let response = app
        .post(
            &format!("/completions/{first}/cancel"),
            &token,
            &json!({"reason": "Strike"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.delete(&format!("/batches/{}", fresh.id), &token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert!(sessions_of(&app, &token, fresh.id).await.is_empty());
    assert_problem(
        app.get(&format!("/batches/{}", fresh.id), &token).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let problem = assert_problem(
        app.delete(&format!("/batches/{}", used.id), &token).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:in-use");
    assert_eq!(sessions_of(&app, &token, used.id).await.len(), 5);
}

#[tokio::test]
async fn a_branch_timezone_change_keeps_pending_sessions_on_the_wall_clock() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let batch = app
        .create_batch(
            &admin,
            &faculty,
            "TZ-1",
            &[Weekday::Mon],
            (date("2026-03-02"), date("2026-03-09")),
        )
        .await;
    let token = app.login(&root).await;

    let response = app
        .patch(
            &format!("/branches/{branch}"),
            &token,
            &json!({"timezone": "Asia/Kolkata"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let starts: Vec<String> = sessions_of(&app, &token, batch.id)
        .await
        .iter()
        .map(|s| s["scheduled_start"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(starts, ["2026-03-02T04:00:00Z", "2026-03-09T04:00:00Z"]);
}
