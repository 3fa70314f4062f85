//! Calendar feeds: who may make them, what they list, that a new one
//! replaces the old, and (with the `icalendar` parser from PyPI, run by
//! `cargo xtask test` with `--ignored calendar::`) that a real iCalendar
//! reader sees each session at its local time on both sides of a
//! daylight-saving change.

use std::io::Write as _;
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use lectern_api_types::Role;
use lectern_api_types::schedule::Weekday;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, json, sessions_of};

async fn new_feed(app: &TestApp, path: &str, token: &str) -> String {
    let made: Value = json(app.post(path, token, &json!({})).await, StatusCode::CREATED).await;
    made["url"].as_str().expect("a feed address").to_owned()
}

/// The feed at `url`, fetched as a calendar application does: no token.
async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    app.client.get(url).send().await.expect("the feed answers")
}

async fn feed_text(app: &TestApp, url: &str) -> String {
    let response = fetch(app, url).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "private, no-cache");
    response.text().await.unwrap()
}

/// The VEVENT of session `id`, unfolded.
fn event_of(feed: &str, id: i64) -> Option<String> {
    let unfolded = feed.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .find(|event| event.contains(&format!("UID:session-{id}@")))
        .map(str::to_owned)
}

#[tokio::test]
async fn a_personal_feed_lists_ones_sessions_and_a_new_address_replaces_the_old() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("LDN", "Europe/London").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let colleague = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let soon = Utc::now() + Duration::days(3);
    let mine = app.ad_hoc_session(&faculty, soon).await.id;
    let theirs = app.ad_hoc_session(&colleague, soon).await.id;
    let too_far = app
        .ad_hoc_session(&faculty, Utc::now() + Duration::days(200))
        .await
        .id;
    let cancelled = app
        .ad_hoc_session(&faculty, Utc::now() + Duration::days(5))
        .await
        .id;
    let response = app
        .post(
            &format!("/completions/{cancelled}/cancel"),
            &token,
            &json!({"reason": "Room taken"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let url = new_feed(&app, "/me/calendar", &token).await;
    assert!(url.starts_with(&app.api("/calendar/")), "{url}");
    assert!(url.ends_with(".ics"), "{url}");
    let feed = feed_text(&app, &url).await;
    assert!(feed.starts_with("BEGIN:VCALENDAR\r\n"), "{feed}");
    assert!(
        feed.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"),
        "{feed}"
    );
    let zone = &feed[feed.find("BEGIN:VTIMEZONE").unwrap()..feed.find("END:VTIMEZONE").unwrap()];
    assert!(
        !zone.contains("DTSTAMP") && !zone.contains("UID"),
        "a VTIMEZONE has neither: {zone}"
    );
    assert!(
        feed.find("END:VTIMEZONE") < feed.find("BEGIN:VEVENT"),
        "zones come before events"
    );
    let event = event_of(&feed, mine).expect("one's own session");
    assert!(event.contains("SUMMARY:Extra class\r\n"), "{event}");
    assert!(event.contains("DTSTART;TZID=Europe/London:"), "{event}");
    assert!(event.contains("STATUS:CONFIRMED\r\n"), "{event}");
    let cancelled_event = event_of(&feed, cancelled).expect("a cancelled session stays listed");
    assert!(
        cancelled_event.contains("STATUS:CANCELLED\r\n"),
        "{cancelled_event}"
    );
    assert!(event_of(&feed, theirs).is_none(), "a colleague's session");
    assert!(event_of(&feed, too_far).is_none(), "beyond 180 days");

    let replaced = new_feed(&app, "/me/calendar", &token).await;
    assert_ne!(replaced, url);
    assert_problem(fetch(&app, &url).await, StatusCode::NOT_FOUND).await;
    let again = feed_text(&app, &replaced).await;
    let uid = |feed: &str| {
        event_of(feed, mine)
            .unwrap()
            .lines()
            .find(|line| line.starts_with("UID:"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(uid(&again), uid(&feed), "the UID stays");

    let guessed = app.api("/calendar/not-a-feed.ics");
    assert_problem(fetch(&app, &guessed).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn branch_feeds_are_for_the_branchs_admins_and_name_the_teacher() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("LDN", "Europe/London").await;
    let other = app.create_branch("NYC", "America/New_York").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let elsewhere = app.create_user(Role::Faculty, Some(other)).await;
    let admin_token = app.login(&admin).await;
    let faculty_token = app.login(&faculty).await;
    let soon = Utc::now() + Duration::days(2);
    let ours = app.ad_hoc_session(&faculty, soon).await.id;
    let theirs = app.ad_hoc_session(&elsewhere, soon).await.id;

    assert_problem(
        app.post(
            &format!("/branches/{branch}/calendar"),
            &faculty_token,
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/branches/{other}/calendar"),
            &admin_token,
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let url = new_feed(&app, &format!("/branches/{branch}/calendar"), &admin_token).await;
    let feed = feed_text(&app, &url).await;
    let event = event_of(&feed, ours).expect("the branch's session");
    let teacher: Value = json(
        app.get(&format!("/users/{}", faculty.id), &admin_token)
            .await,
        StatusCode::OK,
    )
    .await;
    let name = teacher["name"].as_str().unwrap();
    assert!(
        event.contains(&format!("SUMMARY:Extra class · {name}")),
        "{event}"
    );
    assert!(
        event_of(&feed, theirs).is_none(),
        "another branch's session"
    );

    // The branch admin's own feed is their own sessions: none.
    let own = new_feed(&app, "/me/calendar", &admin_token).await;
    assert!(event_of(&feed_text(&app, &own).await, ours).is_none());
    // Asking for the personal feed again leaves the branch feed working.
    assert_eq!(fetch(&app, &url).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_feed_ends_with_its_owners_account() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("LDN", "Europe/London").await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let url = new_feed(&app, "/me/calendar", &app.login(&faculty).await).await;
    assert_eq!(fetch(&app, &url).await.status(), StatusCode::OK);
    let response = app
        .patch(
            &format!("/users/{}", faculty.id),
            &app.login(&root).await,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_problem(fetch(&app, &url).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn an_event_shows_the_sittings_own_room_and_no_text_can_forge_another() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("LDN", "Europe/London").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let token = app.login(&faculty).await;
    let today = Utc::now().date_naive();
    let batch = app
        .create_batch(
            &admin,
            &faculty,
            "ROOMS",
            &Weekday::ALL,
            (today + Duration::days(2), today + Duration::days(8)),
        )
        .await;
    let sessions = sessions_of(&app, &token, batch.id).await;
    assert_eq!(sessions.len(), 7);
    let (moved, cancelled, kept) = (&sessions[0], &sessions[1], &sessions[2]);
    let response = app
        .post(
            &format!("/occurrences/{}/reschedule", moved["occurrence_id"]),
            &token,
            &json!({"start_time": "14:00", "end_time": "15:00", "location": "Lab 2"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // A carriage return is a line break to lenient readers: typed into a
    // reason, it could end the event and begin one of the typist's making.
    let reason = "Room taken\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:Forged\u{7}";
    let response = app
        .post(
            &format!("/completions/{}/cancel", cancelled["id"]),
            &token,
            &json!({ "reason": reason }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let feed = feed_text(&app, &new_feed(&app, "/me/calendar", &token).await).await;
    let id = |session: &Value| session["id"].as_i64().unwrap();
    let event = event_of(&feed, id(moved)).expect("the moved sitting");
    assert!(event.contains("LOCATION:Lab 2\r\n"), "{event}");
    let event = event_of(&feed, id(kept)).expect("a sitting where it was");
    assert!(event.contains("LOCATION:Room 1\r\n"), "{event}");
    let event = event_of(&feed, id(cancelled)).expect("the cancelled sitting");
    assert!(
        event.contains(
            r"DESCRIPTION:Cancelled: Room taken\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Forged"
        ),
        "the reason is kept, its breaks escaped: {event}"
    );
    let lines: Vec<&str> = feed.split("\r\n").collect();
    let events = lines.iter().filter(|line| **line == "BEGIN:VEVENT").count();
    assert_eq!(events, 7, "{feed}");
    assert!(
        lines
            .iter()
            .all(|line| !line.chars().any(|c| c.is_control() && c != '\t')),
        "no control character inside a line: {feed:?}"
    );
}

/// The first day, from 25 days back, after which `tz`'s offset at noon
/// changes; `None` when there is none before the feed's far end.
fn next_change(tz: Tz) -> Option<NaiveDate> {
    let noon = |day: NaiveDate| {
        let local = day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap());
        tz.from_local_datetime(&local).unwrap().naive_utc() - local
    };
    let first = (Utc::now() - Duration::days(25)).date_naive();
    (0..195)
        .map(|days| first + Duration::days(days))
        .find(|day| noon(*day) != noon(*day + Duration::days(1)))
}

/// What the `icalendar` package makes of a feed: per event its UID,
/// status, TZID, local start, and the UTC start both by the zone of that
/// name and by the feed's own VTIMEZONE.
fn parsed_by_python(feed: &str) -> Vec<Value> {
    const SCRIPT: &str = r#"
import datetime, json, sys
import icalendar
calendar = icalendar.Calendar.from_ical(sys.stdin.read())
zones = {zone["TZID"]: zone.to_tz(lookup_tzid=False) for zone in calendar.walk("VTIMEZONE")}
events = []
for event in calendar.walk("VEVENT"):
    start = event.decoded("DTSTART")
    tzid = event["DTSTART"].params["TZID"]
    local = start.replace(tzinfo=None)
    events.append({
        "uid": str(event["UID"]),
        "status": str(event.get("STATUS")),
        "tzid": tzid,
        "local": local.isoformat(),
        "utc": start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "utc_by_vtimezone": local.replace(tzinfo=zones[tzid])
            .astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
json.dump(events, sys.stdout)
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with icalendar (pip install icalendar)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(feed.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the icalendar package refused the feed"
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
#[ignore = "needs the icalendar package from PyPI; cargo xtask test runs it"]
async fn a_real_parser_reads_local_times_across_a_daylight_saving_change() {
    let app = TestApp::spawn().await;
    let root = app.create_user(Role::SuperAdmin, None).await;
    let root_token = app.login(&root).await;
    let every_day = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    // Two zones whose changes come at different dates, and one without.
    let mut checked_a_change = false;
    for (code, zone) in [
        ("LDN", chrono_tz::Europe::London),
        ("NYC", chrono_tz::America::New_York),
        ("SYD", chrono_tz::Australia::Sydney),
        ("BLR", chrono_tz::Asia::Kolkata),
    ] {
        let around = next_change(zone);
        let day = around.unwrap_or_else(|| (Utc::now() + Duration::days(10)).date_naive());
        let branch = app.create_branch(code, zone.name()).await;
        let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
        let faculty: TestUser = app.create_user(Role::Faculty, Some(branch)).await;
        app.create_batch(
            &admin,
            &faculty,
            &format!("{code}-DST"),
            &every_day,
            (day - Duration::days(2), day + Duration::days(3)),
        )
        .await;
        let url = new_feed(&app, "/me/calendar", &app.login(&faculty).await).await;
        let feed = feed_text(&app, &url).await;
        let events = parsed_by_python(&feed);
        assert_eq!(events.len(), 6, "{code}: {events:?}");
        let mut offsets = std::collections::BTreeSet::new();
        for event in &events {
            assert_eq!(event["tzid"], zone.name());
            assert!(
                event["local"].as_str().unwrap().ends_with("T09:30:00"),
                "{code}: {event}"
            );
            assert_eq!(event["utc"], event["utc_by_vtimezone"], "{code}: {event}");
            let utc: DateTime<Utc> = event["utc"].as_str().unwrap().parse().unwrap();
            let local: chrono::NaiveDateTime = event["local"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                zone.from_local_datetime(&local)
                    .unwrap()
                    .with_timezone(&Utc),
                utc,
                "{code}: {event}"
            );
            offsets.insert(local - utc.naive_utc());
            assert_eq!(event["status"], "CONFIRMED");
        }
        // The same local time on both sides of a change is two UTC times.
        if around.is_some() {
            assert_eq!(offsets.len(), 2, "{code}: {events:?}");
            checked_a_change = true;
        } else {
            assert_eq!(offsets.len(), 1, "{code}: {events:?}");
        }
        // Sessions in the list answer the same instants.
        let listed: Value = json(
            app.get(
                &format!("/completions?branch_id={branch}&limit=100"),
                &root_token,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let mut listed_starts: Vec<String> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let start: DateTime<Utc> =
                    item["scheduled_start"].as_str().unwrap().parse().unwrap();
                start.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            })
            .collect();
        let mut fed_starts: Vec<String> = events
            .iter()
            .map(|event| event["utc"].as_str().unwrap().to_owned())
            .collect();
        listed_starts.sort();
        fed_starts.sort();
        assert_eq!(fed_starts, listed_starts, "{code}");
    }
    assert!(
        checked_a_change,
        "no zone changed its clocks within the feed's span"
    );
}
