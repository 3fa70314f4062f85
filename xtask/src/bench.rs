//! `cargo xtask bench`: Lectern measured against anchors in the same run
//! (SQL straight on the database, nginx, dd), written to docs/benchmarks.md.
//!
//! The server runs on core 0 and every load generator on core 1 (`taskset`);
//! each figure is the median of several runs. Machines here are shared, so
//! only the ratios are meant to travel.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

use crate::php::PhpAnchor;
use crate::server::{self, LocalServer};
use crate::{backends, cmd, http, report, root, spa};

pub(crate) const SMALL: usize = 10_000;
const CONNECTIONS: usize = 64;
const SERVER_CORE: usize = 0;
const LOAD_CORE: usize = 1;
const FILE_BYTES: u64 = 100_000_000;
const RANGE_BYTES: u64 = 1 << 20;
pub(crate) const DIRECTOR: &str = "director@lectern.test";

pub(crate) struct Settings {
    pub(crate) runs: usize,
    pub(crate) seconds: u64,
    pub(crate) large: usize,
    pub(crate) reseed: bool,
}

/// The two built programs.
pub(crate) struct Binaries {
    pub(crate) lectern: PathBuf,
    pub(crate) bench: PathBuf,
}

/// Both in one cargo run, so their shared dependencies are built once with
/// one feature set.
pub(crate) fn build() -> Result<Binaries> {
    cmd::run(&mut cmd::cargo([
        "build",
        "--release",
        "-p",
        "lectern-server",
        "-p",
        "lectern-bench",
        "--bins",
    ]))?;
    let release = cmd::target_dir().join("release");
    Ok(Binaries {
        lectern: release.join("lectern"),
        bench: release.join("lectern-bench"),
    })
}

pub(crate) fn bench_dir() -> PathBuf {
    cmd::target_dir().join("bench")
}

pub(crate) fn run(settings: &Settings) -> Result<()> {
    require_tools(&["wrk", "nginx", "pgbench", "psql", "taskset"])?;
    crate::php::fpm_binary()?;
    if !backends::SERVERS[0].answers() {
        bail!(
            "PostgreSQL does not answer at {}",
            backends::SERVERS[0].url()
        );
    }
    let binaries = build()?;
    spa::build()?;
    std::fs::create_dir_all(bench_dir())?;
    let mut out = report::Section::new(settings.runs, settings.seconds)?;

    let mut scale = Vec::new();
    let mut accounts = Vec::new();
    let mut dashboards = Vec::new();
    let mut codings = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let small = Dataset::prepare(&binaries, "bench", backend, SMALL, settings.reseed)?;
        let large = Dataset::prepare(&binaries, "bench", backend, settings.large, settings.reseed)?;
        let (list, get) = {
            let server = small.serve(&binaries)?;
            let list = list_load(settings, &server)?;
            let token = server.login(DIRECTOR)?;
            let get = median(settings, || {
                wrk(
                    settings.seconds,
                    &server.url_of("/api/v1/completions"),
                    &token,
                    &[
                        ("WRK_MODE", "get".into()),
                        ("WRK_MAX_ID", small.max_id.to_string()),
                    ],
                )
            })?;
            if backend == Backend::Sqlite {
                codings = coded_lists(settings, &server)?;
            }
            (list, get)
        };
        // The same list when every request reads the account afresh,
        // which is what the account cache saves.
        let uncached = list_load(
            settings,
            &small.serve_with(&binaries, &[("LECTERN_ACCOUNT_CACHE_SECONDS", "0")])?,
        )?;
        accounts.push((backend.name(), list, uncached));
        let sql_list = median(settings, || small.sql(&binaries, "list", settings.seconds))?;
        let sql_get = median(settings, || small.sql(&binaries, "get", settings.seconds))?;
        out.reads(backend.name(), "list", &list, &sql_list);
        out.reads(backend.name(), "get", &get, &sql_get);
        if backend == Backend::Sqlite {
            // The limit: the same statements through rusqlite, prepared
            // and cached (sqlx's SQLite driver is slow itself).
            let fastest_list = median(settings, || {
                small.rusqlite(&binaries, "list", settings.seconds)
            })?;
            let fastest_get = median(settings, || {
                small.rusqlite(&binaries, "get", settings.seconds)
            })?;
            out.reads(RUSQLITE, "list", &list, &fastest_list);
            out.reads(RUSQLITE, "get", &get, &fastest_get);
            against_php(settings, &binaries, &small, (&list, &get), &mut out)?;
        }

        let (summary, breakdown, search) = dashboard_loads(settings, &small.serve(&binaries)?)?;
        dashboards.push(report::Dashboard {
            backend: backend.name(),
            sessions: SMALL,
            list,
            summary,
            breakdown,
            search,
        });
        let large_server = large.serve(&binaries)?;
        let large_list = list_load(settings, &large_server)?;
        let (summary, breakdown, search) = dashboard_loads(settings, &large_server)?;
        dashboards.push(report::Dashboard {
            backend: backend.name(),
            sessions: settings.large,
            list: large_list,
            summary,
            breakdown,
            search,
        });
        scale.push((backend.name(), list, large_list));
    }
    out.scale(settings.large, &scale);
    out.account_reads(&accounts);
    out.dashboards(&dashboards);
    export(&binaries, settings, &mut out)?;
    out.codings(&codings);

    let files = Dataset::prepare(&binaries, "files", Backend::Sqlite, 0, true)?;
    no_database_route(settings, &binaries, &files, &mut out)?;
    attachments(settings, &binaries, &files, &mut out)?;
    footprint(settings, &binaries, &files, &mut out)?;

    out.write_to(&root().join("docs").join("benchmarks.md"))
}

