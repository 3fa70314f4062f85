//! An admin filters every session of the branch and verifies a code.

use crate::harness::{
    browser, complete_first_sitting, find, screenshot, sign_in, wait_for_text, world,
};

#[tokio::test]
async fn an_admin_filters_sessions_and_verifies_a_code() {
    let world = world().await;
    // The faculty member completed the first sitting, an hour as scheduled.
    complete_first_sitting(&world, "PUNE-RUST-LAB-1", 60, Some("Lab session")).await;

    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;
    client.goto(&world.url("/admin/sessions")).await.unwrap();
    wait_for_text(client, "table", "Rust Foundations").await;

    // Filter: completed sessions whose code matches.
    find(client, "#filter-status")
        .await
        .select_by_value("completed")
        .await
        .unwrap();
    find(client, "#filter-q")
        .await
        .send_keys("lab-1")
        .await
        .unwrap();
    find(client, "form.filters button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let table = wait_for_text(client, "table tbody", "PUNE-RUST-LAB-1").await;
    assert_eq!(
        table.matches("Rust Foundations").count(),
        1,
        "only the matching session: {table}"
    );
    screenshot(client, "admin-sessions").await;

    // Verify with the code as the teacher read it out, in any case.
    find(client, "table .row-actions button.primary")
        .await
        .click()
        .await
        .unwrap();
    find(client, "dialog[open] #verify-code")
        .await
        .send_keys("wrong-code")
        .await
        .unwrap();
    find(client, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, "dialog[open] .field-errors", "does not match").await;
    find(client, "#verify-code").await.clear().await.unwrap();
    find(client, "#verify-code")
        .await
        .send_keys("pune-rust-lab-1")
        .await
        .unwrap();
    find(client, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, ".notice", "verified").await;
    wait_for_text(client, "table tbody", "Verified").await;
}
