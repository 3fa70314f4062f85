//! The admin's landing page: figures that match the sessions behind them,
//! a chart of the weeks, and an export the browser saves as a file.

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use fantoccini::Locator;

use crate::harness::{
    branch_today, browser, complete_first_sitting, find, screenshot, sign_in, sittings,
    wait_for_text, world,
};

/// The first sitting is recorded; overdue are the others that have ended.
fn overdue_now() -> usize {
    sittings()
        .iter()
        .skip(1)
        .filter(|(_, end)| *end < Utc::now())
        .count()
}

#[tokio::test]
async fn the_dashboard_counts_links_charts_and_exports() {
    let world = world().await;
    complete_first_sitting(&world, "PUNE-RUST-DASH-1", 60, Some("Ownership")).await;
    let today = branch_today();
    let (from, to) = (today - Days::new(2), today + Days::new(3));

    let browser = browser(1280, 1000).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;
    // An admin lands on the dashboard.
    find(client, "#figure-overdue").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/dashboard");

    client
        .goto(&world.url(&format!("/dashboard?from={from}&to={to}")))
        .await
        .unwrap();
    let overdue = overdue_now();
    wait_for_text(
        client,
        "#figure-overdue a.figure-value",
        &overdue.to_string(),
    )
    .await;
    assert_eq!(
        find(client, "#figure-overdue a.figure-value")
            .await
            .text()
            .await
            .unwrap(),
        overdue.to_string()
    );
    wait_for_text(client, "#breakdown-faculty", "Asha Rao").await;
    // The week chart shows the recorded sitting among its bars.
    let chart = find(client, "svg.week-chart").await;
    let label = chart.attr("aria-label").await.unwrap().unwrap_or_default();
    assert!(label.contains("1 completed"), "{label}");
    let titles = client
        .execute(
            "return [...document.querySelectorAll('svg.week-chart rect.bar-completed title')]
                 .map(t => t.textContent).join('|')",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        titles
            .as_str()
            .unwrap_or_default()
            .contains(": 1 completed"),
        "{titles}"
    );
    screenshot(client, "dashboard").await;

    // The overdue figure opens the list of exactly those sessions.
    find(client, "#figure-overdue a.figure-value")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, "h1", "sessions").await;
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/admin/sessions");
    assert!(
        url.query().unwrap_or_default().contains("overdue=true"),
        "{url}"
    );
    let started = Instant::now();
    loop {
        let rows = client
            .find_all(Locator::Css("table tbody tr"))
            .await
            .unwrap()
            .len();
        if rows == overdue {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{rows} rows, not the {overdue} overdue sessions"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        find(client, "#filter-overdue")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("true"),
        "the filter form shows the URL's filter"
    );

    // The list's CSV export is saved by the browser, with only those rows.
    find(client, ".export-buttons")
        .await
        .find(Locator::XPath(".//button[normalize-space()='CSV']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let name = format!("lectern-sessions-{}.csv", Utc::now().format("%Y%m%d"));
    let saved = browser.downloads.path().join(&name);
    let started = Instant::now();
    let csv = loop {
        if let Ok(text) = std::fs::read_to_string(&saved)
            && text.lines().count() == overdue + 1
        {
            break text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{name} never arrived in {}",
            browser.downloads.path().display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(csv.starts_with("Date,Branch,Staff,"), "{csv}");
    assert_eq!(csv.matches(",pending,").count(), overdue, "{csv}");
    // The token never travelled in a URL.
    let urls = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).join(' ')",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !urls.as_str().unwrap_or_default().contains("token"),
        "{urls}"
    );
}
