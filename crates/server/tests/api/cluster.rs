//! Several `lectern serve` processes on one PostgreSQL database and one
//! S3 bucket, with no state of their own: what Lectern scales out on.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::{StreamExt as _, stream};
use lectern_api_types::Role;
use lectern_api_types::outbox::JobState;
use lectern_server::entities::{outbox, webhook_delivery};
use lectern_server::services::attachments::sweep::sweep;
use lectern_server::storage;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

use crate::attachments::png;
use crate::cli::{lectern, serve_with, storage_env};
use crate::helpers::{Seeded, json, login_at, seed_user};
use crate::receiver::Receiver;
use crate::smtp::SmtpSink;

/// An upload that trickles in over about `seconds`, as from a phone.
pub fn slow_part(bytes: &[u8], seconds: f64, name: &str) -> Part {
    let chunks: Vec<Bytes> = bytes
        .chunks(32 * 1024)
        .map(Bytes::copy_from_slice)
        .collect();
    let pause = Duration::from_secs_f64(seconds / chunks.len() as f64);
    let body = stream::iter(chunks).then(move |chunk| async move {
        tokio::time::sleep(pause).await;
        Ok::<_, std::io::Error>(chunk)
    });
    Part::stream(reqwest::Body::wrap_stream(body)).file_name(name.to_owned())
}

