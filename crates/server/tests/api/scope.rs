//! The scope rules as one table: every route of the API, for each of the
//! four roles and without a token, against an object of the caller's own
//! branch, one of another branch and, for sessions, one of the caller's
//! own. Every cell gets objects of its own, so no cell's change can decide
//! another's answer. A refused change is checked against the object as it
//! is read again; lists are checked for what they hold, not only for their
//! status; and a route the table does not name fails the test.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use lectern_api_types::Role;
use lectern_api_types::schedule::Weekday;
use lectern_api_types::sessions::NewNote;
use lectern_server::entities::{audit_log, user};
use lectern_server::services::attachments::{self, receive::receive};
use lectern_server::services::notes;
use lectern_server::storage;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};

use crate::attachments::png;
use crate::helpers::{PASSWORD, TestApp, TestUser, assert_problem, principal};

/// Routes outside the table, each with where its rules are tested.
const ELSEWHERE: [(&str, &str); 4] = [
    ("login", "signing in needs no token: auth.rs"),
    (
        "refresh_token",
        "takes a refresh token, not an access token: auth.rs",
    ),
    (
        "logout",
        "takes a refresh token, not an access token: auth.rs",
    ),
    (
        "get_calendar_feed",
        "its secret address is the credential: calendar.rs",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// The caller's branch; for sessions and batches, those of the faculty
    /// member among the callers.
    Own,
    Other,
    /// The caller's own session (every caller but the super admin, who
    /// belongs to no branch, has sessions of their own).
    Mine,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    GetUser,
    PatchUser,
    MoveUser,
    DeleteUser,
    CreateUser,
    GetBranch,
    PatchBranch,
    DeleteBranch,
    CreateBranch,
    BranchCalendar,
    GetBatch,
    PatchBatch,
    DeleteBatch,
    CreateBatch,
    GetSession,
    PatchSession,
    Complete,
    Cancel,
    Verify,
    Return,
    Reopen,
    Resubmit,
    CreateSession,
    SuggestCode,
    ListNotes,
    AddNote,
    EditNote,
    DeleteNote,
    Upload,
    Download,
    LinkAttachment,
    DeleteAttachment,
    SessionZip,
    Downloads,
    CreateWebhook,
    DeleteWebhook,
    WebhookDeliveries,
    TestWebhook,
    RetryJob,
    RevokeToken,
    ListHolidays,
    CreateHoliday,
    ImportHolidays,
    DeleteHoliday,
    PreviewSchedule,
    AddMakeUp,
    Reschedule,
}

impl Op {
    /// The operation of openapi.json the cell sends.
    fn operation(self) -> &'static str {
        match self {
            Op::GetUser => "get_user",
            Op::PatchUser | Op::MoveUser => "update_user",
            Op::DeleteUser => "delete_user",
            Op::CreateUser => "create_user",
            Op::GetBranch => "get_branch",
            Op::PatchBranch => "update_branch",
            Op::DeleteBranch => "delete_branch",
            Op::CreateBranch => "create_branch",
            Op::BranchCalendar => "create_branch_calendar",
            Op::GetBatch => "get_batch",
            Op::PatchBatch => "update_batch",
            Op::DeleteBatch => "delete_batch",
            Op::CreateBatch => "create_batch",
            Op::GetSession => "get_completion",
            Op::PatchSession => "update_completion",
            Op::Complete => "complete_completion",
            Op::Cancel => "cancel_completion",
            Op::Verify => "verify_completion",
            Op::Return => "return_completion",
            Op::Reopen => "reopen_completion",
            Op::Resubmit => "resubmit_completion",
            Op::CreateSession => "create_completion",
            Op::SuggestCode => "suggest_completion_code",
            Op::ListNotes => "list_notes",
            Op::AddNote => "add_note",
            Op::EditNote => "update_note",
            Op::DeleteNote => "delete_note",
            Op::Upload => "upload_attachment",
            Op::Download => "download_attachment",
            Op::LinkAttachment => "link_attachment",
            Op::DeleteAttachment => "delete_attachment",
            Op::SessionZip => "download_session_attachments",
            Op::Downloads => "list_attachment_downloads",
            Op::CreateWebhook => "create_webhook",
            Op::DeleteWebhook => "delete_webhook",
            Op::WebhookDeliveries => "list_webhook_deliveries",
            Op::TestWebhook => "test_webhook",
            Op::RetryJob => "retry_outbox_job",
            Op::RevokeToken => "revoke_api_token",
            Op::ListHolidays => "list_holidays",
            Op::CreateHoliday => "create_holiday",
            Op::ImportHolidays => "import_holidays",
            Op::DeleteHoliday => "delete_holiday",
            Op::PreviewSchedule => "preview_batch_schedule",
            Op::AddMakeUp => "add_make_up_sitting",
            Op::Reschedule => "reschedule_occurrence",
        }
    }
}

/// What a cell sends, and where the super admin reads the object after a
/// refused change to see that nothing changed.
struct Cell {
    method: Method,
    path: String,
    body: Body,
    probe: Option<String>,
}

enum Body {
    None,
    Json(Value),
    Multipart,
    Calendar(String),
}

impl Cell {
    fn new(method: Method, path: impl Into<String>, body: Option<Value>) -> Self {
        Cell {
            method,
            path: path.into(),
            body: body.map_or(Body::None, Body::Json),
            probe: None,
        }
    }

