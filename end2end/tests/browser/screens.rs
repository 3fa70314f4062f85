//! Every page at desktop and phone size: screenshots for people, and no
//! sideways scrolling on a 390-pixel phone.

use crate::harness::{browser, find, screenshot, scrolls_sideways, sign_in, sign_out, world};

#[tokio::test]
async fn every_tab_fits_a_desktop_and_a_phone() {
    let world = world().await;
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.faculty).await;
        for tab in ["upcoming", "completed", "history"] {
            client
                .goto(&world.url(&format!("/sessions?tab={tab}")))
                .await
                .unwrap();
            find(client, &format!("#tab-{tab}[aria-selected=true]")).await;
            find(client, "#tab-panel > *").await;
            screenshot(client, &format!("sessions-{tab}-{size}")).await;
            assert!(
                !scrolls_sideways(client).await,
                "{tab} scrolls sideways at {width}px"
            );
        }
        // Keyboard: arrows move between tabs.
        client
            .goto(&world.url("/sessions?tab=upcoming"))
            .await
            .unwrap();
        find(client, "#tab-upcoming")
            .await
            .send_keys("\u{E014}")
            .await
            .unwrap();
        find(client, "#tab-completed[aria-selected=true]").await;

        sign_out(client).await;
        sign_in(client, &world, &world.admin).await;
        for (page, ready) in [
            ("dashboard", "svg.week-chart"),
            ("admin/sessions", "main.page table, main.page .state"),
            ("admin/batches", "main.page table, main.page .state"),
            ("admin/staff", "main.page table, main.page .state"),
            ("admin/audit", "main.page table, main.page .state"),
            ("admin/branches", "main.page table, main.page .state"),
        ] {
            client.goto(&world.url(&format!("/{page}"))).await.unwrap();
            find(client, ready).await;
            screenshot(client, &format!("{}-{size}", page.replace('/', "-"))).await;
            assert!(
                !scrolls_sideways(client).await,
                "{page} scrolls sideways at {width}px"
            );
        }
        // Every input of the filters has a label.
        let unlabeled = client
            .execute(
                "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                    .filter(el => !el.labels || el.labels.length === 0).map(el => el.id || el.name)",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(unlabeled, serde_json::json!([]), "inputs without a label");
    }
}
