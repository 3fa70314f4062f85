use lectern_api_types::webhooks::DeliveryState;
use sea_orm::entity::prelude::*;

/// One message to a webhook, its body fixed when its event happened.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub message_id: String,
    /// The JSON body, byte for byte as signed and sent.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub response_status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
