//! Receiving an upload: streamed to a temporary file of this server's own
//! while it is hashed, counted and classified, never held whole in memory.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use sha2::{Digest as _, Sha256};
use tokio::sync::mpsc;
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
/// past `limit`, as soon as the first bytes show a refused type, and at
/// the first error of `body` (a stall among them: the body's reader times
/// it, as it does the rest of the request).
pub async fn receive<S, E>(
    mut body: S,
    raw_name: &str,
    dir: &Path,
    limit: u64,
) -> Result<Received, ReceiveError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<ReceiveError>,
{
    let file_name = sanitize(raw_name);
    let (temp, file) = TempFile::create(dir).await?;
    let mut writer = Writer::new(file)?;
    let mut batch = Vec::new();
    let mut batched = 0;
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut kind = None;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(Into::into)?;
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

/// Writes and hashes an upload on the blocking pool, up to a few batches
/// behind the one being received, so that none of the three waits on
/// another's every step. The hash and the write are lanes of their own:
/// with a second core, hashing (the largest part of an upload's work) runs
/// beside the write and the network instead of taking turns with them.
/// Each chunk is hashed and written as the multipart parser gave it, never
/// copied into a buffer of ours first.
struct Writer {
    file: Lane<std::fs::File>,
    hasher: Lane<Sha256>,
    /// The same file, shared with the syncs started beside the writes.
    for_sync: Arc<std::fs::File>,
    /// The sync of what was written up to some earlier batch, when one runs.
    syncing: Option<JoinHandle<io::Result<()>>>,
    unsynced: u64,
}

/// Batches queued for a lane before the reader waits for it. Hashing a
/// batch takes about as long as receiving one, so with one batch in hand
/// the reader waited on every hiccup of the hash; with four a 100 MB
/// upload on two cores took about an eighth less time, for at most a few
/// MiB more per upload (docs/benchmarks.md).
const LANE_DEPTH: usize = 4;

/// Chunks of an upload as they came, shared by the hash and the write.
type Batch = Arc<Vec<Bytes>>;

/// A value that work on the blocking pool applies batches to in order,
/// through a bounded queue. A task drains the queue and ends when it finds
/// it empty, so no thread waits on a slow network for the next batch.
struct Lane<T> {
    queue: mpsc::Sender<Batch>,
    turn: Turn<T>,
    work: fn(&mut T, &[Bytes]) -> io::Result<()>,
}

/// Who holds a lane's value.
enum Turn<T> {
    /// We do, with the queue's other end.
    Idle(T, mpsc::Receiver<Batch>),
    /// A task draining the queue does.
    Busy(JoinHandle<io::Result<(T, mpsc::Receiver<Batch>)>>),
    /// A batch failed: the upload is lost, and says so.
    Failed,
}

impl<T: Send + 'static> Lane<T> {
    fn new(value: T, work: fn(&mut T, &[Bytes]) -> io::Result<()>) -> Self {
        let (queue, batches) = mpsc::channel(LANE_DEPTH);
        Self {
            queue,
            turn: Turn::Idle(value, batches),
            work,
        }
    }

    /// Queues `batch` and sees that a task works on it. A full queue is
    /// waited out whole: waiting for one place could wait forever on a
    /// task that had just found the queue empty and was ending.
    async fn push(&mut self, batch: Batch) -> io::Result<()> {
        match self.queue.try_send(batch) {
            Ok(()) => {
                if matches!(&self.turn, Turn::Busy(task) if !task.is_finished()) {
                    // A batch sent as that task ends waits for the next
                    // push or for `finish`, a batch later at most.
                    return Ok(());
                }
            }
            Err(mpsc::error::TrySendError::Full(batch)) => {
                let (value, batches) = self.take().await?;
                self.queue
                    .try_send(batch)
                    .map_err(|_| io::Error::other("an upload's queue stayed full"))?;
                self.run(value, batches);
                return Ok(());
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.take().await?;
                return Err(io::Error::other("an upload's writer stopped early"));
            }
        }
        let (value, batches) = self.take().await?;
        self.run(value, batches);
        Ok(())
    }

    /// The value once every batch queued is done.
    async fn finish(mut self) -> io::Result<T> {
        loop {
            let (value, batches) = self.take().await?;
            if batches.is_empty() {
                return Ok(value);
            }
            self.run(value, batches);
        }
    }

    fn run(&mut self, mut value: T, mut batches: mpsc::Receiver<Batch>) {
        let work = self.work;
        self.turn = Turn::Busy(tokio::task::spawn_blocking(move || {
            while let Ok(batch) = batches.try_recv() {
                work(&mut value, &batch)?;
            }
            Ok((value, batches))
        }));
    }

    /// The value and the queue, once a task working on them is done.
    async fn take(&mut self) -> io::Result<(T, mpsc::Receiver<Batch>)> {
        match std::mem::replace(&mut self.turn, Turn::Failed) {
            Turn::Idle(value, batches) => Ok((value, batches)),
            Turn::Busy(task) => task.await.map_err(io::Error::other)?,
            Turn::Failed => Err(io::Error::other("an earlier write of this upload failed")),
        }
    }
}

