//! `cargo xtask test`: every suite, in the order that fails fastest.
//!
//! Outside CI a database server that does not answer is skipped, loudly;
//! with `CI=true` it is a failure, since a skipped backend proves nothing.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::{backends, cmd, deny, fuzz, harden, s3, spa};

/// axe-core's `axe.min.js`, which the accessibility test injects into each
/// page: `AXE_CORE_JS`, else an `npm install axe-core` in the workspace or
/// in `~/.cache/lectern/axe` (where `.ci/run` puts it). Not a `LECTERN_`
/// variable: the server reads those as its configuration.
fn axe_core() -> Option<PathBuf> {
    let cached = std::env::var_os("HOME").map(|home| {
        PathBuf::from(home).join(".cache/lectern/axe/node_modules/axe-core/axe.min.js")
    });
    std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .into_iter()
        .chain([crate::root().join("node_modules/axe-core/axe.min.js")])
        .chain(cached)
        .find(|path| path.is_file())
}

/// The API suite's modules that store files, run again on S3.
const S3_MODULES: [&str; 4] = ["attachments::", "downloads::", "cli::", "security::"];

/// The names of the API tests in `modules`, read off the suite's own
/// list: a module that names no test (renamed, say) is an error, not a
/// filter that silently runs nothing.
fn api_tests_in(modules: &[&str]) -> Result<Vec<String>> {
    let listed = cmd::output(&mut cmd::cargo([
        "test",
        "-p",
        "lectern-server",
        "--test",
        "api",
        "--",
        "--list",
    ]))?;
    let names: Vec<String> = String::from_utf8_lossy(&listed)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect();
    let mut chosen = Vec::new();
    for module in modules {
        let found: Vec<&String> = names
            .iter()
            .filter(|name| name.starts_with(module))
            .collect();
        if found.is_empty() {
            bail!("the API suite has no tests in {module}");
        }
        chosen.extend(found.into_iter().cloned());
    }
    Ok(chosen)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

pub(crate) fn run() -> Result<()> {
    let mut skipped = Vec::new();

    cmd::run(&mut cmd::cargo(["fmt", "--all", "--check"]))?;
    cmd::run(&mut cmd::cargo([
        "clippy",
        "--workspace",
        "--exclude",
        "lectern-frontend",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    if deny::available() {
        deny::run()?;
    } else if in_ci() {
        bail!("cargo-deny is needed to check the dependencies: cargo install --locked cargo-deny");
    } else {
        skipped.push("cargo deny (cargo install --locked cargo-deny)".into());
    }
    spa::ensure_wasm_target()?;
    cmd::run(&mut cmd::cargo([
        "clippy",
        "-p",
        "lectern-frontend",
        "-p",
        "lectern-api-types",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;

    // Unit tests of every crate, and the black-box suite on SQLite. The
    // SPA is not a default member (it builds for wasm32), but its unit
    // tests, such as every route checked against the OpenAPI document, run
    // natively.
    cmd::run(cmd::cargo(["test"]).env("TEST_DATABASE", "sqlite"))?;
    cmd::run(&mut cmd::cargo(["test", "-p", "lectern-frontend", "--lib"]))?;

    for backend in &backends::SERVERS {
        if backend.answers() {
            cmd::run(
                cmd::cargo(["test", "-p", "lectern-server", "--test", "api"])
                    .env("TEST_DATABASE", backend.selector),
            )?;
        } else if in_ci() {
            bail!(
                "{} does not answer at {} and CI must test every backend",
                backend.name,
                backend.url()
            );
        } else {
            skipped.push(format!(
                "{} (nothing answers at {})",
                backend.name,
                backend.url()
            ));
        }
    }

    // Email through aiosmtpd, which each test starts on a port of its own,
    // and calendar feeds read by the `icalendar` package.
    let mut readers = Vec::new();
    for (module, python_module, package) in [
        ("mail::", "aiosmtpd", "aiosmtpd"),
        ("calendar::", "icalendar", "icalendar"),
    ] {
        if python_has(python_module) {
            readers.push(module);
        } else if in_ci() {
            bail!("{package} is needed for the {module} tests: pip install {package}");
        } else {
            skipped.push(format!("{module} tests (pip install {package})"));
        }
    }
    if !readers.is_empty() {
        for backend in std::iter::once(None).chain(backends::SERVERS.iter().map(Some)) {
            let selector = match backend {
                None => "sqlite",
                Some(backend) if backend.answers() => backend.selector,
                Some(_) => continue,
            };
            let mut args = vec!["test", "-p", "lectern-server", "--test", "api", "--"];
            args.extend(&readers);
            args.push("--ignored");
            cmd::run(cmd::cargo(args).env("TEST_DATABASE", selector))?;
        }
    }

    match s3::MotoServer::start()? {
        Some(moto) => {
            let endpoint = moto.endpoint();
            // Attachments and the crash test on S3, then two servers on one
            // PostgreSQL database and one bucket.
            let tests = api_tests_in(&S3_MODULES)?;
            let mut args = vec![
                "test",
                "-p",
                "lectern-server",
                "--test",
                "api",
                "--",
                "--exact",
            ];
            args.extend(tests.iter().map(String::as_str));
            cmd::run(
                cmd::cargo(args)
                    .env("TEST_DATABASE", "sqlite")
                    .env("TEST_STORAGE", "s3")
                    .env("TEST_S3_ENDPOINT", &endpoint),
            )?;
            if backends::SERVERS[0].answers() {
                cmd::run(
                    cmd::cargo([
                        "test",
                        "-p",
                        "lectern-server",
                        "--test",
                        "api",
                        "--",
                        "cluster",
                        "--ignored",
                    ])
                    .env("TEST_DATABASE", "postgres")
                    .env("TEST_STORAGE", "s3")
                    .env("TEST_S3_ENDPOINT", &endpoint),
                )?;
            } else {
                skipped
                    .push("two servers on PostgreSQL and S3 (PostgreSQL does not answer)".into());
            }
        }
        None if in_ci() => {
            bail!("moto_server is needed for the S3 tests: pip install 'moto[server]'")
        }
        None => skipped.push("attachments on S3 (pip install 'moto[server]')".into()),
    }

    // Each fuzzer briefly; `cargo xtask fuzz` runs them for minutes.
    if fuzz::nightly_available() {
        fuzz::run(10)?;
    } else if in_ci() {
        bail!("the fuzzers need the nightly toolchain");
    } else {
        skipped.push("fuzzing (rustup toolchain install nightly)".into());
    }

    if harden::schemathesis_available() {
        harden::run(60)?;
    } else if in_ci() {
        bail!("schemathesis is needed to harden the API: pip install schemathesis");
    } else {
        skipped.push("schemathesis (pip install schemathesis)".into());
    }

    let browser_tools = [
        ("CHROMIUM", "/usr/bin/chromium"),
        ("CHROMEDRIVER", "/usr/bin/chromedriver"),
    ]
    .map(|(var, default)| {
        std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
    });
    if browser_tools.iter().all(|tool| tool.is_file()) {
        let dist = spa::build_twice_alike()?;
        let screenshots = cmd::target_dir().join("screenshots");
        let mut browser_tests = cmd::cargo(["test", "-p", "lectern-end2end"]);
        browser_tests
            .env("LECTERN_SPA_DIR", dist)
            .env("LECTERN_SCREENSHOT_DIR", &screenshots);
        match axe_core() {
            Some(axe) => {
                browser_tests.env("AXE_CORE_JS", axe);
            }
            None if in_ci() => bail!(
                "axe-core is needed for the accessibility test: npm install axe-core@4.14 (or set AXE_CORE_JS to its axe.min.js)"
            ),
            None => {
                browser_tests.args(["--", "--skip", "accessibility"]);
                skipped.push("the accessibility test (npm install axe-core@4.14)".into());
            }
        }
        cmd::run(&mut browser_tests)?;
        println!("xtask: screenshots are in {}", screenshots.display());
    } else if in_ci() {
        bail!(
            "Chromium and ChromeDriver are needed for the browser tests: apt-get install chromium chromium-driver"
        );
    } else {
        skipped.push("browser tests (apt-get install chromium chromium-driver)".into());
    }

    if skipped.is_empty() {
        println!("xtask: every suite passed");
    } else {
        let line = "!".repeat(72);
        println!("{line}");
        println!("xtask: passed, but these suites were SKIPPED:");
        for suite in &skipped {
            println!("xtask:   - {suite}");
        }
        println!("{line}");
    }
    Ok(())
}

/// Whether python3 can import `module`.
fn python_has(module: &str) -> bool {
    std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