    fn probe(mut self, path: impl Into<String>) -> Self {
        self.probe = Some(path.into());
        self
    }
}

struct World {
    app: TestApp,
    a: i64,
    b: i64,
    /// Super admin, then branch admin, faculty and employee of branch A.
    callers: [TestUser; 4],
    faculty_b: TestUser,
    /// A second super admin, who reviews the sessions cells need reviewed.
    reviewer: TestUser,
    tokens: Vec<String>,
}

impl World {
    fn owner(&self, side: Side, role: usize) -> &TestUser {
        match side {
            Side::Own => &self.callers[2],
            Side::Other => &self.faculty_b,
            Side::Mine => &self.callers[role],
        }
    }

    fn branch(&self, side: Side) -> i64 {
        match side {
            Side::Own | Side::Mine => self.a,
            Side::Other => self.b,
        }
    }

    async fn session(&self, side: Side, role: usize) -> lectern_api_types::sessions::Completion {
        self.app
            .ad_hoc_session(self.owner(side, role), Utc::now() - Duration::hours(3))
            .await
    }

    /// A completed session of `side`'s owner, reviewed by `review` first.
    async fn completed(
        &self,
        side: Side,
        role: usize,
        review: Option<&str>,
    ) -> lectern_api_types::sessions::Completion {
        use lectern_api_types::sessions::{ReturnRequest, VerifyRequest};
        use lectern_server::services::sessions::review;
        let session = self.app.completed_session(self.owner(side, role)).await;
        let reviewer = principal(&self.reviewer);
        match review {
            Some("verified") => review::verify(
                &self.app.db,
                &reviewer,
                session.id,
                VerifyRequest {
                    completion_code: session.completion_code.clone().unwrap().parse().unwrap(),
                },
            )
            .await
            .unwrap(),
            Some("returned") => review::send_back(
                &self.app.db,
                &reviewer,
                session.id,
                ReturnRequest {
                    reason: "The end time is wrong".parse().unwrap(),
                },
            )
            .await
            .unwrap(),
            _ => session,
        }
    }

