//! Attachments in a folder of the data folder, outside anything served.

use std::io::{self, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
use tokio_util::io::ReaderStream;

use super::{ByteStream, Storage, StorageError, StoredObject, is_key};

#[derive(Debug)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        // Keys are ours, but a path is built from them: refuse anything else.
        if is_key(key) {
            Ok(self.root.join(key))
        } else {
            Err(StorageError::NotFound(key.to_owned()))
        }
    }
}

/// Makes a rename durable: the directory entry must reach the disk too.
async fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(io::Error::other)?
}

#[async_trait]
impl Storage for LocalStorage {
    async fn put_file(&self, key: &str, file: &Path) -> Result<(), StorageError> {
        let target = self.path(key)?;
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        tokio::fs::create_dir_all(&dir).await?;
        // The temporary file is in the same data folder, so this is a rename,
        // atomic: the object is either whole or absent.
        match tokio::fs::rename(file, &target).await {
            Ok(()) => {}
            Err(err) if err.raw_os_error() == Some(18) => {
                // EXDEV: another filesystem; copy, sync, then rename within it.
                let staging = target.with_extension("staging");
                tokio::fs::copy(file, &staging).await?;
                tokio::fs::File::open(&staging).await?.sync_all().await?;
                tokio::fs::rename(&staging, &target).await?;
            }
            Err(err) => return Err(err.into()),
        }
        sync_dir(&dir).await?;
        Ok(())
    }

    async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, StorageError> {
        let path = self.path(key)?;
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(StorageError::NotFound(key.to_owned()));
            }
            Err(err) => return Err(err.into()),
        };
        let stream = match range {
            Some(range) => {
                file.seek(SeekFrom::Start(range.start)).await?;
                ReaderStream::with_capacity(file.take(range.end - range.start), 64 * 1024).boxed()
            }
            None => ReaderStream::with_capacity(file, 64 * 1024).boxed(),
        };
        Ok(stream)
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    async fn list(&self) -> Result<Vec<StoredObject>, StorageError> {
        let root = self.root.clone();
        let objects = tokio::task::spawn_blocking(move || -> io::Result<Vec<StoredObject>> {
            let mut objects = Vec::new();
            let folders = match std::fs::read_dir(&root) {
                Ok(folders) => folders,
                Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(objects),
                Err(err) => return Err(err),
            };
            for folder in folders {
                let folder = folder?;
                if !folder.file_type()?.is_dir() {
                    continue;
                }
                for entry in std::fs::read_dir(folder.path())? {
                    let entry = entry?;
                    let key = format!(
                        "{}/{}",
                        folder.file_name().to_string_lossy(),
                        entry.file_name().to_string_lossy()
                    );
                    if is_key(&key) {
                        let modified: DateTime<Utc> = entry.metadata()?.modified()?.into();
                        objects.push(StoredObject { key, modified });
                    }
                }
            }
            Ok(objects)
        })
        .await
        .map_err(io::Error::other)??;
        Ok(objects)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt as _;

    use super::*;
    use crate::storage::new_key;

    async fn read(stream: ByteStream) -> Vec<u8> {
        stream
            .try_fold(Vec::new(), |mut all, chunk| async move {
                all.extend_from_slice(&chunk);
                Ok(all)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_stored_file_reads_back_whole_and_by_range_then_goes() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStorage::new(dir.path().join("attachments"));
        let temp = dir.path().join("upload.part");
        std::fs::write(&temp, b"0123456789").unwrap();
        let key = new_key();

        store.put_file(&key, &temp).await.unwrap();

        assert!(!temp.exists(), "the temporary file was moved in");
        assert_eq!(
            read(store.get(&key, None).await.unwrap()).await,
            b"0123456789"
        );
        assert_eq!(
            read(store.get(&key, Some(2..5)).await.unwrap()).await,
            b"234"
        );
        let listed: Vec<String> = store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(listed, std::slice::from_ref(&key));
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(matches!(
            store.get(&key, None).await,
            Err(StorageError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn keys_that_are_not_ours_never_become_paths() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStorage::new(dir.path().to_path_buf());
        assert!(matches!(
            store.get("../secret", None).await,
            Err(StorageError::NotFound(_))
        ));
    }
}
