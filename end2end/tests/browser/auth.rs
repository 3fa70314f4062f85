use crate::harness::{
    PASSWORD, assert_only_own_origin, browser, find, screenshot, sign_in, sign_out, text_of, world,
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
