//! Every page through axe-core, injected into the page as it stands once
//! its content has loaded: no serious or critical violation.

use fantoccini::Client;

use crate::harness::{
    browser, click, complete_first_sitting, find, press, sign_in, sign_out, world,
};

/// Runs axe on the page and lists its serious and critical violations,
/// each with the elements it found them on.
async fn violations(client: &Client) -> Vec<String> {
    let path = std::env::var("AXE_CORE_JS")
        .expect("AXE_CORE_JS: run the browser tests with `cargo xtask test`, which finds axe-core");
    let axe = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    client.execute(&axe, vec![]).await.unwrap();
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(result => done(
                 result.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => `${v.id} (${v.impact}): ${v.help} at ${
                         v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', ')}`)));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// The check itself can fail: on the page it has just passed, an image
/// without a text alternative and a field without a label are reported.
async fn axe_finds_what_it_should(client: &Client) {
    client
        .execute(
            "const trap = document.createElement('div');
             trap.id = 'axe-trap';
             trap.innerHTML = '<img src=\"/favicon.svg\"><input type=\"text\">';
             document.querySelector('main, body').appendChild(trap);",
            vec![],
        )
        .await
        .unwrap();
    let found = violations(client).await;
    client
        .execute("document.getElementById('axe-trap').remove();", vec![])
        .await
        .unwrap();
    for rule in ["image-alt", "label"] {
        assert!(
            found.iter().any(|violation| violation.starts_with(rule)),
            "axe should report {rule} on the planted elements: {found:?}"
        );
    }
}

/// Checks the page once `ready` shows that its content has loaded.
async fn check(client: &Client, page: &str, ready: &str, failures: &mut Vec<String>) {
    find(client, ready).await;
    for violation in violations(client).await {
        failures.push(format!("{page}: {violation}"));
    }
}

#[tokio::test]
async fn every_page_passes_axe_without_serious_or_critical_violations() {
    let world = world().await;
    let done = complete_first_sitting(&world, "PUNE-RUST-AXE-1", 60, Some("Axe")).await;
    let branch = done.branch_id;
    let mut failures = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        let size = if width < 500 { "phone" } else { "desktop" };

        client.goto(&world.url("/login")).await.unwrap();
        check(
            client,
            &format!("login, {size}"),
            "form.auth-card",
            &mut failures,
        )
        .await;
        axe_finds_what_it_should(client).await;

        sign_in(client, &world, &world.faculty).await;
        for (tab, ready) in [
            ("upcoming", ".session-card"),
            ("completed", "#tab-panel table tbody tr"),
            ("history", ".timeline .entry"),
        ] {
            client
                .goto(&world.url(&format!("/sessions?tab={tab}")))
                .await
                .unwrap();
            check(
                client,
                &format!("sessions {tab}, {size}"),
                ready,
                &mut failures,
            )
            .await;
        }
        client.goto(&world.url("/sessions")).await.unwrap();
        click(
            client,
            "section[aria-labelledby=overdue-heading] .session-card button.primary",
        )
        .await;
        check(
            client,
            &format!("complete dialog, {size}"),
            "dialog[open] #actual-start",
            &mut failures,
        )
        .await;
        client.goto(&world.url("/sessions")).await.unwrap();
        press(client, "New session").await;
        check(
            client,
            &format!("session form, {size}"),
            "dialog[open] #session-title",
            &mut failures,
        )
        .await;
        client
            .goto(&world.url(&format!("/sessions/{}", done.id)))
            .await
            .unwrap();
        check(
            client,
            &format!("a session, {size}"),
            ".facts",
            &mut failures,
        )
        .await;
        client.goto(&world.url("/dashboard")).await.unwrap();
        check(
            client,
            &format!("my month, {size}"),
            "svg.week-chart",
            &mut failures,
        )
        .await;
        client.goto(&world.url("/account/settings")).await.unwrap();
        find(client, "#notify-overdue").await;
        check(
            client,
            &format!("settings, {size}"),
            ".no-tokens, table.tokens",
            &mut failures,
        )
        .await;
        client.goto(&world.url("/account/password")).await.unwrap();
        check(
            client,
            &format!("password, {size}"),
            "main.page form",
            &mut failures,
        )
        .await;
        sign_out(client).await;

        sign_in(client, &world, &world.admin).await;
        for (page, ready) in [
            ("/dashboard", "svg.week-chart"),
            ("/sessions", ".session-card .owner"),
            ("/admin/sessions", "table tbody tr"),
            ("/admin/batches", "table tbody tr"),
            ("/admin/staff", "table tbody tr"),
            ("/admin/branches", "table tbody tr"),
            ("/admin/audit", "table tbody tr"),
            ("/admin/webhooks", "#webhook-url"),
            ("/admin/branches/{branch}/holidays", ".state.empty"),
        ] {
            let page = page.replace("{branch}", &branch.to_string());
            client.goto(&world.url(&page)).await.unwrap();
            check(client, &format!("{page}, {size}"), ready, &mut failures).await;
        }
        // The batch editor, each form of its schedule with its preview.
        client.goto(&world.url("/admin/batches")).await.unwrap();
        press(client, "New batch").await;
        for mode in ["#schedule-weekdays", "#schedule-slots", "#schedule-rule"] {
            click(client, mode).await;
            check(
                client,
                &format!("batch editor {mode}, {size}"),
                "dialog[open] .schedule-preview",
                &mut failures,
            )
            .await;
        }
        press(client, "Back").await;
        sign_out(client).await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
