//! Where attachment bytes live: one trait, a local folder by default and
//! S3-compatible object storage for deployments of several servers.
//!
//! The store only ever receives finished files: an upload is streamed to a
//! temporary file first, and handed over once it is complete and synced.

mod local;
mod s3;

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;

pub use local::LocalStorage;
pub use s3::S3Storage;

use crate::config::Config;

/// Bytes as they come out of the store.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no stored object {0}")]
    NotFound(String),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    ObjectStore(#[from] object_store::Error),
}

/// One stored object, as the orphan sweep sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    pub key: String,
    pub modified: DateTime<Utc>,
}

#[async_trait]
pub trait Storage: Send + Sync + fmt::Debug {
    /// Takes a complete, synced file into the store under `key`. The file
    /// may be moved rather than copied.
    async fn put_file(&self, key: &str, file: &Path) -> Result<(), StorageError>;

    /// The bytes of `range` (or the whole object) of `key`.
    async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, StorageError>;

    /// Removes `key`; removing what is not there is not an error.
    async fn delete(&self, key: &str) -> Result<(), StorageError>;

    /// Every stored object.
    async fn list(&self) -> Result<Vec<StoredObject>, StorageError>;

    /// Whether the store answers and takes files now, for `/readyz`.
    async fn check(&self) -> Result<(), StorageError>;
}

/// The configured store: `local` (a folder in the data folder) or
/// `s3://bucket/prefix`.
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn Storage>> {
    let url = config.storage.trim();
    if url.is_empty() || url == "local" {
        return Ok(Arc::new(LocalStorage::new(
            config.data_dir.join("attachments"),
        )));
    }
    if let Some(rest) = url.strip_prefix("s3://") {
        return Ok(Arc::new(S3Storage::new(rest, config)?));
    }
    anyhow::bail!("LECTERN_STORAGE must be `local` or s3://bucket/prefix, not {url}")
}

/// A fresh random key, spread over 256 folders so no folder grows huge.
pub fn new_key() -> String {
    let id: u128 = rand::random();
    let hex = format!("{id:032x}");
    format!("{}/{}", &hex[..2], &hex[2..])
}

/// Whether `key` has the shape [`new_key`] gives, so nothing else in a
/// shared bucket or folder is ever taken for an attachment.
pub fn is_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() == 33
        && bytes[2] == b'/'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 2 || b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_recognisable() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert!(is_key(&a), "{a}");
        assert!(!is_key("notes.txt"));
        assert!(!is_key("../../../etc/passwd"));
    }
}
