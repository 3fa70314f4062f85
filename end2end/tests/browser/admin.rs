//! An admin filters every session of the branch, verifies a code, and
//! reads the audit log.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::{
    browser, click, complete_first_sitting, fill, find, screenshot, sign_in, wait_for_offers,
    wait_for_text, wait_for_value, world,
};

#[tokio::test]
async fn an_admin_filters_sessions_and_verifies_a_code() {
    let world = world().await;
    // The faculty member completed the first sitting, an hour as scheduled.
    let lab = complete_first_sitting(&world, "PUNE-RUST-LAB-1", 60, Some("Lab session")).await;

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
    // The unfiltered table holds other sittings too, so the filtered one
    // below cannot be mistaken for it.
    let unfiltered = rows(client).await;
    assert!(
        unfiltered.len() > 1
            && unfiltered
                .iter()
                .any(|row| !row.contains("PUNE-RUST-LAB-1")),
        "{unfiltered:?}"
    );
    click(client, "form.filters button[type=submit]").await;
    let started = std::time::Instant::now();
    loop {
        let shown = rows(client).await;
        if shown.len() == 1 && shown[0].contains("PUNE-RUST-LAB-1") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the table never showed only the matching session: {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = client.current_url().await.unwrap();
    let query = url.query().unwrap_or_default();
    assert!(
        query.contains("status=completed") && query.contains("q=lab-1"),
        "the filter is in the URL: {query}"
    );
    screenshot(client, "admin-sessions").await;

    // Verify with the code as the teacher read it out, in any case.
    click(client, "table .row-actions button.primary").await;
    find(client, "dialog[open] #verify-code")
        .await
        .send_keys("wrong-code")
        .await
        .unwrap();
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, "dialog[open] .field-errors", "does not match").await;
    fill(client, "#verify-code", "pune-rust-lab-1").await;
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, ".notice", "verified").await;
    wait_for_text(client, "table tbody", "Verified").await;

    // A staff member in the URL is named in the form; another is found by
    // typing, from the server.
    client
        .goto(&world.url(&format!("/admin/sessions?user_id={}", lab.user_id)))
        .await
        .unwrap();
    wait_for_value(client, "#filter-staff", "Asha Rao <asha@lectern.test>").await;
    fill(client, "#filter-staff", "rahul").await;
    wait_for_offers(
        client,
        "#filter-staff",
        &["Rahul Deshpande <rahul@lectern.test>"],
    )
    .await;
}

#[tokio::test]
async fn an_admin_reads_who_changed_a_session_in_the_audit_log() {
    let world = world().await;
    let session = complete_first_sitting(&world, "PUNE-RUST-AUDIT-1", 60, None).await;
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.admin).await;
        client
            .goto(&world.url(&format!("/sessions/{}", session.id)))
            .await
            .unwrap();
        client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(
                "//a[normalize-space()='Changes to this session']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The session's own history: its completion, by the teacher, by name.
        let table = wait_for_text(client, "table.audit tbody", "Asha Rao").await;
        assert!(table.contains("complete"), "{table}");
        let objects = column(client, "Object").await;
        assert!(!objects.is_empty());
        let own = format!("session #{}", session.id);
        assert!(objects.iter().all(|o| *o == own), "{objects:?}");
        let url = client.current_url().await.unwrap();
        assert_eq!(url.path(), "/admin/audit");
        assert_eq!(
            find(client, "#audit-entity-id")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some(session.id.to_string().as_str()),
            "the form shows the URL's filter"
        );

        // One kind of object across the branch: the batch the admin created.
        find(client, "#audit-entity-id")
            .await
            .clear()
            .await
            .unwrap();
        find(client, "#audit-entity")
            .await
            .select_by_value("batch")
            .await
            .unwrap();
        click(client, "form.filters button[type=submit]").await;
        wait_for_text(client, "table.audit tbody", "batch #").await;
        let url = client.current_url().await.unwrap();
        assert_eq!(url.query(), Some("entity=batch"), "the id was cleared");
        let objects = column(client, "Object").await;
        assert!(
            !objects.is_empty() && objects.iter().all(|o| o.starts_with("batch #")),
            "{objects:?}"
        );
        screenshot(client, &format!("audit-log-{size}")).await;
    }
}

/// The text of each row of the table.
async fn rows(client: &fantoccini::Client) -> Vec<String> {
    let mut texts = Vec::new();
    for row in client
        .find_all(Locator::Css("table tbody tr"))
        .await
        .unwrap()
    {
        texts.push(row.text().await.unwrap_or_default());
    }
    texts
}

/// The texts of one column of the table, by its label.
async fn column(client: &fantoccini::Client, label: &str) -> Vec<String> {
    let cells = client
        .find_all(Locator::Css(&format!(
            "table tbody td[data-label='{label}']"
        )))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for cell in cells {
        texts.push(cell.text().await.unwrap());
    }
    texts
}

#[tokio::test]
async fn a_super_admin_adds_and_renames_a_branch() {
    let world = world().await;
    for (size, width, height, city) in
        [("desktop", 1280, 900, "Leeds"), ("phone", 390, 844, "York")]
    {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.director).await;
        client.goto(&world.url("/admin/branches")).await.unwrap();
        wait_for_text(client, "table tbody", "Pune Central").await;

        click(client, ".title-row button.primary").await;
        fill(
            client,
            "dialog[open] #branch-name",
            &format!("{city} Riverside"),
        )
        .await;
        fill(client, "#branch-code", &city.to_lowercase()).await;
        // A timezone the server does not know is refused beside its field.
        fill(client, "#branch-timezone", "Europe/Atlantis").await;
        click(client, "dialog[open] button[type=submit]").await;
        wait_for_text(client, "#branch-timezone-errors", "IANA timezone").await;
        fill(client, "#branch-timezone", "Europe/London").await;
        click(client, "dialog[open] button[type=submit]").await;
        wait_for_text(client, ".notice", &format!("{city} Riverside saved.")).await;
        let table = wait_for_text(client, "table tbody", &format!("{city} Riverside")).await;
        assert!(
            table.contains(&city.to_uppercase()) && table.contains("Europe/London"),
            "{table}"
        );

        click(
            client,
            &format!("button[aria-label='Edit {city} Riverside']"),
        )
        .await;
        fill(client, "dialog[open] #branch-name", &format!("{city} Dock")).await;
        click(client, "dialog[open] button[type=submit]").await;
        let table = wait_for_text(client, "table tbody", &format!("{city} Dock")).await;
        assert!(!table.contains(&format!("{city} Riverside")), "{table}");
        screenshot(client, &format!("branches-{size}")).await;
    }
}
