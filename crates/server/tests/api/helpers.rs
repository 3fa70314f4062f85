//! `TestApp`: the real server on a random port, over a fresh database.
//!
//! `TEST_DATABASE` picks the backend (`sqlite`, the default, `postgres` or
//! `mysql`); `TEST_POSTGRES_URL` and `TEST_MYSQL_URL` point at a server whose
//! database can create others. Each test gets its own database, dropped
//! when the test ends. `TEST_LOG=1` shows the server's logs. `TEST_STORAGE=s3`
//! keeps attachments in a fresh bucket of the S3 API at `TEST_S3_ENDPOINT`.

use std::fmt::Display;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use lectern_api_types::Role;
use lectern_api_types::batches::{Batch, NewBatch};
use lectern_api_types::branches::NewBranch;
use lectern_api_types::schedule::Weekday;
use lectern_api_types::sessions::{CompleteRequest, Completion, NewCompletion};
use lectern_api_types::time::{ClockTime, TimeInput};
use lectern_api_types::users::NewUser;
use lectern_server::config::{DatabaseUrl, Secret};
use lectern_server::db::Db;
use lectern_server::domain::AuthUser;
use lectern_server::services::sessions::{create as adhoc, transitions};
use lectern_server::services::{batches, branches, users};
use lectern_server::{Application, Config};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use sea_orm::{ConnectionTrait as _, Database, Statement};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub const PASSWORD: &str = "correct horse battery staple";
pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256!";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    pub fn from_env() -> Self {
        match std::env::var("TEST_DATABASE").as_deref() {
            Ok("postgres") => Backend::Postgres,
            Ok("mysql") => Backend::MySql,
            Ok("sqlite") | Err(_) => Backend::Sqlite,
            Ok(other) => panic!("TEST_DATABASE={other}: expected sqlite, postgres or mysql"),
        }
    }

    /// The server URL whose default database may create test databases.
    fn admin_url(self) -> Option<String> {
        let (var, default) = match self {
            Backend::Sqlite => return None,
            Backend::Postgres => (
                "TEST_POSTGRES_URL",
                "postgres://postgres@127.0.0.1:5432/test",
            ),
            Backend::MySql => ("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
        };
        Some(std::env::var(var).unwrap_or_else(|_| default.to_owned()))
    }
}

/// A database created for one test and dropped after it.
pub struct TestDatabase {
    pub url: String,
    admin: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(backend: Backend, data_dir: &std::path::Path) -> Self {
        let Some(admin_url) = backend.admin_url() else {
            return Self {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("test.sqlite").display()
                ),
                admin: None,
            };
        };
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "lectern_t_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let admin = Database::connect(&admin_url)
            .await
            .unwrap_or_else(|err| panic!("cannot reach {admin_url}: {err}"));
        let create = match backend {
            Backend::MySql => {
                format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            }
            _ => format!("CREATE DATABASE {name}"),
        };
        admin
            .execute_unprepared(&create)
            .await
            .expect("create the test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .expect("a URL with a database");
        Self {
            url: format!("{base}/{name}"),
            admin: Some((admin_url, name)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.admin.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on;
        // a thread with its own runtime does the clean-up.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Database::connect(&admin_url).await.ok()?;
                let drop = if admin_url.starts_with("postgres") {
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                } else {
                    // MariaDB has no FORCE: end the connections still in the
                    // database first. A task cancelled with the test's runtime
                    // can leave one inside a transaction, whose metadata lock
                    // would keep the DROP waiting for a year.
                    let sessions = admin
                        .query_all_raw(Statement::from_string(
                            admin.get_database_backend(),
                            format!(
                                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{name}'"
                            ),
                        ))
                        .await
                        .ok()?;
                    for session in sessions {
                        // `ID` is a signed BIGINT on MariaDB.
                        if let Ok(id) = session.try_get::<i64>("", "ID") {
                            let _ = admin.execute_unprepared(&format!("KILL {id}")).await;
                        }
                    }
                    // Should anything still hold a lock, give up rather than
                    // wait: a database left behind is harmless.
                    let _ = admin
                        .execute_unprepared("SET SESSION lock_wait_timeout = 30")
                        .await;
                    format!("DROP DATABASE IF EXISTS {name}")
                };
                admin.execute_unprepared(&drop).await.ok()
            })
        })
        .join();
    }
}

