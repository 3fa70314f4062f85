//! The faculty member's whole day with the keyboard alone: sign in,
//! complete a session, upload a file, comment. Every control on the way is
//! reached with Tab and shows where the focus is; a dialog keeps the focus
//! inside it, closes on Escape and gives the focus back. A refused field
//! is marked invalid and takes the focus.

use fantoccini::Client;

use crate::harness::{
    PASSWORD, browser, click, fill, find, pick_value, png, sign_in, wait_for_text, world,
};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

/// Sends keys to whatever has the focus, as a keyboard would.
async fn keys(client: &Client, keys: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// Whether the focused element matches `css`.
async fn focused(client: &Client, css: &str) -> bool {
    client
        .execute(
            "return document.activeElement.matches(arguments[0])",
            vec![css.into()],
        )
        .await
        .unwrap()
        == true
}

/// Presses Tab until the focus is on `css`, and checks that it shows: a
/// focus ring on the element, or on the drop zone of a hidden file input.
async fn tab_to(client: &Client, css: &str) {
    for _ in 0..60 {
        if focused(client, css).await {
            let visible = client
                .execute(
                    "const shown = e => e !== null && getComputedStyle(e).boxShadow !== 'none';
                     const el = document.activeElement;
                     const box = el.getBoundingClientRect();
                     return box.width > 2 && box.height > 2
                         ? shown(el)
                         : shown(el.closest('.drop-zone'));",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(visible, true, "the focus on {css} does not show");
            return;
        }
        keys(client, TAB).await;
    }
    panic!("Tab never reached {css}");
}

/// Whether the focus is inside an open dialog.
async fn in_dialog(client: &Client) -> bool {
    client
        .execute(
            "return document.activeElement.closest('dialog[open]') !== null",
            vec![],
        )
        .await
        .unwrap()
        == true
}

#[tokio::test]
async fn a_faculty_member_completes_uploads_and_comments_with_the_keyboard_alone() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    client.goto(&world.url("/login")).await.unwrap();
    find(client, "#email").await;
    tab_to(client, "#email").await;
    keys(client, &world.faculty).await;
    tab_to(client, "#password").await;
    keys(client, &format!("{PASSWORD}{ENTER}")).await;

    // The dialog holds the focus, Escape closes it, and the focus goes back.
    let complete = "section[aria-labelledby=overdue-heading] li:first-child button.primary";
    find(client, complete).await;
    tab_to(client, complete).await;
    keys(client, ENTER).await;
    find(client, "dialog[open]").await;
    assert!(in_dialog(client).await);
    for press in 0..12 {
        keys(client, TAB).await;
        assert!(in_dialog(client).await, "Tab {press} left the dialog");
    }
    keys(client, &format!("\u{E008}{TAB}")).await;
    assert!(in_dialog(client).await, "Shift+Tab left the dialog");
    keys(client, ESCAPE).await;
    let started = std::time::Instant::now();
    while client
        .find(fantoccini::Locator::Css("dialog[open]"))
        .await
        .is_ok()
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "Escape left the dialog open"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let started = std::time::Instant::now();
    while !focused(client, complete).await {
        let at = client
            .execute(
                "return document.activeElement.outerHTML.slice(0, 120)",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the focus did not return to Complete but is on {at}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Complete it for real: the code is made by the server.
    keys(client, ENTER).await;
    find(client, "dialog[open] #actual-start").await;
    tab_to(client, "dialog[open] #session-notes").await;
    keys(client, "Typed without a mouse.").await;
    tab_to(client, "dialog[open] button[type=submit]").await;
    keys(client, ENTER).await;
    wait_for_text(client, ".notice", "Session completed").await;

    // To the session through the Completed tab, then a file and a comment.
    tab_to(client, "#tab-upcoming").await;
    keys(client, "\u{E014}").await;
    wait_for_text(client, "#tab-panel table", "Typed without a mouse.").await;
    tab_to(client, "#tab-panel table a.button-link").await;
    keys(client, ENTER).await;
    wait_for_text(client, ".facts", "RUST-101").await;
    tab_to(client, "#file-description").await;
    keys(client, "Board photo").await;
    tab_to(client, "#file-picker").await;
    let file = std::env::temp_dir().join(format!("keyboard-{}.png", std::process::id()));
    std::fs::write(&file, png()).unwrap();
    // What choosing in the browser's file picker amounts to.
    keys(client, &file.display().to_string()).await;
    let files = wait_for_text(client, ".files", "keyboard-").await;
    assert!(files.contains("Board photo"), "{files}");
    let _ = std::fs::remove_file(file);
    tab_to(client, "#note-text").await;
    keys(client, "Asked for the slides.").await;
    tab_to(client, "form:has(#note-text) button[type=submit]").await;
    keys(client, ENTER).await;
    wait_for_text(client, ".notes", "Asked for the slides.").await;
}

/// Waits for the focus to come to `css`: the page moves it once the
/// failure's messages are drawn.
async fn focus_comes_to(client: &Client, css: &str) {
    let started = std::time::Instant::now();
    while !focused(client, css).await {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the focus never came to {css}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn invalid(client: &Client, css: &str) -> Option<String> {
    find(client, css).await.attr("aria-invalid").await.unwrap()
}

#[tokio::test]
async fn a_refused_field_says_so_and_takes_the_focus() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;
    click(
        client,
        "section[aria-labelledby=overdue-heading] .session-card button.primary",
    )
    .await;

    // The server refuses an end before the start.
    pick_value(client, "#actual-start", "06:40").await;
    pick_value(client, "#actual-end", "06:10").await;
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(
        client,
        "#actual-end-errors",
        "is not after actual_start_time",
    )
    .await;
    focus_comes_to(client, "#actual-end").await;
    assert_eq!(
        invalid(client, "#actual-end").await.as_deref(),
        Some("true")
    );
    assert_eq!(invalid(client, "#actual-start").await, None);

    // The page's own check of the code, with the end mended.
    pick_value(client, "#actual-end", "07:00").await;
    fill(client, "#completion-code", "not a code").await;
    // The focus is elsewhere when the form is sent.
    click(client, "#session-notes").await;
    click(client, "dialog[open] button[type=submit]").await;
    find(client, "#completion-code-errors .field-error").await;
    focus_comes_to(client, "#completion-code").await;
    assert_eq!(
        invalid(client, "#completion-code").await.as_deref(),
        Some("true")
    );
    assert_eq!(
        invalid(client, "#actual-end").await,
        None,
        "a mended field is no longer marked"
    );
}
