//! The SPA in Debian's Chromium, driven over WebDriver, against the real
//! server on a random port. `cargo xtask test` builds the SPA first and
//! says where (`LECTERN_SPA_DIR`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use lectern_api_types::Role;
use lectern_api_types::branches::NewBranch;
use lectern_api_types::users::NewUser;
use lectern_server::config::{DatabaseUrl, Secret};
use lectern_server::services::{branches, users};
use lectern_server::{Application, Config};
use serde_json::json;

const PASSWORD: &str = "correct horse battery staple";

struct Browser {
    client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
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

async fn browser() -> Browser {
    let chromedriver =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("starting {chromedriver}: {err}"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900"
            ]
        }),
    );
    let started = Instant::now();
    loop {
        let attempt = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(client) => return Browser { client, driver },
            Err(err) if started.elapsed() > Duration::from_secs(30) => {
                panic!("chromedriver never answered: {err}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

struct Server {
    address: String,
    db: sea_orm::DatabaseConnection,
    _data_dir: tempfile::TempDir,
}

async fn server() -> Server {
    let spa = PathBuf::from(
        std::env::var("LECTERN_SPA_DIR")
            .expect("LECTERN_SPA_DIR: run the browser tests with `cargo xtask test`"),
    );
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
        ..Config::default()
    };
    let app = Application::build(config).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Server {
        address,
        db: sea_orm::Database::connect(&url).await.unwrap(),
        _data_dir: data_dir,
    }
}

/// Waits for an element; the SPA renders after its wasm loads.
async fn find(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|err| panic!("no {css} on the page: {err}"))
}

async fn text_of(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.unwrap()
}

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("LECTERN_SCREENSHOT_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_user_signs_in_stays_signed_in_across_a_reload_and_signs_out() {
    let server = server().await;
    let branch = branches::create_unchecked(
        &server.db,
        None,
        NewBranch {
            name: "Pune".into(),
            code: "PUNE".into(),
            timezone: "Asia/Kolkata".into(),
        },
    )
    .await
    .unwrap();
    users::create_as(
        &server.db,
        None,
        NewUser {
            email: "asha@lectern.test".into(),
            name: "Asha Rao".into(),
            role: Role::Faculty,
            branch_id: Some(branch.id),
            password: PASSWORD.into(),
            active: true,
        },
    )
    .await
    .unwrap();
    let browser = browser().await;
    let client = &browser.client;

    // A signed-out visitor lands on the login form.
    client.goto(&format!("{}/", server.address)).await.unwrap();
    find(client, "form.auth-card").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/login")
    );
    std::fs::write(
        screenshot_dir().join("login.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    // A wrong password is reported, not swallowed.
    find(client, "#email")
        .await
        .send_keys("asha@lectern.test")
        .await
        .unwrap();
    find(client, "#password")
        .await
        .send_keys("wrong password")
        .await
        .unwrap();
    find(client, "button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    assert!(text_of(client, "[role=alert]").await.contains("incorrect"));

    find(client, "#password").await.clear().await.unwrap();
    find(client, "#password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    find(client, "button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Welcome, Asha Rao");
    std::fs::write(
        screenshot_dir().join("home.png"),
        client.screenshot().await.unwrap(),
    )
    .unwrap();

    // The refresh cookie carries the session over a reload.
    client.refresh().await.unwrap();
    assert_eq!(text_of(client, "main.page h1").await, "Welcome, Asha Rao");

    // Everything the page loaded came from our own server.
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
            url.starts_with(&server.address),
            "loaded from elsewhere: {url}"
        );
    }

    find(client, ".topbar button").await.click().await.unwrap();
    find(client, "form.auth-card").await;
    client.refresh().await.unwrap();
    find(client, "form.auth-card").await;
}
