//! Real timetables: per-day slots, RRULE recurrence, branch holidays,
//! moved and make-up sittings, and substitutes.

use std::collections::HashSet;

use chrono::Datelike as _;
use chrono::NaiveDate;
use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, json, sessions_of};

/// The one of `sessions` that starts on `date` (UTC), if any.
fn sitting_on(sessions: &[Value], date: NaiveDate) -> Option<Value> {
    sessions
        .iter()
        .find(|s| {
            s["scheduled_start"]
                .as_str()
                .unwrap()
                .starts_with(&date.to_string())
        })
        .cloned()
}

fn starts(sessions: &[Value]) -> Vec<&str> {
    sessions
        .iter()
        .map(|s| s["scheduled_start"].as_str().unwrap())
        .collect()
}

struct Branch {
    app: TestApp,
    id: i64,
    admin: TestUser,
    faculty: TestUser,
    token: String,
}

async fn branch(timezone: &str) -> Branch {
    let app = TestApp::spawn().await;
    let id = app.create_branch("TT", timezone).await;
    let admin = app.create_user(Role::BranchAdmin, Some(id)).await;
    let faculty = app.create_user(Role::Faculty, Some(id)).await;
    let token = app.login(&admin).await;
    Branch {
        app,
        id,
        admin,
        faculty,
        token,
    }
}

impl Branch {
    async fn batch(&self, schedule: Value) -> Value {
        let mut body = json!({
            "code": format!("TT-{}", rand_suffix()), "name": "Timetable", "faculty_id": self.faculty.id,
            "location": "Room 1",
        });
        for (key, value) in schedule.as_object().unwrap() {
            body[key] = value.clone();
        }
        json(
            self.app.post("/batches", &self.token, &body).await,
            StatusCode::CREATED,
        )
        .await
    }

    /// Changes batch `id` as the admin; the batch as it now stands.
    async fn patch_batch(&self, id: i64, body: Value) -> Value {
        json(
            self.app
                .patch(&format!("/batches/{id}"), &self.token, &body)
                .await,
            StatusCode::OK,
        )
        .await
    }

    /// Sends `body` to `path` as `token` and reads an answer of `status`.
    async fn post(&self, path: &str, token: &str, body: Value, status: StatusCode) -> Value {
        json(self.app.post(path, token, &body).await, status).await
    }

    async fn sessions(&self, batch: &Value) -> Vec<Value> {
        sessions_of(&self.app, &self.token, batch["id"].as_i64().unwrap()).await
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

#[tokio::test]
async fn slots_give_each_weekday_its_own_times() {
    let b = branch("Asia/Kolkata").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-03-01", "end_date": "2027-03-07",
            "slots": [
                {"weekday": "thu", "start_time": "14:00", "end_time": "15:00"},
                {"weekday": "tue", "start_time": "09:00", "end_time": "10:30"},
            ],
        }))
        .await;
    assert_eq!(
        batch["slots"],
        json!([
            {"weekday": "tue", "start_time": "09:00", "end_time": "10:30"},
            {"weekday": "thu", "start_time": "14:00", "end_time": "15:00"},
        ])
    );
    // Older clients read the days and the first slot's times.
    assert_eq!(batch["weekdays"], json!(["tue", "thu"]));
    assert_eq!(batch["start_time"], "09:00");
    assert_eq!(batch["rrule"], Value::Null);
    let sessions = b.sessions(&batch).await;
    assert_eq!(
        starts(&sessions),
        ["2027-03-02T03:30:00Z", "2027-03-04T08:30:00Z"]
    );
    assert_eq!(sessions[1]["scheduled_end"], "2027-03-04T09:30:00Z");

    // Changing one day's time through slots moves only that day's sitting.
    let id = batch["id"].as_i64().unwrap();
    let patched: Value = b.patch_batch(id, json!({"slots": [ {"weekday": "tue", "start_time": "09:00", "end_time": "10:30"}, {"weekday": "thu", "start_time": "16:00", "end_time": "17:00"}, ]})).await;
    assert_eq!(patched["slots"][1]["start_time"], "16:00");
    let after = b.sessions(&batch).await;
    assert_eq!(after[0]["id"], sessions[0]["id"]);
    assert_eq!(after[0]["version"], sessions[0]["version"]);
    assert_eq!(after[1]["id"], sessions[1]["id"]);
    assert_eq!(after[1]["scheduled_start"], "2027-03-04T10:30:00Z");
}