/// `GET /completions?limit=20` as the super admin, the list of tables 1
/// and 2.
fn list_load(settings: &Settings, server: &LocalServer) -> Result<Load> {
    let token = server.login(DIRECTOR)?;
    median(settings, || {
        wrk(
            settings.seconds,
            &server.url_of("/api/v1/completions?limit=20"),
            &token,
            &[],
        )
    })
}

/// The `Accept-Encoding` headers of table 2e, none first, each with the
/// coding it gets and who sends it.
const CODINGS: [(Option<&str>, &str); 4] = [
    (None, "none (table 1's list)"),
    (Some("gzip, deflate, br, zstd"), "zstd (Chromium, Firefox)"),
    (Some("gzip, deflate, br"), "gzip (Safari)"),
    (Some("br"), "br (a client taking only it)"),
];

/// [`list_load`] as each of [`CODINGS`] asks for it, one after another,
/// so that their ratios come from the same minutes.
fn coded_lists(settings: &Settings, server: &LocalServer) -> Result<Vec<(&'static str, Load)>> {
    let token = server.login(DIRECTOR)?;
    CODINGS
        .iter()
        .map(|&(accept, coding)| {
            let headers: Vec<String> = std::iter::once(format!("Authorization: Bearer {token}"))
                .chain(accept.map(|accept| format!("Accept-Encoding: {accept}")))
                .collect();
            let load = median(settings, || {
                wrk_with(settings.seconds, &server.url_of(LIST), &headers, &[])
            })?;
            Ok((coding, load))
        })
        .collect()
}

/// The table rows of Lectern against the PHP module it replaces.
const PHP: &str = "SQLite (nginx + PHP-FPM)";
const PHP_TEACHER: &str = "SQLite (nginx + PHP-FPM), as a teacher";

/// A demo teacher with sessions of her own in every dataset.
const TEACHER: &str = "asha@lectern.test";

const LIST: &str = "/api/v1/completions?limit=20";
const GET: &str = "/api/v1/completions";

/// Table 1's rows against the PHP anchor: the super admin's list and get
/// (Lectern's already measured as `ours`), then a teacher's own list and
/// gets of her own sessions, on both.
fn against_php(
    settings: &Settings,
    binaries: &Binaries,
    dataset: &Dataset,
    ours: (&Load, &Load),
    out: &mut report::Section,
) -> Result<()> {
    let gets = |ids: &str| {
        [
            ("WRK_MODE", "get".to_owned()),
            ("WRK_MAX_ID", dataset.max_id.to_string()),
            ("WRK_IDS", ids.to_owned()),
        ]
    };
    let (teacher_list, teacher_get, own_ids) = {
        let server = dataset.serve(binaries)?;
        let token = server.login(TEACHER)?;
        let (status, page) = server::request(server.port(), "GET", LIST, Some(&token), None)?;
        if status != 200 {
            bail!("{TEACHER}'s list answered {status}: {page}");
        }
        let page: Value = serde_json::from_str(&page)?;
        let own_ids: Vec<String> = page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["id"].as_i64().map(|id| id.to_string()))
            .collect();
        if own_ids.is_empty() {
            bail!("{TEACHER} has no sessions in the dataset");
        }
        let own_ids = own_ids.join(",");
        let list = median(settings, || {
            wrk(settings.seconds, &server.url_of(LIST), &token, &[])
        })?;
        let get = median(settings, || {
            wrk(
                settings.seconds,
                &server.url_of(GET),
                &token,
                &gets(&own_ids),
            )
        })?;
        (list, get, own_ids)
    };
    let php = PhpAnchor::start(&dataset.data_dir.join("lectern.sqlite"), SERVER_CORE)?;
    let load = |email: &str, path: &str, env: &[(&str, String)]| {
        let cookie = php.login(email, server::DEMO_PASSWORD)?;
        median(settings, || {
            wrk_with(
                settings.seconds,
                &php.url_of(path),
                std::slice::from_ref(&cookie),
                env,
            )
        })
    };
    out.reads(PHP, "list", ours.0, &load(DIRECTOR, LIST, &[])?);
    out.reads(PHP, "get", ours.1, &load(DIRECTOR, GET, &gets(""))?);
    out.reads(
        PHP_TEACHER,
        "list",
        &teacher_list,
        &load(TEACHER, LIST, &[])?,
    );
    out.reads(
        PHP_TEACHER,
        "get",
        &teacher_get,
        &load(TEACHER, GET, &gets(&own_ids))?,
    );
    Ok(())
}

