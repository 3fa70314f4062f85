//! `lectern-bench seed`: an institute's worth of history on top of the demo
//! one, so the demo accounts sign in and see it.
//!
//! Eight branches across four timezones, forty staff in each, and batches
//! of half a year meeting two or three times a week, started over the last
//! two years. Past sittings are mostly completed (codes, notes, times a
//! little off the schedule, most verified), some cancelled, a few never
//! recorded; a third of the completed ones carry a session note. The rows
//! go in through SeaORM in multi-row inserts with ids of our own, which is
//! what makes a million sessions a matter of minutes.

use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use lectern_api_types::Role;
use lectern_api_types::batches::ScheduleSpec;
use lectern_api_types::schedule::{CompletionStatus, NoteType, Review, Weekday, Weekdays};
use lectern_api_types::time::ClockTime;
use lectern_server::db::Db;
use lectern_server::domain::BranchTimezone;
use lectern_server::domain::completion_code;
use lectern_server::domain::schedule::Template;
use lectern_server::domain::times::late_minutes;
use lectern_server::entities::{batch, branch, completion, note, occurrence, user};
use lectern_server::services::demo::DEMO_PASSWORD;
use lectern_server::services::sessions::search::documents::{self, Sessions};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom as _, SliceRandom as _};
use rand::{Rng as _, SeedableRng as _};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait as _, DatabaseBackend, EntityName as _, EntityTrait,
    QuerySelect as _, Set,
};

/// The branches added to the demo's two.
const BRANCHES: &[(&str, &str, &str)] = &[
    ("Mumbai West", "MUM", "Asia/Kolkata"),
    ("Bengaluru Tech Park", "BLR", "Asia/Kolkata"),
    ("Manchester Piccadilly", "MAN", "Europe/London"),
    ("Dubai Knowledge Park", "DXB", "Asia/Dubai"),
    ("Singapore Raffles", "SIN", "Asia/Singapore"),
    ("Toronto Queen Street", "TOR", "America/Toronto"),
];

const STAFF_PER_BRANCH: usize = 40;

const FIRST_NAMES: &[&str] = &[
    "Aarav", "Ananya", "Chloe", "Daniel", "Fatima", "Hiroshi", "Ishaan", "Kavya", "Liam", "Mei",
    "Nikhil", "Olivia", "Omar", "Priyanka", "Rohan", "Sara", "Tanvi", "Wei", "Yusuf", "Zara",
];

const LAST_NAMES: &[&str] = &[
    "Agarwal",
    "Bennett",
    "Chen",
    "D'Souza",
    "Evans",
    "Fernandes",
    "Gupta",
    "Haddad",
    "Iyer",
    "Khan",
    "Lim",
    "Menon",
    "Nair",
    "O'Brien",
    "Patel",
    "Reddy",
    "Singh",
    "Tan",
    "Walker",
    "Zhou",
];

const SUBJECTS: &[&str] = &[
    "Rust Foundations",
    "Data Analysis with Python",
    "Spoken English",
    "Accounting with Tally",
    "Modern Web Design",
    "Digital Marketing",
    "Java Programming",
    "Cloud Fundamentals",
    "Excel for Business",
    "Graphic Design",
    "Public Speaking",
    "SQL for Analysts",
];

const LEVELS: &[&str] = &[
    "Beginners",
    "Intermediate",
    "Advanced",
    "Weekend",
    "Evening",
];

const ROOMS: &[&str] = &[
    "Lab 1", "Lab 2", "Room 101", "Room 204", "Studio A", "Online",
];

const SESSION_NOTES: &[&str] = &[
    "Covered the planned chapter; slides shared with the group.",
    "Revision of last week's exercises, then a short quiz.",
    "Group presentations; feedback sent to each team.",
    "Hands-on lab; most learners finished the extension task.",
];

const NOTES: &[(NoteType, &str)] = &[
    (
        NoteType::FollowUp,
        "Three learners missed the lab; catch-up booked for next week.",
    ),
    (
        NoteType::Issue,
        "Projector flickered for twenty minutes; reported to facilities.",
    ),
    (
        NoteType::Achievement,
        "Every learner finished the exercise without help today.",
    ),
    (
        NoteType::General,
        "Guest speaker confirmed for the next sitting.",
    ),
];

