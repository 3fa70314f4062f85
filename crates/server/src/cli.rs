//! The `lectern` command line: serve, migrate, create-user, seed-demo,
//! openapi, healthcheck.

use std::io::Read as _;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow, bail};
use clap::{Parser, Subcommand};
use lectern_api_types::Role;
use lectern_api_types::text::Name;
use lectern_api_types::users::{Email, NewUser, Password};
use validator::Validate as _;

use crate::app::Application;
use crate::config::Config;
use crate::services::{ServiceError, branches, demo, users};
use crate::{clock, db, healthcheck, openapi, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "lectern",
    version,
    about = "Session tracking for training institutes"
)]
pub struct Cli {
    /// TOML configuration file [default: ./lectern.toml when it exists]
    #[arg(long, env = "LECTERN_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web app, after applying pending migrations
    Serve,
    /// Apply pending database migrations and exit
    Migrate,
    /// Create an account; the password is read from standard input
    CreateUser {
        #[arg(long)]
        email: Email,
        #[arg(long)]
        name: Name,
        /// super_admin, branch_admin, faculty or employee
        #[arg(long)]
        role: Role,
        /// Code of the branch the account belongs to (all roles but super_admin)
        #[arg(long, value_name = "CODE")]
        branch: Option<String>,
        /// Read the password from standard input, so it stays out of the
        /// shell history and the process list
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Fill an empty database with a demo institute
    SeedDemo,
    /// Print the OpenAPI document of this version's API
    Openapi,
    /// Ask the server on this machine for /healthz: exit status 0 when it
    /// answers 200 (for a container's HEALTHCHECK)
    Healthcheck {
        /// Seconds to wait for the answer
        #[arg(long, default_value_t = 3)]
        timeout: u64,
    },
}

/// Reads the configuration and starts logging as it asks.
fn configure(file: Option<&std::path::Path>) -> anyhow::Result<Config> {
    let loaded = Config::load(file)?;
    telemetry::init(loaded.config.log_format);
    if let Some(file) = &loaded.file {
        tracing::info!(file = %file.display(), "read configuration file");
    }
    // Ignored, it would put every client behind the proxy into one
    // rate-limit bucket; refused, it says what replaced it.
    if loaded
        .unknown_keys
        .iter()
        .any(|key| key == "trust_forwarded_for")
    {
        bail!(
            "LECTERN_TRUST_FORWARDED_FOR (trust_forwarded_for) is no longer read: set \
             LECTERN_TRUSTED_PROXIES to your reverse proxies' addresses (CIDRs, comma-separated)"
        );
    }
    for key in &loaded.unknown_keys {
        tracing::warn!(key, "unknown configuration key ignored");
    }
    Ok(loaded.config)
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = cli.config.as_deref();
    match cli.command {
        Command::Openapi => print!("{}", openapi::document_json()),
        // Quiet: a probe that runs every few seconds writes no log lines.
        Command::Healthcheck { timeout } => healthcheck::check(
            &Config::load(file)?.config.bind,
            std::time::Duration::from_secs(timeout),
        )?,
        Command::Serve => {
            let config = configure(file)?;
            tracing::info!(?config, "starting");
            let app = Application::build(config.clone()).await?;
            tracing::info!(
                "serving on http://{} (API docs at /api/docs/)",
                config.bind.replace(":0", &format!(":{}", app.port()))
            );
            app.run_until_stopped().await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let config = configure(file)?;
            db::migrate(&db::connect(&config).await?).await?;
            println!("The database is up to date.");
        }
        Command::CreateUser {
            email,
            name,
            role,
            branch,
            password_stdin: _,
        } => create_user(&configure(file)?, email, name, role, branch).await?,
        Command::SeedDemo => {
            let config = configure(file)?;
            let db = db::connect_migrated(&config).await?;
            demo::seed(&db, clock::now().date_naive())
                .await
                .map_err(describe)?;
            println!(
                "Seeded a demo institute. Every account's password is {}:",
                demo::DEMO_PASSWORD
            );
            for (email, name, role) in demo::accounts() {
                println!("  {email:<28} {name:<18} {}", role.label());
            }
        }
    }
    Ok(())
}

async fn create_user(
    config: &Config,
    email: Email,
    name: Name,
    role: Role,
    branch: Option<String>,
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("reading the password from standard input")?;
    let password = Password::parse(password.trim_end_matches(['\n', '\r']))
        .map_err(|err| anyhow!("password: {err}"))?;

    let db = db::connect_migrated(config).await?;
    let branch_id = match branch {
        Some(code) => Some(
            branches::find_by_code(&db, &code)
                .await
                .map_err(describe)?
                .ok_or_else(|| anyhow!("there is no branch with code {code}"))?
                .id,
        ),
        None => None,
    };
    let new = NewUser {
        email,
        name,
        role,
        branch_id,
        password,
        active: true,
    };
    if let Err(errors) = new.validate() {
        bail!(describe(ServiceError::Invalid(errors.into())));
    }
    let created = users::create_as(&db, None, new).await.map_err(describe)?;
    println!(
        "Created {} {} (id {}).",
        created.role.label().to_lowercase(),
        created.email,
        created.id
    );
    Ok(())
}

/// A service error as a sentence for the terminal.
fn describe(err: ServiceError) -> anyhow::Error {
    match err {
        ServiceError::Invalid(errors) => {
            let lines: Vec<String> = errors
                .into_map()
                .into_iter()
                .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
                .collect();
            anyhow!("{}", lines.join("\n"))
        }
        other => anyhow!("{other}"),
    }
}
