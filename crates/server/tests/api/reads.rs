//! On SQLite the hottest reads skip SeaORM's pool (`db/sqlite_direct.rs`).
//! Whichever way a read goes, a caller must see the same sessions, field
//! for field: the pool's answers are the reference here.

use chrono::{Duration, Utc};
use lectern_api_types::Role;
use lectern_api_types::schedule::{CompletionStatus, LateReason};
use lectern_api_types::sessions::{CompletionFilter, SessionPage, SessionSort};
use lectern_server::db::Reads;
use lectern_server::domain::AuthUser;
use lectern_server::entities::{attachment, completion, user};
use lectern_server::services::{demo, sessions::query};
use sea_orm::{ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _, Set};
use serde_json::Value;

use crate::helpers::TestApp;

/// Every page of `filter`'s list, `limit` at a time, as JSON.
async fn every_page(reads: &Reads, caller: &AuthUser, filter: &CompletionFilter) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = SessionPage {
            limit: Some(7),
            cursor,
        };
        let page = query::list(reads, caller, filter, &page).await.unwrap();
        cursor = page.next_cursor.clone();
        pages.push(serde_json::to_value(&page).unwrap());
        if cursor.is_none() {
            return pages;
        }
    }
}

#[tokio::test]
async fn the_direct_path_reads_what_the_pool_reads() {
    let app = TestApp::spawn().await;
    demo::seed(&app.db, Utc::now().date_naive()).await.unwrap();
    let people = user::Entity::find().all(&app.db).await.unwrap();
    let callers: Vec<AuthUser> = people
        .iter()
        .filter_map(|person| AuthUser::new(person.id, person.role, person.branch_id))
        .collect();

    // The demo leaves some columns empty everywhere; fill them on one
    // completed session, so every column is compared at least once.
    let done = completion::Entity::find()
        .filter(completion::Column::Status.eq(CompletionStatus::Completed))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo has completed sessions");
    let colleague = people
        .iter()
        .find(|person| person.id != done.user_id && person.role == Role::Faculty)
        .expect("the demo has several teachers");
    let mut changed: completion::ActiveModel = done.clone().into();
    changed.delivered_by = Set(Some(colleague.id));
    changed.late_minutes = Set(Some(17));
    changed.late_reason = Set(Some(LateReason::Traffic));
    changed.location_override = Set(Some("Room 4".into()));
    changed.update(&app.db).await.unwrap();
    let now = Utc::now();
    attachment::ActiveModel {
        completion_id: Set(done.id),
        file_name: Set("slides.pdf".into()),
        storage_key: Set("ab/cdef".into()),
        mime_type: Set("application/pdf".into()),
        size_bytes: Set(1234),
        sha256: Set("0".repeat(64)),
        description: Set(Some("Week 1".into())),
        uploaded_by: Set(done.user_id),
        download_count: Set(2),
        created_at: Set(now - Duration::minutes(5)),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();

    let direct = app.reads();
    let pooled = Reads::pooled(app.db.clone());
    let filters = [
        CompletionFilter::default(),
        CompletionFilter {
            sort: Some(SessionSort::ScheduledStart),
            status: Some(CompletionStatus::Completed),
            ..CompletionFilter::default()
        },
    ];
    let mut every_field_seen = serde_json::Map::new();
    for caller in &callers {
        for filter in &filters {
            let pages = every_page(&direct, caller, filter).await;
            assert_eq!(pages, every_page(&pooled, caller, filter).await);
            for session in pages
                .iter()
                .flat_map(|page| page["items"].as_array().unwrap())
            {
                for (field, value) in session.as_object().unwrap() {
                    if !value.is_null() {
                        every_field_seen.insert(field.clone(), Value::Bool(true));
                    }
                }
            }
        }
    }
    let ids: Vec<i64> = completion::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|session| session.id)
        .collect();
    let director = callers
        .iter()
        .find(|caller| caller.role() == Role::SuperAdmin)
        .unwrap();
    let mut notes_compared = 0;
    for id in ids {
        let read = query::get(&direct, director, id).await.unwrap();
        assert_eq!(
            read,
            query::get(&pooled, director, id).await.unwrap(),
            "session {id}"
        );
        notes_compared += read.session_notes.len();
    }
    assert!(notes_compared > 0, "the demo's notes were compared");
    let detail = query::get(&direct, director, done.id).await.unwrap();
    assert_eq!(detail.attachments.len(), 1);
    assert_eq!(
        detail.delivered_by_name.as_deref(),
        Some(colleague.name.as_str())
    );

    let fields = serde_json::to_value(&detail.completion).unwrap();
    let unseen: Vec<&String> = fields
        .as_object()
        .unwrap()
        .keys()
        .filter(|field| !every_field_seen.contains_key(*field))
        .collect();
    assert!(unseen.is_empty(), "no list compared {unseen:?}");
}