pub struct TestApp {
    pub address: String,
    /// Where `/metrics` is served when `metrics_bind` gives them an
    /// address of their own.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    /// A connection of the test's own, for arranging state the API cannot.
    pub db: Db,
    /// The configuration the server runs with.
    pub config: Config,
    handle: actix_web::dev::ServerHandle,
    /// The running server, awaited by [`TestApp::shut_down`].
    serving: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _database: Option<Arc<TestDatabase>>,
    _data_dir: tempfile::TempDir,
}

/// The object storage the tests use: `TEST_STORAGE=s3` with an S3 API at
/// `TEST_S3_ENDPOINT` (moto, started by `cargo xtask test`), else local.
pub async fn test_storage(config: &mut Config) {
    if std::env::var("TEST_STORAGE").as_deref() != Ok("s3") {
        return;
    }
    let endpoint =
        std::env::var("TEST_S3_ENDPOINT").expect("TEST_STORAGE=s3 needs TEST_S3_ENDPOINT");
    let bucket = format!("lectern-t-{:016x}", rand::random::<u64>());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap_or_else(|err| panic!("cannot reach the S3 API at {endpoint}: {err}"));
    assert!(
        created.status().is_success(),
        "creating bucket {bucket}: {}",
        created.status()
    );
    config.storage = format!("s3://{bucket}/attachments");
    config.s3_endpoint = Some(endpoint);
    config.s3_region = Some("us-east-1".into());
    config.s3_access_key_id = Some("testing".into());
    config.s3_secret_access_key = Some(Secret::new("testing"));
}