/// The dashboard's two reads as the super admin (one branch's figures for
/// last month, and the same broken down by faculty) and a search of the
/// whole list that matches nothing.
/// The table row of the SQLite reads against rusqlite.
const RUSQLITE: &str = "SQLite (rusqlite, cached statements)";

/// A load `lectern-bench` measured, from its JSON.
fn load_of(output: &[u8]) -> Result<Load> {
    let value: Value = serde_json::from_slice(output)?;
    let number = |key: &str| value[key].as_f64().unwrap_or(f64::NAN);
    Ok(Load {
        rps: number("requests") / number("seconds"),
        p50_ms: number("p50_ms"),
        p95_ms: number("p95_ms"),
        p99_ms: number("p99_ms"),
        bytes_per_s: 0.0,
    })
}

fn dashboard_loads(settings: &Settings, server: &LocalServer) -> Result<(Load, Load, Load)> {
    let token = server.login(DIRECTOR)?;
    let (from, to) = last_month();
    let range = format!("branch_id=1&from={from}&to={to}");
    let load = |path: String| {
        median(settings, || {
            wrk(settings.seconds, &server.url_of(&path), &token, &[])
        })
    };
    Ok((
        load(format!("/api/v1/stats/summary?{range}"))?,
        load(format!("/api/v1/stats/breakdown?group_by=faculty&{range}"))?,
        load("/api/v1/completions?limit=20&q=zyzzyva".to_owned())?,
    ))
}

