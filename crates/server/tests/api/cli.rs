//! The `lectern` binary itself: accounts from the command line, the demo
//! seed, and a server that stops cleanly on SIGTERM.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use lectern_api_types::schedule::CompletionStatus;
use lectern_server::config::Config;
use lectern_server::entities::{attachment, completion};
use reqwest::StatusCode;
use sea_orm::EntityTrait as _;
use serde_json::{Value, json};

use crate::attachments::png;
use crate::cluster::slow_part;
use crate::helpers::{Backend, JWT_SECRET, Seeded, TestDatabase, login_at};

pub fn lectern(database: &TestDatabase, data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lectern"));
    command
        .env("DATABASE_URL", &database.url)
        .env_remove("LECTERN_STORAGE")
        .env("LECTERN_DATA_DIR", data_dir)
        .env("LECTERN_JWT_SECRET", JWT_SECRET)
        .env("LECTERN_STATIC_DIR", data_dir.join("no-spa"))
        .env("LECTERN_LOG_FORMAT", "json")
        .env_remove("LECTERN_CONFIG")
        .env_remove("RUST_LOG");
    command
}

fn create_user(
    database: &TestDatabase,
    dir: &Path,
    args: &[&str],
    password: &str,
) -> std::process::Output {
    let mut child = lectern(database, dir)
        .arg("create-user")
        .args(args)
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Starts `lectern serve` on a free port and returns it with its address.
fn serve(database: &TestDatabase, dir: &Path) -> (std::process::Child, String) {
    serve_with(lectern(database, dir))
}

pub fn serve_with(command: Command) -> (std::process::Child, String) {
    let (child, address, _) = serve_logged(command);
    (child, address)
}

/// The lines a server writes to its standard output, kept as they come.
pub type Log = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// Starts `command` serving on a free port; returns it, its address and
/// its log.
pub fn serve_logged(mut command: Command) -> (std::process::Child, String, Log) {
    let mut child = command
        .arg("serve")
        .env("LECTERN_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let log = Log::default();
    let (found, address) = std::sync::mpsc::channel();
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if let Some(start) = line.find("serving on http://") {
                let rest = &line[start + "serving on ".len()..];
                let address: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                let _ = found.send(address);
            }
            kept.lock().unwrap().push(line);
        }
    });
    let address = address
        .recv_timeout(Duration::from_secs(60))
        .expect("the server reports its address");
    (child, address, log)
}

#[tokio::test]
async fn an_account_made_on_the_command_line_signs_in_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;

    let made = create_user(
        &database,
        dir.path(),
        &[
            "--email",
            "Root@Lectern.test",
            "--name",
            "Root",
            "--role",
            "super_admin",
        ],
        "a long enough password\n",
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("root@lectern.test"));

    let refused = create_user(
        &database,
        dir.path(),
        &[
            "--email",
            "x@lectern.test",
            "--name",
            "X",
            "--role",
            "faculty",
            "--branch",
            "NOPE",
        ],
        "a long enough password\n",
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no branch with code NOPE"));

    let short = create_user(
        &database,
        dir.path(),
        &[
            "--email",
            "y@lectern.test",
            "--name",
            "Y",
            "--role",
            "super_admin",
        ],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password"));

    let (mut server, address) = serve(&database, dir.path());
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": "root@lectern.test", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let healthcheck = || {
        lectern(&database, dir.path())
            .arg("healthcheck")
            .env("LECTERN_BIND", address.trim_start_matches("http://"))
            .output()
            .unwrap()
    };
    let healthy = healthcheck();
    assert!(
        healthy.status.success(),
        "{}",
        String::from_utf8_lossy(&healthy.stderr)
    );

    // SIGTERM stops the server gracefully, with a successful exit.
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || server.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
    let stopped = healthcheck();
    assert!(!stopped.status.success(), "nothing answers any more");
    assert!(String::from_utf8_lossy(&stopped.stderr).contains("connecting to"));
}

#[tokio::test]
async fn the_setting_trusted_proxies_replaced_is_refused_with_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;
    let refused = lectern(&database, dir.path())
        .arg("migrate")
        .env("LECTERN_TRUST_FORWARDED_FOR", "true")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("LECTERN_TRUSTED_PROXIES"), "{said}");
}

