//! Sessions: the scheduled sittings staff complete or cancel, their
//! occurrences, and what is recorded against them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::codes::CompletionCode;
use crate::schedule::{CompletionStatus, LateReason, NoteType, Review};
use crate::text::{NoteText, Reason, Title};
use crate::time::{DateOrInstant, TimeInput};

/// A session: a batch's sitting on one date, or an ad-hoc one.
// Hash: the SPA keys a list's cards by what they show, so a card is drawn
// again only when it changes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 41, "occurrence_id": 40, "batch_id": 3, "batch_code": "RUST-101", "title": "Rust Foundations",
        "user_id": 7, "user_name": "Asha Rao", "branch_id": 1, "timezone": "Asia/Kolkata", "location": "Lab 2",
        "scheduled_start": "2026-03-02T04:00:00Z", "scheduled_end": "2026-03-02T05:30:00Z",
        "actual_start": "2026-03-02T04:07:00Z", "actual_end": "2026-03-02T05:31:00Z",
        "completion_code": "RUST-101-20260302-7KQ2", "notes": "Covered ownership and borrowing.",
        "status": "completed", "cancel_reason": null,
        "completed_at": "2026-03-02T05:40:00Z", "cancelled_at": null,
        "review": "unreviewed", "recorded_by": 7, "return_reason": null, "late_minutes": 7,
        "verified_at": null, "verified_by": null, "delivered_by": null, "version": 2, "attachment_count": 1,
        "created_at": "2026-01-02T10:00:00Z", "updated_at": "2026-03-02T05:40:00Z"
    }))
)]
pub struct Completion {
    pub id: i64,
    /// `null` for an ad-hoc session.
    pub occurrence_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub batch_code: Option<String>,
    /// The batch's name, or what an ad-hoc session was.
    pub title: String,
    /// Who runs the session.
    pub user_id: i64,
    pub user_name: String,
    pub branch_id: i64,
    /// The branch's IANA timezone, in which the session's local times are read.
    pub timezone: String,
    pub location: Option<String>,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub scheduled_start: DateTime<Utc>,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub scheduled_end: DateTime<Utc>,
    #[serde(serialize_with = "crate::instant::serialize_option")]
    pub actual_start: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::instant::serialize_option")]
    pub actual_end: Option<DateTime<Utc>>,
    pub completion_code: Option<String>,
    pub notes: Option<String>,
    pub status: CompletionStatus,
    pub cancel_reason: Option<String>,
    #[serde(serialize_with = "crate::instant::serialize_option")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::instant::serialize_option")]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Where the record stands in review; `null` until the session is completed.
    pub review: Option<Review>,
    /// Who recorded the completion: the owner, or an admin for them.
    pub recorded_by: Option<i64>,
    /// Why an admin returned the record for correction, while it is returned.
    pub return_reason: Option<String>,
    /// Minutes the actual start was after the scheduled one, never negative;
    /// `null` until completed.
    pub late_minutes: Option<i32>,
    /// Why it began late, when it began more than [`ON_TIME_MINUTES`] late
    /// and its teacher said.
    pub late_reason: Option<LateReason>,
    #[serde(serialize_with = "crate::instant::serialize_option")]
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<i64>,
    /// The colleague who taught it in `user_id`'s place; the session is in
    /// their history too.
    pub delivered_by: Option<i64>,
    /// Send it back with a PATCH; a change made meanwhile makes the PATCH fail with 409.
    pub version: i32,
    pub attachment_count: i64,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// A session with everything recorded against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletionDetail {
    #[serde(flatten)]
    pub completion: Completion,
    pub attachments: Vec<Attachment>,
    pub session_notes: Vec<SessionNote>,
    /// The name of the colleague in `delivered_by`.
    pub delivered_by_name: Option<String>,
}

/// A file attached to a session. The bytes are at
/// `/completions/{completion_id}/attachments/{id}/content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: i64,
    pub completion_id: i64,
    pub file_name: String,
    /// Detected from the file's own bytes.
    pub mime_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_by: i64,
    pub download_count: i64,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub created_at: DateTime<Utc>,
}

/// A typed remark on a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 12, "completion_id": 41, "author_id": 7, "author_name": "Asha Rao",
        "note_type": "follow_up", "note_text": "Two learners missed the lab; catch up on Friday.",
        "created_at": "2026-03-02T05:45:00Z", "edited_at": null
    }))
)]
pub struct SessionNote {
    pub id: i64,
    pub completion_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub note_type: NoteType,
    pub note_text: String,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::instant::serialize_option")]
    pub edited_at: Option<DateTime<Utc>>,
}