/// The first and last day of last month (UTC), as `YYYY-MM-DD`.
fn last_month() -> (String, String) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() / 86_400) as i64;
    let (_, _, day) = civil_from_days(days);
    let (last_year, last_month, last_day) = civil_from_days(days - day);
    (
        format!("{last_year:04}-{last_month:02}-01"),
        format!("{last_year:04}-{last_month:02}-{last_day:02}"),
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Rows exported as CSV in one go, against the server's memory.
const EXPORT_ROWS: usize = 100_000;

/// Every session of a SQLite database of [`EXPORT_ROWS`] sessions as one
/// CSV export: rows per second, and the server's peak resident memory.
fn export(binaries: &Binaries, settings: &Settings, out: &mut report::Section) -> Result<()> {
    let dataset = Dataset::prepare(
        binaries,
        "export",
        Backend::Sqlite,
        EXPORT_ROWS,
        settings.reseed,
    )?;
    let server = dataset.serve(binaries)?;
    let token = server.login(DIRECTOR)?;
    let authorization = format!("Bearer {token}");
    let before = proc_status_kib(server.pid(), "VmRSS:")?;
    reset_peak(server.pid())?;
    let started = Instant::now();
    let response = http::exchange(
        server.port(),
        "GET",
        "/api/v1/completions/export?format=csv",
        &[("Authorization", authorization.as_str())],
        b"",
    )?;
    let seconds = started.elapsed().as_secs_f64();
    if response.status != 200 {
        bail!("the CSV export answered {}", response.status);
    }
    let rows = response
        .body
        .iter()
        .filter(|byte| **byte == b'\n')
        .count()
        .saturating_sub(1);
    if rows < EXPORT_ROWS {
        bail!("the CSV export held {rows} rows, fewer than the {EXPORT_ROWS} seeded");
    }
    let peak = proc_status_kib(server.pid(), "VmHWM:")?;
    out.export(rows, seconds, response.body.len(), before, peak);
    Ok(())
}

fn require_tools(tools: &[&str]) -> Result<()> {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .map_or(true, |status| !status.success())
        })
        .collect();
    if !missing.is_empty() {
        bail!(
            "the benchmarks need {} (apt-get install wrk nginx-light php-fpm php-sqlite3 postgresql-client util-linux)",
            missing.join(", ")
        );
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A seeded database and the data folder of the servers that use it.
pub(crate) struct Dataset {
    backend: Backend,
    pub(crate) data_dir: PathBuf,
    database: String,
    pub(crate) max_id: i64,
}

impl Dataset {
    /// The demo institute plus `sessions` generated ones, reused from an
    /// earlier run unless `reseed`.
    pub(crate) fn prepare(
        binaries: &Binaries,
        purpose: &str,
        backend: Backend,
        sessions: usize,
        reseed: bool,
    ) -> Result<Self> {
        let name = match backend {
            Backend::Sqlite => format!("{purpose}-sqlite-{sessions}"),
            Backend::Postgres => format!("{purpose}-postgres-{sessions}"),
        };
        let data_dir = bench_dir().join(&name);
        let database = format!("lectern_{purpose}_{sessions}");
        let marker = data_dir.join("dataset.json");
        if !reseed && let Ok(text) = std::fs::read_to_string(&marker) {
            let value: Value = serde_json::from_str(&text)?;
            if let Some(max_id) = value["max_session_id"].as_i64() {
                return Ok(Self {
                    backend,
                    data_dir,
                    database,
                    max_id,
                });
            }
        }
        if data_dir.exists() {
            std::fs::remove_dir_all(&data_dir)?;
        }
        std::fs::create_dir_all(&data_dir)?;
        let mut dataset = Self {
            backend,
            data_dir,
            database,
            max_id: 0,
        };
        if backend == Backend::Postgres {
            psql(&format!("DROP DATABASE IF EXISTS {}", dataset.database))?;
            psql(&format!("CREATE DATABASE {}", dataset.database))?;
        }
        println!("xtask: seeding {name}");
        cmd::output(dataset.command(&binaries.lectern).arg("migrate"))?;
        cmd::output(dataset.command(&binaries.lectern).arg("seed-demo"))?;
        let seeded = cmd::output(dataset.command(&binaries.bench).args([
            "seed",
            "--sessions",
            &sessions.to_string(),
        ]))?;
        let value: Value = serde_json::from_slice(&seeded)?;
        dataset.max_id = value["max_session_id"]
            .as_i64()
            .context("the seeder did not say how many sessions there are")?;
        std::fs::write(&marker, value.to_string())?;
        Ok(dataset)
    }

    fn database_url(&self) -> Option<String> {
        (self.backend == Backend::Postgres)
            .then(|| format!("postgres://postgres@127.0.0.1:5432/{}", self.database))
    }

    /// `command` pointed at this dataset's database.
    fn on_database(&self, mut command: Command) -> Command {
        if let Some(url) = self.database_url() {
            command.env("DATABASE_URL", url);
        }
        command
    }

    /// `program` (lectern or lectern-bench) with this dataset's configuration.
    fn command(&self, program: &Path) -> Command {
        self.on_database(server::lectern(program, &self.data_dir, 0))
    }

    pub(crate) fn serve(&self, binaries: &Binaries) -> Result<LocalServer> {
        self.serve_with(binaries, &[])
    }

    /// The server with some configuration of its own.
    fn serve_with(&self, binaries: &Binaries, env: &[(&str, &str)]) -> Result<LocalServer> {
        let port = server::free_port()?;
        let mut command = self.on_database(server::lectern_on_core(
            &binaries.lectern,
            &self.data_dir,
            port,
            SERVER_CORE,
        ));
        command.envs(env.iter().copied());
        LocalServer::start(command, self.data_dir.clone(), port)
    }

    /// The same SQL straight on the database: pgbench on PostgreSQL, our
    /// own program on SQLite, with as many clients as wrk has connections.
    fn sql(&self, binaries: &Binaries, read: &str, seconds: u64) -> Result<Load> {
        match self.backend {
            Backend::Sqlite => {
                let output = cmd::output(
                    Command::new("taskset")
                        .args(["-c", &SERVER_CORE.to_string()])
                        .arg(&binaries.bench)
                        .arg("sqlite-load")
                        .arg("--path")
                        .arg(self.data_dir.join("lectern.sqlite"))
                        .args(["--read", read])
                        .args(["--connections", &CONNECTIONS.to_string()])
                        .args(["--seconds", &seconds.to_string()])
                        .args(["--sessions", &self.max_id.to_string()]),
                )?;
                load_of(&output)
            }
            Backend::Postgres => self.pgbench(binaries, read, seconds),
        }
    }

    /// `read` through rusqlite on the server's core: one connection per
    /// core it may use, statements prepared once.
    fn rusqlite(&self, binaries: &Binaries, read: &str, seconds: u64) -> Result<Load> {
        let output = cmd::output(
            Command::new("taskset")
                .args(["-c", &SERVER_CORE.to_string()])
                .arg(&binaries.bench)
                .arg("rusqlite-load")
                .arg("--path")
                .arg(self.data_dir.join("lectern.sqlite"))
                .args(["--read", read])
                .args(["--seconds", &seconds.to_string()])
                .args(["--sessions", &self.max_id.to_string()]),
        )?;
        load_of(&output)
    }

    fn pgbench(&self, binaries: &Binaries, read: &str, seconds: u64) -> Result<Load> {
        let dir = bench_dir().join("pgbench");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let script = dir.join(format!("{read}.sql"));
        std::fs::write(
            &script,
            cmd::output(Command::new(&binaries.bench).args(["pgbench-script", read]))?,
        )?;
        let output = cmd::output(
            Command::new("taskset")
                .args(["-c", &LOAD_CORE.to_string(), "pgbench"])
                .args(["-h", "127.0.0.1", "-U", "postgres", "-n"])
                .args(["-c", &CONNECTIONS.to_string(), "-j", "1"])
                .args(["-T", &seconds.to_string()])
                .arg("-f")
                .arg(&script)
                .args(["-D", &format!("sessions={}", self.max_id)])
                .arg("-l")
                .arg(format!("--log-prefix={}", dir.join("log").display()))
                .arg(&self.database)
                .current_dir(&dir),
        )?;
        let text = String::from_utf8_lossy(&output);
        let tps = text
            .lines()
            .find_map(|line| line.strip_prefix("tps = "))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse::<f64>().ok())
            .with_context(|| format!("no tps in pgbench's output: {text}"))?;
        let mut latencies = Vec::new();
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("log."))
            {
                for line in std::fs::read_to_string(&path)?.lines() {
                    if let Some(us) = line
                        .split_whitespace()
                        .nth(2)
                        .and_then(|field| field.parse::<f64>().ok())
                    {
                        latencies.push(us / 1000.0);
                    }
                }
            }
        }
        if latencies.is_empty() {
            bail!("pgbench logged no transactions");
        }
        latencies.sort_by(f64::total_cmp);
        let at =
            |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        Ok(Load {
            rps: tps,
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            bytes_per_s: 0.0,
        })
    }
}

