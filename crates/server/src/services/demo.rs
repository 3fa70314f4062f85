//! `lectern seed-demo`: a believable institute for a newcomer to click
//! through. Two branches in different timezones, their admins and staff,
//! batches around today, and sessions in every state.

use chrono::{Duration, NaiveDate, NaiveTime};
use lectern_api_types::Role;
use lectern_api_types::batches::ScheduleSpec;
use lectern_api_types::branches::NewBranch;
use lectern_api_types::schedule::{CompletionStatus, NoteType, Review, Weekday, Weekdays};
use lectern_api_types::time::ClockTime;
use lectern_api_types::users::NewUser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    Set,
};

use super::sessions::search::documents::{self, Sessions};
use super::{ServiceError, ServiceResult, branches, schedule, users};
use crate::clock;
use crate::db::{Db, begin_write};
use crate::domain::BranchTimezone;
use crate::domain::completion_code;
use crate::domain::schedule::Template;
use crate::domain::times::late_minutes;
use crate::entities::{batch, completion, note};

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "lectern-demo";

struct Person {
    email: &'static str,
    name: &'static str,
    role: Role,
    branch: Option<usize>,
}

const PEOPLE: &[Person] = &[
    Person {
        email: "director@lectern.test",
        name: "Meera Iyer",
        role: Role::SuperAdmin,
        branch: None,
    },
    Person {
        email: "admin.pune@lectern.test",
        name: "Rahul Deshpande",
        role: Role::BranchAdmin,
        branch: Some(0),
    },
    Person {
        email: "asha@lectern.test",
        name: "Asha Rao",
        role: Role::Faculty,
        branch: Some(0),
    },
    Person {
        email: "vikram@lectern.test",
        name: "Vikram Kulkarni",
        role: Role::Faculty,
        branch: Some(0),
    },
    Person {
        email: "neha@lectern.test",
        name: "Neha Joshi",
        role: Role::Employee,
        branch: Some(0),
    },
    Person {
        email: "admin.london@lectern.test",
        name: "Claire Hughes",
        role: Role::BranchAdmin,
        branch: Some(1),
    },
    Person {
        email: "tom@lectern.test",
        name: "Tom Fletcher",
        role: Role::Faculty,
        branch: Some(1),
    },
    Person {
        email: "priya@lectern.test",
        name: "Priya Shah",
        role: Role::Employee,
        branch: Some(1),
    },
];

struct Course {
    code: &'static str,
    name: &'static str,
    teacher: &'static str,
    days: &'static [Weekday],
    start: (u32, u32),
    minutes: i64,
    location: &'static str,
}

const COURSES: &[Course] = &[
    Course {
        code: "RUST-101",
        name: "Rust Foundations",
        teacher: "asha@lectern.test",
        days: &[Weekday::Mon, Weekday::Wed, Weekday::Fri],
        start: (9, 30),
        minutes: 90,
        location: "Lab 2",
    },
    Course {
        code: "PY-DA-2",
        name: "Data Analysis with Python",
        teacher: "vikram@lectern.test",
        days: &[Weekday::Tue, Weekday::Thu],
        start: (14, 0),
        minutes: 120,
        location: "Room 204",
    },
    Course {
        code: "OFFICE-B",
        name: "Office Skills for Beginners",
        teacher: "neha@lectern.test",
        days: &[Weekday::Sat],
        start: (10, 0),
        minutes: 120,
        location: "Room 101",
    },
    Course {
        code: "WEB-201",
        name: "Modern Web Design",
        teacher: "tom@lectern.test",
        days: &[Weekday::Mon, Weekday::Thu],
        start: (18, 0),
        minutes: 120,
        location: "Studio A",
    },
    Course {
        code: "ENG-B1",
        name: "Business English B1",
        teacher: "priya@lectern.test",
        days: &[Weekday::Tue, Weekday::Fri],
        start: (10, 0),
        minutes: 90,
        location: "Room 3",
    },
];

const NOTES: &[(NoteType, &str)] = &[
    (
        NoteType::General,
        "Covered the planned chapter; slides shared with the group.",
    ),
    (
        NoteType::FollowUp,
        "Two learners missed the lab; schedule a catch-up before Friday.",
    ),
    (
        NoteType::Issue,
        "Projector flickered for the first twenty minutes; reported to facilities.",
    ),
    (
        NoteType::Achievement,
        "Every learner finished the exercise without help today.",
    ),
];

/// The demo's own fixed text as the request types take it; a mistake in it
/// is ours, not the user's.
fn fixed<T>(text: &str) -> ServiceResult<T>
where
    T: TryFrom<String>,
    T::Error: std::fmt::Display,
{
    T::try_from(text.to_owned())
        .map_err(|err| ServiceError::Internal(anyhow::anyhow!("demo text {text:?}: {err}")))
}

/// Why an admin sent a demo record back.
const RETURN_REASON: &str =
    "The end time looks early; check it against the attendance sheet and resubmit.";

const CANCEL_REASONS: &[&str] = &[
    "Public holiday",
    "Faculty unwell",
    "Room unavailable because of maintenance",
];

