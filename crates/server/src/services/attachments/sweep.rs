//! Cleaning up after crashes: temporary uploads nobody will finish, and
//! stored files whose database row was never written.

use std::path::Path;
use std::time::{Duration, SystemTime};

use chrono::Utc;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};

use super::receive::TEMP_SUFFIX;
use crate::db::Db;
use crate::entities::attachment;
use crate::storage::Storage;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub temporaries: usize,
    pub orphans: usize,
}

/// Removes upload temporaries older than `temp_age` from `upload_dir`, and
/// stored objects older than `orphan_grace` that no attachment row names.
///
/// The grace matters with several servers: one stores its file a moment
/// before writing its row, and another's sweep must not take that moment
/// for a crash.
pub async fn sweep(
    db: &Db,
    storage: &dyn Storage,
    upload_dir: &Path,
    temp_age: Duration,
    orphan_grace: Duration,
) -> anyhow::Result<Swept> {
    let mut swept = Swept {
        temporaries: remove_temporaries(upload_dir, temp_age).await?,
        orphans: 0,
    };
    let cutoff = Utc::now() - chrono::Duration::from_std(orphan_grace)?;
    let candidates: Vec<String> = storage
        .list()
        .await?
        .into_iter()
        .filter(|object| object.modified <= cutoff)
        .map(|object| object.key)
        .collect();
    for batch in candidates.chunks(500) {
        let known: Vec<String> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::StorageKey)
            .filter(attachment::Column::StorageKey.is_in(batch.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        for key in batch.iter().filter(|key| !known.contains(key)) {
            storage.delete(key).await?;
            swept.orphans += 1;
        }
    }
    if swept != Swept::default() {
        tracing::info!(
            temporaries = swept.temporaries,
            orphans = swept.orphans,
            "swept abandoned uploads"
        );
    }
    Ok(swept)
}

async fn remove_temporaries(dir: &Path, older_than: Duration) -> std::io::Result<usize> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err),
    };
    let now = SystemTime::now();
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await? {
        if !entry.file_name().to_string_lossy().ends_with(TEMP_SUFFIX) {
            continue;
        }
        let modified = entry.metadata().await?.modified()?;
        if now.duration_since(modified).unwrap_or_default() >= older_than {
            match tokio::fs::remove_file(entry.path()).await {
                Ok(()) => removed += 1,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(removed)
}
