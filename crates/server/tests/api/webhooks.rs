//! Webhooks against a real HTTP receiver on loopback: who may add them,
//! which addresses are refused, what is sent, how it is signed, and how
//! failures are retried and logged.

use chrono::{Duration, Utc};
use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::attachments::{PDF, upload};
use crate::helpers::{TestApp, TestUser, assert_problem, json};
use crate::outbox;
use crate::receiver::{Delivered, Receiver};

/// A server whose webhooks may point at loopback, with a quick worker.
async fn app() -> TestApp {
    TestApp::spawn_with(|config| {
        config.webhook_allow_private = true;
        config.outbox_poll_millis = 50;
        config.outbox_retry_seconds = 0;
        config.outbox_max_attempts = 3;
    })
    .await
}

struct Branch {
    id: i64,
    admin_token: String,
    faculty: TestUser,
    faculty_token: String,
}

async fn branch(app: &TestApp, code: &str) -> Branch {
    let id = app.create_branch(code, "Europe/London").await;
    let admin = app.create_user(Role::BranchAdmin, Some(id)).await;
    let faculty = app.create_user(Role::Faculty, Some(id)).await;
    Branch {
        id,
        admin_token: app.login(&admin).await,
        faculty_token: app.login(&faculty).await,
        faculty,
    }
}

