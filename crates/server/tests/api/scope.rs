//! The scope rules as one table: every route with an object, for each of
//! the four roles, against an object of the caller's own branch and one of
//! another branch. Every cell gets objects of its own, so no cell's change
//! can decide another's answer.

use chrono::{Duration, NaiveDate, Utc};
use lectern_api_types::Role;
use lectern_api_types::schedule::Weekday;
use lectern_api_types::sessions::NewNote;
use lectern_server::services::attachments::{self, receive::receive};
use lectern_server::services::notes;
use lectern_server::storage;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::attachments::png;
use crate::helpers::{PASSWORD, TestApp, TestUser, assert_problem, principal};

#[derive(Clone, Copy, Debug)]
enum Side {
    /// The caller's branch; for sessions and batches, those of the faculty
    /// member among the callers.
    Own,
    Other,
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
    GetBatch,
    PatchBatch,
    DeleteBatch,
    CreateBatch,
    GetSession,
    PatchSession,
    Complete,
    Cancel,
    Verify,
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
}

struct World {
    app: TestApp,
    a: i64,
    b: i64,
    /// Super admin, then branch admin, faculty and employee of branch A.
    callers: [TestUser; 4],
    faculty_b: TestUser,
    tokens: Vec<String>,
}

impl World {
    fn owner(&self, side: Side) -> &TestUser {
        match side {
            Side::Own => &self.callers[2],
            Side::Other => &self.faculty_b,
        }
    }

    fn branch(&self, side: Side) -> i64 {
        match side {
            Side::Own => self.a,
            Side::Other => self.b,
        }
    }

    async fn session(&self, side: Side) -> lectern_api_types::sessions::Completion {
        self.app
            .ad_hoc_session(self.owner(side), Utc::now() - Duration::hours(3))
            .await
    }

