//! Attachments: files kept with a session. Bytes go to storage first and
//! the row second, in that order, so a crash can leave a file without a row
//! (which the sweep removes) but never a row without its file.

pub mod downloads;
pub mod links;
pub mod receive;
pub mod sweep;
pub mod zip;

use chrono::{DateTime, Utc};
use lectern_api_types::sessions::{Attachment, AttachmentLink, AttachmentTotals, CompletionFilter};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait as _, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _, Select, Set,
};
use serde_json::json;

use self::links::{LINK_SECONDS, Link, LinkSigner};
use self::receive::Received;
use super::sessions::{SessionRow, find_visible, hold, select_rows, visible};
use super::{ServiceError, ServiceResult};
use crate::audit::{Action, Change, Entity};
use crate::clock;
use crate::db::{Db, Reads, begin_write};
use crate::domain::AuthUser;
use crate::domain::lifecycle::Action as SessionAction;
use crate::entities::{attachment, completion};
use crate::outbox;
use crate::services::sessions::query::filtered;
use crate::services::sql;
use crate::storage::{self, Storage};

/// The longest description kept.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

fn change(
    caller: &AuthUser,
    session: &SessionRow,
    action: Action,
    id: i64,
    details: serde_json::Value,
) -> Change {
    Change {
        actor: Some(caller.id()),
        branch: Some(session.branch_id),
        action,
        entity: Entity::Attachment,
        entity_id: id,
        details,
    }
}

/// Keeps a received file as an attachment of the session.
pub async fn attach(
    db: &Db,
    storage: &dyn Storage,
    caller: &AuthUser,
    completion_id: i64,
    received: Received,
    description: Option<String>,
) -> ServiceResult<Attachment> {
    let session = find_visible(db, caller, completion_id).await?;
    session.decide(caller, SessionAction::AddFile)?;
    // The limit counts the text as sent, as the schema's maxLength does.
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(ServiceError::invalid(
            "description",
            "must be at most 2000 characters",
        ));
    }
    let description = description
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    let key = storage::new_key();
    storage
        .put_file(&key, received.temp.path())
        .await
        .map_err(|err| {
            ServiceError::Internal(anyhow::anyhow!("storing an upload failed: {err}"))
        })?;

    let now = clock::now();
    let row = attachment::ActiveModel {
        completion_id: Set(completion_id),
        file_name: Set(received.file_name.clone()),
        storage_key: Set(key.clone()),
        mime_type: Set(received.kind.mime().to_owned()),
        size_bytes: Set(i64::try_from(received.size).unwrap_or(i64::MAX)),
        sha256: Set(received.sha256.clone()),
        description: Set(description),
        uploaded_by: Set(caller.id()),
        download_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let saved = async {
        let txn = begin_write(db).await?;
        if !hold(&txn, &session).await? {
            return Ok(None);
        }
        let created = row.insert(&txn).await?;
        let details = json!({
            "completion_id": completion_id, "file_name": created.file_name,
            "mime_type": created.mime_type, "size_bytes": created.size_bytes, "sha256": created.sha256,
        });
        change(caller, &session, Action::Create, created.id, details).record(&txn).await?;
        let shown = Attachment::from(created.clone());
        outbox::events::attachment_created(&txn, completion_id, session.branch_id, &shown)
            .await?;
        txn.commit().await?;
        Ok::<_, ServiceError>(Some(created))
    }
    .await;
    match saved {
        Ok(Some(created)) => Ok(created.into()),
        failed => {
            // No row, so the file must go too; if this fails the sweep will.
            if let Err(cleanup) = storage.delete(&key).await {
                tracing::warn!(error = %cleanup, key, "removing the file of a failed upload failed");
            }
            match failed {
                Err(err) => Err(err),
                // Locked (or otherwise moved on) while the file arrived.
                _ => Err(moved_on(db, caller, completion_id, SessionAction::AddFile).await),
            }
        }
    }
}

/// The attachment `attachment_id`, if it belongs to session `completion_id`.
fn of_session(completion_id: i64, attachment_id: i64) -> Select<attachment::Entity> {
    attachment::Entity::find_by_id(attachment_id)
        .filter(attachment::Column::CompletionId.eq(completion_id))
}

/// The attachment, if it belongs to the session and the caller reaches it.
/// Every download asks, so it reads as the session page does: both rows
/// in one snapshot, straight from SQLite where it can.
pub async fn find_visible_attachment(
    reads: &Reads,
    caller: &AuthUser,
    completion_id: i64,
    attachment_id: i64,
) -> ServiceResult<attachment::Model> {
    let reads = reads.snapshot()?;
    reads
        .one::<_, SessionRow>(visible(caller, completion_id))
        .await?
        .ok_or(ServiceError::NotFound("session"))?;
    reads
        .one(of_session(completion_id, attachment_id))
        .await?
        .ok_or(ServiceError::NotFound("attachment"))
}

/// A signed link to one attachment, for the page's `<video>` and `<a>`.
pub async fn link(
    reads: &Reads,
    signer: &LinkSigner,
    caller: &AuthUser,
    completion_id: i64,
    attachment_id: i64,
) -> ServiceResult<AttachmentLink> {
    find_visible_attachment(reads, caller, completion_id, attachment_id).await?;
    let expires = clock::now().timestamp() + LINK_SECONDS;
    let link = Link {
        completion_id,
        attachment_id,
        user_id: caller.id(),
        expires,
    };
    let signature = signer.sign(&link);
    Ok(AttachmentLink {
        url: format!(
            "/api/v1/completions/{completion_id}/attachments/{attachment_id}/content?user={}&expires={expires}&sig={signature}",
            caller.id()
        ),
        expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_else(Utc::now),
    })
}

