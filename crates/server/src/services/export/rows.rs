//! The rows of an export: every session the list's filters select, read a
//! page at a time in the list's order, with times in its branch's timezone.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use lectern_api_types::schedule::{CompletionStatus, Review};
use lectern_api_types::sessions::{CompletionFilter, ON_TIME_MINUTES};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};

use crate::db::Db;
use crate::domain::AuthUser;
use crate::entities::{branch, note, user};
use crate::services::ServiceResult;
use crate::services::sessions::position::Position;
use crate::services::sessions::{SessionRow, attachment_counts, query};

/// Rows read from the database at once: enough to keep round trips few,
/// few enough that memory stays flat whatever the export's size.
const PAGE: u64 = 500;

/// One session as an export shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRow {
    pub date: NaiveDate,
    pub branch: String,
    pub staff: String,
    pub batch_code: Option<String>,
    pub batch: Option<String>,
    pub title: String,
    pub scheduled_start: NaiveDateTime,
    pub scheduled_end: NaiveDateTime,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_end: Option<NaiveDateTime>,
    pub late_minutes: Option<i32>,
    pub status: CompletionStatus,
    pub review: Option<Review>,
    pub code: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<NaiveDateTime>,
    pub notes: Option<String>,
    pub attachments: i64,
    pub comments: i64,
}

impl ExportRow {
    pub fn minutes(start: NaiveDateTime, end: NaiveDateTime) -> i64 {
        (end - start).num_minutes()
    }
}

/// The column titles, in the order every format writes them.
pub const COLUMNS: [&str; 19] = [
    "Date",
    "Branch",
    "Staff",
    "Batch code",
    "Batch",
    "Title",
    "Scheduled start",
    "Scheduled end",
    "Actual start",
    "Actual end",
    "Late minutes",
    "Status",
    "Review",
    "Code",
    "Verified by",
    "Verified at",
    "Notes",
    "Attachments",
    "Comments",
];

/// What the rows add up to, for the PDF's closing lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub sessions: u64,
    pub completed: u64,
    pub cancelled: u64,
    pub pending: u64,
    pub verified: u64,
    pub on_time: u64,
    pub actual_minutes: i64,
}

impl Totals {
    pub fn add(&mut self, row: &ExportRow) {
        self.sessions += 1;
        match row.status {
            CompletionStatus::Completed => self.completed += 1,
            CompletionStatus::Cancelled => self.cancelled += 1,
            CompletionStatus::Pending => self.pending += 1,
        }
        if row.review == Some(Review::Verified) {
            self.verified += 1;
        }
        if row.status == CompletionStatus::Completed
            && row.late_minutes.is_some_and(|late| late <= ON_TIME_MINUTES)
        {
            self.on_time += 1;
        }
        if let (Some(start), Some(end)) = (row.actual_start, row.actual_end) {
            self.actual_minutes += ExportRow::minutes(start, end);
        }
    }
}

/// A reader of the export's rows, page by page; it owns what it needs, so
/// a response can stream from it after the handler returns.
pub struct Rows {
    db: Db,
    caller: AuthUser,
    filter: CompletionFilter,
    after: Option<Position>,
    done: bool,
    branches: HashMap<i64, String>,
}

impl Rows {
    pub fn new(db: Db, caller: AuthUser, filter: CompletionFilter) -> Rows {
        Rows {
            db,
            caller,
            filter,
            after: None,
            done: false,
            branches: HashMap::new(),
        }
    }

    /// How many sessions the export holds.
    pub async fn count(&self) -> ServiceResult<u64> {
        use sea_orm::PaginatorTrait as _;
        let select = query::ordered(&self.db, &self.caller, &self.filter, None).await?;
        Ok(select.count(&self.db).await?)
    }

    /// The next page of rows; `None` once all were read.
    pub async fn next_page(&mut self) -> ServiceResult<Option<Vec<ExportRow>>> {
        if self.done {
            return Ok(None);
        }
        let sort = self.filter.sort.unwrap_or_default();
        let sessions: Vec<SessionRow> =
            query::ordered(&self.db, &self.caller, &self.filter, self.after)
                .await?
                .limit(PAGE)
                .into_model()
                .all(&self.db)
                .await?;
        self.done = (sessions.len() as u64) < PAGE;
        let Some(last) = sessions.last() else {
            return Ok(None);
        };
        self.after = Some(Position::of(sort, last));
        self.load_branches(&sessions).await?;
        let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
        let files: HashMap<i64, i64> = attachment_counts(&self.db, &ids)
            .await?
            .into_iter()
            .map(|count| (count.completion_id, count.attachment_count))
            .collect();
        let comments = self.comment_counts(&ids).await?;
        let verifiers = self
            .names_of(sessions.iter().filter_map(|s| s.verified_by))
            .await?;
        let mut rows = Vec::with_capacity(sessions.len());
        for session in sessions {
            let tz = session.timezone()?.tz();
            let local = |at: DateTime<Utc>| at.with_timezone(&tz).naive_local();
            rows.push(ExportRow {
                date: session.local_date()?,
                branch: self
                    .branches
                    .get(&session.branch_id)
                    .cloned()
                    .unwrap_or_default(),
                staff: session.user_name,
                title: session
                    .title
                    .or_else(|| session.batch_name.clone())
                    .unwrap_or_default(),
                batch_code: session.batch_code,
                batch: session.batch_name,
                scheduled_start: local(session.scheduled_start),
                scheduled_end: local(session.scheduled_end),
                actual_start: session.actual_start.map(local),
                actual_end: session.actual_end.map(local),
                late_minutes: session.late_minutes,
                status: session.status,
                review: session.review,
                code: session.completion_code,
                verified_by: session
                    .verified_by
                    .and_then(|id| verifiers.get(&id).cloned()),
                verified_at: session.verified_at.map(local),
                notes: session.notes,
                attachments: files.get(&session.id).copied().unwrap_or(0),
                comments: comments.get(&session.id).copied().unwrap_or(0),
            });
        }
        Ok(Some(rows))
    }

    async fn load_branches(&mut self, sessions: &[SessionRow]) -> ServiceResult<()> {
        let missing: Vec<i64> = sessions
            .iter()
            .map(|s| s.branch_id)
            .filter(|id| !self.branches.contains_key(id))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let found = branch::Entity::find()
            .filter(branch::Column::Id.is_in(missing))
            .all(&self.db)
            .await?;
        self.branches
            .extend(found.into_iter().map(|branch| (branch.id, branch.name)));
        Ok(())
    }

    async fn comment_counts(&self, ids: &[i64]) -> ServiceResult<HashMap<i64, i64>> {
        Ok(note::Entity::find()
            .select_only()
            .column(note::Column::CompletionId)
            .expr(Expr::col(note::Column::Id).count())
            .filter(note::Column::CompletionId.is_in(ids.iter().copied()))
            .group_by(note::Column::CompletionId)
            .into_tuple::<(i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    async fn names_of(
        &self,
        ids: impl Iterator<Item = i64>,
    ) -> ServiceResult<HashMap<i64, String>> {
        let mut ids: Vec<i64> = ids.collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::Name)
            .filter(user::Column::Id.is_in(ids))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }
}