/// `POST /completions`: a session held outside any batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "title": "Extra revision class", "scheduled_start": "2026-03-07T04:30:00Z",
        "scheduled_end": "2026-03-07T06:00:00Z"
    }))
)]
#[serde(deny_unknown_fields)]
pub struct NewCompletion {
    pub title: Title,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_end: DateTime<Utc>,
    /// Who runs it; admins may name a staff member of their scope, everyone
    /// else runs their own sessions. Defaults to the caller.
    #[serde(default)]
    pub user_id: Option<i64>,
    #[validate(length(max = 10000, message = "must be at most 10000 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    #[serde(default)]
    pub notes: Option<String>,
}

/// `PATCH /completions/{id}`: only the fields sent change, and only where
/// the session's state allows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"version": 2, "notes": "Covered chapters 3 and 4."})))]
#[serde(deny_unknown_fields)]
pub struct CompletionPatch {
    /// The `version` the change was made against.
    pub version: i32,
    /// Ad-hoc sessions only, while pending.
    pub title: Option<Title>,
    /// Ad-hoc sessions only, while pending.
    pub scheduled_start: Option<DateTime<Utc>>,
    /// Ad-hoc sessions only, while pending.
    pub scheduled_end: Option<DateTime<Utc>>,
    /// Completed sessions not yet verified.
    pub actual_start_time: Option<TimeInput>,
    /// Completed sessions not yet verified.
    pub actual_end_time: Option<TimeInput>,
    /// Completed sessions not yet verified.
    pub completion_code: Option<CompletionCode>,
    /// Send `null` to clear them.
    #[validate(length(max = 10000, message = "must be at most 10000 characters"))]
    #[serde(
        default,
        deserialize_with = "crate::serde_helpers::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, nullable, max_length = 10000)
    )]
    pub notes: Option<Option<String>>,
}

/// `POST /completions/{id}/complete`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"actual_start_time": "09:35", "actual_end_time": "11:02", "notes": "Covered ownership."}))
)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    pub actual_start_time: TimeInput,
    pub actual_end_time: TimeInput,
    /// Generated when absent; upper-cased when sent.
    #[serde(default)]
    pub completion_code: Option<CompletionCode>,
    #[validate(length(max = 10000, message = "must be at most 10000 characters"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    #[serde(default)]
    pub notes: Option<String>,
    /// Why it began late: only for a start more than [`ON_TIME_MINUTES`]
    /// minutes after the scheduled one.
    #[serde(default)]
    pub late_reason: Option<LateReason>,
    /// A colleague who taught it in the owner's place: an active faculty
    /// member or employee of the session's branch.
    #[serde(default)]
    pub delivered_by: Option<i64>,
}

/// `POST /completions/{id}/cancel`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "Public holiday"})))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub reason: Reason,
}

/// `POST /completions/{id}/verify`: the code as the admin read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"completion_code": "RUST-101-20260302-7KQ2"})))]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The code as the admin received it, from the class or the teacher's
    /// slip; it must match the session's, in any letter case. Admins in
    /// scope also see the session's code in lists and exports: the check
    /// is that the two agree, not that the code was secret.
    pub completion_code: CompletionCode,
}

/// `POST /completions/{id}/return`: why the record goes back to its owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "The end time says 10:00; the class ran until 11:00."})))]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub reason: Reason,
}

/// `POST /completions/{id}/reopen`: why a verification is undone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "Verified against the wrong attendance sheet."})))]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    pub reason: Reason,
}

/// `POST /completion-codes`: a suggestion for the form's Generate button.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"completion_id": 41})))]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The session the code is for; it sets the prefix and the date.
    #[serde(default)]
    pub completion_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"completion_code": "RUST-101-20260302-7KQ2"})))]
pub struct CodeSuggestion {
    /// Unused when suggested; the database still decides when it is used.
    pub completion_code: String,
}