#[tokio::test]
async fn a_fortnightly_rule_generates_every_other_week_across_clock_changes() {
    let b = branch("America/New_York").await;
    // New York leaves daylight saving on Sunday 2026-11-01.
    let batch = b
        .batch(json!({
            "start_date": "2026-10-19", "end_date": "2026-11-15",
            "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
            "start_time": "18:30", "end_time": "20:00",
        }))
        .await;
    assert_eq!(batch["rrule"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH");
    assert_eq!(batch["weekdays"], json!(["tue", "thu"]));
    assert_eq!(batch["slots"], json!([]));
    let sessions = b.sessions(&batch).await;
    assert_eq!(
        starts(&sessions),
        [
            "2026-10-20T22:30:00Z",
            "2026-10-22T22:30:00Z",
            "2026-11-03T23:30:00Z",
            "2026-11-05T23:30:00Z",
        ]
    );
}

#[tokio::test]
async fn local_times_hold_across_spring_changes_in_london_and_new_york_and_in_kolkata() {
    for (timezone, expected) in [
        // Clocks went forward on 2027-03-28 in London, 2027-03-14 in New York.
        (
            "Europe/London",
            ["2027-03-26T09:00:00Z", "2027-03-29T08:00:00Z"],
        ),
        (
            "America/New_York",
            ["2027-03-12T14:00:00Z", "2027-03-15T13:00:00Z"],
        ),
        (
            "Asia/Kolkata",
            ["2027-03-26T03:30:00Z", "2027-03-29T03:30:00Z"],
        ),
    ] {
        let b = branch(timezone).await;
        let (from, to) = match timezone {
            "America/New_York" => ("2027-03-12", "2027-03-15"),
            _ => ("2027-03-26", "2027-03-29"),
        };
        let batch = b
            .batch(json!({
                "start_date": from, "end_date": to, "weekdays": ["fri", "mon"],
                "start_time": "09:00", "end_time": "10:00",
            }))
            .await;
        assert_eq!(starts(&b.sessions(&batch).await), expected, "{timezone}");
    }
}

/// A rule that picks times is refused when sent, but a batch stored with
/// one before that check is still saved again as the editor sends it
/// (its rule unchanged, beside a new name).
#[tokio::test]
async fn a_rule_stored_before_the_checks_can_still_be_saved_unchanged() {
    use lectern_server::entities::batch;
    use sea_orm::{ActiveModelTrait as _, ActiveValue::Set};

    let b = branch("UTC").await;
    let rule = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9,14";
    let body = json!({
        "code": "OLD-1", "name": "Old", "faculty_id": b.faculty.id,
        "start_date": "2027-01-01", "end_date": "2027-01-31",
        "rrule": rule, "start_time": "09:00", "end_time": "10:00",
    });
    let problem = assert_problem(
        b.app.post("/batches", &b.token, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        problem["errors"]["rrule"][0]
            .as_str()
            .unwrap()
            .contains("BYHOUR")
    );
    let made = b
        .batch(json!({
            "start_date": "2027-01-01", "end_date": "2027-01-31",
            "rrule": "FREQ=WEEKLY;BYDAY=MO", "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let id = made["id"].as_i64().unwrap();
    // As a batch saved before the check holds it.
    batch::ActiveModel {
        id: Set(id),
        rrule: Set(Some(rule.into())),
        ..Default::default()
    }
    .update(&b.app.db)
    .await
    .unwrap();
    let saved = b
        .patch_batch(id, json!({"name": "Renamed", "rrule": rule}))
        .await;
    assert_eq!(saved["name"], "Renamed");
    assert_eq!(b.sessions(&made).await.len(), 4, "its Mondays, as before");
    let problem = assert_problem(
        b.app
            .patch(
                &format!("/batches/{id}"),
                &b.token,
                &json!({"rrule": "FREQ=WEEKLY;BYDAY=TU;BYHOUR=9"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        problem["errors"]["rrule"][0]
            .as_str()
            .unwrap()
            .contains("BYHOUR")
    );
}

#[tokio::test]
async fn schedules_that_cannot_be_a_timetable_are_422_by_field() {
    let b = branch("UTC").await;
    let base = json!({
        "code": "BAD-1", "name": "B", "faculty_id": b.faculty.id,
        "start_date": "2027-01-01", "end_date": "2027-12-31",
    });
    let with = |schedule: Value| {
        let mut body = base.clone();
        for (key, value) in schedule.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    for (schedule, field) in [
        (
            json!({"rrule": "FREQ=DAILY", "start_time": "09:00", "end_time": "10:00", "end_date": "2029-12-31"}),
            "rrule",
        ),
        (
            json!({"rrule": "FREQ=HOURLY", "start_time": "09:00", "end_time": "10:00"}),
            "rrule",
        ),
        (
            json!({"rrule": "FREQ=WEEKLY;BYDAY=XX", "start_time": "09:00", "end_time": "10:00"}),
            "rrule",
        ),
        (json!({"rrule": "FREQ=WEEKLY"}), "start_time"),
        (
            json!({"rrule": "FREQ=WEEKLY", "weekdays": ["mon"], "start_time": "09:00", "end_time": "10:00"}),
            "weekdays",
        ),
        (
            json!({"slots": [{"weekday": "mon", "start_time": "09:00", "end_time": "10:00"}], "weekdays": ["mon"]}),
            "slots",
        ),
        (
            json!({"slots": [
                {"weekday": "mon", "start_time": "09:00", "end_time": "10:00"},
                {"weekday": "mon", "start_time": "11:00", "end_time": "12:00"},
            ]}),
            "slots",
        ),
        (
            json!({"slots": [{"weekday": "mon", "start_time": "10:00", "end_time": "09:00"}]}),
            "slots",
        ),
        (
            json!({"weekdays": ["mon","tue","wed","thu","fri","sat","sun"], "start_time": "09:00", "end_time": "10:00", "end_date": "2029-12-31"}),
            "end_date",
        ),
        (
            json!({"start_time": "09:00", "end_time": "10:00"}),
            "weekdays",
        ),
    ] {
        let problem = assert_problem(
            b.app
                .post("/batches", &b.token, &with(schedule.clone()))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            problem["errors"][field].is_array(),
            "{schedule} → {field}: {problem}"
        );
    }
    let problem = assert_problem(
        b.app
            .post(
                "/batches",
                &b.token,
                &with(json!({"rrule": "FREQ=DAILY", "start_time": "09:00", "end_time": "10:00", "end_date": "2029-12-31"})),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["errors"]["rrule"][0],
        "this schedule would generate 1096 sittings; a batch may have at most 1000"
    );
    // Nothing was written by any refused request.
    let page: Value = json(b.app.get("/batches", &b.token).await, StatusCode::OK).await;
    assert_eq!(page["items"], json!([]));
}

#[tokio::test]
async fn the_preview_shows_what_saving_would_generate_with_holidays_struck() {
    let b = branch("Europe/London").await;
    b.post(
        &format!("/branches/{}/holidays", b.id),
        &b.token,
        json!({"date": "2027-01-07", "name": "Staff day"}),
        StatusCode::CREATED,
    )
    .await;
    let request = json!({
        "start_date": "2027-01-04", "end_date": "2027-01-17",
        "rrule": "FREQ=WEEKLY;BYDAY=TU,TH", "start_time": "09:00", "end_time": "10:00",
    });
    let preview: Value = b
        .post(
            "/batches/preview",
            &b.token,
            request.clone(),
            StatusCode::OK,
        )
        .await;
    let shown: Vec<String> = preview["sittings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["date"], s["weekday"], s["holiday"]))
        .collect();
    assert_eq!(
        shown,
        [
            r#""2027-01-05" "tue" null"#,
            r#""2027-01-07" "thu" "Staff day""#,
            r#""2027-01-12" "tue" null"#,
            r#""2027-01-14" "thu" null"#,
        ]
    );
    assert_eq!(preview["generated"], 3);
    // Saving it generates just what the preview said.
    let mut body = request.clone();
    body["code"] = json!("PRE-1");
    body["name"] = json!("Previewed");
    body["faculty_id"] = json!(b.faculty.id);
    let batch: Value = b
        .post("/batches", &b.token, body, StatusCode::CREATED)
        .await;
    let dates: Vec<String> = b
        .sessions(&batch)
        .await
        .iter()
        .map(|s| s["scheduled_start"].as_str().unwrap()[..10].to_owned())
        .collect();
    assert_eq!(dates, ["2027-01-05", "2027-01-12", "2027-01-14"]);
    // A bad schedule gets the same answer as a create would.
    let problem = assert_problem(
        b.app
            .post("/batches/preview", &b.token, &json!({"start_date": "2027-01-04", "end_date": "2027-01-17", "rrule": "FREQ=SOMETIMES", "start_time": "09:00", "end_time": "10:00"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["rrule"].is_array(), "{problem}");
    let faculty = b.app.login(&b.faculty).await;
    assert_problem(
        b.app.post("/batches/preview", &faculty, &request).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

async fn complete(app: &TestApp, token: &str, session: &Value, extra: Value) -> Value {
    let mut body = json!({"actual_start_time": "09:00", "actual_end_time": "10:00"});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    json(
        app.post(
            &format!("/completions/{}/complete", session["id"]),
            token,
            &body,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn a_holiday_cancels_pending_sittings_on_its_date_and_leaves_completed_ones() {
    let b = branch("Europe/London").await;
    let other_teacher = b.app.create_user(Role::Faculty, Some(b.id)).await;
    let held = b
        .batch(json!({
            "start_date": "2026-11-02", "end_date": "2026-11-04", "weekdays": ["mon", "wed"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let mut not_held_body = json!({
        "code": "TT-NH", "name": "Other", "faculty_id": other_teacher.id,
        "start_date": "2026-11-02", "end_date": "2026-11-04", "weekdays": ["mon", "wed"],
        "start_time": "11:00", "end_time": "12:00",
    });
    let not_held: Value = b
        .post(
            "/batches",
            &b.token,
            not_held_body.clone(),
            StatusCode::CREATED,
        )
        .await;
    let faculty = b.app.login(&b.faculty).await;
    let monday = b.sessions(&held).await[0].clone();
    complete(&b.app, &faculty, &monday, json!({})).await;

    let holiday: Value = b
        .post(
            &format!("/branches/{}/holidays", b.id),
            &b.token,
            json!({"date": "2026-11-02", "name": "Founders’ Day"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(holiday["date"], "2026-11-02");

    let held_now = b.sessions(&held).await;
    assert_eq!(held_now[0]["status"], "completed");
    assert_eq!(held_now[1]["status"], "pending");
    let other = b.sessions(&not_held).await;
    assert_eq!(other[0]["status"], "cancelled");
    assert_eq!(other[0]["cancel_reason"], "Holiday: Founders’ Day");
    assert_eq!(other[1]["status"], "pending");

    // Regenerating the batch neither revives nor duplicates the day.
    let id = not_held["id"].as_i64().unwrap();
    b.patch_batch(id, json!({"end_time": "12:30"})).await;
    let regenerated = b.sessions(&not_held).await;
    assert_eq!(regenerated.len(), 2);
    assert_eq!(regenerated[0]["status"], "cancelled");
    assert_eq!(regenerated[1]["scheduled_end"], "2026-11-04T12:30:00Z");

    // A batch created later leaves the holiday out.
    not_held_body["code"] = json!("TT-LATER");
    let later: Value = b
        .post(
            "/batches",
            &b.token,
            not_held_body.clone(),
            StatusCode::CREATED,
        )
        .await;
    let later_dates: Vec<String> = b
        .sessions(&later)
        .await
        .iter()
        .map(|s| s["scheduled_start"].as_str().unwrap()[..10].to_owned())
        .collect();
    assert_eq!(later_dates, ["2026-11-04"]);

    // The same date twice is a conflict; staff read holidays but may not add them.
    assert_problem(
        b.app
            .post(
                &format!("/branches/{}/holidays", b.id),
                &b.token,
                &json!({"date": "2026-11-02", "name": "Again"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let page: Value = json(
        b.app
            .get(&format!("/branches/{}/holidays", b.id), &faculty)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"][0]["name"], "Founders’ Day");
    assert_problem(
        b.app
            .post(
                &format!("/branches/{}/holidays", b.id),
                &faculty,
                &json!({"date": "2026-12-25", "name": "Christmas"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Another branch's admin does not see this branch's holidays at all.
    let elsewhere = b.app.create_branch("ELSE", "UTC").await;
    let stranger = b.app.create_user(Role::BranchAdmin, Some(elsewhere)).await;
    let stranger = b.app.login(&stranger).await;
    assert_problem(
        b.app
            .get(&format!("/branches/{}/holidays", b.id), &stranger)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        b.app
            .delete(
                &format!("/branches/{}/holidays/{}", b.id, holiday["id"]),
                &stranger,
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = b
        .app
        .delete(
            &format!("/branches/{}/holidays/{}", b.id, holiday["id"]),
            &b.token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let page: Value = json(
        b.app
            .get(&format!("/branches/{}/holidays", b.id), &faculty)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"], json!([]));
    // The holiday was past: what it cancelled is history, and stays so.
    let other = b.sessions(&not_held).await;
    assert_eq!(other[0]["status"], "cancelled");
    assert_eq!(b.sessions(&later).await.len(), 1);
}

/// A holiday still to come that is deleted was most likely a mistake (the
/// wrong year, another region's file): its day is given back.
#[tokio::test]
async fn a_holiday_deleted_before_its_day_gives_the_day_back() {
    let b = branch("Europe/London").await;
    let today = chrono::Utc::now().date_naive();
    let day = today + chrono::Duration::days(10);
    let span = json!({
        "start_date": (day - chrono::Duration::days(1)).to_string(),
        "end_date": (day + chrono::Duration::days(1)).to_string(),
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start_time": "09:00", "end_time": "10:00",
    });
    let kept = b.batch(span.clone()).await;
    let called_off = b.batch(span.clone()).await;
    let ended = b.batch(span.clone()).await;
    let faculty = b.app.login(&b.faculty).await;
    // Called off by its teacher before anyone added the holiday, in the
    // words a holiday would have used.
    let response = b
        .app
        .post(
            &format!(
                "/completions/{}/cancel",
                sitting_on(&b.sessions(&called_off).await, day).expect("a sitting on the day")["id"]
            ),
            &faculty,
            &json!({"reason": "Holiday: Wrong year"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let holiday: Value = b
        .post(
            &format!("/branches/{}/holidays", b.id),
            &b.token,
            json!({"date": day.to_string(), "name": "Wrong year"}),
            StatusCode::CREATED,
        )
        .await;
    let cancelled = sitting_on(&b.sessions(&kept).await, day).expect("a sitting on the day");
    assert_eq!(cancelled["cancel_reason"], "Holiday: Wrong year");
    // A batch made while the holiday stood has no sitting that day, and
    // one cut short before the day no longer meets then.
    let made_meanwhile = b.batch(span).await;
    assert_eq!(b.sessions(&made_meanwhile).await.len(), 2);
    let end = (day - chrono::Duration::days(1)).to_string();
    b.patch_batch(ended["id"].as_i64().unwrap(), json!({ "end_date": end }))
        .await;

    let response = b
        .app
        .delete(
            &format!("/branches/{}/holidays/{}", b.id, holiday["id"]),
            &b.token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let sessions = b.sessions(&kept).await;
    assert_eq!(sessions.len(), 3);
    let back = sitting_on(&sessions, day).expect("a sitting on the day");
    assert_eq!(back["id"], cancelled["id"]);
    assert_eq!(back["status"], "pending");
    assert_eq!(back["cancel_reason"], Value::Null);
    assert!(back["version"].as_i64() > cancelled["version"].as_i64());
    let theirs = sitting_on(&b.sessions(&called_off).await, day).expect("a sitting on the day");
    assert_eq!(theirs["status"], "cancelled", "not the holiday's doing");
    let sessions = b.sessions(&made_meanwhile).await;
    assert_eq!(sessions.len(), 3);
    assert_eq!(
        sitting_on(&sessions, day).expect("a sitting on the day")["status"],
        "pending"
    );
    let cut_short = sitting_on(&b.sessions(&ended).await, day).expect("a sitting on the day");
    assert_eq!(cut_short["status"], "cancelled", "its batch ended before");

    // The log says what the deletion gave back, and each sitting's reopening.
    let log: Value = json(
        b.app.get("/audit?entity=holiday&limit=100", &b.token).await,
        StatusCode::OK,
    )
    .await;
    let deleted = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "delete")
        .expect("the holiday's deletion");
    assert_eq!(deleted["details"]["sessions_restored"], 1);
    assert_eq!(deleted["details"]["sittings_added"], 1);
    let path = format!("/audit?entity=session&entity_id={}", back["id"]);
    let log: Value = json(b.app.get(&path, &b.token).await, StatusCode::OK).await;
    assert_eq!(log["items"][0]["action"], "reopen", "{log}");
}

/// Giving a day back touches that day alone, brings back a make-up placed
/// there by hand, and leaves cancelled a sitting whose batch has since
/// stopped meeting on that weekday.
#[tokio::test]
async fn a_day_given_back_is_that_day_alone() {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let b = &branch("Europe/London").await;
    let today = chrono::Utc::now().date_naive();
    let (past, day) = (
        today - chrono::Duration::days(3),
        today + chrono::Duration::days(10),
    );
    let weekday = |date: NaiveDate| DAYS[date.weekday().num_days_from_monday() as usize];
    let next = |date: NaiveDate| weekday(date + chrono::Duration::days(1));
    let holiday = |date: NaiveDate, name: &str| {
        let path = format!("/branches/{}/holidays", b.id);
        let body = json!({"date": date.to_string(), "name": name});
        async move { b.post(&path, &b.token, body, StatusCode::CREATED).await }
    };
    let delete = |holiday: Value| async move {
        let path = format!("/branches/{}/holidays/{}", b.id, holiday["id"]);
        let response = b.app.delete(&path, &b.token).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    };
    // A batch made while a past holiday stood has no sitting that day, and
    // deleting the past holiday changes nothing.
    let was_past = holiday(past, "Past").await;
    let daily = b
        .batch(json!({
            "start_date": (today - chrono::Duration::days(5)).to_string(),
            "end_date": (day + chrono::Duration::days(1)).to_string(),
            "weekdays": DAYS, "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    delete(was_past).await;
    assert!(sitting_on(&b.sessions(&daily).await, past).is_none());
    let span = |days: [&str; 1]| {
        json!({
            "start_date": (day - chrono::Duration::days(7)).to_string(),
            "end_date": (day + chrono::Duration::days(7)).to_string(),
            "weekdays": days, "start_time": "11:00", "end_time": "12:00",
        })
    };
    let weekly = b.batch(span([weekday(day)])).await;
    let elsewhen = b.batch(span([next(day)])).await;
    let made_up: Value = b
        .post(
            &format!("/batches/{}/sittings", elsewhen["id"]),
            &b.token,
            json!({"date": day.to_string(), "start_time": "15:00", "end_time": "16:00"}),
            StatusCode::CREATED,
        )
        .await;

    let mistake = holiday(day, "Mistake").await;
    for batch in [&daily, &weekly, &elsewhen] {
        let sitting = sitting_on(&b.sessions(batch).await, day).unwrap();
        assert_eq!(sitting["status"], "cancelled", "{sitting}");
    }
    // The weekly batch moves to the next weekday while the holiday stands.
    b.patch_batch(
        weekly["id"].as_i64().unwrap(),
        json!({"weekdays": [next(day)]}),
    )
    .await;
    delete(mistake).await;

    let sessions = b.sessions(&daily).await;
    assert_eq!(sitting_on(&sessions, day).unwrap()["status"], "pending");
    assert!(
        sitting_on(&sessions, past).is_none(),
        "another day's gap stays"
    );
    let back = sitting_on(&b.sessions(&elsewhen).await, day).unwrap();
    assert_eq!(back["id"], made_up["id"]);
    assert_eq!(back["status"], "pending", "a make-up placed by hand");
    assert_eq!(back["scheduled_start"], made_up["scheduled_start"]);
    let stopped = sitting_on(&b.sessions(&weekly).await, day).unwrap();
    assert_eq!(
        stopped["status"], "cancelled",
        "its batch no longer meets that day"
    );
}

#[tokio::test]
async fn an_ics_file_of_holidays_is_imported_once() {
    let b = branch("Europe/London").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-12-20", "end_date": "2027-12-31", "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gov//holidays//EN\r\n\
        BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20271227\r\nDTEND;VALUE=DATE:20271229\r\nSUMMARY:Christmas (substitute days)\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20280103\r\nSUMMARY:New Year (substitute day)\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";
    let import = |body: &'static str, content_type: &'static str| {
        b.app
            .request(
                reqwest::Method::POST,
                &format!("/branches/{}/holidays/import", b.id),
                Some(&b.token),
            )
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let first: Value = json(import(ics, "text/calendar").await.unwrap(), StatusCode::OK).await;
    let added: Vec<&str> = first["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(added, ["2027-12-27", "2027-12-28", "2028-01-03"]);
    assert_eq!(first["cancelled_sessions"], 2);
    let cancelled: Vec<String> = b
        .sessions(&batch)
        .await
        .iter()
        .filter(|s| s["status"] == "cancelled")
        .map(|s| {
            format!(
                "{} {}",
                &s["scheduled_start"].as_str().unwrap()[..10],
                s["cancel_reason"]
            )
        })
        .collect();
    assert_eq!(
        cancelled,
        [
            r#"2027-12-27 "Holiday: Christmas (substitute days)""#,
            r#"2027-12-28 "Holiday: Christmas (substitute days)""#,
        ]
    );

    let again: Value = json(import(ics, "text/calendar").await.unwrap(), StatusCode::OK).await;
    assert_eq!(again["added"], json!([]));
    assert_eq!(again["already_there"], 3);
    assert_eq!(again["cancelled_sessions"], 0);

    assert_problem(
        import(ics, "application/json").await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    let problem = assert_problem(
        import("not a calendar at all", "text/calendar")
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["file"].is_array(), "{problem}");

    // A day past the dates the API takes refuses the whole file, on the
    // field the client sent, and the good day beside it is not added.
    let beyond = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gov//holidays//EN\r\n\
        BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20290101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:99991231\r\nSUMMARY:The end\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";
    let problem = assert_problem(
        import(beyond, "text/calendar").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let errors = problem["errors"].as_object().unwrap();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["file"], "{problem}");
    assert!(
        errors["file"][0].as_str().unwrap().contains("9999-12-31"),
        "{problem}"
    );
    let page: Value = json(
        b.app
            .get(&format!("/branches/{}/holidays", b.id), &b.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let dates: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2027-12-27", "2027-12-28", "2028-01-03"]);
}

#[tokio::test]
async fn a_moved_sitting_keeps_its_move_when_the_batch_changes() {
    let b = branch("Europe/London").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-02-01", "end_date": "2027-02-14", "weekdays": ["mon"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let sessions = b.sessions(&batch).await;
    assert_eq!(sessions.len(), 2);
    let first = &sessions[0];
    let occurrence = first["occurrence_id"].as_i64().unwrap();
    let faculty = b.app.login(&b.faculty).await;
    // The teacher moves the first Monday's class to Tuesday afternoon, in another room.
    let moved: Value = b.post(&format!("/occurrences/{occurrence}/reschedule"), &faculty, json!({"date": "2027-02-02", "start_time": "14:00", "end_time": "15:00", "location": "Hall B"}), StatusCode::OK).await;
    assert_eq!(moved["id"], first["id"]);
    assert_eq!(moved["scheduled_start"], "2027-02-02T14:00:00Z");
    assert_eq!(moved["location"], "Hall B");
    assert_eq!(moved["status"], "pending");

    // The batch moves to 11:00: the other Monday follows, the moved sitting
    // stays, and its old Monday is not generated again.
    let id = batch["id"].as_i64().unwrap();
    b.patch_batch(id, json!({"start_time": "11:00", "end_time": "12:00"}))
        .await;
    let after = b.sessions(&batch).await;
    assert_eq!(
        starts(&after),
        ["2027-02-02T14:00:00Z", "2027-02-08T11:00:00Z"]
    );
    assert_eq!(after[0]["location"], "Hall B");
    assert_eq!(after[1]["location"], "Room 1");

    // Onto a date the batch already meets: 409, and nothing moves.
    let second = after[1]["occurrence_id"].as_i64().unwrap();
    assert_problem(
        b.app
            .post(
                &format!("/occurrences/{second}/reschedule"),
                &b.token,
                &json!({"date": "2027-02-02", "start_time": "09:00", "end_time": "10:00"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(starts(&b.sessions(&batch).await), starts(&after));

    // Another teacher cannot even see it.
    let stranger = b.app.create_user(Role::Faculty, Some(b.id)).await;
    let stranger = b.app.login(&stranger).await;
    assert_problem(
        b.app
            .post(
                &format!("/occurrences/{occurrence}/reschedule"),
                &stranger,
                &json!({"start_time": "09:00", "end_time": "10:00"}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn only_a_pending_sitting_moves() {
    let b = branch("UTC").await;
    let batch = b
        .batch(json!({
            "start_date": "2026-11-02", "end_date": "2026-11-02", "weekdays": ["mon"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let session = b.sessions(&batch).await[0].clone();
    let faculty = b.app.login(&b.faculty).await;
    complete(&b.app, &faculty, &session, json!({})).await;
    let problem = assert_problem(
        b.app
            .post(
                &format!("/occurrences/{}/reschedule", session["occurrence_id"]),
                &b.token,
                &json!({"start_time": "11:00", "end_time": "12:00"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        problem["detail"],
        "Only a pending sitting can move; this one is completed."
    );
    let now = b.sessions(&batch).await;
    assert_eq!(now[0]["scheduled_start"], "2026-11-02T09:00:00Z");
}

#[tokio::test]
async fn a_make_up_sitting_is_added_and_survives_regeneration() {
    let b = branch("Europe/London").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-02-01", "end_date": "2027-02-14", "weekdays": ["mon"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let id = batch["id"].as_i64().unwrap();
    let faculty = b.app.login(&b.faculty).await;
    let make_up: Value = b.post(&format!("/batches/{id}/sittings"), &faculty, json!({"date": "2027-02-20", "start_time": "10:00", "end_time": "12:00", "location": "Lab 3"}), StatusCode::CREATED).await;
    assert_eq!(make_up["status"], "pending");
    assert_eq!(make_up["batch_id"], id);
    assert_eq!(make_up["scheduled_start"], "2027-02-20T10:00:00Z");
    assert_eq!(make_up["location"], "Lab 3");
    assert_eq!(make_up["user_id"], b.faculty.id);

    // Meeting on Wednesdays instead: the Mondays go, the make-up stays.
    b.patch_batch(id, json!({"weekdays": ["wed"]})).await;
    assert_eq!(
        starts(&b.sessions(&batch).await),
        [
            "2027-02-03T09:00:00Z",
            "2027-02-10T09:00:00Z",
            "2027-02-20T10:00:00Z"
        ]
    );

    // A date the batch meets, or a holiday, is refused.
    assert_problem(
        b.app
            .post(
                &format!("/batches/{id}/sittings"),
                &b.token,
                &json!({"date": "2027-02-03", "start_time": "10:00", "end_time": "11:00"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    b.post(
        &format!("/branches/{}/holidays", b.id),
        &b.token,
        json!({"date": "2027-02-27", "name": "Closed"}),
        StatusCode::CREATED,
    )
    .await;
    let problem = assert_problem(
        b.app
            .post(
                &format!("/batches/{id}/sittings"),
                &b.token,
                &json!({"date": "2027-02-27", "start_time": "10:00", "end_time": "11:00"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        problem["errors"]["date"][0],
        "is a holiday of the branch (Closed)"
    );
    assert_eq!(b.sessions(&batch).await.len(), 3);
}

#[tokio::test]
async fn regenerating_a_batch_twice_changes_nothing_the_second_time() {
    let b = branch("America/New_York").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-01-04", "end_date": "2027-03-28",
            "rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let id = batch["id"].as_i64().unwrap();
    let change = json!({"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", "end_time": "10:30"});
    b.patch_batch(id, change.clone()).await;
    let once = b.sessions(&batch).await;
    assert_eq!(once.len(), 12);
    b.patch_batch(id, change.clone()).await;
    // A rename regenerates too; still nothing moves.
    b.patch_batch(id, json!({"name": "Renamed"})).await;
    let twice = b.sessions(&batch).await;
    let key = |s: &Value| {
        (
            s["id"].clone(),
            s["version"].clone(),
            s["scheduled_start"].clone(),
            s["scheduled_end"].clone(),
        )
    };
    assert_eq!(
        twice.iter().map(key).collect::<Vec<_>>(),
        once.iter().map(key).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_substitute_delivers_a_session_and_it_counts_for_them() {
    let b = branch("UTC").await;
    let colleague = b.app.create_user(Role::Faculty, Some(b.id)).await;
    let batch = b
        .batch(json!({
            "start_date": "2026-11-02", "end_date": "2026-11-04", "weekdays": ["mon", "wed"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let sessions = b.sessions(&batch).await;
    let owner = b.app.login(&b.faculty).await;

    // The owner sees who may cover: active staff of the branch.
    let page: Value = json(b.app.get("/colleagues", &owner).await, StatusCode::OK).await;
    let names: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(
        names.contains(&colleague.id) && names.contains(&b.faculty.id),
        "{page}"
    );
    assert!(!names.contains(&b.admin.id), "{page}");

    // Someone from elsewhere, or the owner themself, cannot be the substitute.
    let elsewhere = b.app.create_branch("FAR", "UTC").await;
    let stranger = b.app.create_user(Role::Faculty, Some(elsewhere)).await;
    for (who, message) in [
        (
            stranger.id,
            "no such active faculty member or employee in the session's branch",
        ),
        (
            b.admin.id,
            "no such active faculty member or employee in the session's branch",
        ),
        (b.faculty.id, "is the session's own teacher; leave it empty"),
    ] {
        let problem = assert_problem(
            b.app
                .post(
                    &format!("/completions/{}/complete", sessions[0]["id"]),
                    &owner,
                    &json!({"actual_start_time": "09:00", "actual_end_time": "10:00", "delivered_by": who}),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(problem["errors"]["delivered_by"][0], message);
    }

    let covered = complete(
        &b.app,
        &owner,
        &sessions[0],
        json!({"delivered_by": colleague.id}),
    )
    .await;
    assert_eq!(covered["delivered_by"], colleague.id);
    assert_eq!(covered["user_id"], b.faculty.id);
    complete(&b.app, &owner, &sessions[1], json!({})).await;

    // The substitute finds it in their history, and can open it.
    let substitute = b.app.login(&colleague).await;
    let history: Value = json(
        b.app
            .get("/completions?status=completed", &substitute)
            .await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(ids, [&sessions[0]["id"]]);
    let detail: Value = json(
        b.app
            .get(&format!("/completions/{}", sessions[0]["id"]), &substitute)
            .await,
        StatusCode::OK,
    )
    .await;
    let account: Value = json(
        b.app
            .get(&format!("/users/{}", colleague.id), &b.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["delivered_by_name"], account["name"]);
    // The session they did not cover stays out of their reach.
    assert_problem(
        b.app
            .get(&format!("/completions/{}", sessions[1]["id"]), &substitute)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // The figures count the covered session for the one who taught it.
    let range = "from=2026-11-01&to=2026-11-30";
    let by_faculty: Value = json(
        b.app
            .get(
                &format!("/stats/breakdown?group_by=faculty&{range}"),
                &b.token,
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let completed_by = |id: i64| {
        by_faculty["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["key"].as_str() == Some(id.to_string().as_str()))
            .map(|item| item["completed"].clone())
    };
    assert_eq!(completed_by(colleague.id), Some(json!(1)), "{by_faculty}");
    assert_eq!(completed_by(b.faculty.id), Some(json!(1)), "{by_faculty}");
    for (token, expected) in [(&owner, 1), (&substitute, 1)] {
        let mine: Value = json(
            b.app.get(&format!("/stats/summary?{range}"), token).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(mine["completed"], expected, "{mine}");
    }
    let filtered: Value = json(
        b.app
            .get(
                &format!("/stats/summary?{range}&user_id={}", colleague.id),
                &b.token,
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(filtered["completed"], 1);

    // An account that covered a session is history: it is deactivated, not deleted.
    assert_problem(
        b.app
            .delete(&format!("/users/{}", colleague.id), &b.token)
            .await,
        StatusCode::CONFLICT,
    )
    .await;
}

/// A batch of the races below, in a UTC branch: 27 Mondays from
/// 2027-03-01, 09:00 to 10:00, with their sessions in order.
async fn mondays_from_march_2027() -> (Branch, Value, Vec<Value>) {
    let b = branch("UTC").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-03-01", "end_date": "2027-08-31", "weekdays": ["mon"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let mondays = b.sessions(&batch).await;
    (b, batch, mondays)
}

/// A holiday and a sitting placed on its day at the same moment, twenty
/// times over: a make-up sitting added and another moved there. Whichever
/// comes first, no pending sitting is left standing on a holiday.
#[tokio::test]
async fn a_holiday_and_sittings_placed_on_its_day_at_once_leave_none_pending_on_it() {
    let (b, batch, mondays) = mondays_from_march_2027().await;
    let id = batch["id"].as_i64().unwrap();
    let first_tuesday = NaiveDate::from_ymd_opt(2027, 3, 2).unwrap();
    let week = |k: i64, from: NaiveDate| (from + chrono::Duration::weeks(k)).to_string();

    let mut requests = Vec::new();
    for k in 0..20 {
        let tuesday = week(k, first_tuesday);
        let wednesday = week(k, first_tuesday + chrono::Duration::days(1));
        let occurrence = mondays[k as usize]["occurrence_id"].as_i64().unwrap();
        requests.push((
            format!("/batches/{id}/sittings"),
            json!({"date": tuesday, "start_time": "11:00", "end_time": "12:00"}),
        ));
        requests.push((
            format!("/occurrences/{occurrence}/reschedule"),
            json!({"date": wednesday, "start_time": "11:00", "end_time": "12:00"}),
        ));
        for day in [tuesday, wednesday] {
            requests.push((
                format!("/branches/{}/holidays", b.id),
                json!({"date": day, "name": "Closed"}),
            ));
        }
    }
    let answers = futures_util::future::join_all(
        requests
            .iter()
            .map(|(path, body)| b.app.post(path, &b.token, body)),
    )
    .await;
    for ((path, body), answer) in requests.iter().zip(answers) {
        let status = answer.status();
        let text = answer.text().await.unwrap();
        let expected: &[StatusCode] = if path.ends_with("/holidays") {
            &[StatusCode::CREATED]
        } else {
            // Refused when the holiday came first.
            &[
                StatusCode::CREATED,
                StatusCode::OK,
                StatusCode::UNPROCESSABLE_ENTITY,
            ]
        };
        assert!(expected.contains(&status), "{path} {body}: {status} {text}");
    }

    let holidays: HashSet<String> = requests
        .iter()
        .filter(|(path, _)| path.ends_with("/holidays"))
        .map(|(_, body)| body["date"].as_str().unwrap().to_owned())
        .collect();
    let sessions = b.sessions(&batch).await;
    let pending_on_holidays: Vec<&str> = sessions
        .iter()
        .filter(|s| s["status"] == "pending")
        .map(|s| s["scheduled_start"].as_str().unwrap())
        .filter(|start| holidays.contains(&start[..10]))
        .collect();
    assert_eq!(pending_on_holidays, Vec::<&str>::new());
}

/// Twenty sittings moved while their batch is changed, over and over: a
/// move that was answered keeps its day and time whatever the batch's
/// changes did around it.
#[tokio::test]
async fn sittings_moved_while_their_batch_changes_stay_where_they_were_moved() {
    let (b, batch, mondays) = mondays_from_march_2027().await;
    let id = batch["id"].as_i64().unwrap();
    let first_thursday = NaiveDate::from_ymd_opt(2027, 3, 4).unwrap();

    let moves = (0..20).map(|k| {
        let occurrence = mondays[k]["occurrence_id"].as_i64().unwrap();
        let thursday = first_thursday + chrono::Duration::weeks(k as i64);
        let body =
            json!({"date": thursday.to_string(), "start_time": "14:00", "end_time": "15:00"});
        let b = &b;
        async move {
            let path = format!("/occurrences/{occurrence}/reschedule");
            let status = b.app.post(&path, &b.token, &body).await.status();
            (occurrence, thursday, status)
        }
    });
    // A change of room: the batch's sittings are synced again, and keep
    // their times, so a move read before it still goes through.
    let changes = (0..6).map(|n| {
        let room = format!("Room {n}");
        let b = &b;
        async move {
            b.app
                .patch(
                    &format!("/batches/{id}"),
                    &b.token,
                    &json!({"location": room}),
                )
                .await
                .status()
        }
    });
    let (moved, changed) = futures_util::future::join(
        futures_util::future::join_all(moves),
        futures_util::future::join_all(changes),
    )
    .await;
    assert!(changed.iter().all(|s| *s == StatusCode::OK), "{changed:?}");

    let sessions = b.sessions(&batch).await;
    let mut answered = 0;
    for (occurrence, thursday, status) in moved {
        let session = sessions
            .iter()
            .find(|s| s["occurrence_id"] == occurrence)
            .unwrap_or_else(|| panic!("sitting {occurrence} is gone after its move ({status})"));
        match status {
            StatusCode::OK => {
                answered += 1;
                assert_eq!(
                    session["scheduled_start"],
                    format!("{thursday}T14:00:00Z"),
                    "sitting {occurrence}"
                );
            }
            // The batch's change came between the move's read and its write.
            StatusCode::CONFLICT => {}
            other => panic!("sitting {occurrence}: {other}"),
        }
    }
    assert!(answered > 0, "no move went through");
}

/// A super admin naming a branch that does not exist is told which field
/// is wrong, as for the batch's preview.
#[tokio::test]
async fn a_batch_for_a_branch_that_does_not_exist_is_422_on_branch_id() {
    let b = branch("UTC").await;
    let director = b.app.create_user(Role::SuperAdmin, None).await;
    let token = b.app.login(&director).await;
    let preview = json!({
        "branch_id": b.id + 1000, "faculty_id": b.faculty.id,
        "start_date": "2027-03-01", "end_date": "2027-03-31", "weekdays": ["mon"],
        "start_time": "09:00", "end_time": "10:00",
    });
    let mut batch = preview.clone();
    batch["code"] = json!("NOWHERE-1");
    batch["name"] = json!("Nowhere");
    for (path, body) in [("/batches", batch), ("/batches/preview", preview)] {
        let problem = assert_problem(
            b.app.post(path, &token, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(
            problem["errors"]["branch_id"][0], "no such branch",
            "{path}: {problem}"
        );
    }
}

#[tokio::test]
async fn what_someone_wrote_on_a_pending_sitting_keeps_it_as_it_was() {
    let b = branch("UTC").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-03-01", "end_date": "2027-03-21", "weekdays": ["mon"],
            "start_time": "09:00", "end_time": "10:00",
        }))
        .await;
    let id = batch["id"].as_i64().unwrap();
    let sessions = b.sessions(&batch).await;
    assert_eq!(sessions.len(), 3);
    let faculty = b.app.login(&b.faculty).await;
    // The teacher writes the first Monday's own notes and comments on the second.
    json::<Value>(
        b.app
            .patch(
                &format!("/completions/{}", sessions[0]["id"]),
                &faculty,
                &json!({"version": sessions[0]["version"], "notes": "Slides prepared"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    b.post(
        &format!("/completions/{}/notes", sessions[1]["id"]),
        &faculty,
        json!({"note_text": "Bring laptops"}),
        StatusCode::CREATED,
    )
    .await;

    // A new time and a new teacher: only the untouched Monday follows, and
    // the teacher still reaches both sessions they wrote on.
    let other = b.app.create_user(Role::Faculty, Some(b.id)).await;
    b.patch_batch(
        id,
        json!({"start_time": "14:00", "end_time": "15:00", "faculty_id": other.id}),
    )
    .await;
    let after = b.sessions(&batch).await;
    assert_eq!(
        starts(&after),
        [
            "2027-03-01T09:00:00Z",
            "2027-03-08T09:00:00Z",
            "2027-03-15T14:00:00Z"
        ]
    );
    let owners: Vec<i64> = after
        .iter()
        .map(|s| s["user_id"].as_i64().unwrap())
        .collect();
    assert_eq!(owners, [b.faculty.id, b.faculty.id, other.id]);
    for written in &sessions[..2] {
        json::<Value>(
            b.app
                .get(&format!("/completions/{}", written["id"]), &faculty)
                .await,
            StatusCode::OK,
        )
        .await;
    }

    // Meeting on Tuesdays: both stay where they were, and the batch cannot
    // be deleted while they hold what was written.
    b.patch_batch(id, json!({"weekdays": ["tue"]})).await;
    let ids: HashSet<i64> = b
        .sessions(&batch)
        .await
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&sessions[0]["id"].as_i64().unwrap()));
    assert!(ids.contains(&sessions[1]["id"].as_i64().unwrap()));
    assert_problem(
        b.app.delete(&format!("/batches/{id}"), &b.token).await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn a_timezone_correction_keeps_every_pending_sittings_wall_clock() {
    let b = branch("UTC").await;
    let batch = b
        .batch(json!({
            "start_date": "2027-03-01", "end_date": "2027-03-08", "weekdays": ["mon"],
            "start_time": "09:30", "end_time": "11:00",
        }))
        .await;
    let id = batch["id"].as_i64().unwrap();
    let sessions = b.sessions(&batch).await;
    let faculty = b.app.login(&b.faculty).await;
    b.post(
        &format!("/completions/{}/notes", sessions[1]["id"]),
        &faculty,
        json!({"note_text": "Bring laptops"}),
        StatusCode::CREATED,
    )
    .await;
    b.post(
        &format!("/batches/{id}/sittings"),
        &faculty,
        json!({"date": "2027-03-13", "start_time": "10:00", "end_time": "11:30", "location": "Lab 3"}),
        StatusCode::CREATED,
    )
    .await;

    json::<Value>(
        b.app
            .patch(
                &format!("/branches/{}", b.id),
                &b.app
                    .login(&b.app.create_user(Role::SuperAdmin, None).await)
                    .await,
                &json!({"timezone": "Asia/Kolkata"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    // 09:30 and 10:00 in Kolkata, as they were in UTC: generated, commented
    // on and make-up alike.
    assert_eq!(
        starts(&b.sessions(&batch).await),
        [
            "2027-03-01T04:00:00Z",
            "2027-03-08T04:00:00Z",
            "2027-03-13T04:30:00Z"
        ]
    );
    // The make-up's own room is what the sittings list shows.
    let listed: Value = json(
        b.app
            .get("/occurrences?from=2027-03-01&to=2027-03-31", &faculty)
            .await,
        StatusCode::OK,
    )
    .await;
    let rooms: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["location"].as_str().unwrap())
        .collect();
    assert_eq!(rooms, ["Room 1", "Room 1", "Lab 3"]);
}