#[tokio::test]
async fn the_demo_seed_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;

    let seeded = lectern(&database, dir.path())
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let again = lectern(&database, dir.path())
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(!again.status.success(), "a second seed is refused");

    let (mut server, address) = serve(&database, dir.path());
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": "director@lectern.test", "password": "lectern-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"]
        .as_str()
        .expect("the director signs in");
    let users: Value = client
        .get(format!("{address}/api/v1/users"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let branches: Value = client
        .get(format!("{address}/api/v1/branches"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.kill().unwrap();
    let _ = server.wait();

    let timezones: Vec<&str> = branches["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["timezone"].as_str().unwrap())
        .collect();
    assert_eq!(timezones, ["Asia/Kolkata", "Europe/London"]);
    let roles: Vec<&str> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["role"].as_str().unwrap())
        .collect();
    for role in ["super_admin", "branch_admin", "faculty", "employee"] {
        assert!(roles.contains(&role), "{role} in {roles:?}");
    }

    // Sessions in every state, some verified, past and future.
    let db = sea_orm::Database::connect(&database.url).await.unwrap();
    let sessions = completion::Entity::find().all(&db).await.unwrap();
    for status in [
        CompletionStatus::Pending,
        CompletionStatus::Completed,
        CompletionStatus::Cancelled,
    ] {
        assert!(
            sessions.iter().any(|s| s.status == status),
            "a {status} session"
        );
    }
    assert!(
        sessions.iter().any(|s| s.verified_at.is_some()),
        "a verified session"
    );
    let now = chrono::Utc::now();
    assert!(
        sessions
            .iter()
            .any(|s| s.status == CompletionStatus::Pending && s.scheduled_start > now),
        "an upcoming session"
    );
    assert!(
        sessions
            .iter()
            .any(|s| s.status == CompletionStatus::Pending && s.scheduled_end < now),
        "an overdue session"
    );
}

/// The binary's environment for the storage a test configuration names.
/// `command` keeps its attachments where `config` says, as every server
/// of a cluster must.
pub fn storage_env(command: &mut Command, config: &Config) {
    command.env("LECTERN_STORAGE", &config.storage);
    for (var, value) in [
        ("LECTERN_S3_ENDPOINT", &config.s3_endpoint),
        ("LECTERN_S3_REGION", &config.s3_region),
        ("LECTERN_S3_ACCESS_KEY_ID", &config.s3_access_key_id),
    ] {
        if let Some(value) = value {
            command.env(var, value);
        }
    }
    if let Some(secret) = &config.s3_secret_access_key {
        command.env("LECTERN_S3_SECRET_ACCESS_KEY", secret.expose());
    }
}

#[tokio::test]
async fn a_server_killed_mid_upload_leaves_every_file_with_its_row_and_no_temporaries() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = Seeded::new(dir.path(), "crash@lectern.test").await;
    let (database, config, db) = (&seeded.database, &seeded.config, &seeded.db);
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    let session = seeded
        .session("Recorded class", start, chrono::Duration::hours(1))
        .await;

    let start_server = || {
        let mut command = lectern(database, dir.path());
        // A lone server may sweep every orphan at start: nothing can be in flight.
        command.env("LECTERN_ORPHAN_GRACE_SECONDS", "0");
        storage_env(&mut command, config);
        serve_with(command)
    };
    let (mut server, address) = start_server();
    let client = reqwest::Client::new();
    let token = login_at(&client, &address, "crash@lectern.test").await;
    let url = format!("{address}/api/v1/completions/{}/attachments", session.id);
    let send = |part: reqwest::multipart::Part| {
        client
            .post(&url)
            .bearer_auth(&token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };

    // Some uploads finish, others are still trickling in when the server dies.
    let mut finished = 0;
    for n in 0..3 {
        let response = send(
            reqwest::multipart::Part::bytes(png(50_000 + n)).file_name(format!("done-{n}.png")),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        finished += 1;
    }
    let in_flight: Vec<_> = (0..4)
        .map(|n| {
            tokio::spawn(send(slow_part(
                &png(2_000_000),
                4.0 + f64::from(n),
                &format!("slow-{n}.png"),
            )))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let temporaries = |dir: &Path| {
        std::fs::read_dir(dir.join("uploads"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    assert!(
        temporaries(dir.path()) > 0,
        "the crash must come while uploads are being received"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    for upload in in_flight {
        assert!(
            upload.await.unwrap().is_err(),
            "an upload cut off by the crash fails"
        );
    }

    // At start-up the server sweeps what the crash left.
    let (mut server, _) = start_server();
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    server.wait().unwrap();

    let rows = attachment::Entity::find().all(db).await.unwrap();
    let mut row_keys: Vec<String> = rows.iter().map(|row| row.storage_key.clone()).collect();
    let store = lectern_server::storage::from_config(config).unwrap();
    let mut file_keys: Vec<String> = store
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|object| object.key)
        .collect();
    row_keys.sort();
    file_keys.sort();
    assert_eq!(rows.len(), finished);
    assert_eq!(
        row_keys, file_keys,
        "every row has its file and every file its row"
    );
    assert_eq!(temporaries(dir.path()), 0, "no temporary upload is left");
}