fn psql(sql: &str) -> Result<()> {
    cmd::output(Command::new("psql").args([
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-d",
        "test",
        "-q",
        "-c",
        sql,
    ]))?;
    Ok(())
}

/// One load run's figures.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Load {
    pub(crate) rps: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p95_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) bytes_per_s: f64,
}

/// Each figure's median over the runs.
fn median(settings: &Settings, mut once: impl FnMut() -> Result<Load>) -> Result<Load> {
    let mut runs = Vec::new();
    for _ in 0..settings.runs {
        runs.push(once()?);
    }
    let of = |field: fn(&Load) -> f64| middle(runs.iter().map(field).collect());
    Ok(Load {
        rps: of(|load| load.rps),
        p50_ms: of(|load| load.p50_ms),
        p95_ms: of(|load| load.p95_ms),
        p99_ms: of(|load| load.p99_ms),
        bytes_per_s: of(|load| load.bytes_per_s),
    })
}

/// One wrk run of `CONNECTIONS` connections from the load core, with
/// `token` as a bearer token if there is one; refuses figures that
/// include errors.
fn wrk(seconds: u64, url: &str, token: &str, env: &[(&str, String)]) -> Result<Load> {
    let authorization = (!token.is_empty()).then(|| format!("Authorization: Bearer {token}"));
    wrk_with(seconds, url, authorization.as_slice(), env)
}

/// [`wrk`] sending `headers` (`Name: value`) with every request.
pub(crate) fn wrk_with(
    seconds: u64,
    url: &str,
    headers: &[String],
    env: &[(&str, String)],
) -> Result<Load> {
    let script = root()
        .join("crates")
        .join("bench")
        .join("assets")
        .join("wrk.lua");
    let mut command = Command::new("taskset");
    command
        .args(["-c", &LOAD_CORE.to_string(), "wrk", "-t", "1"])
        .args(["-c", &CONNECTIONS.to_string()])
        .args(["-d", &format!("{seconds}s"), "--timeout", "60s"])
        .arg("-s")
        .arg(&script);
    for header in headers {
        command.args(["-H", header]);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.arg(url);
    let output = cmd::output(&mut command)?;
    let text = String::from_utf8_lossy(&output);
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("WRK-JSON "))
        .with_context(|| format!("wrk printed no figures: {text}"))?;
    let value: Value = serde_json::from_str(line)?;
    let number = |key: &str| value[key].as_f64().unwrap_or(f64::NAN);
    if number("socket_errors") > 0.0 || number("status_errors") > 0.0 {
        bail!("wrk against {url} saw errors: {line}");
    }
    let seconds = number("duration_us") / 1e6;
    Ok(Load {
        rps: number("requests") / seconds,
        p50_ms: number("p50_us") / 1000.0,
        p95_ms: number("p95_us") / 1000.0,
        p99_ms: number("p99_us") / 1000.0,
        bytes_per_s: number("bytes") / seconds,
    })
}