    /// A session of `side`'s owner with one file, and the file's path.
    async fn attachment(&self, side: Side) -> (i64, String) {
        let session = self.session(side).await;
        let owner = principal(self.owner(side));
        let received = receive(
            futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(png(100)))]),
            "a.png",
            &self.app.config.upload_dir(),
            u64::MAX,
            self.app.config.body_timeout(),
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
                self.owner(side),
                &format!("SCOPE-{n}"),
                &[Weekday::Mon],
                (day, day + Duration::days(7)),
            )
            .await
            .id
    }

    /// The request a cell sends, with whatever fresh objects it needs.
    async fn prepare(&self, op: Op, side: Side, n: usize) -> (Method, String, Option<Value>) {
        let app = &self.app;
        match op {
            Op::GetUser => (
                Method::GET,
                format!(
                    "/users/{}",
                    app.create_user(Role::Faculty, Some(self.branch(side)))
                        .await
                        .id
                ),
                None,
            ),
            Op::PatchUser => {
                let user = app
                    .create_user(Role::Faculty, Some(self.branch(side)))
                    .await;
                (
                    Method::PATCH,
                    format!("/users/{}", user.id),
                    Some(json!({"name": "Renamed"})),
                )
            }
            Op::MoveUser => {
                let user = app
                    .create_user(Role::Faculty, Some(self.branch(side)))
                    .await;
                let to = match side {
                    Side::Own => self.b,
                    Side::Other => self.a,
                };
                (
                    Method::PATCH,
                    format!("/users/{}", user.id),
                    Some(json!({"branch_id": to})),
                )
            }
            Op::DeleteUser => (
                Method::DELETE,
                format!(
                    "/users/{}",
                    app.create_user(Role::Employee, Some(self.branch(side)))
                        .await
                        .id
                ),
                None,
            ),
            Op::CreateUser => (
                Method::POST,
                "/users".into(),
                Some(
                    json!({"email": format!("new-{n}@lectern.test"), "name": "New", "role": "faculty", "branch_id": self.branch(side), "password": PASSWORD}),
                ),
            ),
            Op::GetBranch => (
                Method::GET,
                format!("/branches/{}", self.branch(side)),
                None,
            ),
            Op::PatchBranch => (
                Method::PATCH,
                format!("/branches/{}", self.branch(side)),
                Some(json!({"name": format!("Renamed {n}")})),
            ),
            Op::DeleteBranch => {
                // Our own branch has staff; the other one is a fresh, empty branch.
                let branch = match side {
                    Side::Own => self.a,
                    Side::Other => app.create_branch(&format!("EMPTY-{n}"), "UTC").await,
                };
                (Method::DELETE, format!("/branches/{branch}"), None)
            }
            Op::GetBatch => (
                Method::GET,
                format!("/batches/{}", self.batch(side, n).await),
                None,
            ),
            Op::PatchBatch => (
                Method::PATCH,
                format!("/batches/{}", self.batch(side, n).await),
                Some(json!({"name": "Renamed"})),
            ),
            Op::DeleteBatch => (
                Method::DELETE,
                format!("/batches/{}", self.batch(side, n).await),
                None,
            ),
            Op::CreateBatch => (
                Method::POST,
                "/batches".into(),
                Some(json!({
                    "code": format!("NEW-{n}"), "name": "New", "faculty_id": self.owner(side).id,
                    "start_date": "2026-03-02", "end_date": "2026-03-09", "weekdays": ["mon"],
                    "start_time": "09:00", "end_time": "10:00"
                })),
            ),
            Op::GetSession => (
                Method::GET,
                format!("/completions/{}", self.session(side).await.id),
                None,
            ),
            Op::PatchSession => {
                let session = self.session(side).await;
                (
                    Method::PATCH,
                    format!("/completions/{}", session.id),
                    Some(json!({"version": session.version, "notes": "Edited"})),
                )
            }
            Op::Complete => {
                let session = self.session(side).await;
                let body = json!({"actual_start_time": session.scheduled_start.to_rfc3339(), "actual_end_time": session.scheduled_end.to_rfc3339()});
                (
                    Method::POST,
                    format!("/completions/{}/complete", session.id),
                    Some(body),
                )
            }
            Op::Cancel => (
                Method::POST,
                format!("/completions/{}/cancel", self.session(side).await.id),
                Some(json!({"reason": "Not held"})),
            ),
            Op::Verify => {
                let session = app.completed_session(self.owner(side)).await;
                (
                    Method::POST,
                    format!("/completions/{}/verify", session.id),
                    Some(json!({"completion_code": session.completion_code})),
                )
            }
            Op::CreateSession => {
                let start = Utc::now() - Duration::hours(2);
                let body = json!({"title": "Ad hoc", "scheduled_start": start, "scheduled_end": start + Duration::hours(1), "user_id": self.owner(side).id});
                (Method::POST, "/completions".into(), Some(body))
            }
            Op::SuggestCode => (
                Method::POST,
                "/completion-codes".into(),
                Some(json!({"completion_id": self.session(side).await.id})),
            ),
            Op::ListNotes => (
                Method::GET,
                format!("/completions/{}/notes", self.session(side).await.id),
                None,
            ),
            Op::AddNote => (
                Method::POST,
                format!("/completions/{}/notes", self.session(side).await.id),
                Some(json!({"note_text": "Noted"})),
            ),
            Op::Upload => {
                // A marker the table's sender turns into a multipart form.
                (
                    Method::POST,
                    format!("/completions/{}/attachments", self.session(side).await.id),
                    Some(json!("multipart")),
                )
            }
            Op::Download => (
                Method::GET,
                format!("{}/content", self.attachment(side).await.1),
                None,
            ),
            Op::LinkAttachment => (
                Method::POST,
                format!("{}/link", self.attachment(side).await.1),
                Some(json!({})),
            ),
            Op::DeleteAttachment => (Method::DELETE, self.attachment(side).await.1, None),
            Op::SessionZip => (
                Method::GET,
                format!(
                    "/completions/{}/attachments.zip",
                    self.attachment(side).await.0
                ),
                None,
            ),
            Op::EditNote | Op::DeleteNote => {
                let session = self.session(side).await;
                let owner = principal(self.owner(side));
                let new = NewNote {
                    note_text: "By the owner".parse().unwrap(),
                    note_type: Default::default(),
                };
                let note = notes::add(&app.db, &owner, session.id, new).await.unwrap();
                let path = format!("/completions/{}/notes/{}", session.id, note.id);
                match op {
                    Op::EditNote => (Method::PATCH, path, Some(json!({"note_text": "Edited"}))),
                    _ => (Method::DELETE, path, None),
                }
            }
        }
    }
}

