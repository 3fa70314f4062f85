//! What a browser downloads: the app on a first visit, next to nothing on
//! the next one, whose fingerprinted files come from its cache and whose
//! index.html is only revalidated.

use fantoccini::Client;

use crate::harness::{browser, find, world};

/// Bytes this page's navigation and every resource it fetched took on the
/// wire (headers included), by the browser's own resource timing.
async fn transferred(client: &Client) -> u64 {
    let bytes = client
        .execute(
            "return performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource'))
                 .reduce((sum, entry) => sum + entry.transferSize, 0);",
            vec![],
        )
        .await
        .unwrap();
    bytes.as_u64().expect("a byte count")
}

#[tokio::test]
async fn a_repeat_visit_transfers_under_five_kilobytes() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;

    client.goto(&world.url("/login")).await.unwrap();
    find(client, "form.auth-card").await;
    let first = transferred(client).await;
    assert!(
        first > 100_000,
        "the first visit fetches the app itself: {first} bytes"
    );

    // Another visit to the app, as from a bookmark.
    client.goto("about:blank").await.unwrap();
    client.goto(&world.url("/login")).await.unwrap();
    find(client, "form.auth-card").await;
    let repeat = transferred(client).await;
    println!("first visit {first} bytes, repeat visit {repeat} bytes");
    assert!(
        repeat < 5_000,
        "a repeat visit transfers {repeat} bytes (the first took {first})"
    );
    // The fingerprinted files are not even asked for: no request, no 304.
    let asked: Vec<String> = serde_json::from_value(
        client
            .execute(
                "return performance.getEntriesByType('resource')
                     .filter(entry => /\\.[0-9a-f]{16}\\./.test(entry.name) && entry.transferSize > 0)
                     .map(entry => entry.name);",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(asked.is_empty(), "fetched again: {asked:?}");
}
