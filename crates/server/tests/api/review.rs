//! Review of completed records: who may verify, return, resubmit and
//! reopen, what a verified record locks, and races between reviewers.

use chrono::{Duration, Utc};
use futures_util::future::join_all;
use lectern_api_types::Role;
use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};

use crate::attachments::{png, stored_keys, upload};
use crate::cluster::slow_part;
use crate::helpers::{TestApp, TestUser, assert_problem, json};

struct Branch {
    admin: TestUser,
    faculty: TestUser,
}

async fn branch(app: &TestApp) -> Branch {
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    Branch {
        admin: app.create_user(Role::BranchAdmin, Some(branch)).await,
        faculty: app.create_user(Role::Faculty, Some(branch)).await,
    }
}

/// `POST /completions/{id}/{action}` as `token`.
async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: &Value) -> reqwest::Response {
    app.post(&format!("/completions/{id}/{action}"), token, body)
        .await
}

async fn session(app: &TestApp, token: &str, id: i64) -> Value {
    json(
        app.get(&format!("/completions/{id}"), token).await,
        StatusCode::OK,
    )
    .await
}

/// A pending ad-hoc session of `owner` that started 26 hours ago and ran an hour.
async fn held_yesterday(app: &TestApp, owner: &TestUser) -> (i64, chrono::DateTime<Utc>) {
    let start = (Utc::now() - Duration::hours(26))
        .date_naive()
        .and_hms_opt(4, 0, 0)
        .unwrap()
        .and_utc();
    (app.ad_hoc_session(owner, start).await.id, start)
}

