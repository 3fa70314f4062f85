//! Attachments in a folder of the data folder, outside anything served.

use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::BytesMut;
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;

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

/// How much of a file one read takes. Reads this large let the kernel
/// fetch a cold file in large requests: 64 KiB reads ran at a quarter of
/// nginx's speed from disk (docs/benchmarks.md). 1 MiB reads were no
/// faster and held almost three times the memory under 64 downloads.
/// Reading the page cache in 64 KiB pieces, even into one buffer kept for
/// the whole download, took their peak from 56 to 89 MiB and more.
const BLOCK: usize = 256 * 1024;

/// `length` bytes of `file` from `offset`, a block at a time. What the page
/// cache holds is read on the calling thread, which cannot wait on the
/// disk for it; the rest is read on the blocking pool. Each block is read
/// straight into the buffer that is sent. A file shorter than promised
/// ends the stream with an error, not with silence.
fn blocks(file: std::fs::File, offset: u64, length: u64) -> ByteStream {
    let file = Arc::new(file);
    futures_util::stream::try_unfold((file, offset, length), |(file, at, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let want = usize::try_from(left).map_or(BLOCK, |left| left.min(BLOCK));
        let mut block = BytesMut::zeroed(want);
        let cached = read_cached(&file, &mut block, at);
        let block = if cached == want {
            block
        } else {
            let file = file.clone();
            tokio::task::spawn_blocking(move || -> io::Result<_> {
                file.read_exact_at(&mut block[cached..], at + cached as u64)?;
                Ok(block)
            })
            .await
            .map_err(io::Error::other)??
        };
        Ok(Some((
            block.freeze(),
            (file, at + want as u64, left - want as u64),
        )))
    })
    .boxed()
}

/// The file with the offset and length of `range`, or of the whole file.
fn span(file: std::fs::File, range: Option<Range<u64>>) -> io::Result<(std::fs::File, u64, u64)> {
    let (offset, length) = match range {
        Some(range) => (range.start, range.end.saturating_sub(range.start)),
        None => (0, file.metadata()?.len()),
    };
    Ok((file, offset, length))
}

/// `path` opened for reading on the calling thread, when the kernel can do
/// it without the disk: every part of the path in its lookup cache
/// (`RESOLVE_CACHED`, Linux 5.12). Otherwise `None`, and the blocking pool
/// opens it. Every open handed to the pool waited for a thread to get its
/// turn on a busy core and for the worker to get it back: under 64
/// connections of random ranges, the slowest hundredth took two and a
/// half to three times as long as the median (docs/benchmarks.md).
#[cfg(target_os = "linux")]
fn open_cached(path: &Path) -> Option<std::fs::File> {
    use rustix::fs::{CWD, Mode, OFlags, ResolveFlags, openat2};
    openat2(
        CWD,
        path,
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::CACHED,
    )
    .ok()
    .map(std::fs::File::from)
}

/// Elsewhere every open goes to the blocking pool.
#[cfg(not(target_os = "linux"))]
fn open_cached(_: &Path) -> Option<std::fs::File> {
    None
}

