//! Races the database must settle: one winner, no duplicates.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use futures_util::future::join_all;
use lectern_api_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

#[tokio::test]
async fn of_twenty_simultaneous_completions_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let start = Utc::now() - Duration::hours(3);
    let session = app.ad_hoc_session(&faculty, start).await;
    let token = app.login(&faculty).await;
    let body = json!({"actual_start_time": start.to_rfc3339(), "actual_end_time": (start + Duration::hours(1)).to_rfc3339()});
    let path = format!("/completions/{}/complete", session.id);

    let statuses: Vec<StatusCode> = join_all((0..20).map(|_| app.post(&path, &token, &body)))
        .await
        .iter()
        .map(|r| r.status())
        .collect();

    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn two_hundred_simultaneous_generated_codes_are_all_different() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    // Ad-hoc sessions of one day share the prefix and date of their codes,
    // so only the 20 random bits tell them apart and collisions do happen.
    let start = Utc::now() - Duration::minutes(90);
    let mut ids = Vec::new();
    for _ in 0..200 {
        ids.push(app.ad_hoc_session(&faculty, start).await.id);
    }
    let token = app.login(&faculty).await;
    let body = json!({"actual_start_time": start.to_rfc3339(), "actual_end_time": (start + Duration::minutes(50)).to_rfc3339()});

    let paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/completions/{id}/complete"))
        .collect();
    let responses = join_all(paths.iter().map(|path| app.post(path, &token, &body))).await;
    let mut codes = HashSet::new();
    for response in responses {
        assert_eq!(response.status(), StatusCode::OK);
        let session: Value = response.json().await.unwrap();
        codes.insert(session["completion_code"].as_str().unwrap().to_owned());
    }

    assert_eq!(codes.len(), 200);
}
