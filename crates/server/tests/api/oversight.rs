//! Statistics: exact figures over a dataset built through the API, in each
//! caller's scope, whole and grouped.

use chrono::{Duration, Utc};
use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::attachments::{png, upload};
use crate::helpers::{TestApp, TestUser, assert_problem, json};

/// Who the dataset belongs to, and its sessions in the order they were made.
pub struct Dataset {
    pub admin: TestUser,
    pub faculty: TestUser,
    pub colleague: TestUser,
    pub outsider: TestUser,
    pub super_admin: TestUser,
    /// 1 verified (on time) · 2 late 10 min, with a file and an issue
    /// comment · 3 late 3 min, returned · 4 cancelled · 5 overdue — all the
    /// faculty member's; 6 the colleague's, late 20 min · 7 the colleague's,
    /// next week · 8 another branch's.
    pub ids: Vec<i64>,
}

async fn ad_hoc(app: &TestApp, token: &str, owner: &TestUser, start: &str, minutes: i64) -> i64 {
    let start: chrono::DateTime<Utc> = start.parse().unwrap();
    let body = json!({
        "title": "Extra class",
        "user_id": owner.id,
        "scheduled_start": start,
        "scheduled_end": start + Duration::minutes(minutes),
    });
    let created: Value = json(
        app.post("/completions", token, &body).await,
        StatusCode::CREATED,
    )
    .await;
    created["id"].as_i64().unwrap()
}

async fn complete(app: &TestApp, token: &str, id: i64, start: &str, end: &str, notes: &str) {
    let body = json!({"actual_start_time": start, "actual_end_time": end, "notes": notes});
    let response = app
        .post(&format!("/completions/{id}/complete"), token, &body)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
}

async fn code_of(app: &TestApp, token: &str, id: i64) -> String {
    let session: Value = json(
        app.get(&format!("/completions/{id}"), token).await,
        StatusCode::OK,
    )
    .await;
    session["completion_code"].as_str().unwrap().to_owned()
}

