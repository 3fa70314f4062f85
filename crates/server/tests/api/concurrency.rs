//! Races the database must settle: one winner, no duplicates.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate, Utc};
use futures_util::future::join_all;
use lectern_api_types::Role;
use lectern_api_types::schedule::Weekday;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};

/// A faculty member's session that began three hours ago, and their token.
struct Held {
    app: TestApp,
    start: chrono::DateTime<Utc>,
    session: lectern_api_types::sessions::Completion,
    token: String,
}

impl Held {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let branch = app.create_branch("HQ", "UTC").await;
        let faculty = app.create_user(Role::Faculty, Some(branch)).await;
        let start = Utc::now() - Duration::hours(3);
        let session = app.ad_hoc_session(&faculty, start).await;
        let token = app.login(&faculty).await;
        Held {
            app,
            start,
            session,
            token,
        }
    }
}

/// Where and what to post to complete `session` as held, an hour from
/// `start`.
fn completion(
    session: &lectern_api_types::sessions::Completion,
    start: chrono::DateTime<Utc>,
) -> (String, Value) {
    (
        format!("/completions/{}/complete", session.id),
        json!({"actual_start_time": start.to_rfc3339(), "actual_end_time": (start + Duration::hours(1)).to_rfc3339()}),
    )
}

#[tokio::test]
async fn of_twenty_simultaneous_completions_exactly_one_wins() {
    let Held {
        app,
        start,
        session,
        token,
    } = Held::new().await;
    let (path, body) = completion(&session, start);

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

/// Writers queue on each other's locks: SQLite's one write lock, a row
/// lock on PostgreSQL and MariaDB. A write that waits past the pool's lock
/// wait (10 s) is told to try again shortly (503 with Retry-After) rather
/// than that something broke, and nothing of it is kept; the same request
/// once the lock is free is taken.
#[tokio::test]
async fn a_write_that_waits_out_a_lock_is_503_and_keeps_nothing() {
    use lectern_server::entities::completion;
    use sea_orm::{EntityTrait as _, QuerySelect as _};

    let Held {
        app,
        start,
        session,
        token,
    } = Held::new().await;
    let (path, body) = completion(&session, start);

    let holder = lectern_server::db::begin_write(&app.db).await.unwrap();
    // On SQLite the transaction holds the write lock already.
    completion::Entity::find_by_id(session.id)
        .lock_exclusive()
        .one(&holder)
        .await
        .unwrap()
        .unwrap();
    // Without a lock wait, PostgreSQL would wait for the holder for ever.
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        app.post(&path, &token, &body),
    )
    .await
    .expect("an answer while the lock is held");
    holder.rollback().await.unwrap();
    assert_eq!(response.headers()[reqwest::header::RETRY_AFTER], "1");
    let problem = crate::helpers::assert_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("too busy"),
        "{problem}"
    );
    let row = stored(&app, session.id).await;
    assert_eq!(row.version, session.version, "nothing written");

    let retried = app.post(&path, &token, &body).await;
    assert_eq!(retried.status(), StatusCode::OK);
}

/// A branch's admin and faculty member, and four weeks of January 2027 for
/// the batches they run.
struct Staffed {
    app: TestApp,
    admin: TestUser,
    faculty: TestUser,
    span: (NaiveDate, NaiveDate),
}

impl Staffed {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let branch = app.create_branch("HQ", "UTC").await;
        let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
        let faculty = app.create_user(Role::Faculty, Some(branch)).await;
        let span = (
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            NaiveDate::from_ymd_opt(2027, 1, 29).unwrap(),
        );
        Staffed {
            app,
            admin,
            faculty,
            span,
        }
    }
}