async fn add_webhook(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Value {
    json(
        app.post("/webhooks", token, &json!({"url": url, "events": events}))
            .await,
        StatusCode::CREATED,
    )
    .await
}

/// A server, a receiver, Pune's people, and a webhook of Pune's admin for
/// `events` to the receiver (with its secret).
struct Hooked {
    app: TestApp,
    receiver: Receiver,
    pune: Branch,
    made: Value,
}

async fn hooked(events: &[&str]) -> Hooked {
    let app = app().await;
    let receiver = Receiver::start().await;
    let pune = branch(&app, "PUNE").await;
    let made = add_webhook(&app, &pune.admin_token, &receiver.url, events).await;
    Hooked {
        app,
        receiver,
        pune,
        made,
    }
}

/// A session of `owner` held yesterday, recorded through the API.
async fn completed(app: &TestApp, branch: &Branch, code: &str) -> i64 {
    let start = (Utc::now() - Duration::hours(30))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let id = app.ad_hoc_session(&branch.faculty, start).await.id;
    let response = app
        .post(
            &format!("/completions/{id}/complete"),
            &branch.faculty_token,
            &json!({"actual_start_time": "09:05", "actual_end_time": "09:55", "completion_code": code}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    id
}

async fn deliveries(app: &TestApp, token: &str, webhook: i64) -> Vec<Value> {
    let page: Value = json(
        app.get(&format!("/webhooks/{webhook}/deliveries"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

/// Waits until the webhook's newest delivery is no longer pending.
async fn settled(app: &TestApp, token: &str, webhook: i64) -> Value {
    let started = std::time::Instant::now();
    loop {
        let log = deliveries(app, token, webhook).await;
        if let Some(newest) = log.first()
            && newest["state"] != "pending"
        {
            return newest.clone();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "still pending: {log:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_completion_is_delivered_once_signed_as_standard_webhooks_says() {
    let Hooked {
        app,
        receiver,
        pune,
        made,
    } = hooked(&["session.completed"]).await;
    let secret = made["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{made}");
    assert_eq!(
        made["branch_id"], pune.id,
        "a branch admin's is their branch's"
    );
    assert_eq!(made["events"], json!(["session.completed"]));

    let session = completed(&app, &pune, "PUNE-HOOK-0001").await;
    let arrived = receiver.wait_for(1).await;
    let message = &arrived[0];
    assert!(message.signed_with(secret), "{message:?}");
    assert!(!message.signed_with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    assert!(message.id.starts_with("msg_"), "{}", message.id);
    assert_eq!(message.content_type, "application/json");
    let sent_at: i64 = message.timestamp.parse().unwrap();
    assert!((Utc::now().timestamp() - sent_at).abs() < 300);
    let body = message.json();
    assert_eq!(body["type"], "session.completed");
    assert!(body["timestamp"].is_string());
    assert_eq!(body["data"]["id"], session);
    assert_eq!(body["data"]["status"], "completed");
    assert_eq!(body["data"]["completion_code"], "PUNE-HOOK-0001");

    let logged = settled(&app, &pune.admin_token, made["id"].as_i64().unwrap()).await;
    assert_eq!(logged["state"], "delivered");
    assert_eq!(logged["attempts"], 1);
    assert_eq!(logged["response_status"], 200);
    assert_eq!(logged["message_id"], message.id.as_str());
    assert_eq!(logged["event"], "session.completed");
    // The secret is shown once: never in the list.
    let page: Value = json(
        app.get("/webhooks", &pune.admin_token).await,
        StatusCode::OK,
    )
    .await;
    let listed = page["items"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{page}");
    assert!(listed[0].get("secret").is_none(), "{}", listed[0]);

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "sent once");
}

#[tokio::test]
async fn every_event_reaches_the_webhooks_that_asked_for_it_and_no_other() {
    let app = app().await;
    let everything = Receiver::start().await;
    let cancellations = Receiver::start().await;
    let pune = branch(&app, "PUNE").await;
    let goa = branch(&app, "GOA").await;
    let all_events = [
        "session.completed",
        "session.cancelled",
        "session.verified",
        "session.returned",
        "attachment.created",
    ];
    let hook = add_webhook(&app, &pune.admin_token, &everything.url, &all_events).await;
    add_webhook(
        &app,
        &pune.admin_token,
        &cancellations.url,
        &["session.cancelled"],
    )
    .await;

    // Goa's sessions are not Pune's webhooks' business.
    completed(&app, &goa, "GOA-HOOK-0001").await;

    let returned = completed(&app, &pune, "PUNE-HOOK-0001").await;
    let response = app
        .post(
            &format!("/completions/{returned}/return"),
            &pune.admin_token,
            &json!({"reason": "Add the lab notes"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let verified = completed(&app, &pune, "PUNE-HOOK-0002").await;
    let response = app
        .post(
            &format!("/completions/{verified}/verify"),
            &pune.admin_token,
            &json!({"completion_code": "PUNE-HOOK-0002"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tomorrow = app
        .ad_hoc_session(&pune.faculty, Utc::now() + Duration::days(1))
        .await
        .id;
    let response = app
        .post(
            &format!("/completions/{tomorrow}/cancel"),
            &pune.faculty_token,
            &json!({"reason": "Public holiday"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = upload(
        &app,
        &pune.faculty_token,
        returned,
        "notes.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let arrived = everything.wait_for(6).await;
    let mut seen: Vec<(String, i64)> = arrived
        .iter()
        .map(|message| {
            let body = message.json();
            (
                body["type"].as_str().unwrap().to_owned(),
                body["data"]["id"].as_i64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("attachment.created".to_owned(), returned),
            ("session.cancelled".to_owned(), tomorrow),
            ("session.completed".to_owned(), returned),
            ("session.completed".to_owned(), verified),
            ("session.returned".to_owned(), returned),
            ("session.verified".to_owned(), verified),
        ]
    );
    let attachment = arrived
        .iter()
        .map(Delivered::json)
        .find(|body| body["type"] == "attachment.created")
        .unwrap();
    assert_eq!(attachment["attachment"]["file_name"], "notes.pdf");
    assert_eq!(attachment["data"]["attachment_count"], 1);
    let returned_body = arrived
        .iter()
        .map(Delivered::json)
        .find(|body| body["type"] == "session.returned")
        .unwrap();
    assert_eq!(returned_body["data"]["review"], "returned");

    let cancelled = cancellations.wait_for(1).await;
    assert_eq!(cancelled[0].json()["type"], "session.cancelled");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(cancellations.received().len(), 1);
    assert_eq!(
        everything.received().len(),
        6,
        "Goa's completion was not sent"
    );
    assert_eq!(
        deliveries(&app, &pune.admin_token, hook["id"].as_i64().unwrap())
            .await
            .len(),
        6
    );
}

#[tokio::test]
async fn a_refused_delivery_is_retried_with_the_same_id_then_given_up_and_logged() {
    let Hooked {
        app,
        receiver,
        pune,
        made,
    } = hooked(&["session.completed"]).await;
    let hook = made["id"].as_i64().unwrap();

    receiver.answer_with(&[500, 503]);
    completed(&app, &pune, "PUNE-HOOK-0001").await;
    let arrived = receiver.wait_for(3).await;
    assert_eq!(arrived.len(), 3);
    assert!(arrived.iter().all(|message| message.id == arrived[0].id));
    assert!(
        arrived
            .iter()
            .all(|message| message.body == arrived[0].body)
    );
    let logged = settled(&app, &pune.admin_token, hook).await;
    assert_eq!(logged["state"], "delivered");
    assert_eq!(logged["attempts"], 3);
    assert_eq!(logged["last_error"], Value::Null);

    receiver.answer_with(&[500, 500, 500]);
    completed(&app, &pune, "PUNE-HOOK-0002").await;
    receiver.wait_for(6).await;
    let logged = settled(&app, &pune.admin_token, hook).await;
    assert_eq!(logged["state"], "failed", "{logged}");
    assert_eq!(logged["attempts"], 3);
    assert_eq!(logged["response_status"], 500);
    assert!(
        logged["last_error"].as_str().unwrap().contains("500"),
        "{logged}"
    );
}

#[tokio::test]
async fn an_unreachable_target_neither_slows_nor_fails_the_change() {
    let app = app().await;
    let pune = branch(&app, "PUNE").await;
    // Nothing listens on the discard port. Receivers often take their
    // secret in the URL, which the log shown to admins must not repeat.
    let made = add_webhook(
        &app,
        &pune.admin_token,
        "http://127.0.0.1:9/hooks/T0/B0-SECRET?token=XYZZY",
        &["session.completed"],
    )
    .await;
    let started = std::time::Instant::now();
    completed(&app, &pune, "PUNE-HOOK-0001").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let logged = settled(&app, &pune.admin_token, made["id"].as_i64().unwrap()).await;
    assert_eq!(logged["state"], "failed");
    assert_eq!(logged["response_status"], Value::Null);
    let error = logged["last_error"].as_str().unwrap();
    assert!(!error.is_empty());
    assert!(
        !error.contains("SECRET") && !error.contains("XYZZY"),
        "{error}"
    );
    let root = app.create_user(Role::SuperAdmin, None).await;
    for job in outbox::jobs(&app, &app.login(&root).await, "?limit=100").await {
        let error = job["last_error"].as_str().unwrap_or_default();
        assert!(
            !error.contains("SECRET") && !error.contains("XYZZY"),
            "{error}"
        );
    }
}

/// A webhook sends a branch's records where its maker chose, on their
/// authority: once the maker no longer reaches the branch, nothing more is
/// sent, neither what later changes leave nor what was already waiting.
#[tokio::test]
async fn a_webhook_stops_when_its_maker_no_longer_reaches_the_branch() {
    // No worker of its own sends while the maker is moved.
    let mut app = TestApp::spawn_with(|config| {
        config.webhook_allow_private = true;
        config.outbox_poll_millis = 3_600_000;
        config.outbox_retry_seconds = 0;
    })
    .await;
    let receiver = Receiver::start().await;
    let pune = branch(&app, "PUNE").await;
    let goa = app.create_branch("GOA", "Asia/Kolkata").await;
    let maker = app.create_user(Role::BranchAdmin, Some(pune.id)).await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root_token = app.login(&root).await;
    let made = add_webhook(
        &app,
        &app.login(&maker).await,
        &receiver.url,
        &["session.completed"],
    )
    .await;
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["sending"], true);
    // The super admin's own webhook for every branch goes on sending.
    add_webhook(&app, &root_token, &receiver.url, &["session.completed"]).await;
    completed(&app, &pune, "PUNE-STOP-0001").await;

    let response = app
        .patch(
            &format!("/users/{}", maker.id),
            &root_token,
            &json!({"branch_id": goa}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    completed(&app, &pune, "PUNE-STOP-0002").await;

    // Pune's other admin sees it stopped, with no test to send.
    let page: Value = json(
        app.get("/webhooks", &pune.admin_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"][0]["id"], id);
    assert_eq!(page["items"][0]["sending"], false);
    let response = app
        .post(
            &format!("/webhooks/{id}/test"),
            &pune.admin_token,
            &json!({}),
        )
        .await;
    assert_problem(response, StatusCode::CONFLICT).await;
    assert_eq!(
        deliveries(&app, &pune.admin_token, id).await.len(),
        1,
        "the second record left it nothing"
    );

    app.config.outbox_poll_millis = 50;
    let worker = app.spawn_sibling().await;
    let logged = settled(&app, &pune.admin_token, id).await;
    assert_eq!(logged["state"], "failed");
    assert_eq!(logged["response_status"], Value::Null);
    assert!(
        logged["last_error"]
            .as_str()
            .unwrap()
            .contains("no longer reaches its branch"),
        "{logged}"
    );
    receiver.wait_for(2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 2, "the super admin's two only");
    drop(worker);
}

#[tokio::test]
async fn the_test_event_tries_the_receiver() {
    let Hooked {
        app,
        receiver,
        pune,
        made,
    } = hooked(&["session.verified"]).await;
    let hook = made["id"].as_i64().unwrap();
    let delivery: Value = json(
        app.post(
            &format!("/webhooks/{hook}/test"),
            &pune.admin_token,
            &json!({}),
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(delivery["event"], "webhook.test");
    let arrived = receiver.wait_for(1).await;
    assert!(arrived[0].signed_with(made["secret"].as_str().unwrap()));
    let body = arrived[0].json();
    assert_eq!(body["type"], "webhook.test");
    assert_eq!(body["data"]["webhook_id"], hook);
}

#[tokio::test]
async fn targets_inside_the_network_are_refused_unless_the_operator_allows_them() {
    let app = TestApp::spawn().await;
    let pune = branch(&app, "PUNE").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
        "http://[::1]/hook",
        "ftp://hooks.example.org/",
        "not a url",
        "https://user:secret@hooks.example.org/",
    ] {
        let response = app
            .post(
                "/webhooks",
                &pune.admin_token,
                &json!({"url": url, "events": ["session.completed"]}),
            )
            .await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(problem["errors"]["url"].is_array(), "{url}: {problem}");
    }
    let response = app
        .post(
            "/webhooks",
            &pune.admin_token,
            &json!({"url": "https://hooks.example.org/", "events": []}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem["errors"]["events"].is_array(), "{problem}");
    let page: Value = json(
        app.get("/webhooks", &pune.admin_token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page, json!({"items": []}));
}

#[tokio::test]
async fn webhooks_are_admins_and_a_branch_admin_reaches_only_their_branchs() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let pune = branch(&app, "PUNE").await;
    let goa = branch(&app, "GOA").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root_token = app.login(&root).await;

    let everywhere = add_webhook(&app, &root_token, &receiver.url, &["session.completed"]).await;
    assert_eq!(everywhere["branch_id"], Value::Null);
    let goas = add_webhook(
        &app,
        &goa.admin_token,
        &receiver.url,
        &["session.completed"],
    )
    .await;
    let goas_id = goas["id"].as_i64().unwrap();

    // Faculty have none and may make none.
    assert_problem(
        app.get("/webhooks", &pune.faculty_token).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let response = app
        .post(
            "/webhooks",
            &pune.faculty_token,
            &json!({"url": receiver.url, "events": ["session.completed"]}),
        )
        .await;
    assert_problem(response, StatusCode::FORBIDDEN).await;
    // A branch admin cannot make one for another branch, which does not
    // exist for them...
    let response = app
        .post(
            "/webhooks",
            &pune.admin_token,
            &json!({"url": receiver.url, "events": ["session.completed"], "branch_id": goa.id}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"]["branch_id"][0], "no such branch");
    // ...nor see, read the log of, test or delete one.
    let listed = app
        .ids_of_every_page("/webhooks?limit=1", &pune.admin_token, 1)
        .await;
    assert!(listed.is_empty(), "{listed:?}");
    for response in [
        app.get(
            &format!("/webhooks/{goas_id}/deliveries"),
            &pune.admin_token,
        )
        .await,
        app.post(
            &format!("/webhooks/{goas_id}/test"),
            &pune.admin_token,
            &json!({}),
        )
        .await,
        app.delete(&format!("/webhooks/{goas_id}"), &pune.admin_token)
            .await,
    ] {
        assert_problem(response, StatusCode::NOT_FOUND).await;
    }
    let listed = app
        .ids_of_every_page("/webhooks?limit=1", &goa.admin_token, 2)
        .await;
    assert_eq!(listed, [goas_id], "still there");
    let listed = app
        .ids_of_every_page("/webhooks?limit=1", &root_token, 3)
        .await;
    assert_eq!(listed.len(), 2, "{listed:?}");

    // The super admin's hears of every branch, Goa's of Goa only.
    completed(&app, &pune, "PUNE-HOOK-0001").await;
    completed(&app, &goa, "GOA-HOOK-0001").await;
    receiver.wait_for(3).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 3);

    let response = app
        .delete(&format!("/webhooks/{goas_id}"), &goa.admin_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get(&format!("/webhooks/{goas_id}/deliveries"), &goa.admin_token)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = app
        .ids_of_every_page("/webhooks?limit=1", &root_token, 2)
        .await;
    assert_eq!(listed.len(), 1, "{listed:?}");
}

/// The webhooks page like every list, oldest first.
#[tokio::test]
async fn the_webhooks_page_by_id() {
    let app = app().await;
    let pune = branch(&app, "PUNE").await;
    let mut made = Vec::new();
    for n in 0..3 {
        let url = format!("http://127.0.0.1:9/hook-{n}");
        let hook = add_webhook(&app, &pune.admin_token, &url, &["session.completed"]).await;
        made.push(hook["id"].as_i64().unwrap());
    }
    assert_eq!(
        app.ids_of_every_page("/webhooks?limit=2", &pune.admin_token, 2)
            .await,
        made
    );
}

/// Webhooks deleted while sessions are recorded: each recording succeeds,
/// each delete too. A recording read the webhooks, a delete committed, and
/// the delivery left for the deleted one broke its foreign key: the
/// recording answered 409 (PostgreSQL and MariaDB).
#[tokio::test]
async fn webhooks_deleted_while_sessions_are_recorded_refuse_no_recording() {
    let Hooked {
        app,
        receiver,
        pune,
        made,
    } = hooked(&["session.completed"]).await;
    let mut hooks = vec![made["id"].as_i64().unwrap()];
    for _ in 0..7 {
        let more = add_webhook(
            &app,
            &pune.admin_token,
            &receiver.url,
            &["session.completed"],
        )
        .await;
        hooks.push(more["id"].as_i64().unwrap());
    }
    let start = (Utc::now() - Duration::hours(30))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let mut sessions = Vec::new();
    for _ in 0..16 {
        sessions.push(app.ad_hoc_session(&pune.faculty, start).await.id);
    }
    let recordings = sessions.iter().enumerate().map(|(n, id)| {
        let app = &app;
        let token = &pune.faculty_token;
        async move {
            let body = json!({
                "actual_start_time": "09:05",
                "actual_end_time": "09:55",
                "completion_code": format!("PUNE-RACE-{n:04}"),
            });
            let response = app
                .post(&format!("/completions/{id}/complete"), token, &body)
                .await;
            let status = response.status();
            (status, response.text().await.unwrap())
        }
    });
    let deletes = hooks.iter().enumerate().map(|(n, hook)| {
        let app = &app;
        let token = &pune.admin_token;
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(3 * n as u64)).await;
            app.delete(&format!("/webhooks/{hook}"), token)
                .await
                .status()
        }
    });
    let (recorded, deleted) = tokio::join!(
        futures_util::future::join_all(recordings),
        futures_util::future::join_all(deletes)
    );
    for (status, body) in &recorded {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    assert!(
        deleted
            .iter()
            .all(|status| *status == StatusCode::NO_CONTENT),
        "{deleted:?}"
    );
}

/// How many outbox jobs are in `state`, as a super admin sees them.
async fn jobs_in(app: &TestApp, token: &str, state: &str) -> usize {
    outbox::jobs(app, token, &format!("?state={state}&limit=100"))
        .await
        .len()
}

/// A worker runs a batch's jobs one after another; each job's lease runs
/// from its own start, so a second server polling takes only jobs the
/// first has not started, and each delivery is sent once. The lease ran
/// from the claim: the later jobs of a slow batch started after it had run
/// out, when the other server had taken them too, and both sent them.
#[tokio::test]
async fn a_slow_batch_of_deliveries_is_sent_once_with_two_servers_polling() {
    // No worker of its own works the outbox while the jobs are written.
    let mut app = TestApp::spawn_with(|config| {
        config.webhook_allow_private = true;
        config.outbox_poll_millis = 3_600_000;
        config.outbox_retry_seconds = 0;
        config.outbox_lease_seconds = 2;
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.answer_after(std::time::Duration::from_millis(600));
    let pune = branch(&app, "PUNE").await;
    add_webhook(
        &app,
        &pune.admin_token,
        &receiver.url,
        &["session.completed"],
    )
    .await;
    // Only deliveries in the outbox: the admin wants no email of records.
    let quiet = json!({"completed": false, "returned": false, "overdue": false});
    let response = app
        .request(
            reqwest::Method::PUT,
            "/me/notifications",
            Some(&pune.admin_token),
        )
        .json(&quiet)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let super_admin = app.create_user(Role::SuperAdmin, None).await;
    let super_token = app.login(&super_admin).await;
    let start = (Utc::now() - Duration::hours(30))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    for n in 0..8 {
        let id = app.ad_hoc_session(&pune.faculty, start).await.id;
        let response = app
            .post(
                &format!("/completions/{id}/complete"),
                &pune.faculty_token,
                &json!({"actual_start_time": "09:05", "actual_end_time": "09:55",
                        "completion_code": format!("PUNE-LEASE-{n:04}")}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(jobs_in(&app, &super_token, "pending").await, 8);

    // One server claims all eight, a batch of about five seconds; a second
    // polls from then on.
    app.config.outbox_poll_millis = 50;
    let first = app.spawn_sibling().await;
    let started = std::time::Instant::now();
    while jobs_in(&app, &super_token, "running").await == 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "never claimed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let second = app.spawn_sibling().await;
    while jobs_in(&app, &super_token, "pending").await
        + jobs_in(&app, &super_token, "running").await
        > 0
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "jobs still to run"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut ids: Vec<String> = receiver.received().into_iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), 8, "sent: {ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "each delivery once");
    drop((first, second));
}

/// Who pointed a webhook where stays in the audit log after it is deleted
/// with its deliveries; its secret is never there.
#[tokio::test]
async fn webhooks_made_and_deleted_are_audited_without_their_secret() {
    let Hooked {
        app, pune, made, ..
    } = hooked(&["session.completed"]).await;
    let id = made["id"].as_i64().unwrap();
    let deleted = app
        .delete(&format!("/webhooks/{id}"), &pune.admin_token)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let log = app.audit_of(&pune.admin_token, "webhook", id).await;
    let actions: Vec<&str> = log
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "create"], "{log:?}");
    for entry in &log {
        assert_eq!(entry["details"]["url"], made["url"], "{entry}");
        assert_eq!(
            entry["details"]["events"],
            json!(["session.completed"]),
            "{entry}"
        );
        let secret = made["secret"].as_str().unwrap();
        assert!(!entry.to_string().contains(secret), "{entry}");
    }
}
