//! An admin filters every session of the branch and verifies a code.

use chrono::{Duration, Utc};
use lectern_api_types::Role;
use lectern_api_types::codes::CompletionCode;
use lectern_api_types::sessions::CompleteRequest;
use lectern_server::domain::AuthUser;
use lectern_server::entities::{completion, user};
use lectern_server::services::sessions::transitions;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

use crate::harness::{browser, find, screenshot, sign_in, wait_for_text, world};

#[tokio::test]
async fn an_admin_filters_sessions_and_verifies_a_code() {
    let world = world().await;
    // The faculty member completed the first sitting.
    let faculty = user::Entity::find()
        .filter(user::Column::Email.eq(&world.faculty))
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    let first = completion::Entity::find()
        .order_by_asc(completion::Column::ScheduledStart)
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    let owner = AuthUser::new(faculty.id, Role::Faculty, faculty.branch_id).unwrap();
    let request = CompleteRequest {
        actual_start_time: lectern_api_types::time::TimeInput::Instant(
            first.scheduled_start.fixed_offset(),
        ),
        actual_end_time: lectern_api_types::time::TimeInput::Instant(
            first.scheduled_end.fixed_offset(),
        ),
        completion_code: Some(CompletionCode::parse("PUNE-RUST-LAB-1").unwrap()),
        notes: Some("Lab session".into()),
    };
    assert!(first.scheduled_end < Utc::now() - Duration::minutes(1));
    transitions::complete(&world.db, &owner, first.id, request)
        .await
        .unwrap();

    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;
    client.goto(&world.url("/admin/sessions")).await.unwrap();
    wait_for_text(client, "table", "Rust Foundations").await;

    // Filter: completed sessions whose code matches.
    find(client, "#filter-status")
        .await
        .select_by_value("completed")
        .await
        .unwrap();
    find(client, "#filter-q")
        .await
        .send_keys("lab-1")
        .await
        .unwrap();
    find(client, "form.filters button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let table = wait_for_text(client, "table tbody", "PUNE-RUST-LAB-1").await;
    assert_eq!(
        table.matches("Rust Foundations").count(),
        1,
        "only the matching session: {table}"
    );
    screenshot(client, "admin-sessions").await;

    // Verify with the code as the teacher read it out, in any case.
    find(client, "table .row-actions button.primary")
        .await
        .click()
        .await
        .unwrap();
    find(client, "dialog[open] #verify-code")
        .await
        .send_keys("wrong-code")
        .await
        .unwrap();
    find(client, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, "dialog[open] .field-errors", "does not match").await;
    find(client, "#verify-code").await.clear().await.unwrap();
    find(client, "#verify-code")
        .await
        .send_keys("pune-rust-lab-1")
        .await
        .unwrap();
    find(client, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(client, ".notice", "verified").await;
    wait_for_text(client, "table tbody", "Verified").await;
}
