//! Each server forgets, as it tidies every few minutes, the refresh tokens
//! long expired and the webhook deliveries long delivered: one refresh
//! token is written per quarter hour of use per person, and one delivery
//! per event per webhook, so over years either table would outgrow the
//! sessions. These indexes let the tidy find them without a full scan.

use sea_orm_migration::prelude::*;

use crate::columns;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    State,
    UpdatedAt,
}

const EXPIRED: &str = "idx_refresh_tokens_expires";
const SETTLED: &str = "idx_webhook_deliveries_settled";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                columns::index(EXPIRED, RefreshTokens::Table)
                    .col(RefreshTokens::ExpiresAt)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                columns::index(SETTLED, WebhookDeliveries::Table)
                    .col(WebhookDeliveries::State)
                    .col(WebhookDeliveries::UpdatedAt)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(SETTLED)
                    .table(WebhookDeliveries::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(EXPIRED)
                    .table(RefreshTokens::Table)
                    .to_owned(),
            )
            .await
    }
}
