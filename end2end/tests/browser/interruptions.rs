//! What happens to someone in the middle of something when the page, the
//! network or the sign-in changes under them: an upload ending behind an
//! open form, a page left mid-upload, the wrong file on its way, a list
//! answering while a finger is on it, a record changed by someone else, a
//! renewal or a sign-out that cannot reach the server.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use lectern_server::entities::{attachment, completion};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _,
};

use crate::harness::{
    Browser, PASSWORD, World, browser, click, complete_first_sitting, fill, find, png, press,
    sign_in, sign_out, text_of, wait_for_text, world,
};

/// Holds every upload back until [`release_uploads`], as a slow phone
/// connection would; the page reports progress from the real request. An
/// upload aborted meanwhile ends as an aborted request does, and is never
/// sent.
async fn hold_uploads(client: &Client) {
    client
        .execute(
            "window.heldUploads = [];
             const send = XMLHttpRequest.prototype.send;
             XMLHttpRequest.prototype.send = function (body) {
               const request = this;
               const go = () => send.call(request, body);
               request.abort = () => {
                 window.heldUploads = window.heldUploads.filter(held => held !== go);
                 request.dispatchEvent(new ProgressEvent('abort'));
               };
               window.heldUploads.push(go);
             };",
            vec![],
        )
        .await
        .unwrap();
}

/// Lets the held uploads go, once the page has started one.
async fn release_uploads(client: &Client) {
    release(
        client,
        "window.heldUploads",
        "window.heldUploads.splice(0).forEach(go => go());",
        "no upload started",
    )
    .await;
}