impl Writer {
    fn new(file: std::fs::File) -> io::Result<Self> {
        let for_sync = Arc::new(file.try_clone()?);
        Ok(Self {
            file: Lane::new(file, |file, batch| {
                batch.iter().try_for_each(|chunk| file.write_all(chunk))
            }),
            hasher: Lane::new(Sha256::new(), |hasher, batch| {
                batch.iter().for_each(|chunk| hasher.update(chunk));
                Ok(())
            }),
            for_sync,
            syncing: None,
            unsynced: 0,
        })
    }

    async fn write(&mut self, batch: Vec<Bytes>) -> io::Result<()> {
        if self.unsynced >= SYNC_EVERY && self.syncing.as_ref().is_none_or(JoinHandle::is_finished)
        {
            if let Some(done) = self.syncing.take() {
                done.await.map_err(io::Error::other)??;
            }
            let syncing = Arc::clone(&self.for_sync);
            self.syncing = Some(tokio::task::spawn_blocking(move || syncing.sync_data()));
            self.unsynced = 0;
        }
        self.unsynced += batch.iter().map(|chunk| chunk.len() as u64).sum::<u64>();
        let batch = Arc::new(batch);
        self.hasher.push(batch.clone()).await?;
        self.file.push(batch).await
    }

    /// Waits for every write, then for the whole file to reach the disk;
    /// answers the hash of what was written.
    async fn finish(mut self) -> io::Result<String> {
        let file = self.file.finish().await?;
        let hasher = self.hasher.finish().await?;
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
        let received = receive(chunks(parts), "big.png", dir.path(), u64::MAX)
            .await
            .unwrap();
        assert_eq!(received.size, whole.len() as u64);
        assert_eq!(received.sha256, format!("{:x}", Sha256::digest(&whole)));
        assert!(std::fs::read(received.temp.path()).unwrap() == whole);
    }

    #[tokio::test]
    async fn a_failed_write_fails_the_upload_wherever_it_surfaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("read-only");
        std::fs::write(&path, b"").unwrap();
        let open = || std::fs::File::open(&path).unwrap();

        // The failure is seen at `finish` when nothing else follows.
        let mut writer = Writer::new(open()).unwrap();
        writer.write(vec![Bytes::from_static(PNG)]).await.unwrap();
        assert!(writer.finish().await.is_err());

        // Once the queue fills, the next batch is told at once.
        let mut writer = Writer::new(open()).unwrap();
        let mut refused = None;
        for n in 0..=LANE_DEPTH + 1 {
            if writer.write(vec![Bytes::from_static(PNG)]).await.is_err() {
                refused = Some(n);
                break;
            }
        }
        assert!(refused.is_some(), "every batch was taken");
    }

    #[tokio::test]
    async fn too_large_and_refused_uploads_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![PNG.to_vec(), vec![0; 600], vec![0; 600]];
        assert!(matches!(
            receive(chunks(big), "a.png", dir.path(), 1000).await,
            Err(ReceiveError::TooLarge { limit: 1000 })
        ));
        assert!(matches!(
            receive(chunks(vec![PNG.to_vec()]), "a.pdf", dir.path(), 1000).await,
            Err(ReceiveError::Refused(_))
        ));
        assert!(matches!(
            receive(chunks(vec![]), "a.pdf", dir.path(), 1000).await,
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
            receive(Box::pin(body), "x.pdf", dir.path(), u64::MAX).await,
            Err(ReceiveError::Refused(_))
        ));
    }
}
