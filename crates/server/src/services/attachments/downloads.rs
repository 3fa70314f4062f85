//! The record of who downloaded which attachment: every whole download, by
//! token, signed link or ZIP, is a row, and the attachment's
//! `download_count` grows with its rows in the same transaction.

use chrono::{DateTime, Utc};
use lectern_api_types::Page;
use lectern_api_types::sessions::{Download, DownloadPage, DownloadVia};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ColumnTrait as _, EntityTrait as _, FromQueryResult, JoinType, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, RelationTrait as _, Set,
};

use super::find_visible_attachment;
use crate::clock;
use crate::db::{Db, Reads, begin_write};
use crate::domain::AuthUser;
use crate::entities::{attachment, download, user};
use crate::pagination;
use crate::services::{ServiceError, ServiceResult};

/// Records that `user_id` downloaded each of `attachments` once.
pub async fn record(
    db: &Db,
    attachments: &[i64],
    user_id: i64,
    via: DownloadVia,
) -> ServiceResult<()> {
    let now = clock::now();
    let txn = begin_write(db).await?;
    // Bounded statements however many files a ZIP of a whole term holds.
    for chunk in attachments.chunks(500) {
        download::Entity::insert_many(chunk.iter().map(|&attachment_id| download::ActiveModel {
            attachment_id: Set(attachment_id),
            user_id: Set(user_id),
            via: Set(via),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        attachment::Entity::update_many()
            .col_expr(
                attachment::Column::DownloadCount,
                Expr::col(attachment::Column::DownloadCount).add(1),
            )
            .filter(attachment::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    attachment_id: i64,
    user_id: i64,
    user_name: Option<String>,
    via: DownloadVia,
    created_at: DateTime<Utc>,
}

/// Who downloaded one attachment, newest first; admins only.
pub async fn list(
    reads: &Reads,
    caller: &AuthUser,
    completion_id: i64,
    attachment_id: i64,
    page: &DownloadPage,
) -> ServiceResult<Page<Download>> {
    find_visible_attachment(reads, caller, completion_id, attachment_id).await?;
    let db = reads.db();
    if !caller.is_admin() {
        return Err(ServiceError::forbidden(
            "Only admins see who downloaded a file.",
        ));
    }
    let mut query = download::Entity::find()
        .select_only()
        .columns([
            download::Column::Id,
            download::Column::AttachmentId,
            download::Column::UserId,
            download::Column::Via,
            download::Column::CreatedAt,
        ])
        .column_as(user::Column::Name, "user_name")
        .join(JoinType::LeftJoin, download::Relation::User.def())
        .filter(download::Column::AttachmentId.eq(attachment_id));
    if let Some(cursor) = &page.cursor {
        let before: i64 = pagination::decode(cursor)?;
        query = query.filter(download::Column::Id.lt(before));
    }
    let limit = pagination::limit(page.limit);
    let rows = query
        .order_by_desc(download::Column::Id)
        .limit(limit + 1)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(pagination::page(
        rows,
        limit,
        |row| row.id,
        |row| Download {
            id: row.id,
            attachment_id: row.attachment_id,
            user_id: row.user_id,
            user_name: row.user_name,
            via: row.via,
            downloaded_at: row.created_at,
        },
    ))
}