/// Runs `release` once the requests held in the array `queue` are more
/// than none, which the page may take a moment to send.
async fn release(client: &Client, queue: &str, release: &str, never: &str) {
    let started = Instant::now();
    while client
        .execute(&format!("return {queue}.length;"), vec![])
        .await
        .unwrap()
        == serde_json::json!(0)
    {
        assert!(started.elapsed() < Duration::from_secs(15), "{never}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    client.execute(release, vec![]).await.unwrap();
}

async fn value_of(client: &Client, css: &str) -> String {
    find(client, css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

fn a_png(name: &str) -> String {
    a_file(name, "png", &png())
}

fn a_file(name: &str, extension: &str, content: &[u8]) -> String {
    let file = std::env::temp_dir().join(format!("{name}-{}.{extension}", std::process::id()));
    std::fs::write(&file, content).unwrap();
    file.display().to_string()
}

async fn held(client: &Client) -> serde_json::Value {
    client
        .execute("return window.heldUploads.length;", vec![])
        .await
        .unwrap()
}

async fn upload_rows(client: &Client) -> usize {
    client
        .find_all(Locator::Css(".uploads li"))
        .await
        .unwrap()
        .len()
}

/// Waits for the uploads' list to empty once a row was seen in it.
async fn rows_go(client: &Client) {
    let started = Instant::now();
    while upload_rows(client).await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the upload's row stayed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The faculty member signed in on a phone, on the page of the first
/// sitting (long over): the sitting, its page's address, and the browser.
async fn on_the_first_sitting(world: &World) -> (completion::Model, String, Browser) {
    let first = completion::Entity::find()
        .order_by_asc(completion::Column::ScheduledStart)
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    let page = world.url(&format!("/sessions/{}", first.id));
    let browser = browser(390, 844).await;
    sign_in(&browser.client, world, &world.faculty).await;
    browser.client.goto(&page).await.unwrap();
    wait_for_text(&browser.client, "h1", "Rust Foundations").await;
    (first, page, browser)
}

#[tokio::test]
async fn an_upload_ending_keeps_what_is_typed_and_survives_the_page_being_left() {
    let world = world().await;
    let (_, page, browser) = on_the_first_sitting(&world).await;
    let client = &browser.client;

    // The recording goes up while the teacher fills in the record.
    hold_uploads(client).await;
    find(client, "#file-picker")
        .await
        .send_keys(&a_png("recording"))
        .await
        .unwrap();
    find(client, "#note-text")
        .await
        .send_keys("Half a comment")
        .await
        .unwrap();
    press(client, "Complete").await;
    find(client, "dialog[open] #session-notes")
        .await
        .send_keys("Typed while the file was going up.")
        .await
        .unwrap();
    release_uploads(client).await;
    wait_for_text(client, ".notice", "uploaded").await;
    // The session reloaded behind the dialog, which stayed as it was.
    wait_for_text(client, ".files", "recording-").await;
    assert_eq!(
        value_of(client, "dialog[open] #session-notes").await,
        "Typed while the file was going up."
    );
    click(client, "dialog[open] button[aria-label='Close']").await;
    assert_eq!(value_of(client, "#note-text").await, "Half a comment");

    // A described upload still on its way when the teacher leaves the page.
    client.goto(&page).await.unwrap();
    wait_for_text(client, "h1", "Rust Foundations").await;
    hold_uploads(client).await;
    find(client, "#file-description")
        .await
        .send_keys("Slides")
        .await
        .unwrap();
    find(client, "#file-picker")
        .await
        .send_keys(&a_png("slides"))
        .await
        .unwrap();
    click(client, "main a[href='/sessions']").await;
    find(client, "#tab-history").await;
    release_uploads(client).await;
    wait_for_text(client, ".notice", "uploaded").await;
    // The app goes on: another tab of the list opens.
    find(client, "#tab-history").await.click().await.unwrap();
    wait_for_text(client, ".timeline", "Pending").await;
}

#[tokio::test]
async fn a_comment_being_corrected_outlives_the_page_reloading() {
    let world = world().await;
    let (_, _, browser) = on_the_first_sitting(&world).await;
    let client = &browser.client;
    find(client, "#note-text")
        .await
        .send_keys("Projector was brokne")
        .await
        .unwrap();
    press(client, "Add comment").await;
    wait_for_text(client, ".notes", "brokne").await;

    // The teacher corrects it while a recording goes up.
    press(client, "Edit").await;
    let correction = "textarea[id^='edit-note-']";
    fill(client, correction, "Projector was broken; IT called").await;
    hold_uploads(client).await;
    find(client, "#file-picker")
        .await
        .send_keys(&a_png("lecture"))
        .await
        .unwrap();
    release_uploads(client).await;
    wait_for_text(client, ".files", "lecture-").await;
    assert_eq!(
        value_of(client, correction).await,
        "Projector was broken; IT called"
    );
    press(client, "Save").await;
    wait_for_text(client, ".notes", "IT called").await;
}

#[tokio::test]
async fn a_wrong_upload_is_stopped_and_a_refused_one_cleared() {
    let world = world().await;
    let (first, _, browser) = on_the_first_sitting(&world).await;
    let client = &browser.client;

    // The wrong recording is on its way: the teacher stops it.
    hold_uploads(client).await;
    find(client, "#file-picker")
        .await
        .send_keys(&a_png("wrong-recording"))
        .await
        .unwrap();
    find(client, ".uploads li progress").await;
    assert_eq!(held(client).await, serde_json::json!(1));
    click(client, ".uploads li button[aria-label^='Cancel uploading']").await;
    wait_for_text(client, ".notice", "cancelled").await;
    rows_go(client).await;
    assert_eq!(
        held(client).await,
        serde_json::json!(0),
        "the request was not stopped"
    );

    // The right one goes up in full, and only it is kept.
    find(client, "#file-picker")
        .await
        .send_keys(&a_png("right-recording"))
        .await
        .unwrap();
    release_uploads(client).await;
    wait_for_text(client, ".files", "right-recording").await;
    let files = text_of(client, ".files").await;
    assert!(!files.contains("wrong-recording"), "{files}");
    let stored = attachment::Entity::find()
        .filter(attachment::Column::CompletionId.eq(first.id))
        .count(&world.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);

    // A file the page refuses says why until it is dismissed.
    find(client, "#file-picker")
        .await
        .send_keys(&a_file("setup", "exe", b"MZ"))
        .await
        .unwrap();
    wait_for_text(client, ".uploads li", "not accepted").await;
    click(client, ".uploads li button[aria-label^='Dismiss']").await;
    rows_go(client).await;
}

/// Holds the list of sittings to come back until `window.releaseComing()`,
/// as a slow answer would, while the overdue list answers at once.
const SLOW_COMING: &str = "
    window.realFetch = window.realFetch || window.fetch;
    window.heldComing = [];
    window.releaseComing = () => window.heldComing.splice(0).forEach(go => go());
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      if (url.includes('overdue=false')) {
        return new Promise(done => window.heldComing.push(() => done(window.realFetch(input, init))));
      }
      return window.realFetch(input, init);
    };";

#[tokio::test]
async fn a_card_stays_under_the_finger_while_the_rest_of_the_list_arrives() {
    let world = world().await;
    let browser = browser(390, 844).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    client.execute(SLOW_COMING, vec![]).await.unwrap();
    // Upcoming is opened again, so that it asks through the slow network.
    find(client, "#tab-history").await.click().await.unwrap();
    wait_for_text(client, ".timeline", "Pending").await;
    find(client, "#tab-upcoming").await.click().await.unwrap();
    let complete = find(
        client,
        "section[aria-labelledby=overdue-heading] .session-card button.primary",
    )
    .await;
    release(
        client,
        "window.heldComing",
        "window.releaseComing();",
        "the sittings to come were never asked for",
    )
    .await;
    find(client, "section[aria-labelledby=ahead-heading]").await;
    // The teacher taps the button they saw before the rest arrived.
    complete
        .click()
        .await
        .expect("the overdue card is the one that was on the page");
    find(client, "dialog[open] #actual-start").await;
}

#[tokio::test]
async fn a_record_changed_by_someone_else_is_said_above_the_form() {
    let world = world().await;
    let first = complete_first_sitting(&world, "PUNE-RUST-STALE", 60, None).await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    client
        .goto(&world.url(&format!("/sessions/{}", first.id)))
        .await
        .unwrap();
    wait_for_text(client, ".facts", "PUNE-RUST-STALE").await;
    press(client, "Correct the record").await;
    find(client, "dialog[open] #edit-notes").await;

    // Meanwhile someone else writes the record's notes.
    completion::Entity::update_many()
        .col_expr(
            completion::Column::Version,
            Expr::col(completion::Column::Version).add(1),
        )
        .col_expr(
            completion::Column::Notes,
            Expr::value("Written by someone else"),
        )
        .filter(completion::Column::Id.eq(first.id))
        .exec(&world.db)
        .await
        .unwrap();
    find(client, "dialog[open] #edit-notes")
        .await
        .send_keys("Mine")
        .await
        .unwrap();
    find(client, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, "dialog[open] .alert", "changed since you loaded it").await;
    // The page behind shows the record as it now is.
    wait_for_text(client, "main", "Written by someone else").await;
}

/// Makes the app's requests fail as a phone between networks would: a
/// renewal never arrives, and the next API call finds its token expired.
const DROPPED_RENEWAL: &str = "
    window.realFetch = window.realFetch || window.fetch;
    let expired = true;
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      if (url.includes('/auth/refresh')) {
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      if (expired && url.includes('/api/v1/')) {
        expired = false;
        window.servedExpired = true;
        return Promise.resolve(new Response(
          JSON.stringify({type: 'about:blank', title: 'Unauthorized', status: 401,
                          detail: 'The access token has expired; refresh it.'}),
          {status: 401, headers: {'content-type': 'application/problem+json'}}));
      }
      return window.realFetch(input, init);
    };";

async fn path(client: &Client) -> String {
    client.current_url().await.unwrap().path().to_owned()
}

async fn wait_for_path(client: &Client, expected: &str) {
    let started = Instant::now();
    while path(client).await != expected {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "never reached {expected}; at {}",
            path(client).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_sign_in_outlives_a_dropped_connection_and_returns_where_it_was() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;

    // A link into the app, followed while signed out, comes back after
    // signing in.
    client.goto(&world.url("/admin/staff")).await.unwrap();
    find(client, "form.auth-card").await;
    find(client, "#email")
        .await
        .send_keys(&world.admin)
        .await
        .unwrap();
    find(client, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    click(client, "form.auth-card button[type=submit]").await;
    wait_for_path(client, "/admin/staff").await;
    wait_for_text(client, "main.page h1", "Staff").await;

    // The token runs out while the network is gone: the page says the
    // server cannot be reached, and stays signed in.
    client.execute(DROPPED_RENEWAL, vec![]).await.unwrap();
    click(client, "nav a[href='/admin/batches']").await;
    let started = Instant::now();
    while client
        .execute("return window.servedExpired === true;", vec![])
        .await
        .unwrap()
        != serde_json::json!(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the page made no request"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Time for the failed renewal to have signed the page out, had it.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(path(client).await, "/admin/batches");
    assert!(
        client
            .find_all(Locator::Css("form.auth-card"))
            .await
            .unwrap()
            .is_empty(),
        "a renewal that could not reach the server signed the page out"
    );
    wait_for_text(client, "main.page h1", "Batches").await;

    // Signing out while the server cannot be told keeps the sign-in and
    // says so; once it can, it signs out for good.
    client
        .execute(
            "window.fetch = (input, init) => {
               const url = typeof input === 'string' ? input : input.url;
               return url.includes('/auth/logout')
                 ? Promise.reject(new TypeError('Failed to fetch'))
                 : window.realFetch(input, init);
             };",
            vec![],
        )
        .await
        .unwrap();
    click(client, ".sign-out").await;
    wait_for_text(client, ".notice", "Not signed out").await;
    find(client, ".topbar").await;
    client
        .execute("window.fetch = window.realFetch;", vec![])
        .await
        .unwrap();
    sign_out(client).await;
    client.refresh().await.unwrap();
    find(client, "form.auth-card").await;
}