#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub branch_id: Option<i64>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app with the test configuration, adjusted by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            lectern_server::telemetry::init(lectern_server::config::LogFormat::Pretty);
        }
        let backend = Backend::from_env();
        let data_dir = tempfile::tempdir().expect("a temporary data folder");
        let database = TestDatabase::create(backend, data_dir.path()).await;
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            data_dir: data_dir.path().to_path_buf(),
            database_url: Some(DatabaseUrl::new(database.url.clone())),
            db_max_connections: 8,
            jwt_secret: Some(Secret::new(JWT_SECRET)),
            static_dir: data_dir.path().join("no-spa"),
            ..Config::default()
        };
        test_storage(&mut config).await;
        adjust(&mut config);
        Self::start(config, data_dir, Some(Arc::new(database))).await
    }

    /// A second server on this one's database and storage, with a data
    /// folder of its own, as when Lectern is scaled out.
    pub async fn spawn_sibling(&self) -> Self {
        let data_dir = tempfile::tempdir().expect("a temporary data folder");
        let config = Config {
            data_dir: data_dir.path().to_path_buf(),
            ..self.config.clone()
        };
        Self::start(config, data_dir, self._database.clone()).await
    }

    async fn start(
        config: Config,
        data_dir: tempfile::TempDir,
        database: Option<Arc<TestDatabase>>,
    ) -> Self {
        let app = Application::build(config.clone())
            .await
            .expect("the application starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics_address = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        let handle = app.handle();
        let serving = Some(tokio::spawn(app.run_until_stopped()));
        let db = Db::new(
            Database::connect(config.database_url())
                .await
                .expect("a test connection"),
        );
        Self {
            address,
            metrics_address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            db,
            config,
            handle,
            serving,
            _database: database,
            _data_dir: data_dir,
        }
    }

    /// Stops the server as SIGTERM does, and waits until it and its
    /// outbox worker have finished.
    pub async fn shut_down(&mut self) {
        self.handle.stop(true).await;
        if let Some(serving) = self.serving.take() {
            serving
                .await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
    }

    /// The reads the server's hottest routes make, on the path it takes.
    pub fn reads(&self) -> lectern_server::db::Reads {
        lectern_server::db::Reads::new(self.db.clone(), &self.config.database_url())
    }

    /// The ids of a list's items, page after page by its cursors, from
    /// `list` (a path with its query). A list that never ends fails after
    /// `max_pages` pages instead of hanging.
    pub async fn ids_of_every_page(&self, list: &str, token: &str, max_pages: usize) -> Vec<i64> {
        let mut path = list.to_owned();
        let mut ids = Vec::new();
        for _ in 0..max_pages {
            let page: Value = json(self.get(&path, token).await, StatusCode::OK).await;
            ids.extend(
                page["items"]
                    .as_array()
                    .expect("a page of items")
                    .iter()
                    .map(|item| item["id"].as_i64().expect("an id")),
            );
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("{list}&cursor={cursor}"),
                None => return ids,
            }
        }
        panic!("{list} had more than {max_pages} pages: {ids:?}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let request = self.client.request(method, self.api(path));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// The audit entries of one object (`entity` as the API names it),
    /// newest first, as `token` sees them.
    pub async fn audit_of(&self, token: &str, entity: &str, id: impl Display) -> Vec<Value> {
        let log: Value = json(
            self.get(&format!("/audit?entity={entity}&entity_id={id}"), token)
                .await,
            StatusCode::OK,
        )
        .await;
        log["items"].as_array().expect("a page of entries").clone()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token))
            .send()
            .await
            .expect("GET")
    }

    pub async fn post<B: Serialize>(&self, path: &str, token: &str, body: &B) -> Response {
        self.request(Method::POST, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn patch<B: Serialize>(&self, path: &str, token: &str, body: &B) -> Response {
        self.request(Method::PATCH, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("PATCH")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token))
            .send()
            .await
            .expect("DELETE")
    }

    pub async fn create_branch(&self, code: &str, timezone: &str) -> i64 {
        seed_branch(&self.db, code, timezone).await
    }

    /// An account made as the command line makes it, with [`PASSWORD`].
    pub async fn create_user(&self, role: Role, branch_id: Option<i64>) -> TestUser {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let email = format!(
            "{}-{}@lectern.test",
            role.as_str(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let id = seed_user(&self.db, &email, role, branch_id).await;
        TestUser {
            id,
            email,
            role,
            branch_id,
        }
    }

    pub async fn login_response(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.api("/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("POST /auth/login")
    }

    /// Signs `user` in through the API and returns the access token.
    pub async fn login(&self, user: &TestUser) -> String {
        let response = self.login_response(&user.email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {}", user.email);
        let body: Value = response.json().await.expect("a token response");
        body["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }
}

/// The caller a token of `user` stands for, for arranging state through
/// the services the API calls.
pub fn principal(user: &TestUser) -> AuthUser {
    AuthUser::new(user.id, user.role, user.branch_id).expect("a consistent test user")
}

/// A time of day for batch templates.
pub fn clock(text: &str) -> ClockTime {
    text.parse().expect("HH:MM")
}

impl TestApp {
    /// A batch taught by `faculty`, created by `admin`, with its sessions.
    pub async fn create_batch(
        &self,
        admin: &TestUser,
        faculty: &TestUser,
        code: &str,
        days: &[Weekday],
        span: (NaiveDate, NaiveDate),
    ) -> Batch {
        let new = NewBatch {
            code: code.parse().expect("a batch code"),
            name: format!("Batch {code}").parse().expect("a title"),
            branch_id: faculty.branch_id,
            faculty_id: faculty.id,
            start_date: span.0,
            end_date: span.1,
            weekdays: Some(days.iter().copied().collect()),
            start_time: Some(clock("09:30")),
            end_time: Some(clock("11:00")),
            slots: None,
            rrule: None,
            location: Some("Room 1".into()),
        };
        batches::create(&self.db, &principal(admin), new)
            .await
            .expect("create a batch")
    }

    /// A pending ad-hoc session of `owner`, an hour long from `start`.
    pub async fn ad_hoc_session(&self, owner: &TestUser, start: DateTime<Utc>) -> Completion {
        self.ad_hoc_session_until(owner, start, start + Duration::hours(1))
            .await
    }

    /// A pending ad-hoc session of `owner` from `start` to `end`.
    pub async fn ad_hoc_session_until(
        &self,
        owner: &TestUser,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Completion {
        let new = NewCompletion {
            title: "Extra class".parse().expect("a title"),
            scheduled_start: start,
            scheduled_end: end,
            user_id: Some(owner.id),
            notes: None,
        };
        adhoc::create(&self.db, &principal(owner), new)
            .await
            .expect("create a session")
    }

    /// An ad-hoc session of `owner` held yesterday and completed with a generated code.
    pub async fn completed_session(&self, owner: &TestUser) -> Completion {
        let start = lectern_server::clock::now() - Duration::days(1);
        let session = self.ad_hoc_session(owner, start).await;
        let request = CompleteRequest {
            actual_start_time: TimeInput::Instant(start.fixed_offset()),
            actual_end_time: TimeInput::Instant((start + Duration::hours(1)).fixed_offset()),
            completion_code: None,
            notes: None,
            late_reason: None,
            delivered_by: None,
        };
        transitions::complete(&self.db, &principal(owner), session.id, request)
            .await
            .expect("complete a session")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// A branch written straight to `db`, as the command line makes one.
pub async fn seed_branch(db: &Db, code: &str, timezone: &str) -> i64 {
    let new = NewBranch {
        name: format!("Branch {code}").parse().expect("a name"),
        code: code.parse().expect("a branch code"),
        timezone: timezone.into(),
    };
    branches::create_unchecked(db, None, new)
        .await
        .expect("create a branch")
        .id
}

/// An account with [`PASSWORD`] written straight to `db`; its id.
pub async fn seed_user(db: &Db, email: &str, role: Role, branch_id: Option<i64>) -> i64 {
    let new = NewUser {
        email: email.parse().expect("an email"),
        name: format!("Test {}", role.label()).parse().expect("a name"),
        role,
        branch_id,
        password: PASSWORD.parse().expect("a password"),
        active: true,
    };
    users::create_as(db, None, new)
        .await
        .expect("create a user")
        .id
}

/// A migrated database of a test's own, on the suite's storage, with one
/// branch and one faculty member, for tests that start `lectern` processes
/// on it rather than a [`TestApp`].
pub struct Seeded {
    pub database: TestDatabase,
    pub config: Config,
    pub db: Db,
    pub branch: i64,
    pub faculty: AuthUser,
}

impl Seeded {
    pub async fn new(dir: &std::path::Path, faculty_email: &str) -> Self {
        let database = TestDatabase::create(Backend::from_env(), dir).await;
        let mut config = Config {
            data_dir: dir.to_path_buf(),
            database_url: Some(DatabaseUrl::new(database.url.clone())),
            ..Config::default()
        };
        test_storage(&mut config).await;
        let db = lectern_server::db::connect(&config).await.unwrap();
        lectern_server::db::migrate(&db).await.unwrap();
        let branch = seed_branch(&db, "PUNE", "Asia/Kolkata").await;
        let id = seed_user(&db, faculty_email, Role::Faculty, Some(branch)).await;
        Seeded {
            database,
            config,
            db,
            branch,
            faculty: AuthUser::new(id, Role::Faculty, Some(branch)).unwrap(),
        }
    }

    /// A pending ad-hoc session of the faculty member's, `length` long.
    pub async fn session(&self, title: &str, start: DateTime<Utc>, length: Duration) -> Completion {
        adhoc::create(
            &self.db,
            &self.faculty,
            NewCompletion {
                title: title.parse().unwrap(),
                scheduled_start: start,
                scheduled_end: start + length,
                user_id: None,
                notes: None,
            },
        )
        .await
        .unwrap()
    }
}

/// Signs `email` in at the server at `address`; its access token.
pub async fn login_at(client: &reqwest::Client, address: &str, email: &str) -> String {
    let answer: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{email} signs in: {answer}"))
        .to_owned()
}

/// Batch `batch`'s sessions as `token` lists them, earliest first.
pub async fn sessions_of(app: &TestApp, token: &str, batch: i64) -> Vec<Value> {
    let page: Value = json(
        app.get(&format!("/completions?batch_id={batch}&limit=100"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut items = page["items"].as_array().unwrap().clone();
    items.sort_by_key(|s| s["scheduled_start"].as_str().unwrap().to_owned());
    items
}

/// Asserts the status and that the body is a problem of that status, and returns it.
pub async fn assert_problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status, "status of {}", response.url());
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a JSON problem");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:lectern:problem:")),
        "{body}"
    );
    assert!(body["title"].is_string(), "{body}");
    body
}

pub async fn json<T: DeserializeOwned>(response: Response, status: StatusCode) -> T {
    assert_eq!(response.status(), status, "status of {}", response.url());
    response.json().await.expect("a JSON body")
}
