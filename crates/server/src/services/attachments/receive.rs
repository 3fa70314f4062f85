//! Receiving an upload: streamed to a temporary file of this server's own
//! while it is hashed, counted and classified, never held whole in memory.

use std::fmt::Display;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use sha2::{Digest as _, Sha256};
use tokio::task::JoinHandle;

use lectern_files::file_name::sanitize;
use lectern_files::file_type::{FileType, Refusal, SNIFF_BYTES, classify};

/// Temporary upload files end in this, so the sweep knows them.
pub const TEMP_SUFFIX: &str = ".part";

/// A temporary file that removes itself unless it was handed over. Every
/// early return of an upload (too large, refused, disconnected) drops it.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    async fn create(dir: &Path) -> io::Result<(Self, std::fs::File)> {
        tokio::fs::create_dir_all(dir).await?;
        let path = dir.join(format!("{:032x}{TEMP_SUFFIX}", rand::random::<u128>()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?
            .into_std()
            .await;
        Ok((Self { path }, file))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Gone already when storage moved it in; anything else is cleanup.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file received whole, synced to disk, hashed and classified.
#[derive(Debug)]
pub struct Received {
    pub temp: TempFile,
    pub file_name: String,
    pub kind: FileType,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Refused(Refusal),
    #[error("the upload broke off: {0}")]
    Interrupted(String),
    #[error("no data arrived for {0:?}")]
    Stalled(std::time::Duration),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// How much of an upload is handed to the writer at once: large enough
/// that the hand-over costs nothing beside the bytes, small enough that an
/// upload holds little memory.
const BATCH: usize = 1024 * 1024;

/// How much is written between two syncs started in the background. The
/// disk works on what has arrived while the rest is still coming, and the
/// final sync waits only for the tail (docs/benchmarks.md, table 5).
const SYNC_EVERY: u64 = 16 * 1024 * 1024;

/// Streams `body` into a temporary file in `dir`. Stops at the first byte
/// past `limit`, as soon as the first bytes show a refused type, and when
/// nothing arrives for `patience`.
pub async fn receive<S, E>(
    mut body: S,
    raw_name: &str,
    dir: &Path,
    limit: u64,
    patience: std::time::Duration,
) -> Result<Received, ReceiveError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let file_name = sanitize(raw_name);
    let (temp, file) = TempFile::create(dir).await?;
    let mut writer = Writer::new(file);
    let mut batch = Vec::new();
    let mut batched = 0;
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut kind = None;
    while let Some(chunk) = tokio::time::timeout(patience, body.next())
        .await
        .map_err(|_| ReceiveError::Stalled(patience))?
    {
        let chunk = chunk.map_err(|err| ReceiveError::Interrupted(err.to_string()))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(ReceiveError::TooLarge { limit });
        }
        if kind.is_none() {
            let wanted = SNIFF_BYTES - head.len();
            head.extend_from_slice(&chunk[..chunk.len().min(wanted)]);
            if head.len() == SNIFF_BYTES {
                kind = Some(classify(&head, &file_name).map_err(ReceiveError::Refused)?);
            }
        }
        batched += chunk.len();
        batch.push(chunk);
        if batched >= BATCH {
            writer.write(std::mem::take(&mut batch)).await?;
            batched = 0;
        }
    }
    let kind = match kind {
        Some(kind) => kind,
        None => classify(&head, &file_name).map_err(ReceiveError::Refused)?,
    };
    writer.write(batch).await?;
    let sha256 = writer.finish().await?;
    Ok(Received {
        temp,
        file_name,
        kind,
        size,
        sha256,
    })
}

/// Writes and hashes an upload on the blocking pool, one batch behind the
/// one being received, so neither waits for the other. The hash and the
/// write of a batch are separate tasks: with a second core, hashing (the
/// larger part of an upload's work) runs beside the write and the network
/// rather than taking turns with them. Each chunk is hashed and written as
/// the multipart parser gave it, never copied into a buffer of ours first.
struct Writer {
    file: Stage<std::fs::File>,
    hasher: Stage<Sha256>,
    /// The sync of what was written up to some earlier batch, when one runs.
    syncing: Option<JoinHandle<io::Result<()>>>,
    unsynced: u64,
}

/// A value some work on the blocking pool owns until it is done with it.
enum Stage<T> {
    Idle(T),
    Busy(JoinHandle<io::Result<T>>),
    /// An earlier step failed: the upload is lost, and says so.
    Failed,
}

impl<T: Send + 'static> Stage<T> {
    /// The value once the work before has finished with it.
    async fn ready(&mut self) -> io::Result<T> {
        match std::mem::replace(self, Self::Failed) {
            Self::Idle(value) => Ok(value),
            Self::Busy(task) => task.await.map_err(io::Error::other)?,
            Self::Failed => Err(io::Error::other("an earlier write of this upload failed")),
        }
    }

    fn start(&mut self, value: T, work: impl FnOnce(T) -> io::Result<T> + Send + 'static) {
        *self = Self::Busy(tokio::task::spawn_blocking(move || work(value)));
    }
}

impl Writer {
    fn new(file: std::fs::File) -> Self {
        Self {
            file: Stage::Idle(file),
            hasher: Stage::Idle(Sha256::new()),
            syncing: None,
            unsynced: 0,
        }
    }

