//! Chromium through chromedriver, the real server on a random port over a
//! fresh SQLite database, and the people and sessions the tests need.

use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Asia::Kolkata;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use lectern_api_types::Role;
use lectern_api_types::batches::NewBatch;
use lectern_api_types::branches::NewBranch;
use lectern_api_types::schedule::Weekday;
use lectern_api_types::sessions::CompleteRequest;
use lectern_api_types::time::TimeInput;
use lectern_api_types::users::NewUser;
use lectern_server::config::{DatabaseUrl, Secret};
use lectern_server::domain::AuthUser;
use lectern_server::entities::{completion, user};
use lectern_server::services::sessions::transitions;
use lectern_server::services::{batches, branches, users};
use lectern_server::{Application, Config};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::json;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Browser {
    pub client: Client,
    driver: Child,
    /// Where the browser saves what it downloads.
    pub downloads: tempfile::TempDir,
}

impl Drop for Browser {
    /// Ends chromedriver and the Chromium it started. Killing chromedriver
    /// alone orphans Chromium, and every test would leave one behind, busy
    /// drawing its page, until the machine is too loaded for the next test.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Headless Chromium showing `width`×`height` CSS pixels; narrow sizes are
/// emulated as a phone, since a headless window is never under 500 pixels.
pub async fn browser(width: u32, height: u32) -> Browser {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        // A group of its own, which Chromium joins, to end them together.
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("starting {chromedriver}: {err}"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut capabilities = serde_json::Map::new();
    let downloads = tempfile::tempdir().unwrap();
    let mut options = json!({
        "binary": chromium,
        "prefs": {
            "download.default_directory": downloads.path(),
            "download.prompt_for_download": false
        },
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", format!("--window-size={},{}", width.max(500), height)
        ]
    });
    if width < 500 {
        options["mobileEmulation"] = json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2, "touch": true}});
    }
    capabilities.insert("goog:chromeOptions".into(), options);
    let started = Instant::now();
    loop {
        let attempt = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(client) => {
                return Browser {
                    client,
                    driver,
                    downloads,
                };
            }
            Err(err) if started.elapsed() > Duration::from_secs(30) => {
                panic!("chromedriver never answered: {err}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// The server, its database, and an institute: one branch in Kolkata with an
/// admin, a faculty member, and a daily batch around today; and a super admin.
pub struct World {
    pub address: String,
    pub db: lectern_server::db::Db,
    pub admin: String,
    /// A super admin, of no branch.
    pub director: String,
    pub faculty: String,
    _data_dir: tempfile::TempDir,
}

/// The built SPA that `cargo xtask test` names.
pub fn spa_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("LECTERN_SPA_DIR")
            .expect("LECTERN_SPA_DIR: run the browser tests with `cargo xtask test`"),
    )
}

pub async fn world() -> World {
    world_serving(spa_dir()).await
}

/// [`world`], serving the SPA in `spa`.
pub async fn world_serving(spa: PathBuf) -> World {
    assert!(
        spa.join("index.html").is_file(),
        "no built SPA in {}",
        spa.display()
    );
    let data_dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        data_dir.path().join("e2e.sqlite").display()
    );
    let config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_path_buf(),
        database_url: Some(DatabaseUrl::new(url.clone())),
        jwt_secret: Some(Secret::new("browser-test-secret-long-enough-for-hs256")),
        static_dir: spa,
        // The webhook test's receiver listens on loopback.
        webhook_allow_private: true,
        outbox_poll_millis: 100,
        ..Config::default()
    };
    let app = Application::build(config).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let db = lectern_server::db::Db::new(sea_orm::Database::connect(&url).await.unwrap());

    let branch = branches::create_unchecked(
        &db,
        None,
        NewBranch {
            name: "Pune Central".parse().unwrap(),
            code: "PUNE".parse().unwrap(),
            timezone: "Asia/Kolkata".into(),
        },
    )
    .await
    .unwrap();
    let person = |email: &str, name: &str, role: Role| NewUser {
        email: email.parse().unwrap(),
        name: name.parse().unwrap(),
        role,
        branch_id: Some(branch.id),
        password: PASSWORD.parse().unwrap(),
        active: true,
    };
    let admin = users::create_as(
        &db,
        None,
        person("rahul@lectern.test", "Rahul Deshpande", Role::BranchAdmin),
    )
    .await
    .unwrap();
    let director = users::create_as(
        &db,
        None,
        NewUser {
            branch_id: None,
            ..person("meera@lectern.test", "Meera Iyer", Role::SuperAdmin)
        },
    )
    .await
    .unwrap();
    let faculty = users::create_as(
        &db,
        None,
        person("asha@lectern.test", "Asha Rao", Role::Faculty),
    )
    .await
    .unwrap();
    let today = branch_today();
    let batch = NewBatch {
        code: "RUST-101".parse().unwrap(),
        name: "Rust Foundations".parse().unwrap(),
        branch_id: None,
        faculty_id: faculty.id,
        start_date: today - Days::days(2),
        end_date: today + Days::days(3),
        weekdays: Some(Weekday::ALL.into_iter().collect()),
        start_time: Some("06:00".parse().unwrap()),
        end_time: Some("07:00".parse().unwrap()),
        slots: None,
        rrule: None,
        location: Some("Lab 2".into()),
    };
    let principal = AuthUser::new(admin.id, Role::BranchAdmin, Some(branch.id)).unwrap();
    batches::create(&db, &principal, batch).await.unwrap();
    World {
        address,
        db,
        admin: admin.email,
        director: director.email,
        faculty: faculty.email,
        _data_dir: data_dir,
    }
}

