//! The session list's advanced filters and orders, and keyset paging that
//! stays right in every order.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, json};
use crate::oversight::{Dataset, dataset};

/// The ids the list answers for `query` (one page of up to 100).
async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let page: Value = json(
        app.get(&format!("/completions?limit=100&{query}"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

/// The ids in dataset order (1-based, as [`Dataset::ids`] documents them).
fn nth(data: &Dataset, which: &[usize]) -> Vec<i64> {
    which.iter().map(|n| data.ids[n - 1]).collect()
}

#[tokio::test]
async fn each_filter_selects_what_it_names() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let oldest_first = "sort=scheduled_start";
    for (query, expected) in [
        ("late=true", vec![2, 6]),
        ("late=false", vec![1, 3]),
        ("overdue=true", vec![5]),
        ("overdue=false", vec![7]),
        ("has_attachments=true", vec![2]),
        ("has_attachments=false&status=completed", vec![1, 6, 3]),
        ("note_type=issue", vec![2]),
        ("note_type=achievement", vec![]),
        ("review=unreviewed", vec![2, 6]),
        ("q=projector", vec![2]),
        ("q=zoë", vec![6, 7]),
        ("q=RAO%20borrowing", vec![1]),
        ("q=extra%20traits", vec![3]),
        ("q=pune%20nothing", vec![]),
        ("q=100%25", vec![]),
    ] {
        let mut want = nth(&data, &expected);
        let got = ids(&app, &admin, &format!("{query}&{oldest_first}")).await;
        want.sort_by_key(|id| data.ids.iter().position(|x| x == id));
        let mut by_time = got.clone();
        by_time.sort_by_key(|id| data.ids.iter().position(|x| x == id));
        assert_eq!(by_time, want, "{query}");
    }

    // A code in any case finds its session, and only in scope.
    let session: Value = json(
        app.get(&format!("/completions/{}", data.ids[0]), &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let code = session["completion_code"].as_str().unwrap().to_lowercase();
    assert_eq!(
        ids(&app, &admin, &format!("code={code}")).await,
        nth(&data, &[1])
    );
    let outsider = app.login(&data.outsider).await;
    assert!(
        ids(&app, &outsider, &format!("code={code}"))
            .await
            .is_empty()
    );
    // Faculty search only their own.
    let faculty = app.login(&data.faculty).await;
    assert!(ids(&app, &faculty, "q=zoë").await.is_empty());
}

#[tokio::test]
async fn every_order_pages_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    // Scheduled: 1 (2 Mar), 2 (3 Mar), 6 (4 Mar), 3 (9 Mar), 4, 5, then 7 next week.
    // Completed (in the order they were recorded): 1, 2, 3, 6.
    for (sort, expected) in [
        ("scheduled_start", vec![1, 2, 6, 3, 4, 5, 7]),
        ("-scheduled_start", vec![7, 5, 4, 3, 6, 2, 1]),
        ("completed_at", vec![1, 2, 3, 6]),
        ("-completed_at", vec![6, 3, 2, 1]),
    ] {
        let seen = app
            .ids_of_every_page(&format!("/completions?sort={sort}&limit=2"), &admin, 10)
            .await;
        assert_eq!(seen, nth(&data, &expected), "sort={sort}");
    }

    // A cursor of one order is refused by another rather than misread.
    let page: Value = json(
        app.get("/completions?sort=completed_at&limit=1", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let problem = assert_problem(
        app.get(
            &format!("/completions?sort=scheduled_start&cursor={cursor}"),
            &admin,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["cursor"].is_array(), "{problem}");
}

#[tokio::test]
async fn bad_filter_values_name_the_parameter() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    for (query, field) in [
        ("late=sometimes", "late"),
        ("overdue=1.5", "overdue"),
        ("has_attachments=yes", "has_attachments"),
        ("note_type=gossip", "note_type"),
        ("sort=title", "sort"),
        ("code=%21%21", "code"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/completions?{query}"), &admin).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(problem["errors"][field].is_array(), "{query}: {problem}");
    }
}

/// The search index follows every change to what it holds, at once: a
/// note's edit, a comment added or removed, a person renamed.
#[tokio::test]
async fn the_search_follows_every_change_at_once() {
    let app = TestApp::spawn().await;
    let data = dataset(&app).await;
    let admin = app.login(&data.admin).await;
    let faculty = app.login(&data.faculty).await;
    let pending = data.ids[4];

    // Words begin words: a prefix finds, the middle of a word does not.
    assert_eq!(ids(&app, &admin, "q=proj").await, nth(&data, &[2]));
    assert!(ids(&app, &admin, "q=jector").await.is_empty());

    let comment: Value = json(
        app.post(
            &format!("/completions/{pending}/notes"),
            &faculty,
            &serde_json::json!({"note_text": "Fire drill in block C", "note_type": "issue"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ids(&app, &admin, "q=drill").await, [pending]);
    let edited = app
        .patch(
            &format!("/completions/{pending}/notes/{}", comment["id"]),
            &faculty,
            &serde_json::json!({"note_text": "Evacuation exercise"}),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    assert!(ids(&app, &admin, "q=drill").await.is_empty());
    assert_eq!(ids(&app, &admin, "q=evacuation").await, [pending]);
    let removed = app
        .delete(
            &format!("/completions/{pending}/notes/{}", comment["id"]),
            &faculty,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert!(ids(&app, &admin, "q=evacuation").await.is_empty());

    let renamed = app
        .patch(
            &format!("/users/{}", data.faculty.id),
            &admin,
            &serde_json::json!({"name": "Asha Kulkarni"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(
        ids(&app, &admin, "q=kulkarni&sort=scheduled_start").await,
        nth(&data, &[1, 2, 3, 4, 5])
    );
    assert!(ids(&app, &admin, "q=rao").await.is_empty());

    let session: Value = json(
        app.get(&format!("/completions/{}", data.ids[0]), &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let code = session["completion_code"].as_str().unwrap();
    // A code typed whole, hyphens and all, in any case.
    assert_eq!(
        ids(&app, &admin, &format!("q={}", code.to_lowercase())).await,
        nth(&data, &[1])
    );
}
