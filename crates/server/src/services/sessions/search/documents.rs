//! The search document of each session: what `q` searches, in one text per
//! session over which each database keeps its full-text index. Every
//! change to a session's title, notes or code, its batch's code or name,
//! its owner's name or its comments rewrites the documents concerned, in
//! the transaction of that change.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, JoinType, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, RelationTrait as _, Set,
};

use crate::clock;
use crate::entities::{batch, completion, note, search_document, user};

/// Sessions written at once: few enough for any database's limit on bound
/// values, enough to keep a batch's or a person's rename to a few queries.
const CHUNK: usize = 500;

/// Whose documents to rewrite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sessions {
    Ids(Vec<i64>),
    /// Every session of a batch, after its name, code or teacher changed.
    OfBatch(i64),
    /// Every session of a person, after their name changed.
    OfUser(i64),
    All,
}

/// Rewrites the documents of `which`; run it inside the change's transaction.
pub async fn refresh<C: ConnectionTrait>(db: &C, which: Sessions) -> Result<(), DbErr> {
    let ids: Vec<i64> = match which {
        Sessions::Ids(ids) => ids,
        Sessions::OfBatch(batch_id) => {
            ids_where(db, completion::Column::BatchId.eq(batch_id)).await?
        }
        Sessions::OfUser(user_id) => ids_where(db, completion::Column::UserId.eq(user_id)).await?,
        Sessions::All => ids_where(db, completion::Column::Id.is_not_null()).await?,
    };
    for chunk in ids.chunks(CHUNK) {
        write(db, chunk).await?;
    }
    Ok(())
}

async fn ids_where<C: ConnectionTrait>(
    db: &C,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Vec<i64>, DbErr> {
    completion::Entity::find()
        .select_only()
        .column(completion::Column::Id)
        .filter(condition)
        .into_tuple()
        .all(db)
        .await
}

/// The parts of a document, one per line, each as its words (letters and
/// digits) between single spaces, as [`super::words`] splits a query: every
/// index then sees the same words, whatever its own parser makes of
/// punctuation (PostgreSQL reads the `-0302` of a code as a negative number).
pub fn document<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(|part| {
            part.split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

type Texts = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

async fn write<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<(), DbErr> {
    // Concurrent rewrites of one session take turns, so the last one to
    // commit read what the one before it wrote.
    completion::Entity::find()
        .select_only()
        .column(completion::Column::Id)
        .filter(completion::Column::Id.is_in(ids.iter().copied()))
        .lock_exclusive()
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let sessions: Vec<Texts> = completion::Entity::find()
        .select_only()
        .column(completion::Column::Id)
        .column(completion::Column::Title)
        .column(completion::Column::Notes)
        .column(completion::Column::CompletionCode)
        .column_as(batch::Column::Code, "batch_code")
        .column_as(batch::Column::Name, "batch_name")
        .column_as(user::Column::Name, "user_name")
        .join(JoinType::LeftJoin, completion::Relation::Batch.def())
        .join(JoinType::InnerJoin, completion::Relation::User.def())
        .filter(completion::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    if sessions.is_empty() {
        return Ok(());
    }
    let comments: Vec<(i64, String)> = note::Entity::find()
        .select_only()
        .column(note::Column::CompletionId)
        .column(note::Column::NoteText)
        .filter(note::Column::CompletionId.is_in(ids.iter().copied()))
        .order_by_asc(note::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let now = clock::now();
    let rows = sessions
        .iter()
        .map(|(id, title, notes, code, batch_code, batch_name, owner)| {
            let texts = [title, notes, code, batch_code, batch_name]
                .into_iter()
                .map(Option::as_deref)
                .chain([Some(owner.as_str())])
                .chain(
                    comments
                        .iter()
                        .filter(|(of, _)| of == id)
                        .map(|(_, text)| Some(text.as_str())),
                );
            search_document::ActiveModel {
                completion_id: Set(*id),
                document: Set(document(texts)),
                created_at: Set(now),
                updated_at: Set(now),
            }
        });
    search_document::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(search_document::Column::CompletionId)
                .update_columns([
                    search_document::Column::Document,
                    search_document::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_its_parts_one_per_line() {
        assert_eq!(
            document([
                Some(" Rust Foundations "),
                None,
                Some("-- "),
                Some("RUST-101-20260302-7KQ2"),
                Some("Zoë O'Brien, 3.5 h"),
            ]),
            "Rust Foundations\nRUST 101 20260302 7KQ2\nZoë O Brien 3 5 h"
        );
    }
}