/// The branch's today, not UTC's: from 18:30 UTC Kolkata is already on the
/// next day, and the tests count sittings by the branch's calendar.
pub fn branch_today() -> NaiveDate {
    Utc::now().with_timezone(&Kolkata).date_naive()
}

/// The world's sittings, oldest first, as (start, end): daily 06:00–07:00 in
/// Kolkata from two days before the branch's today to three days after.
/// Early morning in Kolkata is the night before in UTC, so whatever the hour
/// the tests run, the first two are over and the last three are ahead.
pub fn sittings() -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |date: NaiveDate, hour| {
        Kolkata
            .from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()))
            .unwrap()
            .with_timezone(&Utc)
    };
    (0..6)
        .map(|day| branch_today() - Days::days(2) + Days::days(day))
        .map(|date| (at(date, 6), at(date, 7)))
        .collect()
}

impl World {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

/// Waits for an element; the SPA renders after its wasm loads.
pub async fn find(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|err| panic!("no {css} on the page: {err}"))
}

/// Clicks `element` as a person would: scrolled to the middle of the
/// window first, where the notice fixed at the bottom does not cover it
/// (WebDriver scrolls only as far as the element's edge).
async fn click_centred(client: &Client, element: Element) {
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .unwrap();
    element.click().await.unwrap();
}

/// Clicks the element `css` finds, once it is there.
pub async fn click(client: &Client, css: &str) {
    let element = find(client, css).await;
    click_centred(client, element).await;
}

/// Clicks the button, or the link styled as one, that reads `label`.
pub async fn press(client: &Client, label: &str) {
    let element = client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&format!(
            "//button[normalize-space()='{label}'] | //a[normalize-space()='{label}']"
        )))
        .await
        .unwrap_or_else(|err| panic!("no button {label:?} on the page: {err}"));
    click_centred(client, element).await;
}

