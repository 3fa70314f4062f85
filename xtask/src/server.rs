//! A real `lectern` server for the suites that talk to it from outside
//! (schemathesis, benchmarks): its own data folder, a free port, the demo
//! institute, and sign-in to get tokens.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::{cmd, http};

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
    configure(Command::new(binary), data_dir, port)
}

/// `lectern <args>` on one CPU core only (`taskset`), so a load generator
/// on the other core does not compete with it.
pub(crate) fn lectern_on_core(binary: &Path, data_dir: &Path, port: u16, core: usize) -> Command {
    let mut command = Command::new("taskset");
    command.args(["-c", &core.to_string()]).arg(binary);
    configure(command, data_dir, port)
}

fn configure(mut command: Command, data_dir: &Path, port: u16) -> Command {
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
            // Short, so a cold start is timed to within a few milliseconds.
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(server)
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn url_of(&self, path: &str) -> String {
        format!("{}{path}", self.url())
    }

    pub(crate) fn log(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    /// The error lines of the server's log so far. actix logs malformed
    /// request heads it refuses with 400 as errors; those are not ours.
    pub(crate) fn logged_errors(&self) -> Result<Vec<String>> {
        let log = std::fs::read_to_string(self.log())?;
        Ok(log
            .lines()
            .filter(|line| line.contains(r#""level":"ERROR""#))
            .filter(|line| !line.contains("request parse error"))
            .map(str::to_owned)
            .collect())
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

/// One exchange with a local server, as text; JSON when `json` is given.
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> Result<(u16, String)> {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let mut headers = Vec::new();
    if let Some(authorization) = &authorization {
        headers.push(("Authorization", authorization.as_str()));
    }
    if json.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    let response = http::exchange(port, method, path, &headers, json.unwrap_or("").as_bytes())?;
    Ok((response.status, response.text()))
}
