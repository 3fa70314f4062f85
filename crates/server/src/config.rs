//! Lectern's configuration: one typed struct, layered defaults < optional
//! TOML file < `LECTERN_*` environment variables (and `DATABASE_URL`).
//!
//! Tests build a [`Config`] directly; only the binary reads the environment.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::client_address::TrustedProxies;

/// The TOML file read when `LECTERN_CONFIG` names none and it exists.
pub const DEFAULT_CONFIG_FILE: &str = "lectern.toml";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: String,
    /// Where the embedded database and the generated JWT secret live.
    pub data_dir: PathBuf,
    /// `sqlite://…`, `postgres://…` or `mysql://…`; SQLite in `data_dir` when unset.
    pub database_url: Option<DatabaseUrl>,
    /// Upper bound of pooled database connections.
    pub db_max_connections: u32,
    /// HMAC key of access tokens and attachment links; generated once into
    /// `data_dir` when unset.
    pub jwt_secret: Option<Secret>,
    /// Where attachments are kept: `local` (in `data_dir`) or `s3://bucket/prefix`.
    pub storage: String,
    /// S3-compatible endpoint (MinIO, Garage, Ceph); AWS when unset.
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<Secret>,
    /// The largest attachment accepted, in megabytes.
    pub max_upload_mb: u64,
    /// Stored files without a database row are removed once this old. An
    /// upload stores its file a moment before its row, so the sweep of one
    /// server must leave that moment to another server's uploads.
    pub orphan_grace_seconds: u64,
    /// The built SPA (index.html, pkg/, style.css) served at `/`.
    pub static_dir: PathBuf,
    /// `pretty` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// Login attempts allowed per account in any 15 minutes.
    pub login_attempts_per_account: u32,
    /// Login attempts allowed per client address in any 15 minutes.
    pub login_attempts_per_address: u32,
    /// Seconds a client has to send a request's headers.
    pub header_timeout_seconds: u64,
    /// Seconds a request body may stop arriving before the request is cut off.
    pub body_timeout_seconds: u64,
    /// The reverse proxies (CIDRs or addresses, comma-separated) whose
    /// `X-Forwarded-For` names the client; empty: the connection's address.
    pub trusted_proxies: TrustedProxies,
    /// Serve `/metrics` on this address only (say `127.0.0.1:9464`), not
    /// beside the app.
    pub metrics_bind: Option<String>,
    /// Ask for `Authorization: Bearer <token>` on `/metrics`.
    pub metrics_token: Option<Secret>,
    /// Seconds a server may act on what it read of an account (role,
    /// branch, active) before reading it again; other servers of a cluster
    /// see a change within this. Keep it at most 60.
    pub account_cache_seconds: u64,
    /// Where email goes out: `smtp://host:port`, `smtps://user:pass@host`;
    /// no email is sent when unset.
    pub smtp_url: Option<Secret>,
    /// The sender of Lectern's emails, as `Name <address>` or an address.
    pub mail_from: String,
    /// The address people open Lectern at, for links in emails.
    pub public_url: Option<String>,
    /// How often each server's worker looks for due jobs.
    pub outbox_poll_millis: u64,
    /// How long a claimed job is a worker's before another may take it.
    pub outbox_lease_seconds: u64,
    /// The wait before a failed job's second attempt; it doubles after.
    pub outbox_retry_seconds: u64,
    /// Attempts before a job is failed for good.
    pub outbox_max_attempts: i32,
    /// Hours after its end that an unrecorded session's owner is emailed.
    pub overdue_hours: u64,
    /// Let webhooks point at loopback, private and link-local addresses:
    /// only where every such address is one the institute means to reach.
    pub webhook_allow_private: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            db_max_connections: 16,
            jwt_secret: None,
            storage: "local".into(),
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            max_upload_mb: 100,
            orphan_grace_seconds: 600,
            static_dir: PathBuf::from("frontend/dist"),
            log_format: LogFormat::Pretty,
            login_attempts_per_account: 10,
            login_attempts_per_address: 50,
            header_timeout_seconds: 5,
            body_timeout_seconds: 60,
            trusted_proxies: TrustedProxies::default(),
            metrics_bind: None,
            metrics_token: None,
            account_cache_seconds: 30,
            smtp_url: None,
            mail_from: "Lectern <lectern@localhost>".into(),
            public_url: None,
            outbox_poll_millis: 1000,
            outbox_lease_seconds: 300,
            outbox_retry_seconds: 30,
            outbox_max_attempts: 8,
            overdue_hours: 24,
            webhook_allow_private: false,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

/// A loaded configuration and what in its sources Lectern did not recognise.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub unknown_keys: Vec<String>,
    pub file: Option<PathBuf>,
}

