//! Many attachments as one ZIP, streamed as it is written: nothing is built
//! in memory or on disk, whatever the total size.

use std::sync::Arc;

use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipEntryBuilder};
use bytes::Bytes;
use futures_util::{AsyncWriteExt as _, StreamExt as _, stream};
use tokio::sync::oneshot;
use tokio_util::io::ReaderStream;

use crate::storage::{ByteStream, Storage};

/// One file of the archive.
#[derive(Clone, Debug)]
pub struct Entry {
    pub attachment_id: i64,
    /// The path inside the archive.
    pub name: String,
    pub storage_key: String,
}

/// Streams the entries as a ZIP (stored, not deflated: recordings and
/// office files are compressed already). A failure midway ends the stream
/// with an error, so the client sees a broken download, not a short ZIP.
pub fn stream(storage: Arc<dyn Storage>, entries: Vec<Entry>) -> ByteStream {
    let (writer, reader) = tokio::io::duplex(256 * 1024);
    let (done, outcome) = oneshot::channel::<std::io::Result<()>>();
    tokio::spawn(async move {
        let result = write(storage, entries, writer).await;
        if let Err(err) = &result {
            tracing::warn!(error = %err, "streaming a ZIP of attachments failed");
        }
        let _ = done.send(result);
    });
    let tail = stream::once(async move {
        match outcome.await {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(Err(err)),
            Err(_) => Some(Err(std::io::Error::other("the ZIP writer stopped"))),
        }
    })
    .filter_map(std::future::ready);
    ReaderStream::new(reader).chain(tail).boxed()
}

async fn write(
    storage: Arc<dyn Storage>,
    entries: Vec<Entry>,
    writer: tokio::io::DuplexStream,
) -> std::io::Result<()> {
    let mut zip = ZipFileWriter::with_tokio(writer);
    for entry in entries {
        let mut bytes = storage
            .get(&entry.storage_key, None)
            .await
            .map_err(std::io::Error::other)?;
        let builder = ZipEntryBuilder::new(entry.name.into(), Compression::Stored);
        let mut file = zip
            .write_entry_stream(builder)
            .await
            .map_err(std::io::Error::other)?;
        while let Some(chunk) = bytes.next().await {
            let chunk: Bytes = chunk?;
            file.write_all(&chunk).await?;
        }
        file.close().await.map_err(std::io::Error::other)?;
    }
    zip.close().await.map_err(std::io::Error::other)?;
    Ok(())
}
