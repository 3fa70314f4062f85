//! Every download of an attachment: who, when, which file and how (a
//! direct request, a signed link or a member of a ZIP).

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, cascade, id};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum AttachmentDownloads {
    Table,
    Id,
    AttachmentId,
    UserId,
    Via,
}

#[derive(DeriveIden)]
enum SessionAttachments {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AttachmentDownloads as D;
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, D::Table)
                    .col(id(D::Id))
                    .col(big_integer(D::AttachmentId))
                    // No foreign key, as in the audit log: the record of a
                    // download outlives the account that made it.
                    .col(big_integer(D::UserId))
                    .col(string_len(D::Via, 8))
                    // A file's downloads go with it; its deletion is audited.
                    .foreign_key(&mut cascade(
                        D::Table,
                        D::AttachmentId,
                        SessionAttachments::Table,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_downloads_attachment", D::Table)
                    .col(D::AttachmentId)
                    .col(D::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, [AttachmentDownloads::Table.into_iden()]).await
    }
}
