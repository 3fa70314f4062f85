//! Email through a real SMTP server (aiosmtpd on loopback): who is told
//! of what, in plain text and HTML, once. Ignored by a plain `cargo test`;
//! `cargo xtask test` runs them with `--ignored mail` on every database.

use chrono::{Duration, Utc};
use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, json};
use crate::outbox;
use crate::smtp::SmtpSink;

struct Branch {
    admin: TestUser,
    faculty: TestUser,
}

async fn app_with(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(|config| {
        config.smtp_url = Some(lectern_server::config::Secret::new(url));
        config.mail_from = "Lectern <lectern@lectern.test>".into();
        config.public_url = Some("https://lectern.example/".into());
        config.outbox_poll_millis = 50;
    })
    .await
}

async fn branch(app: &TestApp, code: &str) -> Branch {
    let branch = app.create_branch(code, "Asia/Kolkata").await;
    Branch {
        admin: app.create_user(Role::BranchAdmin, Some(branch)).await,
        faculty: app.create_user(Role::Faculty, Some(branch)).await,
    }
}

/// A pending ad-hoc session of `owner` held at 04:00 UTC (09:30 in Pune)
/// a day or two ago: whatever the hour now, it ended more than the 24
/// hours that make it overdue.
async fn held_over_a_day_ago(app: &TestApp, owner: &TestUser) -> i64 {
    let start = (Utc::now() - Duration::hours(30))
        .date_naive()
        .and_hms_opt(4, 0, 0)
        .unwrap()
        .and_utc();
    app.ad_hoc_session(owner, start).await.id
}

