//! Pages whose code arrives when they are first opened: the sign-in page
//! fetches none of it, and a page whose code does not arrive says so while
//! the rest of the app goes on working.

use std::path::Path;

use fantoccini::Client;

use crate::harness::{browser, click, find, sign_in, spa_dir, wait_for_text, world, world_serving};

/// The split parts of the app (`pkg/split_*.wasm`) this page has fetched.
async fn fetched_parts(client: &Client) -> Vec<String> {
    let names = client
        .execute(
            "return performance.getEntriesByType('resource')
                 .map(entry => new URL(entry.name).pathname)
                 .filter(path => path.startsWith('/pkg/split_'));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

#[tokio::test]
async fn the_sign_in_page_fetches_no_page_code_until_a_page_needs_it() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;

    client.goto(&world.url("/login")).await.unwrap();
    find(client, "form.auth-card").await;
    assert_eq!(fetched_parts(client).await, Vec::<String>::new());

    // Staff land on their sessions: that page's code, and no admin screen's.
    sign_in(client, &world, &world.faculty).await;
    wait_for_text(client, "h1", "Sessions").await;
    let parts = fetched_parts(client).await;
    assert!(
        parts
            .iter()
            .any(|part| part.contains("split_lectern_sessions")),
        "{parts:?}"
    );
    assert!(
        !parts
            .iter()
            .any(|part| part.contains("split_lectern_admin")),
        "{parts:?}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[tokio::test]
async fn a_page_whose_code_does_not_arrive_says_so_and_the_app_goes_on() {
    // A deployment that lost the admin screens' part, as a phone that lost
    // its network would find it.
    let spa = tempfile::tempdir().unwrap();
    copy_dir(&spa_dir(), spa.path());
    let mut removed = 0;
    for entry in std::fs::read_dir(spa.path().join("pkg")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().contains("split_lectern_admin") {
            std::fs::remove_file(path).unwrap();
            removed += 1;
        }
    }
    assert!(removed > 0, "the build has no admin part to remove");
    let world = world_serving(spa.path().to_path_buf()).await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;

    sign_in(client, &world, &world.admin).await;
    find(client, "#figure-overdue").await;
    click(client, "nav a[href='/admin/staff']").await;
    wait_for_text(client, ".state.error", "This page could not be loaded").await;

    // The app still runs: another page, in a part that is there, opens.
    click(client, "nav a[href='/dashboard']").await;
    find(client, "#figure-overdue").await;
}