/// Deletes the row, then the stored file: a crash in between leaves a file
/// the sweep removes, never a row whose file is gone.
pub async fn remove(
    db: &Db,
    storage: &dyn Storage,
    caller: &AuthUser,
    completion_id: i64,
    attachment_id: i64,
) -> ServiceResult<()> {
    let session = find_visible(db, caller, completion_id).await?;
    session.decide(caller, SessionAction::RemoveFile)?;
    let found = of_session(completion_id, attachment_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("attachment"))?;
    let txn = begin_write(db).await?;
    if !hold(&txn, &session).await? {
        txn.rollback().await?;
        return Err(moved_on(db, caller, completion_id, SessionAction::RemoveFile).await);
    }
    let deleted = attachment::Entity::delete_by_id(attachment_id)
        .exec(&txn)
        .await?;
    // Two deletes at once both found it; only the one that took it away
    // answers 204 and is audited.
    if deleted.rows_affected == 0 {
        txn.rollback().await?;
        return Err(ServiceError::NotFound("attachment"));
    }
    let details = json!({"completion_id": completion_id, "file_name": found.file_name, "sha256": found.sha256});
    change(caller, &session, Action::Delete, attachment_id, details)
        .record(&txn)
        .await?;
    txn.commit().await?;
    if let Err(err) = storage.delete(&found.storage_key).await {
        tracing::warn!(error = %err, key = found.storage_key, "removing a deleted attachment's file failed; the sweep will");
    }
    Ok(())
}

/// Why a change to a session's files could not hold the session in the
/// state it was decided on: what the session is now refuses it, or (rarely)
/// it moved on to a state that allows it and the client may simply retry.
async fn moved_on(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
    action: SessionAction,
) -> ServiceError {
    let now = match find_visible(db, caller, completion_id).await {
        Ok(now) => now,
        Err(err) => return err,
    };
    match now.decide(caller, action) {
        Err(refusal) => refusal,
        Ok(_) => ServiceError::Busy,
    }
}

/// Every attachment of one session, as ZIP entries.
pub async fn entries_of_session(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
) -> ServiceResult<Vec<zip::Entry>> {
    find_visible(db, caller, completion_id).await?;
    let files = attachment::Entity::find()
        .filter(attachment::Column::CompletionId.eq(completion_id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    Ok(files
        .into_iter()
        .map(|file| zip::Entry {
            attachment_id: file.id,
            name: format!("{}-{}", file.id, file.file_name),
            storage_key: file.storage_key,
        })
        .collect())
}

/// The attachments of every session a filter selects, for admins, one
/// folder per session.
pub async fn entries_of_query(
    db: &Db,
    caller: &AuthUser,
    filter: &CompletionFilter,
) -> ServiceResult<Vec<zip::Entry>> {
    if !caller.is_admin() {
        return Err(ServiceError::forbidden(
            "Only admins download the files of many sessions at once.",
        ));
    }
    // Only the sessions with files: a super admin's unfiltered ZIP would
    // otherwise hold the row of every session there is while it streams.
    let with_files = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::CompletionId)
        .into_query();
    let sessions: Vec<SessionRow> = select_rows()
        .filter(filtered(db, caller, filter).await?)
        .filter(completion::Column::Id.in_subquery(with_files))
        .order_by_asc(completion::Column::ScheduledStart)
        .order_by_asc(completion::Column::Id)
        .into_model()
        .all(db)
        .await?;
    let mut entries = Vec::new();
    for chunk in sessions.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|s| s.id).collect();
        let files = attachment::Entity::find()
            .filter(attachment::Column::CompletionId.is_in(ids))
            .order_by_asc(attachment::Column::CompletionId)
            .order_by_asc(attachment::Column::Id)
            .all(db)
            .await?;
        for file in files {
            let Some(session) = chunk.iter().find(|s| s.id == file.completion_id) else {
                continue;
            };
            let folder = format!(
                "{}_{}_{}",
                session.local_date()?,
                session.batch_code.as_deref().unwrap_or("ADHOC"),
                session.id
            );
            entries.push(zip::Entry {
                attachment_id: file.id,
                name: format!("{folder}/{}-{}", file.id, file.file_name),
                storage_key: file.storage_key,
            });
        }
    }
    Ok(entries)
}

/// How many files, from how many sessions and of what total size, the
/// ZIP of a filtered list would hold (admins, as for the ZIP itself).
pub async fn totals(
    db: &Db,
    caller: &AuthUser,
    filter: &CompletionFilter,
) -> ServiceResult<AttachmentTotals> {
    if !caller.is_admin() {
        return Err(ServiceError::forbidden(
            "Only admins download the files of many sessions at once.",
        ));
    }
    let sessions = select_rows()
        .select_only()
        .column(completion::Column::Id)
        .filter(filtered(db, caller, filter).await?)
        .into_query();
    let backend = db.get_database_backend();
    let (sessions, files, bytes) = attachment::Entity::find()
        .select_only()
        .expr(Expr::col(attachment::Column::CompletionId).count_distinct())
        .expr(Expr::col(attachment::Column::Id).count())
        .expr(sql::sum_i64(
            backend,
            Expr::col(attachment::Column::SizeBytes),
        ))
        .filter(attachment::Column::CompletionId.in_subquery(sessions))
        .into_tuple::<(i64, i64, i64)>()
        .one(db)
        .await?
        .unwrap_or_default();
    Ok(AttachmentTotals {
        sessions,
        files,
        bytes,
    })
}

/// The download name of a ZIP made now.
pub fn zip_name(prefix: &str) -> String {
    format!("{prefix}-{}.zip", clock::now().format("%Y%m%d-%H%M%S"))
}
