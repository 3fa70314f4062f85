//! Real timetables in the SPA: a branch's holidays, the batch editor's
//! schedule forms with their live preview, a moved sitting, and a session
//! a colleague covered.

use chrono::Days;
use fantoccini::Locator;
use lectern_api_types::Role;
use lectern_api_types::schedule::CompletionStatus;
use lectern_api_types::users::NewUser;
use lectern_server::entities::{batch, completion, user};
use lectern_server::services::users;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

use crate::harness::{
    PASSWORD, branch_today, browser, click, fill, find, pick_value, press, screenshot, sign_in,
    sign_out, text_of, wait_for_offers, wait_for_text, world,
};

#[tokio::test]
async fn an_admin_adds_holidays_and_previews_a_schedule_before_saving_it() {
    let world = world().await;
    let browser = browser(1280, 900).await;
    let client = &browser.client;
    sign_in(client, &world, &world.admin).await;

    // Holidays: one typed in, one from a calendar file.
    client.goto(&world.url("/admin/branches")).await.unwrap();
    press(client, "Holidays").await;
    wait_for_text(client, "h1", "Holidays").await;
    pick_value(client, "#holiday-date", "2027-01-07").await;
    fill(client, "#holiday-name", "Staff day").await;
    click(client, "form.inline-form button[type=submit]").await;
    wait_for_text(client, ".notice", "Staff day added").await;
    wait_for_text(client, "table", "Staff day").await;
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("holidays.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n\
         DTSTART;VALUE=DATE:20270114\r\nSUMMARY:Founders’ Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    find(client, "#holiday-import")
        .await
        .send_keys(ics.to_str().unwrap())
        .await
        .unwrap();
    wait_for_text(client, ".notice", "Holidays added: 1;").await;
    wait_for_text(client, "table", "Founders’ Day").await;

    // A fortnightly batch by rule: the preview strikes the holiday through.
    client.goto(&world.url("/admin/batches")).await.unwrap();
    press(client, "New batch").await;
    fill(client, "#batch-code", "FORT-1").await;
    fill(client, "#batch-name", "Fortnightly Rust").await;
    fill(client, "#batch-teacher", "asha").await;
    wait_for_offers(client, "#batch-teacher", &["Asha Rao <asha@lectern.test>"]).await;
    fill(client, "#batch-teacher", "Asha Rao <asha@lectern.test>").await;
    pick_value(client, "#batch-start-date", "2027-01-04").await;
    pick_value(client, "#batch-end-date", "2027-01-31").await;
    click(client, "#schedule-rule").await;
    fill(client, "#batch-rrule", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH").await;
    wait_for_text(
        client,
        "#preview-count",
        "3 sittings; 1 date falls on a holiday",
    )
    .await;
    let struck = text_of(client, ".schedule-preview li.holiday").await;
    assert!(
        struck.contains("Thu 7 Jan 2027") && struck.contains("Holiday: Staff day"),
        "{struck}"
    );
    assert_eq!(
        client
            .find_all(Locator::Css(".schedule-preview li"))
            .await
            .unwrap()
            .len(),
        4
    );

    // Every week instead: the count follows, both holidays struck.
    fill(client, "#batch-rrule", "FREQ=WEEKLY;BYDAY=TU,TH").await;
    wait_for_text(
        client,
        "#preview-count",
        "6 sittings; 2 dates fall on holidays",
    )
    .await;
    // A rule the server cannot read says so, field by field.
    fill(client, "#batch-rrule", "FREQ=SOMETIMES").await;
    wait_for_text(client, "#preview-problem", "rrule:").await;

    // Per-day times: Tuesdays in the morning, Thursdays after lunch.
    click(client, "#schedule-slots").await;
    click(client, "#slot-tue").await;
    click(client, "#slot-thu").await;
    pick_value(client, "#slot-thu-start", "14:00").await;
    pick_value(client, "#slot-thu-end", "15:30").await;
    wait_for_text(
        client,
        "#preview-count",
        "6 sittings; 2 dates fall on holidays",
    )
    .await;
    wait_for_text(client, ".schedule-preview", "Thu 21 Jan 2027, 14:00–15:30").await;
    wait_for_text(client, ".schedule-preview", "Tue 19 Jan 2027, 09:00–10:00").await;
    client
        .execute(
            "document.querySelector('.schedule-preview').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    screenshot(client, "batch-editor-preview").await;

    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, ".notice", "Batch FORT-1 saved").await;
    wait_for_text(client, "table", "Thu 14:00–15:30").await;

    // What was saved is what the preview showed.
    let saved = batch::Entity::find()
        .filter(batch::Column::Code.eq("FORT-1"))
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    let starts: Vec<String> = completion::Entity::find()
        .filter(completion::Column::BatchId.eq(saved.id))
        .order_by_asc(completion::Column::ScheduledStart)
        .all(&world.db)
        .await
        .unwrap()
        .iter()
        .map(|s| s.scheduled_start.format("%a %d %H:%M").to_string())
        .collect();
    // Kolkata is UTC+05:30: 09:00 is 03:30Z and 14:00 is 08:30Z.
    assert_eq!(
        starts,
        [
            "Tue 05 03:30",
            "Tue 12 03:30",
            "Tue 19 03:30",
            "Thu 21 08:30",
            "Tue 26 03:30",
            "Thu 28 08:30"
        ]
    );
}

#[tokio::test]
async fn a_teacher_moves_a_sitting_and_records_one_a_colleague_covered() {
    let world = world().await;
    let faculty = user::Entity::find()
        .filter(user::Column::Email.eq(world.faculty.as_str()))
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    users::create_as(
        &world.db,
        None,
        NewUser {
            email: "ravi@lectern.test".parse().unwrap(),
            name: "Ravi Menon".parse().unwrap(),
            role: Role::Faculty,
            branch_id: faculty.branch_id,
            password: PASSWORD.parse().unwrap(),
            active: true,
        },
    )
    .await
    .unwrap();
    let browser = browser(390, 844).await;
    let client = &browser.client;
    sign_in(client, &world, &world.faculty).await;

    // The first overdue sitting was taught by Ravi.
    click(
        client,
        "section[aria-labelledby=overdue-heading] .session-card button.primary",
    )
    .await;
    find(
        client,
        "dialog[open] #delivered-by option[value]:not([value=''])",
    )
    .await;
    let offered = text_of(client, "#delivered-by").await;
    assert!(
        offered.contains("Ravi Menon (covering)") && !offered.contains("Asha Rao"),
        "{offered}"
    );
    let ravi = client
        .execute(
            "return [...document.querySelectorAll('#delivered-by option')].find(o => o.text.startsWith('Ravi')).value",
            vec![],
        )
        .await
        .unwrap();
    find(client, "#delivered-by")
        .await
        .select_by_value(ravi.as_str().unwrap())
        .await
        .unwrap();
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, ".notice", "Session completed").await;
    let covered = completion::Entity::find()
        .filter(completion::Column::Status.eq(CompletionStatus::Completed))
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    client
        .goto(&world.url(&format!("/sessions/{}", covered.id)))
        .await
        .unwrap();
    wait_for_text(client, "#covered-by", "Ravi Menon").await;

    // Ravi finds the class he covered in his History: he has no other.
    sign_out(client).await;
    sign_in(client, &world, "ravi@lectern.test").await;
    client
        .goto(&world.url("/sessions?tab=history"))
        .await
        .unwrap();
    wait_for_text(client, "main.page", "Rust Foundations").await;
    sign_out(client).await;
    sign_in(client, &world, &world.faculty).await;

    // A sitting ahead moves past the end of the batch, to another room.
    let ahead = completion::Entity::find()
        .filter(completion::Column::Status.eq(CompletionStatus::Pending))
        .order_by_desc(completion::Column::ScheduledStart)
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    client
        .goto(&world.url(&format!("/sessions/{}", ahead.id)))
        .await
        .unwrap();
    press(client, "Move").await;
    let to = branch_today() + Days::new(10);
    pick_value(client, "#sitting-date", &to.to_string()).await;
    pick_value(client, "#sitting-start", "16:00").await;
    pick_value(client, "#sitting-end", "17:00").await;
    fill(client, "#sitting-location", "Hall B").await;
    click(client, "dialog[open] button[type=submit]").await;
    wait_for_text(client, ".notice", "Moved to").await;
    wait_for_text(client, ".facts", "Hall B").await;
    wait_for_text(client, ".facts", "16:00").await;
    screenshot(client, "session-moved-phone").await;
    let moved = completion::Entity::find_by_id(ahead.id)
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    // 16:00 in Kolkata is 10:30Z.
    assert_eq!(
        moved.scheduled_start.format("%Y-%m-%d %H:%M").to_string(),
        format!("{to} 10:30")
    );
}