/// Fills an empty database. Refuses when any account exists, so it can
/// never mix demo people into a real institute.
pub async fn seed(db: &Db, today: NaiveDate) -> ServiceResult<()> {
    if users::count(db).await? > 0 {
        return Err(ServiceError::forbidden(
            "The database already has accounts; seed-demo only fills an empty one.",
        ));
    }
    let pune = branches::create_unchecked(
        db,
        None,
        NewBranch {
            name: fixed("Pune Central")?,
            code: fixed("PUNE")?,
            timezone: "Asia/Kolkata".into(),
        },
    )
    .await?;
    let london = branches::create_unchecked(
        db,
        None,
        NewBranch {
            name: fixed("London Bridge")?,
            code: fixed("LDN")?,
            timezone: "Europe/London".into(),
        },
    )
    .await?;
    let branch_list = [&pune, &london];

    let mut accounts = Vec::new();
    for person in PEOPLE {
        let new = NewUser {
            email: fixed(person.email)?,
            name: fixed(person.name)?,
            role: person.role,
            branch_id: person.branch.map(|index| branch_list[index].id),
            password: fixed(DEMO_PASSWORD)?,
            active: true,
        };
        accounts.push(users::create_as(db, None, new).await?);
    }
    let account = |email: &str| accounts.iter().find(|a| a.email == email).cloned();

    let mut rng = StdRng::seed_from_u64(2026);
    let now = clock::now();
    let txn = begin_write(db).await?;
    for course in COURSES {
        let teacher = account(course.teacher).ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("demo teacher {} missing", course.teacher))
        })?;
        let branch = branch_list
            .iter()
            .find(|b| Some(b.id) == teacher.branch_id)
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo branch missing")))?;
        let timezone = BranchTimezone::parse(&branch.timezone)
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("demo timezone invalid")))?;
        let start_time =
            NaiveTime::from_hms_opt(course.start.0, course.start.1, 0).unwrap_or_default();
        let end_time = start_time + Duration::minutes(course.minutes);
        let weekdays: Weekdays = course.days.iter().copied().collect();
        let (start_date, end_date) = (today - Duration::weeks(4), today + Duration::weeks(4));
        let spec = ScheduleSpec::Weekdays {
            weekdays,
            start_time: ClockTime::new(start_time),
            end_time: ClockTime::new(end_time),
        };
        let template = Template::new(start_date, end_date, spec, timezone).map_err(|err| {
            ServiceError::Internal(anyhow::anyhow!("demo batch invalid: {err:?}"))
        })?;
        let created = batch::ActiveModel {
            code: Set(course.code.into()),
            name: Set(course.name.into()),
            branch_id: Set(branch.id),
            faculty_id: Set(teacher.id),
            start_date: Set(start_date),
            end_date: Set(end_date),
            weekdays: Set(weekdays),
            start_time: Set(start_time),
            end_time: Set(end_time),
            location: Set(Some(course.location.into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        schedule::add_missing(&txn, &created, &template).await?;

        let admin = accounts
            .iter()
            .find(|a| a.role == Role::BranchAdmin && a.branch_id == Some(branch.id))
            .map(|a| a.id);
        let past = completion::Entity::find()
            .filter(completion::Column::BatchId.eq(created.id))
            .filter(completion::Column::ScheduledEnd.lt(now))
            .order_by_asc(completion::Column::ScheduledStart)
            .all(&txn)
            .await?;
        let count = past.len();
        for (index, session) in past.into_iter().enumerate() {
            let roll: u32 = rng.random_range(0..100);
            // The most recent sittings are left for the teacher to record.
            if index + 2 >= count && roll < 70 {
                continue;
            }
            let date = session
                .scheduled_start
                .with_timezone(&timezone.tz())
                .date_naive();
            let mut row: completion::ActiveModel = session.clone().into();
            if roll < 10 {
                row.status = Set(CompletionStatus::Cancelled);
                row.cancel_reason = Set(Some(CANCEL_REASONS[index % CANCEL_REASONS.len()].into()));
                row.cancelled_at = Set(Some(session.scheduled_start - Duration::hours(3)));
            } else {
                let late = Duration::minutes(rng.random_range(-5..20));
                let early = Duration::minutes(rng.random_range(-10..5));
                row.status = Set(CompletionStatus::Completed);
                row.review = Set(Some(Review::Unreviewed));
                row.recorded_by = Set(Some(session.user_id));
                row.late_minutes = Set(Some(late_minutes(
                    session.scheduled_start,
                    session.scheduled_start + late,
                )));
                row.actual_start = Set(Some(session.scheduled_start + late));
                row.actual_end = Set(Some(session.scheduled_end + early));
                row.completion_code = Set(Some(
                    completion_code::generate(course.code, date, &mut rng).into(),
                ));
                row.notes = Set(Some(NOTES[index % NOTES.len()].1.into()));
                row.completed_at = Set(Some(session.scheduled_end + Duration::minutes(15)));
                if roll < 55 && admin.is_some() {
                    row.review = Set(Some(Review::Verified));
                    row.verified_at = Set(Some(session.scheduled_end + Duration::days(1)));
                    row.verified_by = Set(admin);
                } else if roll < 62 && admin.is_some() {
                    row.review = Set(Some(Review::Returned));
                    row.return_reason = Set(Some(RETURN_REASON.into()));
                }
            }
            row.version = Set(2);
            row.updated_at = Set(now);
            let saved = row.update(&txn).await?;
            if saved.status == CompletionStatus::Completed && roll.is_multiple_of(3) {
                let (note_type, text) = NOTES[(index + 1) % NOTES.len()];
                note::ActiveModel {
                    completion_id: Set(saved.id),
                    author_id: Set(teacher.id),
                    note_type: Set(note_type),
                    note_text: Set(text.into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    // Written straight to the rows above, so searched only once indexed here.
    documents::refresh(&txn, Sessions::All).await?;
    txn.commit().await?;
    Ok(())
}

/// The demo accounts, for printing after seeding.
pub fn accounts() -> impl Iterator<Item = (&'static str, &'static str, Role)> {
    PEOPLE.iter().map(|p| (p.email, p.name, p.role))
}