/// The sessions of March 2026 (and one next week) in a branch in Kolkata,
/// made, completed, cancelled, reviewed and commented through the API.
pub async fn dataset(app: &TestApp) -> Dataset {
    let pune = app.create_branch("PUNE", "Asia/Kolkata").await;
    let other = app.create_branch("GOA", "Asia/Kolkata").await;
    let admin = app.create_user(Role::BranchAdmin, Some(pune)).await;
    let faculty = app.create_user(Role::Faculty, Some(pune)).await;
    let colleague = app.create_user(Role::Faculty, Some(pune)).await;
    let outsider = app.create_user(Role::Faculty, Some(other)).await;
    let super_admin = app.create_user(Role::SuperAdmin, None).await;
    let (admin_token, faculty_token, colleague_token, outsider_token) = (
        app.login(&admin).await,
        app.login(&faculty).await,
        app.login(&colleague).await,
        app.login(&outsider).await,
    );
    let renamed = app
        .patch(
            &format!("/users/{}", colleague.id),
            &admin_token,
            &json!({"name": "Zoë Łukasiewicz"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed = app
        .patch(
            &format!("/users/{}", faculty.id),
            &admin_token,
            &json!({"name": "Asha Rao"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    let mut ids = Vec::new();
    let first = ad_hoc(app, &admin_token, &faculty, "2026-03-02T04:00:00Z", 60).await;
    complete(
        app,
        &faculty_token,
        first,
        "2026-03-02T04:00:00Z",
        "2026-03-02T05:00:00Z",
        "Ownership and borrowing",
    )
    .await;
    let code = code_of(app, &faculty_token, first).await;
    let verified = app
        .post(
            &format!("/completions/{first}/verify"),
            &admin_token,
            &json!({"completion_code": code}),
        )
        .await;
    assert_eq!(verified.status(), StatusCode::OK);
    ids.push(first);

    let second = ad_hoc(app, &admin_token, &faculty, "2026-03-03T04:00:00Z", 60).await;
    complete(
        app,
        &faculty_token,
        second,
        "2026-03-03T04:10:00Z",
        "2026-03-03T05:00:00Z",
        "=HYPERLINK(\"x\")",
    )
    .await;
    let uploaded = upload(app, &faculty_token, second, "board.png", png(2_000)).await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let comment = json!({"note_text": "The projector was broken", "note_type": "issue"});
    let commented = app
        .post(
            &format!("/completions/{second}/notes"),
            &faculty_token,
            &comment,
        )
        .await;
    assert_eq!(commented.status(), StatusCode::CREATED);
    ids.push(second);

    let third = ad_hoc(app, &admin_token, &faculty, "2026-03-09T04:00:00Z", 60).await;
    complete(
        app,
        &faculty_token,
        third,
        "2026-03-09T04:03:00Z",
        "2026-03-09T05:03:00Z",
        "Traits",
    )
    .await;
    let returned = app
        .post(
            &format!("/completions/{third}/return"),
            &admin_token,
            &json!({"reason": "Add the attendance sheet"}),
        )
        .await;
    assert_eq!(returned.status(), StatusCode::OK);
    ids.push(third);

    let fourth = ad_hoc(app, &admin_token, &faculty, "2026-03-10T04:00:00Z", 60).await;
    let cancelled = app
        .post(
            &format!("/completions/{fourth}/cancel"),
            &faculty_token,
            &json!({"reason": "Public holiday"}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    ids.push(fourth);

    ids.push(ad_hoc(app, &admin_token, &faculty, "2026-03-11T04:00:00Z", 60).await);

    let sixth = ad_hoc(app, &admin_token, &colleague, "2026-03-04T04:00:00Z", 90).await;
    complete(
        app,
        &colleague_token,
        sixth,
        "2026-03-04T04:20:00Z",
        "2026-03-04T05:30:00Z",
        "Lifetimes",
    )
    .await;
    ids.push(sixth);

    let next_week = (Utc::now() + Duration::days(7))
        .format("%Y-%m-%dT04:00:00Z")
        .to_string();
    ids.push(ad_hoc(app, &admin_token, &colleague, &next_week, 60).await);

    let elsewhere = ad_hoc(app, &outsider_token, &outsider, "2026-03-05T04:00:00Z", 60).await;
    complete(
        app,
        &outsider_token,
        elsewhere,
        "2026-03-05T04:00:00Z",
        "2026-03-05T05:00:00Z",
        "Goa",
    )
    .await;
    ids.push(elsewhere);

    Dataset {
        admin,
        faculty,
        colleague,
        outsider,
        super_admin,
        ids,
    }
}

async fn summary(app: &TestApp, token: &str, query: &str) -> Value {
    json(
        app.get(&format!("/stats/summary{query}"), token).await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn the_summary_counts_the_period_in_the_callers_scope() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;

    let march = summary(&app, &admin, "?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(
        march,
        json!({
            "scheduled": 6, "completed": 4, "cancelled": 1, "overdue": 1, "upcoming": 0,
            "verified": 1, "returned": 1, "unreviewed": 2,
            "on_time_rate": 0.5, "median_late_minutes": 6.5,
            "scheduled_minutes": 270, "actual_minutes": 240
        })
    );

    let everything = summary(&app, &admin, "").await;
    assert_eq!(
        (
            everything["scheduled"].as_i64(),
            everything["upcoming"].as_i64()
        ),
        (Some(7), Some(1))
    );

    let faculty = summary(&app, &app.login(&data.faculty).await, "").await;
    assert_eq!(
        faculty,
        json!({
            "scheduled": 5, "completed": 3, "cancelled": 1, "overdue": 1, "upcoming": 0,
            "verified": 1, "returned": 1, "unreviewed": 1,
            "on_time_rate": 2.0 / 3.0, "median_late_minutes": 3.0,
            "scheduled_minutes": 180, "actual_minutes": 170
        })
    );

    let all = summary(&app, &app.login(&data.super_admin).await, "?to=2026-03-31").await;
    assert_eq!(
        (all["scheduled"].as_i64(), all["completed"].as_i64()),
        (Some(7), Some(5))
    );

    // Correcting a record's times moves its minutes in the figures.
    let faculty_token = app.login(&data.faculty).await;
    let returned = data.ids[2];
    let version = app
        .get(&format!("/completions/{returned}"), &faculty_token)
        .await
        .json::<Value>()
        .await
        .unwrap()["version"]
        .clone();
    let corrected = app
        .patch(
            &format!("/completions/{returned}"),
            &faculty_token,
            &json!({"version": version, "actual_end_time": "2026-03-09T05:33:00Z"}),
        )
        .await;
    assert_eq!(corrected.status(), StatusCode::OK);
    let march = summary(&app, &admin, "?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(
        (
            march["scheduled_minutes"].as_i64(),
            march["actual_minutes"].as_i64()
        ),
        (Some(270), Some(270))
    );

    // Another branch's figures are not the branch admin's to filter by.
    let goa = summary(
        &app,
        &admin,
        &format!("?branch_id={}", data.outsider.branch_id.unwrap()),
    )
    .await;
    assert_eq!(goa["scheduled"], 0);
    assert_eq!(goa["on_time_rate"], Value::Null);
    assert_eq!(goa["median_late_minutes"], Value::Null);
}

#[tokio::test]
async fn the_breakdown_groups_by_person_branch_and_week() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let breakdown = |group: &'static str, token: String, range: &'static str| {
        let app = &app;
        async move {
            let body: Value = json(
                app.get(&format!("/stats/breakdown?group_by={group}{range}"), &token)
                    .await,
                StatusCode::OK,
            )
            .await;
            body["items"].as_array().unwrap().clone()
        }
    };

    let people = breakdown("faculty", admin.clone(), "&from=2026-03-01&to=2026-03-31").await;
    let summary_of = |items: &[Value], key: String| {
        items
            .iter()
            .find(|item| item["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("{key} in {items:?}"))
    };
    assert_eq!(people.len(), 2);
    let asha = summary_of(&people, data.faculty.id.to_string());
    assert_eq!(asha["label"], "Asha Rao");
    assert_eq!(
        (
            asha["scheduled"].as_i64(),
            asha["completed"].as_i64(),
            asha["overdue"].as_i64()
        ),
        (Some(5), Some(3), Some(1))
    );
    assert_eq!(asha["median_late_minutes"], 3.0);
    let zoe = summary_of(&people, data.colleague.id.to_string());
    assert_eq!(zoe["label"], "Zoë Łukasiewicz");
    assert_eq!(
        (zoe["scheduled"].as_i64(), zoe["on_time_rate"].as_f64()),
        (Some(1), Some(0.0))
    );
    assert_eq!(zoe["median_late_minutes"], 20.0);
    assert_eq!(
        (
            zoe["scheduled_minutes"].as_i64(),
            zoe["actual_minutes"].as_i64()
        ),
        (Some(90), Some(70))
    );

    let weeks = breakdown("week", admin.clone(), "&from=2026-03-01&to=2026-03-15").await;
    let keys: Vec<&str> = weeks.iter().map(|w| w["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["2026-02-23", "2026-03-02", "2026-03-09"]);
    assert_eq!(weeks[0]["scheduled"], 0);
    assert_eq!(
        (
            weeks[1]["scheduled"].as_i64(),
            weeks[1]["completed"].as_i64()
        ),
        (Some(3), Some(3))
    );
    assert_eq!(weeks[1]["median_late_minutes"], 10.0);
    assert_eq!(
        (
            weeks[2]["completed"].as_i64(),
            weeks[2]["cancelled"].as_i64(),
            weeks[2]["overdue"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );

    // One day is one week, and one month one month.
    let one_week = breakdown("week", admin.clone(), "&from=2026-03-02&to=2026-03-02").await;
    assert_eq!(one_week.len(), 1);
    assert_eq!(
        (
            one_week[0]["key"].as_str(),
            one_week[0]["scheduled"].as_i64()
        ),
        (Some("2026-03-02"), Some(1))
    );
    let one_month = breakdown("month", admin.clone(), "&from=2026-03-01&to=2026-03-31").await;
    assert_eq!(one_month.len(), 1);
    assert_eq!(
        (
            one_month[0]["label"].as_str(),
            one_month[0]["scheduled"].as_i64()
        ),
        (Some("March 2026"), Some(6))
    );

    let branches = breakdown(
        "branch",
        app.login(&data.super_admin).await,
        "&to=2026-03-31",
    )
    .await;
    let counts: Vec<(String, i64)> = branches
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_owned(),
                b["scheduled"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("Branch GOA".to_owned(), 1), ("Branch PUNE".to_owned(), 6)]
    );

    let batches = breakdown("batch", app.login(&data.faculty).await, "").await;
    assert_eq!(batches.len(), 1);
    assert_eq!(
        (batches[0]["key"].as_str(), batches[0]["scheduled"].as_i64()),
        (Some("adhoc"), Some(5))
    );
}

#[tokio::test]
async fn bad_statistics_requests_name_the_parameter() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let admin = app
        .login(&app.create_user(Role::BranchAdmin, Some(branch)).await)
        .await;
    for (query, field) in [
        ("/stats/breakdown?group_by=week&to=2026-03-31", "from"),
        ("/stats/breakdown?group_by=month&from=2026-03-01", "to"),
        (
            "/stats/breakdown?group_by=week&from=2020-01-01&to=2026-03-31",
            "to",
        ),
        ("/stats/breakdown?group_by=room", "group_by"),
        ("/stats/breakdown", "group_by"),
        ("/stats/summary?from=March", "from"),
    ] {
        let problem = assert_problem(
            app.get(query, &admin).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }
    let anonymous = app
        .request(reqwest::Method::GET, "/stats/summary", None)
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

/// The summary's figures as the breakdown by branch reads them straight
/// from the sessions, for the one branch of `query`.
async fn counted_from_sessions(app: &TestApp, token: &str, branch: i64, query: &str) -> Value {
    let body: Value = json(
        app.get(&format!("/stats/breakdown?group_by=branch{query}"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut item = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["key"].as_str() == Some(branch.to_string().as_str()))
        .cloned()
        .unwrap_or_else(|| panic!("branch {branch} in {body}"));
    let fields = item.as_object_mut().unwrap();
    fields.remove("key");
    fields.remove("label");
    item
}

/// A branch's summary is read mostly off per-day figures that triggers
/// keep; the breakdown by branch still counts the sessions one by one.
/// After every kind of change a session goes through, on days on either
/// side of now and across local midnights, the two must agree.
#[tokio::test]
async fn the_per_day_figures_follow_every_change_to_a_session() {
    use lectern_api_types::schedule::Weekday::*;

    let app = TestApp::spawn().await;
    let branch = app.create_branch("NYC", "America/New_York").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let super_admin = app.create_user(Role::SuperAdmin, None).await;
    let (admin_token, faculty_token) = (app.login(&admin).await, app.login(&faculty).await);
    let today = Utc::now().date_naive();
    let every_day = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    let batch = app
        .create_batch(
            &admin,
            &faculty,
            "B1",
            &every_day,
            (today - Duration::days(20), today + Duration::days(20)),
        )
        .await;
    // Late in the evening in New York is the next day in UTC.
    for hours in [-30, -3, 20, 50] {
        let start = (Utc::now() + Duration::hours(hours)).format("%Y-%m-%dT03:30:00Z");
        ad_hoc(&app, &admin_token, &faculty, &start.to_string(), 45).await;
    }
    let sittings: Vec<Value> = json::<Value>(
        app.get(
            &format!(
                "/completions?batch_id={}&sort=scheduled_start&limit=100",
                batch.id
            ),
            &admin_token,
        )
        .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone();
    let past: Vec<&Value> = sittings
        .iter()
        .filter(|s| {
            s["scheduled_end"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<Utc>>()
                .unwrap()
                < Utc::now()
        })
        .collect();
    assert!(past.len() >= 18, "{} past sittings", past.len());
    let act = |id: &Value, action: &str, body: Value, token: &str| {
        let (app, token) = (&app, token.to_owned());
        let path = format!("/completions/{id}/{action}");
        async move {
            let response = app.post(&path, &token, &body).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
        }
    };
    for (index, sitting) in past.iter().enumerate().take(16) {
        let start: chrono::DateTime<Utc> = sitting["scheduled_start"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let late = Duration::minutes([0, 3, 7, 12, 30][index % 5]);
        match index % 4 {
            3 => {
                act(
                    &sitting["id"],
                    "cancel",
                    json!({"reason": "Rain"}),
                    &faculty_token,
                )
                .await;
            }
            _ => {
                let began = (start + late).to_rfc3339();
                let ended = (start + late + Duration::minutes(80 + index as i64)).to_rfc3339();
                complete(
                    &app,
                    &faculty_token,
                    sitting["id"].as_i64().unwrap(),
                    &began,
                    &ended,
                    "Done",
                )
                .await;
            }
        }
    }
    // Review, return, resubmit and reopen move sessions between counters.
    let code = code_of(&app, &faculty_token, past[0]["id"].as_i64().unwrap()).await;
    act(
        &past[0]["id"],
        "verify",
        json!({"completion_code": code}),
        &admin_token,
    )
    .await;
    act(
        &past[1]["id"],
        "return",
        json!({"reason": "Add the sheet"}),
        &admin_token,
    )
    .await;
    act(
        &past[2]["id"],
        "return",
        json!({"reason": "Wrong room"}),
        &admin_token,
    )
    .await;
    act(&past[2]["id"], "resubmit", json!({}), &faculty_token).await;
    let code = code_of(&app, &faculty_token, past[5]["id"].as_i64().unwrap()).await;
    act(
        &past[5]["id"],
        "verify",
        json!({"completion_code": code}),
        &admin_token,
    )
    .await;
    act(
        &past[5]["id"],
        "reopen",
        json!({"reason": "Wrong batch"}),
        &admin_token,
    )
    .await;
    // Corrected times change the minutes and the lateness.
    let detail: Value = json(
        app.get(&format!("/completions/{}", past[4]["id"]), &faculty_token)
            .await,
        StatusCode::OK,
    )
    .await;
    let start: chrono::DateTime<Utc> = detail["scheduled_start"].as_str().unwrap().parse().unwrap();
    let corrected = app
        .patch(
            &format!("/completions/{}", past[4]["id"]),
            &faculty_token,
            &json!({
                "version": detail["version"],
                "actual_start_time": (start + Duration::minutes(41)).to_rfc3339(),
                "actual_end_time": (start + Duration::minutes(140)).to_rfc3339(),
            }),
        )
        .await;
    assert_eq!(
        corrected.status(),
        StatusCode::OK,
        "{}",
        corrected.text().await.unwrap()
    );
    // A future sitting moves to another day; a holiday cancels another.
    let future: Vec<&Value> = sittings
        .iter()
        .filter(|s| s["scheduled_start"].as_str().unwrap() > Utc::now().to_rfc3339().as_str())
        .collect();
    let moved = app
        .post(
            &format!("/occurrences/{}/reschedule", future[3]["occurrence_id"]),
            &admin_token,
            &json!({"date": today + Duration::days(25), "start_time": "19:30", "end_time": "21:00"}),
        )
        .await;
    assert_eq!(
        moved.status(),
        StatusCode::OK,
        "{}",
        moved.text().await.unwrap()
    );
    let holiday = app
        .post(
            &format!("/branches/{branch}/holidays"),
            &admin_token,
            &json!({"date": today + Duration::days(6), "name": "Founders' Day"}),
        )
        .await;
    assert_eq!(holiday.status(), StatusCode::CREATED);
    // A batch deleted takes its sessions with it.
    let gone = app
        .create_batch(
            &admin,
            &faculty,
            "B2",
            &every_day,
            (today + Duration::days(2), today + Duration::days(9)),
        )
        .await;
    let deleted = app
        .delete(&format!("/batches/{}", gone.id), &admin_token)
        .await;
    assert!(deleted.status().is_success(), "{}", deleted.status());

    let super_token = app.login(&super_admin).await;
    let day = |offset: i64| (today + Duration::days(offset)).to_string();
    let instant = |hours: i64| {
        (Utc::now() + Duration::hours(hours))
            .format("%Y-%m-%dT%H:%M:00Z")
            .to_string()
    };
    let ranges = [
        String::new(),
        format!("&from={}&to={}", day(-15), day(15)),
        format!("&from={}&to={}", day(-30), day(-2)),
        format!("&from={}", day(3)),
        format!("&to={}", day(-1)),
        format!("&from={}&to={}", instant(-200), instant(100)),
    ];
    for range in &ranges {
        for token in [&admin_token, &super_token] {
            let query = format!("?branch_id={branch}{range}");
            let summary = summary(&app, token, &query).await;
            assert_eq!(
                summary,
                counted_from_sessions(&app, token, branch, &format!("&branch_id={branch}{range}"))
                    .await,
                "{query}"
            );
        }
        let whole = summary(
            &app,
            &admin_token,
            &format!("?{}", range.trim_start_matches('&')),
        )
        .await;
        assert!(whole["scheduled"].as_i64().unwrap() > 0, "{range}: {whole}");
    }
    // The dataset reaches every counter, so no agreement above is two zeros.
    let all = summary(&app, &admin_token, "").await;
    for counter in [
        "completed",
        "cancelled",
        "overdue",
        "upcoming",
        "verified",
        "returned",
        "unreviewed",
    ] {
        assert!(all[counter].as_i64().unwrap() > 0, "{counter}: {all}");
    }
}
