//! Several `lectern serve` processes on one PostgreSQL database and one
//! S3 bucket, with no state of their own: what Lectern scales out on.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt as _, stream};
use lectern_server::services::attachments::sweep::sweep;
use lectern_server::storage;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::attachments::{Setup, png, setup_with, upload};
use crate::helpers::json;

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
    let Setup {
        app: first,
        token,
        session,
        ..
    } = setup_with(|_| {}).await;
    let second = first.spawn_sibling().await;

    // Uploaded through one, downloaded through the other.
    let bytes = png(200_000);
    let stored: Value = json(
        upload(&first, &token, session.id, "board.png", bytes.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    let content = format!(
        "/completions/{}/attachments/{}/content",
        session.id, stored["id"]
    );
    let fetched = second.get(&content, &token).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.bytes().await.unwrap(), bytes);

    // A link signed by one works on the other.
    let link: Value = json(
        first
            .post(
                &format!(
                    "/completions/{}/attachments/{}/link",
                    session.id, stored["id"]
                ),
                &token,
                &serde_json::json!({}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let linked = second
        .client
        .get(second.url(link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(linked.status(), StatusCode::OK);

    // While the first server receives a slow upload, the second one sweeps,
    // and a third one starts (and sweeps at start-up).
    let slow = png(600_000);
    let request = first
        .client
        .post(first.api(&format!("/completions/{}/attachments", session.id)))
        .bearer_auth(&token)
        .multipart(Form::new().part("file", slow_part(&slow, 2.0, "recording.png")))
        .send();
    let in_flight = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let store = storage::from_config(&second.config).unwrap();
    for _ in 0..3 {
        sweep(
            &second.db,
            store.as_ref(),
            &second.config.upload_dir(),
            Duration::ZERO,
            Duration::from_secs(second.config.orphan_grace_seconds),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let third = first.spawn_sibling().await;
    let response = in_flight.await.unwrap().unwrap();
    let finished: Value = json(response, StatusCode::CREATED).await;

    let fetched = third
        .get(
            &format!(
                "/completions/{}/attachments/{}/content",
                session.id, finished["id"]
            ),
            &token,
        )
        .await;
    assert_eq!(fetched.bytes().await.unwrap(), slow);
    assert_eq!(
        store.list().await.unwrap().len(),
        2,
        "both files, nothing else"
    );
}
