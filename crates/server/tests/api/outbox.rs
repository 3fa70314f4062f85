//! The outbox and its worker without an SMTP server: what a change leaves,
//! who may see it, retries with backoff, giving up, a retry by hand, and a
//! job whose server died picked up after its lease.

use std::time::{Duration, Instant};

use chrono::Utc;
use lectern_api_types::Role;
use lectern_api_types::outbox::JobState;
use lectern_api_types::webhooks::DeliveryState;
use lectern_server::entities::{outbox, refresh_token, webhook, webhook_delivery};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, json};

struct People {
    director: TestUser,
    admin: TestUser,
    faculty: TestUser,
}

async fn people(app: &TestApp) -> People {
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    People {
        director: app.create_user(Role::SuperAdmin, None).await,
        admin: app.create_user(Role::BranchAdmin, Some(branch)).await,
        faculty: app.create_user(Role::Faculty, Some(branch)).await,
    }
}

/// The outbox's jobs that `query` (`?state=…`) lists, as `token` sees them.
pub async fn jobs(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page: Value = json(
        app.get(&format!("/outbox{query}"), token).await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

/// Waits until the outbox's only job is in `state`, and answers it.
async fn settled(app: &TestApp, token: &str, state: &str) -> Value {
    let started = Instant::now();
    loop {
        let all = jobs(app, token, "").await;
        assert_eq!(all.len(), 1, "{all:?}");
        if all[0]["state"] == state {
            return all[0].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the job stayed {}",
            all[0]
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An outbox row as a server would have left it, for a test to arrange.
fn job_row(
    state: JobState,
    payload: &Value,
    at: chrono::DateTime<Utc>,
    lease: Option<(chrono::DateTime<Utc>, &str)>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        kind: Set("mail.completed".into()),
        payload: Set(payload.to_string()),
        state: Set(state),
        attempts: Set(1),
        run_at: Set(at),
        locked_until: Set(lease.map(|(until, _)| until)),
        locked_by: Set(lease.map(|(_, by)| by.to_owned())),
        last_error: Set(None),
        dedupe_key: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_recorded_session_leaves_an_email_job_that_only_super_admins_see() {
    let app = TestApp::spawn_with(|config| config.outbox_poll_millis = 50).await;
    let people = people(&app).await;
    app.completed_session(&people.faculty).await;

    let director = app.login(&people.director).await;
    // Without SMTP the job is done and nothing is sent.
    let job = settled(&app, &director, "done").await;
    assert_eq!(job["kind"], "mail.completed");
    assert_eq!(job["payload"]["to_user_id"], people.admin.id);
    assert_eq!(job["attempts"], 1);
    assert_eq!(jobs(&app, &director, "?state=failed").await.len(), 0);
    assert_eq!(jobs(&app, &director, "?state=done").await.len(), 1);

    for who in [&people.admin, &people.faculty] {
        let token = app.login(who).await;
        assert_problem(app.get("/outbox", &token).await, StatusCode::FORBIDDEN).await;
        let id = job["id"].as_i64().unwrap();
        assert_problem(
            app.post(&format!("/outbox/{id}/retry"), &token, &json!({}))
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let anonymous = app.client.get(app.api("/outbox")).send().await.unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get("/outbox?state=lost", &director).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_retried_then_given_up_and_retried_by_hand() {
    // Nothing listens on the port: every attempt fails at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(|config| {
        config.smtp_url = Some(lectern_server::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
        config.outbox_poll_millis = 50;
        // Long enough that the wait between attempts is always seen; the
        // test then makes the job due itself.
        config.outbox_retry_seconds = 600;
        config.outbox_max_attempts = 2;
    })
    .await;
    let people = people(&app).await;
    let started = Instant::now();
    app.completed_session(&people.faculty).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the change waited for the mail server"
    );
    let director = app.login(&people.director).await;

    // The first failure waits for the next attempt.
    let waiting = settled_after_attempt(&app, &director).await;
    assert_eq!(waiting["attempts"], 1);
    assert!(
        waiting["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{waiting}"
    );
    let due: chrono::DateTime<Utc> = waiting["run_at"].as_str().unwrap().parse().unwrap();
    let tried: chrono::DateTime<Utc> = waiting["updated_at"].as_str().unwrap().parse().unwrap();
    assert!(due > tried, "retried without waiting: {waiting}");

    due_now(&app, &waiting).await;
    let failed = settled(&app, &director, "failed").await;
    assert_eq!(failed["attempts"], 2, "given up after the last attempt");
    let id = failed["id"].as_i64().unwrap();

    let retried: Value = json(
        app.post(&format!("/outbox/{id}/retry"), &director, &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retried["state"], "pending");
    assert_eq!(retried["attempts"], 0);
    due_now(&app, &settled_after_attempt(&app, &director).await).await;
    let again = settled(&app, &director, "failed").await;
    assert_eq!(again["attempts"], 2);

    // Only a failed job is retried.
    let pending_job = outbox::ActiveModel {
        id: Set(id),
        state: Set(JobState::Done),
        ..Default::default()
    };
    pending_job.update(&app.db).await.unwrap();
    assert_problem(
        app.post(&format!("/outbox/{id}/retry"), &director, &json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_problem(
        app.post("/outbox/999999/retry", &director, &json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Makes `job`, waiting for its next attempt, due at once.
async fn due_now(app: &TestApp, job: &Value) {
    let due = outbox::ActiveModel {
        id: Set(job["id"].as_i64().unwrap()),
        run_at: Set(Utc::now() - chrono::Duration::seconds(1)),
        ..Default::default()
    };
    due.update(&app.db).await.unwrap();
}

/// Waits for the first attempt to have been made.
async fn settled_after_attempt(app: &TestApp, token: &str) -> Value {
    let started = Instant::now();
    loop {
        let all = jobs(app, token, "").await;
        if all[0]["attempts"].as_i64() >= Some(1) && all[0]["state"] == "pending" {
            return all[0].clone();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{all:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_job_whose_server_died_is_run_again_after_its_lease() {
    let app = TestApp::spawn_with(|config| config.outbox_poll_millis = 50).await;
    let people = people(&app).await;
    let session = app.completed_session(&people.faculty).await;
    let director = app.login(&people.director).await;
    settled(&app, &director, "done").await;
    // A job a dead server claimed: running, its lease over, one attempt made.
    let now = Utc::now();
    let payload = json!({"session_id": session.id, "to_user_id": people.admin.id});
    let dead = job_row(
        JobState::Running,
        &payload,
        now - chrono::Duration::minutes(10),
        Some((now - chrono::Duration::seconds(1), "gone:1")),
    )
    .insert(&app.db)
    .await
    .unwrap();
    let started = Instant::now();
    loop {
        let job = outbox::Entity::find_by_id(dead.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        if job.state == JobState::Done {
            assert_eq!(job.attempts, 2);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{job:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // One whose lease still runs is left alone.
    let held = job_row(
        JobState::Running,
        &payload,
        now,
        Some((Utc::now() + chrono::Duration::minutes(5), "alive:1")),
    )
    .insert(&app.db)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let job = outbox::Entity::find_by_id(held.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.locked_by.as_deref(), Some("alive:1"));
}

#[tokio::test]
async fn each_person_chooses_their_emails() {
    let app = TestApp::spawn().await;
    let people = people(&app).await;
    let token = app.login(&people.faculty).await;
    let defaults: Value = json(app.get("/me/notifications", &token).await, StatusCode::OK).await;
    assert_eq!(
        defaults,
        json!({"completed": true, "returned": true, "overdue": true})
    );
    let put = |body: Value| {
        app.request(reqwest::Method::PUT, "/me/notifications", Some(&token))
            .json(&body)
            .send()
    };
    let chosen = json!({"completed": true, "returned": false, "overdue": false});
    let saved: Value = json(put(chosen.clone()).await.unwrap(), StatusCode::OK).await;
    assert_eq!(saved, chosen);
    let read: Value = json(app.get("/me/notifications", &token).await, StatusCode::OK).await;
    assert_eq!(read, chosen);
    // All three are said; nothing else is.
    assert_problem(
        put(json!({"completed": true})).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_problem(
        put(json!({"completed": true, "returned": true, "overdue": true, "sms": true}))
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let read: Value = json(app.get("/me/notifications", &token).await, StatusCode::OK).await;
    assert_eq!(read, chosen, "a refused change lost nothing");
    // Someone else's choices are their own.
    let admin = app.login(&people.admin).await;
    let theirs: Value = json(app.get("/me/notifications", &admin).await, StatusCode::OK).await;
    assert_eq!(theirs, defaults);
    let anonymous = app
        .client
        .get(app.api("/me/notifications"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn finished_jobs_are_forgotten_after_thirty_days_and_failed_ones_kept() {
    let app = TestApp::spawn_with(|config| config.outbox_poll_millis = 50).await;
    let long_ago = Utc::now() - chrono::Duration::days(31);
    let lately = Utc::now() - chrono::Duration::days(29);
    let mut ids = Vec::new();
    for (state, at) in [
        (JobState::Done, long_ago),
        (JobState::Failed, long_ago),
        (JobState::Done, lately),
    ] {
        // Written without reading back: the server may tidy it away first.
        let row = job_row(state, &json!({"session_id": 1, "to_user_id": 1}), at, None);
        let written = outbox::Entity::insert(row).exec(&app.db).await.unwrap();
        ids.push(written.last_insert_id);
    }
    // Every server tidies when it starts.
    let _sibling = app.spawn_sibling().await;
    let started = Instant::now();
    while outbox::Entity::find_by_id(ids[0])
        .one(&app.db)
        .await
        .unwrap()
        .is_some()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the old job stayed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for kept in &ids[1..] {
        assert!(
            outbox::Entity::find_by_id(*kept)
                .one(&app.db)
                .await
                .unwrap()
                .is_some()
        );
    }
}

/// Refresh tokens (one per renewal) and webhook deliveries (one per event
/// per webhook) would outgrow the sessions over the years: each server
/// forgets those long expired or delivered, and keeps the rest.
#[tokio::test]
async fn expired_refresh_tokens_and_old_deliveries_are_forgotten() {
    let app = TestApp::spawn_with(|config| config.outbox_poll_millis = 50).await;
    let people = people(&app).await;
    let days_ago = |days| Utc::now() - chrono::Duration::days(days);
    let mut tokens = Vec::new();
    // Expired 15 days ago (gone), 13 days ago (kept: it could still
    // reveal a thief), and live.
    for (n, expires) in [days_ago(15), days_ago(13), days_ago(-10)]
        .into_iter()
        .enumerate()
    {
        let row = refresh_token::ActiveModel {
            user_id: Set(people.faculty.id),
            family: Set(format!("family-{n}")),
            token_hash: Set(format!("{n:064}")),
            expires_at: Set(expires),
            revoked_at: Set(None),
            replaced_by_id: Set(None),
            spent_by: Set(None),
            created_at: Set(expires - chrono::Duration::days(14)),
            updated_at: Set(expires - chrono::Duration::days(14)),
            ..Default::default()
        };
        let written = refresh_token::Entity::insert(row)
            .exec(&app.db)
            .await
            .unwrap();
        tokens.push(written.last_insert_id);
    }
    let hook = webhook::ActiveModel {
        branch_id: Set(None),
        url: Set("https://hooks.example.org/lectern".into()),
        events: Set("session.completed".into()),
        description: Set(None),
        secret: Set("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
        created_by: Set(people.admin.id),
        created_at: Set(days_ago(40)),
        updated_at: Set(days_ago(40)),
        ..Default::default()
    };
    let hook = webhook::Entity::insert(hook)
        .exec(&app.db)
        .await
        .unwrap()
        .last_insert_id;
    let mut deliveries = Vec::new();
    // Delivered 31 days ago (gone), 29 days ago (kept), and failed 31 days
    // ago (kept, to be retried by hand).
    for (n, (state, at)) in [
        (DeliveryState::Delivered, days_ago(31)),
        (DeliveryState::Delivered, days_ago(29)),
        (DeliveryState::Failed, days_ago(31)),
    ]
    .into_iter()
    .enumerate()
    {
        let row = webhook_delivery::ActiveModel {
            webhook_id: Set(hook),
            event: Set("session.completed".into()),
            message_id: Set(format!("msg_{n}")),
            payload: Set("{}".into()),
            state: Set(state),
            attempts: Set(1),
            response_status: Set(None),
            last_error: Set(None),
            last_attempt_at: Set(Some(at)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        let written = webhook_delivery::Entity::insert(row)
            .exec(&app.db)
            .await
            .unwrap();
        deliveries.push(written.last_insert_id);
    }

    // Every server tidies when it starts.
    let _sibling = app.spawn_sibling().await;
    let started = Instant::now();
    loop {
        let token = refresh_token::Entity::find_by_id(tokens[0])
            .one(&app.db)
            .await
            .unwrap();
        let delivery = webhook_delivery::Entity::find_by_id(deliveries[0])
            .one(&app.db)
            .await
            .unwrap();
        if token.is_none() && delivery.is_none() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still there: token {token:?}, delivery {delivery:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for kept in &tokens[1..] {
        let row = refresh_token::Entity::find_by_id(*kept)
            .one(&app.db)
            .await
            .unwrap();
        assert!(row.is_some(), "token {kept}");
    }
    for kept in &deliveries[1..] {
        let row = webhook_delivery::Entity::find_by_id(*kept)
            .one(&app.db)
            .await
            .unwrap();
        assert!(row.is_some(), "delivery {kept}");
    }
    // Signing in and renewing still work beside the tidy.
    let token = app.login(&people.faculty).await;
    assert_eq!(app.get("/me", &token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_stopping_server_finishes_the_job_in_hand_and_gives_back_the_rest() {
    // A mail server that takes its time: each connection is held three
    // seconds, then dropped, so each attempt fails after three seconds.
    let slow = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = slow.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((connection, _)) = slow.accept().await {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(3)).await;
                drop(connection);
            });
        }
    });
    let mut app = TestApp::spawn_with(|config| {
        config.smtp_url = Some(lectern_server::config::Secret::new(format!(
            "smtp://127.0.0.1:{port}"
        )));
        config.outbox_poll_millis = 50;
        config.outbox_retry_seconds = 600;
    })
    .await;
    let people = people(&app).await;
    // Five more admins: one completion leaves six emails.
    for _ in 0..5 {
        app.create_user(Role::BranchAdmin, people.admin.branch_id)
            .await;
    }
    app.completed_session(&people.faculty).await;
    let started = Instant::now();
    loop {
        let running = outbox::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|job| job.state == JobState::Running)
            .count();
        if running == 6 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{running} claimed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.shut_down().await;

    let jobs = outbox::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(jobs.len(), 6);
    assert!(
        jobs.iter()
            .all(|job| job.state == JobState::Pending && job.locked_until.is_none()),
        "nothing is left held: {jobs:?}"
    );
    let attempted: Vec<_> = jobs.iter().filter(|job| job.attempts == 1).collect();
    assert_eq!(attempted.len(), 1, "the job in hand was finished: {jobs:?}");
    assert!(attempted[0].last_error.is_some());
    assert!(
        jobs.iter().filter(|job| job.attempts == 0).count() == 5,
        "the others were given back unattempted: {jobs:?}"
    );
}

/// An idle worker polls without taking SQLite's one write lock (the
/// others have none to take), so a poll with nothing due neither waits
/// behind a writer nor holds one up.
#[tokio::test]
async fn a_poll_with_nothing_due_passes_a_held_write_lock() {
    let app = TestApp::spawn().await;
    // A pool as the server's worker has: the test's own has one connection.
    let worker = lectern_server::db::connect(&app.config).await.unwrap();
    let holder = lectern_server::db::begin_write(&app.db).await.unwrap();
    let claimed = tokio::time::timeout(
        Duration::from_secs(3),
        lectern_server::outbox::store::claim(&worker, "probe:1", Duration::from_secs(60), 10),
    )
    .await;
    holder.rollback().await.unwrap();
    let claimed = claimed
        .expect("the poll waited for the write lock")
        .unwrap();
    assert!(claimed.is_empty(), "{claimed:?}");
}