/// A transaction that reads before it writes runs beside other writers:
/// a batch's delete reads its sessions, then deletes them. On SQLite a
/// transaction begun the default way fails at its first write, without
/// waiting, once another connection has committed since its read; write
/// transactions there take the write lock when they begin.
#[tokio::test]
async fn twenty_simultaneous_deletions_that_check_first_all_succeed() {
    let Staffed {
        app,
        admin,
        faculty,
        span,
    } = Staffed::new().await;
    let mut paths = Vec::new();
    for n in 0..20 {
        let batch = app
            .create_batch(
                &admin,
                &faculty,
                &format!("RACE-{n}"),
                &[Weekday::Mon, Weekday::Thu],
                span,
            )
            .await;
        paths.push(format!("/batches/{}", batch.id));
    }
    let token = app.login(&admin).await;

    let responses = join_all(paths.iter().map(|path| app.delete(path, &token))).await;
    let mut failures = Vec::new();
    for response in responses {
        if response.status() != StatusCode::NO_CONTENT {
            failures.push((response.status(), response.text().await.unwrap()));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
    for path in &paths {
        assert_eq!(app.get(path, &token).await.status(), StatusCode::NOT_FOUND);
    }
}

/// The session as the database holds it, read past the API.
async fn stored(app: &TestApp, id: i64) -> lectern_server::entities::completion::Model {
    use sea_orm::EntityTrait as _;
    lectern_server::entities::completion::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the session row")
}

#[tokio::test]
async fn of_simultaneous_cancels_and_completions_one_wins_and_the_row_says_which() {
    let Held {
        app,
        start,
        session,
        token,
    } = Held::new().await;
    let (complete_path, complete) = completion(&session, start);
    let cancel = json!({"reason": "The room was taken"});
    let cancel_path = format!("/completions/{}/cancel", session.id);

    let answers = join_all((0..20).map(|n| {
        let (path, body) = if n % 2 == 0 {
            (&complete_path, &complete)
        } else {
            (&cancel_path, &cancel)
        };
        let app = &app;
        let token = &token;
        async move { (n % 2 == 0, app.post(path, token, body).await.status()) }
    }))
    .await;
    let winners: Vec<&(bool, StatusCode)> = answers
        .iter()
        .filter(|(_, status)| *status == StatusCode::OK)
        .collect();
    assert_eq!(winners.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(_, status)| *status == StatusCode::OK || *status == StatusCode::CONFLICT),
        "{answers:?}"
    );
    let row = stored(&app, session.id).await;
    let completed_won = winners[0].0;
    let expected = if completed_won {
        "completed"
    } else {
        "cancelled"
    };
    assert_eq!(
        serde_json::to_value(row.status).unwrap(),
        expected,
        "the row says who won"
    );
    assert_eq!(row.version, session.version + 1, "written once");
    assert_eq!(row.completion_code.is_some(), completed_won);
    assert_eq!(row.cancel_reason.is_some(), !completed_won);
}

#[tokio::test]
async fn of_two_edits_made_against_one_version_one_is_kept_whole() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let session = app
        .ad_hoc_session(&faculty, Utc::now() + Duration::days(2))
        .await;
    let token = app.login(&faculty).await;
    let path = format!("/completions/{}", session.id);
    let titles: Vec<String> = (0..10).map(|n| format!("Edited title {n}")).collect();
    let bodies: Vec<Value> = titles
        .iter()
        .map(|title| json!({"version": session.version, "title": title}))
        .collect();
    let answers = join_all(bodies.iter().map(|body| app.patch(&path, &token, body))).await;
    let mut kept = Vec::new();
    for (title, answer) in titles.iter().zip(answers) {
        match answer.status() {
            StatusCode::OK => kept.push(title.clone()),
            StatusCode::CONFLICT => {
                let problem: Value = answer.json().await.unwrap();
                assert!(problem["errors"]["version"].is_array(), "{problem}");
            }
            other => panic!("{title}: {other}"),
        }
    }
    assert_eq!(kept.len(), 1, "exactly one edit of that version lands");
    let row = stored(&app, session.id).await;
    assert_eq!(row.title.as_deref(), Some(kept[0].as_str()));
    assert_eq!(row.version, session.version + 1);
}

