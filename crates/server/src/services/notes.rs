//! Notes on a session: typed remarks by its owner or by admins. Authors
//! and admins may edit or delete them; edits are stamped.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::page::PageQuery;
use lectern_api_types::schedule::NoteType;
use lectern_api_types::sessions::{NewNote, NotePatch, SessionNote};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _,
    FromQueryResult, Iterable as _, JoinType, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    RelationTrait as _, Select, Set,
};
use serde_json::json;

use super::error::violates_foreign_key;
use super::sessions::search::documents::{self, Sessions};
use super::sessions::{SessionRow, find_visible};
use super::{ServiceError, ServiceResult};
use crate::audit::{Action, Change, Entity};
use crate::db::{Db, FromSqliteRow, Snapshot, SqliteRow, begin_write};
use crate::domain::AuthUser;
use crate::entities::{note, user};
use crate::{clock, pagination};

#[derive(Debug, FromQueryResult)]
struct NoteRow {
    id: i64,
    completion_id: i64,
    author_id: i64,
    note_type: NoteType,
    note_text: String,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    author_name: String,
}

impl FromSqliteRow for NoteRow {
    fn from_row(row: &mut SqliteRow<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.get("id")?,
            completion_id: row.get("completion_id")?,
            author_id: row.get("author_id")?,
            note_type: row.enumerated("note_type")?,
            note_text: row.get("note_text")?,
            created_at: row.get("created_at")?,
            edited_at: row.get("edited_at")?,
            author_name: row.get("author_name")?,
        })
    }
}

impl From<NoteRow> for SessionNote {
    fn from(row: NoteRow) -> Self {
        SessionNote {
            id: row.id,
            completion_id: row.completion_id,
            author_id: row.author_id,
            author_name: row.author_name,
            note_type: row.note_type,
            note_text: row.note_text,
            created_at: row.created_at,
            edited_at: row.edited_at,
        }
    }
}

fn select_notes(completion_id: i64) -> Select<note::Entity> {
    // Built once and copied, as sessions' own select is: every session's
    // detail view reads its notes.
    static NOTES: LazyLock<Select<note::Entity>> = LazyLock::new(|| {
        note::Entity::find()
            .select_only()
            .columns(note::Column::iter())
            .column_as(user::Column::Name, "author_name")
            .join(JoinType::InnerJoin, note::Relation::Author.def())
    });
    NOTES
        .clone()
        .filter(note::Column::CompletionId.eq(completion_id))
        .order_by_asc(note::Column::Id)
}

/// Every note of a session, oldest first, for its detail view.
pub async fn all_of(reads: &Snapshot<'_>, completion_id: i64) -> ServiceResult<Vec<SessionNote>> {
    let rows: Vec<NoteRow> = reads.all(&select_notes(completion_id)).await?;
    Ok(rows.into_iter().map(SessionNote::from).collect())
}

pub async fn list(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
    query: PageQuery,
) -> ServiceResult<Page<SessionNote>> {
    find_visible(db, caller, completion_id).await?;
    let mut select = select_notes(completion_id);
    if let Some(cursor) = &query.cursor {
        let after: i64 = pagination::decode(cursor)?;
        select = select.filter(note::Column::Id.gt(after));
    }
    let limit = pagination::limit(query.limit);
    let rows = select
        .limit(limit + 1)
        .into_model::<NoteRow>()
        .all(db)
        .await?;
    Ok(pagination::page(
        rows,
        limit,
        |row| row.id,
        SessionNote::from,
    ))
}

async fn find_one<C: ConnectionTrait>(
    db: &C,
    completion_id: i64,
    note_id: i64,
) -> ServiceResult<SessionNote> {
    select_notes(completion_id)
        .filter(note::Column::Id.eq(note_id))
        .into_model::<NoteRow>()
        .one(db)
        .await?
        .map(SessionNote::from)
        .ok_or(ServiceError::NotFound("note"))
}