/// Which sessions `GET /completions`, its export and `GET /attachments.zip`
/// select, and in what order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CompletionFilter {
    pub status: Option<CompletionStatus>,
    pub user_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub batch_id: Option<i64>,
    /// Sessions scheduled from this date or instant on.
    #[cfg_attr(feature = "openapi", param(value_type = Option<DateOrInstant>, example = "2026-03-01"))]
    pub from: Option<DateOrInstant>,
    /// Sessions scheduled up to this date (inclusive) or before this instant.
    #[cfg_attr(feature = "openapi", param(value_type = Option<DateOrInstant>, example = "2026-03-31"))]
    pub to: Option<DateOrInstant>,
    /// Completed sessions in this review state.
    pub review: Option<Review>,
    /// The session completed with exactly this code, in any letter case.
    pub code: Option<CompletionCode>,
    /// `true`: completed sessions that began more than
    /// [`ON_TIME_MINUTES`] late; `false`: completed ones that began on time.
    pub late: Option<bool>,
    /// `true`: pending sessions whose scheduled end has passed; `false`:
    /// pending ones that have not ended yet.
    pub overdue: Option<bool>,
    /// With (`true`) or without (`false`) attachments.
    pub has_attachments: Option<bool>,
    /// Sessions with at least one comment of this type.
    pub note_type: Option<NoteType>,
    /// Every word (letters and digits) must begin a word of the title,
    /// notes, completion code, batch code or name, the owner's name or a
    /// comment; answered by the database's full-text index.
    #[validate(length(max = 100, message = "must be at most 100 characters"))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// The order of the list; `-scheduled_start` (newest first) when absent.
    pub sort: Option<SessionSort>,
}

/// Minutes after the scheduled start within which a session still began on time.
pub const ON_TIME_MINUTES: i32 = 5;

/// The orders a session list can be read in. The `completed_at` orders
/// list only sessions that carry a completion time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionSort {
    #[serde(rename = "scheduled_start")]
    ScheduledStart,
    #[default]
    #[serde(rename = "-scheduled_start")]
    ScheduledStartDesc,
    #[serde(rename = "completed_at")]
    CompletedAt,
    #[serde(rename = "-completed_at")]
    CompletedAtDesc,
}

impl SessionSort {
    pub const ALL: [SessionSort; 4] = [
        SessionSort::ScheduledStartDesc,
        SessionSort::ScheduledStart,
        SessionSort::CompletedAtDesc,
        SessionSort::CompletedAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SessionSort::ScheduledStart => "scheduled_start",
            SessionSort::ScheduledStartDesc => "-scheduled_start",
            SessionSort::CompletedAt => "completed_at",
            SessionSort::CompletedAtDesc => "-completed_at",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionSort::ScheduledStart => "Oldest first",
            SessionSort::ScheduledStartDesc => "Newest first",
            SessionSort::CompletedAt => "Recorded, oldest first",
            SessionSort::CompletedAtDesc => "Recorded, newest first",
        }
    }

    pub fn is_descending(self) -> bool {
        matches!(
            self,
            SessionSort::ScheduledStartDesc | SessionSort::CompletedAtDesc
        )
    }

    pub fn by_completion(self) -> bool {
        matches!(
            self,
            SessionSort::CompletedAt | SessionSort::CompletedAtDesc
        )
    }
}

impl CompletionFilter {
    /// The filter as query pairs, in a stable order, without empty ones:
    /// what a link to the filtered list carries.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |name: &'static str, value: Option<String>| {
            if let Some(value) = value.filter(|value| !value.is_empty()) {
                pairs.push((name, value));
            }
        };
        push("status", self.status.map(|s| s.as_str().to_owned()));
        push("user_id", self.user_id.map(|id| id.to_string()));
        push("branch_id", self.branch_id.map(|id| id.to_string()));
        push("batch_id", self.batch_id.map(|id| id.to_string()));
        push("from", self.from.map(|bound| bound.to_string()));
        push("to", self.to.map(|bound| bound.to_string()));
        push("review", self.review.map(|r| r.as_str().to_owned()));
        push("code", self.code.as_ref().map(|c| c.as_str().to_owned()));
        push("late", self.late.map(|b| b.to_string()));
        push("overdue", self.overdue.map(|b| b.to_string()));
        push(
            "has_attachments",
            self.has_attachments.map(|b| b.to_string()),
        );
        push("note_type", self.note_type.map(|t| t.as_str().to_owned()));
        push("q", self.q.clone());
        push(
            "sort",
            self.sort
                .filter(|sort| *sort != SessionSort::default())
                .map(|sort| sort.as_str().to_owned()),
        );
        pairs
    }
}

/// The formats `GET /completions/export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Pdf,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::Pdf];

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Pdf => "pdf",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV",
            ExportFormat::Xlsx => "Excel",
            ExportFormat::Pdf => "PDF",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Pdf => "application/pdf",
        }
    }
}

/// The format of an export; the list's filters come beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ExportQuery {
    pub format: ExportFormat,
}

/// What `GET /attachments.zip` would hold for the same filters, to show
/// before downloading it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"sessions": 12, "files": 30, "bytes": 73400320})))]
pub struct AttachmentTotals {
    /// Sessions with at least one file.
    pub sessions: i64,
    pub files: i64,
    pub bytes: i64,
}