/// Three real `lectern serve` processes on one PostgreSQL database and one
/// bucket: a file uploaded through one is read through another, a link one
/// signed works on another, and neither a sweep nor a server starting
/// (which sweeps too) takes a file that is still arriving elsewhere.
#[tokio::test]
#[ignore = "needs PostgreSQL and an S3 API; cargo xtask test runs it with both"]
async fn two_servers_share_one_database_and_one_bucket() {
    assert_eq!(
        std::env::var("TEST_DATABASE").as_deref(),
        Ok("postgres"),
        "run with TEST_DATABASE=postgres"
    );
    assert_eq!(
        std::env::var("TEST_STORAGE").as_deref(),
        Ok("s3"),
        "run with TEST_STORAGE=s3"
    );
    let dir = tempfile::tempdir().unwrap();
    let seeded = Seeded::new(dir.path(), "faculty@lectern.test").await;
    let (database, config, db) = (&seeded.database, &seeded.config, &seeded.db);
    let start = Utc::now() - chrono::Duration::hours(3);
    let session = seeded
        .session("Shared class", start, chrono::Duration::hours(1))
        .await;
    let serve = |name: &str| {
        let mut command = lectern(database, &dir.path().join(name));
        storage_env(&mut command, config);
        let (child, address) = serve_with(command);
        (Server(child), address)
    };
    let (_first, first) = serve("one");
    let (_second, second) = serve("two");
    let client = reqwest::Client::new();
    let token = login_at(&client, &first, "faculty@lectern.test").await;
    let attachments = format!("/api/v1/completions/{}/attachments", session.id);
    let upload = |address: &str, part: Part| {
        client
            .post(format!("{address}{attachments}"))
            .bearer_auth(&token)
            .multipart(Form::new().part("file", part))
            .send()
    };

    // Uploaded through one, downloaded through the other.
    let bytes = png(200_000);
    let stored: Value = json(
        upload(&first, Part::bytes(bytes.clone()).file_name("board.png"))
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let content = |address: &str, id: &Value| {
        client
            .get(format!("{address}{attachments}/{id}/content"))
            .bearer_auth(&token)
            .send()
    };
    let fetched = content(&second, &stored["id"]).await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.bytes().await.unwrap(), bytes);

    // A link signed by one works on the other.
    let link: Value = client
        .post(format!("{first}{attachments}/{}/link", stored["id"]))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let linked = client
        .get(format!("{second}{}", link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(linked.status(), StatusCode::OK);

    // While the first server receives a slow upload, the second one's
    // sweep runs, and a third server starts (and sweeps at start-up).
    let slow = png(600_000);
    let in_flight = tokio::spawn(upload(&first, slow_part(&slow, 2.0, "recording.png")));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let store = storage::from_config(config).unwrap();
    for _ in 0..3 {
        sweep(
            db,
            store.as_ref(),
            &dir.path().join("two").join("uploads"),
            Duration::ZERO,
            Duration::from_secs(config.orphan_grace_seconds),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (_third, third) = serve("three");
    let finished: Value = json(in_flight.await.unwrap().unwrap(), StatusCode::CREATED).await;
    let fetched = content(&third, &finished["id"]).await.unwrap();
    assert_eq!(fetched.bytes().await.unwrap(), slow);
    assert_eq!(
        store.list().await.unwrap().len(),
        2,
        "both files, nothing else"
    );
}

/// Two real `lectern serve` processes on one PostgreSQL database, an SMTP
/// sink and a webhook receiver: every completion is told once by email and
/// once by webhook, whichever server recorded it and whichever worker ran
/// its jobs, also when one server is killed (SIGKILL) among them and
/// started again. Delivery is at least once: a server killed between
/// sending and settling a job sends it again after its lease, under the
/// same Message-ID and webhook-id, which is what receivers drop repeats by.
#[tokio::test]
#[ignore = "needs PostgreSQL and aiosmtpd; cargo xtask test runs it"]
async fn two_processes_tell_of_fifty_completions_once_each_through_a_kill() {
    assert_eq!(
        std::env::var("TEST_DATABASE").as_deref(),
        Ok("postgres"),
        "run with TEST_DATABASE=postgres"
    );
    const SESSIONS: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let seeded = Seeded::new(dir.path(), "faculty@lectern.test").await;
    let (database, db) = (&seeded.database, &seeded.db);
    seed_user(
        db,
        "admin@lectern.test",
        Role::BranchAdmin,
        Some(seeded.branch),
    )
    .await;
    let first_start = Utc::now() - chrono::Duration::hours(48);
    let mut sessions = Vec::new();
    for n in 0..SESSIONS {
        let start = first_start + chrono::Duration::minutes(20 * n as i64);
        let made = seeded
            .session(&format!("Class {n}"), start, chrono::Duration::minutes(15))
            .await;
        sessions.push((made.id, start));
    }

    let sink = SmtpSink::start();
    let receiver = Receiver::start().await;
    let start_server = |name: &str| {
        let mut command = lectern(database, &dir.path().join(name));
        command
            .env("LECTERN_SMTP_URL", sink.url())
            .env("LECTERN_WEBHOOK_ALLOW_PRIVATE", "true")
            .env("LECTERN_OUTBOX_POLL_MILLIS", "50")
            // A killed server's claims run out soon.
            .env("LECTERN_OUTBOX_LEASE_SECONDS", "4")
            .env("LECTERN_OUTBOX_RETRY_SECONDS", "1")
            // The sessions ended a day or two ago: no overdue reminders
            // among the emails counted.
            .env("LECTERN_OVERDUE_HOURS", "72");
        let (child, address) = serve_with(command);
        (Server(child), address)
    };
    let (first, first_address) = start_server("one");
    let (mut second, second_address) = start_server("two");

    let client = reqwest::Client::new();
    let admin_token = login_at(&client, &first_address, "admin@lectern.test").await;
    let token = login_at(&client, &second_address, "faculty@lectern.test").await;
    let made: Value = client
        .post(format!("{first_address}/api/v1/webhooks"))
        .bearer_auth(&admin_token)
        .json(&json!({"url": receiver.url, "events": ["session.completed"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(made["secret"].is_string(), "{made}");

    let complete = |address: String, (id, start): (i64, DateTime<Utc>)| {
        let client = client.clone();
        let token = token.clone();
        async move {
            client
                .post(format!("{address}/api/v1/completions/{id}/complete"))
                .bearer_auth(&token)
                .json(&json!({
                    "actual_start_time": start.to_rfc3339(),
                    "actual_end_time": (start + chrono::Duration::minutes(15)).to_rfc3339(),
                }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Half through each server, ten at a time; the second is killed after
    // the first twenty, with their jobs still being worked through.
    let mut second_address = second_address;
    let mut held = Vec::new();
    for (round, chunk) in sessions.chunks(10).enumerate() {
        if round == 2 {
            let pid = second.0.id();
            second.0.kill().unwrap();
            second.0.wait().unwrap();
            // What the dead server held stays claimed until its lease ends:
            // those jobs, and only those, may have been sent and run again.
            held = outbox::Entity::find()
                .filter(outbox::Column::State.eq(JobState::Running))
                .filter(outbox::Column::LockedBy.starts_with(format!("{pid}-")))
                .all(db)
                .await
                .unwrap();
            let (restarted, address) = start_server("two");
            second = restarted;
            second_address = address;
        }
        let answers =
            futures_util::future::join_all(chunk.iter().enumerate().map(|(n, session)| {
                let address = if n % 2 == 0 {
                    first_address.clone()
                } else {
                    second_address.clone()
                };
                complete(address, *session)
            }))
            .await;
        assert!(
            answers.iter().all(|status| *status == StatusCode::OK),
            "{answers:?}"
        );
    }

    // Every job done (those the killed server held once their lease ran
    // out): by then whatever was sent has arrived.
    let started = std::time::Instant::now();
    loop {
        let unsettled = outbox::Entity::find()
            .filter(outbox::Column::State.ne(JobState::Done))
            .count(db)
            .await
            .unwrap();
        if unsettled == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{unsettled} jobs not done"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let emails_seen = sink.messages();
    let hooks_seen = receiver.received();

    // Each message once, by the id a receiver drops repeats by; a second
    // copy only of a job the killed server held.
    let mail_held: HashSet<String> = held
        .iter()
        .filter(|job| job.kind.starts_with("mail."))
        .map(|job| format!("outbox-{}@", job.id))
        .collect();
    let mut hooks_held = HashSet::new();
    for job in held.iter().filter(|job| job.kind == "webhook.deliver") {
        let payload: Value = serde_json::from_str(&job.payload).unwrap();
        let delivery =
            webhook_delivery::Entity::find_by_id(payload["delivery_id"].as_i64().unwrap())
                .one(db)
                .await
                .unwrap()
                .unwrap();
        hooks_held.insert(delivery.message_id);
    }
    let mut emails_by_id: HashMap<&str, usize> = HashMap::new();
    for email in &emails_seen {
        assert_eq!(email.to, "admin@lectern.test");
        *emails_by_id.entry(email.message_id.as_str()).or_default() += 1;
    }
    assert_eq!(emails_by_id.len(), SESSIONS, "one email per completion");
    for (id, copies) in &emails_by_id {
        assert!(
            *copies == 1 || (*copies == 2 && mail_held.iter().any(|held| id.starts_with(held))),
            "{id} came {copies} times; the killed server held {mail_held:?}"
        );
    }
    let mut told: Vec<i64> = Vec::new();
    let mut hooks_by_id: HashMap<&str, usize> = HashMap::new();
    for delivery in &hooks_seen {
        assert!(delivery.signed_with(made["secret"].as_str().unwrap()));
        let copies = hooks_by_id.entry(delivery.id.as_str()).or_default();
        *copies += 1;
        if *copies == 1 {
            told.push(delivery.json()["data"]["id"].as_i64().unwrap());
        }
    }
    for (id, copies) in &hooks_by_id {
        assert!(
            *copies == 1 || (*copies == 2 && hooks_held.contains(*id)),
            "{id} came {copies} times; the killed server held {hooks_held:?}"
        );
    }
    told.sort_unstable();
    let mut expected: Vec<i64> = sessions.iter().map(|(id, _)| *id).collect();
    expected.sort_unstable();
    assert_eq!(told, expected, "one webhook message per completion");
    drop((first, second));
}

/// A `lectern serve` process, killed when the test ends however it ends,
/// so a failing test leaves no server holding its output open.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
