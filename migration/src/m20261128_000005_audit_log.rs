//! The append-only record of who changed what.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, id};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    BranchId,
    Action,
    Entity,
    EntityId,
    Details,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, AuditLog::Table)
                    .col(id(AuditLog::Id))
                    // No foreign key: the log outlives what it describes, and
                    // command-line actions have no actor.
                    .col(big_integer_null(AuditLog::ActorId))
                    // The branch the change belongs to, so branch admins
                    // read their branch's history; `null` for institute-wide
                    // changes such as super admin accounts.
                    .col(big_integer_null(AuditLog::BranchId))
                    .col(string_len(AuditLog::Action, 32))
                    .col(string_len(AuditLog::Entity, 32))
                    .col(big_integer(AuditLog::EntityId))
                    // JSON as text: MariaDB's JSON is text underneath, and
                    // the log is written and read whole, never queried inside.
                    .col(text(AuditLog::Details))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_audit_entity", AuditLog::Table)
                    .col(AuditLog::Entity)
                    .col(AuditLog::EntityId)
                    .col(AuditLog::Id)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_audit_branch", AuditLog::Table)
                    .col(AuditLog::BranchId)
                    .col(AuditLog::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, [AuditLog::Table.into_iden()]).await
    }
}
