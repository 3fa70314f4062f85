//! Review with two people at two browsers: the admin returns a record, the
//! teacher corrects and resubmits it, the admin verifies it and it locks.

use fantoccini::Locator;

use crate::harness::{
    browser, complete_first_sitting, find, pick_value, press, screenshot, sign_in, wait_for_text,
    world,
};

#[tokio::test]
async fn a_returned_record_is_corrected_resubmitted_and_verified() {
    let world = world().await;
    // Yesterday's 06:00–07:00 class, recorded as ending at 06:10 by mistake.
    let first = complete_first_sitting(&world, "PUNE-RUST-REVIEW", 10, None).await;
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
    press(admin, "Return").await;
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
    press(teacher, "Correct and resubmit").await;
    wait_for_text(teacher, ".callout.returned", "not 06:10").await;
    press(teacher, "Correct the record").await;
    pick_value(teacher, "dialog[open] #edit-end", "07:00").await;
    find(teacher, "dialog[open] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(teacher, ".notice", "Record corrected").await;
    wait_for_text(teacher, "#actual-times", "06:00–07:00").await;
    press(teacher, "Resubmit for review").await;
    wait_for_text(teacher, ".notice", "Resubmitted").await;
    wait_for_text(teacher, ".facts", "Awaiting review").await;

    // The admin verifies the corrected record with the code the class was given.
    admin.refresh().await.unwrap();
    wait_for_text(admin, ".facts", "Awaiting review").await;
    press(admin, "Verify").await;
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

    // Locked for the teacher too: no corrections, no new files.
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
            !["Correct the record", "Resubmit for review"].contains(&label.as_str()),
            "{label:?} offered on a locked record"
        );
    }
}
