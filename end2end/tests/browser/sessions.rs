//! The Sessions page as staff and admins open it every day: what is
//! overdue first, the past in History, and an admin's switch between their
//! own sessions and the branch's.

use std::time::{Duration, Instant};

use chrono::Utc;
use fantoccini::{Client, Locator};

use crate::harness::{
    branch_today, browser, click, complete_first_sitting, fill, find, pick_value, press,
    screenshot, scrolls_sideways, sign_in, sittings, text_of, wait_for_offers, wait_for_text,
    world,
};

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Waits until exactly `expected` elements match: a page still loading, or
/// one showing what it showed before, has another number.
async fn wait_for_count(client: &Client, css: &str, expected: usize) {
    let started = Instant::now();
    loop {
        let found = count(client, css).await;
        if found == expected {
            return;
        }
        if started.elapsed() > Duration::from_secs(15) {
            let page = text_of(client, "main.page").await;
            panic!("{found} of {css}, not {expected}, on a page that says:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the history lists `expected` entries and its text passes
/// `shows`: a count alone can be met by the previous filter's list.
async fn wait_for_timeline(client: &Client, expected: usize, shows: impl Fn(&str) -> bool) {
    let started = Instant::now();
    loop {
        let found = count(client, ".timeline .entry").await;
        let text = if found == 0 {
            String::new()
        } else {
            text_of(client, ".timeline").await
        };
        if found == expected && shows(&text) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{found} entries, not {expected}, or not the right ones:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn path_and_query(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

#[tokio::test]
async fn upcoming_puts_overdue_first_and_offers_complete_once_started() {
    let world = world().await;
    let now = Utc::now();
    let all = sittings();
    let ended = all.iter().filter(|(_, end)| *end < now).count();
    let not_started = all.iter().filter(|(start, _)| *start > now).count();
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.faculty).await;
        let overdue = "section[aria-labelledby=overdue-heading] .session-card";
        wait_for_count(client, overdue, ended).await;
        wait_for_count(client, ".session-card", all.len()).await;
        let groups = client
            .execute(
                "return [...document.querySelectorAll('.upcoming-group > h2')].map(h => h.textContent)",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(groups[0], "Overdue", "{groups}");
        assert!(
            groups.as_array().unwrap().last().unwrap() == "Next 14 days",
            "{groups}"
        );
        // The longest overdue first, each saying how late, each to record.
        for card in client.find_all(Locator::Css(overdue)).await.unwrap() {
            let text = card.text().await.unwrap();
            // Minutes in the hour after the day's sitting ended.
            assert!(
                ["days late", "h late", "min late"]
                    .iter()
                    .any(|late| text.contains(late)),
                "{text}"
            );
            card.find(Locator::XPath(".//button[normalize-space()='Complete']"))
                .await
                .unwrap();
        }
        // Sittings that have not begun can be cancelled, not completed.
        let waiting = client
            .find_all(Locator::XPath(
                "//li[contains(@class,'session-card')][not(.//button[normalize-space()='Complete'])]",
            ))
            .await
            .unwrap();
        assert_eq!(waiting.len(), not_started);
        for card in waiting {
            card.find(Locator::XPath(".//button[normalize-space()='Cancel']"))
                .await
                .unwrap();
            assert!(
                card.text()
                    .await
                    .unwrap()
                    .contains("Can be completed once it starts")
            );
        }
        screenshot(client, &format!("sessions-upcoming-order-{size}")).await;

        // A phone left on the list until tomorrow: coming back to it, the
        // sittings begun meanwhile offer to be recorded.
        if size == "phone" {
            client
                .execute(
                    "const real = Date.now;
                     Date.now = () => real() + 24 * 3600 * 1000;
                     document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));",
                    vec![],
                )
                .await
                .unwrap();
            let tomorrow = Utc::now() + chrono::Duration::days(1);
            let still = all.iter().filter(|(start, _)| *start > tomorrow).count();
            assert!(
                still < not_started,
                "the world has sittings to begin tomorrow"
            );
            wait_for_count(client, ".session-card .starts", still).await;
        }

        // Every card opens its session.
        find(client, &format!("{overdue} h3 a"))
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(client, ".facts", "RUST-101").await;
        let path = client.current_url().await.unwrap().path().to_owned();
        assert!(path.starts_with("/sessions/"), "{path}");
        assert!(path["/sessions/".len()..].parse::<i64>().is_ok(), "{path}");
    }
}

#[tokio::test]
async fn history_shows_the_past_by_day_with_search_and_status_chips() {
    let world = world().await;
    complete_first_sitting(&world, "PUNE-RUST-HIST-1", 60, Some("Lifetimes in depth")).await;
    let started = sittings()
        .iter()
        .filter(|(start, _)| *start < Utc::now())
        .count();
    for (size, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.faculty).await;
        client
            .goto(&world.url("/sessions?tab=history"))
            .await
            .unwrap();
        // The past only: the sittings ahead are Upcoming's.
        wait_for_count(client, ".timeline .entry", started).await;
        assert_eq!(count(client, ".timeline .day").await, started);
        let days = client
            .execute(
                "return [...document.querySelectorAll('.day-heading')].map(h => h.textContent)",
                vec![],
            )
            .await
            .unwrap();
        // Newest first: the recorded sitting, the oldest, is on the last day.
        let last = find(client, ".timeline .day:last-child").await;
        assert!(last.text().await.unwrap().contains("Completed"), "{days}");

        // A status chip narrows the list, and the URL says so.
        press(client, "Completed").await;
        wait_for_timeline(client, 1, |text| {
            text.contains("Completed") && !text.contains("Pending")
        })
        .await;
        assert!(path_and_query(client).await.contains("status=completed"));
        press(client, "Not recorded").await;
        wait_for_timeline(client, started - 1, |text| !text.contains("Completed")).await;

        // The search covers the notes; it keeps the chip, and a reload keeps both.
        press(client, "All").await;
        wait_for_timeline(client, started, |text| text.contains("Completed")).await;
        find(client, "#history-q")
            .await
            .send_keys("lifetimes")
            .await
            .unwrap();
        click(client, "form.search button[type=submit]").await;
        wait_for_count(client, ".timeline .entry", 1).await;
        screenshot(client, &format!("sessions-history-search-{size}")).await;
        client.refresh().await.unwrap();
        find(client, "#history-q").await;
        wait_for_count(client, ".timeline .entry", 1).await;
        assert_eq!(
            find(client, "#history-q")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("lifetimes")
        );
        fill(client, "#history-q", "nothing-like-this").await;
        click(client, "form.search button[type=submit]").await;
        wait_for_text(client, "#tab-panel", "Nothing matches").await;
        assert_eq!(count(client, ".timeline .entry").await, 0);

        // Back brings the earlier search, and its words into the box.
        client.back().await.unwrap();
        wait_for_count(client, ".timeline .entry", 1).await;
        assert_eq!(
            find(client, "#history-q")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("lifetimes")
        );
    }
}

#[tokio::test]
async fn an_admin_switches_between_their_own_sessions_and_the_branch() {
    let world = world().await;
    complete_first_sitting(&world, "PUNE-RUST-SCOPE-1", 60, None).await;
    for (width, height) in [(1280, 900), (390, 844)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.admin).await;
        client.goto(&world.url("/sessions")).await.unwrap();
        // The branch first: the teacher's overdue sittings, with who owes them.
        find(client, "#scope-branch[aria-pressed=true]").await;
        wait_for_count(client, ".session-card", sittings().len() - 1).await;
        assert!(
            text_of(client, ".session-card .owner")
                .await
                .contains("Asha Rao")
        );

        // Their own: an admin who teaches nothing has nothing to record.
        click(client, "#scope-mine").await;
        wait_for_text(client, "#tab-panel", "Nothing to record").await;
        assert_eq!(count(client, ".session-card").await, 0);
        assert!(path_and_query(client).await.contains("scope=mine"));

        // The choice follows the tabs.
        click(client, "#tab-completed").await;
        wait_for_text(client, "#tab-panel", "No completed sessions yet").await;
        click(client, "#scope-branch").await;
        let table = wait_for_text(client, "#tab-panel table", "PUNE-RUST-SCOPE-1").await;
        assert!(table.contains("Asha Rao"), "{table}");
        assert!(path_and_query(client).await.contains("tab=completed"));
    }
}

#[tokio::test]
async fn a_slow_answer_to_an_older_filter_does_not_replace_the_newer_list() {
    let world = world().await;
    complete_first_sitting(&world, "PUNE-RUST-ORDER-1", 60, None).await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;
    client.goto(&world.url("/admin/sessions")).await.unwrap();
    wait_for_text(client, "table", "Rust Foundations").await;
    // Hold back the answer to one search for a second and a half.
    client
        .execute(
            "window.slowAnswer = 'none';
             const fetch = window.fetch;
             window.fetch = function (request, init) {
                 const url = typeof request === 'string' ? request : request.url;
                 const answer = fetch.call(this, request, init);
                 if (!url.includes('q=held-back')) return answer;
                 window.slowAnswer = 'held';
                 return answer.then(response => new Promise(resolve => setTimeout(() => {
                     window.slowAnswer = 'delivered';
                     resolve(response);
                 }, 1500)));
             };",
            vec![],
        )
        .await
        .unwrap();
    let search = |text: &'static str| async move {
        fill(client, "#filter-q", text).await;
        click(client, "form.filters button[type=submit]").await;
    };
    search("held-back").await;
    search("PUNE-RUST-ORDER-1").await;
    wait_for_count(client, "table tbody tr", 1).await;
    let started = Instant::now();
    while client
        .execute("return window.slowAnswer", vec![])
        .await
        .unwrap()
        != "delivered"
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the held answer never came"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Give the stale answer time to be (wrongly) applied.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count(client, "table tbody tr").await, 1);
    assert!(
        text_of(client, "table tbody")
            .await
            .contains("PUNE-RUST-ORDER-1")
    );
    assert!(path_and_query(client).await.contains("q=PUNE-RUST-ORDER-1"));
}

#[tokio::test]
async fn staff_add_a_session_of_their_own_by_their_branch_clock_and_move_it() {
    let world = world().await;
    for (size, width, height, days_ahead) in [("desktop", 1280, 900, 2), ("phone", 390, 844, 3)] {
        let browser = browser(width, height).await;
        let client = &browser.client;
        sign_in(client, &world, &world.faculty).await;
        find(client, ".session-card").await;
        press(client, "New session").await;
        let title = format!("Extra revision on the {size}");
        fill(client, "dialog[open] #session-title", &title).await;
        let day = branch_today() + chrono::Days::new(days_ahead);
        pick_value(client, "#session-date", &day.to_string()).await;
        pick_value(client, "#session-start", "10:00").await;
        pick_value(client, "#session-end", "11:30").await;
        click(client, "dialog[open] button[type=submit]").await;
        wait_for_text(client, ".notice", &format!("{title} added.")).await;
        // Shown as typed: Kolkata's clock, whatever the browser's zone.
        let card = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&format!(
                "//section[@aria-labelledby='ahead-heading']//li[contains(@class,'session-card')][.//a[normalize-space()='{title}']]"
            )))
            .await
            .unwrap();
        let text = card.text().await.unwrap();
        assert!(text.contains("10:00–11:30"), "{size}: {text}");

        card.find(Locator::XPath(&format!(
            ".//a[normalize-space()='{title}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        press(client, "Edit session").await;
        let renamed = format!("{title}, moved");
        fill(client, "dialog[open] #session-title", &renamed).await;
        pick_value(client, "#session-start", "10:30").await;
        click(client, "dialog[open] button[type=submit]").await;
        wait_for_text(client, ".notice", &format!("{renamed} saved.")).await;
        wait_for_text(client, ".facts", "10:30–11:30").await;
        assert_eq!(text_of(client, "h1").await, renamed);
        assert!(
            !scrolls_sideways(client).await,
            "the session page scrolls sideways at {width}px"
        );
    }
}

#[tokio::test]
async fn an_admin_adds_a_session_for_a_teacher_found_by_typing() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;
    client.goto(&world.url("/sessions")).await.unwrap();
    find(client, ".session-card").await;
    press(client, "New session").await;
    fill(client, "dialog[open] #session-title", "Exam preparation").await;
    find(client, "#session-owner")
        .await
        .send_keys("asha")
        .await
        .unwrap();
    // The server is asked: only the matching account is offered.
    wait_for_offers(client, "#session-owner", &["Asha Rao <asha@lectern.test>"]).await;
    fill(client, "#session-owner", "Asha Rao <asha@lectern.test>").await;
    let day = branch_today() + chrono::Days::new(1);
    pick_value(client, "#session-date", &day.to_string()).await;
    pick_value(client, "#session-start", "14:00").await;
    pick_value(client, "#session-end", "15:00").await;
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, ".notice", "Exam preparation added.").await;
    let card = client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(
            "//li[contains(@class,'session-card')][.//a[normalize-space()='Exam preparation']]",
        ))
        .await
        .unwrap();
    let text = card.text().await.unwrap();
    assert!(
        text.contains("Asha Rao") && text.contains("14:00–15:00"),
        "{text}"
    );
}
