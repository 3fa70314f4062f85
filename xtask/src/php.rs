//! The PHP anchor of `cargo xtask bench`: the list and get actions of the
//! PHP module Lectern replaces (`crates/bench/assets/php/lectern.php`),
//! behind nginx and PHP-FPM from Debian's packages, on the server's core
//! and the server's SQLite file.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::bench::{Nginx, bench_dir, running_as_root};
use crate::{http, root};

/// PHP-FPM's workers: a static pool, as a tuned deployment runs, large
/// enough that one waiting on SQLite never idles the core.
const WORKERS: usize = 8;

/// The PHP-FPM binary Debian installs under its version's name.
pub(crate) fn fpm_binary() -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/sbin")?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("php-fpm"))
        })
        .collect();
    found.sort();
    found
        .pop()
        .context("the benchmarks need PHP-FPM (apt-get install php-fpm php-sqlite3)")
}

pub(crate) struct PhpAnchor {
    fpm: Child,
    nginx: Nginx,
}

impl PhpAnchor {
    /// PHP-FPM and nginx on `core`, reading the SQLite database at `database`.
    pub(crate) fn start(database: &Path, core: usize) -> Result<Self> {
        let dir = bench_dir().join("php");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(dir.join("sessions"))?;
        let socket = dir.join("php-fpm.sock");
        let user = if running_as_root() {
            "user = root\ngroup = root\n"
        } else {
            ""
        };
        let conf = format!(
            "[global]\npid = {pid}\nerror_log = {log}\ndaemonize = no\n\
             [lectern]\n{user}listen = {socket}\npm = static\npm.max_children = {WORKERS}\n\
             env[LECTERN_SQLITE] = {database}\n\
             php_admin_value[session.save_path] = {sessions}\n\
             php_admin_value[display_errors] = Off\n",
            pid = dir.join("php-fpm.pid").display(),
            log = dir.join("php-fpm.log").display(),
            socket = socket.display(),
            database = database.display(),
            sessions = dir.join("sessions").display(),
        );
        let conf_path = dir.join("php-fpm.conf");
        std::fs::write(&conf_path, conf)?;
        let mut command = Command::new("taskset");
        command
            .args(["-c", &core.to_string()])
            .arg(fpm_binary()?)
            .args(["--nodaemonize", "--fpm-config"])
            .arg(&conf_path);
        if running_as_root() {
            command.arg("--allow-to-run-as-root");
        }
        let fpm = command
            .stdin(Stdio::null())
            .spawn()
            .context("starting PHP-FPM")?;
        let started = Instant::now();
        while !socket.exists() {
            if started.elapsed() > Duration::from_secs(10) {
                bail!(
                    "PHP-FPM did not listen; see {}",
                    dir.join("php-fpm.log").display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let script = root()
            .join("crates")
            .join("bench")
            .join("assets")
            .join("php")
            .join("lectern.php");
        // Every API path goes to the one script, as the module's router did.
        let locations = format!(
            "location /api/v1/ {{ fastcgi_pass unix:{socket}; \
             fastcgi_param SCRIPT_FILENAME {script}; \
             fastcgi_param REQUEST_METHOD $request_method; \
             fastcgi_param REQUEST_URI $request_uri; \
             fastcgi_param QUERY_STRING $query_string; \
             fastcgi_param CONTENT_TYPE $content_type; \
             fastcgi_param CONTENT_LENGTH $content_length; \
             fastcgi_param SERVER_PROTOCOL $server_protocol; }}",
            socket = socket.display(),
            script = script.display(),
        );
        let nginx = Nginx::with_locations("php-nginx", &dir, &locations)?;
        Ok(Self { fpm, nginx })
    }

    /// Signs in as `email` and answers the `Cookie` header of its session.
    pub(crate) fn login(&self, email: &str, password: &str) -> Result<String> {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        let response = http::exchange(
            self.nginx.port(),
            "POST",
            "/api/v1/auth/login",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )?;
        if response.status != 200 {
            bail!(
                "signing in to the PHP anchor as {email} answered {}: {}",
                response.status,
                response.text()
            );
        }
        let cookie = response
            .header("Set-Cookie")
            .and_then(|cookie| cookie.split(';').next())
            .context("the PHP anchor set no session cookie")?;
        Ok(format!("Cookie: {cookie}"))
    }

    pub(crate) fn url_of(&self, path: &str) -> String {
        self.nginx.url_of(path)
    }
}

impl Drop for PhpAnchor {
    fn drop(&mut self) {
        // TERM lets the master stop its workers.
        let _ = Command::new("kill").arg(self.fpm.id().to_string()).status();
        let _ = self.fpm.wait();
    }
}
