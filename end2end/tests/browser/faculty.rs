//! A faculty member's day: complete a session with a generated code, find
//! it in Completed and History, open it, upload a file and comment.

use std::time::Duration;

use fantoccini::Locator;

use crate::harness::{
    assert_only_own_origin, browser, click, fill, find, pick_value, png, press, screenshot,
    sign_in, text_of, wait_for_text, world,
};

#[tokio::test]
async fn a_faculty_member_completes_a_session_and_records_its_file_and_notes() {
    let world = world().await;
    // The same day on a desktop, then between lectures on a phone.
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.faculty).await;

        // Upcoming: soonest first; the first card is two days overdue.
        let first = find(client, ".session-card").await;
        assert!(first.text().await.unwrap().contains("Rust Foundations"));
        assert!(first.text().await.unwrap().contains("Overdue"));
        let cards_before = client
            .find_all(Locator::Css(".session-card"))
            .await
            .unwrap()
            .len();
        first
            .find(Locator::Css("button.primary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        // The form is prefilled from the schedule, in the branch's timezone.
        find(client, "dialog[open] #actual-start").await;
        let start = find(client, "#actual-start")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(start.as_deref(), Some("06:00"));
        find(client, "dialog[open] button.secondary:not([type=submit])").await;
        let generate = client
            .find(Locator::XPath(
                "//dialog//button[normalize-space()='Generate']",
            ))
            .await
            .unwrap();
        generate.click().await.unwrap();
        let started = std::time::Instant::now();
        let code = loop {
            let value = find(client, "#completion-code")
                .await
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default();
            if !value.is_empty() {
                break value;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no code was generated"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(code.starts_with("RUST-101-"), "{code}");
        find(client, "#session-notes")
            .await
            .send_keys("Covered ownership and borrowing.")
            .await
            .unwrap();
        find(client, "dialog[open] button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(client, ".notice", "Session completed").await;
        let started = std::time::Instant::now();
        while client
            .find_all(Locator::Css(".session-card"))
            .await
            .unwrap()
            .len()
            != cards_before - 1
        {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the completed session stayed in Upcoming"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Completed shows it with its code; History shows every state.
        find(client, "#tab-completed").await.click().await.unwrap();
        let table = wait_for_text(client, "table", &code).await;
        assert!(table.contains("Covered ownership"));
        find(client, "#tab-history").await.click().await.unwrap();
        let history = wait_for_text(client, ".timeline", "Completed").await;
        if size == "desktop" {
            // The next overdue sitting, which the phone round records.
            assert!(history.contains("Pending"), "{history}");
        }

        // The session's own page: upload a file and watch it arrive.
        find(client, "#tab-completed").await.click().await.unwrap();
        wait_for_text(client, "table", &code).await;
        client
            .find(Locator::XPath(&format!(
                "//tr[td[normalize-space()='{code}']]//a[contains(@class,'button-link')]"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(client, ".facts", &code).await;
        let file = std::env::temp_dir().join(format!("whiteboard-{}.png", std::process::id()));
        std::fs::write(&file, png()).unwrap();
        find(client, "#file-description")
            .await
            .send_keys("Whiteboard after the lab")
            .await
            .unwrap();
        find(client, "#file-picker")
            .await
            .send_keys(&file.display().to_string())
            .await
            .unwrap();
        let files = wait_for_text(client, ".files", "whiteboard-").await;
        assert!(files.contains("Whiteboard after the lab"), "{files}");
        let uploads = client
            .find_all(Locator::Css(".uploads .upload"))
            .await
            .unwrap();
        assert!(
            uploads.is_empty(),
            "the finished upload left the progress list"
        );
        wait_for_text(client, ".notice", "uploaded").await;

        // A comment, then its preview and its type badge.
        find(client, "#note-type")
            .await
            .select_by_value("achievement")
            .await
            .unwrap();
        find(client, "#note-text")
            .await
            .send_keys("Everyone finished the exercise.")
            .await
            .unwrap();
        client
            .find(Locator::XPath("//button[normalize-space()='Add comment']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let notes = wait_for_text(client, ".notes", "Everyone finished").await;
        assert!(notes.contains("Achievement") && notes.contains("Asha Rao"));
        // Its author corrects it: a blank comment is refused beside the box,
        // and what is saved replaces it, marked as edited.
        press(client, "Edit").await;
        fill(client, ".note form textarea", "   ").await;
        click(client, ".note form button[type=submit]").await;
        wait_for_text(client, ".note form .field-error", "must not be blank").await;
        fill(
            client,
            ".note form textarea",
            "Everyone finished both exercises.",
        )
        .await;
        find(client, ".note form select")
            .await
            .select_by_value("follow_up")
            .await
            .unwrap();
        click(client, ".note form button[type=submit]").await;
        wait_for_text(client, ".notice", "Comment saved.").await;
        let notes = wait_for_text(client, ".notes", "both exercises").await;
        assert!(
            notes.contains("(edited)")
                && notes.contains("Follow-up")
                && !notes.contains("Achievement"),
            "{notes}"
        );
        client
            .find(Locator::XPath("//button[normalize-space()='Preview']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        find(client, "img.preview").await;
        screenshot(client, &format!("session-view-{size}")).await;
        assert_only_own_origin(client, &world).await;
        let _ = std::fs::remove_file(file);

        // The recorded notes are on the page as sent.
        assert!(
            text_of(client, "main.page")
                .await
                .contains("Covered ownership and borrowing.")
        );
    }
}

/// A start typed more than five minutes late asks why; the reason chosen
/// is what the session then says about its lateness.
#[tokio::test]
async fn a_late_start_asks_why_and_the_session_says_it() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    click(
        client,
        "section[aria-labelledby=overdue-heading] .session-card button.primary",
    )
    .await;
    find(client, "dialog[open] #actual-start").await;
    assert!(
        client.find(Locator::Css("#late-reason")).await.is_err(),
        "a start on time asks nothing"
    );
    pick_value(client, "#actual-start", "06:20").await;
    find(client, "#late-reason")
        .await
        .select_by_value("traffic")
        .await
        .unwrap();
    pick_value(client, "#actual-start", "06:04").await;
    let started = std::time::Instant::now();
    while client.find(Locator::Css("#late-reason")).await.is_ok() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "four minutes late is on time: the question goes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pick_value(client, "#actual-start", "06:20").await;
    find(client, "#late-reason")
        .await
        .select_by_value("traffic")
        .await
        .unwrap();
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, ".notice", "Session completed").await;

    find(client, "#tab-completed").await.click().await.unwrap();
    click(client, "#tab-panel table tbody tr a.button-link").await;
    wait_for_text(client, ".facts .late-reason", "20 min: Traffic").await;
}
