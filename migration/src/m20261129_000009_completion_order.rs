//! The session lists read in order of completion (`sort=completed_at`, the
//! "recorded lately" view of review) get the same keyset indexes the
//! scheduled order has: whole, per person and per branch.

use sea_orm_migration::prelude::*;

use crate::columns;
use crate::m20261128_000003_schedule::SessionCompletions as C;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const INDEXES: [(&str, Option<C>); 3] = [
    ("idx_completions_completed", None),
    ("idx_completions_user_completed", Some(C::UserId)),
    ("idx_completions_branch_completed", Some(C::BranchId)),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, prefix) in INDEXES {
            let mut index = columns::index(name, C::Table);
            if let Some(column) = prefix {
                index.col(column);
            }
            index.col(C::CompletedAt).col(C::Id);
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(C::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