#[tokio::test]
async fn a_completion_records_who_pressed_complete_and_how_late_it_began() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;

    let (own, start) = held_yesterday(&app, &people.faculty).await;
    let pending = session(&app, &faculty, own).await;
    assert_eq!(pending["review"], Value::Null);
    assert_eq!(pending["late_minutes"], Value::Null);
    assert_eq!(pending["recorded_by"], Value::Null);

    let body = json!({
        "actual_start_time": (start + Duration::minutes(12)).to_rfc3339(),
        "actual_end_time": (start + Duration::minutes(70)).to_rfc3339(),
    });
    let done: Value = json(
        act(&app, &faculty, own, "complete", &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["review"], "unreviewed");
    assert_eq!(done["recorded_by"], people.faculty.id);
    assert_eq!(done["late_minutes"], 12);
    assert_eq!(done["return_reason"], Value::Null);

    // Early is not late; and an admin recording for the teacher is named.
    let (other, start) = held_yesterday(&app, &people.faculty).await;
    let body = json!({
        "actual_start_time": (start - Duration::minutes(3)).to_rfc3339(),
        "actual_end_time": (start + Duration::minutes(50)).to_rfc3339(),
    });
    let done: Value = json(
        act(&app, &admin, other, "complete", &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["recorded_by"], people.admin.id);
    assert_eq!(done["user_id"], people.faculty.id);
    assert_eq!(done["late_minutes"], 0);

    // Moving the start in a later edit moves the lateness with it.
    let edited: Value = json(
        app.patch(
            &format!("/completions/{other}"),
            &faculty,
            &json!({"version": done["version"], "actual_start_time": (start + Duration::minutes(20)).to_rfc3339()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["late_minutes"], 20);
}

#[tokio::test]
async fn nobody_reviews_a_session_they_own_or_recorded() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let admin = app.login(&people.admin).await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root = app.login(&root).await;

    // The branch admin records a class for the teacher...
    let (id, start) = held_yesterday(&app, &people.faculty).await;
    let body = json!({
        "actual_start_time": start.to_rfc3339(),
        "actual_end_time": (start + Duration::hours(1)).to_rfc3339(),
    });
    let done: Value = json(
        act(&app, &admin, id, "complete", &body).await,
        StatusCode::OK,
    )
    .await;
    let code = done["completion_code"].clone();

    // ...so cannot verify or return it themselves.
    for (action, body) in [
        ("verify", json!({"completion_code": code})),
        ("return", json!({"reason": "Check the times"})),
    ] {
        let problem = assert_problem(
            act(&app, &admin, id, action, &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert_eq!(
            problem["type"], "urn:lectern:problem:separation-of-duties",
            "{action}: {problem}"
        );
    }

    // An admin's own session is theirs too.
    let own = app.completed_session(&people.admin).await;
    let problem = assert_problem(
        act(
            &app,
            &admin,
            own.id,
            "verify",
            &json!({"completion_code": own.completion_code}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:separation-of-duties");

    // Someone else may, and the record says who.
    let verified: Value = json(
        act(&app, &root, id, "verify", &json!({"completion_code": code})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(verified["review"], "verified");
    assert!(verified["verified_by"].is_i64());
    assert_ne!(verified["verified_by"], people.admin.id);

    // Nor may the recorder undo someone else's verification of it.
    let problem = assert_problem(
        act(
            &app,
            &admin,
            id,
            "reopen",
            &json!({"reason": "Wrong sheet"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:separation-of-duties");
}

#[tokio::test]
async fn staff_may_not_review_and_only_the_owner_resubmits() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;
    let done = app.completed_session(&people.faculty).await;

    for (action, body) in [
        ("verify", json!({"completion_code": done.completion_code})),
        ("return", json!({"reason": "Check the times"})),
        ("reopen", json!({"reason": "Wrong sheet"})),
    ] {
        let problem = assert_problem(
            act(&app, &faculty, done.id, action, &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert_eq!(problem["type"], "urn:lectern:problem:forbidden", "{action}");
    }

    json::<Value>(
        act(
            &app,
            &admin,
            done.id,
            "return",
            &json!({"reason": "Times look wrong"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let problem = assert_problem(
        act(&app, &admin, done.id, "resubmit", &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:forbidden");
}

#[tokio::test]
async fn a_returned_record_is_fixed_by_its_owner_resubmitted_and_verified() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;
    let done = app.completed_session(&people.faculty).await;
    let id = done.id;

    let problem = assert_problem(
        act(&app, &admin, id, "return", &json!({"reason": "   "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["reason"][0].is_string(), "{problem}");

    let returned: Value = json(
        act(
            &app,
            &admin,
            id,
            "return",
            &json!({"reason": "  The end time looks wrong. "}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["review"], "returned");
    assert_eq!(returned["return_reason"], "The end time looks wrong.");

    // Returned is not awaiting review: it cannot be verified or returned again.
    for (action, body) in [
        ("verify", json!({"completion_code": done.completion_code})),
        ("return", json!({"reason": "Again"})),
    ] {
        let problem = assert_problem(
            act(&app, &admin, id, action, &body).await,
            StatusCode::CONFLICT,
        )
        .await;
        assert_eq!(problem["type"], "urn:lectern:problem:invalid-transition");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .starts_with("The transition returned →"),
            "{problem}"
        );
    }

    // The owner fixes the end time and resubmits.
    let end = done.actual_end.unwrap() - Duration::minutes(15);
    let fixed: Value = json(
        app.patch(
            &format!("/completions/{id}"),
            &faculty,
            &json!({"version": returned["version"], "actual_end_time": end.to_rfc3339()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fixed["review"], "returned");
    let resubmitted: Value = json(
        act(&app, &faculty, id, "resubmit", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resubmitted["review"], "unreviewed");
    assert_eq!(resubmitted["return_reason"], Value::Null);
    assert_problem(
        act(&app, &faculty, id, "resubmit", &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;

    let verified: Value = json(
        act(
            &app,
            &admin,
            id,
            "verify",
            &json!({"completion_code": done.completion_code}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(verified["review"], "verified");

    // The audit log tells the story in order.
    let log = app.audit_of(&admin, "session", id).await;
    let actions: Vec<&str> = log
        .iter()
        .rev()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create", "complete", "return", "update", "resubmit", "verify"
        ]
    );
}

#[tokio::test]
async fn a_verified_record_is_locked_until_an_admin_reopens_it() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;
    let done = app.completed_session(&people.faculty).await;
    let id = done.id;
    let file: Value = json(
        upload(&app, &faculty, id, "board.png", png(300)).await,
        StatusCode::CREATED,
    )
    .await;
    let verified: Value = json(
        act(
            &app,
            &admin,
            id,
            "verify",
            &json!({"completion_code": done.completion_code}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let version = verified["version"].clone();
    let keys_before = stored_keys(&app).await;

    let end = (done.actual_end.unwrap() - Duration::minutes(5)).to_rfc3339();
    for patch in [
        json!({"version": version, "actual_end_time": end}),
        json!({"version": version, "completion_code": "OTHER-CODE-1"}),
        json!({"version": version, "notes": "Changed after the fact"}),
    ] {
        for token in [&faculty, &admin] {
            let problem = assert_problem(
                app.patch(&format!("/completions/{id}"), token, &patch)
                    .await,
                StatusCode::CONFLICT,
            )
            .await;
            assert_eq!(problem["type"], "urn:lectern:problem:locked", "{patch}");
        }
    }
    let problem = assert_problem(
        upload(&app, &faculty, id, "late.png", png(300)).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:locked");
    let problem = assert_problem(
        app.delete(
            &format!("/completions/{id}/attachments/{}", file["id"]),
            &admin,
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["type"], "urn:lectern:problem:locked");
    assert_eq!(stored_keys(&app).await, keys_before, "no file came or went");
    let unchanged = session(&app, &faculty, id).await;
    assert_eq!(unchanged["version"], version);
    assert_eq!(unchanged["attachments"].as_array().unwrap().len(), 1);

    // Comments are still welcome.
    json::<Value>(
        app.post(
            &format!("/completions/{id}/notes"),
            &faculty,
            &json!({"note_type": "achievement", "note_text": "Everyone passed the quiz."}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let problem = assert_problem(
        act(&app, &admin, id, "reopen", &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["reason"][0].is_string(), "{problem}");
    let reopened: Value = json(
        act(
            &app,
            &admin,
            id,
            "reopen",
            &json!({"reason": "Verified against the wrong sheet"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reopened["review"], "unreviewed");
    assert_eq!(reopened["verified_at"], Value::Null);
    assert_eq!(reopened["verified_by"], Value::Null);
    json::<Value>(
        app.patch(
            &format!("/completions/{id}"),
            &faculty,
            &json!({"version": reopened["version"], "notes": "Now it can change"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let log = app.audit_of(&admin, "session", id).await;
    let reopen = log
        .iter()
        .find(|entry| entry["action"] == "reopen")
        .expect("a reopen entry");
    assert_eq!(reopen["actor_id"], people.admin.id);
    assert_eq!(
        reopen["details"]["reason"],
        "Verified against the wrong sheet"
    );
    assert_eq!(reopen["details"]["verified_by"], people.admin.id);
}

#[tokio::test]
async fn a_verification_that_lands_during_an_upload_keeps_the_file_out() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let faculty = app.login(&people.faculty).await;
    let admin = app.login(&people.admin).await;
    let done = app.completed_session(&people.faculty).await;

    // A phone's upload that takes a second and a half to arrive...
    let form = Form::new().part("file", slow_part(&png(256 * 1024), 1.5, "late.png"));
    let uploading = app
        .client
        .post(app.api(&format!("/completions/{}/attachments", done.id)))
        .bearer_auth(&faculty)
        .multipart(form)
        .send();
    // ...and the admin's verification while it is under way.
    let verifying = async {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        act(
            &app,
            &admin,
            done.id,
            "verify",
            &json!({"completion_code": done.completion_code}),
        )
        .await
    };
    let (uploaded, verified) = tokio::join!(uploading, verifying);

    assert_eq!(verified.status(), StatusCode::OK);
    let problem = assert_problem(uploaded.unwrap(), StatusCode::CONFLICT).await;
    assert_eq!(problem["type"], "urn:lectern:problem:locked");
    assert!(stored_keys(&app).await.is_empty(), "no file kept");
    let now = session(&app, &faculty, done.id).await;
    assert_eq!(now["attachments"], json!([]));
}

#[tokio::test]
async fn of_verify_and_return_sent_at_once_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let tokens = [app.login(&people.admin).await, app.login(&root).await];
    let done = app.completed_session(&people.faculty).await;
    let verify = json!({"completion_code": done.completion_code});
    let give_back = json!({"reason": "Check the times"});

    let requests = (0..12).map(|i| {
        let token = &tokens[i % 2];
        if i % 3 == 0 {
            act(&app, token, done.id, "return", &give_back)
        } else {
            act(&app, token, done.id, "verify", &verify)
        }
    });
    let statuses: Vec<StatusCode> = join_all(requests)
        .await
        .iter()
        .map(|r| r.status())
        .collect();

    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let now = session(&app, &tokens[0], done.id).await;
    assert!(
        now["review"] == "verified" || now["review"] == "returned",
        "{now}"
    );
    let reviews = app
        .audit_of(&tokens[0], "session", done.id)
        .await
        .iter()
        .filter(|entry| entry["action"] == "verify" || entry["action"] == "return")
        .count();
    assert_eq!(reviews, 1, "one winner, one audit entry");
}

#[tokio::test]
async fn admins_find_a_session_by_its_code_in_any_case_within_their_scope() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let admin = app.login(&people.admin).await;
    let done = app.completed_session(&people.faculty).await;
    app.completed_session(&people.faculty).await;
    let code = done.completion_code.clone().unwrap();

    let page: Value = json(
        app.get(
            &format!("/completions?code={}", code.to_lowercase()),
            &admin,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [done.id]);

    let elsewhere = app.create_branch("DELHI", "Asia/Kolkata").await;
    let stranger = app.create_user(Role::BranchAdmin, Some(elsewhere)).await;
    let stranger = app.login(&stranger).await;
    let page: Value = json(
        app.get(&format!("/completions?code={code}"), &stranger)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"], json!([]));

    let problem = assert_problem(
        app.get("/completions?code=a%20b", &admin).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["code"][0].is_string(), "{problem}");
}

#[tokio::test]
async fn the_review_filter_lists_records_in_that_state() {
    let app = TestApp::spawn().await;
    let people = branch(&app).await;
    let admin = app.login(&people.admin).await;
    let first = app.completed_session(&people.faculty).await;
    let second = app.completed_session(&people.faculty).await;
    held_yesterday(&app, &people.faculty).await;
    json::<Value>(
        act(
            &app,
            &admin,
            second.id,
            "return",
            &json!({"reason": "Add the notes"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    for (review, expected) in [("unreviewed", first.id), ("returned", second.id)] {
        let page: Value = json(
            app.get(&format!("/completions?review={review}"), &admin)
                .await,
            StatusCode::OK,
        )
        .await;
        let ids: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [expected], "{review}");
    }
    let page: Value = json(
        app.get("/completions?review=verified", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"], json!([]));
}

#[tokio::test]
async fn an_end_before_the_start_is_a_night_class_only_when_that_is_plausible() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("LON", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let evening = (Utc::now() - Duration::days(3))
        .date_naive()
        .and_hms_opt(22, 0, 0)
        .unwrap()
        .and_utc();
    let night: Value = json(
        app.post(
            "/completions",
            &token,
            &json!({"title": "Night class", "scheduled_start": evening, "scheduled_end": evening + Duration::hours(3)}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let night = night["id"].as_i64().unwrap();
    let morning = app
        .ad_hoc_session(&faculty, evening - Duration::hours(12))
        .await
        .id;

    // 11:00 → 10:00 on a one-hour morning class is a typo, not 23 hours.
    let problem = assert_problem(
        act(
            &app,
            &token,
            morning,
            "complete",
            &json!({"actual_start_time": "11:00", "actual_end_time": "10:00"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let message = problem["errors"]["actual_end_time"][0].as_str().unwrap();
    assert!(message.contains("23 h"), "{message}");
    assert!(message.contains("RFC 3339"), "{message}");
    assert_eq!(session(&app, &token, morning).await["status"], "pending");

    // 22:05 → 00:40 on a 22:00 class ran past midnight.
    let done: Value = json(
        act(
            &app,
            &token,
            night,
            "complete",
            &json!({"actual_start_time": "22:05", "actual_end_time": "00:40"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        done["actual_start"],
        (evening + Duration::minutes(5)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(
        done["actual_end"],
        (evening + Duration::minutes(160)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(done["late_minutes"], 5);
}