/// nginx with one worker on the server core, serving `root`.
pub(crate) struct Nginx {
    child: Child,
    port: u16,
}

impl Nginx {
    fn start(root_dir: &Path) -> Result<Self> {
        Self::with_locations("nginx", root_dir, "location / { }")
    }

    /// nginx whose server block holds `locations`, its files under `name`.
    pub(crate) fn with_locations(name: &str, root_dir: &Path, locations: &str) -> Result<Self> {
        let dir = bench_dir().join(name);
        std::fs::create_dir_all(dir.join("tmp"))?;
        let port = server::free_port()?;
        let user = if running_as_root() {
            "user root;\n"
        } else {
            ""
        };
        let tmp = dir.join("tmp");
        let tmp = tmp.display();
        let conf = format!(
            "{user}worker_processes 1;\ndaemon off;\npid {pid};\nerror_log {log} warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n\
               types {{ application/json json; application/pdf pdf; }}\n\
               default_type application/octet-stream;\n\
               client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};\n\
               uwsgi_temp_path {tmp}; scgi_temp_path {tmp};\n\
               server {{ listen 127.0.0.1:{port}; root {root}; {locations} }}\n}}\n",
            pid = dir.join("nginx.pid").display(),
            log = dir.join("error.log").display(),
            root = root_dir.display(),
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf)?;
        let child = Command::new("taskset")
            .args(["-c", &SERVER_CORE.to_string(), "nginx", "-c"])
            .arg(&conf_path)
            .arg("-p")
            .arg(&dir)
            .stdin(Stdio::null())
            .spawn()
            .context("starting nginx")?;
        let nginx = Self { child, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                bail!(
                    "nginx did not answer; see {}",
                    dir.join("error.log").display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(nginx)
    }

    pub(crate) fn url_of(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM lets the master stop its worker; KILL would orphan it.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

pub(crate) fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(1) == Some("0"))
    })
}

fn no_database_route(
    settings: &Settings,
    binaries: &Binaries,
    files: &Dataset,
    out: &mut report::Section,
) -> Result<()> {
    let server = files.serve(binaries)?;
    let body = server.get("/healthz")?;
    let lectern = median(settings, || {
        wrk(settings.seconds, &server.url_of("/healthz"), "", &[])
    })?;
    drop(server);
    let www = bench_dir().join("www");
    std::fs::create_dir_all(&www)?;
    std::fs::write(www.join("healthz.json"), body)?;
    let nginx = Nginx::start(&www)?;
    let anchor = median(settings, || {
        wrk(settings.seconds, &nginx.url_of("/healthz.json"), "", &[])
    })?;
    out.no_database(&lectern, &anchor);
    Ok(())
}

