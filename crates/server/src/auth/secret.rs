//! The HMAC key that signs access tokens, and the keys derived from it for
//! the server's other signatures.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::config::Secret;

pub type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 under `key`, which may have any length.
pub fn hmac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"))
}

/// A key of its own for `purpose`, so a signature made for one use of the
/// secret can never pass for another's.
pub fn derive_key(secret: &[u8], purpose: &str) -> Vec<u8> {
    let mut derive = hmac(secret);
    derive.update(purpose.as_bytes());
    derive.finalize().into_bytes().to_vec()
}

const SECRET_FILE: &str = "jwt-secret";
const MIN_SECRET_LEN: usize = 32;

/// The configured secret, or the one kept in the data folder, generated
/// there on first start. Several servers sharing a database must share a
/// configured secret instead.
pub fn load_or_generate(configured: Option<&Secret>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        if secret.expose().len() < MIN_SECRET_LEN {
            bail!("LECTERN_JWT_SECRET must be at least {MIN_SECRET_LEN} characters");
        }
        return Ok(secret.expose().as_bytes().to_vec());
    }
    let path = data_dir.join(SECRET_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => STANDARD
            .decode(text.trim())
            .with_context(|| format!("{} is not valid base64", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => generate(&path),
        Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
    }
}

fn generate(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut key = vec![0u8; 48];
    rand::rng().fill_bytes(&mut key);
    let mut options = fs::OpenOptions::new();
    // `create_new` so two servers starting at once on one folder cannot
    // each write a different key; the loser reads the winner's.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            writeln!(file, "{}", STANDARD.encode(&key))
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a new token signing secret");
            Ok(key)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            load_or_generate(None, path.parent().unwrap_or(Path::new(".")))
        }
        Err(err) => Err(err).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate(None, dir.path()).unwrap();
        let second = load_or_generate(None, dir.path()).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 48);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(dir.path().join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_configured_secret_wins_but_must_be_long_enough() {
        let dir = tempfile::tempdir().unwrap();
        let long = Secret::new("x".repeat(40));
        assert_eq!(
            load_or_generate(Some(&long), dir.path()).unwrap(),
            vec![b'x'; 40]
        );
        assert!(load_or_generate(Some(&Secret::new("short")), dir.path()).is_err());
        assert!(!dir.path().join(SECRET_FILE).exists());
    }
}
