//! `cargo xtask`: the project's own build, run and test commands, so a
//! machine with nothing but rustup and cargo can do everything.

mod backends;
mod cmd;
mod fuzz;
mod harden;
mod s3;
mod server;
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
    /// Rewrite openapi/openapi.json from the code
    Openapi,
    /// Run every fuzz target (nightly) for a while each
    Fuzz {
        /// Seconds per target
        #[arg(long, default_value_t = 120)]
        seconds: u64,
    },
}

/// The workspace root, whatever directory the command is run from.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