/// The paging of a session list: `cursor` is the sort key and id of the
/// last session of the previous page, as `next_cursor` gave it
/// (`<unix seconds>.<id>` of the scheduled start, or `c<unix seconds>.<id>`
/// of the completion time, with `.<nanoseconds>` after the seconds for a
/// time given to a fraction of one); it resumes only a list in the same
/// order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SessionPage {
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = r"^c?-?[0-9]{1,11}(\.[0-9]{1,9})?\.[0-9]{1,18}$")
    )]
    pub cursor: Option<String>,
}

/// Which scheduled sittings `GET /occurrences` answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OccurrenceFilter {
    /// Every sitting still pending, past or future.
    #[default]
    Pending,
    /// Pending sittings that have not started yet.
    Upcoming,
}

/// `GET /occurrences` filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct OccurrenceQuery {
    pub status: Option<OccurrenceFilter>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<DateOrInstant>, example = "2026-03-01"))]
    pub from: Option<DateOrInstant>,
    #[cfg_attr(feature = "openapi", param(value_type = Option<DateOrInstant>, example = "2026-03-31"))]
    pub to: Option<DateOrInstant>,
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    #[cfg_attr(
        feature = "openapi",
        param(pattern = r"^-?[0-9]{1,11}(\.[0-9]{1,9})?\.[0-9]{1,18}$")
    )]
    pub cursor: Option<String>,
}

/// One scheduled sitting of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 40, "batch_id": 3, "batch_code": "RUST-101", "batch_name": "Rust Foundations",
        "date": "2026-03-02", "scheduled_start": "2026-03-02T04:00:00Z", "scheduled_end": "2026-03-02T05:30:00Z",
        "status": "pending", "completion_id": 41, "user_id": 7, "location": "Lab 2", "timezone": "Asia/Kolkata"
    }))
)]
pub struct Occurrence {
    pub id: i64,
    pub batch_id: i64,
    pub batch_code: String,
    pub batch_name: String,
    /// The local date in the branch's timezone.
    pub date: NaiveDate,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub scheduled_start: DateTime<Utc>,
    #[serde(serialize_with = "crate::instant::serialize")]
    pub scheduled_end: DateTime<Utc>,
    pub status: CompletionStatus,
    /// The session to complete or cancel.
    pub completion_id: i64,
    pub user_id: i64,
    pub location: Option<String>,
    pub timezone: String,
}

/// `POST /completions/{id}/notes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"note_type": "issue", "note_text": "Projector flickered."})))]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    pub note_text: NoteText,
    #[serde(default)]
    pub note_type: NoteType,
}

/// `PATCH /completions/{id}/notes/{note_id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"note_text": "Projector replaced the next day."})))]
#[serde(deny_unknown_fields)]
pub struct NotePatch {
    pub note_text: Option<NoteText>,
    pub note_type: Option<NoteType>,
}

/// How an attachment was downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(8))"
    )
)]
pub enum DownloadVia {
    /// A request with the bearer token.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "direct"))]
    Direct,
    /// A signed link, counted for whom it was made.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "link"))]
    Link,
    /// A member of a ZIP of a session's or a list's files.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "zip"))]
    Zip,
}

impl DownloadVia {
    pub fn label(self) -> &'static str {
        match self {
            DownloadVia::Direct => "Direct",
            DownloadVia::Link => "Link",
            DownloadVia::Zip => "ZIP",
        }
    }
}

/// One download of an attachment, for admins auditing who read what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "id": 301, "attachment_id": 5, "user_id": 2, "user_name": "Ravi Kumar",
        "via": "link", "downloaded_at": "2026-03-03T10:15:00Z"
    }))
)]
pub struct Download {
    pub id: i64,
    pub attachment_id: i64,
    pub user_id: i64,
    /// `null` when the account no longer exists.
    pub user_name: Option<String>,
    pub via: DownloadVia,
    pub downloaded_at: DateTime<Utc>,
}

/// The paging of `GET …/downloads`, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DownloadPage {
    /// At most 100; 50 when absent.
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A link that downloads one attachment without an `Authorization` header,
/// for `<video src>` and `<a href>`; it stops working at `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({
        "url": "/api/v1/completions/41/attachments/5/content?expires=1772444400&sig=3q2-7w",
        "expires_at": "2026-03-02T09:40:00Z"
    }))
)]
pub struct AttachmentLink {
    /// Relative to the server; add `&inline=1` to show PDFs and media in the page.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// What the server accepts as an attachment, so a page can refuse a file
/// before sending it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(example = json!({"max_upload_bytes": 104857600, "extensions": ["pdf", "mp4", "png"]}))
)]
pub struct UploadLimits {
    pub max_upload_bytes: u64,
    /// File name extensions of accepted types, lower case, without the dot.
    pub extensions: Vec<String>,
}
