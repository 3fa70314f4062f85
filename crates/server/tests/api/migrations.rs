use chrono::{Duration, TimeZone as _, Utc};
use migration::{Migrator, MigratorTrait as _};
use sea_orm::sea_query::{Alias, Order, Query, SimpleExpr};
use sea_orm::{ConnectionTrait as _, Database};

use crate::helpers::{Backend, TestDatabase};

#[tokio::test]
async fn every_migration_runs_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;
    let db = Database::connect(&database.url).await.unwrap();

    Migrator::up(&db, None).await.expect("up");
    let applied = Migrator::get_applied_migrations(&db).await.unwrap().len();
    assert_eq!(applied, Migrator::migrations().len());

    Migrator::down(&db, None).await.expect("down");
    assert!(
        Migrator::get_applied_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::up(&db, None).await.expect("up again");
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Rows written before reviews existed get a review state, who recorded
/// them and how late they began, and their search documents, on every
/// database.
#[tokio::test]
async fn the_review_migration_fills_in_existing_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;
    let db = Database::connect(&database.url).await.unwrap();
    let before_reviews = Migrator::migrations()
        .iter()
        .position(|migration| migration.name().ends_with("_review"))
        .expect("the review migration");
    Migrator::up(&db, Some(u32::try_from(before_reviews).unwrap()))
        .await
        .expect("up to the audit log");

    let now = Utc::now();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 4, 0, 0).unwrap();
    let insert = |table: &str, columns: &[&str], values: Vec<SimpleExpr>| {
        Query::insert()
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)))
            .values_panic(values)
            .to_owned()
    };
    db.execute(&insert(
        "branches",
        &["id", "name", "code", "timezone", "created_at", "updated_at"],
        vec![
            1.into(),
            "HQ".into(),
            "HQ".into(),
            "UTC".into(),
            now.into(),
            now.into(),
        ],
    ))
    .await
    .unwrap();
    for (id, role) in [(10, "faculty"), (11, "branch_admin")] {
        db.execute(&insert(
            "users",
            &[
                "id",
                "email",
                "name",
                "role",
                "branch_id",
                "password_hash",
                "active",
                "created_at",
                "updated_at",
            ],
            vec![
                id.into(),
                format!("{role}@lectern.test").into(),
                role.into(),
                role.into(),
                1.into(),
                "x".into(),
                true.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await
        .unwrap();
    }
    struct Legacy {
        id: i64,
        status: &'static str,
        /// Seconds the actual start was after the scheduled one.
        late_seconds: Option<i64>,
        verified: bool,
        /// Who the audit log says completed it (`Some(None)`: the command line).
        logged: Option<Option<i64>>,
    }
    let sessions = [
        Legacy {
            id: 1,
            status: "completed",
            late_seconds: Some(450),
            verified: true,
            logged: Some(Some(11)),
        },
        Legacy {
            id: 2,
            status: "completed",
            late_seconds: Some(-120),
            verified: false,
            logged: None,
        },
        Legacy {
            id: 3,
            status: "completed",
            late_seconds: Some(60),
            verified: false,
            logged: Some(None),
        },
        Legacy {
            id: 4,
            status: "pending",
            late_seconds: None,
            verified: false,
            logged: None,
        },
    ];
    for Legacy {
        id,
        status,
        late_seconds,
        verified,
        logged,
    } in sessions
    {
        let start = late_seconds.map(|s| at + Duration::seconds(s));
        db.execute(&insert(
            "session_completions",
            &[
                "id",
                "branch_id",
                "user_id",
                "scheduled_start",
                "scheduled_end",
                "actual_start",
                "actual_end",
                "completion_code",
                "status",
                "verified_at",
                "version",
                "created_at",
                "updated_at",
            ],
            vec![
                id.into(),
                1.into(),
                10.into(),
                at.into(),
                (at + Duration::hours(1)).into(),
                start.into(),
                start.map(|s| s + Duration::hours(1)).into(),
                start.map(|_| format!("CODE-{id}")).into(),
                status.into(),
                verified.then_some(now).into(),
                1.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await
        .unwrap();
        if let Some(actor) = logged {
            db.execute(&insert(
                "audit_log",
                &[
                    "actor_id",
                    "branch_id",
                    "action",
                    "entity",
                    "entity_id",
                    "details",
                    "created_at",
                    "updated_at",
                ],
                vec![
                    actor.into(),
                    1.into(),
                    "complete".into(),
                    "session".into(),
                    id.into(),
                    "{}".into(),
                    now.into(),
                    now.into(),
                ],
            ))
            .await
            .unwrap();
        }
    }

    Migrator::up(&db, None).await.expect("the review migration");

    let rows = db
        .query_all(
            &Query::select()
                .columns(["id", "review", "recorded_by", "late_minutes"].map(Alias::new))
                .from(Alias::new("session_completions"))
                .order_by(Alias::new("id"), Order::Asc)
                .to_owned(),
        )
        .await
        .unwrap();
    let filled: Vec<(Option<String>, Option<i64>, Option<i32>)> = rows
        .iter()
        .map(|row| {
            (
                row.try_get("", "review").unwrap(),
                row.try_get("", "recorded_by").unwrap(),
                row.try_get("", "late_minutes").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        filled,
        [
            (Some("verified".into()), Some(11), Some(7)),
            (Some("unreviewed".into()), Some(10), Some(0)),
            (Some("unreviewed".into()), Some(10), Some(1)),
            (None, None, None),
        ]
    );

    // Each session gets its search document: its code and its owner's name, as words.
    let documents = db
        .query_all(
            &Query::select()
                .columns(["completion_id", "document"].map(Alias::new))
                .from(Alias::new("session_search"))
                .order_by(Alias::new("completion_id"), Order::Asc)
                .to_owned(),
        )
        .await
        .unwrap();
    let documents: Vec<(i64, String)> = documents
        .iter()
        .map(|row| {
            (
                row.try_get("", "completion_id").unwrap(),
                row.try_get("", "document").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        documents,
        [
            (1, "CODE 1\nfaculty".to_owned()),
            (2, "CODE 2\nfaculty".to_owned()),
            (3, "CODE 3\nfaculty".to_owned()),
            (4, "faculty".to_owned()),
        ]
    );
}

/// Sittings a holiday cancelled before they remembered it are found by
/// the reason it gave on its date in its branch, so deleting such a
/// holiday gives them back too; a teacher's own cancellation is not.
#[tokio::test]
async fn holiday_cancellations_made_before_they_were_marked_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;
    let db = Database::connect(&database.url).await.unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|migration| migration.name().ends_with("_holiday_cancellations"))
        .expect("the migration");
    Migrator::up(&db, Some(u32::try_from(before).unwrap()))
        .await
        .expect("up to the one before");

    let now = Utc::now();
    let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 26).unwrap();
    let other_day = day.succ_opt().unwrap();
    let at = Utc.with_ymd_and_hms(2027, 1, 26, 9, 0, 0).unwrap();
    let mut statements: Vec<(&str, Vec<(&str, SimpleExpr)>)> = vec![
        (
            "branches",
            vec![
                ("id", 1.into()),
                ("name", "HQ".into()),
                ("code", "HQ".into()),
                ("timezone", "UTC".into()),
            ],
        ),
        (
            "users",
            vec![
                ("id", 10.into()),
                ("email", "t@lectern.test".into()),
                ("name", "T".into()),
                ("role", "faculty".into()),
                ("branch_id", 1.into()),
                ("password_hash", "x".into()),
                ("active", true.into()),
            ],
        ),
        (
            "holidays",
            vec![
                ("id", 7.into()),
                ("branch_id", 1.into()),
                ("date", day.into()),
                ("name", "Republic Day".into()),
            ],
        ),
    ];
    for (id, code) in [(5, "B-1"), (6, "B-2")] {
        statements.push((
            "batches",
            vec![
                ("id", id.into()),
                ("code", code.into()),
                ("name", "B".into()),
                ("branch_id", 1.into()),
                ("faculty_id", 10.into()),
                ("start_date", day.into()),
                ("end_date", other_day.into()),
                ("weekdays", 127.into()),
                (
                    "start_time",
                    chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap().into(),
                ),
                (
                    "end_time",
                    chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap().into(),
                ),
            ],
        ));
    }
    // The holiday's cancellation, a teacher's own on the same day (in
    // another batch), and one in the holiday's words on another day.
    for (id, batch, date, reason) in [
        (1, 5, day, "Holiday: Republic Day"),
        (2, 6, day, "Room taken"),
        (3, 5, other_day, "Holiday: Republic Day"),
    ] {
        let start = at + Duration::days((date - day).num_days());
        statements.push((
            "batch_occurrences",
            vec![
                ("id", id.into()),
                ("batch_id", batch.into()),
                ("date", date.into()),
                ("scheduled_start", start.into()),
                ("scheduled_end", (start + Duration::hours(1)).into()),
            ],
        ));
        statements.push((
            "session_completions",
            vec![
                ("id", id.into()),
                ("occurrence_id", id.into()),
                ("batch_id", batch.into()),
                ("branch_id", 1.into()),
                ("user_id", 10.into()),
                ("scheduled_start", start.into()),
                ("scheduled_end", (start + Duration::hours(1)).into()),
                ("status", "cancelled".into()),
                ("cancel_reason", reason.into()),
                ("cancelled_at", now.into()),
                ("version", 2.into()),
            ],
        ));
    }
    for (table, mut values) in statements {
        values.push(("created_at", now.into()));
        values.push(("updated_at", now.into()));
        let insert = Query::insert()
            .into_table(Alias::new(table))
            .columns(values.iter().map(|(column, _)| Alias::new(*column)))
            .values_panic(values.into_iter().map(|(_, value)| value))
            .to_owned();
        db.execute(&insert)
            .await
            .unwrap_or_else(|err| panic!("{table}: {err}"));
    }

    Migrator::up(&db, None).await.expect("up");
    let marked = Query::select()
        .column(Alias::new("id"))
        .column(Alias::new("cancelled_by_holiday"))
        .from(Alias::new("session_completions"))
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    let marked: Vec<(i64, Option<i64>)> = db
        .query_all(&marked)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get("", "id").unwrap(),
                row.try_get("", "cancelled_by_holiday").unwrap(),
            )
        })
        .collect();
    assert_eq!(marked, [(1, Some(7)), (2, None), (3, None)]);
}
