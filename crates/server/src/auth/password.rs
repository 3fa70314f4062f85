//! Argon2id password hashing, run off the async executor.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

use anyhow::Context as _;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// The 10,000 most common passwords (see `data/README.md`), lower-cased.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty())
        .collect()
});

/// Why a new password will not do, beyond its length (which the request
/// types check): one that a list of leaked passwords holds, in any letter
/// case, is the first thing an attacker tries.
pub fn weakness(password: &str) -> Option<&'static str> {
    COMMON
        .contains(password.to_lowercase().as_str())
        .then_some("is one of the 10,000 most common passwords; choose another")
}

/// Hashes a password with Argon2id and the crate's recommended parameters,
/// on a blocking thread: one hash takes tens of milliseconds of CPU.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .context("password hashing task failed")?
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow::anyhow!("hashing a password failed: {err}"))
}

/// Whether `password` matches `stored`. With no stored hash (no such
/// account) a dummy hash is checked anyway, so a wrong email costs as much
/// time as a wrong password and response times do not reveal accounts.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or_else(|| dummy_hash());
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        matches && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("no account has this password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(stored)).await);
    }

    #[tokio::test]
    async fn no_account_never_verifies() {
        assert!(!verify("no account has this password".into(), None).await);
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        assert_eq!(COMMON.len(), 10_000);
        assert!(weakness("password123").is_some());
        assert!(weakness("PassWord123").is_some());
        assert!(weakness("1234567890").is_some());
        assert!(weakness("correct horse battery staple").is_none());
    }
}