/// When the database breaks a conflict between transactions (a deadlock on
/// MariaDB, a serialization failure on PostgreSQL, both SQLSTATE 40001) on
/// every attempt, the client is told to try again shortly (503 with
/// Retry-After) and nothing of the change is kept. The database itself
/// raises the error, from a trigger, on each attempt's write. SQLite has no
/// such error: its writers queue.
#[tokio::test]
async fn a_conflict_the_database_breaks_every_time_is_503_and_keeps_nothing() {
    use lectern_server::entities::{audit_log, outbox};
    use sea_orm::{ConnectionTrait as _, EntityTrait as _, PaginatorTrait as _};

    let backend = crate::helpers::Backend::from_env();
    let (raise, drop) = match backend {
        crate::helpers::Backend::Sqlite => return,
        crate::helpers::Backend::MySql => (
            vec![
                "CREATE TRIGGER lectern_t_deadlock BEFORE UPDATE ON session_completions \
                 FOR EACH ROW SIGNAL SQLSTATE '40001' \
                 SET MESSAGE_TEXT = 'Deadlock found when trying to get lock'",
            ],
            vec!["DROP TRIGGER lectern_t_deadlock"],
        ),
        crate::helpers::Backend::Postgres => (
            vec![
                "CREATE FUNCTION lectern_t_deadlock() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'could not serialize access' \
                 USING ERRCODE = 'serialization_failure'; END $$",
                "CREATE TRIGGER lectern_t_deadlock BEFORE UPDATE ON session_completions \
                 FOR EACH ROW EXECUTE FUNCTION lectern_t_deadlock()",
            ],
            vec!["DROP TRIGGER lectern_t_deadlock ON session_completions"],
        ),
    };
    let Held {
        app,
        start,
        session,
        token,
    } = Held::new().await;
    let audit_before = audit_log::Entity::find().count(&app.db).await.unwrap();
    let jobs_before = outbox::Entity::find().count(&app.db).await.unwrap();
    for statement in raise {
        app.db.execute_unprepared(statement).await.unwrap();
    }

    let (path, body) = completion(&session, start);
    let response = app.post(&path, &token, &body).await;
    for statement in drop {
        app.db.execute_unprepared(statement).await.unwrap();
    }
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[reqwest::header::RETRY_AFTER], "1");
    crate::helpers::assert_problem(response, StatusCode::SERVICE_UNAVAILABLE).await;

    let row = stored(&app, session.id).await;
    assert_eq!(row.version, session.version, "nothing written");
    assert!(row.completion_code.is_none() && row.actual_start.is_none());
    assert_eq!(
        audit_log::Entity::find().count(&app.db).await.unwrap(),
        audit_before
    );
    assert_eq!(
        outbox::Entity::find().count(&app.db).await.unwrap(),
        jobs_before
    );

    // The same request once the database lets it through is taken.
    let retried = app.post(&path, &token, &body).await;
    assert_eq!(retried.status(), StatusCode::OK);
}

/// Two admins changing different things of one batch at the same moment
/// both keep their change: each reads the batch under its lock, so the
/// second applies its change to what the first wrote.
#[tokio::test]
async fn simultaneous_changes_to_one_batch_keep_both() {
    let Mondays {
        app, admin, batch, ..
    } = Mondays::new().await;
    let token = app.login(&admin).await;
    let path = format!("/batches/{batch}");

    for round in 0..10 {
        let (name, location) = (format!("Name {round}"), format!("Room {round}"));
        let (rename, relocate) = (json!({ "name": name }), json!({ "location": location }));
        let (renamed, moved) = tokio::join!(
            app.patch(&path, &token, &rename),
            app.patch(&path, &token, &relocate),
        );
        assert_eq!(renamed.status(), StatusCode::OK);
        assert_eq!(moved.status(), StatusCode::OK);
        let now: Value = crate::helpers::json(app.get(&path, &token).await, StatusCode::OK).await;
        assert_eq!(
            (now["name"].as_str(), now["location"].as_str()),
            (Some(name.as_str()), Some(location.as_str())),
            "round {round}"
        );
    }
}

/// The sessions of `batch`, earliest first, read past the API.
async fn sessions_of_batch(
    app: &TestApp,
    batch: i64,
) -> Vec<lectern_server::entities::completion::Model> {
    use lectern_server::entities::completion;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

    completion::Entity::find()
        .filter(completion::Column::BatchId.eq(batch))
        .order_by_asc(completion::Column::ScheduledStart)
        .all(&app.db)
        .await
        .unwrap()
}

/// A batch meeting on the four Mondays of `Staffed`'s span, and its
/// sessions, earliest first.
struct Mondays {
    app: TestApp,
    admin: TestUser,
    faculty: TestUser,
    batch: i64,
    sessions: Vec<i64>,
}

impl Mondays {
    async fn new() -> Self {
        let Staffed {
            app,
            admin,
            faculty,
            span,
        } = Staffed::new().await;
        let batch = app
            .create_batch(&admin, &faculty, "RACE-1", &[Weekday::Mon], span)
            .await
            .id;
        let sessions = sessions_of_batch(&app, batch)
            .await
            .iter()
            .map(|s| s.id)
            .collect();
        Mondays {
            app,
            admin,
            faculty,
            batch,
            sessions,
        }
    }
}

