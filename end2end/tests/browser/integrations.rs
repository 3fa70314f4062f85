//! Webhooks and calendar feeds in the browser: an admin adds a webhook,
//! sees its secret once, sends a test event to a real receiver and reads
//! the delivery log; a teacher gets a calendar address that works.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use lectern_api_types::Role;
use lectern_api_types::users::{NewUser, UserPatch};
use lectern_api_types::webhooks::{NewWebhook, WebhookEvent};
use lectern_server::domain::AuthUser;
use lectern_server::entities::user;
use lectern_server::services::{users, webhooks};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::harness::{
    PASSWORD, browser, click, find, press, screenshot, scrolls_sideways, sign_in, text_of,
    wait_for_text, world,
};

/// A receiver on loopback that answers every request 204 and counts them.
async fn receiver() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                // Read up to the end of the headers and the body that follows;
                // the test event is small.
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                while let Ok(read) = stream.read(&mut chunk).await {
                    if read == 0 {
                        break;
                    }
                    request.extend_from_slice(&chunk[..read]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|line| {
                                let (name, value) = line.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            break;
                        }
                    }
                }
                if String::from_utf8_lossy(&request).contains("webhook-signature: v1,") {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
                let _ = stream
                    .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (url, count)
}

/// The status and text of `url`, fetched by the page with no credential,
/// as a calendar application would.
async fn fetched(client: &Client, url: &str) -> (u64, String) {
    let answer = client
        .execute_async(
            "const [url, done] = arguments;
             fetch(url, { credentials: 'omit' })
                 .then(async response => done([response.status, await response.text()]));",
            vec![json!(url)],
        )
        .await
        .unwrap();
    (
        answer[0].as_u64().unwrap(),
        answer[1].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn an_admin_adds_a_webhook_tests_it_and_reads_its_deliveries() {
    let world = world().await;
    let (url, received) = receiver().await;
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.admin).await;
        client.goto(&world.url("/admin/webhooks")).await.unwrap();
        wait_for_text(client, "main.page", "No webhooks yet.").await;

        find(client, "#webhook-url")
            .await
            .send_keys(&url)
            .await
            .unwrap();
        click(client, "#webhook-event-attachment-created").await;
        find(client, "#webhook-description")
            .await
            .send_keys(&format!("Attendance sync ({size})"))
            .await
            .unwrap();
        press(client, "Add webhook").await;
        let secret = wait_for_text(client, ".made-secret code.token", "whsec_").await;
        let table = wait_for_text(client, "table.webhooks", &url).await;
        assert!(
            table.contains("Session completed") && table.contains("File attached"),
            "{table}"
        );
        assert!(
            !scrolls_sideways(client).await,
            "webhooks scroll sideways at {width}px"
        );
        screenshot(client, &format!("webhooks-{size}")).await;

        let before = received.load(Ordering::SeqCst);
        click(
            client,
            &format!("button[aria-label='Send a test event to {url}']"),
        )
        .await;
        wait_for_text(client, ".notice", "A test event is on its way").await;
        wait_for_text(client, ".deliveries", "Test event").await;
        // The log says what the receiver answered once the worker has sent it.
        let started = Instant::now();
        loop {
            let log = text_of(client, ".deliveries").await;
            if log.contains("delivered") && log.contains("HTTP 204") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{size}: the delivery log still says {log}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
            press(client, "Refresh").await;
        }
        assert_eq!(
            received.load(Ordering::SeqCst),
            before + 1,
            "one signed request"
        );

        client.refresh().await.unwrap();
        wait_for_text(client, "table.webhooks", &url).await;
        assert!(
            !text_of(client, "main.page").await.contains(&secret),
            "the secret is not shown again"
        );
        click(
            client,
            &format!("button[aria-label='Remove the webhook to {url}']"),
        )
        .await;
        client.accept_alert().await.unwrap();
        wait_for_text(client, ".notice", "removed").await;
        wait_for_text(client, "main.page", "No webhooks yet.").await;
    }
}