    async fn write(&mut self, batch: Vec<Bytes>) -> io::Result<()> {
        let file = self.file.ready().await?;
        let hasher = self.hasher.ready().await?;
        if self.unsynced >= SYNC_EVERY && self.syncing.as_ref().is_none_or(JoinHandle::is_finished)
        {
            if let Some(done) = self.syncing.take() {
                done.await.map_err(io::Error::other)??;
            }
            let syncing = file.try_clone()?;
            self.syncing = Some(tokio::task::spawn_blocking(move || syncing.sync_data()));
            self.unsynced = 0;
        }
        self.unsynced += batch.iter().map(|chunk| chunk.len() as u64).sum::<u64>();
        let batch = std::sync::Arc::new(batch);
        let hashed = batch.clone();
        self.hasher.start(hasher, move |mut hasher| {
            hashed.iter().for_each(|chunk| hasher.update(chunk));
            Ok(hasher)
        });
        self.file.start(file, move |mut file| {
            for chunk in batch.iter() {
                file.write_all(chunk)?;
            }
            Ok(file)
        });
        Ok(())
    }

    /// Waits for every write, then for the whole file to reach the disk;
    /// answers the hash of what was written.
    async fn finish(mut self) -> io::Result<String> {
        let file = self.file.ready().await?;
        let hasher = self.hasher.ready().await?;
        if let Some(syncing) = self.syncing.take() {
            syncing.await.map_err(io::Error::other)??;
        }
        tokio::task::spawn_blocking(move || file.sync_all())
            .await
            .map_err(io::Error::other)??;
        Ok(format!("{:x}", hasher.finalize()))
    }
}

#[cfg(test)]
mod tests {
    use futures_util::stream;

    use super::*;

    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);
    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    fn chunks(parts: Vec<Vec<u8>>) -> impl Stream<Item = Result<Bytes, io::Error>> + Unpin {
        stream::iter(parts.into_iter().map(|p| Ok(Bytes::from(p))))
    }

    fn files_in(dir: &Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_file_is_hashed_counted_and_kept_until_handed_over() {
        let dir = tempfile::tempdir().unwrap();
        let received = receive(
            chunks(vec![PNG[..10].to_vec(), PNG[10..].to_vec()]),
            "../board.png",
            dir.path(),
            1000,
            PATIENCE,
        )
        .await
        .unwrap();
        assert_eq!(received.file_name, "board.png");
        assert_eq!(received.kind, FileType::Png);
        assert_eq!(received.size, PNG.len() as u64);
        assert_eq!(received.sha256, format!("{:x}", Sha256::digest(PNG)));
        assert_eq!(std::fs::read(received.temp.path()).unwrap(), PNG);
        drop(received);
        assert_eq!(
            files_in(dir.path()),
            0,
            "dropping it removes the temporary file"
        );
    }

    #[tokio::test]
    async fn a_file_of_many_batches_and_syncs_is_written_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut whole = PNG.to_vec();
        // Uneven chunks, each byte telling where it is, past two syncs.
        let mut parts = vec![PNG.to_vec()];
        let mut n: u32 = 0;
        while whole.len() < 2 * SYNC_EVERY as usize + BATCH / 3 {
            let part: Vec<u8> = (0..(300_000 + n % 7 * 50_000))
                .map(|i| (i.wrapping_mul(31) ^ n) as u8)
                .collect();
            whole.extend_from_slice(&part);
            parts.push(part);
            n += 1;
        }
        let received = receive(chunks(parts), "big.png", dir.path(), u64::MAX, PATIENCE)
            .await
            .unwrap();
        assert_eq!(received.size, whole.len() as u64);
        assert_eq!(received.sha256, format!("{:x}", Sha256::digest(&whole)));
        assert!(std::fs::read(received.temp.path()).unwrap() == whole);
    }

    #[tokio::test]
    async fn too_large_and_refused_uploads_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![PNG.to_vec(), vec![0; 600], vec![0; 600]];
        assert!(matches!(
            receive(chunks(big), "a.png", dir.path(), 1000, PATIENCE).await,
            Err(ReceiveError::TooLarge { limit: 1000 })
        ));
        assert!(matches!(
            receive(
                chunks(vec![PNG.to_vec()]),
                "a.pdf",
                dir.path(),
                1000,
                PATIENCE
            )
            .await,
            Err(ReceiveError::Refused(_))
        ));
        assert!(matches!(
            receive(chunks(vec![]), "a.pdf", dir.path(), 1000, PATIENCE).await,
            Err(ReceiveError::Refused(_))
        ));
        assert_eq!(files_in(dir.path()), 0);
    }

    #[tokio::test]
    async fn a_refused_type_is_caught_before_the_rest_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let mut exe = b"MZ\x90\0\x03\0\0\0".to_vec();
        exe.resize(SNIFF_BYTES, 0);
        let body = stream::iter(vec![Ok(Bytes::from(exe))]).chain(stream::once(async {
            Err::<Bytes, _>(io::Error::other("the rest never had to be read"))
        }));
        assert!(matches!(
            receive(Box::pin(body), "x.pdf", dir.path(), u64::MAX, PATIENCE).await,
            Err(ReceiveError::Refused(_))
        ));
    }
}