async fn complete(app: &TestApp, token: &str, id: i64) -> Value {
    json(
        app.post(
            &format!("/completions/{id}/complete"),
            token,
            &json!({"actual_start_time": "09:35", "actual_end_time": "10:30",
                    "completion_code": "PUNE-MAIL-0001", "notes": "Covered <ownership> & borrowing."}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
#[ignore = "needs aiosmtpd: cargo xtask test runs it"]
async fn mail_a_recorded_session_goes_to_the_branch_admins_who_want_it() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let pune = branch(&app, "PUNE").await;
    let quiet = app
        .create_user(Role::BranchAdmin, pune.admin.branch_id)
        .await;
    let other = branch(&app, "DELHI").await;
    let quiet_token = app.login(&quiet).await;
    let off = json!({"completed": false, "returned": true, "overdue": true});
    let saved: Value = json(
        app.request(
            reqwest::Method::PUT,
            "/me/notifications",
            Some(&quiet_token),
        )
        .json(&off)
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved, off);

    let id = held_over_a_day_ago(&app, &pune.faculty).await;
    let token = app.login(&pune.faculty).await;
    complete(&app, &token, id).await;

    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1, "only the admin who wants it is told");
    let message = &messages[0];
    assert_eq!(message.to, pune.admin.email);
    assert_ne!(message.to, other.admin.email);
    assert!(
        message.subject.starts_with("Recorded: Extra class on "),
        "{}",
        message.subject
    );
    assert!(
        message.subject.ends_with("by Test Faculty"),
        "{}",
        message.subject
    );
    assert!(message.text.contains("PUNE-MAIL-0001"), "{}", message.text);
    assert!(
        message.text.contains("09:35–10:30"),
        "held in the branch's clock: {}",
        message.text
    );
    assert!(
        message
            .text
            .contains(&format!("https://lectern.example/sessions/{id}")),
        "{}",
        message.text
    );
    // The HTML part escapes what people typed.
    assert!(
        message
            .html
            .contains("Covered &lt;ownership&gt; &amp; borrowing."),
        "{}",
        message.html
    );
    assert!(
        message.message_id.starts_with("outbox-"),
        "{}",
        message.message_id
    );
}

#[tokio::test]
#[ignore = "needs aiosmtpd: cargo xtask test runs it"]
async fn mail_a_returned_record_tells_its_owner_why() {
    let sink = SmtpSink::start();
    let app = app_with(&sink).await;
    let pune = branch(&app, "PUNE").await;
    let id = held_over_a_day_ago(&app, &pune.faculty).await;
    complete(&app, &app.login(&pune.faculty).await, id).await;
    sink.wait_for(1).await;

    let admin = app.login(&pune.admin).await;
    let returned = app
        .post(
            &format!("/completions/{id}/return"),
            &admin,
            &json!({"reason": "The end time is after the room was locked."}),
        )
        .await;
    assert_eq!(returned.status(), StatusCode::OK);
    let messages = sink.wait_for(2).await;
    assert_eq!(messages.len(), 2);
    let to_owner: Vec<_> = messages
        .iter()
        .filter(|m| m.to == pune.faculty.email)
        .collect();
    assert_eq!(to_owner.len(), 1);
    assert!(
        to_owner[0]
            .subject
            .starts_with("Returned for correction: Extra class")
    );
    assert!(
        to_owner[0]
            .text
            .contains("The end time is after the room was locked."),
        "{}",
        to_owner[0].text
    );
}

#[tokio::test]
#[ignore = "needs aiosmtpd: cargo xtask test runs it"]
async fn mail_an_overdue_session_is_told_once_however_many_servers_look() {
    let sink = SmtpSink::start();
    let first = app_with(&sink).await;
    let pune = branch(&first, "PUNE").await;
    let id = held_over_a_day_ago(&first, &pune.faculty).await;
    // Every server looks for overdue sessions when it starts.
    let second = first.spawn_sibling().await;
    let third = first.spawn_sibling().await;
    sink.wait_for(1).await;
    // Time for a second email, were one on its way.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "one email for one overdue session");
    assert_eq!(messages[0].to, pune.faculty.email);
    assert!(
        messages[0]
            .subject
            .starts_with("Not recorded yet: Extra class")
    );
    assert!(messages[0].text.contains(&format!("/sessions/{id}")));
    drop((second, third));
}

#[tokio::test]
#[ignore = "needs aiosmtpd: cargo xtask test runs it"]
async fn mail_a_day_long_session_is_told_until_a_week_after_it_became_overdue() {
    let sink = SmtpSink::start();
    let first = app_with(&sink).await;
    let pune = branch(&first, "PUNE").await;
    // Overdue 24 hours after its end; told of for a week after that.
    let edge = Utc::now() - Duration::hours(24) - Duration::days(7);
    let inside_end = edge + Duration::hours(2);
    let inside = first
        .ad_hoc_session_until(&pune.faculty, inside_end - Duration::hours(23), inside_end)
        .await;
    let outside_end = edge - Duration::hours(2);
    first
        .ad_hoc_session_until(&pune.faculty, outside_end - Duration::hours(1), outside_end)
        .await;
    // A server looks for overdue sessions when it starts.
    let second = first.spawn_sibling().await;
    sink.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "only the session inside the week");
    assert!(
        messages[0]
            .text
            .contains(&format!("/sessions/{}", inside.id)),
        "{}",
        messages[0].text
    );
    drop(second);
}

#[tokio::test]
#[ignore = "needs aiosmtpd: cargo xtask test runs it"]
async fn mail_twenty_records_on_two_servers_send_twenty_emails_none_twice() {
    let sink = SmtpSink::start();
    let first = app_with(&sink).await;
    let second = first.spawn_sibling().await;
    let pune = branch(&first, "PUNE").await;
    let token = first.login(&pune.faculty).await;
    let mut ids = Vec::new();
    for day in 0..20 {
        let start = (Utc::now() - Duration::days(2 + day))
            .date_naive()
            .and_hms_opt(4, 0, 0)
            .unwrap()
            .and_utc();
        ids.push(first.ad_hoc_session(&pune.faculty, start).await.id);
    }
    // The sessions are overdue too; no one wants to hear of that here.
    first
        .request(reqwest::Method::PUT, "/me/notifications", Some(&token))
        .json(&json!({"completed": true, "returned": true, "overdue": false}))
        .send()
        .await
        .unwrap();
    for (n, id) in ids.iter().enumerate() {
        let server = if n % 2 == 0 { &first } else { &second };
        let response = server
            .post(
                &format!("/completions/{id}/complete"),
                &token,
                &json!({"actual_start_time": "09:35", "actual_end_time": "10:30"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let messages = sink.wait_for(20).await;
    assert_eq!(messages.len(), 20);
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "a message was sent twice");
}

/// Records the session `id` with `code`.
async fn record(app: &TestApp, token: &str, id: i64, code: &str) {
    let response = app
        .post(
            &format!("/completions/{id}/complete"),
            token,
            &json!({"actual_start_time": "09:35", "actual_end_time": "10:30", "completion_code": code}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Waits until `done` holds of the outbox's pending and running jobs.
async fn until_outbox(app: &TestApp, token: &str, done: impl Fn(&[String]) -> bool) {
    let started = std::time::Instant::now();
    loop {
        let mut jobs = outbox::jobs(app, token, "?state=pending&limit=100").await;
        jobs.extend(outbox::jobs(app, token, "?state=running&limit=100").await);
        let jobs: Vec<String> = jobs
            .iter()
            .map(|job| job["kind"].as_str().unwrap().to_owned())
            .collect();
        if done(&jobs) {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "outbox: {jobs:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// An email waits for a worker, and through retries up to an hour while
/// the mail server is down. What it tells must still be so when it is
/// sent: a record verified, or returned and resubmitted, or a session
/// recorded since, gets none; a record awaiting review again does. They
/// were sent regardless (a returned record's email with no reason).
#[tokio::test]
#[ignore = "needs aiosmtpd: cargo xtask test runs it"]
async fn mail_about_what_is_no_longer_so_is_not_sent() {
    let sink = SmtpSink::start();
    let url = sink.url();
    // No worker of its own runs while the scene is set.
    let mut app = TestApp::spawn_with(|config| {
        config.smtp_url = Some(lectern_server::config::Secret::new(url));
        config.mail_from = "Lectern <lectern@lectern.test>".into();
        config.outbox_poll_millis = 3_600_000;
    })
    .await;
    let pune = branch(&app, "PUNE").await;
    let faculty = app.login(&pune.faculty).await;
    let admin = app.login(&pune.admin).await;
    let director = app.create_user(Role::SuperAdmin, None).await;
    let director = app.login(&director).await;

    let verified = held_over_a_day_ago(&app, &pune.faculty).await;
    record(&app, &faculty, verified, "PUNE-MAIL-0001").await;
    let response = app
        .post(
            &format!("/completions/{verified}/verify"),
            &admin,
            &json!({"completion_code": "PUNE-MAIL-0001"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let resubmitted = held_over_a_day_ago(&app, &pune.faculty).await;
    record(&app, &faculty, resubmitted, "PUNE-MAIL-0002").await;
    let response = app
        .post(
            &format!("/completions/{resubmitted}/return"),
            &admin,
            &json!({"reason": "The end time looks wrong."}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .post(
            &format!("/completions/{resubmitted}/resubmit"),
            &faculty,
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // A server starting looks for overdue sessions: this one is.
    let recorded = held_over_a_day_ago(&app, &pune.faculty).await;
    let looker = app.spawn_sibling().await;
    until_outbox(&app, &director, |jobs| {
        jobs.iter().any(|kind| kind == "mail.overdue")
    })
    .await;
    record(&app, &faculty, recorded, "PUNE-MAIL-0003").await;

    // Now a server that works the outbox.
    app.config.outbox_poll_millis = 50;
    let worker = app.spawn_sibling().await;
    until_outbox(&app, &director, <[String]>::is_empty).await;
    let mut told: Vec<(String, String)> = sink
        .messages()
        .into_iter()
        .map(|m| (m.to, m.subject))
        .collect();
    told.sort();
    assert_eq!(told.len(), 2, "{told:?}");
    for (to, subject) in &told {
        assert_eq!(to, &pune.admin.email, "{told:?}");
        assert!(subject.starts_with("Recorded: Extra class"), "{told:?}");
    }
    drop((looker, worker));
}
