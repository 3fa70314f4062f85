//! What staff attach to a session: files and typed notes.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, id, instant_null, reference};
use crate::m20261128_000001_people::Users;
use crate::m20261128_000003_schedule::SessionCompletions;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum SessionAttachments {
    Table,
    Id,
    CompletionId,
    FileName,
    StorageKey,
    MimeType,
    SizeBytes,
    Sha256,
    Description,
    UploadedBy,
    DownloadCount,
}

#[derive(DeriveIden)]
enum SessionNotes {
    Table,
    Id,
    CompletionId,
    AuthorId,
    NoteType,
    NoteText,
    EditedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        use SessionAttachments as A;
        manager
            .create_table(
                columns::table(db, A::Table)
                    .col(id(A::Id))
                    .col(big_integer(A::CompletionId))
                    .col(string_len(A::FileName, 255))
                    .col(string_len_uniq(A::StorageKey, 128))
                    .col(string_len(A::MimeType, 100))
                    .col(big_integer(A::SizeBytes))
                    .col(string_len(A::Sha256, 64))
                    .col(text_null(A::Description))
                    .col(big_integer(A::UploadedBy))
                    .col(big_integer(A::DownloadCount).default(0))
                    // Attachments are deleted one by one with their stored
                    // objects, never silently by a cascade.
                    .foreign_key(&mut reference(
                        A::Table,
                        A::CompletionId,
                        SessionCompletions::Table,
                    ))
                    .foreign_key(&mut reference(A::Table, A::UploadedBy, Users::Table))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_attachments_completion", A::Table)
                    .col(A::CompletionId)
                    .col(A::Id)
                    .take(),
            )
            .await?;

        use SessionNotes as N;
        manager
            .create_table(
                columns::table(db, N::Table)
                    .col(id(N::Id))
                    .col(big_integer(N::CompletionId))
                    .col(big_integer(N::AuthorId))
                    .col(string_len(N::NoteType, 16))
                    .col(text(N::NoteText))
                    .col(instant_null(db, N::EditedAt))
                    .foreign_key(&mut reference(
                        N::Table,
                        N::CompletionId,
                        SessionCompletions::Table,
                    ))
                    .foreign_key(&mut reference(N::Table, N::AuthorId, Users::Table))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_notes_completion", N::Table)
                    .col(N::CompletionId)
                    .col(N::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(
            manager,
            [
                SessionNotes::Table.into_iden(),
                SessionAttachments::Table.into_iden(),
            ],
        )
        .await
    }
}