/// Reads into `buf` from `offset` what the page cache holds, without
/// waiting for the disk; how much it read.
#[cfg(target_os = "linux")]
fn read_cached(file: &std::fs::File, buf: &mut [u8], offset: u64) -> usize {
    use rustix::io::{ReadWriteFlags, preadv2};
    let mut read = 0;
    while read < buf.len() {
        let slices = &mut [io::IoSliceMut::new(&mut buf[read..])];
        match preadv2(file, slices, offset + read as u64, ReadWriteFlags::NOWAIT) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    read
}

/// Elsewhere every read goes to the blocking pool.
#[cfg(not(target_os = "linux"))]
fn read_cached(_: &std::fs::File, _: &mut [u8], _: u64) -> usize {
    0
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
        let opened = match open_cached(&path) {
            Some(file) => span(file, range),
            None => tokio::task::spawn_blocking(move || span(std::fs::File::open(&path)?, range))
                .await
                .map_err(io::Error::other)?,
        };
        match opened {
            Ok((file, offset, length)) => Ok(blocks(file, offset, length)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                Err(StorageError::NotFound(key.to_owned()))
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// A file written and removed at the store's root: what an upload
    /// needs (the folder there, writable, the disk not read-only).
    async fn check(&self) -> Result<(), StorageError> {
        tokio::fs::create_dir_all(&self.root).await?;
        let probe = self
            .root
            .join(format!(".ready-{:016x}", rand::random::<u64>()));
        tokio::fs::write(&probe, b"").await?;
        tokio::fs::remove_file(&probe).await?;
        Ok(())
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

    /// A store in a fresh folder holding `bytes` under the key answered.
    async fn stored(bytes: &[u8]) -> (tempfile::TempDir, LocalStorage, String) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStorage::new(dir.path().join("attachments"));
        let temp = dir.path().join("upload.part");
        std::fs::write(&temp, bytes).unwrap();
        let key = new_key();
        store.put_file(&key, &temp).await.unwrap();
        (dir, store, key)
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
    async fn files_larger_than_a_block_read_back_whole_and_by_range() {
        let bytes: Vec<u8> = (0..BLOCK * 2 + 123).map(|i| (i % 251) as u8).collect();
        let (_dir, store, key) = stored(&bytes).await;

        assert_eq!(read(store.get(&key, None).await.unwrap()).await, bytes);
        let range = BLOCK as u64 - 5..BLOCK as u64 * 2 + 7;
        assert_eq!(
            read(store.get(&key, Some(range.clone())).await.unwrap()).await,
            bytes[range.start as usize..range.end as usize]
        );
    }

    #[tokio::test]
    async fn a_file_shorter_than_its_range_ends_in_an_error() {
        let (_dir, store, key) = stored(b"0123456789").await;

        let stream = store.get(&key, Some(5..20)).await.unwrap();
        let read: Result<Vec<_>, _> = stream.try_collect().await;
        assert!(read.is_err(), "a truncated file must not look complete");
    }

    /// A file the page cache no longer holds is read on the blocking pool.
    /// Its folder is on the checkout's disk: tmpfs would hold it in memory.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_file_out_of_the_page_cache_reads_back_whole_and_by_range() {
        use rustix::fs::{Advice, fadvise};

        let bytes: Vec<u8> = (0..BLOCK * 2 + 123).map(|i| (i % 253) as u8).collect();
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let store = LocalStorage::new(dir.path().join("attachments"));
        let temp = dir.path().join("upload.part");
        std::fs::write(&temp, &bytes).unwrap();
        let key = new_key();
        store.put_file(&key, &temp).await.unwrap();
        // The kernel may keep pages it has just read back for a moment
        // (they wait in a per-core batch), so eviction is asked again.
        let evict = || {
            let file = std::fs::File::open(store.path(&key).unwrap()).unwrap();
            file.sync_all().unwrap();
            let mut probe = vec![0; bytes.len()];
            for attempt in 1.. {
                fadvise(&file, 0, None, Advice::DontNeed).unwrap();
                if read_cached(&file, &mut probe, 0) < bytes.len() {
                    break;
                }
                assert!(attempt < 20, "the file is still in the page cache");
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        };

        evict();
        assert_eq!(read(store.get(&key, None).await.unwrap()).await, bytes);
        evict();
        let range = 7..BLOCK as u64 + 9;
        assert_eq!(
            read(store.get(&key, Some(range.clone())).await.unwrap()).await,
            bytes[range.start as usize..range.end as usize]
        );
    }

    /// A file just stored opens on the calling thread; one that is not
    /// there is left to the blocking pool, which says so.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_file_the_kernel_knows_opens_without_the_pool() {
        use std::io::Read as _;

        let (_dir, store, key) = stored(b"0123456789").await;
        let path = store.path(&key).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"0123456789");

        let mut opened = String::new();
        open_cached(&path)
            .expect("a file just read opens from the kernel's caches")
            .read_to_string(&mut opened)
            .unwrap();
        assert_eq!(opened, "0123456789");
        store.delete(&key).await.unwrap();
        assert!(open_cached(&path).is_none());
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