/// Replaces what the field `css` holds by `text`.
pub async fn fill(client: &Client, css: &str, text: &str) {
    let field = find(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Sets a date or time input as the page would see a person pick it:
/// typing into one depends on the browser's locale.
pub async fn pick_value(client: &Client, css: &str, value: &str) {
    find(client, css).await;
    client
        .execute(
            "const input = document.querySelector(arguments[0]);
             input.value = arguments[1];
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap();
}

/// Waits until the input `css` holds `expected`.
pub async fn wait_for_value(client: &Client, css: &str, expected: &str) {
    let started = Instant::now();
    loop {
        let value = find(client, css).await.prop("value").await.unwrap();
        if value.as_deref() == Some(expected) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css} holds {value:?}, never {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the type-ahead `input` offers exactly `expected`.
pub async fn wait_for_offers(client: &Client, input: &str, expected: &[&str]) {
    let started = Instant::now();
    loop {
        let offered = client
            .execute(
                "return [...document.querySelectorAll(`${arguments[0]}-choices option`)].map(o => o.value)",
                vec![json!(input)],
            )
            .await
            .unwrap();
        if offered == json!(expected) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{input} offers {offered}, never {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn text_of(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.unwrap()
}

/// Waits until the element's text contains `needle`.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let text = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.ok(),
            Err(_) => None,
        };
        if let Some(text) = text.filter(|text| text.contains(needle)) {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{css} never showed {needle:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn sign_out(client: &Client) {
    // On a phone the account menu is folded away behind its button.
    let toggle = find(client, ".menu-toggle").await;
    if toggle.is_displayed().await.unwrap_or(false) {
        toggle.click().await.unwrap();
    }
    find(client, ".sign-out").await.click().await.unwrap();
    find(client, "form.auth-card").await;
}

pub async fn sign_in(client: &Client, world: &World, email: &str) {
    client.goto(&world.url("/login")).await.unwrap();
    find(client, "#email").await.send_keys(email).await.unwrap();
    find(client, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    find(client, "form.auth-card button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    find(client, ".topbar").await;
}

/// The faculty member records the first sitting (long over) as held for
/// `minutes` from its scheduled start, with `code`, through the service the
/// API calls; answers the session as it was before.
pub async fn complete_first_sitting(
    world: &World,
    code: &str,
    minutes: i64,
    notes: Option<&str>,
) -> completion::Model {
    let faculty = user::Entity::find()
        .filter(user::Column::Email.eq(&world.faculty))
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    let first = completion::Entity::find()
        .order_by_asc(completion::Column::ScheduledStart)
        .one(&world.db)
        .await
        .unwrap()
        .unwrap();
    assert!(first.scheduled_end < Utc::now() - Days::minutes(1));
    let owner = AuthUser::new(faculty.id, Role::Faculty, faculty.branch_id).unwrap();
    let request = CompleteRequest {
        actual_start_time: TimeInput::Instant(first.scheduled_start.fixed_offset()),
        actual_end_time: TimeInput::Instant(
            (first.scheduled_start + Days::minutes(minutes)).fixed_offset(),
        ),
        completion_code: Some(code.parse().unwrap()),
        notes: notes.map(str::to_owned),
        late_reason: None,
        delivered_by: None,
    };
    transitions::complete(&world.db, &owner, first.id, request)
        .await
        .unwrap();
    first
}

pub fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("LECTERN_SCREENSHOT_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn screenshot(client: &Client, name: &str) {
    std::fs::write(
        screenshot_dir().join(format!("{name}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
}

/// Every resource the page loaded came from our own server.
pub async fn assert_only_own_origin(client: &Client, world: &World) {
    let resources = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)",
            vec![],
        )
        .await
        .unwrap();
    let resources: Vec<String> = serde_json::from_value(resources).unwrap();
    assert!(!resources.is_empty());
    for url in &resources {
        assert!(
            url.starts_with(&world.address),
            "loaded from elsewhere: {url}"
        );
    }
}

/// Whether the page is wider than the window (a phone would scroll sideways).
pub async fn scrolls_sideways(client: &Client) -> bool {
    let wider = client
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    wider.as_bool().unwrap_or(true)
}

/// A small real PNG.
pub fn png() -> Vec<u8> {
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82".to_vec()
}
