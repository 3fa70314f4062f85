//! A person's settings (which emails, API tokens) and the super admin's
//! outbox, in the browser.

use chrono::Utc;
use fantoccini::Client;
use lectern_api_types::outbox::JobState;
use lectern_server::entities::outbox;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _};
use serde_json::json;

use crate::harness::{
    browser, click, fill, find, press, screenshot, scrolls_sideways, sign_in, text_of,
    wait_for_text, world,
};

/// The status `GET /api/v1/me` answers with `token` as the bearer.
async fn me_with(client: &Client, token: &str) -> u64 {
    client
        .execute_async(
            "const [token, done] = arguments;
             fetch('/api/v1/me', { headers: { Authorization: 'Bearer ' + token } })
                 .then(response => done(response.status));",
            vec![json!(token)],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn staff_choose_their_emails_and_make_and_revoke_an_api_token() {
    let world = world().await;
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.faculty).await;
        client.goto(&world.url("/account/settings")).await.unwrap();

        // Faculty review nothing, so they are not offered the reviewer's email.
        find(client, "#notify-overdue").await;
        assert!(
            client
                .find(fantoccini::Locator::Css("#notify-completed"))
                .await
                .is_err()
        );
        let overdue = find(client, "#notify-overdue").await;
        let on = overdue.prop("checked").await.unwrap();
        overdue.click().await.unwrap();
        press(client, "Save email choices").await;
        wait_for_text(client, ".notice", "Email choices saved.").await;
        client.refresh().await.unwrap();
        let after = find(client, "#notify-overdue")
            .await
            .prop("checked")
            .await
            .unwrap();
        assert_ne!(after, on, "{size}: the choice was kept");

        // A read token, shown once, that works as a bearer.
        let name = format!("Export from the {size}");
        fill(client, "#token-name", &name).await;
        find(client, "#token-scope")
            .await
            .select_by_value("read")
            .await
            .unwrap();
        press(client, "Make token").await;
        let shown = wait_for_text(client, ".made-token code.token", "lct_").await;
        let table = wait_for_text(client, "table.tokens", &name).await;
        assert!(table.contains("Read") && !table.contains(&shown), "{table}");
        assert_eq!(me_with(client, &shown).await, 200);

        client.refresh().await.unwrap();
        wait_for_text(client, "table.tokens", &name).await;
        assert!(
            !text_of(client, "main.page").await.contains(&shown),
            "the token is not shown again"
        );
        assert!(
            !scrolls_sideways(client).await,
            "settings scroll sideways at {width}px"
        );
        screenshot(client, &format!("settings-{size}")).await;

        click(client, &format!("button[aria-label='Revoke {name}']")).await;
        client.accept_alert().await.unwrap();
        wait_for_text(client, ".notice", &format!("Token {name} revoked.")).await;
        assert_eq!(me_with(client, &shown).await, 401);
    }
}

#[tokio::test]
async fn a_super_admin_retries_a_failed_job_from_the_outbox() {
    let world = world().await;
    let now = Utc::now();
    let failed = outbox::ActiveModel {
        // A job for no one: done without sending once it runs again.
        kind: Set("mail.completed".into()),
        payload: Set(json!({"session_id": 1, "to_user_id": 999_999}).to_string()),
        state: Set(JobState::Failed),
        attempts: Set(8),
        run_at: Set(now),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(Some("connection refused".into())),
        dedupe_key: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&world.db)
    .await
    .unwrap();
    let browser = browser(390, 844).await;
    let client = &browser.client;
    sign_in(client, &world, &world.director).await;
    client.goto(&world.url("/admin/outbox")).await.unwrap();
    press(client, "Failed").await;
    let table = wait_for_text(client, "table.outbox", "connection refused").await;
    assert!(table.contains(&format!("#{}", failed.id)), "{table}");
    assert!(
        !scrolls_sideways(client).await,
        "the outbox scrolls sideways on a phone"
    );
    click(
        client,
        &format!("button[aria-label='Retry job {}']", failed.id),
    )
    .await;
    wait_for_text(client, ".notice", "will be tried again").await;
    // Due again, the worker runs it; the failed list empties.
    wait_for_text(client, "main.page", "No jobs").await;
    let job = outbox::Entity::find_by_id(failed.id)
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(job.state, JobState::Failed);
    assert!(job.attempts <= 1, "{job:?}");
}
