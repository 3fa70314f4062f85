//! Review with two people at two browsers: the admin returns a record, the
//! teacher corrects and resubmits it, the admin verifies it and it locks.

use chrono::Duration;
use fantoccini::{Client, Locator};
use lectern_api_types::Role;
use lectern_api_types::codes::CompletionCode;
use lectern_api_types::sessions::CompleteRequest;
use lectern_api_types::time::TimeInput;
use lectern_server::domain::AuthUser;
use lectern_server::entities::{completion, user};
use lectern_server::services::sessions::transitions;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

use crate::harness::{browser, find, screenshot, sign_in, wait_for_text, world};

async fn click_button(client: &Client, label: &str) {
    client
        .wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(Locator::XPath(&format!(
            "//button[normalize-space()='{label}'] | //a[normalize-space()='{label}']"
        )))
        .await
        .unwrap_or_else(|err| panic!("no {label:?} button: {err}"))
        .click()
        .await
        .unwrap();
}

async fn replace_text(client: &Client, css: &str, text: &str) {
    let field = find(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn a_returned_record_is_corrected_resubmitted_and_verified() {
    let world = world().await;
    // Yesterday's 06:00–07:00 class, recorded as ending at 06:10 by mistake.
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
        actual_start_time: TimeInput::Instant(first.scheduled_start.fixed_offset()),
        actual_end_time: TimeInput::Instant(
            (first.scheduled_start + Duration::minutes(10)).fixed_offset(),
        ),
        completion_code: Some(CompletionCode::parse("PUNE-RUST-REVIEW").unwrap()),
        notes: None,
    };
    transitions::complete(&world.db, &owner, first.id, request)
        .await
        .unwrap();
    let page = world.url(&format!("/sessions/{}", first.id));

    let admin_browser = browser(1280, 900).await;
    let admin = &admin_browser.client;
    sign_in(admin, &world, &world.admin).await;
    let teacher_browser = browser(1280, 900).await;
    let teacher = &teacher_browser.client;
    sign_in(teacher, &world, &world.faculty).await;

    // The admin sends it back, saying what is wrong.
    admin.goto(&page).await.unwrap();
    wait_for_text(admin, "h1", "Rust Foundations").await;
    click_button(admin, "Return").await;
    find(admin, "dialog[open] #return-reason")
        .await
        .send_keys("The class ran until 07:00, not 06:10.")
        .await
        .unwrap();
    find(admin, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(admin, ".notice", "Returned to its owner").await;
    wait_for_text(admin, ".title-row", "Returned").await;

    // The teacher finds it first thing, with the reason.
    teacher.refresh().await.unwrap();
    let returned = wait_for_text(teacher, ".returned-list", "not 06:10").await;
    assert!(returned.contains("Rust Foundations"), "{returned}");
    screenshot(teacher, "returned-for-correction").await;
    click_button(teacher, "Correct and resubmit").await;
    wait_for_text(teacher, ".callout.returned", "not 06:10").await;
    click_button(teacher, "Correct the record").await;
    replace_text(teacher, "dialog[open] #edit-end", "07:00").await;
    find(teacher, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(teacher, ".notice", "Record corrected").await;
    wait_for_text(teacher, "#actual-times", "06:00–07:00").await;
    click_button(teacher, "Resubmit for review").await;
    wait_for_text(teacher, ".notice", "Resubmitted").await;
    wait_for_text(teacher, ".facts", "Awaiting review").await;

    // The admin verifies the corrected record with the code the class was given.
    admin.refresh().await.unwrap();
    wait_for_text(admin, ".facts", "Awaiting review").await;
    click_button(admin, "Verify").await;
    find(admin, "dialog[open] #verify-code")
        .await
        .send_keys("pune-rust-review")
        .await
        .unwrap();
    find(admin, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(admin, ".callout.locked", "locked").await;

    // Locked for the teacher too: no corrections, no new files, no deletes.
    teacher.refresh().await.unwrap();
    wait_for_text(teacher, ".callout.locked", "locked").await;
    screenshot(teacher, "verified-and-locked").await;
    for absent in ["#file-picker", ".drop-zone"] {
        assert!(
            teacher.find(Locator::Css(absent)).await.is_err(),
            "{absent} on a locked record"
        );
    }
    let buttons = teacher.find_all(Locator::Css("button")).await.unwrap();
    for button in buttons {
        let label = button.text().await.unwrap_or_default();
        assert!(
            !["Correct the record", "Delete", "Resubmit for review"].contains(&label.as_str()),
            "{label:?} offered on a locked record"
        );
    }
}
