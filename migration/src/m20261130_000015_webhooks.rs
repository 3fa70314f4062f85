//! Webhooks and the log of what was sent to each. A webhook keeps its
//! signing secret as it was given out: signing needs the key itself.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{self, cascade, id, instant_null};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    BranchId,
    Url,
    Events,
    Description,
    Secret,
    CreatedBy,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    Event,
    MessageId,
    Payload,
    State,
    Attempts,
    ResponseStatus,
    LastError,
    LastAttemptAt,
}

#[derive(DeriveIden)]
enum Branches {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use WebhookDeliveries as D;
        use Webhooks as W;
        let db = manager.get_database_backend();
        manager
            .create_table(
                columns::table(db, W::Table)
                    .col(id(W::Id))
                    // NULL: every branch (a super admin's).
                    .col(big_integer_null(W::BranchId))
                    .col(text(W::Url))
                    .col(string_len(W::Events, 200))
                    .col(text_null(W::Description))
                    .col(string_len(W::Secret, 64))
                    .col(big_integer(W::CreatedBy))
                    .foreign_key(&mut cascade(W::Table, W::BranchId, Branches::Table))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                columns::table(db, D::Table)
                    .col(id(D::Id))
                    .col(big_integer(D::WebhookId))
                    .col(string_len(D::Event, 40))
                    .col(string_len(D::MessageId, 40))
                    .col(text(D::Payload))
                    .col(string_len(D::State, 9))
                    .col(integer(D::Attempts).default(0))
                    .col(integer_null(D::ResponseStatus))
                    .col(text_null(D::LastError))
                    .col(instant_null(db, D::LastAttemptAt))
                    // A webhook's log goes with it.
                    .foreign_key(&mut cascade(D::Table, D::WebhookId, W::Table))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index("idx_webhook_deliveries_webhook", D::Table)
                    .col(D::WebhookId)
                    .col(D::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(
            manager,
            [
                WebhookDeliveries::Table.into_iden(),
                Webhooks::Table.into_iden(),
            ],
        )
        .await
    }
}
