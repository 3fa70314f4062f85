//! `cargo xtask`: the project's own build, run and test commands, so a
//! machine with nothing but rustup and cargo can do everything.

mod backends;
mod bench;
mod cmd;
mod deny;
mod fuzz;
mod harden;
mod http;
mod php;
mod report;
mod s3;
mod server;
mod soak;
mod spa;
mod suite;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, run and test Lectern")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the SPA and serve it with the API on http://127.0.0.1:8080
    Run {
        /// Fill an empty database with a demo institute first
        #[arg(long)]
        demo: bool,
        /// Build the server with the optimised release profile
        #[arg(long)]
        release: bool,
    },
    /// Build the SPA into frontend/dist
    Spa,
    /// Every check CI runs: fmt, clippy (native and wasm32), unit tests,
    /// black-box tests on SQLite, PostgreSQL and MariaDB, browser tests
    Test,
    /// schemathesis over openapi/openapi.json against a seeded server
    Harden {
        /// Seconds per identity
        #[arg(long, default_value_t = 120)]
        seconds: u64,
    },
    /// Measure Lectern against its anchors (SQL, nginx, dd) and write
    /// docs/benchmarks.md; needs wrk, nginx, pgbench and PostgreSQL
    Bench {
        /// Runs of each measurement; the median is kept
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Seconds of each load run
        #[arg(long, default_value_t = 8)]
        seconds: u64,
        /// Sessions of the large dataset
        #[arg(long, default_value_t = 1_000_000)]
        large: usize,
        /// Seed the datasets again instead of reusing an earlier run's
        #[arg(long)]
        reseed: bool,
    },
    /// Mixed load against a release server; fails on any 5xx or growing
    /// memory, and reports in docs/benchmarks.md
    Soak {
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        #[arg(long, default_value_t = 16)]
        clients: usize,
    },
    /// Rewrite openapi/openapi.json from the code
    Openapi,
    /// Run every fuzz target (nightly) for a while each
    Fuzz {
        /// Seconds per target
        #[arg(long, default_value_t = 120)]
        seconds: u64,
    },
}

/// The workspace root of the checkout `cargo xtask` was run in, whatever
/// directory it was run from. Read at run time (cargo sets it for `cargo
/// run`): clones that share a target folder can reuse one xtask binary,
/// whose compile-time path would be the other clone's.
pub(crate) fn root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Run { demo, release } => run(demo, release),
        Command::Spa => spa::build().map(drop),
        Command::Test => suite::run(),
        Command::Harden { seconds } => harden::run(seconds),
        Command::Bench {
            runs,
            seconds,
            large,
            reseed,
        } => bench::run(&bench::Settings {
            runs,
            seconds,
            large,
            reseed,
        }),
        Command::Soak { minutes, clients } => soak::run(minutes, clients),
        Command::Openapi => openapi(),
        Command::Fuzz { seconds } => fuzz::run(seconds),
    }
}

fn run(demo: bool, release: bool) -> Result<()> {
    spa::build()?;
    let binary = server::build(release)?;
    if demo {
        // Refused, harmlessly, when the database already has accounts.
        if cmd::run(
            std::process::Command::new(&binary)
                .arg("seed-demo")
                .current_dir(root()),
        )
        .is_err()
        {
            eprintln!("xtask: the database already has accounts; no demo was seeded");
        }
    }
    cmd::run(
        std::process::Command::new(&binary)
            .arg("serve")
            .current_dir(root()),
    )
}

fn openapi() -> Result<()> {
    let output = cmd::output(&mut cmd::cargo([
        "run",
        "--quiet",
        "-p",
        "lectern-server",
        "--bin",
        "lectern",
        "--",
        "openapi",
    ]))?;
    let path = root().join("openapi").join("openapi.json");
    std::fs::write(&path, output)?;
    println!("xtask: wrote {}", path.display());
    Ok(())
}