    /// A session of `side`'s owner with one file, and the file's path.
    async fn attachment(&self, side: Side, role: usize) -> (i64, String) {
        let session = self.session(side, role).await;
        let owner = principal(self.owner(side, role));
        let received = receive(
            futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(png(100)))]),
            "a.png",
            &self.app.config.upload_dir(),
            u64::MAX,
        )
        .await
        .unwrap();
        let store = storage::from_config(&self.app.config).unwrap();
        let file = attachments::attach(
            &self.app.db,
            store.as_ref(),
            &owner,
            session.id,
            received,
            None,
        )
        .await
        .unwrap();
        (
            session.id,
            format!("/completions/{}/attachments/{}", session.id, file.id),
        )
    }

    async fn batch(&self, side: Side, n: usize) -> i64 {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        self.app
            .create_batch(
                &self.callers[0],
                self.owner(side, 0),
                &format!("SCOPE-{n}"),
                &[Weekday::Mon],
                (day, day + Duration::days(7)),
            )
            .await
            .id
    }

    /// A webhook of `side`'s branch, made by the super admin.
    async fn webhook(&self, side: Side) -> i64 {
        let made = self
            .app
            .post(
                "/webhooks",
                &self.tokens[0],
                &json!({"url": "http://127.0.0.1:9/hook", "events": ["session.completed"], "branch_id": self.branch(side)}),
            )
            .await;
        assert_eq!(made.status(), StatusCode::CREATED);
        made.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    /// A job that failed for good, as the outbox keeps one.
    async fn failed_job(&self) -> i64 {
        use lectern_api_types::outbox::JobState;
        use lectern_server::entities::outbox;
        use sea_orm::{ActiveModelTrait as _, Set};
        let now = Utc::now();
        outbox::ActiveModel {
            kind: Set("webhook".into()),
            payload: Set("{}".into()),
            state: Set(JobState::Failed),
            attempts: Set(8),
            run_at: Set(now + Duration::days(365)),
            last_error: Set(Some("gave up".into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.app.db)
        .await
        .unwrap()
        .id
    }

    /// An API token of `owner`'s, by id.
    async fn api_token(&self, owner: &TestUser) -> i64 {
        use lectern_api_types::api_tokens::{NewApiToken, TokenScope};
        lectern_server::services::api_tokens::create(
            &self.app.db,
            &principal(owner),
            NewApiToken {
                name: "Script".parse().unwrap(),
                scope: TokenScope::Read,
                expires_in_days: None,
            },
        )
        .await
        .unwrap()
        .id
    }

    /// A holiday of `side`'s branch, made by the super admin, by id.
    async fn holiday(&self, side: Side, n: usize) -> i64 {
        let made = self
            .app
            .post(
                &format!("/branches/{}/holidays", self.branch(side)),
                &self.tokens[0],
                &json!({"date": holiday_date(n), "name": "Closed"}),
            )
            .await;
        assert_eq!(made.status(), StatusCode::CREATED);
        made.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    /// The sitting (occurrence) of a fresh batch taught on `side`.
    async fn sitting(&self, side: Side, role: usize, n: usize) -> (i64, i64) {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let batch = self
            .app
            .create_batch(
                &self.callers[0],
                self.owner(side, role),
                &format!("SIT-{n}"),
                &[Weekday::Mon],
                (day, day),
            )
            .await;
        let page: Value = self
            .app
            .get(
                &format!("/completions?batch_id={}", batch.id),
                &self.tokens[0],
            )
            .await
            .json()
            .await
            .unwrap();
        let session = &page["items"][0];
        (
            session["occurrence_id"].as_i64().unwrap(),
            session["id"].as_i64().unwrap(),
        )
    }

    /// The request a cell sends, with whatever fresh objects it needs.
    async fn prepare(&self, op: Op, side: Side, role: usize, n: usize) -> Cell {
        let app = &self.app;
        let session_probe = |id: i64| format!("/completions/{id}");
        match op {
            Op::GetUser => Cell::new(
                Method::GET,
                format!(
                    "/users/{}",
                    app.create_user(Role::Faculty, Some(self.branch(side)))
                        .await
                        .id
                ),
                None,
            ),
            Op::PatchUser | Op::MoveUser => {
                let user = app
                    .create_user(Role::Faculty, Some(self.branch(side)))
                    .await;
                let body = match op {
                    Op::PatchUser => json!({"name": "Renamed"}),
                    _ => json!({"branch_id": if side == Side::Other { self.a } else { self.b }}),
                };
                let path = format!("/users/{}", user.id);
                Cell::new(Method::PATCH, &path, Some(body)).probe(path)
            }
            Op::DeleteUser => {
                let path = format!(
                    "/users/{}",
                    app.create_user(Role::Employee, Some(self.branch(side)))
                        .await
                        .id
                );
                Cell::new(Method::DELETE, &path, None).probe(path)
            }
            Op::CreateUser => Cell::new(
                Method::POST,
                "/users",
                Some(
                    json!({"email": format!("new-{n}@lectern.test"), "name": "New", "role": "faculty", "branch_id": self.branch(side), "password": PASSWORD}),
                ),
            )
            .probe(format!("/users?q=new-{n}%40")),
            Op::GetBranch => Cell::new(
                Method::GET,
                format!("/branches/{}", self.branch(side)),
                None,
            ),
            Op::PatchBranch => {
                let path = format!("/branches/{}", self.branch(side));
                Cell::new(
                    Method::PATCH,
                    &path,
                    Some(json!({"name": format!("Renamed {n}")})),
                )
                .probe(path)
            }
            Op::DeleteBranch => {
                // Our own branch has staff; the other one is a fresh, empty branch.
                let branch = match side {
                    Side::Own | Side::Mine => self.a,
                    Side::Other => app.create_branch(&format!("EMPTY-{n}"), "UTC").await,
                };
                let path = format!("/branches/{branch}");
                Cell::new(Method::DELETE, &path, None).probe(path)
            }
            Op::CreateBranch => Cell::new(
                Method::POST,
                "/branches",
                Some(json!({"code": format!("NEW-{n}"), "name": "New branch", "timezone": "UTC"})),
            )
            .probe("/branches?limit=100"),
            Op::BranchCalendar => Cell::new(
                Method::POST,
                format!("/branches/{}/calendar", self.branch(side)),
                None,
            ),
            Op::GetBatch => Cell::new(
                Method::GET,
                format!("/batches/{}", self.batch(side, n).await),
                None,
            ),
            Op::PatchBatch => {
                let path = format!("/batches/{}", self.batch(side, n).await);
                Cell::new(Method::PATCH, &path, Some(json!({"name": "Renamed"}))).probe(path)
            }
            Op::DeleteBatch => {
                let path = format!("/batches/{}", self.batch(side, n).await);
                Cell::new(Method::DELETE, &path, None).probe(path)
            }
            Op::CreateBatch => Cell::new(
                Method::POST,
                "/batches",
                Some(json!({
                    "code": format!("NEW-{n}"), "name": "New", "faculty_id": self.owner(side, role).id,
                    "start_date": "2026-03-02", "end_date": "2026-03-09", "weekdays": ["mon"],
                    "start_time": "09:00", "end_time": "10:00"
                })),
            )
            .probe(format!("/batches?q=NEW-{n}")),
            Op::GetSession => Cell::new(
                Method::GET,
                session_probe(self.session(side, role).await.id),
                None,
            ),
            Op::PatchSession => {
                let session = self.session(side, role).await;
                Cell::new(
                    Method::PATCH,
                    session_probe(session.id),
                    Some(json!({"version": session.version, "notes": "Edited"})),
                )
                .probe(session_probe(session.id))
            }
            Op::Complete => {
                let session = self.session(side, role).await;
                let body = json!({"actual_start_time": session.scheduled_start.to_rfc3339(), "actual_end_time": session.scheduled_end.to_rfc3339()});
                Cell::new(
                    Method::POST,
                    format!("/completions/{}/complete", session.id),
                    Some(body),
                )
                .probe(session_probe(session.id))
            }
            Op::Cancel => {
                let id = self.session(side, role).await.id;
                Cell::new(
                    Method::POST,
                    format!("/completions/{id}/cancel"),
                    Some(json!({"reason": "Not held"})),
                )
                .probe(session_probe(id))
            }
            Op::Verify => {
                let session = self.completed(side, role, None).await;
                Cell::new(
                    Method::POST,
                    format!("/completions/{}/verify", session.id),
                    Some(json!({"completion_code": session.completion_code})),
                )
                .probe(session_probe(session.id))
            }
            Op::Return => {
                let id = self.completed(side, role, None).await.id;
                Cell::new(
                    Method::POST,
                    format!("/completions/{id}/return"),
                    Some(json!({"reason": "Check the times"})),
                )
                .probe(session_probe(id))
            }
            Op::Reopen => {
                let id = self.completed(side, role, Some("verified")).await.id;
                Cell::new(
                    Method::POST,
                    format!("/completions/{id}/reopen"),
                    Some(json!({"reason": "Verified too soon"})),
                )
                .probe(session_probe(id))
            }
            Op::Resubmit => {
                let id = self.completed(side, role, Some("returned")).await.id;
                Cell::new(Method::POST, format!("/completions/{id}/resubmit"), None)
                    .probe(session_probe(id))
            }
            Op::CreateSession => {
                let start = Utc::now() - Duration::hours(2);
                let body = json!({"title": format!("Ad hoc {n}"), "scheduled_start": start, "scheduled_end": start + Duration::hours(1), "user_id": self.owner(side, role).id});
                Cell::new(Method::POST, "/completions", Some(body))
                    .probe(format!("/completions?q=%22Ad%20hoc%20{n}%22"))
            }
            Op::SuggestCode => Cell::new(
                Method::POST,
                "/completion-codes",
                Some(json!({"completion_id": self.session(side, role).await.id})),
            ),
            Op::ListNotes => Cell::new(
                Method::GET,
                format!("/completions/{}/notes", self.session(side, role).await.id),
                None,
            ),
            Op::AddNote => {
                let id = self.session(side, role).await.id;
                Cell::new(
                    Method::POST,
                    format!("/completions/{id}/notes"),
                    Some(json!({"note_text": "Noted"})),
                )
                .probe(format!("/completions/{id}/notes"))
            }
            Op::Upload => {
                let id = self.session(side, role).await.id;
                Cell {
                    method: Method::POST,
                    path: format!("/completions/{id}/attachments"),
                    body: Body::Multipart,
                    probe: Some(session_probe(id)),
                }
            }
            Op::Download => Cell::new(
                Method::GET,
                format!("{}/content", self.attachment(side, role).await.1),
                None,
            ),
            Op::LinkAttachment => Cell::new(
                Method::POST,
                format!("{}/link", self.attachment(side, role).await.1),
                Some(json!({})),
            ),
            Op::DeleteAttachment => {
                let (id, path) = self.attachment(side, role).await;
                Cell::new(Method::DELETE, path, None).probe(session_probe(id))
            }
            Op::SessionZip => Cell::new(
                Method::GET,
                format!(
                    "/completions/{}/attachments.zip",
                    self.attachment(side, role).await.0
                ),
                None,
            ),
            Op::Downloads => Cell::new(
                Method::GET,
                format!("{}/downloads", self.attachment(side, role).await.1),
                None,
            ),
            Op::EditNote | Op::DeleteNote => {
                let session = self.session(side, role).await;
                let owner = principal(self.owner(side, role));
                let new = NewNote {
                    note_text: "By the owner".parse().unwrap(),
                    note_type: Default::default(),
                };
                let note = notes::add(&app.db, &owner, session.id, new).await.unwrap();
                let path = format!("/completions/{}/notes/{}", session.id, note.id);
                let probe = format!("/completions/{}/notes", session.id);
                match op {
                    Op::EditNote => {
                        Cell::new(Method::PATCH, path, Some(json!({"note_text": "Edited"})))
                    }
                    _ => Cell::new(Method::DELETE, path, None),
                }
                .probe(probe)
            }
            Op::CreateWebhook => Cell::new(
                Method::POST,
                "/webhooks",
                Some(json!({"url": format!("http://127.0.0.1:9/hook-{n}"), "events": ["session.completed"], "branch_id": self.branch(side)})),
            )
            .probe("/webhooks"),
            Op::DeleteWebhook => Cell::new(
                Method::DELETE,
                format!("/webhooks/{}", self.webhook(side).await),
                None,
            )
            .probe("/webhooks"),
            Op::WebhookDeliveries => Cell::new(
                Method::GET,
                format!("/webhooks/{}/deliveries", self.webhook(side).await),
                None,
            ),
            Op::TestWebhook => {
                let id = self.webhook(side).await;
                Cell::new(Method::POST, format!("/webhooks/{id}/test"), None)
                    .probe(format!("/webhooks/{id}/deliveries"))
            }
            Op::RetryJob => Cell::new(
                Method::POST,
                format!("/outbox/{}/retry", self.failed_job().await),
                None,
            )
            .probe("/outbox?state=failed"),
            Op::ListHolidays => Cell::new(
                Method::GET,
                format!("/branches/{}/holidays", self.branch(side)),
                None,
            ),
            Op::CreateHoliday => {
                let path = format!("/branches/{}/holidays", self.branch(side));
                Cell::new(
                    Method::POST,
                    &path,
                    Some(json!({"date": holiday_date(n), "name": "Closed"})),
                )
                .probe(format!("{path}?limit=100"))
            }
            Op::ImportHolidays => {
                let path = format!("/branches/{}/holidays", self.branch(side));
                let date = holiday_date(n).replace('-', "");
                let ics = format!(
                    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{n}\r\nDTSTART;VALUE=DATE:{date}\r\nSUMMARY:Closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
                );
                Cell {
                    method: Method::POST,
                    path: format!("{path}/import"),
                    body: Body::Calendar(ics),
                    probe: Some(format!("{path}?limit=100")),
                }
            }
            Op::DeleteHoliday => {
                let branch = self.branch(side);
                let id = self.holiday(side, n).await;
                Cell::new(
                    Method::DELETE,
                    format!("/branches/{branch}/holidays/{id}"),
                    None,
                )
                .probe(format!("/branches/{branch}/holidays?limit=100"))
            }
            Op::PreviewSchedule => Cell::new(
                Method::POST,
                "/batches/preview",
                Some(json!({
                    "branch_id": self.branch(side), "start_date": "2026-03-02", "end_date": "2026-03-09",
                    "weekdays": ["mon"], "start_time": "09:00", "end_time": "10:00"
                })),
            ),
            Op::AddMakeUp => {
                let batch = self.batch(side, n).await;
                Cell::new(
                    Method::POST,
                    format!("/batches/{batch}/sittings"),
                    Some(json!({"date": "2026-03-04", "start_time": "09:00", "end_time": "10:00"})),
                )
                .probe(format!("/completions?batch_id={batch}&limit=100"))
            }
            Op::Reschedule => {
                let (occurrence, session) = self.sitting(side, role, n).await;
                Cell::new(
                    Method::POST,
                    format!("/occurrences/{occurrence}/reschedule"),
                    Some(json!({"date": "2026-03-03", "start_time": "14:00", "end_time": "15:00"})),
                )
                .probe(session_probe(session))
            }
            Op::RevokeToken => {
                let owner = match side {
                    Side::Other => &self.faculty_b,
                    _ => &self.callers[role],
                };
                Cell::new(
                    Method::DELETE,
                    format!("/me/tokens/{}", self.api_token(owner).await),
                    None,
                )
            }
        }
    }

    /// Sends `cell` as `token` (none: no Authorization header at all).
    async fn send(&self, cell: &Cell, token: Option<&str>) -> reqwest::Response {
        let mut request = self.app.request(cell.method.clone(), &cell.path, token);
        match &cell.body {
            Body::Multipart => {
                let file = reqwest::multipart::Part::bytes(png(100)).file_name("a.png");
                request = request.multipart(reqwest::multipart::Form::new().part("file", file));
            }
            Body::Json(body) => request = request.json(body),
            Body::Calendar(text) => {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "text/calendar")
                    .body(text.clone());
            }
            Body::None => {}
        }
        request.send().await.unwrap()
    }

    /// The object behind `probe` as the super admin reads it.
    async fn read(&self, probe: &str) -> (u16, Value) {
        let response = self.app.get(probe, &self.tokens[0]).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A date no other cell's holiday takes.
fn holiday_date(n: usize) -> String {
    (NaiveDate::from_ymd_opt(2030, 1, 1).unwrap() + Duration::days(n as i64)).to_string()
}

/// A route of the caller's own or of what their role reaches: its
/// operation, method, path, body, and the status for each role.
type Listed = (&'static str, Method, String, Option<Value>, [u16; 4]);

/// Who may see what a list holds: `(branch, user)` of each item, against
/// the caller's role.
fn may_list(role: Role, caller: &TestUser, branch: Option<i64>, user: Option<i64>) -> bool {
    match role {
        Role::SuperAdmin => true,
        Role::BranchAdmin => branch.is_none_or(|branch| Some(branch) == caller.branch_id),
        Role::Faculty | Role::Employee => {
            branch.is_none_or(|branch| Some(branch) == caller.branch_id)
                && user.is_none_or(|user| user == caller.id)
        }
    }
}

#[tokio::test]
async fn every_route_answers_each_role_by_scope_in_its_own_branch_and_another() {
    let app = TestApp::spawn_with(|config| config.webhook_allow_private = true).await;
    let a = app.create_branch("BRANCH-A", "Asia/Kolkata").await;
    let b = app.create_branch("BRANCH-B", "Europe/London").await;
    let callers = [
        app.create_user(Role::SuperAdmin, None).await,
        app.create_user(Role::BranchAdmin, Some(a)).await,
        app.create_user(Role::Faculty, Some(a)).await,
        app.create_user(Role::Employee, Some(a)).await,
    ];
    let faculty_b = app.create_user(Role::Faculty, Some(b)).await;
    let reviewer = app.create_user(Role::SuperAdmin, None).await;
    let mut tokens = Vec::new();
    for caller in &callers {
        tokens.push(app.login(caller).await);
    }
    let world = World {
        app,
        a,
        b,
        callers,
        faculty_b,
        reviewer,
        tokens,
    };
    // Something of everyone's in every list: the lists' contents are
    // checked below, and an empty list proves nothing.
    for (side, role) in [(Own, 2), (Other, 2), (Mine, 3), (Mine, 1)] {
        world.completed(side, role, None).await;
        world.attachment(side, role).await;
    }
    world.batch(Own, 0).await;
    world.batch(Other, 1).await;

    use Op::*;
    use Side::*;
    // Expected status for: super admin, branch admin, faculty, employee;
    // 0 where the cell cannot exist (a super admin owns no sessions).
    let table: &[(Op, Side, [u16; 4])] = &[
        (GetUser, Own, [200, 200, 404, 404]),
        (GetUser, Other, [200, 404, 404, 404]),
        (PatchUser, Own, [200, 200, 404, 404]),
        (PatchUser, Other, [200, 404, 404, 404]),
        (MoveUser, Own, [200, 403, 404, 404]),
        (MoveUser, Other, [200, 404, 404, 404]),
        (DeleteUser, Own, [204, 204, 404, 404]),
        (DeleteUser, Other, [204, 404, 404, 404]),
        (CreateUser, Own, [201, 201, 403, 403]),
        (CreateUser, Other, [201, 403, 403, 403]),
        (GetBranch, Own, [200, 200, 200, 200]),
        (GetBranch, Other, [200, 404, 404, 404]),
        (PatchBranch, Own, [200, 403, 403, 403]),
        (PatchBranch, Other, [200, 404, 404, 404]),
        (DeleteBranch, Own, [409, 403, 403, 403]),
        (DeleteBranch, Other, [204, 404, 404, 404]),
        (CreateBranch, Own, [201, 403, 403, 403]),
        (BranchCalendar, Own, [201, 201, 403, 403]),
        (BranchCalendar, Other, [201, 404, 403, 403]),
        (GetBatch, Own, [200, 200, 200, 404]),
        (GetBatch, Other, [200, 404, 404, 404]),
        (PatchBatch, Own, [200, 200, 403, 404]),
        (PatchBatch, Other, [200, 404, 404, 404]),
        (DeleteBatch, Own, [204, 204, 403, 404]),
        (DeleteBatch, Other, [204, 404, 404, 404]),
        (CreateBatch, Own, [201, 201, 403, 403]),
        (CreateBatch, Other, [201, 422, 403, 403]),
        (GetSession, Own, [200, 200, 200, 404]),
        (GetSession, Other, [200, 404, 404, 404]),
        (GetSession, Mine, [0, 200, 200, 200]),
        (PatchSession, Own, [200, 200, 200, 404]),
        (PatchSession, Other, [200, 404, 404, 404]),
        (PatchSession, Mine, [0, 200, 200, 200]),
        (Complete, Own, [200, 200, 200, 404]),
        (Complete, Other, [200, 404, 404, 404]),
        (Complete, Mine, [0, 200, 200, 200]),
        (Cancel, Own, [200, 200, 200, 404]),
        (Cancel, Other, [200, 404, 404, 404]),
        (Cancel, Mine, [0, 200, 200, 200]),
        (Verify, Own, [200, 200, 403, 404]),
        (Verify, Other, [200, 404, 404, 404]),
        (Verify, Mine, [0, 403, 403, 403]),
        (Return, Own, [200, 200, 403, 404]),
        (Return, Other, [200, 404, 404, 404]),
        (Return, Mine, [0, 403, 403, 403]),
        (Reopen, Own, [200, 200, 403, 404]),
        (Reopen, Other, [200, 404, 404, 404]),
        (Resubmit, Own, [403, 403, 200, 404]),
        (Resubmit, Other, [403, 404, 404, 404]),
        (Resubmit, Mine, [0, 200, 200, 200]),
        (CreateSession, Own, [201, 201, 201, 403]),
        (CreateSession, Other, [201, 422, 403, 403]),
        (CreateSession, Mine, [0, 201, 201, 201]),
        (SuggestCode, Own, [200, 200, 200, 404]),
        (SuggestCode, Other, [200, 404, 404, 404]),
        (SuggestCode, Mine, [0, 200, 200, 200]),
        (ListNotes, Own, [200, 200, 200, 404]),
        (ListNotes, Other, [200, 404, 404, 404]),
        (AddNote, Own, [201, 201, 201, 404]),
        (AddNote, Other, [201, 404, 404, 404]),
        (AddNote, Mine, [0, 201, 201, 201]),
        (EditNote, Own, [200, 200, 200, 404]),
        (EditNote, Other, [200, 404, 404, 404]),
        (DeleteNote, Own, [204, 204, 204, 404]),
        (DeleteNote, Other, [204, 404, 404, 404]),
        (Upload, Own, [201, 201, 201, 404]),
        (Upload, Other, [201, 404, 404, 404]),
        (Upload, Mine, [0, 201, 201, 201]),
        (Download, Own, [200, 200, 200, 404]),
        (Download, Other, [200, 404, 404, 404]),
        (Download, Mine, [0, 200, 200, 200]),
        (LinkAttachment, Own, [200, 200, 200, 404]),
        (LinkAttachment, Other, [200, 404, 404, 404]),
        (DeleteAttachment, Own, [204, 204, 204, 404]),
        (DeleteAttachment, Other, [204, 404, 404, 404]),
        (SessionZip, Own, [200, 200, 200, 404]),
        (SessionZip, Other, [200, 404, 404, 404]),
        (Downloads, Own, [200, 200, 403, 404]),
        (Downloads, Other, [200, 404, 404, 404]),
        (CreateWebhook, Own, [201, 201, 403, 403]),
        (CreateWebhook, Other, [201, 422, 403, 403]),
        (DeleteWebhook, Own, [204, 204, 403, 403]),
        (DeleteWebhook, Other, [204, 404, 403, 403]),
        (WebhookDeliveries, Own, [200, 200, 403, 403]),
        (WebhookDeliveries, Other, [200, 404, 403, 403]),
        (TestWebhook, Own, [202, 202, 403, 403]),
        (TestWebhook, Other, [202, 404, 403, 403]),
        (RetryJob, Own, [200, 403, 403, 403]),
        (RevokeToken, Mine, [204, 204, 204, 204]),
        (RevokeToken, Other, [404, 404, 404, 404]),
        (ListHolidays, Own, [200, 200, 200, 200]),
        (ListHolidays, Other, [200, 404, 404, 404]),
        (CreateHoliday, Own, [201, 201, 403, 403]),
        (CreateHoliday, Other, [201, 404, 404, 404]),
        (ImportHolidays, Own, [200, 200, 403, 403]),
        (ImportHolidays, Other, [200, 404, 404, 404]),
        (DeleteHoliday, Own, [204, 204, 403, 403]),
        (DeleteHoliday, Other, [204, 404, 404, 404]),
        (PreviewSchedule, Own, [200, 200, 403, 403]),
        (PreviewSchedule, Other, [200, 422, 403, 403]),
        (AddMakeUp, Own, [201, 201, 201, 404]),
        (AddMakeUp, Other, [201, 404, 404, 404]),
        (Reschedule, Own, [200, 200, 200, 404]),
        (Reschedule, Other, [200, 404, 404, 404]),
        (Reschedule, Mine, [0, 0, 200, 200]),
    ];
    // Routes of the caller's own or of what their role reaches, with the
    // body they send, if any.
    let stats_range = "from=2020-01-01&to=2030-01-01";
    let lists: Vec<Listed> = vec![
        (
            "list_users",
            Method::GET,
            "/users?limit=100".into(),
            None,
            [200, 200, 403, 403],
        ),
        (
            "list_branches",
            Method::GET,
            "/branches".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "list_batches",
            Method::GET,
            "/batches?limit=100".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "list_completions",
            Method::GET,
            "/completions?limit=100".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "list_occurrences",
            Method::GET,
            "/occurrences?limit=100".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "list_colleagues",
            Method::GET,
            format!("/colleagues?branch_id={}", world.a),
            None,
            [200, 200, 200, 200],
        ),
        (
            "list_colleagues",
            Method::GET,
            format!("/colleagues?branch_id={}", world.b),
            None,
            [200, 422, 422, 422],
        ),
        (
            "list_audit",
            Method::GET,
            "/audit?limit=100".into(),
            None,
            [200, 200, 403, 403],
        ),
        (
            "download_attachments",
            Method::GET,
            "/attachments.zip".into(),
            None,
            [200, 200, 403, 403],
        ),
        (
            "attachment_totals",
            Method::GET,
            "/attachments/totals".into(),
            None,
            [200, 200, 403, 403],
        ),
        (
            "export_completions",
            Method::GET,
            "/completions/export?format=csv".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "stats_summary",
            Method::GET,
            format!("/stats/summary?{stats_range}"),
            None,
            [200, 200, 200, 200],
        ),
        (
            "stats_breakdown",
            Method::GET,
            format!("/stats/breakdown?group_by=faculty&{stats_range}"),
            None,
            [200, 200, 200, 200],
        ),
        (
            "list_outbox",
            Method::GET,
            "/outbox".into(),
            None,
            [200, 403, 403, 403],
        ),
        (
            "list_webhooks",
            Method::GET,
            "/webhooks".into(),
            None,
            [200, 200, 403, 403],
        ),
        (
            "upload_limits",
            Method::GET,
            "/upload-limits".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "get_me",
            Method::GET,
            "/me".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "get_notifications",
            Method::GET,
            "/me/notifications".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "set_notifications",
            Method::PUT,
            "/me/notifications".into(),
            Some(json!({"completed": true, "returned": true, "overdue": false})),
            [200, 200, 200, 200],
        ),
        (
            "list_api_tokens",
            Method::GET,
            "/me/tokens".into(),
            None,
            [200, 200, 200, 200],
        ),
        (
            "create_api_token",
            Method::POST,
            "/me/tokens".into(),
            Some(json!({"name": "Script", "scope": "read"})),
            [201, 201, 201, 201],
        ),
        (
            "create_my_calendar",
            Method::POST,
            "/me/calendar".into(),
            None,
            [201, 201, 201, 201],
        ),
    ];

    let mut failures = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    let mut n = 0;
    for (op, side, expect) in table {
        covered.insert(op.operation());
        // Without a token, nothing is answered but 401, and nothing changes.
        n += 1;
        let cell = world.prepare(*op, *side, 2, n).await;
        let before = match &cell.probe {
            Some(probe) => Some(world.read(probe).await),
            None => None,
        };
        let response = world.send(&cell, None).await;
        let label = format!(
            "{op:?} {side:?} ({} {}) without a token",
            cell.method, cell.path
        );
        check(&mut failures, response, 401, label.clone()).await;
        if let (Some(probe), Some(before)) = (&cell.probe, before) {
            unchanged(&mut failures, &world, probe, before, &label).await;
        }
        for (role, want) in expect.iter().enumerate() {
            if *want == 0 {
                continue;
            }
            n += 1;
            let cell = world.prepare(*op, *side, role, n).await;
            let before = match &cell.probe {
                Some(probe) => Some(world.read(probe).await),
                None => None,
            };
            let response = world.send(&cell, Some(&world.tokens[role])).await;
            let label = format!(
                "{op:?} {side:?} ({} {}) as {}",
                cell.method, cell.path, world.callers[role].role
            );
            check(&mut failures, response, *want, label.clone()).await;
            if *want >= 400
                && let (Some(probe), Some(before)) = (&cell.probe, before)
            {
                unchanged(&mut failures, &world, probe, before, &label).await;
            }
        }
    }
    for (operation, method, path, body, expect) in &lists {
        covered.insert(operation);
        let cell = Cell::new(method.clone(), path.clone(), body.clone());
        let response = world.send(&cell, None).await;
        check(
            &mut failures,
            response,
            401,
            format!("{method} {path} without a token"),
        )
        .await;
        for (role, want) in expect.iter().enumerate() {
            let response = world.send(&cell, Some(&world.tokens[role])).await;
            let label = format!("{method} {path} as {}", world.callers[role].role);
            let json = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
            if response.status().as_u16() == *want && *want == 200 && json {
                let page: Value = response.json().await.unwrap();
                holds_only_what_it_may(&mut failures, &world, operation, role, &page, &label).await;
            } else {
                check(&mut failures, response, *want, label).await;
            }
        }
    }
    // The password change last of all: it ends each caller's sessions.
    covered.insert("change_password");
    for (role, token) in world.tokens.iter().enumerate() {
        let cell = Cell::new(
            Method::POST,
            "/me/password",
            Some(
                json!({"current_password": PASSWORD, "new_password": format!("{PASSWORD} and more {role}")}),
            ),
        );
        let response = world.send(&cell, None).await;
        check(
            &mut failures,
            response,
            401,
            "POST /me/password without a token".into(),
        )
        .await;
        let response = world.send(&cell, Some(token)).await;
        check(
            &mut failures,
            response,
            200,
            format!("POST /me/password as {}", world.callers[role].role),
        )
        .await;
    }

    let document: Value =
        serde_json::from_str(include_str!("../../../../openapi/openapi.json")).unwrap();
    let mut missing = Vec::new();
    for operations in document["paths"].as_object().unwrap().values() {
        for operation in operations.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap();
            if !covered.contains(id) && !ELSEWHERE.iter().any(|(name, _)| *name == id) {
                missing.push(id.to_owned());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes the table does not name: {missing:?}"
    );
    assert!(
        failures.is_empty(),
        "scope violations:\n{}",
        failures.join("\n")
    );
}

/// A list's items are all within the caller's reach, and the lists that
/// reach more than the caller's own things show some of them. Items that
/// do not name their branch are judged by their rows: an audit entry by
/// the branch it was logged in, a colleague by their account.
async fn holds_only_what_it_may(
    failures: &mut Vec<String>,
    world: &World,
    operation: &str,
    role: usize,
    page: &Value,
    label: &str,
) {
    let Some(items) = page["items"].as_array() else {
        return;
    };
    let caller = &world.callers[role];
    let ids = || items.iter().filter_map(|item| item["id"].as_i64());
    let logged_in: HashMap<i64, Option<i64>> = match operation {
        "list_audit" => audit_log::Entity::find()
            .filter(audit_log::Column::Id.is_in(ids()))
            .all(&world.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|entry| (entry.id, entry.branch_id))
            .collect(),
        _ => HashMap::new(),
    };
    let accounts: HashMap<i64, user::Model> = match operation {
        "list_colleagues" => user::Entity::find()
            .filter(user::Column::Id.is_in(ids()))
            .all(&world.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|account| (account.id, account))
            .collect(),
        _ => HashMap::new(),
    };
    let branch_of = |item: &Value| match operation {
        "list_branches" => item["id"].as_i64(),
        "list_audit" => item["id"]
            .as_i64()
            .and_then(|id| logged_in.get(&id).copied().flatten()),
        "list_colleagues" => item["id"]
            .as_i64()
            .and_then(|id| accounts.get(&id))
            .and_then(|account| account.branch_id),
        _ => item["branch_id"].as_i64(),
    };
    let asked_branch = label
        .split_once("branch_id=")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|id| id.parse::<i64>().ok());
    for item in items {
        let branch = branch_of(item);
        let user = item["user_id"]
            .as_i64()
            .or_else(|| item["faculty_id"].as_i64());
        let allowed = match operation {
            // Institute-wide entries are the super admin's alone.
            "list_audit" => caller.role == Role::SuperAdmin || branch == caller.branch_id,
            // Active teachers of the branch asked for, whoever asks.
            "list_colleagues" => item["id"]
                .as_i64()
                .and_then(|id| accounts.get(&id))
                .is_some_and(|account| {
                    account.active
                        && matches!(account.role, Role::Faculty | Role::Employee)
                        && account.branch_id == asked_branch
                }),
            _ => may_list(caller.role, caller, branch, user),
        };
        if !allowed {
            failures.push(format!("{label}: holds {item}"));
        }
    }
    if caller.role == Role::SuperAdmin
        && asked_branch.is_none()
        && items.iter().any(|item| branch_of(item).is_some())
        && !items.iter().any(|item| branch_of(item) == Some(world.b))
    {
        failures.push(format!("{label}: the super admin sees no branch B item"));
    }
}

/// After a refused change, the object reads as it did before.
async fn unchanged(
    failures: &mut Vec<String>,
    world: &World,
    probe: &str,
    before: (u16, Value),
    label: &str,
) {
    let after = world.read(probe).await;
    if after != before {
        failures.push(format!(
            "{label}: refused, yet {probe} changed from {} {} to {} {}",
            before.0, before.1, after.0, after.1
        ));
    }
}

async fn check(failures: &mut Vec<String>, response: reqwest::Response, want: u16, cell: String) {
    let got = response.status().as_u16();
    if got != want {
        let body = response.text().await.unwrap_or_default();
        failures.push(format!("{cell}: got {got}, want {want}: {body}"));
    } else if got >= 400 {
        assert_problem(response, StatusCode::from_u16(got).unwrap()).await;
    }
}