#[tokio::test]
async fn every_route_answers_each_role_by_scope_in_its_own_branch_and_another() {
    let app = TestApp::spawn().await;
    let a = app.create_branch("BRANCH-A", "Asia/Kolkata").await;
    let b = app.create_branch("BRANCH-B", "Europe/London").await;
    let callers = [
        app.create_user(Role::SuperAdmin, None).await,
        app.create_user(Role::BranchAdmin, Some(a)).await,
        app.create_user(Role::Faculty, Some(a)).await,
        app.create_user(Role::Employee, Some(a)).await,
    ];
    let faculty_b = app.create_user(Role::Faculty, Some(b)).await;
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
        tokens,
    };

    use Op::*;
    use Side::*;
    // Expected status for: super admin, branch admin, faculty, employee.
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
        (PatchSession, Own, [200, 200, 200, 404]),
        (PatchSession, Other, [200, 404, 404, 404]),
        (Complete, Own, [200, 200, 200, 404]),
        (Complete, Other, [200, 404, 404, 404]),
        (Cancel, Own, [200, 200, 200, 404]),
        (Cancel, Other, [200, 404, 404, 404]),
        (Verify, Own, [200, 200, 403, 404]),
        (Verify, Other, [200, 404, 404, 404]),
        (CreateSession, Own, [201, 201, 201, 403]),
        (CreateSession, Other, [201, 422, 403, 403]),
        (SuggestCode, Own, [200, 200, 200, 404]),
        (SuggestCode, Other, [200, 404, 404, 404]),
        (ListNotes, Own, [200, 200, 200, 404]),
        (ListNotes, Other, [200, 404, 404, 404]),
        (AddNote, Own, [201, 201, 201, 404]),
        (AddNote, Other, [201, 404, 404, 404]),
        (EditNote, Own, [200, 200, 200, 404]),
        (EditNote, Other, [200, 404, 404, 404]),
        (DeleteNote, Own, [204, 204, 204, 404]),
        (DeleteNote, Other, [204, 404, 404, 404]),
        (Upload, Own, [201, 201, 201, 404]),
        (Upload, Other, [201, 404, 404, 404]),
        (Download, Own, [200, 200, 200, 404]),
        (Download, Other, [200, 404, 404, 404]),
        (LinkAttachment, Own, [200, 200, 200, 404]),
        (LinkAttachment, Other, [200, 404, 404, 404]),
        (DeleteAttachment, Own, [204, 204, 204, 404]),
        (DeleteAttachment, Other, [204, 404, 404, 404]),
        (SessionZip, Own, [200, 200, 200, 404]),
        (SessionZip, Other, [200, 404, 404, 404]),
    ];
    let lists: &[(&str, [u16; 4])] = &[
        ("/users", [200, 200, 403, 403]),
        ("/branches", [200, 200, 200, 200]),
        ("/batches", [200, 200, 200, 200]),
        ("/completions", [200, 200, 200, 200]),
        ("/occurrences", [200, 200, 200, 200]),
        ("/audit", [200, 200, 403, 403]),
        ("/attachments.zip", [200, 200, 403, 403]),
        ("/upload-limits", [200, 200, 200, 200]),
        ("/me", [200, 200, 200, 200]),
    ];

    let mut failures = Vec::new();
    let mut n = 0;
    for (op, side, expect) in table {
        for (role, want) in expect.iter().enumerate() {
            n += 1;
            let (method, path, body) = world.prepare(*op, *side, n).await;
            let mut request = world
                .app
                .request(method.clone(), &path, Some(&world.tokens[role]));
            match &body {
                Some(Value::String(kind)) if kind == "multipart" => {
                    let file = reqwest::multipart::Part::bytes(png(100)).file_name("a.png");
                    request = request.multipart(reqwest::multipart::Form::new().part("file", file));
                }
                Some(body) => request = request.json(body),
                None => {}
            }
            let response = request.send().await.unwrap();
            check(
                &mut failures,
                response,
                *want,
                format!(
                    "{op:?} {side:?} ({method} {path}) as {}",
                    world.callers[role].role
                ),
            )
            .await;
        }
    }
    for (path, expect) in lists {
        for (role, want) in expect.iter().enumerate() {
            let response = world.app.get(path, &world.tokens[role]).await;
            check(
                &mut failures,
                response,
                *want,
                format!("GET {path} as {}", world.callers[role].role),
            )
            .await;
        }
    }
    assert!(
        failures.is_empty(),
        "scope violations:\n{}",
        failures.join("\n")
    );
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
