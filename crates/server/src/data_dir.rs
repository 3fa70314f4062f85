//! The data folder holds the embedded database (password hashes, tokens),
//! the signing key and, with local storage, every attachment: only the
//! account that runs Lectern may read it. It is made 0700 and the SQLite
//! file 0600 (SQLite gives its WAL and shared-memory files the database's
//! mode); a folder or database made by an earlier version with wider
//! modes is left as it is, with a warning at start-up saying how to close it.

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::Config;

/// Makes the data folder (and the SQLite file, when the database is one
/// and is not there yet) private; what exists is left as it is.
pub fn create(config: &Config) -> anyhow::Result<()> {
    let dir = &config.data_dir;
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    if let Some(file) = sqlite_file(&config.database_url()).filter(|file| !file.exists()) {
        // An empty file is an empty SQLite database: made here, it is
        // private before the first byte goes into it.
        let made = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&file);
        // Another process starting beside this one may have made it first.
        match made {
            Err(err) if err.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(err)
                    .with_context(|| format!("creating the database {}", file.display()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Says, once at start-up, which of the data folder and the SQLite file
/// other local users can read, and how to close them.
pub fn warn_if_open(config: &Config) {
    warn_if_open_path(&config.data_dir, "data folder", "700");
    if let Some(file) = sqlite_file(&config.database_url()) {
        warn_if_open_path(&file, "database", "600");
    }
}

/// The file of a `sqlite:` URL, unless the database lives in memory.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

fn warn_if_open_path(path: &Path, what: &str, private: &str) {
    let Ok(metadata) = std::fs::metadata(path) else {
        return;
    };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            "the {what} can be read by other local users; run `chmod {private} {}`",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_file_is_read_off_its_url() {
        assert_eq!(
            sqlite_file("sqlite://data/lectern.sqlite?mode=rwc"),
            Some(PathBuf::from("data/lectern.sqlite"))
        );
        assert_eq!(
            sqlite_file("sqlite:/var/lib/x.db"),
            Some(PathBuf::from("/var/lib/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/lectern"), None);
    }

    #[test]
    fn a_new_data_folder_and_database_are_private() {
        let root = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: root.path().join("nested").join("data"),
            ..Config::default()
        };
        create(&config).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&config.data_dir), 0o700);
        assert_eq!(mode(&config.data_dir.join("lectern.sqlite")), 0o600);
    }
}