/// An admin who left no longer has the branch's records sent where they
/// chose: the other admins see their webhook stopped, with no test to send.
#[tokio::test]
async fn a_webhook_whose_maker_left_shows_it_has_stopped() {
    let world = world().await;
    let (url, _) = receiver().await;
    let principal = |email: &str| {
        let db = world.db.clone();
        let email = email.to_owned();
        async move {
            let user = user::Entity::find()
                .filter(user::Column::Email.eq(email))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            AuthUser::new(user.id, user.role, user.branch_id).unwrap()
        }
    };
    let admin = principal(&world.admin).await;
    let leaver = users::create_as(
        &world.db,
        None,
        NewUser {
            email: "kiran@lectern.test".parse().unwrap(),
            name: "Kiran Shah".parse().unwrap(),
            role: Role::BranchAdmin,
            branch_id: admin.branch_id(),
            password: PASSWORD.parse().unwrap(),
            active: true,
        },
    )
    .await
    .unwrap();
    let by_leaver = AuthUser::new(leaver.id, Role::BranchAdmin, admin.branch_id()).unwrap();
    let kept_url = format!("{url}/kept");
    for (maker, address) in [(&by_leaver, &url), (&admin, &kept_url)] {
        let new = NewWebhook {
            url: address.clone(),
            events: vec![WebhookEvent::SessionCompleted],
            description: None,
            branch_id: None,
        };
        webhooks::create(&world.db, maker, new, true).await.unwrap();
    }
    let gone = UserPatch {
        active: Some(false),
        ..UserPatch::default()
    };
    users::update(
        &world.db,
        &principal(&world.director).await,
        leaver.id,
        gone,
    )
    .await
    .unwrap();

    let browser = browser(390, 844).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;
    client.goto(&world.url("/admin/webhooks")).await.unwrap();
    let table = wait_for_text(client, "table.webhooks", &kept_url).await;
    let rows: Vec<&str> = table.split(&url).skip(1).collect();
    assert_eq!(rows.len(), 2, "{table}");
    let stopped = "Stopped: the admin who added it no longer reaches this branch";
    assert!(rows[0].contains(stopped), "{table}");
    assert!(!rows[1].contains("Stopped"), "{table}");
    let tests = client
        .find_all(Locator::Css("button[aria-label^='Send a test event to']"))
        .await
        .unwrap();
    assert_eq!(
        tests.len(),
        1,
        "only the webhook still sending offers a test"
    );
    assert_eq!(
        tests[0].attr("aria-label").await.unwrap().unwrap(),
        format!("Send a test event to {kept_url}")
    );
    screenshot(client, "webhook-stopped-phone").await;
}

#[tokio::test]
async fn a_teacher_subscribes_to_their_sessions_in_a_calendar() {
    let world = world().await;
    let browser = browser(390, 844).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    client.goto(&world.url("/sessions")).await.unwrap();
    click(client, "details.subscribe summary").await;
    press(client, "Get my calendar address").await;
    let field = find(client, "#calendar-url").await;
    let started = Instant::now();
    let first = loop {
        let value = field.prop("value").await.unwrap().unwrap_or_default();
        if value.contains("/api/v1/calendar/") {
            break value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no address: {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (status, feed) = fetched(client, &first).await;
    assert_eq!(status, 200);
    assert!(
        feed.contains("BEGIN:VCALENDAR") && feed.contains("SUMMARY:Rust Foundations (RUST-101)"),
        "{feed}"
    );
    let webcal = find(client, "details.subscribe a.button-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(webcal.starts_with("webcal://"), "{webcal}");
    screenshot(client, "calendar-phone").await;

    press(client, "Get my calendar address").await;
    wait_for_text(client, ".notice", "A new calendar address is ready").await;
    let started = Instant::now();
    loop {
        let value = find(client, "#calendar-url")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        if value.contains("/api/v1/calendar/") && value != first {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "not replaced: {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        fetched(client, &first).await.0,
        404,
        "the old address stops"
    );
}