/// A transaction of another client that has written a note on `session`
/// and not committed it yet.
async fn note_in_flight(app: &TestApp, session: i64, author: &TestUser) -> lectern_server::db::Txn {
    use lectern_api_types::schedule::NoteType;
    use lectern_server::entities::note;
    use sea_orm::{ActiveModelTrait as _, Set};

    let writer = lectern_server::db::connect(&app.config).await.unwrap();
    let txn = lectern_server::db::begin_write(&writer).await.unwrap();
    let now = Utc::now();
    note::ActiveModel {
        completion_id: Set(session),
        author_id: Set(author.id),
        note_type: Set(NoteType::Issue),
        note_text: Set("Projector missing".into()),
        edited_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    txn
}

/// Commits `txn` once a statement of the test's database waits on a row
/// lock, so that it lands while the server's request waits for it.
async fn commit_once_waited_on(app: &TestApp, txn: lectern_server::db::Txn) {
    until_a_statement_waits_on_a_lock(app).await;
    txn.commit().await.unwrap();
}

/// Returns once a statement of the test's database waits on a row lock.
/// SQLite shows no such thing: there the server's transaction waits at
/// its `BEGIN` for the write lock, and a short pause lets it get there
/// (on SQLite every order of the two gives the same answer).
async fn until_a_statement_waits_on_a_lock(app: &TestApp) {
    use sea_orm::{ConnectionTrait as _, Statement};

    let waiting = match crate::helpers::Backend::from_env() {
        crate::helpers::Backend::Sqlite => {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            return;
        }
        crate::helpers::Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'"
        }
        // MariaDB's `innodb_trx` did not list an insert waiting on its
        // foreign key's lock; a statement running this long here does.
        crate::helpers::Backend::MySql => {
            "SELECT COUNT(*) FROM information_schema.processlist \
             WHERE db = DATABASE() AND command <> 'Sleep' AND time_ms > 200 \
             AND id <> CONNECTION_ID()"
        }
    };
    let statement = Statement::from_string(app.db.get_database_backend(), waiting);
    for _ in 0..500 {
        let row = app
            .db
            .query_one_raw(statement.clone())
            .await
            .unwrap()
            .unwrap();
        if row.try_get_by_index::<i64>(0).unwrap() > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no statement waited on a lock within 10 s");
}

/// A batch's delete that meets a note being written on one of its pending
/// sessions waits for it, sees it and refuses: the batch has a record now.
#[tokio::test]
async fn a_note_committed_while_its_batch_is_deleted_keeps_the_batch() {
    let Mondays {
        app,
        admin,
        faculty,
        batch,
        sessions,
    } = Mondays::new().await;
    let session = sessions[0];
    let token = app.login(&admin).await;
    let path = format!("/batches/{batch}");

    let note = note_in_flight(&app, session, &faculty).await;
    let (deleted, ()) = tokio::join!(app.delete(&path, &token), commit_once_waited_on(&app, note));
    let problem = crate::helpers::assert_problem(deleted, StatusCode::CONFLICT).await;
    assert_eq!(problem["type"], "urn:lectern:problem:in-use");

    assert_eq!(app.get(&path, &token).await.status(), StatusCode::OK);
    assert_eq!(sessions_of_batch(&app, batch).await.len(), 4);
    let notes: Value = crate::helpers::json(
        app.get(&format!("/completions/{session}/notes"), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(notes["items"][0]["note_text"], "Projector missing");
}

/// A batch shortened while a note is written on a session it would drop
/// keeps that session, as it keeps any pending session with a record.
#[tokio::test]
async fn a_note_committed_while_its_batch_is_shortened_keeps_its_session() {
    let Mondays {
        app,
        admin,
        faculty,
        batch,
        sessions,
    } = Mondays::new().await;
    let last = sessions[3];
    let token = app.login(&admin).await;
    let path = format!("/batches/{batch}");

    let note = note_in_flight(&app, last, &faculty).await;
    let shorten = json!({"end_date": "2027-01-20"});
    let (changed, ()) = tokio::join!(
        app.patch(&path, &token, &shorten),
        commit_once_waited_on(&app, note)
    );
    assert_eq!(changed.status(), StatusCode::OK);

    let ids: Vec<i64> = sessions_of_batch(&app, batch)
        .await
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids.len(), 4, "the noted session is kept");
    assert!(ids.contains(&last));
}

/// A note posted on a session that another transaction is deleting (its
/// batch's delete) waits for that delete and is told the session is gone,
/// rather than that something broke; no note is left behind.
#[tokio::test]
async fn a_note_on_a_session_deleted_meanwhile_is_not_found() {
    use lectern_server::entities::{completion, note};
    use sea_orm::{EntityTrait as _, PaginatorTrait as _};

    let Mondays {
        app,
        faculty,
        sessions,
        ..
    } = Mondays::new().await;
    let session = sessions[0];
    let token = app.login(&faculty).await;

    let writer = lectern_server::db::connect(&app.config).await.unwrap();
    let removal = lectern_server::db::begin_write(&writer).await.unwrap();
    completion::Entity::delete_by_id(session)
        .exec(&removal)
        .await
        .unwrap();
    let (path, body) = (
        format!("/completions/{session}/notes"),
        json!({"note_type": "general", "note_text": "Went well"}),
    );
    let (posted, ()) = tokio::join!(
        app.post(&path, &token, &body),
        commit_once_waited_on(&app, removal)
    );
    crate::helpers::assert_problem(posted, StatusCode::NOT_FOUND).await;
    assert_eq!(note::Entity::find().count(&app.db).await.unwrap(), 0);
}

/// Ten sessions completed as delivered by a colleague while an admin
/// deletes that colleague's account: each pair has one winner. A deleted
/// account is never left named as a session's substitute.
#[tokio::test]
async fn a_substitute_is_never_deleted_under_the_session_that_names_them() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let faculty = app.create_user(Role::Faculty, Some(branch)).await;
    let admin_token = app.login(&admin).await;
    let token = app.login(&faculty).await;
    let start = Utc::now() - Duration::hours(3);
    let mut pairs = Vec::new();
    for _ in 0..10 {
        let session = app.ad_hoc_session(&faculty, start).await;
        let colleague = app.create_user(Role::Faculty, Some(branch)).await;
        pairs.push((session, colleague));
    }

    let (app, token, admin_token) = (&app, token.as_str(), admin_token.as_str());
    let completions = pairs.iter().map(|(session, colleague)| {
        let (path, mut body) = completion(session, start);
        body["delivered_by"] = json!(colleague.id);
        async move { app.post(&path, token, &body).await.status() }
    });
    let deletions = pairs.iter().map(|(_, colleague)| {
        let path = format!("/users/{}", colleague.id);
        async move { app.delete(&path, admin_token).await.status() }
    });
    let (completed, deleted) =
        futures_util::future::join(join_all(completions), join_all(deletions)).await;

    for (k, (completed, deleted)) in completed.iter().zip(&deleted).enumerate() {
        let outcome = (*completed, *deleted);
        assert!(
            outcome == (StatusCode::OK, StatusCode::CONFLICT)
                || outcome == (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::NO_CONTENT),
            "pair {k}: completion {completed}, deletion {deleted}"
        );
    }
}

/// Ten ad-hoc sessions scheduled for colleagues while an admin deletes
/// their accounts: each pair has one winner, and the loser is told why
/// rather than met with a server error.
#[tokio::test]
async fn a_session_scheduled_for_an_account_being_deleted_is_refused_not_a_500() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let admin_token = app.login(&admin).await;
    let mut staff = Vec::new();
    for _ in 0..10 {
        staff.push(app.create_user(Role::Faculty, Some(branch)).await);
    }
    let start = Utc::now() + Duration::days(1);

    let (app, token) = (&app, admin_token.as_str());
    let creations = staff.iter().map(|member| {
        let body = json!({
            "title": "Extra class", "user_id": member.id,
            "scheduled_start": start.to_rfc3339(),
            "scheduled_end": (start + Duration::hours(1)).to_rfc3339(),
        });
        async move {
            let answer = app.post("/completions", token, &body).await;
            (answer.status(), answer.text().await.unwrap())
        }
    });
    let deletions = staff.iter().map(|member| {
        let path = format!("/users/{}", member.id);
        async move { app.delete(&path, token).await.status() }
    });
    let (created, deleted) =
        futures_util::future::join(join_all(creations), join_all(deletions)).await;

    for (k, ((created, body), deleted)) in created.iter().zip(&deleted).enumerate() {
        let won = *created == StatusCode::CREATED && *deleted == StatusCode::CONFLICT;
        let lost = created.is_client_error() && *deleted == StatusCode::NO_CONTENT;
        assert!(
            won || lost,
            "pair {k}: creation {created} {body}, deletion {deleted}"
        );
    }
}
