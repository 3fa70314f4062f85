//! A real `lectern` server for the suites that talk to it from outside
//! (schemathesis, benchmarks): its own data folder, a free port, the demo
//! institute, and sign-in to get tokens.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::cmd;

/// Every demo account's password (`lectern seed-demo`).
pub(crate) const DEMO_PASSWORD: &str = "lectern-demo";

pub(crate) struct LocalServer {
    child: Child,
    port: u16,
    pub(crate) data_dir: PathBuf,
}

/// Builds the `lectern` binary (debug or release) and returns its path.
pub(crate) fn build(release: bool) -> Result<PathBuf> {
    let mut build = cmd::cargo(["build", "-p", "lectern-server", "--bin", "lectern"]);
    if release {
        build.arg("--release");
    }
    cmd::run(&mut build)?;
    Ok(cmd::target_dir()
        .join(if release { "release" } else { "debug" })
        .join("lectern"))
}

/// `lectern <args>` with the environment every local server of ours gets.
pub(crate) fn lectern(binary: &Path, data_dir: &Path, port: u16) -> Command {
    let mut command = Command::new(binary);
    command
        .env("LECTERN_DATA_DIR", data_dir)
        .env("LECTERN_BIND", format!("127.0.0.1:{port}"))
        .env("LECTERN_LOG_FORMAT", "json")
        // Suites sign in far more often than people do.
        .env("LECTERN_LOGIN_ATTEMPTS_PER_ACCOUNT", "1000000")
        .env("LECTERN_LOGIN_ATTEMPTS_PER_ADDRESS", "1000000")
        .env_remove("DATABASE_URL")
        .current_dir(crate::root());
    command
}

pub(crate) fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl LocalServer {
    /// A fresh data folder under the target folder, migrated and seeded
    /// with the demo institute.
    pub(crate) fn seeded(binary: &Path, name: &str) -> Result<(PathBuf, u16)> {
        let data_dir = cmd::target_dir().join(name);
        if data_dir.exists() {
            std::fs::remove_dir_all(&data_dir)?;
        }
        std::fs::create_dir_all(&data_dir)?;
        let port = free_port()?;
        cmd::output(lectern(binary, &data_dir, port).arg("migrate"))?;
        cmd::output(lectern(binary, &data_dir, port).arg("seed-demo"))?;
        Ok((data_dir, port))
    }

    /// Starts `command` (a `lectern serve`), logging to `<data_dir>/server.log`,
    /// and waits until it answers.
    pub(crate) fn start(mut command: Command, data_dir: PathBuf, port: u16) -> Result<Self> {
        let log = std::fs::File::create(data_dir.join("server.log"))?;
        let child = command
            .arg("serve")
            .stdout(log.try_clone()?)
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .context("starting lectern serve")?;
        let mut server = Self {
            child,
            port,
            data_dir,
        };
        let started = Instant::now();
        while server.get("/healthz").is_err() {
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "lectern serve exited ({status}); see {}",
                    server.log().display()
                );
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("lectern serve did not answer on port {port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn log(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    /// An access token for a demo account.
    pub(crate) fn login(&self, email: &str) -> Result<String> {
        let body = serde_json::json!({"email": email, "password": DEMO_PASSWORD}).to_string();
        let (status, response) =
            request(self.port, "POST", "/api/v1/auth/login", None, Some(&body))?;
        if status != 200 {
            bail!("signing in as {email} answered {status}: {response}");
        }
        let value: serde_json::Value = serde_json::from_str(&response)?;
        value["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access_token in the sign-in answer")
    }

    pub(crate) fn get(&self, path: &str) -> Result<String> {
        let (status, body) = request(self.port, "GET", path, None, None)?;
        if status != 200 {
            bail!("GET {path} answered {status}");
        }
        Ok(body)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange on a fresh connection; enough for setup calls,
/// which is all xtask makes (load comes from wrk, fuzzing from schemathesis).
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = json.unwrap_or("");
    if json.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("an HTTP answer without a header end")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("an HTTP answer without a status")?;
    Ok((status, body.to_owned()))
}