/// A file of `FILE_BYTES` that reads as a PDF and does not compress.
fn lecture_file() -> Result<PathBuf> {
    let path = bench_dir().join("lecture.pdf");
    if std::fs::metadata(&path).is_ok_and(|meta| meta.len() == FILE_BYTES) {
        return Ok(path);
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    file.write_all(b"%PDF-1.7\n")?;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut written = 9;
    let mut block = vec![0u8; 1 << 16];
    while written < FILE_BYTES {
        for byte in block.iter_mut() {
            // xorshift: noise enough to defeat compression, fast to make.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        let take = block.len().min((FILE_BYTES - written) as usize);
        file.write_all(&block[..take])?;
        written += take as u64;
    }
    file.flush()?;
    Ok(path)
}

/// Drops `path` from the page cache, so the next read comes from disk.
fn evict(path: &Path) -> Result<()> {
    cmd::output(
        Command::new("dd")
            .arg(format!("if={}", path.display()))
            .args(["iflag=nocache", "count=0", "status=none"]),
    )?;
    Ok(())
}

fn median_seconds(settings: &Settings, mut once: impl FnMut() -> Result<f64>) -> Result<f64> {
    let mut values = Vec::new();
    for _ in 0..settings.runs {
        values.push(once()?);
    }
    Ok(middle(values))
}

/// The median of the runs' values (the upper one of an even count).
fn middle(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn stored_copy(data_dir: &Path, source: &Path) -> Result<Option<PathBuf>> {
    let mut stack = vec![data_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path != source
                && std::fs::metadata(&path).is_ok_and(|meta| meta.len() == FILE_BYTES)
            {
                return Ok(Some(path));
            }
        }
    }
    Ok(None)
}

fn attachments(
    settings: &Settings,
    binaries: &Binaries,
    files: &Dataset,
    out: &mut report::Section,
) -> Result<()> {
    let source = lecture_file()?;
    let server = files.serve(binaries)?;
    let token = server.login(DIRECTOR)?;
    let port = server.port();
    let upload_path = "/api/v1/completions/1/attachments";

    // Item 5: one upload at a time, fsync, rename and row included,
    // against dd writing and fdatasyncing the same bytes. Each is removed
    // after it is timed, as dd's copy is: on a virtual machine a file
    // kept takes fresh pages for the next one, which made dd itself four
    // times slower (docs/benchmarks.md). dd runs on whichever cores the
    // kernel gives it, so the upload is timed once with the server on the
    // same footing (hashing beside receiving, on the other core), and once
    // on core 0 alone as in the tables before.
    std::fs::read(&source)?;
    let upload_once = || -> Result<i64> {
        let response = http::upload(port, upload_path, &token, &source, "lecture.pdf")?;
        if response.status != 201 {
            bail!(
                "the upload answered {}: {}",
                response.status,
                response.text()
            );
        }
        let value: Value = serde_json::from_slice(&response.body)?;
        value["id"].as_i64().context("no id in the upload's answer")
    };
    let timed_upload = || -> Result<f64> {
        let started = Instant::now();
        let id = upload_once()?;
        let elapsed = started.elapsed().as_secs_f64();
        let (status, _) = server::request(
            port,
            "DELETE",
            &format!("/api/v1/completions/1/attachments/{id}"),
            Some(&token),
            None,
        )?;
        if status != 204 {
            bail!("deleting attachment {id} answered {status}");
        }
        Ok(elapsed)
    };
    let pid = server.pid();
    let upload_one_core = median_seconds(settings, &timed_upload)?;
    run_on(pid, &format!("{SERVER_CORE},{LOAD_CORE}"))?;
    let upload_all_cores = median_seconds(settings, &timed_upload);
    run_on(pid, &SERVER_CORE.to_string())?;
    let upload_all_cores = upload_all_cores?;
    let dd_target = files.data_dir.join("dd.out");
    let dd = median_seconds(settings, || {
        let started = Instant::now();
        cmd::output(
            Command::new("dd")
                .arg(format!("if={}", source.display()))
                .arg(format!("of={}", dd_target.display()))
                .args(["bs=1M", "conv=fdatasync", "status=none"]),
        )?;
        let elapsed = started.elapsed().as_secs_f64();
        std::fs::remove_file(&dd_target)?;
        Ok(elapsed)
    })?;

    // One stored copy for the downloads, so the file nginx serves is the
    // one Lectern does.
    let kept = upload_once()?;
    let stored = stored_copy(&files.data_dir, &source)?
        .context("the uploaded file is not in the data folder")?;
    let content = format!("/api/v1/completions/1/attachments/{kept}/content");
    let stored_dir = stored.parent().context("a stored file has a folder")?;
    let stored_name = stored
        .file_name()
        .context("a stored file has a name")?
        .to_string_lossy()
        .into_owned();

    // Item 4: cached and evicted downloads, and random 1 MiB ranges.
    let before_downloads = proc_status_kib(pid, "VmRSS:")?;
    reset_peak(pid)?;
    let cached = median(settings, || {
        wrk(settings.seconds, &server.url_of(&content), &token, &[])
    })?;
    let peak_downloads = proc_status_kib(pid, "VmHWM:")?;
    let authorization = format!("Bearer {token}");
    let evicted = median_seconds(settings, || {
        evict(&stored)?;
        let started = Instant::now();
        let (status, bytes) = http::download(port, &content, &[("Authorization", &authorization)])?;
        if status != 200 || bytes != FILE_BYTES {
            bail!("the download answered {status} with {bytes} bytes");
        }
        Ok(started.elapsed().as_secs_f64())
    })?;
    let range_env = [
        ("WRK_MODE", "range".to_owned()),
        ("WRK_FILE_BYTES", FILE_BYTES.to_string()),
        ("WRK_RANGE_BYTES", RANGE_BYTES.to_string()),
    ];
    let ranges = median(settings, || {
        wrk(
            settings.seconds,
            &server.url_of(&content),
            &token,
            &range_env,
        )
    })?;

    let nginx = Nginx::start(stored_dir)?;
    let nginx_path = format!("/{stored_name}");
    let nginx_cached = median(settings, || {
        wrk(settings.seconds, &nginx.url_of(&nginx_path), "", &[])
    })?;
    let nginx_evicted = median_seconds(settings, || {
        evict(&stored)?;
        let started = Instant::now();
        let (status, bytes) = http::download(nginx.port, &nginx_path, &[])?;
        if status != 200 || bytes != FILE_BYTES {
            bail!("nginx answered {status} with {bytes} bytes");
        }
        Ok(started.elapsed().as_secs_f64())
    })?;
    let nginx_ranges = median(settings, || {
        wrk(settings.seconds, &nginx.url_of(&nginx_path), "", &range_env)
    })?;
    drop(nginx);
    out.downloads(
        (&cached, &nginx_cached),
        (evicted, nginx_evicted),
        (&ranges, &nginx_ranges),
    );
    out.upload(upload_all_cores, upload_one_core, dd);

    // Item 5: the peak resident set while four uploads and four downloads
    // of the file run at once, on a fresh process: the allocator keeps what
    // the 64 downloads above took, which would hide this peak.
    drop(server);
    let server = files.serve(binaries)?;
    let port = server.port();
    let pid = server.pid();
    let token = server.login(DIRECTOR)?;
    let authorization = format!("Bearer {token}");
    let before = proc_status_kib(pid, "VmRSS:")?;
    std::thread::scope(|scope| -> Result<()> {
        let mut jobs = Vec::new();
        for _ in 0..4 {
            jobs.push(scope.spawn(|| -> Result<()> {
                let response = http::upload(port, upload_path, &token, &source, "lecture.pdf")?;
                if response.status != 201 {
                    bail!("a parallel upload answered {}", response.status);
                }
                Ok(())
            }));
            jobs.push(scope.spawn(|| -> Result<()> {
                let (status, _) =
                    http::download(port, &content, &[("Authorization", &authorization)])?;
                if status != 200 {
                    bail!("a parallel download answered {status}");
                }
                Ok(())
            }));
        }
        for job in jobs {
            job.join()
                .map_err(|_| anyhow::anyhow!("a transfer panicked"))??;
        }
        Ok(())
    })?;
    let peak = proc_status_kib(pid, "VmHWM:")?;
    out.transfer_memory(before, peak, (before_downloads, peak_downloads));
    Ok(())
}

/// Moves every thread of process `pid` onto `cores` (a `taskset` list);
/// threads it starts later inherit them.
fn run_on(pid: u32, cores: &str) -> Result<()> {
    cmd::output(Command::new("taskset").args(["-a", "-p", "-c", cores, &pid.to_string()]))?;
    Ok(())
}

/// Makes the kernel's record of a process's peak resident set start again
/// from now (`VmHWM`).
fn reset_peak(pid: u32) -> Result<()> {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
        .context("resetting the server's peak RSS")
}

fn proc_status_kib(pid: u32, field: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .with_context(|| format!("no {field} for process {pid}"))
}

/// Item 6: idle memory, cold start and the SPA's first load.
fn footprint(
    settings: &Settings,
    binaries: &Binaries,
    files: &Dataset,
    out: &mut report::Section,
) -> Result<()> {
    let start = median_seconds(settings, || {
        let started = Instant::now();
        let server = files.serve(binaries)?;
        let elapsed = started.elapsed().as_secs_f64();
        drop(server);
        Ok(elapsed)
    })?;
    let server = files.serve(binaries)?;
    server.login(DIRECTOR)?;
    server.get("/api/v1/openapi.json")?;
    let idle = proc_status_kib(server.pid(), "VmRSS:")?;

    let mut first_load = Vec::new();
    for file in spa::first_load(&spa::dist_dir())? {
        let path = if file == "index.html" {
            "/".to_owned()
        } else {
            format!("/{file}")
        };
        let response = http::exchange(
            server.port(),
            "GET",
            &path,
            &[("Accept-Encoding", "br, gzip")],
            b"",
        )?;
        if response.status != 200 {
            bail!("GET {path} answered {}", response.status);
        }
        let encoding = response
            .header("content-encoding")
            .unwrap_or("none")
            .to_owned();
        first_load.push((file, response.body.len() as u64, encoding));
    }
    out.footprint(idle, start, &first_load);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn day_counts_become_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(20_512), (2026, 2, 28));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
