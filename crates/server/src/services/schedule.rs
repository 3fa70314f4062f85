//! Writing a batch's sittings to the database: one occurrence and one
//! pending completion per date.

use std::collections::HashSet;

use lectern_api_types::schedule::CompletionStatus;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, Set};

use crate::clock;
use crate::domain::schedule::Template;
use crate::entities::{batch, completion, occurrence};

/// Adds the sittings of `template` that `batch` does not have yet, each with
/// its pending completion, and returns how many were added. Run it inside
/// the transaction that wrote the batch.
pub async fn add_missing<C: ConnectionTrait>(
    db: &C,
    batch: &batch::Model,
    template: &Template,
) -> Result<usize, DbErr> {
    let existing: HashSet<_> = occurrence::Entity::find()
        .filter(occurrence::Column::BatchId.eq(batch.id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.date)
        .collect();
    let now = clock::now();
    let new_rows: Vec<_> = template
        .sittings()
        .filter(|sitting| !existing.contains(&sitting.date))
        .map(|sitting| occurrence::ActiveModel {
            batch_id: Set(batch.id),
            date: Set(sitting.date),
            scheduled_start: Set(sitting.start),
            scheduled_end: Set(sitting.end),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    let added = new_rows.len();
    if added == 0 {
        return Ok(0);
    }
    occurrence::Entity::insert_many(new_rows).exec(db).await?;

    // MySQL reports no ids for a multi-row insert, so read the rows back.
    let created = occurrence::Entity::find()
        .filter(occurrence::Column::BatchId.eq(batch.id))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| !existing.contains(&row.date));
    let completions: Vec<_> = created
        .map(|row| completion::ActiveModel {
            occurrence_id: Set(Some(row.id)),
            batch_id: Set(Some(batch.id)),
            branch_id: Set(batch.branch_id),
            user_id: Set(batch.faculty_id),
            scheduled_start: Set(row.scheduled_start),
            scheduled_end: Set(row.scheduled_end),
            status: Set(CompletionStatus::Pending),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    completion::Entity::insert_many(completions)
        .exec(db)
        .await?;
    Ok(added)
}
