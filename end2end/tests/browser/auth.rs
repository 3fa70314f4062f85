use crate::harness::{
    PASSWORD, assert_only_own_origin, browser, find, screenshot, sign_in, sign_out, text_of,
    wait_for_text, world,
};

#[tokio::test]
async fn a_user_signs_in_stays_signed_in_across_a_reload_and_signs_out() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;

    // A signed-out visitor lands on the login form.
    client.goto(&world.url("/")).await.unwrap();
    find(client, "form.auth-card").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/login")
    );
    screenshot(client, "login").await;

    // A wrong password is reported, not swallowed.
    find(client, "#email")
        .await
        .send_keys(&world.faculty)
        .await
        .unwrap();
    find(client, "#password")
        .await
        .send_keys("wrong password")
        .await
        .unwrap();
    find(client, "form.auth-card button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    assert!(text_of(client, "[role=alert]").await.contains("incorrect"));

    find(client, "#password").await.clear().await.unwrap();
    find(client, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    find(client, "form.auth-card button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Sessions");
    assert!(text_of(client, ".who").await.contains("Asha Rao"));

    // The refresh cookie carries the session over a reload.
    client.refresh().await.unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Sessions");
    assert_only_own_origin(client, &world).await;

    sign_out(client).await;
    client.refresh().await.unwrap();
    find(client, "form.auth-card").await;
    sign_in(client, &world, &world.admin).await;
    assert!(
        text_of(client, ".nav").await.contains("All sessions"),
        "admins get the admin pages"
    );
}

/// Has the current tab post to the refresh route at `at` (milliseconds of
/// the browser's clock), as the SPA does with its cookie, and keep the
/// status in `window.refreshed`.
async fn refresh_at(client: &fantoccini::Client, at: f64) {
    client
        .execute(
            "window.refreshed = null;
             setTimeout(async () => {
               const response = await fetch('/api/v1/auth/refresh', {
                 method: 'POST', credentials: 'same-origin',
                 headers: {'content-type': 'application/json'}, body: '{}'});
               window.refreshed = response.status;
             }, arguments[0] - Date.now());",
            vec![serde_json::json!(at)],
        )
        .await
        .unwrap();
}

/// What the current tab's refresh answered, once it has.
async fn refreshed(client: &fantoccini::Client) -> u64 {
    for _ in 0..100 {
        let status = client
            .execute("return window.refreshed;", vec![])
            .await
            .unwrap();
        if let Some(status) = status.as_u64() {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the refresh never answered");
}

/// Signs the faculty member in and opens a second tab on the app; answers
/// both tabs' handles.
async fn two_tabs(
    client: &fantoccini::Client,
    world: &crate::harness::World,
) -> (fantoccini::wd::WindowHandle, fantoccini::wd::WindowHandle) {
    sign_in(client, world, &world.faculty).await;
    assert_eq!(text_of(client, "main.page h1").await, "Sessions");
    let first = client.window().await.unwrap();
    let second = client.new_window(true).await.unwrap().handle;
    client.switch_to_window(second.clone()).await.unwrap();
    client.goto(&world.url("/")).await.unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Sessions");
    (first, second)
}

#[tokio::test]
async fn two_tabs_that_refresh_at_the_same_moment_both_stay_signed_in() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    let (first, second) = two_tabs(client, &world).await;

    // Both tabs present the one refresh cookie at the same instant.
    let now = client
        .execute("return Date.now();", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let at = now + 1_000.0;
    refresh_at(client, at).await;
    client.switch_to_window(first.clone()).await.unwrap();
    refresh_at(client, at).await;
    assert_eq!(refreshed(client).await, 200);
    client.switch_to_window(second).await.unwrap();
    assert_eq!(refreshed(client).await, 200);

    // The sign-in itself survived: a reload renews it again.
    client.refresh().await.unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Sessions");
    assert!(text_of(client, ".who").await.contains("Asha Rao"));
}

#[tokio::test]
async fn a_tab_renews_its_session_only_when_no_other_tab_is_renewing() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    let (first, second) = two_tabs(client, &world).await;

    // The first tab holds the renewal lock, as while its own renewal runs.
    client.switch_to_window(first.clone()).await.unwrap();
    client
        .execute(
            "window.release = null;
             navigator.locks.request('lectern-refresh',
               () => new Promise(resolve => { window.release = resolve; }));",
            vec![],
        )
        .await
        .unwrap();
    // The second tab reloads: its app starts, and waits to renew.
    client.switch_to_window(second.clone()).await.unwrap();
    client.refresh().await.unwrap();
    wait_for_text(client, "main.page .loading", "Loading your session").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(
        text_of(client, "main.page .loading").await,
        "Loading your session…",
        "the second tab renewed while the first held the lock"
    );

    // Released, the second tab renews with the cookie as it is now.
    client.switch_to_window(first).await.unwrap();
    client.execute("window.release();", vec![]).await.unwrap();
    client.switch_to_window(second).await.unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Sessions");
}