const CANCEL_REASONS: &[&str] = &[
    "Public holiday",
    "Faculty unwell",
    "Room unavailable because of maintenance",
];

/// Rows per multi-row insert: 1,000 sessions of 21 columns stay under
/// SQLite's 32,766 bound parameters.
const CHUNK: usize = 1000;

struct Staff {
    id: i64,
    branch: usize,
}

struct Branch {
    id: i64,
    code: String,
    timezone: BranchTimezone,
    admin: Option<i64>,
}

/// Rows waiting for their multi-row insert, flushed parents first so
/// foreign keys hold at every statement.
#[derive(Default)]
struct Pending {
    batches: Vec<batch::ActiveModel>,
    occurrences: Vec<occurrence::ActiveModel>,
    completions: Vec<completion::ActiveModel>,
    notes: Vec<note::ActiveModel>,
}

impl Pending {
    async fn flush(&mut self, db: &Db) -> anyhow::Result<()> {
        insert(db, &mut self.batches).await?;
        insert(db, &mut self.occurrences).await?;
        insert(db, &mut self.completions).await?;
        insert(db, &mut self.notes).await
    }

    fn full(&self) -> bool {
        self.completions.len() >= CHUNK || self.notes.len() >= CHUNK
    }
}

async fn insert<A>(db: &Db, rows: &mut Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
{
    for chunk in std::mem::take(rows).chunks(CHUNK) {
        A::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .with_context(|| format!("inserting into {}", A::Entity::default().table_name()))?;
    }
    Ok(())
}

/// The next free id of `E`'s table.
async fn next_id<E: EntityTrait>(db: &Db) -> anyhow::Result<i64> {
    let max: Option<Option<i64>> = E::find()
        .select_only()
        .expr(Expr::cust("MAX(id)"))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

/// Adds `sessions` sessions (with their branches, staff, batches and
/// notes) to a database that holds the demo institute, and answers the
/// largest session id.
pub async fn run(db: &Db, sessions: usize) -> anyhow::Result<i64> {
    let mut rng = StdRng::seed_from_u64(20_261_128);
    let now = Utc::now();
    let today = now.date_naive();

    let mut branches = existing_branches(db).await?;
    if branches.is_empty() {
        anyhow::bail!("seed the demo institute first (lectern seed-demo)");
    }
    let mut next_branch = next_id::<branch::Entity>(db).await?;
    let mut new_branches = Vec::new();
    for (name, code, timezone) in BRANCHES {
        new_branches.push(branch::ActiveModel {
            id: Set(next_branch),
            name: Set((*name).into()),
            code: Set((*code).into()),
            timezone: Set((*timezone).into()),
            created_at: Set(now),
            updated_at: Set(now),
        });
        branches.push(Branch {
            id: next_branch,
            code: (*code).into(),
            timezone: BranchTimezone::parse(timezone)
                .ok_or_else(|| anyhow::anyhow!("{timezone} is not a timezone"))?,
            admin: None,
        });
        next_branch += 1;
    }
    insert(db, &mut new_branches).await?;

    let staff = add_staff(db, &mut branches, &mut rng, now).await?;

    let mut pending = Pending::default();
    let mut next_batch = next_id::<batch::Entity>(db).await?;
    let mut next_occurrence = next_id::<occurrence::Entity>(db).await?;
    let mut next_completion = next_id::<completion::Entity>(db).await?;
    let mut next_note = next_id::<note::Entity>(db).await?;
    let mut made = 0;
    while made < sessions {
        let teacher = staff.choose(&mut rng).expect("every branch has staff");
        let branch = &branches[teacher.branch];
        let mut days = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
        ];
        days.shuffle(&mut rng);
        let weekdays: Weekdays = days[..rng.random_range(2..=3)].iter().copied().collect();
        let start_time =
            NaiveTime::from_hms_opt(rng.random_range(8..=19), 30 * rng.random_range(0..2), 0)
                .expect("a valid time");
        let end_time =
            start_time + Duration::minutes(*[60, 90, 120].choose(&mut rng).unwrap_or(&90));
        let start_date = today - Duration::days(rng.random_range(14..=730));
        let end_date = start_date + Duration::weeks(26) - Duration::days(1);
        let spec = ScheduleSpec::Weekdays {
            weekdays,
            start_time: ClockTime::new(start_time),
            end_time: ClockTime::new(end_time),
        };
        let template = Template::new(start_date, end_date, spec, branch.timezone)
            .map_err(|err| anyhow::anyhow!("a generated batch is invalid: {err:?}"))?;
        let code = format!("{}-{next_batch:06}", branch.code);
        let name = format!(
            "{} ({})",
            SUBJECTS.choose(&mut rng).unwrap_or(&SUBJECTS[0]),
            LEVELS.choose(&mut rng).unwrap_or(&LEVELS[0])
        );
        let created_at = at_midnight(start_date - Duration::days(7));
        pending.batches.push(batch::ActiveModel {
            id: Set(next_batch),
            code: Set(code.clone()),
            name: Set(name),
            branch_id: Set(branch.id),
            faculty_id: Set(teacher.id),
            start_date: Set(start_date),
            end_date: Set(end_date),
            weekdays: Set(weekdays),
            start_time: Set(start_time),
            end_time: Set(end_time),
            location: Set(ROOMS.choose(&mut rng).map(|room| (*room).to_owned())),
            slots: Set(None),
            rrule: Set(None),
            created_at: Set(created_at),
            updated_at: Set(created_at),
        });
        for (index, sitting) in template.sittings().take(sessions - made).enumerate() {
            pending.occurrences.push(occurrence::ActiveModel {
                id: Set(next_occurrence),
                batch_id: Set(next_batch),
                date: Set(sitting.date),
                scheduled_start: Set(sitting.start),
                scheduled_end: Set(sitting.end),
                origin_date: Set(Some(sitting.date)),
                moved: Set(false),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            });
            let mut row = completion::ActiveModel {
                id: Set(next_completion),
                occurrence_id: Set(Some(next_occurrence)),
                batch_id: Set(Some(next_batch)),
                branch_id: Set(branch.id),
                user_id: Set(teacher.id),
                title: Set(None),
                scheduled_start: Set(sitting.start),
                scheduled_end: Set(sitting.end),
                actual_start: Set(None),
                actual_end: Set(None),
                completion_code: Set(None),
                notes: Set(None),
                status: Set(CompletionStatus::Pending),
                cancel_reason: Set(None),
                completed_at: Set(None),
                cancelled_at: Set(None),
                review: Set(None),
                recorded_by: Set(None),
                return_reason: Set(None),
                late_minutes: Set(None),
                late_reason: Set(None),
                verified_at: Set(None),
                verified_by: Set(None),
                delivered_by: Set(None),
                location_override: Set(None),
                cancelled_by_holiday: Set(None),
                version: Set(1),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            };
            let roll: u32 = rng.random_range(0..100);
            if sitting.end < now && roll >= 7 {
                row.version = Set(2);
                if roll < 15 {
                    row.status = Set(CompletionStatus::Cancelled);
                    row.cancel_reason =
                        Set(Some(CANCEL_REASONS[index % CANCEL_REASONS.len()].into()));
                    row.cancelled_at = Set(Some(sitting.start - Duration::hours(3)));
                    row.updated_at = Set(sitting.start - Duration::hours(3));
                } else {
                    let completed_at = sitting.end + Duration::minutes(rng.random_range(5..240));
                    row.status = Set(CompletionStatus::Completed);
                    row.review = Set(Some(Review::Unreviewed));
                    row.recorded_by = Set(Some(teacher.id));
                    let actual_start = sitting.start + Duration::minutes(rng.random_range(-5..20));
                    row.actual_start = Set(Some(actual_start));
                    row.late_minutes = Set(Some(late_minutes(sitting.start, actual_start)));
                    row.actual_end = Set(Some(
                        sitting.end + Duration::minutes(rng.random_range(-10..5)),
                    ));
                    row.completion_code = Set(Some(
                        completion_code::generate(&code, sitting.date, &mut rng).into(),
                    ));
                    row.notes = Set(Some(SESSION_NOTES[index % SESSION_NOTES.len()].into()));
                    row.completed_at = Set(Some(completed_at));
                    row.updated_at = Set(completed_at);
                    if roll < 70 && branch.admin.is_some() {
                        row.verified_at = Set(Some(completed_at + Duration::days(1)));
                        row.verified_by = Set(branch.admin);
                        row.review = Set(Some(Review::Verified));
                        row.version = Set(3);
                    }
                    if roll.is_multiple_of(3) {
                        let (note_type, text) = NOTES[index % NOTES.len()];
                        pending.notes.push(note::ActiveModel {
                            id: Set(next_note),
                            completion_id: Set(next_completion),
                            author_id: Set(teacher.id),
                            note_type: Set(note_type),
                            note_text: Set(text.into()),
                            edited_at: Set(None),
                            created_at: Set(completed_at),
                            updated_at: Set(completed_at),
                        });
                        next_note += 1;
                    }
                }
            }
            pending.completions.push(row);
            next_occurrence += 1;
            next_completion += 1;
            made += 1;
        }
        next_batch += 1;
        if pending.full() {
            pending.flush(db).await?;
            if made % 100_000 < CHUNK {
                eprintln!("lectern-bench: {made} sessions");
            }
        }
    }
    pending.flush(db).await?;
    catch_up_sequences(db).await?;
    eprintln!("lectern-bench: {made} sessions in all; indexing them for search");
    documents::refresh(db, Sessions::All).await?;
    Ok(next_completion - 1)
}

fn at_midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

async fn existing_branches(db: &Db) -> anyhow::Result<Vec<Branch>> {
    let admins = user::Entity::find().all(db).await?;
    let mut branches = Vec::new();
    for found in branch::Entity::find().all(db).await? {
        let timezone = BranchTimezone::parse(&found.timezone)
            .ok_or_else(|| anyhow::anyhow!("branch {} has no valid timezone", found.id))?;
        branches.push(Branch {
            id: found.id,
            admin: admins
                .iter()
                .find(|u| u.role == Role::BranchAdmin && u.branch_id == Some(found.id))
                .map(|u| u.id),
            code: found.code,
            timezone,
        });
    }
    Ok(branches)
}

/// Forty staff in every branch, and an admin where a branch has none; all
/// sign in with the demo password.
async fn add_staff(
    db: &Db,
    branches: &mut [Branch],
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Staff>> {
    let hash = lectern_server::auth::password::hash(DEMO_PASSWORD.into()).await?;
    let mut next = next_id::<user::Entity>(db).await?;
    let mut rows = Vec::new();
    let mut staff = Vec::new();
    for (index, branch) in branches.iter_mut().enumerate() {
        let code = branch.code.to_lowercase();
        if branch.admin.is_none() {
            rows.push(person(
                next,
                format!("admin.{code}@bench.lectern.test"),
                "Branch Admin".into(),
                Role::BranchAdmin,
                branch.id,
                &hash,
                now,
            ));
            branch.admin = Some(next);
            next += 1;
        }
        for n in 0..STAFF_PER_BRANCH {
            let first = FIRST_NAMES.choose(rng).unwrap_or(&FIRST_NAMES[0]);
            let last = LAST_NAMES.choose(rng).unwrap_or(&LAST_NAMES[0]);
            let role = if n % 4 == 3 {
                Role::Employee
            } else {
                Role::Faculty
            };
            rows.push(person(
                next,
                format!("staff{n:02}.{code}@bench.lectern.test"),
                format!("{first} {last}"),
                role,
                branch.id,
                &hash,
                now,
            ));
            staff.push(Staff {
                id: next,
                branch: index,
            });
            next += 1;
        }
    }
    insert(db, &mut rows).await?;
    Ok(staff)
}

fn person(
    id: i64,
    email: String,
    name: String,
    role: Role,
    branch_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(id),
        email: Set(email),
        name: Set(name),
        role: Set(role),
        branch_id: Set(Some(branch_id)),
        password_hash: Set(hash.to_owned()),
        active: Set(true),
        must_change_password: Set(false),
        notify_completed: Set(true),
        notify_returned: Set(true),
        notify_overdue: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// PostgreSQL's id sequences do not see ids written explicitly; move each
/// past the largest id so the server's own inserts do not collide. (SQLite
/// and MySQL keep their counters past explicit ids themselves.) Then
/// refresh the planner's statistics, as autovacuum would soon.
async fn catch_up_sequences(db: &Db) -> anyhow::Result<()> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in [
        "branches",
        "users",
        "batches",
        "batch_occurrences",
        "session_completions",
        "session_notes",
    ] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .await?;
    }
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}