fn change(
    caller: &AuthUser,
    session: &SessionRow,
    action: Action,
    note_id: i64,
    details: serde_json::Value,
) -> Change {
    Change {
        actor: Some(caller.id()),
        branch: Some(session.branch_id),
        action,
        entity: Entity::Note,
        entity_id: note_id,
        details,
    }
}

pub async fn add(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
    new: NewNote,
) -> ServiceResult<SessionNote> {
    let session = find_visible(db, caller, completion_id).await?;
    let now = clock::now();
    let text = String::from(new.note_text);
    let txn = begin_write(db).await?;
    let created = note::ActiveModel {
        completion_id: Set(completion_id),
        author_id: Set(caller.id()),
        note_type: Set(new.note_type),
        note_text: Set(text.clone()),
        edited_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|err| {
        // The session was deleted (with its pending batch) since it was
        // read: the foreign key waited for that delete, then refused.
        if violates_foreign_key(&err) {
            ServiceError::NotFound("session")
        } else {
            err.into()
        }
    })?;
    let details =
        json!({"completion_id": completion_id, "note_type": new.note_type, "note_text": text});
    documents::refresh(&txn, Sessions::Ids(vec![completion_id])).await?;
    change(caller, &session, Action::Create, created.id, details)
        .record(&txn)
        .await?;
    txn.commit().await?;
    find_one(db, completion_id, created.id).await
}

/// The note, if the caller may change it: its author, or an admin who
/// reaches the session.
async fn editable(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
    note_id: i64,
) -> ServiceResult<(SessionRow, SessionNote)> {
    let session = find_visible(db, caller, completion_id).await?;
    let found = find_one(db, completion_id, note_id).await?;
    if found.author_id != caller.id() && !caller.is_admin() {
        return Err(ServiceError::forbidden(
            "Only the note's author or an admin can change it.",
        ));
    }
    Ok((session, found))
}

pub async fn update(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
    note_id: i64,
    patch: NotePatch,
) -> ServiceResult<SessionNote> {
    let (session, existing) = editable(db, caller, completion_id, note_id).await?;
    let mut changes = serde_json::Map::new();
    let now = clock::now();
    let mut model = note::ActiveModel {
        id: Set(note_id),
        ..Default::default()
    };
    if let Some(text) = patch
        .note_text
        .map(String::from)
        .filter(|t| *t != existing.note_text)
    {
        changes.insert(
            "note_text".into(),
            json!({"from": existing.note_text, "to": text}),
        );
        model.note_text = Set(text);
    }
    if let Some(note_type) = patch.note_type.filter(|t| *t != existing.note_type) {
        changes.insert(
            "note_type".into(),
            json!({"from": existing.note_type, "to": note_type}),
        );
        model.note_type = Set(note_type);
    }
    if changes.is_empty() {
        return Ok(existing);
    }
    model.edited_at = Set(Some(now));
    model.updated_at = Set(now);
    let txn = begin_write(db).await?;
    model.update(&txn).await?;
    documents::refresh(&txn, Sessions::Ids(vec![completion_id])).await?;
    change(caller, &session, Action::Update, note_id, changes.into())
        .record(&txn)
        .await?;
    txn.commit().await?;
    find_one(db, completion_id, note_id).await
}

pub async fn delete(
    db: &Db,
    caller: &AuthUser,
    completion_id: i64,
    note_id: i64,
) -> ServiceResult<()> {
    let (session, existing) = editable(db, caller, completion_id, note_id).await?;
    let txn = begin_write(db).await?;
    // Two deletes at once both found it; only the one that took it away
    // answers 204 and is audited.
    if note::Entity::delete_by_id(note_id)
        .exec(&txn)
        .await?
        .rows_affected
        == 0
    {
        txn.rollback().await?;
        return Err(ServiceError::NotFound("note"));
    }
    documents::refresh(&txn, Sessions::Ids(vec![completion_id])).await?;
    let details = json!({"completion_id": completion_id, "note_type": existing.note_type, "note_text": existing.note_text});
    change(caller, &session, Action::Delete, note_id, details)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
