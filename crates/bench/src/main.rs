//! `lectern-bench`: the parts of `cargo xtask bench` and `cargo xtask soak`
//! that need Lectern's own code: the data generator, the SQLite anchor, the
//! pgbench scripts and the soak driver. Every answer is JSON on stdout.

mod seed;
mod soak;
mod sql;

use clap::{Parser, Subcommand};
use lectern_server::{Config, db};

#[derive(Parser)]
#[command(name = "lectern-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add sessions (and the staff, batches and notes they need) to the
    /// configured database (LECTERN_DATA_DIR, DATABASE_URL), which must hold
    /// the demo institute
    Seed {
        #[arg(long)]
        sessions: usize,
    },
    /// Print the pgbench script of a read
    PgbenchScript { read: sql::Read },
    /// Run a read straight on a SQLite file at a given concurrency, through
    /// sqlx as the server does
    SqliteLoad {
        #[arg(long)]
        path: String,
        #[arg(long)]
        read: sql::Read,
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Pooled connections; the server's default
        #[arg(long, default_value_t = 16)]
        pool: u32,
        #[arg(long, default_value_t = 8)]
        seconds: u64,
        /// The largest session id, for random reads
        #[arg(long)]
        sessions: i64,
    },
    /// Run a read straight on a SQLite file through rusqlite, with prepared
    /// and cached statements, one connection per core this process may use:
    /// the fastest our SQL can be read on this machine
    RusqliteLoad {
        #[arg(long)]
        path: String,
        #[arg(long)]
        read: sql::Read,
        #[arg(long, default_value_t = 8)]
        seconds: u64,
        /// The largest session id, for random reads
        #[arg(long)]
        sessions: i64,
    },
    /// Mixed traffic against a running server, sampling its memory
    Soak(soak::Plan),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let output = match Cli::parse().command {
        Command::Seed { sessions } => {
            let config = Config::load(None)
                .map_err(|err| anyhow::anyhow!("{err}"))?
                .config;
            let db = db::connect(&config).await?;
            let max_session_id = seed::run(&db, sessions).await?;
            serde_json::json!({"max_session_id": max_session_id})
        }
        Command::PgbenchScript { read } => {
            print!("{}", sql::pgbench_script(read));
            return Ok(());
        }
        Command::SqliteLoad {
            path,
            read,
            connections,
            pool,
            seconds,
            sessions,
        } => serde_json::to_value(
            sql::sqlite_load(&path, read, connections, pool, seconds, sessions).await?,
        )?,
        Command::RusqliteLoad {
            path,
            read,
            seconds,
            sessions,
        } => serde_json::to_value(
            tokio::task::spawn_blocking(move || sql::rusqlite_load(&path, read, seconds, sessions))
                .await??,
        )?,
        Command::Soak(plan) => serde_json::to_value(soak::run(plan).await?)?,
    };
    println!("{output}");
    Ok(())
}
