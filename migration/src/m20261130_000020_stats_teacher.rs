//! The figures by faculty group sessions by who taught them, the substitute
//! when there was one (`delivered_by`, migration 18). The stats indexes of
//! migration 11 predate that column, so the breakdown by faculty read every
//! session of its range from the table as well: at a million sessions that
//! doubled its time. Each index now carries the column too.

use sea_orm_migration::prelude::*;

use crate::m20261128_000003_schedule::SessionCompletions as C;
use crate::m20261129_000011_stats_index::{INDEXES, stats_index};
use crate::m20261130_000018_timetables::SessionCompletions as Substitute;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

async fn rebuild(manager: &SchemaManager<'_>, with_teacher: bool) -> Result<(), DbErr> {
    for (name, prefix) in INDEXES {
        manager
            .drop_index(Index::drop().name(name).table(C::Table).to_owned())
            .await?;
        let mut index = stats_index(name, prefix);
        if with_teacher {
            index.col(Substitute::DeliveredBy);
        }
        manager.create_index(index).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One connection for the whole rebuild: outside a transaction, SQLite
    /// ran the `CREATE` on a pooled connection that still saw the index the
    /// `DROP` had just removed on another, and refused it as existing.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, false).await
    }
}
