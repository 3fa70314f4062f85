//! How a page loads: a failure says what went wrong and offers to try
//! again where that can help; a reload after a change keeps the page on
//! screen.

use serde_json::json;

use crate::harness::{
    browser, click, complete_first_sitting, find, press, sign_in, text_of, wait_for_text, world,
};

/// Opens `path` inside the app, as a link would, so patches to the page's
/// `fetch` stay in place.
async fn follow(client: &fantoccini::Client, path: &str) {
    client
        .execute(
            "const link = document.createElement('a');
             link.href = arguments[0];
             document.body.append(link);
             link.click();
             link.remove();",
            vec![json!(path)],
        )
        .await
        .unwrap();
}

/// Which of the page's requests [`restarting`] answers.
enum Asked<'a> {
    /// Those for this path.
    Path(&'a str),
    /// Those with this query parameter.
    Param(&'a str),
}

/// Has the requests `asked` answered by a server that is restarting: only
/// the first of them when `once`, every one otherwise.
async fn restarting(client: &fantoccini::Client, asked: Asked<'_>, once: bool) {
    let (kind, target) = match asked {
        Asked::Path(path) => ("path", path),
        Asked::Param(name) => ("param", name),
    };
    client
        .execute(
            "const [kind, target, once] = arguments;
             const fetch = window.fetch;
             let failed = false;
             window.fetch = function (request, init) {
                 const url = new URL(typeof request === 'string' ? request : request.url, location.href);
                 const asked = kind === 'path' ? url.pathname === target : url.searchParams.has(target);
                 if (!asked || (once && failed)) return fetch.call(this, request, init);
                 failed = true;
                 const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503,
                                   detail: 'Lectern is restarting; try again in a moment.' };
                 return Promise.resolve(new Response(JSON.stringify(problem), {
                     status: 503, headers: { 'Content-Type': 'application/problem+json' } }));
             };",
            vec![json!(kind), json!(target), json!(once)],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_load_says_why_and_a_reload_keeps_the_page() {
    let world = world().await;
    let session = complete_first_sitting(&world, "PUNE-RUST-LOAD-1", 60, None).await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    find(client, ".session-card").await;

    // The session's first answer is a server that is restarting.
    let path = format!("/api/v1/completions/{}", session.id);
    restarting(client, Asked::Path(&path), true).await;
    follow(client, &format!("/sessions/{}", session.id)).await;
    wait_for_text(client, ".state.error", "Lectern is restarting").await;

    press(client, "Try again").await;
    wait_for_text(client, "h1", "Rust Foundations").await;
    assert!(
        client
            .find_all(fantoccini::Locator::Css(".state.error"))
            .await
            .unwrap()
            .is_empty(),
        "the failure stayed after a good answer"
    );

    // Saving reloads the session; the page stays while it does.
    client
        .execute(
            "window.flashed = false;
             new MutationObserver(() => {
                 if (document.querySelector('main .state.loading')) window.flashed = true;
             }).observe(document.querySelector('main'), { childList: true, subtree: true });",
            vec![],
        )
        .await
        .unwrap();
    find(client, "#note-text")
        .await
        .send_keys("Lab room was cold.")
        .await
        .unwrap();
    press(client, "Add comment").await;
    wait_for_text(client, ".notes", "Lab room was cold.").await;
    assert!(text_of(client, "h1").await.contains("Rust Foundations"));
    let flashed = client
        .execute("return window.flashed", vec![])
        .await
        .unwrap();
    assert_eq!(flashed, json!(false), "the page blanked while it reloaded");
}

#[tokio::test]
async fn a_session_not_there_says_so_and_offers_no_vain_retry() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    find(client, ".session-card").await;

    follow(client, "/sessions/987654321").await;
    wait_for_text(client, ".state.error .state-title", "Not found").await;
    let said = text_of(client, ".state.error").await;
    assert!(said.contains("No such session."), "{said}");
    assert!(
        client
            .find_all(fantoccini::Locator::Css(".state.error button"))
            .await
            .unwrap()
            .is_empty(),
        "another try cannot find it: {said}"
    );
}

#[tokio::test]
async fn a_failed_search_leaves_no_rows_of_the_last_one() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    find(client, ".session-card").await;
    follow(client, "/sessions?tab=history").await;
    find(client, ".timeline .entry").await;

    // Searches meet a server that is restarting.
    restarting(client, Asked::Param("q"), false).await;
    find(client, "#history-q")
        .await
        .send_keys("lifetimes")
        .await
        .unwrap();
    click(client, "form.search button[type=submit]").await;
    wait_for_text(client, ".state.error", "Lectern is restarting").await;
    let rows = client
        .find_all(fantoccini::Locator::Css(".timeline .entry"))
        .await
        .unwrap();
    assert!(
        rows.is_empty(),
        "{} rows of the unsearched history passed for the search's",
        rows.len()
    );
}