impl Config {
    /// Reads the layers: defaults, then the TOML file (`explicit_file`, or
    /// `lectern.toml` when present), then the environment.
    pub fn load(explicit_file: Option<&Path>) -> Result<Loaded, Box<figment::Error>> {
        let file = match explicit_file {
            Some(path) if !path.exists() => {
                return Err(Box::new(figment::Error::from(format!(
                    "configuration file {} does not exist",
                    path.display()
                ))));
            }
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|path| path.exists()),
        };
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::prefixed("LECTERN_").ignore(&[
            "CONFIG",
            "JWT_SECRET",
            "S3_SECRET_ACCESS_KEY",
            "METRICS_TOKEN",
        ]));
        // Secrets are taken verbatim: figment would read a secret of digits
        // as a number.
        for (var, key) in [
            ("LECTERN_JWT_SECRET", "jwt_secret"),
            ("LECTERN_S3_SECRET_ACCESS_KEY", "s3_secret_access_key"),
            ("LECTERN_METRICS_TOKEN", "metrics_token"),
            ("DATABASE_URL", "database_url"),
        ] {
            if let Ok(value) = std::env::var(var) {
                figment = figment.merge(Serialized::default(key, value));
            }
        }

        let config: Config = figment.extract()?;
        let merged: figment::value::Value = figment.extract()?;
        let mut unknown_keys = Vec::new();
        // Deserialising the merged tree a second time, watching for fields
        // serde skips, names every unknown key without a hand-kept list.
        let _: Config = serde_ignored::deserialize(&merged, |path| {
            unknown_keys.push(path.to_string());
        })?;
        Ok(Loaded {
            config,
            unknown_keys,
            file,
        })
    }

    pub fn body_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.body_timeout_seconds)
    }

    pub fn account_cache(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.account_cache_seconds)
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb.saturating_mul(1024 * 1024)
    }

    /// Where uploads are written while they arrive: this server's own.
    pub fn upload_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }

    /// The database to connect to: the configured URL, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("lectern.sqlite").display()
            ),
        }
    }
}

/// A secret read from configuration; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

/// A database URL; `Debug` hides its password but keeps the rest, which is
/// what an operator reading the logs needs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redact_password(&self.0))
    }
}

fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:[redacted]{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets_and_database_passwords() {
        let config = Config {
            jwt_secret: Some(Secret::new("hunter2-hunter2")),
            database_url: Some(DatabaseUrl::new(
                "postgres://lectern:s3cret@db:5432/lectern",
            )),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://lectern:[redacted]@db:5432/lectern"),
            "{shown}"
        );
    }

    #[test]
    fn urls_without_passwords_are_shown_whole() {
        assert_eq!(
            redact_password("sqlite://data/x.sqlite"),
            "sqlite://data/x.sqlite"
        );
        assert_eq!(
            redact_password("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail takes closures returning its own error"
    )]
    fn layers_apply_in_order_and_unknown_keys_are_reported() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "lectern.toml",
                "bind = \"0.0.0.0:9000\"\ndata_dir = \"/srv/lectern\"\ncolour = \"blue\"\n",
            )?;
            jail.set_env("LECTERN_BIND", "127.0.0.1:9001");
            jail.set_env("LECTERN_JWT_SECRET", "12345678901234567890");
            jail.set_env("LECTERN_S3_SECRET_ACCESS_KEY", "0123");
            jail.set_env("LECTERN_MAX_UPLOAD_MB", "250");
            jail.set_env("LECTERN_TYPO", "1");
            jail.set_env("DATABASE_URL", "postgres://localhost/lectern");

            let loaded = Config::load(None).map_err(|err| *err)?;
            assert_eq!(loaded.config.bind, "127.0.0.1:9001");
            assert_eq!(loaded.config.data_dir, PathBuf::from("/srv/lectern"));
            assert_eq!(
                loaded.config.jwt_secret.as_ref().map(Secret::expose),
                Some("12345678901234567890")
            );
            assert_eq!(loaded.config.database_url(), "postgres://localhost/lectern");
            assert_eq!(
                loaded
                    .config
                    .s3_secret_access_key
                    .as_ref()
                    .map(Secret::expose),
                Some("0123")
            );
            assert_eq!(loaded.config.max_upload_mb, 250);
            let mut unknown = loaded.unknown_keys;
            unknown.sort();
            assert_eq!(unknown, ["colour", "typo"]);
            Ok(())
        });
    }

    #[test]
    fn sqlite_in_the_data_folder_is_the_default_database() {
        let config = Config {
            data_dir: PathBuf::from("/tmp/lectern-x"),
            ..Config::default()
        };
        assert_eq!(
            config.database_url(),
            "sqlite:///tmp/lectern-x/lectern.sqlite?mode=rwc"
        );
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/lectern.toml"))).is_err());
    }
}
